"""``newsroom press add|list|remove|import``: the press list (press.toml)."""

from __future__ import annotations

import argparse
import json
import sys

from .common import EXIT_FAILED, CommandError, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    press = subcommands.add_parser("press", help="the press list: who releases are sent to")
    actions = press.add_subparsers(dest="press_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add a journalist")
    add.add_argument("email")
    add.add_argument("--name", default="")
    add.add_argument("--outlet", default="")
    add.add_argument("--tag", action="append", default=[], help="a beat or area (repeatable)")
    add.add_argument("--notes", default="")
    add.set_defaults(handler=cmd_add)

    listing = actions.add_parser("list", help="the contacts, optionally only those tagged T")
    listing.add_argument("--tag", action="append", default=[])
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    remove = actions.add_parser("remove", help="take a contact off the list (for good)")
    remove.add_argument("email")
    remove.set_defaults(handler=cmd_remove)

    optout = actions.add_parser("opt-out", help="mark a contact as opted out (kept, never sent to)")
    optout.add_argument("email")
    optout.add_argument("--undo", action="store_true", help="they asked to be back on the list")
    optout.set_defaults(handler=cmd_opt_out)

    source = actions.add_parser("import", help="add contacts from a CSV file (a spreadsheet)")
    source.add_argument("file")
    source.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="which column holds email, name, outlet, tags or notes",
    )
    source.add_argument("--tag", action="append", default=[], help="tag every imported contact")
    source.add_argument("--dry-run", action="store_true", help="report, write nothing")
    source.set_defaults(handler=cmd_import)


def _load(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ..errors import BundleError
    from ..press import load

    library = open_library(args)
    try:
        return library, load(library.root, library.settings)
    except BundleError as error:
        raise CommandError(str(error)) from None


def _save(press) -> None:  # type: ignore[no-untyped-def]
    from ..errors import BundleError
    from ..press import save

    try:
        save(press)
    except BundleError as error:
        raise CommandError(str(error)) from None


def cmd_add(args: argparse.Namespace) -> int:
    from ..errors import BundleError
    from ..press import Contact, add

    _, press = _load(args)
    contact = Contact(
        email=args.email.strip(),
        name=args.name.strip(),
        outlet=args.outlet.strip(),
        tags=[t.strip() for t in args.tag if t.strip()],
        notes=args.notes,
    )
    try:
        add(press, contact)
    except BundleError as error:
        raise CommandError(str(error)) from None
    _save(press)
    print(f"Added {contact.email} to {press.path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from ..safety import strip_controls

    _, press = _load(args)
    contacts = press.selected(args.tag)
    if args.json:
        json.dump([c.to_json() for c in contacts], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    for contact in contacts:
        state = f"  opted out {contact.opted_out}" if contact.opted_out else ""
        tags = f"  [{', '.join(contact.tags)}]" if contact.tags else ""
        outlet = f" ({contact.outlet})" if contact.outlet else ""
        print(strip_controls(f"{contact.email}  {contact.name}{outlet}{tags}{state}"))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from ..errors import BundleError
    from ..press import remove

    _, press = _load(args)
    try:
        removed = remove(press, args.email)
    except BundleError as error:
        raise CommandError(str(error)) from None
    _save(press)
    print(f"Removed {removed.email}")
    return 0


def cmd_opt_out(args: argparse.Namespace) -> int:
    from datetime import date

    _, press = _load(args)
    contact = press.find(args.email)
    if contact is None:
        raise CommandError(f"{args.email} is not on the press list")
    contact.opted_out = None if args.undo else (contact.opted_out or date.today())
    _save(press)
    print(f"{contact.email}: {'back on the list' if args.undo else 'opted out'}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import BundleError
    from ..press import import_csv

    mapping = {}
    for item in args.map:
        field, equals, column = item.partition("=")
        if not equals or not field.strip() or not column.strip():
            raise CommandError(f"--map {item!r}: write FIELD=COLUMN, e.g. email='E-mail address'")
        mapping[field.strip().lower()] = column.strip()
    _, press = _load(args)
    try:
        result = import_csv(press, Path(args.file), mapping, tags=args.tag)
    except BundleError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(f"{args.file}: {error.strerror or error}") from None
    for line, why in result.rejected:
        print(f"{args.file}:{line}: rejected: {why}", file=sys.stderr)
    if not args.dry_run and result.added:
        _save(press)
    verb = "would add" if args.dry_run else "added"
    print(
        f"{verb} {len(result.added)} contact{'s' if len(result.added) != 1 else ''}; "
        f"rejected {len(result.rejected)}"
    )
    return EXIT_FAILED if result.rejected else 0

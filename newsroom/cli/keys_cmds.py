"""``newsroom keys add|list`` (the allowed_signers file) and ``newsroom whoami``."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..safety import strip_controls
from .common import CommandError, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    keys = subcommands.add_parser("keys", help="whose SSH key is whose, for signed approvals")
    actions = keys.add_subparsers(dest="keys_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="list a person's public key in allowed_signers")
    add.add_argument("person", metavar="PERSON_ID")
    add.add_argument(
        "key_file",
        type=Path,
        metavar="PUBKEY_FILE",
        help="their public key, e.g. ~/.ssh/id_ed25519.pub",
    )
    add.set_defaults(handler=cmd_keys_add)
    listing = actions.add_parser("list", help="the keys listed, and whose they are")
    listing.set_defaults(handler=cmd_keys_list)

    whoami = subcommands.add_parser(
        "whoami", help="who newsroom thinks you are, and your signing key"
    )
    whoami.add_argument(
        "--set",
        dest="set_person",
        default=None,
        metavar="PERSON_ID",
        help="remember that you are PERSON_ID in this library (on this "
        "computer only, in your own config)",
    )
    whoami.set_defaults(handler=cmd_whoami)


def cmd_keys_add(args: argparse.Namespace) -> int:
    from ..signers import SignersError, add, path

    library = open_library(args)
    try:
        entry, new = add(library, args.person, args.key_file.expanduser())
    except SignersError as error:
        raise CommandError(str(error)) from None
    where = path(library)
    if new:
        print(
            f"Listed {entry.key_type} key for {args.person} ({entry.principal}) in {where}, "
            f"line {entry.line}. Commit it so everyone checks signatures the same way."
        )
    else:
        print(f"That key is already listed for {args.person} in {where}, line {entry.line}.")
    return 0


def cmd_keys_list(args: argparse.Namespace) -> int:
    from ..signers import entries, path, person_of

    library = open_library(args)
    where = path(library)
    listed = entries(library)
    if not where.exists():
        print(f"No {where.name} file in {library.root}; `newsroom keys add` creates it.")
        return 0
    if not listed:
        print(f"{where}: no keys listed yet.")
        return 0
    for entry in listed:
        person = person_of(library, entry.principal) or "(nobody in people.toml)"
        line = f"{person:<20} {entry.principal:<40} {entry.key_type} {entry.fingerprint()}"
        print(strip_controls(f"{line} {entry.comment}".rstrip()))
    return 0


def cmd_whoami(args: argparse.Namespace) -> int:
    from ..identity import IdentityError, find_person, from_environment, how_to_say_who
    from ..signing import configured_key
    from ..userconfig import ConfigError, remember_person

    library = open_library(args)
    if args.set_person:
        person = find_person(library, args.set_person)
        if person is None:
            raise CommandError(
                f"--set {args.set_person!r}: no person with that id or email in "
                f"{library.root / 'people.toml'}"
            )
        try:
            saved = remember_person(library.root, person)
        except ConfigError as error:
            raise CommandError(str(error)) from None
        print(f"Remembered: in {library.root} you are {person} (saved in {saved}).")
    try:
        identity = from_environment(library)
    except IdentityError as error:
        raise CommandError(str(error)) from None
    if identity.person:
        print(strip_controls(f"You are {identity.describe(library)}."))
        if args.set_person and identity.person != find_person(library, args.set_person):
            print(
                f"({identity.source} comes first; the remembered choice applies when "
                "nothing else says who you are.)"
            )
    else:
        print(
            strip_controls(
                f"Nobody yet: {identity.detail}. To say who you are, {how_to_say_who()}."
            )
        )
    key = configured_key(library.root)
    if key:
        print(f"Your approvals are signed with {key.path} ({key.source}).")
    else:
        print(
            "Your approvals are not signed: no key set up (git's gpg.format = ssh and "
            "user.signingkey, or [signing] key in your newsroom config)."
        )
    return 0

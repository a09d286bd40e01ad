"""``newsroom media add|list|remove``: the pictures of a release."""

from __future__ import annotations

import argparse

from .common import CommandError, load_release, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    media = subcommands.add_parser("media", help="pictures in a release: add, list, remove")
    actions = media.add_subparsers(dest="media_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="copy a picture into the release and record it")
    add.add_argument("slug")
    add.add_argument("file", help="a JPEG, PNG, WebP or TIFF of at most 50 MB")
    add.add_argument(
        "--id",
        dest="picture_id",
        default=None,
        help="id for {{< picture ID >}} (default: from the file name)",
    )
    for option, field in (
        ("--caption", "caption"),
        ("--credit", "credit"),
        ("--alt", "alt"),
        ("--creator", "creator"),
        ("--copyright", "copyright"),
        ("--usage-terms", "usage_terms"),
    ):
        add.add_argument(
            option, dest=field, default=None, help="overrides what the file's own metadata says"
        )
    add.set_defaults(handler=cmd_add)

    listing = actions.add_parser("list", help="the release's pictures")
    listing.add_argument("slug")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    remove = actions.add_parser("remove", help="drop a picture (its record and its file)")
    remove.add_argument("slug")
    remove.add_argument("id")
    remove.set_defaults(handler=cmd_remove)


def _locked_release(args: argparse.Namespace):
    from .. import locks
    from ..errors import BundleError

    library = open_library(args)
    release = load_release(library, args.slug)
    try:
        locks.ensure_unlocked(library.root, release.slug)
    except BundleError as error:
        raise CommandError(str(error)) from None
    return library, release


def cmd_add(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..errors import BundleError
    from ..media import FIELDS, add_picture
    from ..safety import strip_controls

    library, release = _locked_release(args)
    fields = {name: getattr(args, name) for name in FIELDS}
    try:
        added = add_picture(
            library, release, Path(args.file), picture_id=args.picture_id, fields=fields
        )
    except BundleError as error:
        raise CommandError(str(error)) from None
    picture = added.picture
    print(f"Added picture {picture.id!r}: media/{picture.file} ({picture.width}×{picture.height})")
    if added.prefilled:
        print("From the file's own metadata: " + ", ".join(added.prefilled))
    print(f"Place it in body.md with a line: {{{{< picture {strip_controls(picture.id)} >}}}}")
    from .git_cmds import record_save

    record_save(library, release.slug, action="save")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    import json

    from ..media import FIELDS, placed_at
    from ..safety import strip_controls

    library = open_library(args)
    release = load_release(library, args.slug)
    rows = []
    for picture in release.media:
        row = {
            "id": picture.id,
            "file": picture.file,
            **{k: getattr(picture, k) for k in FIELDS},
            "width": picture.width,
            "height": picture.height,
            "sha256": picture.sha256,
            "placed": placed_at(release, picture.id),
        }
        rows.append(row)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"{release.slug} has no pictures; add one with `newsroom media add`")
    for row in rows:
        where = f"line {', '.join(map(str, row['placed']))}" if row["placed"] else "not placed"
        print(
            strip_controls(
                f"{row['id']}  media/{row['file']}  {row['width']}×{row['height']}  {where}"
            )
        )
        for key in FIELDS:
            if row[key]:
                print(strip_controls(f"    {key.replace('_', ' ')}: {row[key]}"))
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from ..errors import BundleError
    from ..media import remove_picture

    library, release = _locked_release(args)
    try:
        picture = remove_picture(library, release, args.id)
    except BundleError as error:
        raise CommandError(str(error)) from None
    print(f"Removed picture {picture.id!r} (media/{picture.file})")
    from .git_cmds import record_save

    record_save(library, release.slug, action="save")
    return 0

"""``newsroom import``: a plain-text release into a new bundle."""

from __future__ import annotations

import argparse
import sys

from .common import EXIT_BAD_INPUT, CommandError, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    command = subcommands.add_parser(
        "import",
        help="create a release from a plain-text press release (a file, or - for stdin)",
        description="Recognise headline, dateline, embargo, quotes and their speakers, notes "
        "to editors, contact and imprint in pasted text, and create a bundle from it.",
    )
    command.add_argument("file", help="the text file to import, or - to read standard input")
    command.add_argument(
        "--slug", help="folder name for the new release (default: from the headline)"
    )
    command.add_argument(
        "--dry-run", action="store_true", help="show what would be imported; write nothing"
    )
    command.set_defaults(handler=cmd_import)


def _read(path: str) -> bytes:
    from ..importer import MAX_BYTES

    # Read one byte past the limit: enough to refuse without loading a huge file.
    if path == "-":
        return sys.stdin.buffer.read(MAX_BYTES + 1)
    try:
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise CommandError(f"{path}: is a folder, not a text file") from None
    except OSError as error:
        raise CommandError(f"{path}: cannot be read ({error.strerror})") from None


def cmd_import(args: argparse.Namespace) -> int:
    from ..errors import BundleError
    from ..importer import (
        ImportRefused,
        create_bundle,
        decode_input,
        export_for_check,
        import_text,
        lost_words,
    )
    from ..model import slug_problem
    from ..safety import strip_controls

    source = "standard input" if args.file == "-" else args.file
    if args.slug:
        problem = slug_problem(args.slug)
        if problem:
            raise CommandError(problem)
    raw = _read(args.file)
    size = None
    if args.file != "-":
        import os

        size = os.path.getsize(args.file)
    try:
        text = decode_input(raw, source, size=size)
    except ImportRefused as error:
        raise CommandError(str(error), EXIT_BAD_INPUT) from None
    library = open_library(args)
    result = import_text(text, library.people, settings=library.settings, slug=args.slug)
    for line in result.summary_lines():
        print(strip_controls(line))
    lost = lost_words(result, export_for_check(result, library))
    if lost:
        # A bug in the importer must never silently drop words from a release.
        raise CommandError(
            "the import would lose words (starting at: " + " ".join(lost) + "); nothing was "
            "written — please report this with the input"
        )
    slug = result.release.slug
    if args.dry_run:
        print(f"Dry run: nothing written (would create {library.root / slug}/)")
        return 0
    try:
        directory = create_bundle(library, result, slug)
    except BundleError as error:
        raise CommandError(str(error)) from None
    print(f"Created {directory}/")
    return 0

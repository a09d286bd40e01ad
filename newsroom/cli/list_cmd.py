"""``newsroom list``: its arguments and its handler.

Kept apart and light so that the commonest ``newsroom list`` lines
(``[--drafts DIR] list [--json]``) reach the index without argparse, pathlib
or any other command module (see ``quick_arguments`` and ``cli.main``);
anything else, ``--help`` included, goes through argparse as usual.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence


def register(subcommands: argparse._SubParsersAction) -> None:
    listing = subcommands.add_parser("list", help="list every release in the library")
    listing.add_argument("--json", action="store_true", help="a JSON array for scripts")
    listing.set_defaults(handler=cmd_list)


def quick_arguments(argv: Sequence[str]) -> tuple[str, bool, list[str]] | None:
    """(library folder, --json, folders searched in vain) for a plain
    ``[--drafts DIR] list [--json]``, or None to let argparse judge the arguments."""
    arguments = list(argv)
    drafts = None
    if arguments[:1] == ["--drafts"] and len(arguments) >= 2:
        drafts, arguments = arguments[1], arguments[2:]
    elif arguments and arguments[0].startswith("--drafts="):
        drafts, arguments = arguments[0].removeprefix("--drafts="), arguments[1:]
    if arguments not in (["list"], ["list", "--json"]) or drafts in ("",):
        return None
    if drafts is not None:
        return drafts, len(arguments) == 2, []
    from ..discover import find_library  # as cli.drafts_dir decides it (os.path only)

    folder, searched = find_library(None)
    return folder, len(arguments) == 2, searched


def cmd_list(args: argparse.Namespace) -> int:
    return list_releases(os.fspath(args.drafts), args.json, args.library_searched)


def list_releases(drafts: str, as_json: bool, searched: list[str] | None = None) -> int:
    # Rows come from the index (drafts/.newsroom/index.jsonl) where the files
    # have not changed: a library of 10,000 lists in a blink, not seconds.
    from ..index.listing import listing
    from ..workers import default_workers
    from .common import EXIT_BAD_INPUT, CommandError

    if searched:
        from ..discover import LibraryNotFound

        raise CommandError(str(LibraryNotFound(searched)))
    try:
        result = listing(drafts, workers=default_workers())
    except Exception as error:
        from ..errors import BundleError

        if isinstance(error, BundleError):
            raise CommandError(str(error)) from None
        raise
    if as_json:
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # stdout replaced by a text stream (tests, embedding)
            sys.stdout.write(result.json_text())
        else:  # the index's bytes as they are: no decoding, no copy
            sys.stdout.flush()
            buffer.write(result.json_bytes())
            buffer.flush()
    else:
        from ..safety import strip_controls

        rows = result.dicts()
        for row in rows:
            headline = strip_controls(row.get("headline") or row.get("error", ""))
            print(f"{row['status']:<10} {row.get('date') or '':<10}  {row['slug']:<40}  {headline}")
        if not rows:
            print(f"No releases in {drafts}. Create one with: newsroom new SLUG --headline TEXT")
    for problem in result.errors:
        print(f"newsroom: {problem}", file=sys.stderr)
    return EXIT_BAD_INPUT if result.errors else 0

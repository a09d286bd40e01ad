"""``newsroom list``: its arguments and its handler.

Kept apart, importing only ``argparse`` and ``sys`` at the top, so that
``newsroom list`` builds a parser for itself alone (see ``cli.main``) and
reaches the index without importing ``bundle`` or any other command module.
"""

from __future__ import annotations

import argparse
import sys


def register(subcommands: argparse._SubParsersAction) -> None:
    listing = subcommands.add_parser("list", help="list every release in the library")
    listing.add_argument("--json", action="store_true", help="a JSON array for scripts")
    listing.set_defaults(handler=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    # Rows come from the index (drafts/.newsroom/index.jsonl) where the files
    # have not changed: a library of 10,000 lists in a blink, not seconds.
    from ..index import default_workers, listing
    from .common import EXIT_BAD_INPUT, CommandError

    try:
        result = listing(args.drafts, workers=default_workers())
    except Exception as error:
        from ..bundle import BundleError  # only on failure: bundle costs ~30 ms to import

        if isinstance(error, BundleError):
            raise CommandError(str(error)) from None
        raise
    if args.json:
        sys.stdout.write(result.json_text())
    else:
        from ..safety import strip_controls

        rows = result.dicts()
        for row in rows:
            headline = strip_controls(row.get("headline") or row.get("error", ""))
            print(f"{row['status']:<10} {row.get('date') or '':<10}  {row['slug']:<40}  {headline}")
        if not rows:
            print(f"No releases in {args.drafts}. "
                  "Create one with: newsroom new SLUG --headline TEXT")
    for error in result.errors:
        print(f"newsroom: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT if result.errors else 0

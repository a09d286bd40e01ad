"""``newsroom edit SLUG``: the TUI, straight into the editor on one release."""

from __future__ import annotations

import argparse

from .common import load_release, open_library


def register(subcommands: argparse._SubParsersAction) -> None:
    edit = subcommands.add_parser(
        "edit", help="open the editor on one release, the cursor at the end of its body"
    )
    edit.add_argument("slug")
    edit.set_defaults(handler=cmd_edit)


def cmd_edit(args: argparse.Namespace) -> int:
    # A release that cannot be opened is reported here, before the screen is taken.
    load_release(open_library(args), args.slug)
    from ..tui import run_app  # Textual is imported only here.

    return run_app(args.drafts, edit=args.slug)

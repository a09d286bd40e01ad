"""The ``newsroom`` command: argparse front end over the core.

Each group of subcommands lives in its own module with a ``register``
function. Those modules import only the core, and only inside the command
functions where it is costly, so ``newsroom list`` starts fast and never
imports Textual or Rich.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import export_cmds, git_cmds, import_cmds, library_cmds, workflow_cmds
from .common import EXIT_BAD_INPUT, CommandError

# One line per group of subcommands.
COMMAND_MODULES = (library_cmds, export_cmds, workflow_cmds, git_cmds, import_cmds)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsroom",
        description="A terminal press office. With no command, opens the editor.",
    )
    parser.add_argument(
        "--drafts",
        type=Path,
        default=None,
        help="the library folder (default: $NEWSROOM_DRAFTS or ./drafts)",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in COMMAND_MODULES:
        module.register(subcommands)
    return parser


def drafts_dir(args: argparse.Namespace) -> Path:
    if args.drafts is not None:
        return args.drafts
    return Path(os.environ.get("NEWSROOM_DRAFTS") or "drafts")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.drafts = drafts_dir(args)
    try:
        if args.command is None:
            from ..tui import run_app  # Textual is imported only here.

            return run_app(args.drafts)
        return int(args.handler(args) or 0)
    except CommandError as error:
        print(f"newsroom: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        # `newsroom list | head`: the reader left; that is not an error.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        return 130
    except OSError as error:
        print(f"newsroom: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT

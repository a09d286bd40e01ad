"""The ``newsroom`` command: argparse front end over the core.

Each group of subcommands lives in its own module with a ``register``
function. Those modules import only the core, and only inside the command
functions where it is costly, so ``newsroom list`` starts fast and never
imports Textual or Rich.
"""

from __future__ import annotations

import os
import sys

from .common import EXIT_BAD_INPUT, CommandError, require_library

# argparse, pathlib and collections cost half an interpreter's start: a plain
# `newsroom list` does without them (see list_cmd.quick_arguments).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Sequence
    from pathlib import Path

# One name per group of subcommands (a module newsroom/cli/<name>.py with
# ``register``). Imported only when the parser is built, and ``newsroom list``
# builds a parser for list_cmd alone: importing every module (and with them
# ``bundle``) costs several times an interpreter's start.
COMMAND_MODULES = (
    "list_cmd",
    "library_cmds",
    "export_cmds",
    "workflow_cmds",
    "git_cmds",
    "import_cmds",
    "keys_cmds",
    "waive_cmds",
    "press_cmds",
    "send_cmds",
    "media_cmds",
    "edit_cmd",
    "search_cmd",
)
# Commands that may run with a parser of their module alone.
FAST_COMMANDS = {"list": "list_cmd", "search": "search_cmd"}


def command_word(argv: Sequence[str]) -> str | None:
    """The subcommand named in ``argv``, if it is plain to see (else None)."""
    arguments = iter(argv)
    for argument in arguments:
        if argument == "--drafts":
            next(arguments, None)
        elif argument.startswith("--drafts="):
            continue
        elif argument.startswith("-"):
            return None  # --help, or something argparse should judge
        else:
            return argument
    return None


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    import importlib
    from pathlib import Path

    from .parser import NewsroomParser, honest_help

    parser = NewsroomParser(
        prog="newsroom",
        description="A terminal press office. With no command, opens the editor.",
    )
    parser.add_argument(
        "--drafts",
        type=Path,
        default=None,
        help="the library folder (default: $NEWSROOM_DRAFTS, else the nearest folder at or "
        "above this one holding newsroom.toml, else ./drafts)",
    )
    subcommands = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=NewsroomParser
    )
    for name in modules:
        importlib.import_module(f"{__name__}.{name}").register(subcommands)
    honest_help(parser)
    return parser


def drafts_dir(args: argparse.Namespace) -> Path:
    """The library folder (see newsroom.discover); the folders searched in vain
    are kept on ``args.library_searched`` for the commands that need a library."""
    from pathlib import Path

    from ..discover import find_library

    folder, args.library_searched = find_library(
        None if args.drafts is None else os.fspath(args.drafts)
    )
    return Path(folder)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    from .list_cmd import list_releases, quick_arguments

    quick = quick_arguments(arguments)
    if quick is not None:  # a plain `newsroom list`: no argument parser at all
        return _handled(lambda: list_releases(*quick))
    fast = FAST_COMMANDS.get(command_word(arguments) or "")
    parser = build_parser((fast,) if fast else COMMAND_MODULES)
    args = parser.parse_args(arguments)
    args.drafts = drafts_dir(args)

    def run() -> int:
        if args.command is None:
            require_library(args)
            from ..tui import run_app  # Textual is imported only here.

            return run_app(args.drafts)
        return int(args.handler(args) or 0)

    return _handled(run)


def _handled(command: Callable[[], int]) -> int:
    """Run a command, turning the failures a user can act on into a message and an exit code."""
    try:
        return command()
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

"""What every subcommand shares: exit codes, errors, opening the library."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # not typing's: importing typing costs more than this module
if TYPE_CHECKING:  # bundle is imported when a library is opened, not to parse arguments
    import argparse

    from ..bundle import Library
    from ..model import Release

EXIT_OK = 0
EXIT_FAILED = 1  # a check or rule failed, or not approved
EXIT_BAD_INPUT = 2  # bad input or usage


class CommandError(Exception):
    """A failure to report on stderr with an exit code, no traceback."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def require_library(args: argparse.Namespace) -> None:
    """Stop with the folders discovery searched when it found no library."""
    searched = getattr(args, "library_searched", None)
    if searched:
        from ..discover import LibraryNotFound

        raise CommandError(str(LibraryNotFound(searched)))


def open_library(args: argparse.Namespace) -> Library:
    from ..bundle import Library
    from ..errors import BundleError

    require_library(args)
    try:
        return Library.open(args.drafts)
    except BundleError as error:
        raise CommandError(str(error)) from None


def load_release(library: Library, slug: str) -> Release:
    from ..errors import BundleError

    try:
        return library.load(slug)
    except BundleError as error:
        raise CommandError(str(error)) from None


def write_output(text: str, output: str | None, *, newline: str = "") -> None:
    """Text to stdout, or atomically to a file."""
    if output and output != "-":
        from pathlib import Path

        from ..fsio import atomic_write

        atomic_write(Path(output), text.encode("utf-8"))
    else:
        sys.stdout.write(text)
        sys.stdout.flush()

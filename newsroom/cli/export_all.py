"""``newsroom export --all --out DIR``: one file per release, and why any was skipped.

The arguments and the printing; the batch itself is ``newsroom.batch_export``.
Kept apart from ``export_cmds`` so the single-release path stays small. Rich
is imported only when a progress bar is actually shown.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from .common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, CommandError, open_library

if TYPE_CHECKING:
    from ..batch_export import Outcome
    from ..model import Release


def want_progress(count: int, *, stdout_tty: bool, stderr_tty: bool, lines: int) -> bool:
    """A bar only for a person watching a terminal, and only when a screenful would scroll."""
    return stdout_tty and stderr_tty and count > lines


@contextmanager
def terminal_progress(total: int) -> Iterator[Callable[[int], None]]:
    """A transient bar on stderr while ``total`` releases are exported, when
    ``want_progress`` says so; yields ``advance(n)``."""
    if not want_progress(
        total,
        stdout_tty=sys.stdout.isatty(),
        stderr_tty=sys.stderr.isatty(),
        lines=shutil.get_terminal_size().lines,
    ):
        yield lambda done: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Exporting", total=total)
        yield lambda done: progress.advance(task, done)


def exit_code(outcome: Outcome) -> int:
    # Bad bundles are bad input; a release held back by the gate is "not approved".
    if outcome.invalid:
        return EXIT_BAD_INPUT
    if outcome.refused:
        return EXIT_FAILED
    return EXIT_OK


def cmd_export_all(args: argparse.Namespace) -> int:
    from ..batch_export import BatchError, BatchOptions, Hooks, export_all
    from ..identity import IdentityError, resolve
    from ..workflow import STATUSES

    wanted = set(args.status or ())
    unknown = wanted - set(STATUSES)
    if unknown:
        raise CommandError(
            f"--status {sorted(unknown)[0]!r} is not a status; choose from {', '.join(STATUSES)}"
        )
    library = open_library(args)
    out_dir = Path(args.out)
    if out_dir.exists() and not out_dir.is_dir():
        raise CommandError(f"{out_dir}: exists and is not a folder")
    publisher = ""
    if not args.draft:
        try:
            publisher = resolve(library, required=False)
        except IdentityError as error:
            raise CommandError(str(error)) from None
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CommandError(
            f"{out_dir}: cannot create the folder ({error.strerror or error})"
        ) from None

    options = BatchOptions(
        format=args.format,
        out_dir=out_dir,
        draft=args.draft,
        to=args.to,
        width=args.width,
        ascii=args.ascii,
        crlf=args.crlf,
        wanted=frozenset(wanted),
        publisher=publisher,
    )

    def published(release: Release) -> None:
        from .git_cmds import record  # in a git work tree: one "Publish" commit

        record(
            library,
            release.slug,
            "publish",
            release.history[-1].digest,
            message=f"Exported as {args.format}.",
        )

    hooks = Hooks(
        written=lambda target: print(target, flush=True),
        published=published,
        progress=terminal_progress,
    )
    try:
        outcome = export_all(library, options, hooks)
    except BatchError as error:
        raise CommandError(str(error)) from None

    report: Callable[[str], None] = lambda line: print(line, file=sys.stderr)  # noqa: E731
    for slug, why in outcome.skipped:
        report(f"skipped {slug}: {why}")
    written = outcome.written
    noun = "file" if len(written) == 1 else "files"
    report(f"wrote {len(written)} {noun} to {out_dir}; skipped {len(outcome.skipped)}")
    return exit_code(outcome)

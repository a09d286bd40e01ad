"""``newsroom export --all --out DIR``: one file per release, and why any was skipped.

Kept apart from ``export_cmds`` so the single-release path stays small. Rich
is imported only when a progress bar is actually shown.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, CommandError, open_library


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (slug, why)
    invalid: int = 0
    refused: int = 0

    @property
    def exit_code(self) -> int:
        # Bad bundles are bad input; a release held back by the gate is "not approved".
        if self.invalid:
            return EXIT_BAD_INPUT
        if self.refused:
            return EXIT_FAILED
        return EXIT_OK


def want_progress(count: int, *, stdout_tty: bool, stderr_tty: bool, lines: int) -> bool:
    """A bar only for a person watching a terminal, and only when a screenful would scroll."""
    return stdout_tty and stderr_tty and count > lines


def _progress(items: list[str], show: bool) -> Iterator[str]:
    if not show:
        yield from items
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Exporting", total=len(items))
        for item in items:
            yield item
            progress.advance(task)


def _write_export(target: Path, data: bytes) -> None:
    """Replace ``target`` atomically (temporary file, then rename: never a torn
    file), but without an ``fsync`` of its own.

    An export is derived from the library and can always be written again;
    an ``fsync`` per file was a quarter of ``export --all``. The folder is
    synced once, after the last file (``cmd_export_all``).
    """
    import contextlib
    import os
    import tempfile

    from ..bundle import _copy_mode

    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        _copy_mode(target, temp_name)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def cmd_export_all(args: argparse.Namespace) -> int:
    from ..bundle import BundleError, _fsync_dir
    from ..export import EXTENSIONS, ExportError, render
    from ..identity import IdentityError, resolve
    from ..workflow import SPIKED, STATUSES, publication_refusal, record_publication, status

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

    slugs = library.slugs()
    show = want_progress(
        len(slugs),
        stdout_tty=sys.stdout.isatty(),
        stderr_tty=sys.stderr.isatty(),
        lines=shutil.get_terminal_size().lines,
    )
    outcome = Outcome()
    report: Callable[[str], None] = lambda line: print(line, file=sys.stderr)  # noqa: E731
    for slug in _progress(slugs, show):
        try:
            release = library.load(slug)
        except BundleError as error:
            outcome.invalid += 1
            outcome.skipped.append((slug, f"invalid bundle: {error}"))
            continue
        state = status(release, library)
        if wanted and state not in wanted:
            continue
        if state == SPIKED and SPIKED not in wanted:
            # Withdrawn: not even a draft copy, unless asked for by name.
            outcome.skipped.append((slug, "spiked (withdrawn); --status spiked exports it"))
            continue
        refusal = None if args.draft else publication_refusal(release, library)
        if refusal:
            outcome.refused += 1
            outcome.skipped.append((slug, refusal.removeprefix(f"{slug} is ")))
            continue
        try:
            output = render(
                release, library, args.format, draft=args.draft, to=args.to,
                width=args.width, ascii=args.ascii, crlf=args.crlf,
            )
        except ExportError as error:
            # Settings problems are the same for every release: stop at the first.
            raise CommandError(str(error)) from None
        target = out_dir / f"{slug}{EXTENSIONS[args.format]}"
        data = output if isinstance(output, bytes) else output.encode("utf-8")
        try:
            _write_export(target, data)
        except OSError as error:
            # Name the file asked for, not the temporary file beside it.
            raise CommandError(
                f"{target}: cannot write the export ({error.strerror or error})"
            ) from None
        outcome.written.append(target)
        print(target, flush=True)
        if not args.draft and record_publication(release, library, publisher, args.format):
            from .git_cmds import record  # in a git work tree: one "Publish" commit

            record(library, release.slug, "publish", release.history[-1].digest,
                   message=f"Exported as {args.format}.")

    if outcome.written:
        # The renames, once. The files' data reach the disk with the kernel's
        # next writeback: after a power cut an export may need running again,
        # but no file is ever half old, half new.
        _fsync_dir(out_dir)
    for slug, why in outcome.skipped:
        report(f"skipped {slug}: {why}")
    noun = "file" if len(outcome.written) == 1 else "files"
    report(f"wrote {len(outcome.written)} {noun} to {out_dir}; skipped {len(outcome.skipped)}")
    return outcome.exit_code

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
from typing import TYPE_CHECKING

from .common import EXIT_BAD_INPUT, EXIT_FAILED, EXIT_OK, CommandError, open_library

if TYPE_CHECKING:
    from ..bundle import Library
    from ..model import Release


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


def _stage_export(target: Path, data: bytes) -> str:
    """``data`` in a temporary file beside ``target`` with ``target``'s mode,
    ready to be renamed over it; its name."""
    import contextlib
    import os
    import tempfile

    from ..bundle import _copy_mode

    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        _copy_mode(target, temp_name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return temp_name


def _write_export(target: Path, data: bytes) -> None:
    """Replace ``target`` atomically (temporary file, then rename: never a torn
    file), but without an ``fsync`` of its own.

    An export is derived from the library and can always be written again;
    an ``fsync`` per file was a quarter of ``export --all``. The folder is
    synced once, after the last file (``cmd_export_all``).
    """
    import contextlib
    import os

    temp_name = _stage_export(target, data)
    try:
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise


def _cannot_write(target: Path, error: OSError) -> CommandError:
    # Name the file asked for, not the temporary file beside it.
    return CommandError(f"{target}: cannot write the export ({error.strerror or error})")


@dataclass
class _Job:
    """What every release's export needs, made once (and inherited by forked workers)."""

    library: Library
    args: argparse.Namespace
    out_dir: Path
    wanted: set[str]
    publisher: str = ""


@dataclass
class _Skip:
    why: str
    invalid: bool = False
    refused: bool = False


@dataclass
class _Render:
    release: Release
    target: Path
    data: bytes


def _render_one(job: _Job, slug: str) -> _Skip | _Render | None:
    """One release loaded, gated and rendered; None when ``--status`` leaves it out.

    Raises ``CommandError`` when the settings cannot make the format.
    """
    from ..bundle import BundleError
    from ..export import EXTENSIONS, ExportError, render
    from ..workflow import SPIKED, publication_refusal, status

    library, args = job.library, job.args
    try:
        release = library.load(slug)
    except BundleError as error:
        return _Skip(f"invalid bundle: {error}", invalid=True)
    if args.draft:
        # Kept by load for saving; a draft export never saves, and 10,000
        # deep copies are memory for nothing.
        library.origins.pop(slug, None)
    state = status(release, library)
    if job.wanted and state not in job.wanted:
        return None
    if state == SPIKED and SPIKED not in job.wanted:
        # Withdrawn: not even a draft copy, unless asked for by name.
        return _Skip("spiked (withdrawn); --status spiked --draft exports a draft copy")
    refusal = None if args.draft else publication_refusal(release, library)
    if refusal and state == SPIKED:  # asked for by --status spiked: say how to get it
        return _Skip("spiked (withdrawn); add --draft to export a draft copy", refused=True)
    if refusal:
        return _Skip(refusal.removeprefix(f"{slug} is "), refused=True)
    try:
        output = render(
            release,
            library,
            args.format,
            draft=args.draft,
            to=args.to,
            width=args.width,
            ascii=args.ascii,
            crlf=args.crlf,
        )
    except ExportError as error:
        # Settings problems are the same for every release: stop at the first.
        raise CommandError(str(error)) from None
    target = job.out_dir / f"{slug}{EXTENSIONS[args.format]}"
    data = output if isinstance(output, bytes) else output.encode("utf-8")
    return _Render(release, target, data)


def _skip(outcome: Outcome, slug: str, skip: _Skip) -> None:
    outcome.invalid += skip.invalid
    outcome.refused += skip.refused
    outcome.skipped.append((slug, skip.why))


def _export_sequential(job: _Job, slugs: list[str], show: bool, outcome: Outcome) -> None:
    from ..workflow import record_publication

    args, library = job.args, job.library
    for slug in _progress(slugs, show):
        step = _render_one(job, slug)
        if step is None:
            continue
        if isinstance(step, _Skip):
            _skip(outcome, slug, step)
            continue
        release, target = step.release, step.target
        try:
            _write_export(target, step.data)
        except OSError as error:
            raise _cannot_write(target, error) from None
        outcome.written.append(target)
        print(target, flush=True)
        if not args.draft and record_publication(release, library, job.publisher, args.format):
            from .git_cmds import record  # in a git work tree: one "Publish" commit

            record(
                library,
                release.slug,
                "publish",
                release.history[-1].digest,
                message=f"Exported as {args.format}.",
            )


# ---------------------------------------------------------------------------
# Worker processes for long draft exports

# Releases before worker processes pay for their start (a fork each, and
# passing the outcomes back); smaller libraries are exported in this process.
PARALLEL_MIN = 200
# Parts per worker: small enough that the paths print steadily and a slow
# part does not leave the other worker idle at the end.
PARTS_PER_WORKER = 8

_forked_job: _Job | None = None

# One release's outcome from a worker: ("skip", why, invalid, refused),
# ("staged", temporary file, target) or ("error", message, exit code); a
# part stops at its first error, as the loop in one process would.
_Step = tuple


def _export_part(slugs: list[str]) -> list[_Step | None]:
    """In a worker: load, gate and render each release and stage its file
    beside the target; the parent renames the files into place in slug order."""
    job = _forked_job
    assert job is not None
    steps: list[_Step | None] = []
    try:
        for slug in slugs:
            try:
                step = _render_one(job, slug)
                if isinstance(step, _Render):
                    try:
                        temp = _stage_export(step.target, step.data)
                    except OSError as error:
                        raise _cannot_write(step.target, error) from None
                    steps.append(("staged", temp, str(step.target)))
                elif isinstance(step, _Skip):
                    steps.append(("skip", step.why, step.invalid, step.refused))
                else:
                    steps.append(None)
            except CommandError as error:
                steps.append(("error", str(error), error.exit_code))
                break
    except BaseException:
        _discard(steps)  # interrupted: nothing staged left for the parent to miss
        raise
    return steps


def _parallel_workers(job: _Job, count: int) -> int:
    """How many worker processes to export ``count`` releases with: 1 for none."""
    from ..index import can_fork, default_workers

    if not job.args.draft or count < PARALLEL_MIN or not can_fork():
        # A final export records each publication (and commits it) here.
        return 1
    return max(1, min(default_workers(), count // (PARALLEL_MIN // 2)))


def _export_parallel(
    job: _Job, slugs: list[str], workers: int, show: bool, outcome: Outcome
) -> None:
    """As ``_export_sequential`` for a draft export, the same output and files,
    with the releases split over forked worker processes."""
    import contextlib
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from .. import export, workflow  # noqa: F401 - imported once here, not in every worker

    global _forked_job
    size = -(-len(slugs) // (workers * PARTS_PER_WORKER))
    parts = [slugs[start : start + size] for start in range(0, len(slugs), size)]
    # Forked workers must not write out what is still buffered here.
    sys.stdout.flush()
    sys.stderr.flush()
    error: CommandError | None = None
    _forked_job = job
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            # Every worker forks at the first submit: before the progress
            # bar's thread starts.
            futures = [pool.submit(_export_part, part) for part in parts]
            _forked_job = None
            done = 0  # parts whose staged files are all renamed or removed
            try:
                for part in _progress_parts(parts, show):
                    steps = futures[done].result()
                    error = _finish_part(part, steps, outcome)
                    done += 1
                    if error is not None:
                        break
            finally:
                # Stopped early (an error, Ctrl-C): nothing staged is left behind.
                for future in futures[done:]:
                    if future.cancel():
                        continue
                    with contextlib.suppress(BaseException):
                        _discard(future.result())
    finally:
        _forked_job = None
    if error is not None:
        raise error


def _finish_part(
    part: list[str], steps: list[_Step | None], outcome: Outcome
) -> CommandError | None:
    """Rename one part's staged files into place in slug order and print each,
    as the loop in one process would; the error that stops the export, if any."""
    import os

    for position, (slug, step) in enumerate(zip(part, steps, strict=False)):
        if step is None:
            continue
        kind = step[0]
        if kind == "error":
            return CommandError(step[1], step[2])
        if kind == "skip":
            _skip(outcome, slug, _Skip(step[1], step[2], step[3]))
            continue
        target = Path(step[2])
        try:
            os.replace(step[1], target)
        except BaseException as failure:
            _discard(steps[position:])
            if isinstance(failure, OSError):
                return _cannot_write(target, failure)
            raise
        outcome.written.append(target)
        try:
            print(target, flush=True)
        except BaseException:
            _discard(steps[position + 1 :])
            raise
    return None


def _discard(steps: list[_Step | None]) -> None:
    import contextlib
    import os

    for step in steps:
        if step and step[0] == "staged":
            with contextlib.suppress(OSError):
                os.unlink(step[1])


def _progress_parts(parts: list[list[str]], show: bool) -> Iterator[list[str]]:
    if not show:
        yield from parts
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Exporting", total=sum(map(len, parts)))
        for part in parts:
            yield part
            progress.advance(task, len(part))


def cmd_export_all(args: argparse.Namespace) -> int:
    from ..bundle import _fsync_dir
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

    slugs = library.slugs()
    show = want_progress(
        len(slugs),
        stdout_tty=sys.stdout.isatty(),
        stderr_tty=sys.stderr.isatty(),
        lines=shutil.get_terminal_size().lines,
    )
    job = _Job(library, args, out_dir, wanted, publisher)
    outcome = Outcome()
    workers = _parallel_workers(job, len(slugs))
    if workers > 1:
        _export_parallel(job, slugs, workers, show, outcome)
    else:
        _export_sequential(job, slugs, show, outcome)

    if outcome.written:
        # The renames, once. The files' data reach the disk with the kernel's
        # next writeback: after a power cut an export may need running again,
        # but no file is ever half old, half new.
        _fsync_dir(out_dir)
    report: Callable[[str], None] = lambda line: print(line, file=sys.stderr)  # noqa: E731
    for slug, why in outcome.skipped:
        report(f"skipped {slug}: {why}")
    noun = "file" if len(outcome.written) == 1 else "files"
    report(f"wrote {len(outcome.written)} {noun} to {out_dir}; skipped {len(outcome.skipped)}")
    return outcome.exit_code

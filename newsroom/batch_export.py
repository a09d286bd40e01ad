"""Exporting every release at once: one file per release, and why any was skipped.

Each release is loaded, gated (a final export needs an approved release),
rendered and written beside its target and renamed into place, in this
process or, for a long draft export, split over forked worker processes; the
output and the files are the same either way. The folder is synced once,
after the last file: an export is derived from the library and can always be
written again, and an ``fsync`` per file was a quarter of the time.

Core module: no Textual, no Rich, no argparse. The command line
(``newsroom export --all``) turns arguments into ``BatchOptions``, and prints
what the hooks report.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path

from .actions import publication_refusal, record_publication
from .bundle import Library
from .errors import BundleError
from .export import EXTENSIONS, ExportError, render
from .fsio import atomic_write, fsync_dir, stage_write
from .model import Release
from .signoff import status
from .workers import can_fork, default_workers
from .workflow import SPIKED

# Given the number of releases, a context in which to call ``advance(n)`` as
# ``n`` more are done (a progress bar, say).
Progress = Callable[[int], AbstractContextManager[Callable[[int], None]]]

# Releases before worker processes pay for their start (a fork each, and
# passing the outcomes back); smaller libraries are exported in this process.
PARALLEL_MIN = 200
# Parts per worker: small enough that the paths print steadily and a slow
# part does not leave the other worker idle at the end.
PARTS_PER_WORKER = 8


class BatchError(Exception):
    """What stops the whole export: the settings cannot make the format (the same
    for every release), or a file cannot be written."""


@dataclass(frozen=True)
class BatchOptions:
    """What to export, and how."""

    format: str
    out_dir: Path
    draft: bool = False
    to: list[str] | None = None  # replaces the press list (eml)
    width: int | None = None
    ascii: bool = False
    crlf: bool = False
    wanted: frozenset[str] = frozenset()  # statuses to export; empty for all
    publisher: str = ""  # who publishes, for a final export


@dataclass
class Outcome:
    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (slug, why)
    invalid: int = 0  # bundles that do not load
    refused: int = 0  # releases the gate held back


@dataclass
class Hooks:
    """What the caller hears of: each file written (in slug order), each
    publication recorded (a final export), and the progress."""

    written: Callable[[Path], None] = lambda target: None
    published: Callable[[Release], None] = lambda release: None
    progress: Progress | None = None


@dataclass
class Job:
    """What every release's export needs, made once (and inherited by forked workers)."""

    library: Library
    options: BatchOptions
    hooks: Hooks = field(default_factory=Hooks)


def export_all(library: Library, options: BatchOptions, hooks: Hooks | None = None) -> Outcome:
    """Export every release of ``library`` into ``options.out_dir`` (which must exist).

    Raises ``BatchError`` at the first release whose format the settings cannot
    make, or whose file cannot be written; what was written so far stays.
    """
    job = Job(library, options, hooks or Hooks())
    slugs = library.slugs()
    outcome = Outcome()
    workers = parallel_workers(options, len(slugs))
    if workers > 1:
        export_parallel(job, slugs, workers, outcome)
    else:
        export_sequential(job, slugs, outcome)
    if outcome.written:
        # The renames, once. The files' data reach the disk with the kernel's
        # next writeback: after a power cut an export may need running again,
        # but no file is ever half old, half new.
        fsync_dir(options.out_dir)
    return outcome


def parallel_workers(options: BatchOptions, count: int) -> int:
    """How many worker processes to export ``count`` releases with: 1 for none."""
    if not options.draft or count < PARALLEL_MIN or not can_fork():
        # A final export records each publication (and commits it) here.
        return 1
    return max(1, min(default_workers(), count // (PARALLEL_MIN // 2)))


def _tracked(parts: list[list[str]], progress: Progress | None) -> Iterator[list[str]]:
    """The parts in turn, the progress advanced by each part's size once it is done."""
    if progress is None:
        yield from parts
        return
    with progress(sum(map(len, parts))) as advance:
        for part in parts:
            yield part
            advance(len(part))


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


def _render_one(job: Job, slug: str) -> _Skip | _Render | None:
    """One release loaded, gated and rendered; None when ``wanted`` leaves it out.

    Raises ``BatchError`` when the settings cannot make the format.
    """
    library, options = job.library, job.options
    try:
        release = library.load(slug)
    except BundleError as error:
        return _Skip(f"invalid bundle: {error}", invalid=True)
    if options.draft:
        # Kept by load for saving; a draft export never saves, and 10,000
        # deep copies are memory for nothing.
        library.origins.pop(slug, None)
    state = status(release, library)
    if options.wanted and state not in options.wanted:
        return None
    if state == SPIKED and SPIKED not in options.wanted:
        # Withdrawn: not even a draft copy, unless asked for by name.
        return _Skip("spiked (withdrawn); --status spiked --draft exports a draft copy")
    refusal = None if options.draft else publication_refusal(release, library)
    if refusal and state == SPIKED:  # asked for by --status spiked: say how to get it
        return _Skip("spiked (withdrawn); add --draft to export a draft copy", refused=True)
    if refusal:
        return _Skip(refusal.removeprefix(f"{slug} is "), refused=True)
    try:
        output = render(
            release,
            library,
            options.format,
            draft=options.draft,
            to=options.to,
            width=options.width,
            ascii=options.ascii,
            crlf=options.crlf,
        )
    except ExportError as error:
        # Settings problems are the same for every release: stop at the first.
        raise BatchError(str(error)) from None
    target = options.out_dir / f"{slug}{EXTENSIONS[options.format]}"
    data = output if isinstance(output, bytes) else output.encode("utf-8")
    return _Render(release, target, data)


def _cannot_write(target: Path, error: OSError) -> BatchError:
    # Name the file asked for, not the temporary file beside it.
    return BatchError(f"{target}: cannot write the export ({error.strerror or error})")


def _skip(outcome: Outcome, slug: str, skip: _Skip) -> None:
    outcome.invalid += skip.invalid
    outcome.refused += skip.refused
    outcome.skipped.append((slug, skip.why))


def export_sequential(job: Job, slugs: list[str], outcome: Outcome) -> None:
    """Every release in turn, in this process."""
    options, library, hooks = job.options, job.library, job.hooks
    for (slug,) in _tracked([[slug] for slug in slugs], hooks.progress):
        step = _render_one(job, slug)
        if step is None:
            continue
        if isinstance(step, _Skip):
            _skip(outcome, slug, step)
            continue
        release, target = step.release, step.target
        try:
            atomic_write(target, step.data, sync=False)
        except OSError as error:
            raise _cannot_write(target, error) from None
        outcome.written.append(target)
        hooks.written(target)
        if not options.draft and record_publication(
            release, library, options.publisher, options.format
        ):
            hooks.published(release)


# ---------------------------------------------------------------------------
# Worker processes for long draft exports

_forked_job: Job | None = None

# One release's outcome from a worker: ("skip", why, invalid, refused),
# ("staged", temporary file, target) or ("error", message); a part stops at
# its first error, as the loop in one process would.
_Step = tuple[str, str, bool, bool] | tuple[str, str, str] | tuple[str, str]


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
                        temp = stage_write(step.target, step.data, sync=False)
                    except OSError as error:
                        raise _cannot_write(step.target, error) from None
                    steps.append(("staged", temp, str(step.target)))
                elif isinstance(step, _Skip):
                    steps.append(("skip", step.why, step.invalid, step.refused))
                else:
                    steps.append(None)
            except BatchError as error:
                steps.append(("error", str(error)))
                break
    except BaseException:
        _discard(steps)  # interrupted: nothing staged left for the parent to miss
        raise
    return steps


def export_parallel(job: Job, slugs: list[str], workers: int, outcome: Outcome) -> None:
    """As ``export_sequential`` for a draft export, the same output and files,
    with the releases split over forked worker processes."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    global _forked_job
    size = -(-len(slugs) // (workers * PARTS_PER_WORKER))
    parts = [slugs[start : start + size] for start in range(0, len(slugs), size)]
    # Forked workers must not write out what is still buffered here.
    sys.stdout.flush()
    sys.stderr.flush()
    error: BatchError | None = None
    _forked_job = job
    try:
        with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
            # Every worker forks at the first submit: before the progress
            # bar's thread starts.
            futures = [pool.submit(_export_part, part) for part in parts]
            _forked_job = None
            done = 0  # parts whose staged files are all renamed or removed
            try:
                for part in _tracked(parts, job.hooks.progress):
                    steps = futures[done].result()
                    error = _finish_part(job, part, steps, outcome)
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
    job: Job, part: list[str], steps: list[_Step | None], outcome: Outcome
) -> BatchError | None:
    """Rename one part's staged files into place in slug order and report each,
    as the loop in one process would; the error that stops the export, if any."""
    for position, (slug, step) in enumerate(zip(part, steps, strict=False)):
        if step is None:
            continue
        if step[0] == "error":
            return BatchError(step[1])
        if len(step) == 4:  # ("skip", why, invalid, refused)
            _skip(outcome, slug, _Skip(step[1], step[2], step[3]))
            continue
        assert len(step) == 3  # ("staged", temporary file, target)
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
            job.hooks.written(target)
        except BaseException:
            _discard(steps[position + 1 :])
            raise
    return None


def _discard(steps: list[_Step | None]) -> None:
    for step in steps:
        if step and step[0] == "staged":
            with contextlib.suppress(OSError):
                os.unlink(step[1])

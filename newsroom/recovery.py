"""Recovery files: unsaved edits survive a crash, a closed terminal or a dropped SSH link.

While a release has unsaved edits the editor checkpoints them (at most
``INTERVAL`` seconds after a change) to
``drafts/.newsroom/recovery/<slug>.<host>.<pid>.json``, written atomically. The
file holds the bytes ``Library.save`` would write (``release.toml`` and
``body.md``), the sha256 of the files the edits started from, who and when.

On the next start ``pending(root)`` lists the files newer than their bundles
whose writer is gone; for each the user restores (``begin_replay`` then
``Recovery.release``), looks at ``diff`` or ``discard``\\ s it. ``begin_replay``
renames the file first, so a crash while replaying cannot offer the same file
again and again. ``clear`` removes a release's recovery files after a
successful save.

Harlequin does the same for its query buffers; Vim's swap files and Emacs's
``#auto-save#`` files are the model. Core module: no Textual, no Rich.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import locks
from .bundle import Library
from .codec import release_from_toml
from .errors import BundleError, files_diff
from .fsio import atomic_write
from .layout import BODY_FILE, RELEASE_FILE, STATE_DIR
from .model import Release, slug_problem
from .tomlio import BOM, decode, parse_toml

RECOVERY_DIR = "recovery"
INTERVAL = 2.0  # seconds: the most typing a crash may cost
# A checkpoint is written this long after the first change since the last one:
# the write (and a busy machine's delay to the timer) must fit inside INTERVAL.
CHECKPOINT_AFTER = 1.5
SCHEMA = 1
_REPLAY_SUFFIX = ".replay"


def state_dir(root: Path | str) -> Path:
    """``drafts/.newsroom/``, created on demand and git-ignored from inside."""
    directory = Path(root) / STATE_DIR
    directory.mkdir(exist_ok=True)
    locks.ensure_gitignored(root)
    ignore = directory / ".gitignore"
    if not ignore.exists():
        # Like .pytest_cache: ignored by any git repository it lands in.
        with contextlib.suppress(OSError):
            atomic_write(ignore, b"# newsroom's private state: recovery files\n*\n")
    return directory


def recovery_dir(root: Path | str) -> Path:
    directory = state_dir(root) / RECOVERY_DIR
    directory.mkdir(exist_ok=True)
    return directory


def _safe_host(host: str) -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", host)[:64] or "host"


def recovery_path(root: Path | str, slug: str, pid: int | None = None) -> Path:
    problem = slug_problem(slug)
    if problem:
        raise BundleError(None, problem)
    pid = os.getpid() if pid is None else pid
    return recovery_dir(root) / f"{slug}.{_safe_host(locks.current_host())}.{pid}.json"


def _sha(data: bytes | None) -> str | None:
    return hashlib.sha256(data).hexdigest() if data is not None else None


@dataclass
class Recovery:
    """One recovery file: unsaved edits of one release by one process."""

    path: Path
    slug: str
    user: str
    host: str
    pid: int
    saved_at: datetime
    files: dict[str, bytes]
    base: dict[str, str | None] = field(default_factory=dict)
    started: int | None = None  # the writer's start time, to see through a reused pid
    boot: str = ""

    @property
    def replaying(self) -> bool:
        return self.path.name.endswith(_REPLAY_SUFFIX)

    def describe(self) -> str:
        when = self.saved_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        return f"unsaved edits by {self.user} on {self.host} (process {self.pid}), {when}"

    def release(self, library: Library) -> Release:
        """The release as it was when checkpointed (``library.origins`` untouched)."""
        directory = library.root / self.slug
        toml_path = directory / RELEASE_FILE
        data, _ = parse_toml(toml_path, self.files[RELEASE_FILE])
        body = decode(directory / BODY_FILE, self.files[BODY_FILE])
        body = body.removeprefix(BOM).replace("\r\n", "\n").replace("\r", "\n")
        return release_from_toml(data, toml_path, self.slug, body)

    def on_disk(self, library: Library) -> dict[str, bytes]:
        return _disk_files(library.root, self.slug)

    def based_on_disk(self, library: Library) -> bool:
        """Whether the bundle is still what these edits started from.

        False means someone saved the release after this editor loaded it:
        restoring would then overwrite their change, so show the diff first.
        """
        disk = self.on_disk(library)
        return all(_sha(disk.get(name)) == digest for name, digest in self.base.items())

    def to_json(self) -> bytes:
        payload = {
            "schema": SCHEMA,
            "slug": self.slug,
            "user": self.user,
            "host": self.host,
            "pid": self.pid,
            "saved_at": self.saved_at.isoformat(),
            "base": self.base,
            **({"started": self.started} if self.started is not None else {}),
            **({"boot": self.boot} if self.boot else {}),
            "files": {name: data.decode("utf-8") for name, data in self.files.items()},
        }
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")

    @classmethod
    def from_file(cls, path: Path) -> Recovery:
        try:
            payload: Any = json.loads(path.read_bytes().decode("utf-8"))
            if payload.get("schema", 0) > SCHEMA:
                raise BundleError(path, "written by a newer version of newsroom")
            slug = str(payload["slug"])
            if slug_problem(slug):
                raise BundleError(path, f"names an invalid slug {slug!r}")
            files = {str(k): str(v).encode("utf-8") for k, v in payload["files"].items()}
            if set(files) != {RELEASE_FILE, BODY_FILE}:
                raise BundleError(path, "does not hold release.toml and body.md")
            saved_at = datetime.fromisoformat(str(payload["saved_at"]))
            return cls(
                path=path,
                slug=slug,
                user=str(payload.get("user", "")),
                host=str(payload.get("host", "")),
                pid=int(payload.get("pid", 0)),
                saved_at=saved_at,
                files=files,
                base={
                    str(k): (str(v) if v is not None else None)
                    for k, v in dict(payload.get("base", {})).items()
                },
                started=(int(payload["started"]) if payload.get("started") is not None else None),
                boot=str(payload.get("boot", "")),
            )
        except BundleError:
            raise
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise BundleError(path, f"not a readable recovery file ({error})") from None


def write(
    root: Path | str,
    slug: str,
    files: dict[str, bytes],
    *,
    base: dict[str, bytes | None] | None = None,
    now: datetime | None = None,
) -> Path:
    """Write this process's recovery file for ``slug`` atomically; returns its path."""
    path = recovery_path(root, slug)
    recovery = Recovery(
        path=path,
        slug=slug,
        user=locks.current_user(),
        host=locks.current_host(),
        pid=os.getpid(),
        saved_at=now or datetime.now(UTC),
        files={RELEASE_FILE: files[RELEASE_FILE], BODY_FILE: files[BODY_FILE]},
        base={name: _sha(data) for name, data in (base or {}).items()},
        started=locks.process_start(os.getpid()),
        boot=locks.boot_id(),
    )
    atomic_write(path, recovery.to_json())
    return path


def checkpoint(library: Library, release: Release) -> Path | None:
    """Write the recovery file for ``release`` if it has unsaved edits.

    Returns the path written, or None when the release matches what was
    loaded (then any old recovery file of this process is removed).
    Safe to call from a worker thread: it reads ``library`` and writes one file.
    """
    files = library.render_files(release)
    origin = library.origins.get(release.slug)
    base: dict[str, bytes | None] = (
        {RELEASE_FILE: origin.toml_bytes, BODY_FILE: origin.body_bytes} if origin else {}
    )
    if origin is not None and files == base:
        clear(library.root, release.slug, everyone=False)
        return None
    return write(library.root, release.slug, files, base=base)


def _entries(root: Path | str) -> list[Path]:
    directory = Path(root) / STATE_DIR / RECOVERY_DIR
    try:
        return sorted(p for p in directory.iterdir() if p.is_file() and not p.name.startswith("."))
    except FileNotFoundError:
        return []


def _writer_active(recovery: Recovery, root: Path) -> bool:
    """Whether the process that wrote ``recovery`` may still be editing."""
    if recovery.host == locks.current_host():
        if recovery.pid == os.getpid():
            return False  # ours: the caller knows what it is doing
        return locks.process_alive(recovery.pid, recovery.started, recovery.boot)
    # Another host: trust its lock on the bundle.
    with contextlib.suppress(BundleError):
        holder = locks.holder(root, recovery.slug)
        return holder is not None and holder.host == recovery.host and holder.pid == recovery.pid
    return False


def _disk_files(root: Path, slug: str) -> dict[str, bytes]:
    files = {}
    for name in (RELEASE_FILE, BODY_FILE):
        try:
            files[name] = (root / slug / name).read_bytes()
        except OSError:  # gone, or unreadable: either way not these edits
            files[name] = b""
    return files


def _bundle_mtime(root: Path, slug: str) -> float:
    times = []
    for name in (RELEASE_FILE, BODY_FILE):
        with contextlib.suppress(OSError):
            times.append((root / slug / name).stat().st_mtime)
    return max(times, default=0.0)


def pending(root: Path | str, *, include_older: bool = False) -> list[Recovery]:
    """Recovery files worth offering at start-up, oldest first.

    Left out: files being replayed, files whose writer is still running,
    files that match the bundle on disk (the save happened), and, unless
    ``include_older``, files older than their bundle. Unreadable files are
    left out too (``all_files`` lists them).
    """
    root = Path(root)
    found = []
    for path in _entries(root):
        if not path.name.endswith(".json"):
            continue
        try:
            recovery = Recovery.from_file(path)
        except BundleError:
            continue
        if _writer_active(recovery, root):
            continue
        if recovery.files == _disk_files(root, recovery.slug):
            continue
        try:
            written = path.stat().st_mtime
        except OSError:
            continue  # restored or discarded by another editor meanwhile
        if not include_older and written < _bundle_mtime(root, recovery.slug):
            continue
        found.append(recovery)
    found.sort(key=lambda r: r.saved_at)
    return found


def all_files(root: Path | str) -> list[Path]:
    """Every file in the recovery folder, including ones being replayed."""
    return _entries(root)


def begin_replay(recovery: Recovery) -> Recovery:
    """Rename the file before replaying it, so a crash mid-replay cannot loop.

    The renamed file is kept until ``clear`` (after the restored release is
    saved) or ``discard``; ``pending`` never offers it again.
    """
    if recovery.replaying:
        return recovery
    target = recovery.path.with_name(recovery.path.name + _REPLAY_SUFFIX)
    try:
        os.replace(recovery.path, target)
    except FileNotFoundError:
        raise BundleError(
            recovery.path, "already restored or discarded by another editor"
        ) from None
    recovery.path = target
    return recovery


def restore(recovery: Recovery, library: Library) -> Release:
    """Replay a recovery file into a release this process now owns.

    Renamed first (``begin_replay``: a crash while reading it cannot loop);
    then the edits are checkpointed as this process's own recovery file and
    the ``.replay`` file is removed, so nothing is left behind whatever the
    user does next (save, discard, or crash again: the new file is offered).
    If the checkpoint fails (disk full) the ``.replay`` file is kept.
    """
    recovery = begin_replay(recovery)
    release = recovery.release(library)
    try:
        written = checkpoint(library, release)
    except (OSError, BundleError):
        return release
    if written is not None and written != recovery.path:
        with contextlib.suppress(FileNotFoundError):
            recovery.path.unlink()
    return release


def discard(recovery: Recovery) -> None:
    """Delete a recovery file the user chose not to restore."""
    with contextlib.suppress(FileNotFoundError):
        recovery.path.unlink()


def diff(recovery: Recovery, library: Library) -> str:
    """A unified diff from the bundle on disk to the recovered version."""
    return files_diff(
        recovery.on_disk(library),
        recovery.files,
        old_label=f"{recovery.slug} on disk",
        new_label=f"{recovery.slug} recovered",
    )


def clear(root: Path | str, slug: str, *, everyone: bool = True) -> int:
    """Remove recovery files of ``slug`` after a successful save; returns how many.

    With ``everyone`` (the default) this process's file, files being
    replayed and files of finished processes go; files of another editor
    that is still running stay. With ``everyone=False`` only this process's.
    """
    root = Path(root)
    removed = 0
    mine = recovery_path(root, slug).name if not slug_problem(slug) else None
    for path in _entries(root):
        if not path.name.startswith(f"{slug}."):
            continue
        if path.name != mine:
            if not everyone:
                continue
            try:
                other = Recovery.from_file(path)
            except BundleError:
                continue
            # A file being replayed was taken over by whoever restored it,
            # even if its writer's pid now names a live process.
            if other.slug != slug or (not other.replaying and _writer_active(other, root)):
                continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed


class Autosaver:
    """When to checkpoint: ``interval`` seconds after the first change since the
    last checkpoint (``CHECKPOINT_AFTER``, so it is written within ``INTERVAL``).

    The delay is *not* reset by further typing (that would let a long burst
    of typing go unsaved); the first change after a checkpoint starts the
    clock. The TUI calls ``changed()`` on every edit and, when it returns a
    delay, schedules ``checkpoint(release)`` after it (e.g. ``set_timer``);
    after a successful save it calls ``saved()``.
    """

    def __init__(
        self,
        library: Library,
        slug: str,
        *,
        interval: float = CHECKPOINT_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.library = library
        self.slug = slug
        self.interval = interval
        self.clock = clock
        self.due: float | None = None
        self.last_path: Path | None = None
        self.error: str | None = None  # why the last checkpoint failed, for the status bar

    def changed(self) -> float | None:
        """Note an edit. Returns seconds until a checkpoint is due when the
        caller should schedule one now, or None when one is already scheduled."""
        if self.due is not None:
            return None
        self.due = self.clock() + self.interval
        return self.interval

    def checkpoint(self, release: Release) -> Path | None:
        """Write the recovery file now (call from the scheduled timer).

        Never raises for a failed write (a full disk must not crash the
        editor): returns None and sets ``error``; the next change retries.
        """
        self.due = None
        try:
            self.last_path = checkpoint(self.library, release)
        except (OSError, BundleError) as error:
            self.error = f"autosave failed: {getattr(error, 'strerror', None) or error}"
            return None
        self.error = None
        return self.last_path

    def saved(self) -> None:
        """The release was saved: drop the recovery files."""
        self.due = None
        clear(self.library.root, self.slug)
        self.last_path = None

    def discard(self) -> None:
        """The user threw the edits away: drop this process's recovery file."""
        self.due = None
        clear(self.library.root, self.slug, everyone=False)
        self.last_path = None

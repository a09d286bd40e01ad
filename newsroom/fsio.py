"""Atomic writes and the save journal: readers see all-old or all-new files.

- ``atomic_write``: one file (temp file in the same folder, fsync, ``os.replace``).
- ``commit_files``: several files of one folder as one transaction, through a
  journal (``JOURNAL_FILE``) that ``recover_interrupted_save`` rolls forward.
- ``read_together``: several files of one folder as of one moment.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .layout import JOURNAL_FILE


def atomic_write(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Replace ``path`` with ``data`` so a reader sees the old or the new file, never a mix.

    ``sync=False`` leaves out both fsyncs, for files derived from the library
    that can always be written again (exports): the caller syncs their folder
    once, after the last (``fsync_dir``).
    """
    temp_name = stage_write(path, data, sync=sync)
    try:
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    if sync:
        fsync_dir(path.parent)


def stage_write(path: Path, data: bytes, *, sync: bool = True) -> str:
    """``data`` in a temporary file beside ``path``, with ``path``'s mode (fsynced
    unless ``sync`` is false), ready to be renamed over it; its name. Nothing is
    left behind when this fails."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        copy_mode(path, temp_name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return temp_name


def copy_mode(original: Path, temp_name: str) -> None:
    try:
        mode = original.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp_name, mode)


def fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# Staging files and journals carry their writer (a hash of the host name and
# the pid), so a reader never sweeps up or replays a save still in progress.
_HOST_TAG = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_STAGED = re.compile(r"^\..+\.([0-9a-f]{8})-(\d+)\.[^.]*\.new$")
# A journal or staging file older than this belongs to a writer that died
# (or hung) whatever its pid says: pids are reused, other hosts cannot be asked.
_ABANDONED_AFTER = 60.0


def commit_files(directory: Path, files: dict[str, bytes]) -> None:
    """Write several files of one folder as one transaction.

    Each new file is written beside its target and fsynced; then a journal
    naming them is written atomically; then each is renamed into place and the
    journal removed. A crash before the journal leaves the old files (the
    orphans are swept on the next load); a crash after it is rolled forward by
    ``recover_interrupted_save``. Either way a reader gets all-old or all-new.
    """
    if len(files) == 1:
        ((name, data),) = files.items()
        atomic_write(directory / name, data)
        return
    staged: list[tuple[str, str]] = []
    tag = f"{_HOST_TAG}-{os.getpid()}"
    try:
        for name, data in files.items():
            fd, temp_name = tempfile.mkstemp(prefix=f".{name}.{tag}.", suffix=".new", dir=directory)
            staged.append((temp_name, name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            copy_mode(directory / name, temp_name)
        journal = f"#writer\t{_HOST_TAG}\t{os.getpid()}\n" + "".join(
            f"{os.path.basename(t)}\t{n}\n" for t, n in staged
        )
        atomic_write(directory / JOURNAL_FILE, journal.encode())
    except BaseException:
        for temp_name, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
        raise
    for temp_name, name in staged:
        os.replace(temp_name, directory / name)
    fsync_dir(directory)
    os.unlink(directory / JOURNAL_FILE)
    fsync_dir(directory)


@contextlib.contextmanager
def save_mutex(directory: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the bundle folder while saving.

    Taken by every save, so one process's conflict check and write cannot
    interleave with another's. The kernel drops it when the process dies (no
    stale mutex after a crash); nothing is written to the folder. Where the
    file system or platform has no ``flock`` the save goes ahead unguarded,
    as before (the edit lock and the conflict check still apply).
    """
    try:
        import fcntl

        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (ImportError, OSError):
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _writer_gone(host_tag: str, pid: int, path: Path) -> bool:
    """Whether the process that wrote ``path`` (a journal or staging file) is gone."""
    if host_tag == _HOST_TAG and pid == os.getpid():
        return True  # our own save, interrupted by an exception
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        return True
    if age > _ABANDONED_AFTER:
        return True
    if host_tag != _HOST_TAG:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def recover_interrupted_save(directory: Path) -> tuple[dict[str, Path], bool]:
    """Finish (or sweep up after) a save that a crash interrupted.

    Returns ``(overrides, busy)``: when a journal could not be rolled forward
    (a read-only library, or a save in progress in another process) the
    staged files stand in for their targets when reading, and ``busy`` says a
    live writer should be given a moment to finish.
    """
    journal = directory / JOURNAL_FILE
    try:
        entries = journal.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        entries = None
    except (OSError, UnicodeDecodeError):
        return {}, False
    pairs: list[tuple[str, str]] = []
    writer: tuple[str, int] | None = None
    for entry in entries or []:
        fields = entry.split("\t")
        if entry.startswith("#writer") and len(fields) == 3 and fields[2].isdigit():
            writer = (fields[1], int(fields[2]))
            continue
        temp_base, _, name = entry.partition("\t")
        if not name or "/" in temp_base or "/" in name or entry.startswith("#"):
            continue
        pairs.append((temp_base, name))
    overrides = {
        name: directory / temp_base for temp_base, name in pairs if (directory / temp_base).exists()
    }
    if writer is not None and not _writer_gone(writer[0], writer[1], journal):
        return overrides, True
    try:
        if entries is not None:
            for temp_base, name in pairs:
                with contextlib.suppress(FileNotFoundError):
                    os.replace(directory / temp_base, directory / name)
            fsync_dir(directory)
            journal.unlink()
        live_staging = False
        for orphan in directory.glob(".*.new"):
            match = _STAGED.match(orphan.name)
            if match and not _writer_gone(match.group(1), int(match.group(2)), orphan):
                live_staging = True  # another process is staging a save right now
                continue
            orphan.unlink()
        for orphan in directory.glob(".*.tmp"):
            # A journal being written always has staged files beside it; other
            # temp files carry no writer, so only old ones are surely orphans.
            is_journal = orphan.name.startswith(f".{JOURNAL_FILE}.")
            if (is_journal and not live_staging) or _writer_gone("", 0, orphan):
                orphan.unlink()
    except OSError:
        # A read-only library: leave it; read the staged files in their place.
        return overrides, False
    return {}, False


def _stamp(paths: list[Path]) -> list[tuple[int, int, int] | None]:
    stamps: list[tuple[int, int, int] | None] = []
    for path in paths:
        try:
            info = path.stat()
            stamps.append((info.st_ino, info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append(None)
    return stamps


def read_together(directory: Path, names: tuple[str, ...]) -> list[bytes]:
    """The files ``names`` of ``directory`` as of one moment: never one old and one new.

    Rolls an interrupted save forward first. If another process commits a
    save while we read, the files' inodes change and we read again.
    Raises ``FileNotFoundError`` naming the missing file.
    """
    paths = [directory / name for name in names]
    attempts = 200
    for attempt in range(attempts):
        overrides, busy = recover_interrupted_save(directory)
        if busy and attempt < attempts - 1:
            time.sleep(0.01)
            continue
        before = _stamp(paths)
        data: list[bytes] = []
        for path in paths:
            source = overrides.get(path.name)
            try:
                data.append(source.read_bytes() if source is not None else path.read_bytes())
            except FileNotFoundError:
                if source is None:
                    raise
                data.append(path.read_bytes())  # renamed into place meanwhile
        if overrides or (_stamp(paths) == before and not (directory / JOURNAL_FILE).exists()):
            break
        time.sleep(0.001)
    return data

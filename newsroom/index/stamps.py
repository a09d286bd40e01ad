"""Stamps: what a file or folder looked like (size, mtime, ctime, inode), taken
without reading it, so a listing can tell which releases changed.

Two ``lstat``s per release are most of a warm listing; ``Stamping`` packs them
with ``STAMP`` in one C-level ``map`` and, for a large library, forks a process
to stamp the second half. Core module: no Textual, no Rich; imported on the
warm path, so it imports little.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import os
import struct

from ..layout import BODY_FILE, PEOPLE_FILE, RELEASE_FILE, SETTINGS_FILE
from ..workers import can_fork

# The warm path imports only the above: typing, pathlib, re, datetime and
# dataclasses cost a python -c pass each on a small machine.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    # One file's stamp: size, mtime_ns, ctime_ns, inode.
    Stamp = tuple[int, int, int, int]

# Files modified this recently are listed but not stored (see the package doc).
# FAT's mtime has a 2 s granularity, hence a little more.
RACY_NS = 3_000_000_000

# newsroom's own modules whose code decides what a row says.
SOURCES = (
    "__init__.py",
    "layout.py",
    os.path.join("index", "__init__.py"),
    os.path.join("index", "listing.py"),
    os.path.join("index", "reader.py"),
    os.path.join("index", "stamps.py"),
    os.path.join("index", "store.py"),
    "bundle.py",
    "codec.py",
    "digest.py",
    "errors.py",
    "fsio.py",
    "model.py",
    "signoff.py",
    "tomlio.py",
    "workflow.py",
    "safety.py",
    "signing.py",
    os.path.join("export", "document.py"),
)

STAMP = struct.Struct("<qqqQ")  # one file: size, mtime_ns, ctime_ns, inode
NO_FILE = (-1, -1, -1, 0)
stamp_of: Callable[[os.stat_result], Stamp] = operator.attrgetter(
    "st_size", "st_mtime_ns", "st_ctime_ns", "st_ino"
)
_SUFFIXES = ("/" + RELEASE_FILE, "/" + BODY_FILE)


def lstamp(path: str) -> Stamp | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return stamp_of(info)


def header_stamps(root: str, signers: str | None) -> dict[str, Any]:
    """Stamps of everything outside the bundles that a row depends on."""
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    from .. import __version__

    stamps: dict[str, Any] = {
        "version": __version__,
        "code": [lstamp(os.path.join(package, name)) for name in SOURCES],
        "settings": lstamp(os.path.join(root, SETTINGS_FILE)),
        "people": lstamp(os.path.join(root, PEOPLE_FILE)),
        "signers_file": signers,
        "signers": lstamp(os.path.join(root, signers)) if signers else None,
    }
    # Through JSON and back, so it compares equal to what a header holds.
    through: dict[str, Any] = json.loads(json.dumps(stamps))
    return through


def folder_stamp(path: str) -> tuple[int, int, int] | None:
    """The library folder's mtime, ctime and inode: they change whenever an
    entry is added to, removed from or renamed in it."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# Files to stat before a second process is worth its fork (about 2 ms).
PARALLEL_STAT_MIN = 2_000


class Stamping:
    """The stamps of release.toml and body.md in each folder, in turn, packed
    with ``STAMP`` (``NO_FILE`` for a file that is not there).

    Two ``lstat``s per release are most of a warm listing (about 3 µs each on a
    small VM, half of it building Python's ``stat_result``), so the common case
    runs as one C-level ``map``. With ``parallel``, a forked process stamps the
    second half, started at once so that it works while this process checks
    the index, as git's preload-index does with threads (Python threads would
    take turns on the GIL).
    """

    def __init__(self, root: str, folders: list[str], *, parallel: bool) -> None:
        self._fd = os.open(root, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        # Relative to an open folder: a shorter path for the kernel to walk.
        self._lstat = functools.partial(os.lstat, dir_fd=self._fd)
        self._paths = [name + suffix for name in folders for suffix in _SUFFIXES]
        self._half = len(self._paths)
        self._child: tuple[int, int] | None = None  # (pid, pipe to read)
        if parallel and len(self._paths) >= PARALLEL_STAT_MIN and can_fork():
            self._half = len(self._paths) // 2
            try:
                self._child = self._fork(self._paths[self._half :])
            except OSError:  # no process to be had: all of it here
                self._half = len(self._paths)

    def _fork(self, paths: list[str]) -> tuple[int, int]:
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: stamp, send, leave without any cleanup
            status = 1
            try:
                os.close(reader)
                view = memoryview(packed_stamps(self._lstat, paths))
                while view:
                    view = view[os.write(writer, view) :]
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        return pid, reader

    def result(self) -> bytes:
        try:
            mine = packed_stamps(self._lstat, self._paths[: self._half])
            theirs = self._child_result() if self._child else b""
            if theirs is None:  # the child failed: its half here after all
                theirs = packed_stamps(self._lstat, self._paths[self._half :])
            return mine + theirs
        finally:
            os.close(self._fd)

    def _child_result(self) -> bytes | None:
        assert self._child is not None
        pid, reader = self._child
        chunks = []
        try:
            while chunk := os.read(reader, 1 << 20):
                chunks.append(chunk)
        finally:
            os.close(reader)
            _, status = os.waitpid(pid, 0)
        data = b"".join(chunks)
        expected = (len(self._paths) - self._half) * STAMP.size
        return data if status == 0 and len(data) == expected else None


def packed_stamps(lstat: Callable[[str], os.stat_result], paths: list[str]) -> bytes:
    pack = STAMP.pack
    try:
        return b"".join(itertools.starmap(pack, map(stamp_of, map(lstat, paths))))
    except OSError:
        pass
    stamps = []
    for path in paths:
        try:
            stamps.append(pack(*stamp_of(lstat(path))))
        except OSError:
            stamps.append(pack(*NO_FILE))
    return b"".join(stamps)


def storable_folder_stamp(
    stamp: tuple[int, int, int] | None, racy_after: int
) -> tuple[int, int, int] | None:
    """The folder's stamp if it may be stored: a folder changed within RACY_NS
    could change again in the same clock tick without its mtime moving, so it
    is not stored and the next run lists the folder."""
    return stamp if stamp is not None and stamp[0] < racy_after else None


def list_folders(root: str) -> tuple[list[str], set[str]]:
    """The library's folders, sorted, and which of them are links."""
    with os.scandir(root) as scan:
        found = sorted(
            (entry.name, entry.is_symlink())
            for entry in scan
            if not entry.name.startswith(".") and entry.is_dir()
        )
    return [name for name, _ in found], {name for name, link in found if link}

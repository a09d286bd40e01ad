"""The library index: what ``newsroom list`` shows, cached per release.

Reading and parsing 10,000 ``release.toml`` files takes seconds; listing a
library whose files have not changed should take about as long as starting
Python. So each release's list row is kept in ``drafts/.newsroom/index.jsonl``
keyed by the ``lstat`` stamps of its ``release.toml`` and ``body.md``.

The index is a cache and never trusted over the files:

- An entry is used only while both files still have the size, mtime, ctime
  and inode it was built from; anything else re-reads that release alone.
- Everything a row depends on outside its bundle is stamped in the header
  (``newsroom.toml``, ``people.toml``, the ``allowed_signers`` file, and
  newsroom's own source files that derive rows): if any changes, every row
  is re-derived.
- The header holds a format version, the entry count and a CRC-32 of the
  entries: a truncated, corrupt or foreign file is rebuilt from scratch.
- A file modified within ``RACY_NS`` of the scan is read but not stored (as
  git does with racily clean entries): an edit in the same clock tick, same
  size, could otherwise hide behind an unchanged stamp.
- Stamps are taken from the open file before it is read, so a file changed
  while we read it never gets stored under its new stamp with old content.
- Written with ``bundle.atomic_write``; a read-only library still lists, it
  just does not write the index.
- The library folder's own stamp (mtime, ctime, inode) is kept too, when
  every folder in it is a release the index holds: while it is unchanged no
  folder was added, removed or renamed, so the folder is not listed again.
  The files in each release are still stamped, every time.

Format (UTF-8, see ``_Stored``): a JSON header line; the slugs as a JSON
array; every release's two stamps packed as little-endian 64-bit integers, in
hex; a valid/invalid flag per release; and the rows exactly as ``list --json``
prints them. A warm listing compares one packed string of fresh stamps with
the stored one and writes the stored rows out as they are: nothing per
release is parsed, formatted or copied.

Core module: no Textual, no Rich. It imports ``bundle`` and ``workflow`` only
when a release has to be read, so the warm path stays cheap.
"""

from __future__ import annotations

import functools
import itertools
import json
import operator
import os
import stat
import struct
import sys
import time
import zlib

# The warm path imports only the above: typing, pathlib, re, datetime and
# dataclasses cost a python -c pass each on a small machine.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .bundle import Library
    from .model import Release

    # One release read from its files: (row JSON, ok, (release.toml stamp,
    # body.md stamp) or None when it must not be stored, error message).
    Entry = tuple[str, bool, tuple[tuple[int, ...], tuple[int, ...]] | None, str]

FORMAT = 3
INDEX_DIR = ".newsroom"
INDEX_FILE = "index.jsonl"
RELEASE_FILE = "release.toml"  # same names as bundle.py, kept here so the
BODY_FILE = "body.md"  # warm path need not import bundle
JOURNAL_FILE = ".saving"
SETTINGS_FILE = "newsroom.toml"
PEOPLE_FILE = "people.toml"
INVALID = "invalid"

# Files modified this recently are listed but not stored (see module doc).
# FAT's mtime has a 2 s granularity, hence a little more.
RACY_NS = 3_000_000_000

# newsroom's own modules whose code decides what a row says.
_SOURCES = (
    "__init__.py",
    "index.py",
    "bundle.py",
    "model.py",
    "workflow.py",
    "safety.py",
    "signing.py",
    os.path.join("export", "document.py"),
)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
_encode_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_patterns: dict[str, Any] = {}


def _pattern(name: str) -> Any:
    """Compiled on first use: the warm path needs none of them."""
    if name not in _patterns:
        import re

        _patterns["slug"] = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
        # JSON escapes C0 itself; DEL and C1 (U+009B is CSI to many terminals)
        # must not reach a terminal raw either. They only occur inside strings.
        _patterns["raw_control"] = re.compile("[\x7f-\x9f]")
    return _patterns[name]


def _encode_row(row: object) -> str:
    text = _encode_json(row)
    raw_control = _pattern("raw_control")
    if raw_control.search(text):
        text = raw_control.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text


class Listing:
    """The rows of a library listing and how they were obtained."""

    def __init__(self, rebuilt: str | None = None) -> None:
        self._rows: list[str] | None = []  # JSON text of each row, sorted by slug
        self._array: bytes | None = None  # or the same as a JSON array, from the index
        self.errors: list[str] = []  # messages for the invalid rows
        self.reread: list[str] = []  # slugs read from their files this time
        self.rebuilt = rebuilt  # why the index could not be used at all; None if it was
        self.written = False  # whether the index file was (re)written

    def set_rows(self, rows: list[str]) -> None:
        self._rows, self._array = rows, None

    def set_array(self, array: bytes) -> None:
        """The rows as stored in the index: split only if someone asks for them."""
        self._rows, self._array = None, array

    @property
    def rows(self) -> list[str]:
        if self._rows is None:
            self._rows = _rows_of_array(self._array or b"[]\n")
        return self._rows

    def dicts(self) -> list[dict[str, Any]]:
        return [json.loads(row) for row in self.rows]

    def json_bytes(self) -> bytes:
        """The rows as a JSON array, one release per line, in UTF-8."""
        if self._array is not None:
            return self._array
        return _rows_array(self.rows).encode("utf-8")

    def json_text(self) -> str:
        """The rows as a JSON array, one release per line."""
        return self.json_bytes().decode("utf-8")


def index_path(root: Path | str) -> Path:
    from pathlib import Path

    return Path(root) / INDEX_DIR / INDEX_FILE


def summaries(root: Path | str, *, write: bool = True) -> list[dict[str, Any]]:
    """Every release's list row as a dict (see ``summary``), sorted by slug."""
    return listing(root, write=write).dicts()


# ---------------------------------------------------------------------------
# Stamps


def _lstamp(path: str) -> tuple[int, int, int, int] | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return _stamp_of(info)


def _header_stamps(root: str, signers: str | None) -> dict[str, Any]:
    """Stamps of everything outside the bundles that a row depends on."""
    package = os.path.dirname(os.path.abspath(__file__))
    from . import __version__

    stamps: dict[str, Any] = {
        "version": __version__,
        "code": [_lstamp(os.path.join(package, name)) for name in _SOURCES],
        "settings": _lstamp(os.path.join(root, SETTINGS_FILE)),
        "people": _lstamp(os.path.join(root, PEOPLE_FILE)),
        "signers_file": signers,
        "signers": _lstamp(os.path.join(root, signers)) if signers else None,
    }
    # Through JSON and back, so it compares equal to what a header holds.
    return json.loads(json.dumps(stamps))


_STAMP = struct.Struct("<qqqQ")  # one file: size, mtime_ns, ctime_ns, inode
_NO_FILE = (-1, -1, -1, 0)
_stamp_of = operator.attrgetter("st_size", "st_mtime_ns", "st_ctime_ns", "st_ino")
_SUFFIXES = ("/" + RELEASE_FILE, "/" + BODY_FILE)


def _folder_stamp(path: str) -> tuple[int, int, int] | None:
    """The library folder's mtime, ctime and inode: they change whenever an
    entry is added to, removed from or renamed in it."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# Files to stat before a second process is worth its fork (about 2 ms).
PARALLEL_STAT_MIN = 2_000


class _Stamping:
    """The stamps of release.toml and body.md in each folder, in turn, packed
    with ``_STAMP`` (``_NO_FILE`` for a file that is not there).

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
                view = memoryview(_packed_stamps(self._lstat, paths))
                while view:
                    view = view[os.write(writer, view) :]
                status = 0
            finally:
                os._exit(status)
        os.close(writer)
        return pid, reader

    def result(self) -> bytes:
        try:
            mine = _packed_stamps(self._lstat, self._paths[: self._half])
            theirs = self._child_result() if self._child else b""
            if theirs is None:  # the child failed: its half here after all
                theirs = _packed_stamps(self._lstat, self._paths[self._half :])
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
        expected = (len(self._paths) - self._half) * _STAMP.size
        return data if status == 0 and len(data) == expected else None


def _packed_stamps(lstat: Any, paths: list[str]) -> bytes:
    pack = _STAMP.pack
    try:
        return b"".join(itertools.starmap(pack, map(_stamp_of, map(lstat, paths))))
    except OSError:
        pass
    stamps = []
    for path in paths:
        try:
            stamps.append(pack(*_stamp_of(lstat(path))))
        except OSError:
            stamps.append(pack(*_NO_FILE))
    return b"".join(stamps)


# ---------------------------------------------------------------------------
# Reading the index


class _Stored:
    """An index file, read: its header at once, the rest checked on demand.

    Format: a JSON header line (format, count, byte count and CRC-32 of all
    that follows, the stamps of what every row depends on); then the slugs as
    a JSON array; the stamps of every release's release.toml and body.md,
    packed with ``_STAMP``, in hex; a "1" or "0" per release (valid or not);
    and last the rows exactly as ``list --json`` prints them, so a warm
    listing passes them through without parsing or copying a row.
    """

    def __init__(self, data: bytes, header: dict[str, Any], ends: list[int]) -> None:
        self.header = header
        self._data = data
        self._ends = ends  # where the first four lines end
        self.count: int = header.get("count", -1)
        self.stamps_packed = b""
        self.ok = ""  # "1" or "0" per release
        self.array = b""  # the rows as `list --json` prints them (see _rows_array)
        self._slugs: list[str] | None = None
        self._stamps: list[tuple[int, int, int, int]] | None = None
        self._rows: list[str] | None = None

    @classmethod
    def read(cls, path: str) -> tuple[_Stored | None, str | None]:
        """(the index, None) or (None, why it is unusable) from its first line alone."""
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return None, "no index yet"
        except OSError as error:
            return None, f"index unreadable ({error.strerror or error})"
        ends = [data.find(b"\n")]
        if ends[0] < 0:
            return None, "index truncated"
        try:
            header = json.loads(data[: ends[0]])
        except ValueError:
            return None, "index header corrupt"
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            return None, "index from another version of newsroom"
        for _ in range(3):
            ends.append(data.find(b"\n", ends[-1] + 1))
            if ends[-1] < 0:
                return None, "index corrupt or truncated"
        return cls(data, header, ends), None

    @property
    def slugs(self) -> list[str] | None:
        """The slugs, sorted (None if that line is not a list of strings)."""
        if self._slugs is None:
            try:
                slugs = json.loads(self._data[self._ends[0] + 1 : self._ends[1]])
            except ValueError:
                return None
            if not isinstance(slugs, list) or not all(isinstance(s, str) for s in slugs):
                return None
            self._slugs = slugs
        return self._slugs

    def check(self) -> str | None:
        """Why the index is corrupt, or None when every part is whole."""
        data, ends, count = self._data, self._ends, self.count
        body = memoryview(data)[ends[0] + 1 :]
        if self.header.get("crc32") != zlib.crc32(body) or self.header.get("bytes") != len(body):
            return "index corrupt or truncated"
        try:
            self.stamps_packed = bytes.fromhex(data[ends[1] + 1 : ends[2]].decode("ascii"))
            self.ok = data[ends[2] + 1 : ends[3]].decode("ascii")
        except ValueError:  # hex or ASCII errors alike
            return "index corrupt"
        self.array = data[ends[3] + 1 :]
        slugs = self.slugs
        if (
            not isinstance(count, int)
            or slugs is None
            or len(slugs) != count
            or len(self.stamps_packed) != 2 * count * _STAMP.size
            or len(self.ok) != count
            or self.ok.strip("01")
            or self.array.count(b"\n") != (count + 2 if count else 1)
            or not self.array.startswith(b"[")
            or not self.array.endswith(b"]\n")
        ):
            return "index corrupt or truncated"
        return None

    @property
    def stamps(self) -> list[tuple[int, int, int, int]]:
        """Two per release: release.toml, body.md."""
        if self._stamps is None:
            self._stamps = list(_STAMP.iter_unpack(self.stamps_packed))
        return self._stamps

    @property
    def rows(self) -> list[str]:
        if self._rows is None:
            self._rows = _rows_of_array(self.array)
        return self._rows


def _rows_array(rows: list[str]) -> str:
    """The rows as a JSON array, one release per line: what ``list --json`` prints."""
    if not rows:
        return "[]\n"
    return "[\n  " + ",\n  ".join(rows) + "\n]\n"


def _rows_of_array(array: bytes) -> list[str]:
    """The inverse of ``_rows_array`` (a row's JSON never holds a raw newline)."""
    lines = array.decode("utf-8").split("\n")[1:-2]
    return [line[2:-1] for line in lines[:-1]] + [line[2:] for line in lines[-1:]]


# ---------------------------------------------------------------------------
# Reading one release


class _Unsettled(Exception):
    """The bundle is mid-save or not plain files: read it the slow, careful way."""


def _read_files(directory: str) -> tuple[bytes, bytes | None, tuple, tuple | None]:
    """Both files' bytes and the stamps of exactly what was read.

    Raises FileNotFoundError when there is no release.toml, _Unsettled when
    Library.load should handle it (a save journal, a link, not a plain file).
    """
    journal = os.path.join(directory, JOURNAL_FILE)
    if os.path.lexists(journal):
        raise _Unsettled
    out: list[Any] = []
    for name in (RELEASE_FILE, BODY_FILE):
        try:
            fd = os.open(os.path.join(directory, name), _OPEN_FLAGS)
        except FileNotFoundError:
            if name == RELEASE_FILE:
                raise
            out.extend((None, None))
            continue
        except OSError:  # ELOOP: a link; Library.load explains
            raise _Unsettled from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise _Unsettled
            # One read for a file that did not grow; a short read is the end.
            want = info.st_size + 1
            chunks = [os.read(fd, want)]
            while len(chunks[-1]) == want:
                chunks.append(os.read(fd, 65536))
                want = 65536
        finally:
            os.close(fd)
        out.extend((b"".join(chunks), _stamp_of(info)))
    # A save that commits while we read is caught next time: the stamps kept
    # are those of what was read, and the replaced file has a new inode.
    return out[0], out[2], out[1], out[3]


def read_release(library: Library, slug: str, toml_bytes: bytes, body_bytes: bytes) -> Release:
    """The release from its files' bytes, as ``Library.load`` reads it, without the
    copies ``load`` keeps for saving. Raises ``BundleError`` as ``load`` does."""
    from .codec import release_from_toml
    from .tomlio import BOM, decode, parse_toml

    directory = library.root / slug
    toml_path = directory / RELEASE_FILE
    data, _ = parse_toml(toml_path, toml_bytes)
    body_text = decode(directory / BODY_FILE, body_bytes)
    if body_text.startswith(BOM):
        body_text = body_text[1:]
    body = body_text.replace("\r\n", "\n").replace("\r", "\n")
    release = release_from_toml(data, toml_path, slug, body)
    library.validate(release)
    return release


def summary(release: Release, library: Library, updated_ns: int) -> dict[str, Any]:
    """One release's list row: what ``newsroom list --json`` prints."""
    from .digest import release_digest
    from .signoff import status, valid_approvals

    # The digest (the costly part) matters only when there are approvals.
    current = release_digest(release, library) if release.approvals else None
    day = release.dateline.date or release.created
    return {
        "slug": release.slug,
        "headline": release.headline,
        "status": status(release, library, current),
        "date": day.isoformat() if day else None,
        "updated": _iso(updated_ns),
        "speakers": release.speakers(library.people),
        "approvals": len(valid_approvals(release, library, current)) if current else 0,
        "embargo": release.embargo.until.isoformat() if release.embargo.until else None,
    }


def _iso(ns: int) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ns // 1_000_000_000, UTC).isoformat(timespec="seconds")


def _invalid(slug: str, error: Exception) -> dict[str, Any]:
    return {"slug": slug, "status": INVALID, "error": str(error)}


class _Reader:
    """Reads releases on demand, opening the library only if one is needed."""

    def __init__(self, root: str, racy_after: int) -> None:
        self.racy_after = racy_after
        self.root = root
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            from .bundle import Library

            self._library = Library.open(self.root)
        return self._library

    def entry(self, slug: str, link: bool) -> Entry:
        """(row JSON, ok, the files' stamps or None when it must not be stored,
        error); empty row JSON when the folder holds no release."""
        from .errors import BundleError

        directory = os.path.join(self.root, slug)
        try:
            if link or not _pattern("slug").match(slug):
                raise _Unsettled
            toml_bytes, body_bytes, toml, body = _read_files(directory)
        except FileNotFoundError:
            return "", False, None, ""  # not a bundle (any more)
        except _Unsettled:
            if not os.path.exists(os.path.join(directory, RELEASE_FILE)):
                return "", False, None, ""
            return self._careful(slug)
        try:
            if body_bytes is None:
                from pathlib import Path

                raise BundleError(
                    Path(directory) / BODY_FILE,
                    "missing; every bundle needs a body.md next "
                    "to its release.toml (an empty file will do)",
                )
            release = read_release(self.library, slug, toml_bytes, body_bytes)
            row = summary(release, self.library, max(toml[1], body[1] if body else 0))
            ok, error = True, ""
        except BundleError as exc:
            row, ok, error = _invalid(slug, exc), False, str(exc)
        text = _encode_row(row)
        stamps: tuple[tuple[int, ...], tuple[int, ...]] | None = (toml, body or _NO_FILE)
        if max(toml[1], body[1] if body else 0) >= self.racy_after:
            stamps = None  # too fresh to trust a stamp (see RACY_NS)
        return text, ok, stamps, error

    def _careful(self, slug: str) -> Entry:
        """Through ``Library.load`` (journal recovery, links refused); never stored."""
        from .errors import BundleError

        library = self.library
        directory = os.path.join(self.root, slug)
        try:
            release = library.load(slug)
            library.origins.pop(slug, None)
            stamps = [_lstamp(os.path.join(directory, n)) for n in (RELEASE_FILE, BODY_FILE)]
            updated = max((s[1] for s in stamps if s), default=0)
            row, ok, error = summary(release, library, updated), True, ""
        except BundleError as exc:
            row, ok, error = _invalid(slug, exc), False, str(exc)
        return _encode_row(row), ok, None, error


# ---------------------------------------------------------------------------
# Listing


def listing(root: Path | str, *, write: bool = True, workers: int = 1) -> Listing:
    """Every release's row, from the index where it is fresh, from the files where not.

    With ``workers`` > 1, the files of a large library are stamped by two
    processes, and a long list of releases to read (a first run, or after a
    checkout touched everything) is split across that many forked processes.
    Raises ``BundleError`` only when ``newsroom.toml`` or ``people.toml`` is
    unusable and a release had to be read.
    """
    root_s = os.fspath(root)
    racy_after = time.time_ns() - RACY_NS
    path = os.path.join(root_s, INDEX_DIR, INDEX_FILE)
    stored, why = _Stored.read(path)
    reader = _Reader(root_s, racy_after)

    stamps_now = _header_stamps(root_s, stored.header.get("signers_file") if stored else None)
    if stored is not None and {k: stored.header.get(k) for k in stamps_now} != stamps_now:
        stored, why = None, "library settings, people or newsroom changed"
    if stored is None:
        # Parse the settings now, so the signers file is known and stamped
        # before any release is read.
        signers = reader.library.settings.rules.allowed_signers or None
        stamps_now = _header_stamps(root_s, signers)
        if write:
            # The index's own folder first: making it changes the library
            # folder's stamp, which would otherwise be stale once stored.
            try:
                os.makedirs(os.path.dirname(path), exist_ok=True)
            except OSError:
                pass  # read-only: _write finds out

    # The folder's own stamp, taken before it is listed: while it is unchanged
    # no release folder has been added, removed or renamed, so the folders are
    # the ones the index holds and the folder need not be listed again.
    folder_stamp = _folder_stamp(root_s)
    folders, links = None, set()
    if (
        stored is not None
        and folder_stamp is not None
        and stored.header.get("root") == list(folder_stamp)
    ):
        folders = stored.slugs
    from_index = folders is not None
    if folders is None:
        folders, links = _list_folders(root_s)
    stamping = _Stamping(root_s, folders, parallel=workers > 1)
    # While the files are stamped (in another process too), check the index.
    if stored is not None:
        damage = stored.check()
        if damage is not None:
            stored, why = None, damage
            if from_index:
                # The folders came from the damaged index: list them after all.
                stamping.result()
                folders, links = _list_folders(root_s)
                stamping = _Stamping(root_s, folders, parallel=workers > 1)
    current = stamping.result()

    result = Listing(rebuilt=why)
    if (
        stored is not None
        and not links
        and folders == stored.slugs
        and current == stored.stamps_packed
    ):
        # Nothing changed: the rows are passed through as stored.
        result.set_array(stored.array)
        if "0" in stored.ok:
            result.errors = [
                json.loads(row).get("error", "")
                for row, ok in zip(stored.rows, stored.ok, strict=True)
                if ok == "0"
            ]
        root_to_store = _storable_folder_stamp(folder_stamp, racy_after)
        if write and stored.header.get("root") != (list(root_to_store) if root_to_store else None):
            result.written = _write(
                path,
                stamps_now,
                root_to_store,
                stored.slugs,
                stored.stamps_packed,
                stored.ok,
                stored.rows,
            )
        return result

    # Something changed: keep each row whose files are as stored, read the rest.
    stamps_now_each = list(_STAMP.iter_unpack(current))
    position = {slug: i for i, slug in enumerate(stored.slugs or ())} if stored else {}
    stored_rows = stored.rows if stored else []
    stored_stamps = stored.stamps if stored else []
    found: list[tuple[str, str | None, bool]] = []  # (slug, row JSON or None: read it, ok)
    misses: list[tuple[str, bool]] = []
    keep: dict[str, tuple[tuple[int, ...], tuple[int, ...], bool, str]] = {}
    for turn, name in enumerate(folders):
        j = position.get(name)
        if j is not None and name not in links:
            assert stored is not None
            toml, body = stamps_now_each[2 * turn], stamps_now_each[2 * turn + 1]
            if toml == stored_stamps[2 * j] and body == stored_stamps[2 * j + 1]:
                ok = stored.ok[j] == "1"
                keep[name] = (toml, body, ok, stored_rows[j])
                found.append((name, stored_rows[j], ok))
                continue
        found.append((name, None, False))
        misses.append((name, name in links))

    read = _read_all(reader, misses, workers) if misses else {}
    rows: list[str] = []
    for name, text, ok in found:
        if text is None:
            text, ok, file_stamps, error = read[name]
            if not text:
                continue  # a folder that holds no release
            result.reread.append(name)
            if file_stamps is not None:
                keep[name] = (*file_stamps, ok, text)
            if not ok:
                result.errors.append(error)
        elif not ok:
            result.errors.append(json.loads(text).get("error", ""))
        rows.append(text)
    result.set_rows(rows)

    slugs = list(keep)  # in folder order: sorted
    pack = _STAMP.pack
    packed = b"".join(pack(*stamp) for name in slugs for stamp in keep[name][:2])
    ok_flags = "".join("1" if keep[name][2] else "0" for name in slugs)
    kept_rows = [keep[name][3] for name in slugs]
    # The folder's stamp is worth keeping only if every folder in it is a release
    # the index holds: otherwise the next run must list the folder anyway.
    complete = not links and len(slugs) == len(folders)
    root_to_store = _storable_folder_stamp(folder_stamp, racy_after) if complete else None
    changed = (
        stored is None
        or slugs != stored.slugs
        or packed != stored.stamps_packed
        or ok_flags != stored.ok
        or kept_rows != stored.rows
        or stored.header.get("root") != (list(root_to_store) if root_to_store else None)
    )
    if changed and write:
        result.written = _write(path, stamps_now, root_to_store, slugs, packed, ok_flags, kept_rows)
    return result


def _list_folders(root: str) -> tuple[list[str], set[str]]:
    """The library's folders, sorted, and which of them are links."""
    with os.scandir(root) as scan:
        found = sorted(
            (entry.name, entry.is_symlink())
            for entry in scan
            if not entry.name.startswith(".") and entry.is_dir()
        )
    return [name for name, _ in found], {name for name, link in found if link}


def _storable_folder_stamp(
    stamp: tuple[int, int, int] | None, racy_after: int
) -> tuple[int, int, int] | None:
    # A folder changed within RACY_NS could change again in the same clock
    # tick without its mtime moving: not stored, so the next run lists it.
    return stamp if stamp is not None and stamp[0] < racy_after else None


# Releases to read before it is worth starting worker processes.
PARALLEL_MIN = 400
_forked_reader: _Reader | None = None


def _read_all(reader: _Reader, misses: list[tuple[str, bool]], workers: int) -> dict[str, Entry]:
    workers = min(workers, len(misses) // (PARALLEL_MIN // 2) or 1)
    if workers > 1 and len(misses) >= PARALLEL_MIN and can_fork():
        global _forked_reader
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        from . import digest, signoff  # noqa: F401 - imported once here, not in every worker

        reader.library  # noqa: B018 - open (and report errors) before forking
        _forked_reader = reader
        size = -(-len(misses) // (workers * 4))
        chunks = [misses[start : start + size] for start in range(0, len(misses), size)]
        try:
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                parts = list(pool.map(_read_chunk, chunks))
        finally:
            _forked_reader = None
        return {
            name: entry
            for chunk, part in zip(chunks, parts, strict=True)
            for (name, _), entry in zip(chunk, part, strict=True)
        }
    return {name: reader.entry(name, link) for name, link in misses}


def _read_chunk(chunk: list[tuple[str, bool]]) -> list[Entry]:
    assert _forked_reader is not None
    return [_forked_reader.entry(name, link) for name, link in chunk]


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process (the command line)."""
    if not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")  # not imported: no threads were started
    return threading is None or threading.active_count() == 1


def default_workers() -> int:
    """Processes for a long rebuild: $NEWSROOM_WORKERS, else the CPUs we may use (at most 4)."""
    setting = os.environ.get("NEWSROOM_WORKERS", "")
    if setting.isdigit() and int(setting) >= 1:
        return int(setting)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))


def _write(
    path: str,
    header_stamps: dict[str, Any],
    folder_stamp: tuple[int, int, int] | None,
    slugs: list[str],
    stamps: bytes,
    ok: str,
    rows: list[str],
) -> bool:
    from .fsio import atomic_write

    body = "".join(
        (
            json.dumps(slugs, ensure_ascii=False, separators=(",", ":")),
            "\n",
            stamps.hex(),
            "\n",
            ok,
            "\n",
            _rows_array(rows),
        )
    ).encode("utf-8")
    header = {
        "format": FORMAT,
        "count": len(slugs),
        "bytes": len(body),
        "crc32": zlib.crc32(body),
        "root": list(folder_stamp) if folder_stamp else None,
        **header_stamps,
    }
    data = json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + body
    from pathlib import Path

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic_write(Path(path), data)
    except OSError:
        return False  # a read-only library lists all the same
    return True

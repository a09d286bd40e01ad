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

Format (JSON Lines, UTF-8): line 1 is a header object; every further line is
``["slug","stamps",ok,{row}]``: stamps is the hex of size, mtime_ns, ctime_ns
and inode of release.toml then body.md packed as little-endian 64-bit
integers (one C call to make, instead of eight number-to-text conversions);
ok is 1, or 0 for an "invalid" row. A lookup builds the expected prefix from
fresh stamps and compares strings, and rows are passed through as JSON text,
so the warm path parses nothing per release.

Core module: no Textual, no Rich. It imports ``bundle`` and ``workflow`` only
when a release has to be read, so the warm path stays cheap.
"""

from __future__ import annotations

import json
import os
import stat
import struct
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

FORMAT = 2
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
_SOURCES = ("__init__.py", "index.py", "bundle.py", "model.py", "workflow.py", "safety.py",
            "signing.py", os.path.join("export", "document.py"))
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
        self.rows: list[str] = []  # JSON text of each row, sorted by slug
        self.errors: list[str] = []  # messages for the invalid rows
        self.reread: list[str] = []  # slugs read from their files this time
        self.rebuilt = rebuilt  # why the index could not be used at all; None if it was
        self.written = False  # whether the index file was (re)written

    def dicts(self) -> list[dict[str, Any]]:
        return [json.loads(row) for row in self.rows]

    def json_text(self) -> str:
        """The rows as a JSON array, one release per line."""
        if not self.rows:
            return "[]\n"
        return "[\n  " + ",\n  ".join(self.rows) + "\n]\n"


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
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


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


_STAMPS = struct.Struct("<qqqQqqqQ")
_NO_FILE = (-1, -1, -1, 0)


def _prefix(slug: str, toml: tuple[int, ...], body: tuple[int, ...] | None) -> str:
    return '["' + slug + '","' + _STAMPS.pack(*toml, *(body or _NO_FILE)).hex() + '",'


# ---------------------------------------------------------------------------
# Reading the index


def _read_index(path: str) -> tuple[dict[str, Any] | None, dict[str, str], str | None]:
    """(header, slug -> entry line, why it is unusable or None)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except FileNotFoundError:
        return None, {}, "no index yet"
    except OSError as error:
        return None, {}, f"index unreadable ({error.strerror or error})"
    newline = data.find(b"\n")
    if newline < 0:
        return None, {}, "index truncated"
    try:
        header = json.loads(data[:newline])
    except ValueError:
        return None, {}, "index header corrupt"
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        return None, {}, "index from another version of newsroom"
    body = data[newline + 1:]
    if header.get("crc32") != zlib.crc32(body) or header.get("bytes") != len(body):
        return None, {}, "index corrupt or truncated"
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None, {}, "index corrupt"
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if header.get("count") != len(lines):
        return None, {}, "index corrupt or truncated"
    entries = {}
    for line in lines:
        end = line.find('"', 2)
        if not line.startswith('["') or end < 0:
            return None, {}, "index corrupt"
        entries[line[2:end]] = line
    return header, entries, None


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
        out.extend((b"".join(chunks),
                    (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)))
    # A save that commits while we read is caught next time: the stamps kept
    # are those of what was read, and the replaced file has a new inode.
    return out[0], out[2], out[1], out[3]


def read_release(library: Library, slug: str, toml_bytes: bytes, body_bytes: bytes) -> Release:
    """The release from its files' bytes, as ``Library.load`` reads it, without the
    copies ``load`` keeps for saving. Raises ``BundleError`` as ``load`` does."""
    from .bundle import BOM, _decode, _parse_toml, release_from_toml

    directory = library.root / slug
    toml_path = directory / RELEASE_FILE
    data, _ = _parse_toml(toml_path, toml_bytes)
    body_text = _decode(directory / BODY_FILE, body_bytes)
    if body_text.startswith(BOM):
        body_text = body_text[1:]
    body = body_text.replace("\r\n", "\n").replace("\r", "\n")
    release = release_from_toml(data, toml_path, slug, body)
    library.validate(release)
    return release


def summary(release: Release, library: Library, updated_ns: int) -> dict[str, Any]:
    """One release's list row: what ``newsroom list --json`` prints."""
    from .workflow import release_digest, status, valid_approvals

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

    def entry(self, slug: str, link: bool) -> tuple[str, bool, str | None, str]:
        """(row JSON, ok, index line or None when it must not be stored, error);
        empty row JSON when the folder holds no release."""
        from .bundle import BundleError

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
                    Path(directory) / BODY_FILE, "missing; every bundle needs a body.md next "
                    "to its release.toml (an empty file will do)")
            release = read_release(self.library, slug, toml_bytes, body_bytes)
            row = summary(release, self.library,
                          max(toml[1], body[1] if body else 0))
            ok, error = True, ""
        except BundleError as exc:
            row, ok, error = _invalid(slug, exc), False, str(exc)
        text = _encode_row(row)
        line = f"{_prefix(slug, toml, body)}{int(ok)},{text}]"
        if max(toml[1], body[1] if body else 0) >= self.racy_after:
            line = None  # too fresh to trust a stamp (see RACY_NS)
        return text, ok, line, error

    def _careful(self, slug: str) -> tuple[str, bool, str | None, str]:
        """Through ``Library.load`` (journal recovery, links refused); never stored."""
        from .bundle import BundleError

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

    With ``workers`` > 1, a long list of releases to read (a first run, or
    after a checkout touched everything) is split across that many forked
    processes. Raises ``BundleError`` only when ``newsroom.toml`` or
    ``people.toml`` is unusable and a release had to be read.
    """
    root_s = os.fspath(root)
    racy_after = time.time_ns() - RACY_NS
    path = os.path.join(root_s, INDEX_DIR, INDEX_FILE)
    header, entries, why = _read_index(path)
    reader = _Reader(root_s, racy_after)

    stamps_now = _header_stamps(root_s, header.get("signers_file") if header else None)
    if header is not None and {k: header.get(k) for k in stamps_now} != stamps_now:
        header, entries, why = None, {}, "library settings, people or newsroom changed"
    if header is None:
        # Parse the settings now, so the signers file is known and stamped
        # before any release is read.
        signers = reader.library.settings.rules.allowed_signers or None
        stamps_now = _header_stamps(root_s, signers)

    with os.scandir(root_s) as scan:
        folders = sorted(
            (entry.name, entry.is_symlink()) for entry in scan
            if not entry.name.startswith(".") and entry.is_dir()
        )
    # First the cheap pass: which rows the index still holds.
    found: list[tuple[str, str | None, bool]] = []  # (slug, row JSON or None: read it, ok)
    misses: list[tuple[str, bool]] = []
    lines: dict[str, str] = {}
    # Relative to an open folder: a shorter path for the kernel to walk.
    root_fd = os.open(root_s, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    lstat, pack = os.lstat, _STAMPS.pack
    toml_name, body_name = "/" + RELEASE_FILE, "/" + BODY_FILE
    try:
        for name, link in folders:
            line = entries.get(name)
            if line is not None and not link:
                try:
                    t = lstat(name + toml_name, dir_fd=root_fd)
                except OSError:
                    continue  # the release is gone
                try:
                    b = lstat(name + body_name, dir_fd=root_fd)
                    prefix = '["' + name + '","' + pack(
                        t.st_size, t.st_mtime_ns, t.st_ctime_ns, t.st_ino,
                        b.st_size, b.st_mtime_ns, b.st_ctime_ns, b.st_ino).hex() + '",'
                except OSError:
                    prefix = _prefix(name, (t.st_size, t.st_mtime_ns, t.st_ctime_ns, t.st_ino),
                                     None)
                if line.startswith(prefix) and line.endswith("]"):
                    lines[name] = line
                    found.append((name, line[len(prefix) + 2:-1], line[len(prefix)] == "1"))
                    continue
            found.append((name, None, False))
            misses.append((name, link))
    finally:
        os.close(root_fd)

    # Then the releases that must be read from their files.
    read = _read_all(reader, misses, workers) if misses else {}
    result = Listing(rebuilt=why)
    for name, text, ok in found:
        if text is None:
            text, ok, new_line, error = read[name]
            if not text:
                continue  # a folder that holds no release
            result.reread.append(name)
            if new_line is not None:
                lines[name] = new_line
            if not ok:
                result.errors.append(error)
        elif not ok:
            result.errors.append(json.loads(text).get("error", ""))
        result.rows.append(text)
    changed = header is None or lines.keys() != entries.keys() or any(
        lines[name] is not entries.get(name) for name in lines)
    if changed and write:
        result.written = _write(path, stamps_now, lines)
    return result


# Releases to read before it is worth starting worker processes.
PARALLEL_MIN = 400
_forked_reader: _Reader | None = None


def _read_all(reader: _Reader, misses: list[tuple[str, bool]], workers: int
              ) -> dict[str, tuple[str, bool, str | None, str]]:
    workers = min(workers, len(misses) // (PARALLEL_MIN // 2) or 1)
    if workers > 1 and len(misses) >= PARALLEL_MIN and _can_fork():
        global _forked_reader
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        from . import workflow  # noqa: F401 - imported once here, not in every worker

        reader.library  # noqa: B018 - open (and report errors) before forking
        _forked_reader = reader
        size = -(-len(misses) // (workers * 4))
        chunks = [misses[start:start + size] for start in range(0, len(misses), size)]
        try:
            with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                parts = list(pool.map(_read_chunk, chunks))
        finally:
            _forked_reader = None
        return {name: entry for chunk, part in zip(chunks, parts, strict=True)
                for (name, _), entry in zip(chunk, part, strict=True)}
    return {name: reader.entry(name, link) for name, link in misses}


def _read_chunk(chunk: list[tuple[str, bool]]) -> list[tuple[str, bool, str | None, str]]:
    assert _forked_reader is not None
    return [_forked_reader.entry(name, link) for name, link in chunk]


def _can_fork() -> bool:
    """Forking is safe only from a single-threaded process (the command line)."""
    import threading

    return hasattr(os, "fork") and threading.active_count() == 1


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



def _write(path: str, stamps: dict[str, Any], lines: dict[str, str]) -> bool:
    from .bundle import atomic_write

    body = "".join(lines[slug] + "\n" for slug in sorted(lines)).encode("utf-8")
    header = {"format": FORMAT, "count": len(lines), "bytes": len(body),
              "crc32": zlib.crc32(body), **stamps}
    data = json.dumps(header, separators=(",", ":")).encode("utf-8") + b"\n" + body
    from pathlib import Path

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        atomic_write(Path(path), data)
    except OSError:
        return False  # a read-only library lists all the same
    return True

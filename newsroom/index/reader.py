"""Reading one release for its list row: straight from its files' bytes where
they are plain and settled, through ``Library.load`` where not; many at once
in forked processes for a long rebuild.

Core module: no Textual, no Rich. Imported only when a release has to be read;
``bundle`` and ``workflow`` are imported only then too.
"""

from __future__ import annotations

import json
import os
import stat

from ..layout import BODY_FILE, JOURNAL_FILE, RELEASE_FILE
from ..workers import can_fork
from .stamps import NO_FILE, lstamp, stamp_of

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ..bundle import Library
    from ..model import Release
    from .stamps import Stamp

    # One release read from its files: (row JSON, ok, (release.toml stamp,
    # body.md stamp) or None when it must not be stored, error message).
    Entry = tuple[str, bool, tuple[Stamp, Stamp] | None, str]

# The status of a release whose files do not load.
INVALID = "invalid"
OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
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


class Unsettled(Exception):
    """The bundle is mid-save or not plain files: read it the slow, careful way."""


def read_files(directory: str) -> tuple[bytes, bytes | None, Stamp, Stamp | None]:
    """Both files' bytes and the stamps of exactly what was read.

    Raises FileNotFoundError when there is no release.toml, Unsettled when
    Library.load should handle it (a save journal, a link, not a plain file).
    """
    journal = os.path.join(directory, JOURNAL_FILE)
    if os.path.lexists(journal):
        raise Unsettled
    out: list[Any] = []
    for name in (RELEASE_FILE, BODY_FILE):
        try:
            fd = os.open(os.path.join(directory, name), OPEN_FLAGS)
        except FileNotFoundError:
            if name == RELEASE_FILE:
                raise
            out.extend((None, None))
            continue
        except OSError:  # ELOOP: a link; Library.load explains
            raise Unsettled from None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise Unsettled
            # One read for a file that did not grow; a short read is the end.
            want = info.st_size + 1
            chunks = [os.read(fd, want)]
            while len(chunks[-1]) == want:
                chunks.append(os.read(fd, 65536))
                want = 65536
        finally:
            os.close(fd)
        out.extend((b"".join(chunks), stamp_of(info)))
    # A save that commits while we read is caught next time: the stamps kept
    # are those of what was read, and the replaced file has a new inode.
    return out[0], out[2], out[1], out[3]


def read_release(library: Library, slug: str, toml_bytes: bytes, body_bytes: bytes) -> Release:
    """The release from its files' bytes, as ``Library.load`` reads it, without the
    copies ``load`` keeps for saving. Raises ``BundleError`` as ``load`` does."""
    from ..codec import release_from_toml
    from ..tomlio import BOM, decode, parse_toml

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
    from ..digest import release_digest
    from ..signoff import status, valid_approvals

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


class Reader:
    """Reads releases on demand, opening the library only if one is needed."""

    def __init__(self, root: str, racy_after: int) -> None:
        self.racy_after = racy_after
        self.root = root
        self._library: Library | None = None

    @property
    def library(self) -> Library:
        if self._library is None:
            from ..bundle import Library

            self._library = Library.open(self.root)
        return self._library

    def entry(self, slug: str, link: bool) -> Entry:
        """(row JSON, ok, the files' stamps or None when it must not be stored,
        error); empty row JSON when the folder holds no release."""
        from ..errors import BundleError

        directory = os.path.join(self.root, slug)
        try:
            if link or not _pattern("slug").match(slug):
                raise Unsettled
            toml_bytes, body_bytes, toml, body = read_files(directory)
        except FileNotFoundError:
            return "", False, None, ""  # not a bundle (any more)
        except Unsettled:
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
        stamps: tuple[Stamp, Stamp] | None = (toml, body or NO_FILE)
        if max(toml[1], body[1] if body else 0) >= self.racy_after:
            stamps = None  # too fresh to trust a stamp (see RACY_NS)
        return text, ok, stamps, error

    def _careful(self, slug: str) -> Entry:
        """Through ``Library.load`` (journal recovery, links refused); never stored."""
        from ..errors import BundleError

        library = self.library
        directory = os.path.join(self.root, slug)
        try:
            release = library.load(slug)
            library.origins.pop(slug, None)
            stamps = [lstamp(os.path.join(directory, n)) for n in (RELEASE_FILE, BODY_FILE)]
            updated = max((s[1] for s in stamps if s), default=0)
            row, ok, error = summary(release, library, updated), True, ""
        except BundleError as exc:
            row, ok, error = _invalid(slug, exc), False, str(exc)
        return _encode_row(row), ok, None, error


# Releases to read before it is worth starting worker processes.
PARALLEL_MIN = 400
_forked_reader: Reader | None = None


def read_all(reader: Reader, misses: list[tuple[str, bool]], workers: int) -> dict[str, Entry]:
    workers = min(workers, len(misses) // (PARALLEL_MIN // 2) or 1)
    if workers > 1 and len(misses) >= PARALLEL_MIN and can_fork():
        global _forked_reader
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        from .. import digest, signoff  # noqa: F401 - imported once here, not in every worker

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

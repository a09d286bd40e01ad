"""``listing``: every release's row, from the index where it is fresh, from the
files where not; the steps of one listing are the methods of ``_Scan``.

Core module: no Textual, no Rich; the warm path, so it imports little and
reads no release (``reader`` is imported only when one must be read).
"""

from __future__ import annotations

import json
import os
import time

from ..layout import STATE_DIR
from .stamps import (
    RACY_NS,
    STAMP,
    Stamping,
    folder_stamp,
    header_stamps,
    list_folders,
    storable_folder_stamp,
)
from .store import INDEX_FILE, Stored, rows_array, rows_of_array, write

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

    from .reader import Reader
    from .stamps import Stamp

    # What the index keeps of a release: its two stamps, whether it is valid, its row.
    Kept = tuple[Stamp, Stamp, bool, str]


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
            self._rows = rows_of_array(self._array or b"[]\n")
        return self._rows

    def dicts(self) -> list[dict[str, Any]]:
        return [json.loads(row) for row in self.rows]

    def json_bytes(self) -> bytes:
        """The rows as a JSON array, one release per line, in UTF-8."""
        if self._array is not None:
            return self._array
        return rows_array(self.rows).encode("utf-8")

    def json_text(self) -> str:
        """The rows as a JSON array, one release per line."""
        return self.json_bytes().decode("utf-8")


def summaries(root: Path | str, *, write: bool = True) -> list[dict[str, Any]]:
    """Every release's list row as a dict (see ``reader.summary``), sorted by slug."""
    return listing(root, write=write).dicts()


def listing(root: Path | str, *, write: bool = True, workers: int = 1) -> Listing:
    """Every release's row, from the index where it is fresh, from the files where not.

    With ``workers`` > 1, the files of a large library are stamped by two
    processes, and a long list of releases to read (a first run, or after a
    checkout touched everything) is split across that many forked processes.
    Raises ``BundleError`` only when ``newsroom.toml`` or ``people.toml`` is
    unusable and a release had to be read.
    """
    scan = _Scan(os.fspath(root), write=write, workers=workers)
    scan.open_index()
    scan.stamp_folders()
    result = Listing(rebuilt=scan.why)
    if scan.unchanged():
        scan.pass_through(result)
    else:
        scan.store(scan.refresh(result), result)
    return result


class _Scan:
    """One listing in progress: what its steps find out, in the order they run."""

    def __init__(self, root: str, *, write: bool, workers: int) -> None:
        self.root = root
        self.write = write
        self.workers = workers
        self.racy_after = time.time_ns() - RACY_NS
        self.path = os.path.join(root, STATE_DIR, INDEX_FILE)
        self._reader: Reader | None = None
        self.stored: Stored | None = None
        self.why: str | None = None  # why the stored index is not used at all
        self.header: dict[str, Any] = {}  # stamps of what every row depends on
        self.folder_stamp: tuple[int, int, int] | None = None
        self.folders: list[str] = []
        self.links: set[str] = set()
        self.current = b""  # every folder's two stamps, packed

    @property
    def reader(self) -> Reader:
        """Opened when a release must be read: the warm path never imports it."""
        if self._reader is None:
            from .reader import Reader

            self._reader = Reader(self.root, self.racy_after)
        return self._reader

    def open_index(self) -> None:
        """The stored index, unless what every row depends on changed since."""
        stored, self.why = Stored.read(self.path)
        signers = stored.header.get("signers_file") if stored else None
        self.header = header_stamps(self.root, signers)
        if stored is not None and {k: stored.header.get(k) for k in self.header} != self.header:
            stored, self.why = None, "library settings, people or newsroom changed"
        self.stored = stored
        if stored is None:
            # Parse the settings now, so the signers file is known and stamped
            # before any release is read.
            signers = self.reader.library.settings.rules.allowed_signers or None
            self.header = header_stamps(self.root, signers)
            if self.write:
                # The index's own folder first: making it changes the library
                # folder's stamp, which would otherwise be stale once stored.
                try:
                    os.makedirs(os.path.dirname(self.path), exist_ok=True)
                except OSError:
                    pass  # read-only: write finds out

    def stamp_folders(self) -> None:
        """The folders, and the stamps of their files; the index checked meanwhile."""
        # The folder's own stamp, taken before it is listed: while it is unchanged
        # no release folder has been added, removed or renamed, so the folders are
        # the ones the index holds and the folder need not be listed again.
        self.folder_stamp = folder_stamp(self.root)
        stored, folders = self.stored, None
        if (
            stored is not None
            and self.folder_stamp is not None
            and stored.header.get("root") == list(self.folder_stamp)
        ):
            folders = stored.slugs
        from_index = folders is not None
        if folders is None:
            folders, self.links = list_folders(self.root)
        parallel = self.workers > 1
        stamping = Stamping(self.root, folders, parallel=parallel)
        # While the files are stamped (in another process too), check the index.
        if stored is not None:
            damage = stored.check()
            if damage is not None:
                self.stored, self.why = None, damage
                if from_index:
                    # The folders came from the damaged index: list them after all.
                    stamping.result()
                    folders, self.links = list_folders(self.root)
                    stamping = Stamping(self.root, folders, parallel=parallel)
        self.folders = folders
        self.current = stamping.result()

    def unchanged(self) -> bool:
        """Whether every folder and file is as the index holds it."""
        stored = self.stored
        return (
            stored is not None
            and not self.links
            and self.folders == stored.slugs
            and self.current == stored.stamps_packed
        )

    def _root_to_store(self, complete: bool = True) -> tuple[int, int, int] | None:
        return storable_folder_stamp(self.folder_stamp, self.racy_after) if complete else None

    def _root_changed(self, root: tuple[int, int, int] | None) -> bool:
        assert self.stored is not None
        return self.stored.header.get("root") != (list(root) if root else None)

    def pass_through(self, result: Listing) -> None:
        """Nothing changed: the rows are passed through as stored."""
        stored = self.stored
        assert stored is not None and stored.slugs is not None
        result.set_array(stored.array)
        if "0" in stored.ok:
            result.errors = [
                json.loads(row).get("error", "")
                for row, ok in zip(stored.rows, stored.ok, strict=True)
                if ok == "0"
            ]
        root = self._root_to_store()
        if self.write and self._root_changed(root):
            result.written = write(
                self.path,
                self.header,
                root,
                stored.slugs,
                stored.stamps_packed,
                stored.ok,
                stored.rows,
            )

    def refresh(self, result: Listing) -> dict[str, Kept]:
        """Something changed: keep each row whose files are as stored, read the
        rest. The rows go into ``result``; what the index should keep is returned."""
        keep: dict[str, Kept] = {}
        found = self._match_stored(keep)
        misses = [(name, name in self.links) for name, text, _ in found if text is None]
        read = {}
        if misses:
            from .reader import read_all

            read = read_all(self.reader, misses, self.workers)
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
        return keep

    def _match_stored(self, keep: dict[str, Kept]) -> list[tuple[str, str | None, bool]]:
        """(slug, its stored row JSON or None when it must be read, ok) per folder;
        every stored row still good goes into ``keep``."""
        stored = self.stored
        stamps_now: list[Stamp] = list(STAMP.iter_unpack(self.current))
        position = {slug: i for i, slug in enumerate(stored.slugs or ())} if stored else {}
        stored_rows = stored.rows if stored else []
        stored_stamps = stored.stamps if stored else []
        found: list[tuple[str, str | None, bool]] = []
        for turn, name in enumerate(self.folders):
            j = position.get(name)
            if j is not None and name not in self.links:
                assert stored is not None
                toml, body = stamps_now[2 * turn], stamps_now[2 * turn + 1]
                if toml == stored_stamps[2 * j] and body == stored_stamps[2 * j + 1]:
                    ok = stored.ok[j] == "1"
                    keep[name] = (toml, body, ok, stored_rows[j])
                    found.append((name, stored_rows[j], ok))
                    continue
            found.append((name, None, False))
        return found

    def store(self, keep: dict[str, Kept], result: Listing) -> None:
        """Write the index again if what it should keep differs from what it holds."""
        slugs = list(keep)  # in folder order: sorted
        pack = STAMP.pack
        packed = b"".join(pack(*stamp) for name in slugs for stamp in keep[name][:2])
        ok_flags = "".join("1" if keep[name][2] else "0" for name in slugs)
        kept_rows = [keep[name][3] for name in slugs]
        # The folder's stamp is worth keeping only if every folder in it is a release
        # the index holds: otherwise the next run must list the folder anyway.
        root = self._root_to_store(not self.links and len(slugs) == len(self.folders))
        stored = self.stored
        changed = (
            stored is None
            or slugs != stored.slugs
            or packed != stored.stamps_packed
            or ok_flags != stored.ok
            or kept_rows != stored.rows
            or self._root_changed(root)
        )
        if changed and self.write:
            result.written = write(self.path, self.header, root, slugs, packed, ok_flags, kept_rows)

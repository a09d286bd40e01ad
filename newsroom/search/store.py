"""The archive's SQLite FTS5 database, kept in step with the files.

``drafts/.newsroom/search.sqlite`` (git-ignored) holds one full-text row per
release (headline, standfirst, body, quotes, captions, notes to editors) and
one per quote (speaker's name, role at the time, words). It is a cache, never
trusted over the files, and uses the list index's stamps (``newsroom.index.stamps``):

- Every folder's ``release.toml`` and ``body.md`` stamps (size, mtime, ctime,
  inode; ``lstat``, no reading) are kept packed in one blob; a refresh stamps
  them again, and when the blob is the same nothing was edited, added or
  removed. Otherwise exactly the folders whose stamps differ are read again,
  and the rows of vanished folders are deleted.
- Files modified within ``index.stamps.RACY_NS`` are indexed but their stamps are
  not kept, so they are read again next time (git's racily-clean rule).
- people.toml is stamped too: when a name changes, the releases quoting that
  person are indexed again.
- A database that is not SQLite, truncated, from another format, or whose
  counts disagree with its own metadata is deleted and rebuilt. A rebuild is
  written to a temporary file and renamed into place.

The full-text table is contentless (``content=''``): it holds the index of
the words, not the words, so it is a fifth of the size and a third quicker to
build; snippets are cut from the files themselves (read again for the few
hits shown). A contentless table cannot forget a row without being given its
old words, so a release read again gets a new rowid and its old one is left
dead: the ``releases`` table no longer names it, so no search finds it
(every query joins it). Dead rows are counted in the metadata and the
database is rebuilt once they outnumber half the live ones. Quotes are not
indexed a second time: a quote search matches the releases' quotes column
and then picks the quotes that match themselves (``search._fts_quotes``).
"""

from __future__ import annotations

import bisect
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator

from .. import __version__
from ..index.reader import PARALLEL_MIN
from ..index.stamps import (
    RACY_NS,
    STAMP,
    Stamping,
    list_folders,
    lstamp,
    storable_folder_stamp,
)
from ..index.stamps import (
    folder_stamp as folder_stamp_of,
)
from ..layout import PEOPLE_FILE, STATE_DIR
from ..workers import can_fork
from .extract import ABSENT, FIELDS, Document, Read, people_names, read_folder

FORMAT = 2
SEARCH_FILE = "search.sqlite"
# Column weights for bm25: a word in the headline counts most.
WEIGHTS = (10.0, 4.0, 1.0, 2.0, 1.5, 1.0)
# Rebuild once this many dead rows outnumber half the live ones (see above).
DEAD_MIN = 2000
# A prefix that covers more words than this is searched as a prefix (see expand).
MAX_EXPANSION = 200
_UNSTORED = (-2, -2, -2, 0)  # a stamp no file has: read this folder again next time
_STAMP = STAMP

_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value);
CREATE TABLE releases(id INTEGER PRIMARY KEY, slug TEXT UNIQUE NOT NULL, date TEXT NOT NULL,
                      headline TEXT NOT NULL);
CREATE TABLE quotes(id INTEGER PRIMARY KEY, release INTEGER NOT NULL, quote TEXT NOT NULL,
                    speaker TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL);
CREATE INDEX quotes_release ON quotes(release);
CREATE INDEX quotes_speaker ON quotes(speaker);
CREATE VIRTUAL TABLE release_text USING fts5({", ".join(FIELDS)}, content = '',
    tokenize = 'unicode61 remove_diacritics 2');
-- Merge 16 segments at a time, not 4: each word is rewritten half as often
-- while 100,000 releases go in, and a search still reads only a few segments.
INSERT INTO release_text(release_text, rank) VALUES ('automerge', 16);
-- Words gathered in memory before each segment is written: 64 MB, not 1 MB,
-- so a rebuild writes a few large segments and merges them far less.
INSERT INTO release_text(release_text, rank) VALUES ('hashsize', 67108864);
"""


class Unavailable(Exception):
    """No usable FTS5 database here (no FTS5 in this SQLite, or nowhere to write one)."""


_fts5: bool | None = None


def fts5_available() -> bool:
    """Whether this Python's SQLite has FTS5 (checked once)."""
    global _fts5
    if _fts5 is None:
        try:
            with sqlite3.connect(":memory:") as probe:
                probe.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
            _fts5 = True
        except sqlite3.Error:
            _fts5 = False
    return _fts5


def search_path(root: str) -> str:
    return os.path.join(root, STATE_DIR, SEARCH_FILE)


class Store:
    """An open, up-to-date archive database. Use from one thread at a time
    (``lock`` is there for callers that share it between threads)."""

    def __init__(self, root: str, *, workers: int = 1) -> None:
        if not fts5_available():
            raise Unavailable("this Python's SQLite has no FTS5")
        self.root = os.fspath(root)
        self.path = search_path(self.root)
        self.workers = workers
        self.lock = threading.Lock()
        self.rebuilt: str | None = None  # why the database was rebuilt, if it was
        self.reread: list[str] = []  # folders read at the last refresh
        self.db: sqlite3.Connection | None = None
        self.names: dict[str, str] = {}
        # Bumped by every write, so a vocabulary read before it is known stale.
        self.generation = 0
        self._written: object = None  # the metadata's id high-water mark last seen
        self._vocabulary: tuple[int, list[str]] | None = None

    # -- opening -------------------------------------------------------------

    def _connect(self, path: str) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        db.execute("PRAGMA synchronous = NORMAL")
        return db

    def _meta(self) -> dict[str, object]:
        assert self.db is not None
        return dict(self.db.execute("SELECT key, value FROM meta"))

    def _usable(self, meta: dict[str, object]) -> str | None:
        """Why this database cannot be used, or None."""
        if meta.get("format") != FORMAT or meta.get("version") != __version__:
            return "search index from another version of newsroom"
        if meta.get("complete") != 1:
            return "search index incomplete"
        assert self.db is not None
        (count,) = self.db.execute("SELECT count(*) FROM releases").fetchone()
        (texts,) = self.db.execute("SELECT count(*) FROM release_text_docsize").fetchone()
        dead = _int(meta.get("dead"))
        if count != meta.get("count") or texts != count + dead:
            return "search index corrupt"
        if dead > max(DEAD_MIN, count // 2):
            return "search index full of replaced releases"
        return None

    def refresh(self) -> None:
        """Bring the database up to date with the files (rebuilding it if need be)."""
        self.reread = []
        why = None
        if self.db is None and os.path.exists(self.path):
            try:
                self.db = self._connect(self.path)
            except sqlite3.DatabaseError as error:
                why = f"search index unreadable ({error})"
        if self.db is not None:
            try:
                meta = self._meta()
                if meta.get("next") != self._written:  # written since (maybe by another process)
                    self._written = meta.get("next")
                    self.generation += 1
                why = self._usable(meta)
                if why is None:
                    self._update(meta)
                    return
            except sqlite3.DatabaseError as error:
                why = f"search index corrupt ({error})"
            self.close()
        elif why is None:
            why = "no search index yet"
        self.rebuilt = why
        self._rebuild()

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    def discard(self, why: str) -> None:
        """Throw the database away (it failed a query): the next refresh rebuilds it."""
        self.close()
        self.rebuilt = why
        for suffix in ("", "-journal", "-wal", "-shm"):
            try:
                os.unlink(self.path + suffix)
            except OSError:
                pass

    # -- the vocabulary: every word in the index, for expanding prefixes -------

    def load_vocabulary(self) -> bool:
        """Read every word of the index into memory (sorted), on a connection of its
        own so searches go on meanwhile: 1.4 s at 100,000 releases, so it is for a
        background thread after a refresh. False if the index changed meanwhile."""
        generation = self.generation
        if not os.path.exists(self.path):
            return False
        db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        try:
            db.execute(
                "CREATE VIRTUAL TABLE temp.vocabulary USING fts5vocab(main, release_text, 'row')"
            )
            words = [word for (word,) in db.execute("SELECT term FROM temp.vocabulary")]
        except sqlite3.Error:
            return False
        finally:
            db.close()
        if generation != self.generation:
            return False
        words.sort()  # SQLite's order is UTF-8 bytes; bisect wants code points (the same)
        self._vocabulary = (generation, words)
        return True

    def expand(self, prefix: str) -> list[str] | None:
        """The index's words that start with ``prefix`` (folded, as the tokenizer
        keeps them), or None when the vocabulary is not loaded or is out of date
        (then the prefix must be searched as a prefix) or covers too many words."""
        vocabulary = self._vocabulary
        if vocabulary is None or vocabulary[0] != self.generation:
            return None
        words = vocabulary[1]
        start = bisect.bisect_left(words, prefix)
        end = bisect.bisect_left(words, prefix + "\U0010ffff", start)
        return words[start:end] if end - start <= MAX_EXPANSION else None

    # -- building ----------------------------------------------------------------

    def _rebuild(self) -> None:
        directory = os.path.dirname(self.path)
        try:
            os.makedirs(directory, exist_ok=True)
        except OSError as error:
            raise Unavailable(f"cannot create {directory} ({error.strerror})") from None
        temporary = f"{self.path}.{os.getpid()}.{threading.get_ident()}.tmp"
        try:
            db = self._connect(temporary)
        except sqlite3.Error as error:
            raise Unavailable(f"cannot write {temporary} ({error})") from None
        try:
            # A rebuild goes to a file no one else reads and is renamed into
            # place when whole: no journal, no syncs until the end.
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute("PRAGMA cache_size = -32768")  # 32 MB: merges read back recent pages
            db.executescript(_SCHEMA)
            self.db = db
            meta = {
                "format": FORMAT,
                "version": __version__,
                "count": 0,
                "dead": 0,
                "next": 1,
                "complete": 0,
                "slugs": "[]",
                "stamps": b"",
                "root": None,
                "people": None,
                "names": "{}",
            }
            db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            self._update(meta, full=True)
            db.execute("UPDATE meta SET value = 1 WHERE key = 'complete'")
            db.commit()
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute("PRAGMA journal_mode = DELETE")
            db.close()
            self.db = None
            os.replace(temporary, self.path)
            self.db = self._connect(self.path)
            self.generation += 1
        except BaseException:
            self.close()
            try:
                os.unlink(temporary)
            except OSError:
                pass
            raise

    def _update(self, meta: dict[str, object], *, full: bool = False) -> None:
        """Read the folders whose stamps changed; write their rows and the new stamps."""
        assert self.db is not None
        root = self.root
        racy_after = time.time_ns() - RACY_NS
        people_stamp = lstamp(os.path.join(root, PEOPLE_FILE))
        people_json = json.dumps(people_stamp)
        folder_stamp = folder_stamp_of(root)
        old_slugs: list[str] = json.loads(str(meta["slugs"]))
        folders: list[str] | None = None
        links: set[str] = set()
        if folder_stamp is not None and meta.get("root") == json.dumps(folder_stamp):
            folders = old_slugs  # no folder added, removed or renamed since
        if folders is None:
            folders, links = list_folders(root)
        packed = Stamping(root, folders, parallel=self.workers > 1).result()
        stored = meta["stamps"]
        old_stamps = stored if isinstance(stored, bytes) else b""
        names_changed: set[str] = set()
        if meta.get("people") != people_json or not self.names:
            self.names = people_names(root)
            if meta.get("people") != people_json:
                old_names = json.loads(str(meta.get("names") or "{}"))
                names_changed = {
                    pid
                    for pid in set(old_names) | set(self.names)
                    if old_names.get(pid) != self.names.get(pid)
                }
        if (
            folders == old_slugs
            and packed == old_stamps
            and not links
            and not names_changed
            and meta.get("people") == people_json
        ):
            return  # nothing changed: the usual case

        now = list(_STAMP.iter_unpack(packed))
        before = list(_STAMP.iter_unpack(old_stamps))
        was = {slug: (before[2 * i], before[2 * i + 1]) for i, slug in enumerate(old_slugs)}
        affected: set[str] = set()
        if names_changed:
            marks = ",".join("?" * len(names_changed))
            affected = {
                slug
                for (slug,) in self.db.execute(
                    f"SELECT DISTINCT r.slug FROM quotes q JOIN releases r ON r.id = q.release "
                    f"WHERE q.speaker IN ({marks})",
                    sorted(names_changed),
                )
            }
        stamps: dict[str, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        to_read: list[str] = []
        for i, slug in enumerate(folders):
            fresh = (now[2 * i], now[2 * i + 1])
            if slug in links or slug in affected or was.get(slug) != fresh:
                to_read.append(slug)
            stamps[slug] = fresh
        gone = set(old_slugs) - set(folders)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            dead = 0
            if not full:  # a new database has nothing to delete
                dead = self._delete(gone | set(to_read))
            writer = _Writer(self.db, _int(meta.get("next")) or 1)
            for slug, (doc, kept) in self._read(to_read, racy_after, links):
                self.reread.append(slug)
                if doc is not None:
                    writer.add(doc)
                if kept is None:
                    stamps[slug] = (_UNSTORED, _UNSTORED)
                elif kept != ABSENT:
                    stamps[slug] = kept
            writer.flush()
            (count,) = self.db.execute("SELECT count(*) FROM releases").fetchone()
            root_stamp = storable_folder_stamp(folder_stamp, racy_after)
            new_meta = {
                "slugs": json.dumps(folders, ensure_ascii=False),
                "stamps": b"".join(
                    _STAMP.pack(*stamp) for slug in folders for stamp in stamps[slug]
                ),
                "root": json.dumps(root_stamp) if root_stamp and not links else None,
                "people": people_json
                if people_stamp is None or people_stamp[1] < racy_after
                else None,
                "names": json.dumps(self.names, ensure_ascii=False),
                "count": count,
                "dead": _int(meta.get("dead")) + dead,
                "next": writer.next_id,
            }
            self.db.executemany(
                "UPDATE meta SET value = ? WHERE key = ?",
                [(value, key) for key, value in new_meta.items()],
            )
            self.db.execute("COMMIT")
            self._written = writer.next_id
            self.generation += 1
        except BaseException:
            if self.db.in_transaction:
                self.db.execute("ROLLBACK")
            raise

    def _read(
        self, slugs: list[str], racy_after: int, links: set[str]
    ) -> Iterator[tuple[str, Read]]:
        """(slug, (document, stamps)) for each folder, in forked workers when there are many."""
        names = self.names
        plain = [s for s in slugs if s not in links]
        for slug in slugs:
            if slug in links:
                yield slug, (None, None)  # links are never followed; looked at each time
        workers = min(self.workers, len(plain) // (PARALLEL_MIN // 2) or 1, _idle_cpus())
        if workers > 1 and len(plain) >= PARALLEL_MIN and can_fork():
            global _job
            from concurrent.futures import ProcessPoolExecutor
            from multiprocessing import get_context

            _job = (self.root, names, racy_after)
            size = 200
            chunks = [plain[start : start + size] for start in range(0, len(plain), size)]
            try:
                with ProcessPoolExecutor(workers, mp_context=get_context("fork")) as pool:
                    # This process writes the rows while the workers read the next chunks.
                    for chunk, part in zip(chunks, pool.map(_read_chunk, chunks), strict=True):
                        yield from zip(chunk, part, strict=True)
            finally:
                _job = None
            return
        for slug in plain:
            yield slug, read_folder(self.root, slug, names, racy_after)

    def _delete(self, slugs: set[str]) -> int:
        """Forget these releases; returns how many full-text rows were left dead."""
        assert self.db is not None
        if not slugs:
            return 0
        db = self.db
        db.execute("CREATE TEMP TABLE IF NOT EXISTS doomed(slug TEXT PRIMARY KEY)")
        db.execute("DELETE FROM doomed")
        db.executemany("INSERT OR IGNORE INTO doomed VALUES (?)", ((s,) for s in slugs))
        ids = "SELECT id FROM releases WHERE slug IN (SELECT slug FROM doomed)"
        db.execute(f"DELETE FROM quotes WHERE release IN ({ids})")
        # The full-text rows stay, dead: no release row names them any more.
        return db.execute("DELETE FROM releases WHERE slug IN (SELECT slug FROM doomed)").rowcount


def _int(value: object) -> int:
    return value if isinstance(value, int) else 0


_BATCH = 200  # documents written with one executemany per table


class _Writer:
    """Rows for the documents read, written in batches (one ``executemany`` per table).

    Release ids are given here, from the high-water mark in the metadata (an
    id is never given twice: a dead full-text row may still hold it), so no
    insert waits on ``lastrowid``.
    """

    def __init__(self, db: sqlite3.Connection, next_id: int) -> None:
        self.db = db
        self.next_id = next_id  # never reused: a dead full-text row may hold an old id
        self.releases: list[tuple[int, str, str, str]] = []
        self.texts: list[tuple[object, ...]] = []
        self.quotes: list[tuple[int, str, str, str, str]] = []

    def add(self, doc: Document) -> None:
        rowid = self.next_id
        self.next_id += 1
        self.releases.append((rowid, doc.slug, doc.date, doc.headline))
        self.texts.append((rowid, *doc.fields()))
        for quote in doc.quotes:
            self.quotes.append((rowid, quote.id, quote.speaker, quote.name, quote.role))
        if len(self.releases) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        db = self.db
        db.executemany(
            "INSERT INTO releases(id, slug, date, headline) VALUES (?, ?, ?, ?)", self.releases
        )
        db.executemany(
            "INSERT INTO release_text(rowid, headline, standfirst, body, quotes, "
            "captions, notes) VALUES (?, ?, ?, ?, ?, ?, ?)",
            self.texts,
        )
        db.executemany(
            "INSERT INTO quotes(release, quote, speaker, name, role) VALUES (?, ?, ?, ?, ?)",
            self.quotes,
        )
        self.releases, self.texts, self.quotes = [], [], []


def _idle_cpus() -> int:
    """Processors not already busy (at least 1), from the load average.

    Reading in forked workers while this process writes pays only when they
    get a processor each; on a shared, busy machine the copying between
    processes costs more than it saves, and one process is faster.
    """
    try:
        cpus = len(os.sched_getaffinity(0))
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return 1
    return max(1, int(cpus - load + 0.5))


_job: tuple[str, dict[str, str], int] | None = None


def _read_chunk(chunk: list[str]) -> list[Read]:
    assert _job is not None
    root, names, racy_after = _job
    return [read_folder(root, slug, names, racy_after) for slug in chunk]

"""The archive: full-text search of every release and quote.

    from newsroom.search import Archive
    archive = Archive("drafts")
    results = archive.search('"bus station" OR park*', since="2025-01-01")

The index is SQLite FTS5 (``store.py``) kept in step with the files by the
list index's stamps; where this Python's SQLite lacks FTS5, or the index
cannot be written, every release is read and matched here instead (same
query language, ``query.py``), and the results say so once per process.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from . import query as q
from .extract import FIELDS, Document, people_names, read_folder
from .query import QueryError
from .store import WEIGHTS, Store, Unavailable

__all__ = ["Archive", "Hit", "Interrupted", "QueryError", "QuoteHit", "Results", "Snippet"]


class Interrupted(Exception):
    """The search was stopped by ``Archive.interrupt`` (a newer one replaces it)."""


FIELD_WEIGHTS = dict(zip(FIELDS, WEIGHTS, strict=True))
SCAN_NOTICE = (
    "Searching without the full-text index ({why}): every release is read, which is slower."
)
_noticed = False  # the scan's notice is given once per process


@dataclass
class Snippet:
    field: str  # which of extract.FIELDS (or "words" for a quote)
    text: str  # an excerpt on one line
    spans: list[tuple[int, int]] = dataclasses.field(
        default_factory=list
    )  # the matching words in it


@dataclass
class Hit:
    slug: str
    headline: str
    date: str
    score: float
    snippet: Snippet | None  # None beyond the first SNIPPETS hits: see Archive.snippet

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "headline": self.headline,
            "date": self.date or None,
            "score": round(self.score, 4),
            "field": self.snippet and self.snippet.field,
            "snippet": self.snippet and self.snippet.text,
            "highlights": [list(s) for s in self.snippet.spans] if self.snippet else [],
        }


@dataclass
class QuoteHit:
    slug: str
    headline: str
    date: str
    quote: str  # the quote's id in its release
    speaker: str  # the person's id
    name: str
    role: str  # as the release gives it: the role at the time
    words: str
    score: float
    spans: list[tuple[int, int]] = dataclasses.field(
        default_factory=list
    )  # matching words in ``words``

    @property
    def snippet(self) -> Snippet:
        return excerpt(self.words, self.spans, "words")

    def as_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "headline": self.headline,
            "date": self.date or None,
            "quote": self.quote,
            "speaker": self.speaker,
            "name": self.name,
            "role": self.role,
            "words": self.words,
            "score": round(self.score, 4),
            "highlights": [list(s) for s in self.spans],
        }


@dataclass
class Results:
    query: str
    hits: list[Hit] | list[QuoteHit]
    more: bool  # more matched than the limit
    mode: str  # "fts5" or "scan"
    notice: str | None = None  # say this to the user (once)
    terms: q.Node | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query,
            "mode": self.mode,
            "more": self.more,
            "results": [hit.as_json() for hit in self.hits],
        }


# ---------------------------------------------------------------------------
# Snippets

SNIPPETS = 50  # hits that get a snippet at once; the rest on demand (Archive.snippet)
SNIPPET_BEFORE = 60  # characters of context before the first match
SNIPPET_LENGTH = 200
_CONTROLS = frozenset(map(chr, [*range(0x20), *range(0x7F, 0xA0)]))


def excerpt(
    text: str, spans: list[tuple[int, int]], name: str, node: q.Node | None = None
) -> Snippet:
    """A one-line excerpt of ``text`` around its first match, with the matches in it."""
    start = max(0, spans[0][0] - SNIPPET_BEFORE) if spans else 0
    if start:
        space = text.find(" ", start, spans[0][0])
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_LENGTH)
    if end < len(text):
        space = text.rfind(" ", max(start, spans[0][1] if spans else start), end)
        end = space if space > start else end
    # One line: each run of white space becomes one space; ``where`` maps the
    # excerpt's positions to the line's, so the spans move with the text.
    out: list[str] = []
    where: list[int] = []
    for char in text[start:end]:
        where.append(len(out))
        # Controls (the index keeps bodies as written) become spaces: an escape
        # sequence's ESC goes, so nothing reaches a terminal but its letters.
        if not (char.isspace() or char in _CONTROLS):
            out.append(char)
        elif out and out[-1] != " ":
            out.append(" ")
    where.append(len(out))
    flat = "".join(out).rstrip()
    moved = [
        (where[s - start], min(where[e - start], len(flat)))
        for s, e in spans
        if start <= s and e <= end
    ]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    shift = len(prefix)
    return Snippet(name, prefix + flat + suffix, [(s + shift, e + shift) for s, e in moved])


def best_snippet(node: q.Node, texts: list[str]) -> Snippet:
    """The excerpt of the field with the most matches (the first field on a tie)."""
    best: tuple[int, str, str, list[tuple[int, int]]] | None = None
    for name, text in zip(FIELDS, texts, strict=True):
        spans = q.highlights(node, text) if text else []
        if spans and (best is None or len(spans) > best[0]):
            best = (len(spans), name, text, spans)
    if best is None:  # matched in a way no word shows (should not happen): the headline
        return Snippet("headline", " ".join(texts[0].split()), [])
    return excerpt(best[2], best[3], best[1])


# ---------------------------------------------------------------------------
# Searching


def resolve_speakers(root: str, person: str) -> set[str]:
    """The ids of the people ``person`` names: an id, or part of a name (any case)."""
    names = people_names(root)
    if person in names:
        return {person}
    wanted = q.fold(person).strip()
    return {pid for pid, name in names.items() if wanted and wanted in q.fold(name)}


class Archive:
    """Search one library. ``refresh`` brings the index up to date with the files;
    ``search`` refreshes first unless told not to (the TUI refreshes once, then
    searches as you type)."""

    def __init__(self, root: os.PathLike[str] | str, *, workers: int = 1) -> None:
        self.root = os.fspath(root)
        self.store: Store | None = None
        self.why_scan: str | None = None
        self._querying = False  # a search's SQL is running (not a refresh's writes)
        try:
            self.store = Store(self.root, workers=workers)
        except Unavailable as error:
            self.why_scan = str(error)

    @property
    def mode(self) -> str:
        return "fts5" if self.store is not None else "scan"

    def refresh(self) -> None:
        if self.store is None:
            return
        try:
            with self.store.lock:
                self.store.refresh()
        except Unavailable as error:
            self.store.close()
            self.store, self.why_scan = None, str(error)
        except sqlite3.OperationalError as error:  # read-only, locked for too long, disk full
            self.store.close()
            self.store, self.why_scan = None, f"the index cannot be updated: {error}"

    def close(self) -> None:
        if self.store is not None:
            self.store.close()

    def interrupt(self) -> None:
        """From another thread: stop the query running now, if one is (its ``search``
        raises ``Interrupted``). Ranking 100,000 matches takes a tenth of a second
        or more; the search box starts a newer query at each keystroke."""
        store = self.store
        db = store.db if store is not None else None
        if db is not None and self._querying:
            db.interrupt()

    def load_vocabulary(self) -> None:
        """Read the index's words, so a prefix search for the latest matches is quick
        (``search(order="latest")``). Slow (a second or so at 100,000 releases):
        for a background thread; searches go on meanwhile."""
        if self.store is not None:
            self.store.load_vocabulary()

    def snippet(self, hit: Hit, node: q.Node) -> Snippet:
        """The hit's snippet, worked out now (from its files) if the search left it out."""
        if hit.snippet is None:
            names = self.store.names if self.store is not None else people_names(self.root)
            hit.snippet = _snippet_from_files(self.root, hit.slug, names, node)
        return hit.snippet or Snippet("headline", hit.headline, [])

    def search(
        self,
        text: str,
        *,
        speakers: set[str] | None = None,
        since: str = "",
        until: str = "",
        slugs: set[str] | None = None,
        quotes: bool = False,
        limit: int = 50,
        refresh: bool = True,
        snippets: int = SNIPPETS,
        order: str = "rank",
        within: float | None = None,
    ) -> Results:
        """The best ``limit`` matches of ``text``; QueryError when it cannot be searched.

        ``order="latest"`` gives the matches most recently added or edited first,
        unranked (score 0), in a few milliseconds however many releases match:
        what the search box shows while the ranking (tenths of a second when most
        of 100,000 releases match) is worked out. The scan has no such shortcut:
        it always ranks.

        ``within`` (seconds) is for a caller that must not wait, the UI thread:
        ``Interrupted`` is raised at once if the index is busy (being refreshed,
        or another search is running) or must be opened first, or if the query
        runs longer than that; the same search can then go to a worker."""
        node = q.parse(text)
        filters = _Filters(speakers, since, until, slugs)
        if refresh:
            self.refresh()
        if within is not None and (self.store is None or self.store.db is None):
            raise Interrupted  # the scan, or opening the index: not here
        if self.store is not None:
            for attempt in (1, 2):
                try:
                    with _locked(self.store.lock, within):
                        if self.store.db is None:
                            self.store.refresh()
                        self._querying = True
                        if within is not None:
                            deadline = time.perf_counter() + within
                            db = self.store.db
                            assert db is not None

                            def too_long(end: float = deadline) -> bool:
                                return time.perf_counter() > end

                            db.set_progress_handler(too_long, 1000)
                        try:
                            found: tuple[list[Hit] | list[QuoteHit], bool] = (
                                _fts_quotes(self.store, node, filters, limit)
                                if quotes
                                else _fts_latest(self.store, node, filters, limit, snippets)
                                if order == "latest"
                                else _fts_releases(self.store, node, filters, limit, snippets)
                            )
                        finally:
                            self._querying = False
                            if within is not None and self.store.db is not None:
                                self.store.db.set_progress_handler(None, 0)
                    return Results(text, found[0], found[1], "fts5", terms=node)
                except sqlite3.DatabaseError as error:
                    if isinstance(error, sqlite3.OperationalError) and "interrupted" in str(error):
                        raise Interrupted from None  # not damage: asked to stop
                    if isinstance(error, sqlite3.OperationalError) and "fts5" in str(error):
                        raise QueryError(f"SQLite could not search for that: {error}") from None
                    if attempt == 2:
                        raise
                    self.store.discard(f"search index corrupt ({error})")
                except (Unavailable, sqlite3.OperationalError) as error:
                    self.store.close()
                    self.store, self.why_scan = None, str(error)
                    break
        hits, more = _scan(self.root, node, filters, quotes, limit)
        global _noticed
        notice = None if _noticed else SCAN_NOTICE.format(why=self.why_scan or "unavailable")
        _noticed = True
        return Results(text, hits, more, "scan", notice=notice, terms=node)


@contextmanager
def _locked(lock: threading.Lock, within: float | None) -> Iterator[None]:
    """Hold ``lock``, waiting for it at most ``within`` seconds (then Interrupted):
    an interrupted search lets go of it in a moment."""
    if not lock.acquire(timeout=-1 if within is None else within):
        raise Interrupted
    try:
        yield
    finally:
        lock.release()


@dataclass
class _Filters:
    speakers: set[str] | None
    since: str
    until: str
    slugs: set[str] | None

    def sql(self, release: str, quote: str | None) -> tuple[str, list[Any]]:
        import json

        where, params = [], []
        if self.since:
            where.append(f"{release}.date >= ?")
            params.append(self.since)
        if self.until:
            where.append(f"{release}.date != '' AND {release}.date <= ?")
            params.append(self.until)
        if self.slugs is not None:
            where.append(f"{release}.slug IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(sorted(self.slugs)))
        if self.speakers is not None:
            people = "(SELECT value FROM json_each(?))"
            where.append(
                f"{quote}.speaker IN {people}"
                if quote
                else f"{release}.id IN (SELECT release FROM quotes WHERE speaker IN {people})"
            )
            params.append(json.dumps(sorted(self.speakers)))
        return "".join(f" AND {w}" for w in where), params

    def release_ok(self, doc: Document) -> bool:
        return (
            (not self.since or doc.date >= self.since)
            and (not self.until or (doc.date != "" and doc.date <= self.until))
            and (self.slugs is None or doc.slug in self.slugs)
        )


def _fts_releases(
    store: Store, node: q.Node, filters: _Filters, limit: int, snippets: int
) -> tuple[list[Hit], bool]:
    assert store.db is not None
    where, params = filters.sql("r", None)
    weights = ", ".join(str(w) for w in WEIGHTS)
    rows = store.db.execute(
        f"SELECT r.id, r.slug, r.date, r.headline, bm25(release_text, {weights}) AS score "
        f"FROM release_text JOIN releases r ON r.id = release_text.rowid "
        f"WHERE release_text MATCH ?{where} ORDER BY score, r.date DESC LIMIT ?",
        [q.to_fts(node), *params, limit + 1],
    ).fetchall()
    hits = []
    for number, (_rowid, slug, date, headline, score) in enumerate(rows[:limit]):
        # The index keeps no text (store.py): the snippet comes from the files.
        snippet = (
            _snippet_from_files(store.root, slug, store.names, node) if number < snippets else None
        )
        hits.append(Hit(slug, headline, date, -score, snippet))
    return hits, len(rows) > limit


def _fts_latest(
    store: Store, node: q.Node, filters: _Filters, limit: int, snippets: int
) -> tuple[list[Hit], bool]:
    """Matches in the order they were indexed, newest first: SQLite walks the words'
    lists backwards and stops at ``limit`` (a slug made by newsroom starts with its
    date, so a rebuilt index holds the releases in date order; one edited since
    comes first). Prefixes are expanded to the index's words when it can."""
    assert store.db is not None
    where, params = filters.sql("r", None)
    rows = store.db.execute(
        f"SELECT r.slug, r.date, r.headline "
        f"FROM release_text JOIN releases r ON r.id = release_text.rowid "
        f"WHERE release_text MATCH ?{where} ORDER BY release_text.rowid DESC LIMIT ?",
        [q.to_fts(node, store.expand), *params, limit + 1],
    ).fetchall()
    hits = [
        Hit(
            slug,
            headline,
            date,
            0.0,
            _snippet_from_files(store.root, slug, store.names, node) if n < snippets else None,
        )
        for n, (slug, date, headline) in enumerate(rows[:limit])
    ]
    return hits, len(rows) > limit


def _snippet_from_files(
    root: str, slug: str, names: dict[str, str], node: q.Node
) -> Snippet | None:
    """The best excerpt of a release as its files are now (None if it cannot be read)."""
    doc, _ = read_folder(root, slug, names, 0)
    return best_snippet(node, doc.fields()) if doc is not None else None


QUOTE_CANDIDATES = 2000  # releases read at most to find a quote search's quotes


def _fts_quotes(
    store: Store, node: q.Node, filters: _Filters, limit: int
) -> tuple[list[QuoteHit], bool]:
    """Quotes, best first: the releases whose quotes column matches, ranked on it; in
    each (read from its files), the quotes that match on their own, in order."""
    assert store.db is not None
    where, params = filters.sql("r", None)
    quotes_only = ", ".join("1.0" if name == "quotes" else "0.0" for name in FIELDS)
    rows = store.db.execute(
        f"SELECT r.slug, bm25(release_text, {quotes_only}) AS score "
        f"FROM release_text JOIN releases r ON r.id = release_text.rowid "
        f"WHERE release_text MATCH ?{where} ORDER BY score, r.date DESC LIMIT ?",
        [f"{{quotes}} : ({q.to_fts(node)})", *params, QUOTE_CANDIDATES],
    ).fetchall()
    hits: list[QuoteHit] = []
    for slug, score in rows:
        doc, _ = read_folder(store.root, slug, store.names, 0)
        if doc is not None:
            hits.extend(_matching_quotes(doc, node, filters, -score))
        if len(hits) > limit:
            break
    return hits[:limit], len(hits) > limit or len(rows) == QUOTE_CANDIDATES


def _matching_quotes(doc: Document, node: q.Node, filters: _Filters, base: float) -> list[QuoteHit]:
    """The quotes of ``doc`` that match ``node`` on their own (name, role, words)."""
    found = []
    for quote in doc.quotes:
        if filters.speakers is not None and quote.speaker not in filters.speakers:
            continue
        if not q.matches(node, _words([quote.name, quote.role, quote.words])):
            continue
        spans = q.highlights(node, quote.words)
        score = base + len(spans) + 2 * len(q.highlights(node, quote.name))
        found.append(
            QuoteHit(
                doc.slug,
                doc.headline,
                doc.date,
                quote.id,
                quote.speaker,
                quote.name,
                quote.role,
                quote.words,
                score,
                spans,
            )
        )
    return found


def _scan(
    root: str, node: q.Node, filters: _Filters, quotes: bool, limit: int
) -> tuple[list[Hit] | list[QuoteHit], bool]:
    """Every release read and matched here: the search without FTS5."""
    from ..index.stamps import list_folders

    names = people_names(root)
    found: list[tuple[float, str, Any]] = []
    folders, links = list_folders(root)
    for slug in folders:
        if slug in links:
            continue
        doc, _ = read_folder(root, slug, names, 0)
        if doc is None or not filters.release_ok(doc):
            continue
        if quotes:
            for hit in _matching_quotes(doc, node, filters, 0.0):
                found.append((hit.score, doc.date, hit))
            continue
        if filters.speakers is not None and not any(
            quote.speaker in filters.speakers for quote in doc.quotes
        ):
            continue
        texts = doc.fields()
        if q.matches(node, _words(texts)):
            score = sum(
                FIELD_WEIGHTS[name] * len(q.highlights(node, text))
                for name, text in zip(FIELDS, texts, strict=True)
                if text
            )
            found.append(
                (
                    score,
                    doc.date,
                    Hit(doc.slug, doc.headline, doc.date, score, best_snippet(node, texts)),
                )
            )
    found.sort(key=lambda item: (-item[0], _descending(item[1])))
    return [hit for _, _, hit in found[:limit]], len(found) > limit


def _words(texts: list[str]) -> list[str]:
    """The folded words of several fields, an empty word between them (no phrase spans two)."""
    words: list[str] = []
    for text in texts:
        words.extend(q.tokens(text))
        words.append("")
    return words


def _descending(day: str) -> tuple[int, ...]:
    return tuple(-ord(c) for c in day)

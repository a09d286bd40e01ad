"""Full-text search in the library screen, and finding the words in an opened release.

The library's filter box has two modes, switched with ctrl+f: the quick
filter (headline, slug, speakers; in memory) and the archive's full-text
search (newsroom/search). ``SearchMode`` is the search side of the screen:
each keystroke starts a query in a thread worker (exclusive: a newer one
cancels the older, and results for text no longer in the box are dropped).

A keystroke is answered twice. First the latest matches (newest first, a
millisecond or two however big the archive), then the same words ranked best
first, which costs what the matches cost: a tenth of a second or more when
most of 100,000 releases match. A newer keystroke interrupts the ranking, so
while someone types they see matches at once, and the best ones when they
pause. Each hit's snippet is on a second line, cut only for the rows the
table draws (the first screenful in the worker, the rest as they scroll
into view).
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from rich.text import Text
from textual.message import Message
from textual.widgets import Input, Static, TextArea
from textual.widgets.text_area import Selection
from textual.worker import get_current_worker

from ...model import REFERENCE_PATTERN
from ...search import Archive, Hit, Interrupted, QueryError, Results, Snippet
from ...search import query as q
from ..text import one_line
from ..widgets.release_table import ReleaseTable
from .library_rows import Row


class LibraryHost(Protocol):
    """What SearchMode uses of the library screen (library.py)."""

    rows: list[Row]

    @property
    def app(self) -> Any: ...

    @property
    def library(self) -> Any: ...

    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    def run_worker(self, work: Any, **options: Any) -> Any: ...

    def call_after_refresh(self, callback: Any) -> bool: ...

    def post_message(self, message: Message) -> bool: ...

    def say(self, text: str, *, lasting: bool = False) -> None: ...

    def refill(self, keep: str | None = None, *, top: bool = False) -> None: ...


FILTER_PLACEHOLDER = "Type to filter by headline, slug or speaker…"
SEARCH_PLACEHOLDER = 'Search every release: words, "phrases", park*, AND, OR, NOT…'
SEARCH_TITLE = "Full-text search (ctrl+f: back to the filter)"
# Hits fetched a keystroke: a dozen screenfuls. Ranking costs what the matches
# cost, not the limit; the limit bounds the rows and the snippets cut.
SEARCH_LIMIT = 200
MATCH_STYLE = "bold reverse"
RECENT = 32  # searches whose results are kept for a backspace
FIELD_NAMES = {
    "headline": "Headline",
    "standfirst": "Standfirst",
    "body": "Body",
    "quotes": "Quote",
    "captions": "Caption",
    "notes": "Notes",
}


RANKING = "The latest matches first; ranking them…"
# How long the UI thread may spend finding the latest matches (a millisecond or
# two when the index's words are loaded) before leaving them to the worker.
QUICK_WITHIN = 0.010


@dataclass
class Searched(Message, bubble=False):
    """A search finished: its text and its results or error; ``ranked`` is False for
    the latest matches shown while the ranking is worked out, and the first
    ``pending`` hits' snippets are being cut in the worker (``SnippetsCut``)."""

    text: str
    results: Results | None
    error: str | None
    ranked: bool = True
    pending: int = 0


@dataclass
class SnippetsCut(Message, bubble=False):
    """The worker has cut the snippets of the hits shown for ``text``."""

    text: str


PENDING = Text("…", style="dim")  # a snippet the worker is cutting


class SearchRow:
    """A hit as the table shows it: the library's row, and its snippet on a second
    line (``detail``), cut from the release's files the first time it is drawn."""

    __slots__ = ("row", "hit", "_cut", "_detail", "pending")

    def __init__(
        self, row: Row, hit: Hit, cut: Callable[[Hit], Snippet], *, pending: bool = False
    ) -> None:
        self.row, self.hit, self._cut = row, hit, cut
        self._detail: Text | None = None
        self.pending = pending  # the worker cuts this one's snippet: do not, here

    def __getattr__(self, name: str) -> Any:  # slug, status, headline...: the row's
        return getattr(self.row, name)

    @property
    def detail(self) -> Text:
        if self._detail is None:
            if self.pending and self.hit.snippet is None:
                return PENDING
            self._detail = snippet_text(self._cut(self.hit))
        return self._detail


def snippet_text(snippet: Snippet) -> Text:
    where = FIELD_NAMES.get(snippet.field, snippet.field.capitalize())
    return marked(one_line(snippet.text, 10_000), snippet.spans, f"{where}: ")


class SearchMode:
    """What the library screen knows and does in full-text search mode."""

    def __init__(self, screen: LibraryHost) -> None:
        self.screen = screen
        self.on = False
        self.archive: Archive | None = None
        self.results: Results | None = None
        self.rows: list[SearchRow] = []
        self.said_notice = False
        self._by_slug: dict[str, Row] | None = None
        self.ranked = False  # the results shown are ranked (not the latest matches first)
        self._shown: tuple[str, bool] | None = None  # the text shown, and whether ranked
        # The last searches' results by query, until the index is next refreshed:
        # a backspace goes back to a query already ranked.
        self._recent: dict[str, Results] = {}

    @property
    def box(self) -> Input:
        return self.screen.query_one("#filter", Input)

    def loaded(self) -> None:
        """The library's rows were read again."""
        self._by_slug = None
        if self.on:
            self.start(refresh=True)  # the files changed: so may the results

    def toggle(self) -> None:
        self.on = not self.on
        box = self.box
        box.placeholder = SEARCH_PLACEHOLDER if self.on else FILTER_PLACEHOLDER
        box.border_title = SEARCH_TITLE if self.on else None
        box.set_class(self.on, "searching")
        self.results, self.rows = None, []
        self.screen.query_one(ReleaseTable).set_detail("detail" if self.on else None)
        box.focus()
        if self.on:
            self.start(refresh=True)  # brings the index up to date once
        else:
            self.screen.say("")
            self.screen.refill()

    def start(self, refresh: bool) -> None:
        """Search for what the box holds: at once if that is quick (an answer already
        ranked, or the latest matches), and the rest in a worker (the last keystroke
        wins)."""
        screen = self.screen
        if screen.library is None:
            return
        text, root = self.box.value, screen.library.root
        if self.archive is not None:
            self.archive.interrupt()  # the last keystroke's query: its answer is stale
        table = screen.query_one(ReleaseTable)
        visible = max(10, table.size.height // 2 + 1)  # two lines a hit
        shown = None if refresh else self._answer_now(text, visible)
        if shown is True:
            return
        latest = shown if isinstance(shown, Results) else None

        def run() -> None:
            if text != self.box.value:
                return  # typed on before this frame was painted
            screen.run_worker(
                lambda: self._run(root, text, refresh, visible, latest_shown=latest),
                thread=True,
                exclusive=True,
                group="library-search",
            )

        if latest is not None:
            # The latest matches go out in the next frame: the worker starts once it
            # is painted, since its Python (the snippets) would slow the painting.
            screen.call_after_refresh(run)
        else:
            run()

    def _answer_now(self, text: str, visible: int) -> Results | bool:
        """On the UI thread, show what can be shown before the next frame: True when
        that is all (an empty box, an error, a search already ranked, no match),
        the latest matches when the ranking (and their snippets) are still to come,
        or False when the index is busy or slow to answer: the worker does it all.

        Shown in the same frame as the keystroke's letter. A worker's answer comes
        a frame later, and Textual's next frame after an idle one waits up to two
        frame periods: that is what the keystroke budget lost. The snippets (a
        release read each) are left to the worker for the same reason."""
        archive = self.archive
        if archive is None:
            return False
        if not text.strip():
            self.searched(Searched(text, None, None))
            return True
        meant = q.as_you_type(text)
        ranked = self._recent.get(meant)
        if ranked is not None:
            self.searched(Searched(text, ranked, None))
            return True
        try:
            latest = archive.search(
                meant,
                refresh=False,
                limit=SEARCH_LIMIT,
                snippets=0,
                order="latest",
                within=QUICK_WITHIN,
            )
        except Interrupted:
            return False
        except QueryError as error:
            self.searched(Searched(text, None, str(error)))
            return True
        if not latest.hits:
            self.searched(Searched(text, latest, None))
            return True
        self.searched(Searched(text, latest, None, ranked=False, pending=visible))
        return latest

    def _run(
        self,
        root: os.PathLike[str] | str,
        text: str,
        refresh: bool,
        visible: int,
        *,
        latest_shown: Results | None = None,
    ) -> None:
        """In the worker: (refresh the index and) search, the latest matches first
        unless they are shown already, and then ranked, cutting the snippets of the
        rows on screen for each."""
        if self.archive is None:
            self.archive = Archive(root)
        archive = self.archive
        if refresh:
            archive.refresh()
            self._recent = {}
        if not text.strip():
            self.screen.post_message(Searched(text, None, None))
        else:
            try:
                self._search(archive, text, visible, latest_shown)
            except Interrupted:
                return  # a newer keystroke's search is on its way
            except QueryError as error:
                self.screen.post_message(Searched(text, None, str(error)))
        if refresh:
            # Now the screen has its answer: the words of the index, so the next
            # keystrokes' prefixes find the latest matches at once (see Store.expand),
            # and one quick search, so the first keystroke's is not the first.
            archive.load_vocabulary()
            with contextlib.suppress(Interrupted, QueryError):
                archive.search("newsroom", refresh=False, limit=1, snippets=0, order="latest")
            rows = self.screen.rows  # the hits' rows by slug: 20 ms at 100,000
            by_slug = {row.slug: row for row in rows}
            if self.screen.rows is rows:  # not read again meanwhile
                self._by_slug = by_slug
            # Kept till the next load, like the rows: out of the collector's full
            # passes too (library_rows.settle_heap; unfrozen at the next load).
            gc.freeze()

    def _search(
        self, archive: Archive, text: str, visible: int, latest_shown: Results | None
    ) -> None:
        meant = q.as_you_type(text)
        worker = get_current_worker()
        cut: dict[str, Snippet] = {}  # by slug: the latest's snippets serve the ranked

        def with_snippets(results: Results) -> bool:
            for hit in results.hits[:visible]:
                if worker.is_cancelled:
                    return False
                if isinstance(hit, Hit) and results.terms is not None:
                    hit.snippet = hit.snippet or cut.get(hit.slug)
                    cut[hit.slug] = archive.snippet(hit, results.terms)
            return True

        if latest_shown is not None:  # shown with their snippets to come: cut them
            if not with_snippets(latest_shown):
                return
            self.screen.post_message(SnippetsCut(text))
        ranked = self._recent.get(meant)
        if ranked is None and latest_shown is None and archive.mode == "fts5":
            latest = archive.search(
                meant, refresh=False, limit=SEARCH_LIMIT, snippets=0, order="latest"
            )
            if not with_snippets(latest):
                return
            if not latest.hits:  # nothing to rank
                self.screen.post_message(Searched(text, latest, None))
                return
            self.screen.post_message(Searched(text, latest, None, ranked=False))
        if ranked is None:
            ranked = archive.search(meant, refresh=False, limit=SEARCH_LIMIT, snippets=0)
            if len(self._recent) >= RECENT:
                self._recent.pop(next(iter(self._recent)))
            self._recent[meant] = ranked
        if with_snippets(ranked):
            self.screen.post_message(Searched(text, ranked, None))

    def searched(self, message: Searched) -> None:
        """On the UI thread: show a search's hits, unless the box has moved on."""
        screen = self.screen
        if not self.on or message.text != self.box.value:
            return  # typed on since: a newer search is on its way
        if not message.ranked and self._shown == (message.text, True):
            return  # an older keystroke's latest matches, after these words' ranking
        self._shown = (message.text, message.ranked)
        self.ranked = message.ranked
        results = self.results = message.results
        # The ranking replaces the latest matches: the cursor goes to the best hit,
        # unless it was moved to another release meanwhile (then it stays on that).
        top = message.ranked and screen.query_one(ReleaseTable).cursor_index == 0
        self.rows = self._rows(results, message.pending)
        if results is not None and results.notice and not self.said_notice:
            self.said_notice = True
            screen.app.notify(results.notice, timeout=8)
        screen.refill(top=top)
        if message.error:
            screen.say(message.error)
        elif results is not None and not results.hits:
            screen.say("No release has those words.")
        elif not message.ranked:
            screen.say(RANKING)
        elif results is not None:
            more = f"the best {len(results.hits)} shown" if results.more else ""
            found = f"{len(results.hits)} found" if not results.more else more
            screen.say(f"{found}; enter opens one at its words.")

    def table_rows(self) -> Sequence[Row | SearchRow]:
        """The rows of the hits, best first (every row for an empty box)."""
        if self.results is None:
            return self.screen.rows if not self.box.value.strip() else []
        return self.rows

    def snippets_cut(self, message: SnippetsCut) -> None:
        """On the UI thread: draw the snippets the worker has cut."""
        if self.on and message.text == self.box.value:
            self.screen.query_one(ReleaseTable).refresh_details()

    def _rows(self, results: Results | None, pending: int = 0) -> list[SearchRow]:
        if results is None:
            return []
        if self._by_slug is None:
            self._by_slug = {row.slug: row for row in self.screen.rows}
        rows = []
        for hit in results.hits:
            if not isinstance(hit, Hit):
                continue
            row = self._by_slug.get(hit.slug)
            if row is None:  # not listed yet (the list reloads in its own time)
                row = Row(hit.slug, "", hit.date, one_line(hit.headline), "", "")
            rows.append(SearchRow(row, hit, self._cut, pending=len(rows) < pending))
        return rows

    def _cut(self, hit: Hit) -> Snippet:
        """A hit's snippet, on the UI thread when it scrolls into view (one release read)."""
        if self.archive is None or self.results is None or self.results.terms is None:
            return hit.snippet or Snippet("headline", hit.headline, [])
        return self.archive.snippet(hit, self.results.terms)

    def opened(self, editor: Any) -> None:
        """A hit was opened: on the editor's first refresh, put the cursor on the words."""
        results = self.results
        if self.on and results is not None and results.terms is not None:
            editor.call_after_refresh(show_match, editor, results.terms)


def marked(text: str, spans: list[tuple[int, int]], prefix: str = "") -> Text:
    """``text`` (untrusted: never markup) with the matching words styled."""
    out = Text(prefix + text, no_wrap=True, overflow="ellipsis")
    for start, end in spans:
        out.stylize(MATCH_STYLE, len(prefix) + start, len(prefix) + end)
    return out


# ---------------------------------------------------------------------------
# In the editor: put the cursor on the words that matched


def show_match(editor: Any, node: q.Node) -> str | None:
    """Select the first matching words of the body in the editor, or the reference
    line of the first matching quote (its words shown with the matches styled).
    Returns what was found ("body", "quote") or None."""
    release = editor.release
    if release is None:
        return None
    body = editor.query_one("#body", TextArea)
    text = body.text
    spans = q.highlights(node, text)
    if spans:
        start, end = spans[0]
        body.focus()
        body.selection = Selection(_location(text, start), _location(text, end))
        body.scroll_cursor_visible(center=True)
        return "body"
    for quote in release.quotes:
        spans = q.highlights(node, quote.text)
        if not spans:
            continue
        for row, line in enumerate(text.split("\n")):
            found = REFERENCE_PATTERN.match(line)
            if found and found.group(1) == "quote" and found.group(2) == quote.id:
                body.focus()
                body.selection = Selection((row, 0), (row, len(line)))
                body.scroll_cursor_visible(center=True)
                break
        message = marked(
            " ".join(quote.text.split()), _flat_spans(quote.text, spans), f"Quote {quote.id}: "
        )
        message.no_wrap = False
        editor.query_one("#editor-message", Static).update(message)
        return "quote"
    return None


def _location(text: str, offset: int) -> tuple[int, int]:
    row = text.count("\n", 0, offset)
    column = offset - (text.rfind("\n", 0, offset) + 1)
    return row, column


def _flat_spans(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The spans in ``" ".join(text.split())``."""
    where, out, gap = [], 0, False
    stripped_start = len(text) - len(text.lstrip())
    for index, char in enumerate(text):
        if index < stripped_start:
            where.append(0)
            continue
        if char.isspace():
            where.append(out)
            gap = True
            continue
        if gap:
            out += 1
            gap = False
        where.append(out)
        out += 1
    where.append(out)
    return [(where[s], where[e - 1] + 1) for s, e in spans]

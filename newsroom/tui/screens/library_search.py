"""Full-text search in the library screen, and finding the words in an opened release.

The library's filter box has two modes, switched with ctrl+f: the quick
filter (headline, slug, speakers; in memory) and the archive's full-text
search (newsroom/search). ``SearchMode`` is the search side of the screen:
each keystroke starts a query in a thread worker (exclusive: a newer one
cancels the older, and results for text no longer in the box are dropped),
the hits are shown best first with each one's snippet on a second line, and
the snippets are cut only for the rows the table draws (the first screenful
in the worker, the rest as they scroll into view).
"""

from __future__ import annotations

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

    def post_message(self, message: Message) -> bool: ...

    def say(self, text: str, *, lasting: bool = False) -> None: ...

    def refill(self, keep: str | None = None) -> None: ...


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


@dataclass
class Searched(Message, bubble=False):
    """A search finished in the worker: its text and its results or error."""

    text: str
    results: Results | None
    error: str | None


class SearchRow:
    """A hit as the table shows it: the library's row, and its snippet on a second
    line (``detail``), cut from the release's files the first time it is drawn."""

    __slots__ = ("row", "hit", "_cut", "_detail")

    def __init__(self, row: Row, hit: Hit, cut: Callable[[Hit], Snippet]) -> None:
        self.row, self.hit, self._cut = row, hit, cut
        self._detail: Text | None = None

    def __getattr__(self, name: str) -> Any:  # slug, status, headline...: the row's
        return getattr(self.row, name)

    @property
    def detail(self) -> Text:
        if self._detail is None:
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
        """Search for what the box holds, in a worker (the last keystroke wins)."""
        screen = self.screen
        if screen.library is None:
            return
        text, root = self.box.value, screen.library.root
        if self.archive is not None:
            self.archive.interrupt()  # the last keystroke's query: its answer is stale
        table = screen.query_one(ReleaseTable)
        visible = max(10, table.size.height // 2 + 4)  # two lines a hit, and a margin
        screen.run_worker(
            lambda: self._run(root, text, refresh, visible),
            thread=True,
            exclusive=True,
            group="library-search",
        )

    def _run(self, root: os.PathLike[str] | str, text: str, refresh: bool, visible: int) -> None:
        """In the worker: (refresh the index and) search, and cut the first snippets."""
        if self.archive is None:
            self.archive = Archive(root)
        if refresh:
            self.archive.refresh()
            self._recent = {}
        message = Searched(text, None, None)
        if text.strip():
            meant = q.as_you_type(text)
            try:
                results = self._recent.get(meant) or self.archive.search(
                    meant, refresh=False, limit=SEARCH_LIMIT, snippets=0
                )
            except Interrupted:
                return  # a newer keystroke's search is on its way
            except QueryError as error:
                message = Searched(text, None, str(error))
            else:
                if len(self._recent) >= RECENT:
                    self._recent.pop(next(iter(self._recent)))
                self._recent[meant] = results
                message = Searched(text, results, None)
                worker = get_current_worker()
                for hit in results.hits[:visible]:
                    if worker.is_cancelled:
                        return
                    if isinstance(hit, Hit) and results.terms is not None:
                        self.archive.snippet(hit, results.terms)
        self.screen.post_message(message)

    def searched(self, message: Searched) -> None:
        """On the UI thread: show a search's hits, unless the box has moved on."""
        screen = self.screen
        if not self.on or message.text != self.box.value:
            return  # typed on since: a newer search is on its way
        results = self.results = message.results
        self.rows = self._rows(results)
        if results is not None and results.notice and not self.said_notice:
            self.said_notice = True
            screen.app.notify(results.notice, timeout=8)
        screen.refill()
        if message.error:
            screen.say(message.error)
        elif results is not None and not results.hits:
            screen.say("No release has those words.")
        elif results is not None:
            more = f"the best {len(results.hits)} shown" if results.more else ""
            found = f"{len(results.hits)} found" if not results.more else more
            screen.say(f"{found}; enter opens one at its words.")

    def table_rows(self) -> Sequence[Row | SearchRow]:
        """The rows of the hits, best first (every row for an empty box)."""
        if self.results is None:
            return self.screen.rows if not self.box.value.strip() else []
        return self.rows

    def _rows(self, results: Results | None) -> list[SearchRow]:
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
            rows.append(SearchRow(row, hit, self._cut))
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

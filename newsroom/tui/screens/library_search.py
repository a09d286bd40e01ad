"""Full-text search in the library screen, and finding the words in an opened release.

The library's filter box has two modes, switched with ctrl+f: the quick
filter (headline, slug, speakers; in memory) and the archive's full-text
search (newsroom/search, run in a thread worker so typing never waits).
This module holds the search side; library.py wires it to the box.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.message import Message
from textual.widgets import Input, Static, TextArea
from textual.widgets.text_area import Selection

from ...model import REFERENCE_PATTERN
from ...search import Archive, Hit, QueryError, Results
from ...search import query as q
from ..text import one_line

FILTER_PLACEHOLDER = "Type to filter by headline, slug or speaker…"
SEARCH_PLACEHOLDER = 'Search every release: words, "phrases", park*, AND, OR, NOT…'
SEARCH_TITLE = "Full-text search (ctrl+f: back to the filter)"
SEARCH_LIMIT = 500
MATCH_STYLE = "bold reverse"


@dataclass
class Searched(Message, bubble=False):
    """A search finished in the worker: its text and its results or error."""

    text: str
    results: Results | None
    error: str | None


@dataclass
class SearchState:
    """What the library screen knows about its search mode."""

    on: bool = False
    archive: Archive | None = None
    results: Results | None = None
    said_notice: bool = False

    def hits_by_slug(self) -> dict[str, Hit]:
        if self.results is None:
            return {}
        return {hit.slug: hit for hit in self.results.hits if isinstance(hit, Hit)}

    def run(self, root, text: str, refresh: bool) -> Searched:
        """In a worker thread: (refresh the index and) search."""
        if self.archive is None:
            self.archive = Archive(root)
        if refresh:
            self.archive.refresh()
        if not text.strip():
            return Searched(text, None, None)
        try:
            return Searched(
                text, self.archive.search(text, refresh=False, limit=SEARCH_LIMIT, snippets=0), None
            )
        except QueryError as error:
            return Searched(text, None, str(error))


def marked(text: str, spans: list[tuple[int, int]], prefix: str = "") -> Text:
    """``text`` (untrusted: never markup) with the matching words styled."""
    out = Text(prefix + text, no_wrap=True, overflow="ellipsis")
    for start, end in spans:
        out.stylize(MATCH_STYLE, len(prefix) + start, len(prefix) + end)
    return out


def snippet_line(state: SearchState, hit: Hit) -> Text:
    snippet = hit.snippet
    if (
        snippet is None
        and state.archive is not None
        and state.results is not None
        and state.results.terms is not None
    ):
        snippet = state.archive.snippet(hit, state.results.terms)  # one row, on demand
    if snippet is None:
        return Text(one_line(hit.headline))
    where = {
        "headline": "Headline",
        "standfirst": "Standfirst",
        "body": "Body",
        "quotes": "Quote",
        "captions": "Caption",
        "notes": "Notes",
    }[snippet.field]
    return marked(one_line(snippet.text, 10_000), snippet.spans, f"{where}: ")


def set_mode(input_box: Input, on: bool) -> None:
    input_box.placeholder = SEARCH_PLACEHOLDER if on else FILTER_PLACEHOLDER
    input_box.border_title = SEARCH_TITLE if on else None
    input_box.set_class(on, "searching")


# ---------------------------------------------------------------------------
# In the editor: put the cursor on the words that matched


def show_match(editor, node: q.Node) -> str | None:
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

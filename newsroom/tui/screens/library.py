"""The library: every release in a table, filtered as you type.

The rows are library_rows.py's, the commands on a release library_actions.py's,
the full-text search mode library_search.py's.
"""

from __future__ import annotations

import gc
import threading
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Key
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Input

from ..footer import NewsroomFooter, RankedFooter
from ..status import StatusLine
from ..text import one_line
from ..widgets.release_table import Column, ReleaseTable
from . import library_search
from .library_actions import LibraryActions
from .library_palette import LibraryPalette
from .library_rows import FREEZE_FROM, Row, settle_heap

__all__ = ["FREEZE_FROM", "LibraryScreen", "Row", "settle_heap"]


class LibraryScreen(LibraryActions, LibraryPalette, RankedFooter, Screen):
    """Enter opens; n d x e act on the selected release; typing filters."""

    BINDINGS = [
        Binding("enter", "open", "Open", show=True),
        Binding("n", "new", "New"),
        Binding("d", "duplicate", "Duplicate"),
        Binding("x", "spike", "Spike"),
        Binding("e", "export", "Export"),
        Binding("i", "import", "Import"),
        # Not t and l: typing "lido" or "transport" in the table must filter.
        Binding("ctrl+r", "send", "Send"),
        Binding("f8", "press_list", "Press", tooltip="The press list (press.toml)"),
        # Not a letter: typing letters in the table filters ("helen").
        Binding("f7", "history", "History", show=False),  # in F1 and the palette
        Binding("slash", "filter", "Filter", show=False),  # typing filters anyway
        # Not a letter either: letters typed in the table go to the box.
        Binding(
            "ctrl+f",
            "toggle_search",
            "Search",
            priority=True,
            tooltip="Switch the box between the quick filter and full-text search",
        ),
        Binding("escape", "clear_filter", "Clear filter", show=False),
        Binding("f5", "reload", "Reload", show=False),
        # F-keys, not letters: a letter typed in the table starts the filter.
        Binding("f4", "app.people", "People"),
        Binding("f9", "app.settings", "Settings"),
    ]

    @dataclass
    class Loaded(Message, bubble=False):
        """The rows read by the loading worker, for this screen only."""

        rows: list[Row]

    def __init__(self) -> None:
        super().__init__(id="library")
        self.rows: list[Row] = []
        # What the table shows: the filter it was made for and its rows, so
        # typing one more letter narrows the last result instead of everything.
        self._shown: tuple[str, list[Row]] | None = None
        # Set while focus is on its way from the table to the filter: focus
        # moves on the next idle, and keys typed before then (a fast typist,
        # a paste) still belong to the filter, command letters included.
        self._filter_focus_pending = False
        self.search = library_search.SearchMode(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder=library_search.FILTER_PLACEHOLDER, id="filter", select_on_focus=False
        )
        yield ReleaseTable(id="releases")
        yield StatusLine(id="library-message")
        yield NewsroomFooter()

    def on_mount(self) -> None:
        self.sub_title = self.app.drafts_path.name
        self._ui_thread = threading.get_ident()
        table = self.query_one(ReleaseTable)
        self._columns_for = 0
        self._setup_columns()
        table.focus()
        if self.app.open_error is not None:
            self.say(str(self.app.open_error), lasting=True)  # nothing works until fixed
        # Rows are loaded on ScreenResume, which also follows the first mount.

    def _setup_columns(self) -> None:
        width = self.app.size.width
        if width == self._columns_for:
            return
        self._columns_for = width
        speakers = 28 if width >= 110 else 16
        # The headline takes whatever the other columns leave (each column has a
        # blank cell either side, the scrollbar takes two and the focus bar one).
        headline = max(20, width - (10 + 10 + speakers + 10) - 13)
        self.query_one(ReleaseTable).set_columns(
            [
                Column("status", "Status", 10),
                Column("date", "Date", 10),
                Column("headline", "Headline", headline),
                Column("speakers", "Speakers", speakers),
                Column("approvals", "Approvals", 10),
            ]
        )

    def on_resize(self) -> None:
        if self._columns_for and self.app.size.width != self._columns_for:
            self._setup_columns()
            self.refill()

    def on_screen_resume(self) -> None:
        if self.app.library is not None:
            self.load_rows()

    @property
    def library(self):
        return self.app.library

    # -- loading (off the UI thread) ---------------------------------------

    @work(thread=True, exclusive=True, group="library-load")
    def load_rows(self) -> None:
        self.post_message(self.Loaded(self.read_rows()))

    def read_rows(self) -> list[Row]:
        # The index caches each release's row by file stamps: 10,000 releases
        # list in about the time it takes to stat them.
        from ...index.listing import listing as list_rows
        from ...index.reader import INVALID, summary

        library = self.library
        needed = library.settings.rules.approvals_required
        rows: list[Row] = []
        try:
            listing = list_rows(library.root)
            summaries = listing.dicts()
        except Exception as error:  # a broken cache must not stop the library opening
            self.say_soon(f"Library index unusable: {error}")
            summaries = []
            for slug in library.slugs():
                try:
                    summaries.append(summary(library.load(slug), library, 0))
                except Exception as failure:
                    summaries.append({"slug": slug, "status": INVALID, "error": str(failure)})
        for item in summaries:
            slug = item.get("slug", "?")
            if item.get("error") is not None or item.get("status") == INVALID:
                error = str(item.get("error", "cannot be read"))
                rows.append(Row(slug, "error", "", f"cannot read: {error}", "", "", error=error))
                continue
            rows.append(
                Row(
                    slug=slug,
                    status=str(item.get("status", "")),
                    date=str(item.get("date") or ""),
                    headline=one_line(str(item.get("headline") or "")) or "(no headline)",
                    speakers=", ".join(one_line(str(name)) for name in item.get("speakers", [])),
                    approvals=f"{item.get('approvals', 0)}/{needed}",
                )
            )
        return rows

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        self._shown = None
        self.refill()
        self.search.loaded()
        if len(self.rows) >= FREEZE_FROM:
            settle_heap()

    def on_unmount(self) -> None:
        gc.unfreeze()  # what settle_heap froze can be collected again

    def matching(self, needle: str) -> list[Row]:
        """The rows whose headline, slug or speakers contain ``needle`` (casefolded)."""
        if not needle:
            return self.rows
        pool = self.rows
        if self._shown is not None and self._shown[0] and needle.startswith(self._shown[0]):
            pool = self._shown[1]  # a longer needle only ever matches fewer rows
        return [row for row in pool if needle in row.haystack]

    def refill(self, keep: str | None = None, *, top: bool = False) -> None:
        needle = self.query_one("#filter", Input).value.casefold().strip()
        if self.search.on:
            shown, self._shown = self.search.table_rows(), None
        else:
            shown = self.matching(needle)
            self._shown = (needle, shown)
        # The cursor stays on the selected release while it is still shown.
        self.query_one(ReleaseTable).replace_rows(shown, keep=keep, top=top)

    def selected_row(self) -> Row | None:
        return self.query_one(ReleaseTable).current_row

    def selected_slug(self) -> str | None:
        row = self.selected_row()
        return row.slug if row else None

    def say_soon(self, text: str) -> None:
        """``say`` from either thread."""
        if getattr(self, "_ui_thread", None) == threading.get_ident():
            self.say(text)
        else:
            self.app.call_from_thread(self.say, text)

    def say(self, text: str | Text, *, lasting: bool = False) -> None:
        self.query_one("#library-message", StatusLine).say(text, lasting=lasting)

    # -- filtering -----------------------------------------------------------

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if self.search.on:
            self.search.start(refresh=False)
        else:
            self.refill()

    # -- full-text search (library_search.py) ----------------------------------

    def action_toggle_search(self) -> None:
        self.search.toggle()

    @on(library_search.Searched)
    def _searched(self, message: library_search.Searched) -> None:
        self.search.searched(message)

    @on(library_search.SnippetsCut)
    def _snippets_cut(self, message: library_search.SnippetsCut) -> None:
        self.search.snippets_cut(message)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        self.query_one(ReleaseTable).focus()

    def on_key(self, event: Key) -> None:
        # Typing in the table filters, except the keys that are commands.
        table = self.query_one(ReleaseTable)
        if self.focused is not table or not event.is_printable or not event.character:
            return
        pending = self._filter_focus_pending
        if not pending and event.character in {"n", "d", "x", "e", "i", "/", " "}:
            return
        filter_input = self.query_one("#filter", Input)
        filter_input.insert_text_at_cursor(event.character)
        if not pending:
            self._filter_focus_pending = True
            filter_input.focus()
            self.call_after_refresh(self._filter_focus_landed)
        event.stop()
        event.prevent_default()

    def _filter_focus_landed(self) -> None:
        self._filter_focus_pending = False

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one(ReleaseTable).focus()

    def action_reload(self) -> None:
        error = self.app.reload_settings()
        if error:
            self.say(f"{error} (the settings in use are unchanged)")
        self.load_rows()

    def library_changed(self) -> None:
        """Settings or people changed: statuses and approvals may read differently."""
        if self.is_current:
            self.load_rows()

    # -- actions ---------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in {"open", "duplicate", "spike", "export", "history", "send"}:
            row = self.selected_row() if self.is_mounted else None
            if row is None or row.error:
                return False
            if action == "spike" and row.status == "spiked":
                return False
        if action in {"new", "import"} and self.library is None:
            return False
        return True

    @on(ReleaseTable.Selected)
    def _row_selected(self, event: ReleaseTable.Selected) -> None:
        self.action_open()

    @on(ReleaseTable.Highlighted)
    def _row_highlighted(self, event: ReleaseTable.Highlighted) -> None:
        row = self.selected_row()
        if not self.search.on:  # (in search mode the snippets are in the table)
            self.say(row.error if row and row.error else self._sent_state(row))
        # The footer recomposes on every refresh: only when what is allowed changes.
        state = (row is None, bool(row and row.error), bool(row and row.status == "spiked"))
        if state != getattr(self, "_binding_state", None):
            self._binding_state = state
            self.refresh_bindings()

    def action_open(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if row.error:
            self.say(row.error)
            return
        self.app.open_release(row.slug)
        self.search.opened(self.app.screen)

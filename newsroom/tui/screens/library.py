"""The library: every release in a table, filtered as you type."""

from __future__ import annotations

import copy
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

from ...bundle import BundleError
from ...model import Release, slug_problem, slugify
from ..commands import Command
from ..footer import NewsroomFooter, RankedFooter
from ..status import StatusLine
from ..text import one_line
from ..widgets.release_table import Column, ReleaseTable
from . import library_search
from .form import Field, FormDialog, Values


@dataclass
class Row:
    slug: str
    status: str
    date: str
    headline: str
    speakers: str
    approvals: str
    error: str = ""

    def __post_init__(self) -> None:
        # Worked out once per row, not once per row per keystroke.
        self.haystack = f"{self.headline}\n{self.slug}\n{self.speakers}".casefold()


# Libraries at least this large have their rows frozen out of the garbage
# collector's passes once they are loaded (see settle_heap).
FREEZE_FROM = 1000


def settle_heap() -> None:
    """Collect garbage once, then leave everything alive out of later full passes.

    A full pass of the garbage collector visits every object: at 10,000 rows
    that is tens of milliseconds, and one comes
    every dozen or so filter keystrokes, landing on one of them. The rows live
    until the next load, so once they are in place they are frozen (moved to
    the collector's permanent generation, ``gc.freeze``); the young passes
    between keystrokes were never slowed by them. What was frozen at the last
    load is unfrozen first and collected now, at a load the user is waiting
    for anyway, so nothing (a closed editor screen, the old rows) stays frozen
    once it is garbage; the screen unfreezes everything when it goes.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class LibraryScreen(RankedFooter, Screen):
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

    def palette(self) -> list[Command]:
        from .library_palette import commands

        return commands(self)

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
        self.search = library_search.SearchState()

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
        from ... import index

        library = self.library
        needed = library.settings.rules.approvals_required
        rows: list[Row] = []
        try:
            listing = index.listing(library.root)
            summaries = listing.dicts()
        except Exception as error:  # a broken cache must not stop the library opening
            self.say_soon(f"Library index unusable: {error}")
            summaries = []
            for slug in library.slugs():
                try:
                    summaries.append(index.summary(library.load(slug), library, 0))
                except Exception as failure:
                    summaries.append({"slug": slug, "status": index.INVALID, "error": str(failure)})
        for item in summaries:
            slug = item.get("slug", "?")
            if item.get("error") is not None or item.get("status") == index.INVALID:
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

    def release_of(self, row: Row) -> Release | None:
        """The full release behind a row, read now (the table holds summaries only)."""
        # On the UI thread on purpose: one small bundle, and the dialog it feeds
        # must be in front before the next key, or letters typed for it would
        # run the library's one-letter commands.
        try:
            return self.library.load(row.slug)
        except BundleError as error:
            self.say(str(error))
            return None

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        self._shown = None
        self.refill()
        if self.search.on:
            self._start_search(refresh=True)  # the files changed: so may the results
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

    def refill(self, keep: str | None = None) -> None:
        needle = self.query_one("#filter", Input).value.casefold().strip()
        if self.search.on:
            shown, self._shown = self._search_rows(), None
        else:
            shown = self.matching(needle)
            self._shown = (needle, shown)
        # The cursor stays on the selected release while it is still shown.
        self.query_one(ReleaseTable).replace_rows(shown, keep=keep)

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
            self._start_search(refresh=False)
        else:
            self.refill()

    # -- full-text search (library_search.py) ----------------------------------

    def action_toggle_search(self) -> None:
        self.search.on = not self.search.on
        filter_input = self.query_one("#filter", Input)
        library_search.set_mode(filter_input, self.search.on)
        self.search.results = None
        filter_input.focus()
        if self.search.on:
            self._start_search(refresh=True)  # brings the index up to date once
        else:
            self.say("")
            self.refill()

    def _start_search(self, refresh: bool) -> None:
        if self.library is not None:
            self._search_worker(self.query_one("#filter", Input).value, refresh)

    @work(thread=True, exclusive=True, group="library-search")
    def _search_worker(self, text: str, refresh: bool) -> None:
        self.post_message(self.search.run(self.library.root, text, refresh))

    @on(library_search.Searched)
    def _searched(self, message: library_search.Searched) -> None:
        if not self.search.on or message.text != self.query_one("#filter", Input).value:
            return  # typed on since: a newer search is on its way
        self.search.results = message.results
        results = message.results
        if results is not None and results.notice and not self.search.said_notice:
            self.search.said_notice = True
            self.app.notify(results.notice, timeout=8)
        self.refill()
        if message.error:
            self.say(message.error)
        elif results is not None and not results.hits:
            self.say("No release has those words.")
        else:
            self._show_snippet()

    def _search_rows(self) -> list[Row]:
        """The rows of the search's hits, best first (every row for an empty search)."""
        if self.search.results is None:
            return self.rows if not self.query_one("#filter", Input).value.strip() else []
        by_slug = getattr(self, "_by_slug", {})
        rows = []
        for hit in self.search.results.hits:
            row = by_slug.get(hit.slug)
            if row is None:  # not listed yet (the list reloads in its own time)
                row = by_slug[hit.slug] = Row(
                    hit.slug, "", hit.date, one_line(hit.headline), "", ""
                )
            rows.append(row)
        return rows

    def _show_snippet(self) -> None:
        row = self.selected_row()
        hit = self.search.hits_by_slug().get(row.slug) if row is not None else None
        if hit is not None:
            self.say(library_search.snippet_line(self.search, hit), lasting=True)

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
        if self.search.on:
            if self.search.results is not None:
                self._show_snippet()
            # else: a query that could not run; its message stays
        else:
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
        results = self.search.results
        if self.search.on and results is not None and results.terms is not None:
            # On the editor's first refresh its body is there: put the cursor on the words.
            editor, terms = self.app.screen, results.terms
            editor.call_after_refresh(library_search.show_match, editor, terms)

    def _slug_form(self, title: str, headline: str, slug: str, ok: str) -> FormDialog:
        proposed = {"slug": slug}

        def follow(form: FormDialog, name: str, values: Values) -> None:
            # The slug follows the headline until someone edits it by hand.
            if name == "headline" and values["slug"] == proposed["slug"]:
                proposed["slug"] = slugify(values["headline"], prefix=self.app.today().isoformat())
                form.set_value("slug", proposed["slug"])

        def validate(values: Values) -> str | None:
            if not values["headline"].strip():
                return "A release needs a headline."
            problem = slug_problem(values["slug"])
            if problem:
                return problem
            if self.library.exists(values["slug"]):
                return f"A release called {values['slug']!r} already exists."
            return None

        return FormDialog(
            title,
            [
                Field("headline", "Headline", headline),
                Field("slug", "Slug (the folder name)", slug),
            ],
            validate=validate,
            on_change=follow,
            ok_label=ok,
            id="slug-form",
        )

    def action_new(self) -> None:
        slug = slugify("", prefix=self.app.today().isoformat())

        def created(values: Values | None) -> None:
            if not values:
                return
            try:
                self.library.create(
                    values["slug"], values["headline"].strip(), today=self.app.today()
                )
            except BundleError as error:
                self.say(str(error))
                return
            self._commit_new(values["slug"])
            # Straight to writing: the body, or the headline if none was given.
            self.app.open_release(values["slug"], cursor="auto")

        self.app.push_screen(self._slug_form("New release", "", slug, "Create"), created)

    def action_duplicate(self) -> None:
        row = self.selected_row()
        source = self.release_of(row) if row is not None and not row.error else None
        if source is None:
            return
        slug = slugify(source.headline, prefix=self.app.today().isoformat())
        if self.library.exists(slug):
            slug = f"{slug}-copy"[:80]

        def duplicated(values: Values | None) -> None:
            if not values:
                return
            release = copy.deepcopy(source)
            release.slug = values["slug"]
            release.headline = values["headline"].strip()
            release.created = self.app.today()
            # A copy starts afresh: nobody has cleared or approved it.
            release.approvals, release.clearances, release.history = [], [], []
            release.waivers = []
            try:
                self.library.save(release)
                self.library.copy_media(source.slug, release.slug)
            except (BundleError, OSError) as error:
                self.say(str(error))
                return
            self.say(f"Duplicated as {release.slug}.")
            self._commit_new(release.slug)
            self.load_rows()

        form = self._slug_form("Duplicate release", source.headline, slug, "Duplicate")
        self.app.push_screen(form, duplicated)

    def people_options(self) -> list[tuple[str, str]]:
        return [
            (one_line(p.name) or pid, pid)
            for pid, p in sorted(
                self.library.people.items(), key=lambda item: item[1].name.casefold()
            )
        ]

    def action_spike(self) -> None:
        row = self.selected_row()
        release = self.release_of(row) if row is not None and not row.error else None
        if release is None:
            return
        if self.app.user not in self.library.people:
            self.say(
                "Not spiked: newsroom does not know who you are (set NEWSROOM_USER, "
                "or restart to say)."
            )
            return

        def spiked(values: Values | None) -> None:
            if not values:
                return
            from ... import workflow

            try:
                fresh = self.library.load(release.slug)
                workflow.spike(
                    fresh, self.library, self.app.user, values["note"].strip(), now=self.app.clock()
                )
            except (BundleError, workflow.WorkflowError) as error:
                self.say(f"Not spiked: {error}")
                return
            self.say(f"Spiked {release.slug}.")
            self.load_rows()
            from ..gitcommit import commit_in_background

            event = fresh.history[-1]
            commit_in_background(self.app, release.slug, event.action, event.digest)

        def validate(values: Values) -> str | None:
            return None if values["note"].strip() else "Say why it is spiked."

        self.app.push_screen(
            FormDialog(
                f"Spike “{one_line(release.headline, 60)}”?",
                [Field("note", "Why (kept in the release's history)")],
                validate=validate,
                ok_label="Spike",
                id="spike-form",
            ),
            spiked,
        )

    def action_export(self) -> None:
        row = self.selected_row()
        release = self.release_of(row) if row is not None and not row.error else None
        if release is None:
            return
        from .export_dialog import ExportDialog

        self.app.push_screen(ExportDialog(release), lambda note: note and self.say(note))

    def _commit_new(self, slug: str) -> None:
        """Commit a new release ("Start SLUG") only with [git] commit_on_save = true."""
        from ..gitcommit import commit_in_background

        commit_in_background(self.app, slug, "create", save=True)

    def _sent_state(self, row: Row | None) -> str:
        """'Sent 12, queued 3 Dec 09:00' from the release's ledger, when it has one."""
        if row is None or not (self.library.root / row.slug / "sent.toml").exists():
            return ""
        from ...sending.ledger import summary

        state = summary(self.library.root / row.slug)
        return f"Press list: {state}" if state else ""

    def action_send(self) -> None:
        row = self.selected_row()
        if row is None or row.error:
            return
        from .send_dialog import SendDialog

        def sent(note: str | None) -> None:
            self.load_rows()
            if note:
                self.say(note)

        self.app.push_screen(SendDialog(row.slug), sent)

    def action_press_list(self) -> None:
        from .press_screen import PressScreen

        self.app.push_screen(PressScreen())

    def action_history(self) -> None:
        row = self.selected_row()
        if row is None or row.error:
            return
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen(row.slug))

    def action_import(self) -> None:
        from .import_screen import ImportScreen

        def imported(slug: str | None) -> None:
            if slug:
                self.load_rows()
                self.app.open_release(slug)

        self.app.push_screen(ImportScreen(), imported)

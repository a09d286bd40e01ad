"""History of one release: who did what, and which version (digest) they signed off.

Loaded in a thread worker through git.history.release_history, which merges the
release's own events and approvals with its commits when the library is in a
git work tree. Without one, only the events are shown and nothing mentions
commits. Names, notes and commit subjects are untrusted: shown as literal Text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ..commands import Command
from ..text import literal, one_line

WHAT = {
    "submit": "submitted",
    "clear": "cleared",
    "approve": "approved",
    "request-changes": "requested changes",
    "spike": "spiked",
    "unspike": "restored",
    "publish": "published",
    "waive": "waived a check",
    "create": "started",
    "save": "saved",
}


def short_digest(digest: str) -> str:
    return digest.removeprefix("sha256:")[:12]


def version_label(entry) -> str:
    """Short digest and whether it is still the release's content now."""
    if not entry.digest:
        return ""
    state = {True: "current", False: "earlier"}.get(entry.current, "")
    return f"{short_digest(entry.digest)} {state}".rstrip()


class HistoryScreen(Screen):
    """Escape goes back; the highlighted row's details show underneath."""

    DEFAULT_CSS = """
    HistoryScreen #history-table { height: 1fr; }
    HistoryScreen #history-title { text-style: bold; padding: 0 1; }
    HistoryScreen #history-summary, HistoryScreen #history-detail { padding: 0 1; }
    HistoryScreen #history-detail { height: auto; max-height: 8; border-top: solid $primary; }
    """
    BINDINGS = [
        Binding("escape,q", "close", "Back"),
        Binding("f5", "reload", "Reload"),
    ]

    @dataclass
    class Loaded(Message, bubble=False):
        """The history worker's result, for this screen only."""

        entries: list | None
        current: str
        error: str = ""
        headline: str = ""

    def __init__(self, slug: str) -> None:
        super().__init__(id="history")
        self.slug = slug
        self.entries: list = []
        self.loaded = False

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(literal(f"History of {self.slug}"), id="history-title")
        yield Static("Loading…", id="history-summary")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="history-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def palette(self) -> list[Command]:
        return [
            Command("Reload history", "Read the release's history again", self.action_reload),
            Command("Close history", "Back to where you were", self.action_close),
        ]

    def action_close(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def load(self) -> None:
        self.loaded = False
        self._load(self.library, self.slug)

    @work(thread=True, exclusive=True, group="history")
    def _load(self, library, slug: str) -> None:
        from ...digest import release_digest
        from ...errors import BundleError
        from ...git.history import release_history

        try:
            release = library.load(slug)
            entries = release_history(library, slug, release)
            current = release_digest(release, library)
        except (BundleError, OSError) as error:
            self.post_message(self.Loaded(None, "", str(error)))
            return
        except Exception as error:  # noqa: BLE001 - show it, never crash the app
            self.post_message(self.Loaded(None, "", f"could not read the history: {error}"))
            return
        self.post_message(self.Loaded(entries, current, headline=release.headline))

    def _when(self, at: datetime) -> str:
        from zoneinfo import ZoneInfo

        try:
            zone = ZoneInfo(self.library.settings.timezone)
        except Exception:  # noqa: BLE001 - a bad zone name: show UTC rather than nothing
            zone = None
        if at.tzinfo is not None and zone is not None:
            at = at.astimezone(zone)
        return at.strftime("%Y-%m-%d %H:%M")

    @on(Loaded)
    def _show(self, message: Loaded) -> None:
        message.stop()
        self.loaded = True
        summary = self.query_one("#history-summary", Static)
        table = self.query_one("#history-table", DataTable)
        table.clear(columns=True)
        if message.entries is None:
            summary.update(literal(f"Cannot show the history: {message.error}"))
            self.entries = []
            return
        self.entries = entries = message.entries
        if message.headline.strip():
            self.query_one("#history-title", Static).update(
                literal(f"History of {self.slug} – {one_line(message.headline)}")
            )
        committed = any(e.commit for e in entries)
        columns = ["When", "Who", "Action", "Version", "Note"]
        if committed:
            columns.insert(4, "Commit")
        table.add_columns(*columns)
        for index, entry in enumerate(entries):
            row = [
                self._when(entry.at),
                literal(one_line(entry.name or entry.by, 28) or "–"),
                literal(entry.action),
                self._version_cell(entry),
                literal(one_line(self._note(entry), 60)),
            ]
            if committed:
                row.insert(4, entry.short_commit)
            table.add_row(*row, key=str(index))
        summary.update(self._summary(entries, message.current))
        if entries:
            table.move_cursor(row=len(entries) - 1)
            self._detail(len(entries) - 1)
        else:
            self.query_one("#history-detail", Static).update("")

    @staticmethod
    def _version_cell(entry) -> Text:
        label = version_label(entry)
        style = "green" if entry.current else ("yellow" if entry.current is False else "")
        return Text(label, style=style)

    @staticmethod
    def _note(entry) -> str:
        note = entry.note or (entry.subject if entry.source == "commit" else "")
        quote = entry.extra.get("quote")
        if quote:
            note = f"quote {quote}" + (f": {note}" if note else "")
        return note

    def _summary(self, entries: list, current: str) -> Text:
        """Digest now, and who approved which version: the question people ask."""
        text = Text(f"Version now: {short_digest(current)}")
        approvals: dict[tuple[str, str], object] = {}
        for entry in entries:
            if entry.action == "approve" and entry.digest:
                approvals[(entry.by or entry.name, entry.digest)] = entry
        if not entries:
            text.append(" · No history yet.")
        elif not approvals:
            text.append(" · Not approved yet.")
        else:
            text.append(" · Approved by ")
            for number, entry in enumerate(approvals.values()):
                if number:
                    text.append("; ")
                text.append(one_line(entry.name or entry.by))
                state = {True: "current", False: "an earlier version"}.get(entry.current, "")
                text.append(f" ({short_digest(entry.digest)}" + (f", {state})" if state else ")"))
        return text

    @on(DataTable.RowHighlighted, "#history-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is not None and event.row_key.value is not None:
            self._detail(int(event.row_key.value))

    def _detail(self, index: int) -> None:
        if not 0 <= index < len(self.entries):
            return
        entry = self.entries[index]
        lines = [
            f"{self._when(entry.at)}  {WHAT.get(entry.action, entry.action)}"
            + (f" by {one_line(entry.name or entry.by)}" if (entry.name or entry.by) else "")
        ]
        if entry.digest:
            state = {True: " (the current version)", False: " (an earlier version)"}.get(
                entry.current, ""
            )
            lines.append(f"Version: {entry.digest}{state}")
        if entry.commit:
            lines.append(
                f"Commit {entry.short_commit} by {one_line(entry.author)}: "
                f"{one_line(entry.subject)}"
            )
            if entry.approved_by:
                lines.append(f"Approved-by: {one_line(entry.approved_by)}")
            if entry.recorded_by:
                lines.append(f"Recorded-by: {one_line(entry.recorded_by)}")
        if entry.extra.get("recorded_by"):
            lines.append(one_line(entry.recorded_note()).capitalize())
        note = self._note(entry)
        if note:
            lines.append(f"Note: {one_line(note)}")
        self.query_one("#history-detail", Static).update(literal("\n".join(lines)))

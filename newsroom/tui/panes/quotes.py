"""Quotes pane: the release's quotes; new, edit, delete, place in the body."""

from __future__ import annotations

from collections.abc import Callable
from inspect import isawaitable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label

from ...model import Quote, Release
from ..messages import Notice, ReleaseEdited
from ..screens.form import Field, FormDialog, Values
from ..text import literal, one_line
from .placed import delete_placed


def clearance_state(release: Release, quote: Quote, library) -> str:
    """cleared / stale / not cleared: a clearance counts only for the exact words."""
    from ... import digest, signoff

    helper = getattr(signoff, "clearance_state", None)
    if helper is not None:
        try:
            return str(helper(release, quote, library))
        except Exception:
            pass
    mine = [c for c in release.clearances if c.quote == quote.id]
    if not mine:
        return "not cleared"
    current = digest.quote_digest(quote, library.people)
    if any(c.digest == current and c.by == quote.speaker for c in mine):
        return "cleared"
    return "stale"


def quote_form(title: str, quote: Quote, library) -> FormDialog:
    people = [
        (one_line(p.name) or pid, pid)
        for pid, p in sorted(library.people.items(), key=lambda item: item[1].name.casefold())
    ]

    def validate(values: Values) -> str | None:
        if not values["text"].strip():
            return "A quote needs words."
        after = values.get("attribution_after", "").strip()
        if after and not after.isdigit():
            return "Attribution after paragraph: a paragraph number, or empty for the end."
        return None

    shown = {"speaker": quote.speaker}

    def follow(form: FormDialog, name: str, values: Values) -> None:
        # A new speaker brings their role as it stands today; it stays editable.
        # (Select reports its first value on mount too: that is no change.)
        if name != "speaker" or values["speaker"] == shown["speaker"]:
            return
        shown["speaker"] = values["speaker"]
        person = library.people.get(values["speaker"])
        form.set_value("role", person.role if person else "")

    return FormDialog(
        title,
        [
            Field(
                "speaker",
                "Speaker (from the people directory)",
                quote.speaker,
                kind="select",
                options=people,
                placeholder="Choose the speaker…",
            ),
            Field("role", "Speaker's role as it stood when quoted", quote.role),
            Field(
                "intro",
                "Introduction ({name}, {role}, {organisation} are filled in)",
                quote.intro or library.settings.default_intro,
            ),
            Field(
                "text",
                "Words (blank line between paragraphs; no quotation marks)",
                quote.text,
                kind="text",
            ),
            Field(
                "attribution",
                "Attribution after the words, e.g. said {name}, {role}. (empty: none)",
                quote.attribution,
            ),
            Field(
                "attribution_after",
                "…placed after paragraph (empty: after the last; the next paragraph carries on)",
                str(quote.attribution_after or ""),
            ),
        ],
        validate=validate,
        on_change=follow,
        id="quote-form",
    )


class QuotesPane(Vertical):
    BINDINGS = [
        Binding("n", "new", "New quote"),
        Binding("e", "edit", "Edit quote"),
        Binding("delete", "delete", "Delete quote"),
        Binding("c", "clear", "Mark cleared"),
    ]

    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release

    def compose(self) -> ComposeResult:
        yield Label(
            "Quotes — n new · e or enter edit · delete · c mark cleared · "
            "ctrl+k place at body cursor",
            classes="pane-title",
        )
        yield DataTable(id="quote-table", cursor_type="row")
        with Horizontal(classes="buttons"):
            yield Button("New", id="quote-new")
            yield Button("Edit", id="quote-edit")
            yield Button("Delete", id="quote-delete")
            yield Button("Place at cursor", id="quote-insert")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("ID", key="id", width=12)
        table.add_column("Speaker", key="speaker", width=22)
        table.add_column("First words", key="words")
        table.add_column("Clearance", key="clearance", width=12)
        self.refresh_from(self.release)

    @property
    def library(self):
        return self.app.library

    def focus_first(self) -> None:
        self.query_one(DataTable).focus()

    def refresh_from(self, release: Release) -> None:
        self.release = release
        table = self.query_one(DataTable)
        keep = self.selected_id()
        table.clear()
        for quote in release.quotes:
            person = self.library.people.get(quote.speaker)
            name = person.name if person else (quote.speaker or "—")
            table.add_row(
                literal(quote.id),
                literal(one_line(name)),
                literal(one_line(quote.text, 56)),
                clearance_state(release, quote, self.library),
                key=quote.id,
            )
        if keep and release.quote(keep):
            table.move_cursor(row=table.get_row_index(keep))

    def selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def select(self, quote_id: str) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(quote_id))

    # -- actions ---------------------------------------------------------------

    def new_quote(self, then: Callable[[str], None] | None = None) -> None:
        draft = Quote(id=self.release.next_quote_id())

        def created(values: Values | None) -> None:
            if not values:
                return
            self._apply(draft, values)
            self.release.quotes.append(draft)
            self.post_message(ReleaseEdited("quotes"))
            self.refresh_from(self.release)
            self.select(draft.id)
            if then is not None:
                then(draft.id)

        self.app.push_screen(quote_form(f"New quote {draft.id}", draft, self.library), created)

    def _apply(self, quote: Quote, values: Values) -> None:
        speaker = values["speaker"]
        quote.role = values["role"].strip()
        if speaker != quote.speaker and not quote.role:
            person = self.library.people.get(speaker)
            # The role is copied as it stands today; the directory may move on.
            quote.role = person.role if person else ""
        quote.speaker = speaker
        quote.intro = values["intro"].strip()
        quote.text = values["text"].strip("\n")
        quote.attribution = values.get("attribution", "").strip()
        after = values.get("attribution_after", "").strip()
        quote.attribution_after = int(after) if after.isdigit() else 0

    async def action_clear(self) -> None:
        """The speaker OK'd the words: record it (the approval pane does the work)."""
        approval = await self.screen.pane("approval")
        approval.record_clearance(self.selected_id())

    def action_new(self) -> None:
        self.new_quote()

    def action_edit(self) -> None:
        quote = self.release.quote(self.selected_id() or "")
        if quote is None:
            return

        def edited(values: Values | None) -> None:
            if values:
                self._apply(quote, values)
                self.post_message(ReleaseEdited("quotes"))
                self.refresh_from(self.release)

        self.app.push_screen(quote_form(f"Edit quote {quote.id}", quote, self.library), edited)

    def action_delete(self) -> None:
        quote = self.release.quote(self.selected_id() or "")
        if quote is None:
            return

        def remove() -> None:
            self.release.quotes.remove(quote)
            self.release.clearances = [c for c in self.release.clearances if c.quote != quote.id]
            self.post_message(ReleaseEdited("quotes"))
            self.post_message(Notice(f"Deleted quote {quote.id}."))
            self.refresh_from(self.release)

        delete_placed(self, self.release, "quote", quote.id, remove)

    @on(DataTable.RowSelected, "#quote-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "quote-new": self.action_new,
            "quote-edit": self.action_edit,
            "quote-delete": self.action_delete,
            "quote-insert": self.screen.action_insert_quote,
        }
        action = actions.get(event.button.id or "")
        if action:
            result = action()
            if isawaitable(result):  # inserting may first mount the quotes pane
                await result

"""Captions, in the details pane: new, edit, delete, place in the body (ctrl+g)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label

from ...model import Caption, Release
from ..messages import Notice, ReleaseEdited
from ..screens.form import Field, FormDialog, Values
from ..text import literal, one_line
from .placed import delete_placed


def next_caption_id(release: Release) -> str:
    taken = {c.id for c in release.captions}
    number = len(release.captions) + 1
    while f"c{number}" in taken:
        number += 1
    return f"c{number}"


def caption_form(title: str, caption: Caption) -> FormDialog:
    def validate(values: Values) -> str | None:
        if not values["text"].strip():
            return "A caption needs words."
        return None

    return FormDialog(
        title,
        [
            Field("text", "Caption (who and what the photo shows)", caption.text),
            Field("credit", "Credit (who took the photo or owns it)", caption.credit),
            Field("file", "Picture file or web address (optional)", caption.file),
        ],
        validate=validate,
        id="caption-form",
    )


class CaptionsPane(Vertical):
    """The release's captions: a table and its keys (part of the details pane)."""

    BINDINGS = [
        Binding("n", "new", "New caption"),
        Binding("e", "edit", "Edit caption"),
        Binding("delete", "delete", "Delete caption"),
    ]

    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release

    def compose(self) -> ComposeResult:
        yield Label(
            "Captions — n new · e or enter edit · delete · ctrl+g place at body cursor",
            classes="field-label",
        )
        yield DataTable(id="caption-table", cursor_type="row", classes="details-table")
        with Horizontal(classes="buttons"):
            yield Button("New", id="caption-new")
            yield Button("Edit", id="caption-edit")
            yield Button("Delete", id="caption-delete")
            yield Button("Place at cursor", id="caption-insert")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("ID", key="id", width=8)
        table.add_column("Caption", key="text")
        table.add_column("Credit", key="credit", width=22)
        self.refresh_from(self.release)

    def refresh_from(self, release: Release) -> None:
        self.release = release
        table = self.query_one(DataTable)
        keep = self.selected_id()
        table.clear()
        for caption in release.captions:
            table.add_row(
                literal(caption.id),
                literal(one_line(caption.text, 60)),
                literal(one_line(caption.credit, 22)),
                key=caption.id,
            )
        if keep and release.caption(keep):
            self.select(keep)

    def selected_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def select(self, caption_id: str) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(caption_id))

    def _changed(self, note: str = "") -> None:
        self.post_message(ReleaseEdited("captions"))
        if note:
            self.post_message(Notice(note))
        self.refresh_from(self.release)

    # -- actions ---------------------------------------------------------------

    def new_caption(self, then: Callable[[str], None] | None = None) -> None:
        draft = Caption(id=next_caption_id(self.release))

        def created(values: Values | None) -> None:
            if not values:
                return
            _apply(draft, values)
            self.release.captions.append(draft)
            self._changed()
            self.select(draft.id)
            if then is not None:
                then(draft.id)

        self.app.push_screen(caption_form(f"New caption {draft.id}", draft), created)

    def action_new(self) -> None:
        self.new_caption()

    def action_edit(self) -> None:
        caption = self.release.caption(self.selected_id() or "")
        if caption is None:
            return

        def edited(values: Values | None) -> None:
            if values:
                _apply(caption, values)
                self._changed()

        self.app.push_screen(caption_form(f"Edit caption {caption.id}", caption), edited)

    def action_delete(self) -> None:
        caption = self.release.caption(self.selected_id() or "")
        if caption is None:
            return

        def remove() -> None:
            self.release.captions.remove(caption)
            self._changed(f"Deleted caption {caption.id}.")

        delete_placed(self, self.release, "caption", caption.id, remove)

    @on(DataTable.RowSelected, "#caption-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    @on(Button.Pressed)
    async def _button(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "caption-insert":
            await self.screen.action_insert_caption()
            return
        actions = {
            "caption-new": self.action_new,
            "caption-edit": self.action_edit,
            "caption-delete": self.action_delete,
        }
        action = actions.get(event.button.id or "")
        if action:
            action()


def _apply(caption: Caption, values: Values) -> None:
    # A caption is one line when published: inner whitespace as typed, ends trimmed.
    caption.text = values["text"].strip()
    caption.credit = values["credit"].strip()
    caption.file = values["file"].strip()

"""Notes to editors, in the details pane: add, edit, move up or down, remove."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label

from ...model import Release
from ..messages import Notice, ReleaseEdited
from ..screens.form import Field, FormDialog, Values
from ..text import literal, one_line


def note_form(title: str, text: str) -> FormDialog:
    def validate(values: Values) -> str | None:
        return None if values["text"].strip() else "A note needs words."

    return FormDialog(
        title,
        [Field("text", "Note (one paragraph)", text, kind="text")],
        validate=validate,
        id="note-form",
    )


class NotesPane(Vertical):
    """The numbered notes to editors: a table and its keys (part of the details pane)."""

    BINDINGS = [
        Binding("a", "add", "Add note"),
        Binding("e", "edit", "Edit note"),
        Binding("delete", "remove", "Remove note"),
        Binding("shift+up", "move(-1)", "Move note up"),
        Binding("shift+down", "move(1)", "Move note down"),
    ]

    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release

    def compose(self) -> ComposeResult:
        yield Label(
            "Notes to editors — a add · e or enter edit · shift+↑/↓ move · delete remove",
            classes="field-label",
        )
        yield DataTable(id="note-table", cursor_type="row", classes="details-table")
        with Horizontal(classes="buttons"):
            yield Button("Add", id="note-add")
            yield Button("Edit", id="note-edit")
            yield Button("Up", id="note-up")
            yield Button("Down", id="note-down")
            yield Button("Remove", id="note-remove")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("№", key="number", width=3)
        table.add_column("Note", key="text")
        self.refresh_from(self.release)

    def refresh_from(self, release: Release, row: int | None = None) -> None:
        self.release = release
        table = self.query_one(DataTable)
        keep = table.cursor_row if row is None else row
        table.clear()
        for number, note in enumerate(release.notes_to_editors, start=1):
            table.add_row(str(number), literal(one_line(note, 200)), key=str(number))
        if table.row_count:
            table.move_cursor(row=max(0, min(keep, table.row_count - 1)))

    def selected(self) -> int | None:
        table = self.query_one(DataTable)
        return table.cursor_row if table.row_count else None

    def _changed(self, row: int, note: str = "") -> None:
        self.post_message(ReleaseEdited("notes"))
        if note:
            self.post_message(Notice(note))
        self.refresh_from(self.release, row)

    # -- actions ---------------------------------------------------------------

    def action_add(self) -> None:
        notes = self.release.notes_to_editors
        # After the selected note, or at the end.
        selected = self.selected()
        at = len(notes) if selected is None else selected + 1

        def added(values: Values | None) -> None:
            if values:
                notes.insert(at, _tidy(values["text"]))
                self._changed(at)

        self.app.push_screen(note_form(f"New note to editors ({at + 1})", ""), added)

    def action_edit(self) -> None:
        index = self.selected()
        if index is None:
            return
        notes = self.release.notes_to_editors

        def edited(values: Values | None) -> None:
            if values and _tidy(values["text"]) != notes[index]:
                notes[index] = _tidy(values["text"])
                self._changed(index)

        self.app.push_screen(note_form(f"Note to editors {index + 1}", notes[index]), edited)

    def action_remove(self) -> None:
        index = self.selected()
        if index is None:
            return
        del self.release.notes_to_editors[index]
        self._changed(index, f"Removed note {index + 1} to editors.")

    def action_move(self, step: int) -> None:
        index = self.selected()
        notes = self.release.notes_to_editors
        if index is None or not 0 <= index + step < len(notes):
            return
        notes[index], notes[index + step] = notes[index + step], notes[index]
        self._changed(index + step)

    @on(DataTable.RowSelected, "#note-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "note-add": self.action_add,
            "note-edit": self.action_edit,
            "note-remove": self.action_remove,
            "note-up": lambda: self.action_move(-1),
            "note-down": lambda: self.action_move(1),
        }
        action = actions.get(event.button.id or "")
        if action:
            action()


def _tidy(text: str) -> str:
    # A note is one paragraph when published: lines joined, as the export prints it.
    return " ".join(text.split())

"""People: the directory in ``people.toml`` — add, edit and remove a person.

Each change is written to people.toml at once (through tomlkit, so comments
survive) and never marks an open release as unsaved: the directory is not
part of the release. ``NewsroomApp.people_changed`` refreshes the editor.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ...errors import BundleError
from ...model import Person
from ..commands import Command
from ..text import literal, one_line
from .choice import ChoiceDialog
from .form import Values


class PeopleScreen(Screen):
    DEFAULT_CSS = """
    PeopleScreen #people-list { height: 1fr; }
    PeopleScreen #people-message { padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("e", "edit", "Edit"),
        Binding("delete,x", "remove", "Remove"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="people")

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="people-list", cursor_type="row")
        yield Static("", id="people-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = "newsroom"
        self.sub_title = "People (people.toml)"
        table = self.query_one("#people-list", DataTable)
        table.add_columns("Id", "Name", "Role", "Organisation", "Email", "Phone")
        self.fill()
        table.focus()

    def fill(self, keep: str | None = None) -> None:
        table = self.query_one("#people-list", DataTable)
        table.clear()
        for pid, person in sorted(
            self.library.people.items(), key=lambda item: item[1].name.casefold()
        ):
            table.add_row(
                literal(pid),
                literal(one_line(person.name)),
                literal(one_line(person.role)),
                literal(one_line(person.organisation)),
                literal(person.email),
                literal(person.phone),
                key=pid,
            )
        if keep is not None and keep in self.library.people:
            table.move_cursor(row=table.get_row_index(keep))

    def selected(self) -> str | None:
        table = self.query_one("#people-list", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def say(self, text: str) -> None:
        self.query_one("#people-message", Static).update(text)

    def _write(self, done: str, undo) -> bool:
        try:
            self.library.save_people()
        except BundleError as error:
            undo()
            self.say(f"people.toml not saved: {error}")
            return False
        self.say(done)
        self.app.people_changed()
        return True

    # -- actions -----------------------------------------------------------------

    def palette(self) -> list[Command]:
        return [
            Command("Add a person", "Saved to people.toml at once", self.action_add),
            Command("Edit the selected person", "Saved to people.toml at once", self.action_edit),
            Command("Remove the selected person", "Asks first", self.action_remove),
            Command("Close people", "Back to where you were", self.action_close),
        ]

    def action_add(self) -> None:
        from ..panes.attribution import person_form

        def added(values: Values | None) -> None:
            if not values:
                return
            person = Person(
                id=values["id"],
                name=values["name"].strip(),
                role=values["role"].strip(),
                organisation=values["organisation"].strip(),
                email=values["email"].strip(),
                phone=values["phone"].strip(),
            )
            self.library.people[person.id] = person
            if self._write(
                f"Added {person.name} to people.toml.",
                lambda: self.library.people.pop(person.id, None),
            ):
                self.fill(keep=person.id)

        self.app.push_screen(person_form("Add a person", None, self.library.people), added)

    def action_edit(self) -> None:
        from ..panes.attribution import person_form

        pid = self.selected()
        person = self.library.people.get(pid or "")
        if person is None:
            return

        def edited(values: Values | None) -> None:
            if not values:
                return
            before = Person(**vars(person))
            for key in ("name", "role", "organisation", "email", "phone"):
                setattr(person, key, values[key].strip())

            def undo() -> None:
                self.library.people[person.id] = before

            if self._write(f"Saved {person.name} to people.toml.", undo):
                self.fill(keep=person.id)

        self.app.push_screen(
            person_form(f"Edit {one_line(person.name)}", person, self.library.people), edited
        )

    def _quoted_in_open_release(self, pid: str) -> str:
        from .editor import EditorScreen

        for screen in self.app.screen_stack:
            release = getattr(screen, "release", None)
            if isinstance(screen, EditorScreen) and release is not None:
                if any(q.speaker == pid for q in release.quotes):
                    return release.slug
        return ""

    def action_remove(self) -> None:
        pid = self.selected()
        person = self.library.people.get(pid or "")
        if person is None:
            return
        slug = self._quoted_in_open_release(person.id)
        if slug:
            self.say(f"Not removed: {person.name} speaks a quote in {slug}, which is open.")
            return

        def answered(answer: str | None) -> None:
            if answer != "remove":
                return
            removed = self.library.people.pop(person.id)
            if self._write(
                f"Removed {removed.name} from people.toml.",
                lambda: self.library.people.__setitem__(removed.id, removed),
            ):
                self.fill()

        self.app.push_screen(
            ChoiceDialog(
                f"Remove {one_line(person.name)} ({person.id}) from people.toml? A release "
                "that quotes them will not open until they are added back.",
                [("remove", "Remove"), ("cancel", "Cancel")],
                id="remove-person",
            ),
            answered,
        )

    @on(DataTable.RowSelected, "#people-list")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_close(self) -> None:
        self.dismiss()

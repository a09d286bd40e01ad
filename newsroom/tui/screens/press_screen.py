"""The Press list screen: press.toml as a table; add, remove, opt out.

Writes go through ``newsroom.press`` (tomlkit), so comments in the file
survive. Names and outlets are shown as plain text, never as markup.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ... import press as press_module
from ...errors import BundleError
from ..commands import Command
from ..text import one_line
from .form import Field, FormDialog, Values


class PressScreen(Screen):
    """a add · delete remove · o opt out / back in · escape back."""

    BINDINGS = [
        Binding("a", "add", "Add"),
        Binding("o", "opt_out", "Opt out/in"),
        Binding("delete", "remove", "Remove"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self) -> None:
        super().__init__(id="press")
        self.press: press_module.PressList | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="contacts", cursor_type="row", zebra_stripes=True)
        yield Static("", id="press-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Press list"
        table = self.query_one(DataTable)
        table.add_columns("Email", "Name", "Outlet", "Tags", "Opted out")
        self.reload()
        table.focus()

    def say(self, text: str) -> None:
        self.query_one("#press-message", Static).update(text)

    def reload(self) -> None:
        library = self.app.library
        try:
            self.press = press_module.load(library.root, library.settings)
        except BundleError as error:
            self.press = None
            self.say(str(error))
            return
        table = self.query_one(DataTable)
        table.clear()
        for contact in self.press.contacts:
            table.add_row(
                *(
                    Text(one_line(value))
                    for value in (
                        contact.email,
                        contact.name,
                        contact.outlet,
                        ", ".join(contact.tags),
                        str(contact.opted_out or ""),
                    )
                ),
                key=contact.key,
            )
        count = len(self.press.contacts)
        note = (
            " (from newsroom.toml's press_list; saved to press.toml on the first change)"
            if self.press.migrated
            else ""
        )
        self.say(f"{count} contact{'s' if count != 1 else ''}{note}")

    def selected(self) -> press_module.Contact | None:
        table = self.query_one(DataTable)
        if self.press is None or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.press.find(key or "")

    def _save(self) -> bool:
        assert self.press is not None
        try:
            press_module.save(self.press)
        except (BundleError, OSError) as error:
            self.say(f"Not saved: {error}")
            return False
        return True

    def palette(self) -> list[Command]:
        return [
            Command("Add a contact", "A journalist: email, name, outlet, tags", self.action_add),
            Command(
                "Opt the contact out (or back in)",
                "Kept on the list, never sent to",
                self.action_opt_out,
            ),
            Command("Remove the contact", "Taken off press.toml altogether", self.action_remove),
            Command("Back", "Close the press list", self.action_back),
        ]

    def action_add(self) -> None:
        if self.press is None:
            return

        def contact_of(values: Values) -> press_module.Contact:
            return press_module.Contact(
                email=values["email"].strip(),
                name=values["name"].strip(),
                outlet=values["outlet"].strip(),
                tags=[t.strip() for t in values["tags"].split(",") if t.strip()],
            )

        def validate(values: Values) -> str | None:
            contact = contact_of(values)
            if self.press is not None and self.press.find(contact.email):
                return f"{contact.email} is already on the press list"
            return press_module.contact_problem(contact)

        def added(values: Values | None) -> None:
            if values is None or self.press is None:
                return
            press_module.add(self.press, contact_of(values))
            if self._save():
                self.reload()

        self.app.push_screen(
            FormDialog(
                "Add a contact to the press list",
                [
                    Field("email", "Email"),
                    Field("name", "Name"),
                    Field("outlet", "Outlet"),
                    Field("tags", "Tags (beats, areas), separated by commas"),
                ],
                validate=validate,
                ok_label="Add",
                id="press-add",
            ),
            added,
        )

    def action_opt_out(self) -> None:
        contact = self.selected()
        if contact is None:
            return
        contact.opted_out = None if contact.opted_out else date.today()
        if self._save():
            self.reload()

    def action_remove(self) -> None:
        contact = self.selected()
        if contact is None or self.press is None:
            return
        from .choice import ChoiceDialog

        def answered(answer: str | None) -> None:
            if answer == "remove" and self.press is not None:
                press_module.remove(self.press, contact.email)
                if self._save():
                    self.reload()

        self.app.push_screen(
            ChoiceDialog(
                f"Remove {contact.email}? (To stop sending but remember they asked, opt them "
                "out instead: o)",
                [("remove", "Remove"), ("cancel", "Cancel")],
            ),
            answered,
        )

    def action_back(self) -> None:
        self.app.pop_screen()

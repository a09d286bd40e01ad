"""Attribution pane: the people directory, and who speaks each quote."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Label, Select, Static

from ...errors import BundleError
from ...model import ID_PATTERN, Person, Release, slugify
from ..messages import Notice, ReleaseEdited
from ..screens.form import Field, FormDialog, Values
from ..text import literal, one_line


def person_form(title: str, person: Person | None, people: dict[str, Person]) -> FormDialog:
    is_new = person is None
    person = person or Person(id="", name="")
    proposed = {"id": person.id}

    def follow(form: FormDialog, name: str, values: Values) -> None:
        if is_new and name == "name" and values["id"] == proposed["id"]:
            proposed["id"] = slugify(values["name"]) if values["name"].strip() else ""
            form.set_value("id", proposed["id"])

    def validate(values: Values) -> str | None:
        if not values["name"].strip():
            return "A person needs a name."
        person_id = values.get("id", person.id)  # an edit has no id field
        if not ID_PATTERN.match(person_id):
            return "The id may hold letters, digits, - and _ (e.g. jane-doe)."
        if is_new and person_id in people:
            return f"Someone already has the id {values['id']!r}."
        return None

    fields = [Field("name", "Name", person.name)]
    if is_new:
        fields.append(Field("id", "Id (used in release files)", person.id))
    fields += [
        Field("role", "Role", person.role),
        Field("organisation", "Organisation", person.organisation),
        Field("email", "Email", person.email),
        Field("phone", "Phone", person.phone),
    ]
    return FormDialog(
        title, fields, validate=validate, on_change=follow, id="person-form", live=True
    )


class AttributionPane(Vertical):
    BINDINGS = [
        Binding("a", "add", "Add person"),
        Binding("e", "edit", "Edit person"),
        Binding("s", "set_speaker", "Make speaker"),
        Binding("r", "refresh_role", "Refresh role"),
    ]

    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release

    def compose(self) -> ComposeResult:
        yield Label(
            "People — a add · e edit · s make speaker of the quote below · "
            "r refresh the quote's role",
            classes="pane-title",
        )
        yield DataTable(id="people-table", cursor_type="row")
        with Horizontal(id="speaker-row"):
            yield Label("Quote:", classes="inline-label")
            yield Select([], id="quote-select", prompt="Choose a quote…", allow_blank=True)
        yield Static("", id="speaker-info", markup=False)
        with Horizontal(classes="buttons"):
            yield Button("Add person", id="person-add")
            yield Button("Edit person", id="person-edit")
            yield Button("Make speaker", id="person-speaker")
            yield Button("Refresh role", id="person-role")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Name", key="name", width=24)
        table.add_column("Role", key="role")
        table.add_column("Organisation", key="organisation", width=28)
        table.add_column("Contact", key="contact", width=30)
        self.refresh_from(self.release)

    @property
    def library(self):
        return self.app.library

    def focus_first(self) -> None:
        self.query_one(DataTable).focus()

    def refresh_from(self, release: Release) -> None:
        self.release = release
        table = self.query_one(DataTable)
        keep = self.selected_person_id()
        table.clear()
        for pid, person in sorted(
            self.library.people.items(), key=lambda item: item[1].name.casefold()
        ):
            contact = " · ".join(x for x in (person.email, person.phone) if x)
            table.add_row(
                literal(one_line(person.name)),
                literal(one_line(person.role)),
                literal(one_line(person.organisation)),
                literal(one_line(contact)),
                key=pid,
            )
        if keep in self.library.people:
            table.move_cursor(row=table.get_row_index(keep))
        select = self.query_one("#quote-select", Select)
        current = select.value
        # Quote words are untrusted: a Text label is never parsed as markup.
        options = [(literal(f"{q.id}: {one_line(q.text, 40)}"), q.id) for q in release.quotes]
        with select.prevent(Select.Changed):
            select.set_options(options)
            ids = [q.id for q in release.quotes]
            if current in ids:
                select.value = current
            elif ids:
                select.value = ids[0]
        self._show_speaker()

    def selected_person_id(self) -> str | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def selected_quote(self):
        value = self.query_one("#quote-select", Select).value
        return None if value is Select.NULL else self.release.quote(str(value))

    def _show_speaker(self) -> None:
        quote = self.selected_quote()
        info = self.query_one("#speaker-info", Static)
        if quote is None:
            info.update(
                "No quote chosen."
                if self.release.quotes
                else "This release has no quotes yet (F3 to add one)."
            )
            return
        person = self.library.people.get(quote.speaker)
        if person is None:
            info.update(f"Quote {quote.id} has no speaker yet.")
            return
        text = (
            f"Quote {quote.id}: {one_line(person.name)}, role on the release: "
            f"{one_line(quote.role) or '(none)'}"
        )
        if person.role != quote.role:
            text += f" — the directory now says {one_line(person.role) or '(none)'} (r refreshes)"
        info.update(text)

    @on(Select.Changed, "#quote-select")
    def _quote_chosen(self, event: Select.Changed) -> None:
        event.stop()
        self._show_speaker()

    # -- actions ---------------------------------------------------------------

    def _save_people(self, person: Person) -> None:
        self.library.people[person.id] = person
        try:
            self.library.save_people()
        except (BundleError, OSError) as error:
            self.post_message(Notice(f"people.toml not saved: {error}"))
            return
        self.post_message(Notice(f"Saved {person.name} to people.toml."))
        self.post_message(ReleaseEdited("people"))
        self.refresh_from(self.release)
        table = self.query_one(DataTable)
        table.move_cursor(row=table.get_row_index(person.id))

    def action_add(self) -> None:
        def added(values: Values | None) -> None:
            if values:
                self._save_people(
                    Person(
                        id=values["id"],
                        name=values["name"].strip(),
                        role=values["role"].strip(),
                        organisation=values["organisation"].strip(),
                        email=values["email"].strip(),
                        phone=values["phone"].strip(),
                    )
                )

        self.app.push_screen(person_form("Add a person", None, self.library.people), added)

    def action_edit(self) -> None:
        pid = self.selected_person_id()
        person = self.library.people.get(pid or "")
        if person is None:
            return

        def edited(values: Values | None) -> None:
            if values:
                person.name = values["name"].strip()
                person.role = values["role"].strip()
                person.organisation = values["organisation"].strip()
                person.email, person.phone = values["email"].strip(), values["phone"].strip()
                self._save_people(person)

        self.app.push_screen(
            person_form(f"Edit {one_line(person.name)}", person, self.library.people), edited
        )

    def action_set_speaker(self) -> None:
        quote = self.selected_quote()
        person = self.library.people.get(self.selected_person_id() or "")
        if quote is None or person is None:
            self.post_message(Notice("Choose a person in the table and a quote below."))
            return
        quote.speaker, quote.role = person.id, person.role
        self.post_message(ReleaseEdited("speaker"))
        self.post_message(Notice(f"{person.name} now speaks quote {quote.id}."))
        self._show_speaker()

    def action_refresh_role(self) -> None:
        quote = self.selected_quote()
        person = self.library.people.get(quote.speaker) if quote else None
        if quote is None or person is None:
            self.post_message(Notice("The chosen quote has no speaker to refresh from."))
            return
        if quote.role != person.role:
            quote.role = person.role
            self.post_message(ReleaseEdited("speaker"))
        self.post_message(Notice(f"Quote {quote.id}: role is now {person.role or '(none)'}."))
        self._show_speaker()

    @on(DataTable.RowSelected, "#people-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        actions = {
            "person-add": self.action_add,
            "person-edit": self.action_edit,
            "person-speaker": self.action_set_speaker,
            "person-role": self.action_refresh_role,
        }
        action = actions.get(event.button.id or "")
        if action:
            action()

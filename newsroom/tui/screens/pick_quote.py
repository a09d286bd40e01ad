"""ctrl+k: choose the quote to place at the body's cursor, or make a new one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...model import Person, Release
from ..text import one_line


def quote_label(quote, people: dict[str, Person]) -> str:
    person = people.get(quote.speaker)
    name = person.name if person else (quote.speaker or "no speaker")
    return f"{quote.id} — {one_line(name)}: {one_line(quote.text, 50)}"


class QuotePicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, release: Release, people: dict[str, Person], preferred: str | None):
        super().__init__(id="quote-picker")
        self.release = release
        self.people = people
        self.preferred = preferred

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Place which quote at the cursor?", classes="question")
            options = [Option(Content(quote_label(q, self.people)), id=q.id)
                       for q in self.release.quotes]
            options.append(Option("+ New quote…", id="__new__"))
            yield OptionList(*options, id="quote-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [q.id for q in self.release.quotes]
        options.highlighted = ids.index(self.preferred) if self.preferred in ids else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)

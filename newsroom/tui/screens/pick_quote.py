"""ctrl+k / ctrl+g: choose the quote or caption to place at the body's cursor,
or make a new one."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...model import Caption, Person, Release
from ..text import one_line


def quote_label(quote, people: dict[str, Person]) -> str:
    person = people.get(quote.speaker)
    name = person.name if person else (quote.speaker or "no speaker")
    return f"{quote.id} — {one_line(name)}: {one_line(quote.text, 50)}"


def caption_label(caption: Caption) -> str:
    credit = f" ({one_line(caption.credit, 24)})" if caption.credit.strip() else ""
    return f"{caption.id} — {one_line(caption.text, 50)}{credit}"


class ReferencePicker(ModalScreen[str | None]):
    """Dismissed with the chosen id, ``"__new__"`` for a new one, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, kind: str, release: Release, people: dict[str, Person], preferred: str | None
    ):
        super().__init__(id=f"{kind}-picker")
        self.kind = kind
        self.release = release
        self.people = people
        self.preferred = preferred

    def _items(self) -> list[tuple[str, str]]:
        if self.kind == "caption":
            return [(c.id, caption_label(c)) for c in self.release.captions]
        return [(q.id, quote_label(q, self.people)) for q in self.release.quotes]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"Place which {self.kind} at the cursor?", classes="question")
            # Labels hold typed words: Content, never markup.
            options = [Option(Content(label), id=ref) for ref, label in self._items()]
            options.append(Option(f"+ New {self.kind}…", id="__new__"))
            yield OptionList(*options, id=f"{self.kind}-options", classes="reference-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        ids = [ref for ref, _ in self._items()]
        options.highlighted = ids.index(self.preferred) if self.preferred in ids else 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class QuotePicker(ReferencePicker):
    def __init__(self, release: Release, people: dict[str, Person], preferred: str | None):
        super().__init__("quote", release, people, preferred)


class CaptionPicker(ReferencePicker):
    def __init__(self, release: Release, preferred: str | None):
        super().__init__("caption", release, {}, preferred)

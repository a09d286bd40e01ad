"""A modal question with a few answers as buttons (save / discard / cancel…)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ChoiceDialog(ModalScreen[str]):
    """Dismisses with the id of the chosen answer; escape means ``cancel``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, question: str, answers: list[tuple[str, str]], *, id: str | None = None):
        super().__init__(id=id)
        self.question = question
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # The question may quote a headline: never markup.
            yield Static(self.question, markup=False, classes="question")
            with Horizontal(classes="buttons"):
                for index, (answer_id, label) in enumerate(self.answers):
                    variant = "primary" if index == 0 else "default"
                    yield Button(label, id=f"answer-{answer_id}", variant=variant)

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "answer-cancel").removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss("cancel")

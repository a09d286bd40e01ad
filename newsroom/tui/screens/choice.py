"""A modal question with a few answers as buttons (save / discard / cancel…)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class AnswerDialog(ModalScreen[str]):
    """A modal that dismisses with the id of the answer chosen; escape means ``cancel``."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, answers: list[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.answers = answers

    def variant(self, index: int, answer_id: str) -> str:
        return "primary" if index == 0 else "default"

    def answer_buttons(self) -> ComposeResult:
        with Horizontal(classes="buttons"):
            for index, (answer_id, label) in enumerate(self.answers):
                yield Button(
                    label, id=f"answer-{answer_id}", variant=self.variant(index, answer_id)
                )

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "answer-cancel").removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss("cancel")


class ChoiceDialog(AnswerDialog):
    """A question with a few answers as buttons."""

    def __init__(self, question: str, answers: list[tuple[str, str]], *, id: str | None = None):
        super().__init__(answers, id=id)
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            # The question may quote a headline: never markup.
            yield Static(self.question, markup=False, classes="question")
            yield from self.answer_buttons()

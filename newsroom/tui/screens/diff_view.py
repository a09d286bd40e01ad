"""A scrollable, literal unified diff with a few answers (overwrite / cancel…).

Shown before anything overwrites someone else's words: a conflict on save,
or recovered edits about to replace the files on disk.
"""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

# Control characters are drawn as their Unicode "control pictures" (ESC as ␛):
# the diff shows exactly what is in the file, and nothing reaches the terminal raw.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    def picture(match: re.Match[str]) -> str:
        code = ord(match.group())
        if code < 0x20:
            return chr(0x2400 + code)
        if code == 0x7F:
            return "\u2421"
        return f"\\x{code:02x}"

    return _CONTROL.sub(picture, text)


class DiffDialog(ModalScreen[str]):
    """Dismisses with the id of the chosen answer; escape means ``cancel``."""

    DEFAULT_CSS = """
    DiffDialog .dialog.diff { max-width: 120; width: 95%; }
    DiffDialog #diff-text { height: 22; }
    DiffDialog.-short #diff-text { height: 12; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, diff: str, answers: list[tuple[str, str]], *,
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.diff_title = title
        self.diff = visible(diff) if diff.strip() else "(no differences)\n"
        self.answers = answers

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog diff"):
            yield Static(self.diff_title, markup=False, classes="question")
            yield TextArea(self.diff, read_only=True, soft_wrap=False,
                           show_line_numbers=False, id="diff-text")
            with Horizontal(classes="buttons"):
                for index, (answer_id, label) in enumerate(self.answers):
                    variant = "error" if answer_id == "overwrite" else (
                        "primary" if index == 0 else "default")
                    yield Button(label, id=f"answer-{answer_id}", variant=variant)

    def on_mount(self) -> None:
        # Focus the diff so the arrow keys and page keys scroll it first.
        self.query_one("#diff-text", TextArea).focus()

    @on(Button.Pressed)
    def chosen(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss((event.button.id or "answer-cancel").removeprefix("answer-"))

    def action_cancel(self) -> None:
        self.dismiss("cancel")

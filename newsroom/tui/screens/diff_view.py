"""A scrollable, literal unified diff with a few answers (overwrite / cancel…).

Shown before anything overwrites someone else's words: a conflict on save,
or recovered edits about to replace the files on disk.
"""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from .choice import AnswerDialog

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


class DiffDialog(AnswerDialog):
    """The diff, literally, above the answers; "overwrite" is shown as the dangerous one."""

    DEFAULT_CSS = """
    DiffDialog .dialog.diff { max-width: 120; width: 95%; }
    DiffDialog #diff-text { height: 22; }
    DiffDialog.-short #diff-text { height: 12; }
    """

    def __init__(
        self, title: str, diff: str, answers: list[tuple[str, str]], *, id: str | None = None
    ) -> None:
        super().__init__(answers, id=id)
        self.diff_title = title
        self.diff = visible(diff) if diff.strip() else "(no differences)\n"

    def variant(self, index: int, answer_id: str) -> str:
        return "error" if answer_id == "overwrite" else super().variant(index, answer_id)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog diff"):
            yield Static(self.diff_title, markup=False, classes="question")
            yield TextArea(
                self.diff, read_only=True, soft_wrap=False, show_line_numbers=False, id="diff-text"
            )
            yield from self.answer_buttons()

    def on_mount(self) -> None:
        # Focus the diff so the arrow keys and page keys scroll it first.
        self.query_one("#diff-text", TextArea).focus()

"""The status line under a screen: one line, and gone after a few seconds."""

from __future__ import annotations

from rich.text import Text
from textual.timer import Timer
from textual.widgets import Static

STATUS_SECONDS = 8.0  # long enough to read a sentence twice


class StatusLine(Static):
    """One line of news ("Saved.", "Not saved: …"); a long one ends in "…".

    Each message replaces the last and clears itself after ``STATUS_SECONDS``,
    so an old message never reads as news about the next keystroke.
    """

    DEFAULT_CSS = """
    StatusLine {
        height: 1;
        padding: 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        color: $text-warning;
    }
    """

    def __init__(self, text: str | Text = "", *, id: str | None = None) -> None:
        super().__init__(text, id=id, markup=False)
        self._said = text
        self._expiry: Timer | None = None

    @property
    def said(self) -> str | Text:
        return self._said

    def say(self, text: str | Text, *, lasting: bool = False) -> None:
        if self._expiry is not None:
            self._expiry.stop()
            self._expiry = None
        if text != self._said:
            self._said = text
            # One line of fixed height: no layout pass needed.
            self.update(text, layout=False)
        if text and not lasting:
            self._expiry = self.set_timer(STATUS_SECONDS, self._expire)

    def _expire(self) -> None:
        self._expiry = None
        self.say("", lasting=True)

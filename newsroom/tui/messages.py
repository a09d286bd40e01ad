"""Messages panes send to the editor screen."""

from __future__ import annotations

from textual.message import Message


class ReleaseEdited(Message):
    """A pane changed the release in memory; ``what`` names the part."""

    def __init__(self, what: str = "") -> None:
        super().__init__()
        self.what = what


class JumpTo(Message):
    """Show a field (a widget id in the drafting pane) or a body line."""

    def __init__(self, field: str = "", line: int | None = None) -> None:
        super().__init__()
        self.field = field
        self.line = line


class Notice(Message):
    """A one-line message for the editor's status line."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

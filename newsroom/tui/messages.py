"""Messages panes send to the editor screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

# Dataclass messages: the generated __init__ calls Message.__post_init__, which
# sets up the base (as Textual's own Input.Changed does). These bubble: a pane
# posts them to itself and the editor screen above it handles them.


@dataclass
class ReleaseEdited(Message):
    """A pane changed the release in memory; ``what`` names the part."""

    what: str = ""

    def can_replace(self, message: Message) -> bool:
        # A burst of the same edit still queued (fast typing) is handled once.
        return isinstance(message, ReleaseEdited) and message.what == self.what


@dataclass
class JumpTo(Message):
    """Show a field (a widget id in the drafting pane) or a body line."""

    field: str = ""
    line: int | None = None


@dataclass
class Notice(Message):
    """A one-line message for the editor's status line."""

    text: str

"""A Select you can type into while it is closed.

Textual's Select searches by typing only once its list is open; typed at the
closed field ("Tom" for the speaker) the letters were dropped without a sign.
Here they choose: the first option whose label starts with what was typed,
else the first that contains it. A pause starts a new search, as in the list.
"""

from __future__ import annotations

from collections.abc import Iterable
from time import monotonic
from typing import Any

from rich.console import RenderableType
from textual import events
from textual.widgets import Select

RESET_SECONDS = 0.7  # as Textual's open list


class TypeToChoose(Select):
    _choose_typed = ""
    _choose_at = 0.0

    def __init__(self, options: Iterable[tuple[RenderableType, Any]], **kwargs: Any) -> None:
        self._choose_options = list(options)
        super().__init__(self._choose_options, **kwargs)

    def set_options(self, options: Iterable[tuple[RenderableType, Any]]) -> None:
        self._choose_options = list(options)
        super().set_options(self._choose_options)

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if self.expanded or character is None or not event.is_printable:
            return
        now = monotonic()
        if now - self._choose_at > RESET_SECONDS:
            self._choose_typed = ""
        if character == " " and not self._choose_typed:
            return  # space on its own opens the list, as before
        event.stop()
        event.prevent_default()
        self._choose_typed += character
        self._choose_at = now
        wanted = self._choose_typed.casefold()
        labels = [(str(label).casefold(), value) for label, value in self._choose_options]
        match = next((value for label, value in labels if label.startswith(wanted)), None)
        if match is None:
            match = next((value for label, value in labels if wanted in label), None)
        if match is not None and match != self.value:
            self.value = match

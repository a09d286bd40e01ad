"""Command palette: the current screen's commands, only those that apply now.

Each screen offers its commands from a ``palette()`` method as ``Command``s
that hold the method to call, and yields only those valid at that moment, so
the palette never shows something that would do nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from textual.command import DiscoveryHit, Hit, Hits, Provider


@dataclass(frozen=True)
class Command:
    """One palette entry: what it is called, what it does, and the call that does it."""

    title: str
    help: str
    run: Callable[[], object]  # may be async: the palette awaits it


class NewsroomCommands(Provider):
    def _commands(self) -> Iterable[Command]:
        palette: Callable[[], Iterable[Command]] | None = getattr(self.screen, "palette", None)
        return palette() if palette is not None else ()

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    command.run,
                    text=command.title,
                    help=command.help,
                )

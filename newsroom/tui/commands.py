"""Command palette: the current screen's actions, only those that apply now.

Each screen lists its palette entries in ``PALETTE`` as (action, title, help);
an entry is offered only while the screen's ``check_action`` allows it, so the
palette never shows something that would do nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial

from textual.actions import parse
from textual.command import DiscoveryHit, Hit, Hits, Provider


class NewsroomCommands(Provider):
    def _entries(self) -> Iterator[tuple[str, str, str]]:
        screen = self.screen
        for action, title, help_text in getattr(screen, "PALETTE", ()):
            _, name, parameters = parse(action)
            if screen.check_action(name, parameters) is True:
                yield action, title, help_text

    def _runner(self, action: str):
        return partial(self.screen.run_action, action)

    async def discover(self) -> Hits:
        for action, title, help_text in self._entries():
            yield DiscoveryHit(title, self._runner(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, title, help_text in self._entries():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    self._runner(action),
                    text=title,
                    help=help_text,
                )

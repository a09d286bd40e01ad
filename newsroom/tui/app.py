"""The newsroom Textual app: composes screens and routes between them.

Everything the screens need (the library, the clock, who is at the keyboard)
hangs off the app so tests can swap a fixed clock and a tmp library in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding

from ..bundle import BundleError, Library
from .commands import NewsroomCommands
from .keyboard import OrderedKeys


def _now() -> datetime:
    return datetime.now(UTC)


class NewsroomApp(OrderedKeys, App[int]):
    """Library first; an editor screen is pushed on top for one release."""

    CSS_PATH = "newsroom.tcss"
    TITLE = "newsroom"
    COMMANDS = App.COMMANDS | {NewsroomCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (34, "-tall")]
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("f1", "help", "Help"),
    ]

    def __init__(
        self,
        drafts_path: Path | str,
        *,
        clock: Callable[[], datetime] = _now,
        user: str | None = None,
        edit: str | None = None,
    ) -> None:
        super().__init__()
        self.edit = edit  # a release to open at once (`newsroom edit SLUG`)
        self.drafts_path = Path(drafts_path)
        self.clock = clock
        # Who is at the keyboard, for approvals; changeable in the approval pane.
        self.user = user if user is not None else os.environ.get("NEWSROOM_USER", "")
        self.library: Library | None = None
        self.open_error: BundleError | None = None

    def today(self) -> date:
        return self.clock().date()

    def on_mount(self) -> None:
        from .screens.library import LibraryScreen

        try:
            self.library = Library.open(self.drafts_path)
        except (BundleError, OSError) as error:
            self.open_error = error if isinstance(error, BundleError) else BundleError(
                self.drafts_path, str(error)
            )
        self.push_screen(LibraryScreen())
        if self.edit and self.library is not None:
            # Over the library, so escape goes back to it as usual.
            self.open_release(self.edit, cursor="body-end")

    def open_release(self, slug: str, *, cursor: str = "headline") -> None:
        from .screens.editor import EditorScreen

        self.push_screen(EditorScreen(slug, cursor=cursor))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        # An editor with unsaved work asks first; everything else just quits.
        from .screens.editor import EditorScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, EditorScreen) and screen.unsaved:
                if self.screen is not screen:
                    return
                screen.ask_then(lambda: self.exit(0))
                return
        self.exit(0)

"""The newsroom Textual app: composes screens and routes between them.

Everything the screens need (the library, the clock, who is at the keyboard)
hangs off the app so tests can swap a fixed clock and a tmp library in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.content import Content

from ..bundle import Library
from ..errors import BundleError
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
        # Who is at the keyboard. Worked out once from the environment when the
        # library opens (``user`` fixes it, for tests); never chosen freely.
        self.user = user or ""
        self.user_source = "given at start" if user else ""
        self._ask_identity = user is None
        self.signing_key = None  # signing.ConfiguredKey, found when the library opens
        self.library: Library | None = None
        self.open_error: BundleError | None = None

    def today(self) -> date:
        return self.clock().date()

    def on_mount(self) -> None:
        from .screens.library import LibraryScreen

        try:
            self.library = Library.open(self.drafts_path)
        except (BundleError, OSError) as error:
            self.open_error = (
                error
                if isinstance(error, BundleError)
                else BundleError(self.drafts_path, str(error))
            )
        self.push_screen(LibraryScreen())
        if self.library is not None:
            from .whoami import find_identity

            find_identity(self, ask=self._ask_identity)
        if self.edit and self.library is not None:
            # Over the library, so escape goes back to it as usual.
            self.open_release(self.edit, cursor="body-end")

    def set_user(self, person: str, source: str) -> None:
        self.user, self.user_source = person, source
        self.refresh_title()

    def refresh_title(self) -> None:
        # The header watches the title: poke it so it is drawn again.
        self.title = ""
        self.title = self.TITLE

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header says who is acting, on every screen."""
        shown = super().format_title(title, sub_title)
        person = self.library.people.get(self.user) if self.library and self.user else None
        who = (person.name if person else self.user) or "nobody yet"
        return Content.assemble(shown, ("  ·  you are ", "dim"), Content(who))

    def open_release(self, slug: str, *, cursor: str = "headline") -> None:
        from .screens.editor import EditorScreen

        self.reload_settings()  # newsroom.toml may have been edited by hand meanwhile
        self.push_screen(EditorScreen(slug, cursor=cursor))

    # -- library settings and people: changes take effect at once --------------

    def reload_settings(self) -> str:
        """Read newsroom.toml again; the error (settings kept as they were) or ''."""
        if self.library is None:
            return ""
        before = self.library.settings
        try:
            settings = self.library.reload_settings()
        except BundleError as error:
            self.notify(
                f"{error} (the settings in use are unchanged)", severity="error", markup=False
            )
            return str(error)
        if settings != before:
            self.settings_changed(settings, reread=False)
        return ""

    def settings_changed(self, settings, *, reread: bool = True) -> None:
        """New settings are in force: every screen that shows their effect updates."""
        if self.library is None:
            return
        self.library.settings = settings
        for screen in self.screen_stack:
            changed = getattr(screen, "library_changed", None)
            if changed is not None:
                changed()

    def people_changed(self) -> None:
        self.settings_changed(self.library.settings if self.library else None)

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen

        if self.library is not None and not isinstance(self.screen, SettingsScreen):
            self.push_screen(SettingsScreen())

    def action_people(self) -> None:
        from .screens.people import PeopleScreen

        if self.library is not None and not isinstance(self.screen, PeopleScreen):
            self.push_screen(PeopleScreen())

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def action_quit(self) -> None:
        # An editor with unsaved work asks first (and one still saving finishes
        # first); everything else just quits.
        from .screens.editor import EditorScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, EditorScreen) and screen.pending_work():
                if self.screen is not screen:
                    return
                screen.ask_then(lambda: self.exit(0))
                return
        self.exit(0)

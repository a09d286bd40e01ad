"""The library screen's palette: each command calls the screen's method."""

from __future__ import annotations

from typing import Any

from ..commands import Command


class LibraryPalette:
    """Mixin for ``LibraryScreen``: its palette, each command calling one of its methods."""

    def palette(self) -> list[Command]:
        """The commands that check_action allows now, as for their keys."""
        screen: Any = self  # the screen this mixin is part of
        app = screen.app
        entries = [
            ("open", "Open release", "Open the selected release in the editor", screen.action_open),
            (
                "new",
                "New release",
                "Create a release; the slug is proposed from the headline",
                screen.action_new,
            ),
            (
                "duplicate",
                "Duplicate release",
                "Copy the selected release under a new slug",
                screen.action_duplicate,
            ),
            (
                "spike",
                "Spike release",
                "Withdraw the selected release, with a note",
                screen.action_spike,
            ),
            (
                "export",
                "Export release",
                "Any format, to a file or the clipboard",
                screen.action_export,
            ),
            (
                "import",
                "Import release",
                "Paste a plain-text release and turn it into a bundle",
                screen.action_import,
            ),
            (
                "history",
                "Release history",
                "Who did what to the selected release, and which version they approved",
                screen.action_history,
            ),
            (
                "reload",
                "Reload library",
                "Read newsroom.toml and every release from disk again",
                screen.action_reload,
            ),
            (
                "settings",
                "Settings",
                "Edit newsroom.toml: organisation, defaults, rules, checks, export",
                app.action_settings,
            ),
            ("people", "People", "Add, edit and remove people in people.toml", app.action_people),
            (
                "send",
                "Send release",
                "To the press list: one message per journalist, now or later",
                screen.action_send,
            ),
            (
                "press_list",
                "Press list",
                "The journalists releases are sent to (press.toml)",
                screen.action_press_list,
            ),
            (
                "toggle_search",
                "Full-text search / filter",
                "Switch the box between the quick filter and searching every word of every release",
                screen.action_toggle_search,
            ),
        ]
        return [
            Command(title, help_text, run)
            for name, title, help_text, run in entries
            if screen.check_action(name, ()) is True
        ]

"""F1: every binding of the screen underneath, in a table."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

# Keys whose names read badly in the table.
_NAMES = {"slash": "/", "ctrl+q": "ctrl+q", "escape": "esc"}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "close", "Close")]

    def __init__(self, under: Screen) -> None:
        super().__init__(id="help")
        self.under = under

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help"):
            yield Static(
                f"Keys: {self.under.__class__.__name__.removesuffix('Screen')}",
                classes="question",
                markup=False,
            )
            yield DataTable(id="help-keys", cursor_type="row")
            yield Static("ctrl+p opens the command palette. esc closes this help.", markup=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Key", "Action", "Where")
        seen: set[tuple[str, str, str]] = set()
        for where, binding in self.bindings_of(self.under):
            for key in binding.key.split(","):
                key = key.strip()
                # The footer's label is short; a tooltip, where given, says it in full.
                action = binding.tooltip or binding.description or binding.action
                row = (_NAMES.get(key, key), action, where)
                if row not in seen:
                    seen.add(row)
                    table.add_row(*row)
        table.add_row("ctrl+p", "Command palette", "everywhere")

    @staticmethod
    def bindings_of(screen: Screen) -> list[tuple[str, Binding]]:
        """The app's and the screen's bindings, then those of our own panes."""
        found: list[tuple[str, Binding]] = []
        for where, node in (("everywhere", screen.app), ("this screen", screen)):
            found.extend((where, b) for b in node.BINDINGS if isinstance(b, Binding))
        seen: set[type] = set()
        kinds = [type(widget) for widget in screen.query("*")]
        # Panes the editor mounts only once shown have their keys all the same.
        lazy = list(getattr(screen, "LAZY_PANES", {}).values())
        kinds += lazy + [part for pane in lazy for part in getattr(pane, "PARTS", ())]
        for kind in kinds:
            if kind in seen or not kind.__module__.startswith("newsroom."):
                continue
            seen.add(kind)
            where = kind.__name__.removesuffix("Pane").lower() + " pane"
            found.extend(
                (where, b) for b in kind.__dict__.get("BINDINGS", ()) if isinstance(b, Binding)
            )
        return found

    def action_close(self) -> None:
        self.dismiss(None)

"""The footer's order: what must stay visible at 80 columns comes first.

Textual's Footer shows the screen's active bindings in the order of the binding
chain (focused widget first, app last), and cuts off what does not fit, so at
80 columns ctrl+q and f1 fell off the end. Screens that mix in ``RankedFooter``
list save, quit, help and the pane keys first; the rest follow in their usual
order and are the ones cut. Every key is still in F1's help and the palette.
"""

from __future__ import annotations

from textual.binding import ActiveBinding, Binding
from textual.events import Resize
from textual.widgets import Footer

# Pane keys share one footer entry: "f2 f3 f4 f5 Panes". Panes added later
# (f8, f9) use the same group and land next to them.
PANES = Binding.Group("Panes")

# Actions by their name (without arguments), most important first.
FOOTER_RANK = ("save", "quit", "help", "pane", "toggle_preview", "back", "new", "open")


def _rank(binding: Binding) -> int:
    name = binding.action.removeprefix("app.").removeprefix("screen.").split("(")[0]
    return FOOTER_RANK.index(name) if name in FOOTER_RANK else len(FOOTER_RANK)


def ranked(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    order = sorted(bindings.items(), key=lambda item: _rank(item[1].binding))
    return dict(order)


class RankedFooter:
    """Screen mixin: the footer lists the important keys first."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return ranked(super().active_bindings)  # type: ignore[misc]


PALETTE_KEY_FROM = 100  # narrower footers leave out "^p palette" (F1 names it)


class NewsroomFooter(Footer):
    """Compact, and without the palette key where every column counts."""

    def __init__(self) -> None:
        super().__init__(compact=True)

    def on_resize(self, event: Resize) -> None:
        wide = event.size.width >= PALETTE_KEY_FROM
        if wide != self.show_command_palette:
            self.show_command_palette = wide
            self.call_after_refresh(self.recompose)

"""The editor's preview: beside the panes or instead of them, and when it is rebuilt.

``PreviewTiming`` is a mixin of ``EditorScreen``.
"""

from __future__ import annotations

from time import monotonic

from textual.widgets import TabbedContent

from ..layout import fits_side_by_side, preview_width
from ..panes.approval import ApprovalPane
from ..panes.drafting import DraftingPane
from ..panes.preview import PreviewPane

PREVIEW_DELAY = 0.4  # seconds of quiet typing before the preview is rebuilt


class PreviewTiming:
    """EditorScreen mixin: rebuild after a pause in typing; fit the preview to the width."""

    # Set up by EditorScreen.__init__.
    _last_edit: float

    def preview_soon(self, *, edited: bool = False) -> None:
        """Rebuild the count, the references and the preview after a pause in typing.

        Edits arrive as messages (a burst still queued collapses into one);
        the first arms a one-shot timer and later ones only move the time, so
        the work never competes with a burst of keystrokes and nothing runs
        while nobody types.
        """
        if edited:
            self._last_edit = monotonic()
        if self._preview_timer is None and self.release is not None:
            self._preview_timer = self.set_timer(self._quiet_left(), self._preview_quiet)

    def _quiet_left(self) -> float:
        # Never 0: Textual's Timer divides by its interval.
        return max(0.01, PREVIEW_DELAY - (monotonic() - self._last_edit))

    def _preview_quiet(self) -> None:
        self._preview_timer = None
        if self._quiet_left() > 0.01:
            # Typed again meanwhile: wait for the pause.
            self._preview_timer = self.set_timer(self._quiet_left(), self._preview_quiet)
            return
        drafting = self.query_one(DraftingPane)
        drafting.update_count()
        drafting.update_references()
        # Hidden panes cost nothing: they catch up when shown.
        preview = self.query_one(PreviewPane)
        if preview.display:
            preview.request(self.release)
        approval = self.mounted_pane(ApprovalPane)
        if approval is not None and self.query_one(TabbedContent).active == "approval":
            approval.request_checks()

    def action_toggle_preview(self) -> None:
        self._fit_preview(show=not self.query_one(PreviewPane).display)

    def _side_by_side(self) -> bool:
        return fits_side_by_side(self.app.size.width, self.library.settings.width)

    def _fit_preview(self, *, show: bool) -> None:
        """Show the preview beside the panes when both fit, else instead of them."""
        preview = self.query_one(PreviewPane)
        full = show and not self._side_by_side()
        if full and not self.has_class("-preview-full"):
            self._before_preview = self.focused
        preview.display = show
        # Beside the panes: exactly the export's width; instead of them: all of it.
        preview.styles.width = "1fr" if full else preview_width(self.library.settings.width)
        self.set_class(full, "-preview-full")
        if full:
            preview.query_one("#preview-text").focus()  # so PageDown scrolls it
        elif self._before_preview is not None:
            if self._before_preview.is_attached:
                self._before_preview.focus()
            self._before_preview = None
        if show:
            self.preview_soon()

    def on_resize(self) -> None:
        preview = self.query_one(PreviewPane) if self.release is not None else None
        if preview is not None and preview.display:
            # Side by side no longer fits (or fits again): keep the body usable.
            if self.has_class("-preview-full") == (not self._side_by_side()):
                return
            self._fit_preview(show=self.has_class("-preview-full"))

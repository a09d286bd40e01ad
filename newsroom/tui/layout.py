"""Sizes the editor's layout is built around (see docs/tui.md, "Sizes")."""

from __future__ import annotations

BODY_MIN = 40  # the body editor is never narrower than this
FIELDS_WIDE = 44  # the drafting fields' column from 110 columns up (newsroom.tcss)
PREVIEW_CHROME = 4  # border, margin, scrollbar, and the column a TextArea keeps for its cursor


def preview_width(export_width: int) -> int:
    """Columns the preview takes beside the panes: the export's lines, whole."""
    return export_width + PREVIEW_CHROME


def fits_side_by_side(screen_width: int, export_width: int) -> bool:
    """Do the drafting fields, a body of BODY_MIN and the preview all fit?

    Below this the preview replaces the panes (f6 toggles) instead of
    squeezing the body.
    """
    return screen_width >= FIELDS_WIDE + BODY_MIN + preview_width(export_width)

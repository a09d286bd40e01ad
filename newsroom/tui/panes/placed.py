"""Deleting a quote or caption the body may place: ask first, then remove both."""

from __future__ import annotations

from collections.abc import Callable

from textual.widget import Widget

from ...model import Release
from ..screens.choice import ChoiceDialog


def delete_placed(
    pane: Widget, release: Release, kind: str, ref_id: str, remove: Callable[[], None]
) -> None:
    """Run ``remove``; when the body places ``ref_id``, ask first and drop those lines."""
    lines = [n for n, found, ref in release.references() if found == kind and ref == ref_id]

    def answered(answer: str | None = "delete") -> None:
        if answer != "delete":
            return
        if lines:
            pane.screen.remove_reference_lines(lines)
        remove()

    if not lines:
        answered()
        return
    where = ", ".join(str(n) for n in lines)
    pane.app.push_screen(
        ChoiceDialog(
            f"{kind.capitalize()} {ref_id} is placed in the body (line {where}). Delete the "
            f"{kind} and its place in the body?",
            [("cancel", "Keep it"), ("delete", "Delete both")],
            id=f"delete-{kind}-dialog",
        ),
        answered,
    )

"""Exports: one module per format, all rendering the same ``Document``."""

from __future__ import annotations

from ..bundle import Library
from ..model import Release
from .document import Document, build_document
from .text import TextOptions, render_text

__all__ = ["Document", "TextOptions", "build_document", "export_text", "render_text"]


def export_text(
    release: Release,
    library: Library,
    options: TextOptions | None = None,
    *,
    draft: bool = False,
) -> str:
    document = build_document(release, library.settings, library.people, draft=draft)
    return render_text(document, options or TextOptions(width=library.settings.width))

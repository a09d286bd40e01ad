"""The Textual front end. Imported only when the TUI runs."""

from __future__ import annotations

from pathlib import Path


def run_app(drafts: Path, *, edit: str | None = None) -> int:
    """Run the TUI; with ``edit``, open that release's editor at once."""
    from .app import NewsroomApp

    app = NewsroomApp(drafts, edit=edit)
    app.run()
    return app.return_code or 0

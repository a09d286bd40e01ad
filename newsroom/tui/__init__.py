"""The Textual front end. Imported only when the TUI runs."""

from __future__ import annotations

from pathlib import Path


def run_app(drafts: Path) -> int:
    from .app import NewsroomApp

    app = NewsroomApp(drafts)
    app.run()
    return app.return_code or 0

"""The Textual front end. Imported only when the TUI runs."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(drafts: Path, *, edit: str | None = None) -> int:
    """Run the TUI; with ``edit``, open that release's editor at once."""
    from .app import NewsroomApp

    app = NewsroomApp(drafts, edit=edit)
    if sys.platform != "win32":
        # A closed terminal, SIGHUP/SIGTERM or a dead parent: recovery files, unlock, exit.
        from .hangup import HangUpDriver, Lifeline

        line = Lifeline(app)
        HangUpDriver.lifeline = line
        app.driver_class = HangUpDriver
        line.install()
    app.run()
    return app.return_code or 0

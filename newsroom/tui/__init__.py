"""The Textual front end. Imported only when the TUI runs."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(drafts: Path) -> int:
    from .app import NewsroomApp

    app = NewsroomApp(drafts)
    if sys.platform != "win32":
        # A closed terminal, SIGHUP/SIGTERM or a dead parent: recovery files, unlock, exit.
        from .hangup import HangUpDriver, Lifeline

        line = Lifeline(app)
        HangUpDriver.lifeline = line
        app.driver_class = HangUpDriver
        line.install()
    app.run()
    return app.return_code or 0

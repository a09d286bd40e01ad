"""The Textual front end. Imported only when the TUI runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# Textual paints at most TEXTUAL_FPS frames a second, and a frame asked for just
# after one was painted can wait two frame periods: at Textual's 60 that is up to
# 33 ms of a search keystroke's 50 ms budget (issue 20; docs/performance.md). Set
# before Textual is first imported (this package is imported first); a user's own
# setting wins.
os.environ.setdefault("TEXTUAL_FPS", "120")


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

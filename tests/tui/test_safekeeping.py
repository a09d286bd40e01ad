"""Locks and recovery in the editor: someone else's lock means read-only; a crashed
session's edits are offered back."""

from __future__ import annotations

import subprocess
import sys

from textual.widgets import Static, TextArea

from newsroom import recovery
from newsroom.tui.screens.choice import ChoiceDialog

from .conftest import BUS, open_release, settle, wait_until

HOLD_LOCK = """
import sys, time
from newsroom import locks
lock = locks.acquire(sys.argv[1], sys.argv[2])
print("locked", flush=True)
time.sleep(60)
"""

WRITE_RECOVERY = """
import sys
from newsroom import recovery
from newsroom.bundle import Library
library = Library.open(sys.argv[1])
release = library.load(sys.argv[2])
release.body = "Recovered words.\\n\\n" + release.body
recovery.checkpoint(library, release)
"""


async def test_locked_by_another_process_opens_read_only(make_app, drafts):
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(drafts), BUS], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        before = (drafts / BUS / "body.md").read_bytes()
        app = make_app(user="priya-raman")
        async with app.run_test(size=(120, 40)) as pilot:
            await open_release(pilot, BUS)
            editor = app.screen
            assert "being edited by" in editor.read_only
            assert "read-only" in editor.sub_title
            editor.query_one("#body", TextArea).focus()
            await pilot.press(*"Mine ")
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert "Not saved" in str(editor.query_one("#editor-message", Static).render())
            await pilot.press("f5")
            await wait_until(
                pilot,
                lambda: "read-only" in str(editor.query_one("#action-reasons", Static).render()),
            )
        assert (drafts / BUS / "body.md").read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


async def test_lock_is_taken_and_released(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, BUS)
        assert (drafts / BUS / ".lock").exists()
        await pilot.press("escape")
        await settle(pilot)
        assert not (drafts / BUS / ".lock").exists()


async def test_crashed_session_is_offered_back(make_app, drafts):
    subprocess.run([sys.executable, "-c", WRITE_RECOVERY, str(drafts), BUS], check=True)
    # The writer has exited (run waits for it): its file is offered from now on.
    assert recovery.pending(drafts)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_release(BUS)
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert app.screen.id == "recovery-dialog"
        await pilot.click("#answer-restore")
        await settle(pilot)
        editor = app.screen
        assert editor.query_one("#body", TextArea).text.startswith("Recovered words.")
        assert editor.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (drafts / BUS / "body.md").read_text("utf-8").startswith("Recovered words.")
    assert not list((drafts / ".newsroom" / "recovery").glob(f"{BUS}.*"))

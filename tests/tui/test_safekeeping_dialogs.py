"""Issue 7 in the editor: a stale lock is taken over only when asked; a conflict on
save offers reload, keep both or overwrite after the diff; recovery shows its diff."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime

from textual.widgets import Input, Static, TextArea

from newsroom import locks, recovery

from .conftest import BUS, open_release, settle, type_text, wait_until

WRITE_RECOVERY = """
import sys
from newsroom import recovery
from newsroom.bundle import Library
library = Library.open(sys.argv[1])
release = library.load(sys.argv[2])
release.body = "Recovered words.\\n\\n" + release.body
recovery.checkpoint(library, release)
"""


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def leave_stale_lock(drafts, slug: str) -> bytes:
    raw = json.dumps(
        {
            "user": "sam",
            "host": locks.current_host(),
            "pid": dead_pid(),
            "since": datetime(2026, 11, 25, 9, 0, tzinfo=UTC).isoformat(),
            "token": "abc",
        }
    ).encode()
    (drafts / slug / ".lock").write_bytes(raw)
    return raw


def message(editor) -> str:
    return str(editor.query_one("#editor-message", Static).render())


async def test_stale_lock_asks_and_read_only_changes_nothing(make_app, drafts):
    raw = leave_stale_lock(drafts, BUS)
    before = (drafts / BUS / "body.md").read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_release(BUS)
        await wait_until(pilot, lambda: app.screen.id == "stale-lock-dialog")
        question = str(app.screen.query_one(".question", Static).render())
        assert "sam on" in question and "2026-11-25 09:00 UTC" in question
        assert "no longer running" in question
        # Nothing is taken before the answer.
        assert (drafts / BUS / ".lock").read_bytes() == raw
        await pilot.click("#answer-read-only")
        await settle(pilot)
        editor = app.screen
        assert editor.read_only and "read-only" in editor.sub_title
        editor.query_one("#body", TextArea).focus()
        await type_text(pilot, "Mine ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not saved" in message(editor)
    assert (drafts / BUS / "body.md").read_bytes() == before
    assert (drafts / BUS / ".lock").read_bytes() == raw


async def test_stale_lock_taken_over_when_asked(make_app, drafts):
    leave_stale_lock(drafts, BUS)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_release(BUS)
        await wait_until(pilot, lambda: app.screen.id == "stale-lock-dialog")
        await pilot.click("#answer-take-over")
        await settle(pilot)
        editor = app.screen
        assert not editor.read_only
        holder = locks.holder(drafts, BUS)
        assert holder is not None and holder.mine
        editor.query_one("#body", TextArea).focus()
        await type_text(pilot, "Mine ")
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (drafts / BUS / "body.md").read_text("utf-8").startswith("Mine ")


async def conflict(pilot, drafts):
    """Open BUS, type, let someone else save the body, press ctrl+s."""
    editor = await open_release(pilot, BUS)
    editor._asking_disk = True  # as if the once-a-second disk check had not fired yet
    editor.query_one("#body", TextArea).focus()
    await type_text(pilot, "Mine: ")
    theirs = "Theirs: written in another editor.\n"
    (drafts / BUS / "body.md").write_text(theirs, "utf-8")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert pilot.app.screen.id == "conflict-dialog"
    return editor, theirs


async def test_conflict_reload_takes_theirs(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor, theirs = await conflict(pilot, drafts)
        await pilot.click("#answer-reload")
        await settle(pilot)
        assert editor.query_one("#body", TextArea).text == theirs
        assert not editor.unsaved
    assert (drafts / BUS / "body.md").read_text("utf-8") == theirs


async def test_conflict_keep_both_saves_a_copy_under_an_editable_slug(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor, theirs = await conflict(pilot, drafts)
        await pilot.click("#answer-keep-both")
        await settle(pilot)
        assert app.screen.id == "keep-both-dialog"
        field = app.screen.query_one(Input)
        assert field.value == f"{BUS}-2"
        field.value = "bus-mine"
        await pilot.click("#ok")
        await settle(pilot)
        assert app.screen.slug == "bus-mine"
        assert not (drafts / ".newsroom" / "recovery").exists() or not list(
            (drafts / ".newsroom" / "recovery").glob(f"{BUS}.*")
        )
    assert (drafts / BUS / "body.md").read_text("utf-8") == theirs
    assert (drafts / "bus-mine" / "body.md").read_text("utf-8").startswith("Mine: Residents")


async def test_conflict_overwrite_only_after_the_diff(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor, theirs = await conflict(pilot, drafts)
        await pilot.click("#answer-diff")
        await settle(pilot)
        assert app.screen.id == "conflict-diff"
        shown = app.screen.query_one("#diff-text", TextArea).text
        assert "-Theirs: written in another editor." in shown
        assert "+Mine: Residents" in shown
        await pilot.click("#answer-cancel")
        await settle(pilot)
        assert (drafts / BUS / "body.md").read_text("utf-8") == theirs
        assert editor.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.click("#answer-diff")
        await settle(pilot)
        await pilot.click("#answer-overwrite")
        await settle(pilot)
        assert not editor.unsaved
    assert (drafts / BUS / "body.md").read_text("utf-8").startswith("Mine: Residents")


async def test_recovery_shows_the_diff_and_renames_before_replay(make_app, drafts):
    subprocess.run([sys.executable, "-c", WRITE_RECOVERY, str(drafts), BUS], check=True)
    # The writer has exited (run waits for it): its file is offered from now on.
    assert recovery.pending(drafts)
    folder = drafts / ".newsroom" / "recovery"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_release(BUS)
        await wait_until(pilot, lambda: app.screen.id == "recovery-dialog")
        await pilot.click("#answer-diff")
        await settle(pilot)
        assert app.screen.id == "recovery-diff"
        assert "+Recovered words." in app.screen.query_one("#diff-text", TextArea).text
        await pilot.click("#answer-restore")
        await settle(pilot)
        editor = app.screen
        assert editor.query_one("#body", TextArea).text.startswith("Recovered words.")
        # Renamed before replay (a crash mid-replay cannot loop), then adopted: the
        # edits are this editor's own recovery file and no .replay is left (issue 14).
        names = [p.name for p in folder.iterdir() if p.name.startswith(BUS)]
        assert names == [recovery.recovery_path(drafts, BUS).name]
        assert b"Recovered words." in (folder / names[0]).read_bytes()
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert (drafts / BUS / "body.md").read_text("utf-8").startswith("Recovered words.")
    assert not list(folder.glob(f"{BUS}.*"))


async def test_recovery_discard_from_the_diff(make_app, drafts):
    subprocess.run([sys.executable, "-c", WRITE_RECOVERY, str(drafts), BUS], check=True)
    # The writer has exited (run waits for it): its file is offered from now on.
    assert recovery.pending(drafts)
    before = (drafts / BUS / "body.md").read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_release(BUS)
        await wait_until(pilot, lambda: app.screen.id == "recovery-dialog")
        await pilot.click("#answer-diff")
        await settle(pilot)
        await pilot.click("#answer-discard")
        await settle(pilot)
    assert (drafts / BUS / "body.md").read_bytes() == before
    assert not list((drafts / ".newsroom" / "recovery").glob(f"{BUS}.*"))

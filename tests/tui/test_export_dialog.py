"""The export dialog (issue 5): format, destination, draft marking, clipboard."""

from __future__ import annotations

import html
import shutil
import subprocess
import tomllib
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Static

from newsroom.actions import approve, clear
from newsroom.bundle import Library
from newsroom.export import render
from newsroom.export.text import DRAFT_MARK
from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.export_dialog import ExportDialog
from newsroom.tui.screens.library import LibraryScreen
from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import LIDO, open_release, settle, wait_until

TRICKY = 'Lido <b>reopens</b> & "fish" [bold]win[/]'
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def set_headline(drafts: Path, headline: str) -> None:
    library = Library.open(drafts)
    release = library.load(LIDO)
    release.headline = headline
    library.save(release)


def approve_lido(drafts: Path) -> None:
    library = Library.open(drafts)
    release = library.load(LIDO)
    clear(release, library, "okafor", "amira-okafor", via="phone", now=T0)
    clear(release, library, "whitfield", "tom-whitfield", via="email", now=T0)
    approve(release, library, "david-osei", now=T0 + timedelta(minutes=1))


async def open_dialog_from_library(pilot) -> ExportDialog:
    app = pilot.app
    await settle(pilot)
    table = app.screen.query_one("#releases", ReleaseTable)
    table.move_to(LIDO)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, ExportDialog)
    return app.screen


async def export_to(pilot, dialog: ExportDialog, fmt: str, target: Path) -> None:
    await pilot.click(f"#fmt-{fmt}")
    await settle(pilot)
    assert dialog.fmt == fmt
    dialog.query_one("#field-path", Input).value = str(target)
    await pilot.click("#ok")
    await settle(pilot)


async def test_library_e_exports_html_draft_with_escaped_headline(make_app, drafts, tmp_path):
    set_headline(drafts, TRICKY)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        # Not approved: draft forced on and the gate's reason shown.
        draft = dialog.query_one("#export-draft", Checkbox)
        assert draft.value and draft.disabled
        gate = str(dialog.query_one("#export-gate", Static).render())
        assert "not approved" in gate and "0 of 1 valid approval" in gate
        # The default destination follows the format: exports/ beside drafts/.
        await pilot.click("#fmt-html")
        await settle(pilot)
        default = Path(dialog.query_one("#field-path", Input).value)
        assert default.name == f"{LIDO}.html" and default.parent.name == "exports"
        target = tmp_path / "out" / "lido.html"
        await export_to(pilot, dialog, "html", target)
        assert isinstance(app.screen, LibraryScreen)
        page = target.read_text("utf-8")
        assert html.escape(TRICKY) in page
        assert "<b>reopens</b>" not in page
        assert DRAFT_MARK in page and 'content="noindex, nofollow"' in page
        notes = [note.message for note in app._notifications]
        assert any(str(target) in note and "draft" in note for note in notes)
        # A draft records nothing.
        data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
        assert all(event["action"] != "publish" for event in data.get("history", []))


async def test_default_destination_is_written(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_dialog_from_library(pilot)
        await pilot.click("#fmt-md")
        await settle(pilot)
        await pilot.click("#ok")
        await settle(pilot)
        written = drafts.parent / "exports" / f"{LIDO}.md"
        assert written.read_text("utf-8").startswith("+++")
        assert isinstance(app.screen, LibraryScreen)


async def test_editor_ctrl_e_exports_eml(make_app, drafts, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("ctrl+e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        target = tmp_path / "lido.eml"
        await export_to(pilot, dialog, "eml", target)
        assert isinstance(app.screen, EditorScreen)
        message = BytesParser(policy=policy.default).parsebytes(target.read_bytes())
        assert not message.defects
        assert message["Subject"].startswith(DRAFT_MARK)
        assert "Hollinsbury Lido" in message["Subject"]
        assert DRAFT_MARK in message.get_body(("plain",)).get_content()


async def test_copy_puts_exactly_the_text_export_on_the_clipboard(make_app, drafts, monkeypatch):
    copied: list[str] = []
    app = make_app()
    original = app.copy_to_clipboard

    def spy(text: str) -> None:
        copied.append(text)
        original(text)

    monkeypatch.setattr(app, "copy_to_clipboard", spy)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        library = Library.open(drafts)
        expected = render(library.load(LIDO), library, "text", draft=True)
        assert copied == [expected]
        assert app._clipboard == expected
        assert "Copied" in str(dialog.query_one("#export-status", Static).render())
        assert app.screen is dialog  # copying leaves the dialog open


async def test_approved_release_exports_final_and_records_publish(make_app, drafts, tmp_path):
    approve_lido(drafts)
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        draft = dialog.query_one("#export-draft", Checkbox)
        assert not draft.value and not draft.disabled
        assert "records" in str(dialog.query_one("#export-gate", Static).render())
        target = tmp_path / "final.html"
        await export_to(pilot, dialog, "html", target)
        page = target.read_text("utf-8")
        assert DRAFT_MARK not in page
        data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
        last = data["history"][-1]
        assert last["action"] == "publish"
        assert last["note"] == "format: html"
        assert last["by"] == "priya-raman"


async def test_approved_but_marked_draft_records_nothing(make_app, drafts, tmp_path):
    approve_lido(drafts)
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        await pilot.click("#export-draft")
        await settle(pilot)
        assert dialog.query_one("#export-draft", Checkbox).value
        target = tmp_path / "copy.txt"
        await export_to(pilot, dialog, "text", target)
        assert target.read_text("utf-8").startswith(DRAFT_MARK)
        data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
        assert data["history"][-1]["action"] != "publish"


async def test_failure_is_reported_and_the_dialog_stays(make_app, drafts, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        await export_to(pilot, dialog, "text", blocker / "inside.txt")
        assert app.screen is dialog
        status = str(dialog.query_one("#export-status", Static).render())
        assert "Could not write" in status and "inside.txt" in status
        assert not (blocker / "inside.txt").exists()


async def test_writing_happens_off_the_ui_thread(make_app, drafts, tmp_path, monkeypatch):
    import threading

    import newsroom.export

    gate = threading.Event()
    threads: list[int] = []
    real_render = newsroom.export.render

    def slow_render(*args, **kwargs):
        threads.append(threading.get_ident())
        assert gate.wait(60), "the test never released the export"
        return real_render(*args, **kwargs)

    monkeypatch.setattr(newsroom.export, "render", slow_render)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        target = tmp_path / "slow.txt"
        dialog.query_one("#field-path", Input).value = str(target)
        await pilot.click("#ok")
        # The UI still answers while the export waits in its thread.
        status = dialog.query_one("#export-status", Static)
        await wait_until(
            pilot, lambda: "Writing" in str(status.render()), what="Writing…", then_settle=False
        )
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is dialog
        assert "Still writing" in str(dialog.query_one("#export-status", Static).render())
        assert not target.exists()
        gate.set()
        await settle(pilot)
        assert target.read_text("utf-8").startswith(DRAFT_MARK)
        assert threads and threads[0] != app._thread_id
        assert isinstance(app.screen, LibraryScreen)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
async def test_final_export_in_a_git_work_tree_commits_the_publication(
    make_app, drafts, tmp_path, monkeypatch
):
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=tmp_path, check=True, capture_output=True, text=True
        ).stdout

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for kind in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{kind}_NAME", "Priya Raman")
        monkeypatch.setenv(f"GIT_{kind}_EMAIL", "priya@example.org.uk")
    settings = drafts / "newsroom.toml"
    settings.write_text(settings.read_text("utf-8").replace("enabled = false\n", ""), "utf-8")
    approve_lido(drafts)
    git("init", "--quiet", "--initial-branch=main")
    git("add", "--", "drafts")
    git("commit", "--quiet", "-m", "The sample library, approved")
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        await export_to(pilot, dialog, "ninjs", tmp_path / "out" / "lido.json")
        await settle(pilot)
    message = git("log", "-1", "--format=%B")
    assert message.startswith(f"Publish {LIDO}")
    data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
    assert data["history"][-1]["note"] == "format: ninjs"
    assert f"Release-Digest: {data['history'][-1]['digest']}" in message


async def test_fits_a_24_line_terminal(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_dialog_from_library(pilot)
        # Visible inside the dialog without scrolling: nothing clipped away.
        visible = dialog.query_one(".dialog").scrollable_content_region
        for selector in ("#fmt-ninjs", "#field-path", "#export-draft", "#ok", "#cancel"):
            region = dialog.query_one(selector).region
            assert region.height and visible.contains_region(region), selector

"""The History view and the TUI's sign-off commits, through the real app.

With git: a tmp copy of the sample library made into a repository; sign-off in
the approval pane must leave a commit with the release's trailers, and the
History view must list it. Without git: the view shows the events and never
says "git".
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from textual.widgets import DataTable

from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.history import HistoryScreen
from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import LIDO, open_release, palette_offers, settle, wait_until

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture
def git_drafts(drafts: Path, tmp_path: Path, monkeypatch) -> Path:
    """The sample library inside a fresh repository (its top is tmp_path), git on."""
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for kind in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{kind}_NAME", "Priya Raman")
        monkeypatch.setenv(f"GIT_{kind}_EMAIL", "priya@example.org.uk")
    settings = drafts / "newsroom.toml"
    text = settings.read_text("utf-8")
    assert "enabled = false" in text
    settings.write_text(text.replace("enabled = false\n", ""), "utf-8")
    git(tmp_path, "init", "--quiet", "--initial-branch=main")
    git(tmp_path, "add", "--", "drafts")
    git(tmp_path, "commit", "--quiet", "-m", "The sample library")
    return drafts


def history_rows(screen: HistoryScreen) -> list[dict[str, str]]:
    table = screen.query_one("#history-table", DataTable)
    labels = [str(column.label) for column in table.columns.values()]
    return [
        dict(zip(labels, (str(cell) for cell in table.get_row_at(i)), strict=True))
        for i in range(table.row_count)
    ]


def screen_words(app) -> str:
    """Everything drawn on the terminal, as text."""
    svg = app.export_screenshot()
    text = html.unescape(" ".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)))
    return text.replace("\xa0", " ")


async def test_signoff_in_the_tui_commits_and_history_lists_it(make_app, git_drafts, tmp_path):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        await pilot.press("f5")
        await settle(pilot)
        pane = editor.query_one("ApprovalPane")
        assert pane.allowed("submit")
        await pilot.press("u")
        await settle(pilot)
        assert pilot.app.screen.id == "submit-confirm"
        await pilot.press("enter")  # u asks first
        await settle(pilot)  # the commit runs in a thread worker; settle waits for it

        data = tomllib.loads((git_drafts / LIDO / "release.toml").read_text("utf-8"))
        submitted = data["history"][-1]
        assert submitted["action"] == "submit"
        log = git(tmp_path, "log", "--format=%H%x1f%B%x1e", "--grep", f"^Release: {LIDO}$")
        commits = [c.strip("\n").split("\x1f") for c in log.split("\x1e") if c.strip()]
        assert len(commits) == 1
        commit_id, message = commits[0]
        assert message.startswith(f"Submit {LIDO} for review")
        assert f"Release: {LIDO}" in message.splitlines()
        assert "Release-Action: submit" in message.splitlines()
        assert f"Release-Digest: {submitted['digest']}" in message.splitlines()
        # The commit holds that bundle only (no edit lock), and nothing of it is left over.
        files = git(tmp_path, "show", "--name-only", "--format=", commit_id).split()
        assert f"drafts/{LIDO}/release.toml" in files
        assert all(f.startswith(f"drafts/{LIDO}/") and not f.endswith(".lock") for f in files)
        assert git(tmp_path, "status", "--porcelain", "--untracked-files=no").strip() == ""

        await pilot.press("f7")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen) and history.loaded
        rows = history_rows(history)
        submit_rows = [r for r in rows if r["Action"] == "submit"]
        assert submit_rows, rows
        short = submitted["digest"].removeprefix("sha256:")[:12]
        assert submit_rows[-1]["Version"] == f"{short} current"
        assert submit_rows[-1]["Commit"] == commit_id[:7]
        assert submit_rows[-1]["Who"] == "Priya Raman"
        # The row's details: full digest and the commit.
        history.query_one("#history-table", DataTable).move_cursor(row=rows.index(submit_rows[-1]))
        await settle(pilot)
        detail = str(history.query_one("#history-detail").render())
        assert submitted["digest"] in detail and commit_id[:7] in detail
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor


async def test_approve_commit_names_the_approver_and_digest(make_app, git_drafts, tmp_path):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        editor = app.screen
        await pilot.press("f5")
        await settle(pilot)
        pane = editor.query_one("ApprovalPane")
        await pilot.press("u")
        await settle(pilot)
        assert pilot.app.screen.id == "submit-confirm"
        await pilot.press("enter")  # u asks first
        await settle(pilot)
        for _ in range(3):  # each speaker's clearance, recorded by Priya
            if not pane.allowed("clear"):
                break
            await pilot.press("c")
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pane.assessment.status == "approved"
        data = tomllib.loads((git_drafts / LIDO / "release.toml").read_text("utf-8"))
        approved = data["approvals"][-1]
        message = git(tmp_path, "log", "-1", "--format=%B")
        assert message.startswith(f"Approve {LIDO}")
        assert f"Release-Digest: {approved['digest']}" in message
        assert "Approved-by: Priya Raman <" in message
        actions = git(tmp_path, "log", "--format=%(trailers:key=Release-Action,valueonly)")
        assert [a for a in actions.split() if a][:1] == ["approve"]
        assert "submit" in actions.split() and "clear" in actions.split()

        await pilot.press("f7")
        await settle(pilot)
        history = app.screen
        summary = str(history.query_one("#history-summary").render())
        short = approved["digest"].removeprefix("sha256:")[:12]
        assert f"Approved by Priya Raman ({short}, current)" in summary


async def test_history_without_git_shows_events_and_never_mentions_git(make_app, drafts):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        library = app.screen
        table = library.query_one(ReleaseTable)
        table.move_to(LIDO)
        table.focus()
        await settle(pilot)
        selected = library.selected_row()
        assert selected.slug == LIDO
        await pilot.press("f7")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen) and history.loaded
        data = tomllib.loads((drafts / selected.slug / "release.toml").read_text("utf-8"))
        rows = history_rows(history)
        assert "Commit" not in [str(c.label) for c in history.query_one(DataTable).columns.values()]
        events = [e["action"] for e in data.get("history", [])]
        assert events, "the sample release should have history"
        shown = [r["Action"] for r in rows]
        for action in events:
            assert action in shown
        drawn = screen_words(app)
        assert f"History of {LIDO}" in drawn and "cleared" in drawn  # it does read the screen
        assert not re.search(r"\bgit\b", drawn, re.I)
        # Every row's details too.
        for index in range(len(rows)):
            history.query_one("#history-table", DataTable).move_cursor(row=index)
            await settle(pilot)
            assert not re.search(r"\bgit\b", screen_words(app), re.I)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is library


async def test_save_commits_only_with_commit_on_save(make_app, git_drafts, tmp_path):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        editor = app.screen
        editor.release.headline += " (updated)"
        editor.unsaved = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "(updated)" in (git_drafts / LIDO / "release.toml").read_text("utf-8")
        assert git(tmp_path, "rev-list", "--count", "HEAD").strip() == "1"  # left to the user
        # Now with commit_on_save = true.
        settings = git_drafts / "newsroom.toml"
        text = settings.read_text("utf-8")
        settings.write_text(text.replace("[git]\n", "[git]\ncommit_on_save = true\n"), "utf-8")
        app.library.settings.extra.setdefault("git", {})["commit_on_save"] = True
        editor.release.headline += " again"
        editor.unsaved = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        message = git(tmp_path, "log", "-1", "--format=%B")
        assert message.startswith(f"Save {LIDO}") and "Release-Action: save" in message
        assert "again" in git(tmp_path, "show", f"HEAD:drafts/{LIDO}/release.toml")


async def test_a_refused_commit_is_a_notice_not_a_crash(
    make_app, git_drafts, tmp_path, monkeypatch
):
    # No identity git will accept: the submit is saved, the commit is not, the app says so.
    for kind in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{kind}_NAME")
        monkeypatch.delenv(f"GIT_{kind}_EMAIL")
    git(tmp_path, "config", "user.useConfigOnly", "true")
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        assert pilot.app.screen.id == "submit-confirm"
        await pilot.press("enter")  # u asks first

        def notices() -> list[str]:
            return [n.message for n in app._notifications]

        # The commit runs off the UI thread: its notice comes when it is done.
        await wait_until(
            pilot,
            lambda: any(n.startswith("Saved, but not committed:") for n in notices()),
            what="the notice that the commit was refused",
        )
        data = tomllib.loads((git_drafts / LIDO / "release.toml").read_text("utf-8"))
        assert data["history"][-1]["action"] == "submit"
        assert git(tmp_path, "rev-list", "--count", "HEAD").strip() == "1"
        assert isinstance(app.screen, EditorScreen)


async def test_palette_opens_history_from_library_and_editor(make_app):
    from textual.command import CommandPalette

    from newsroom.tui.commands import NewsroomCommands

    async def titles(app) -> list[str]:
        provider = NewsroomCommands(app.screen)
        return [hit.text async for hit in provider.discover()]

    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Release history" in await titles(app)
        app.open_release(LIDO)
        await settle(pilot)
        assert "History" in await titles(app)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"history")
        await palette_offers(pilot, "History")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen) and app.screen.slug == LIDO


async def test_hostile_history_text_is_shown_literally(make_app, drafts):
    # A note with markup and an escape sequence: shown as typed, minus the escape.
    path = drafts / LIDO / "release.toml"
    text = path.read_text("utf-8")
    marker = "note = \"Tom replied 'Happy with that'"
    assert marker in text
    path.write_text(
        text.replace(
            marker,
            'note = "[b]loud[/b] \\u001b[31mred [link=x]y[/link]' + marker.removeprefix('note = "'),
        ),
        "utf-8",
    )
    app = make_app(user="priya-raman")
    async with app.run_test(size=(160, 40)) as pilot:
        await open_release(pilot, LIDO)
        await pilot.press("f7")
        await settle(pilot)
        history = app.screen
        assert isinstance(history, HistoryScreen) and history.loaded
        notes = [r["Note"] for r in history_rows(history)]
        # The escape sequence goes whole (ESC[31m), the brackets stay as typed.
        assert any("[b]loud[/b] red [link=x]y[/link]" in n for n in notes), notes
        assert not any("\x1b" in n for n in notes)
        drawn = screen_words(app)
        assert "[b]loud[/b]" in drawn


async def test_new_release_committed_only_with_commit_on_save(make_app, git_drafts, tmp_path):
    settings = git_drafts / "newsroom.toml"
    settings.write_text(
        settings.read_text("utf-8").replace("[git]\n", "[git]\ncommit_on_save = true\n"), "utf-8"
    )
    git(tmp_path, "commit", "--quiet", "-am", "Commit on save")
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.press(*"Bins rota")
        await pilot.press("enter")
        await settle(pilot)
        slug = "2026-11-25-bins-rota"
        assert (git_drafts / slug / "release.toml").exists()
        message = git(tmp_path, "log", "-1", "--format=%B")
        assert message.startswith(f"Start {slug}") and f"Release: {slug}" in message
        assert f"drafts/{slug}/release.toml" in git(tmp_path, "ls-files")

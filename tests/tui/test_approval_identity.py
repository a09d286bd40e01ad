"""Who is acting in the TUI (header, first run), recording for someone else, and
signing through the approval pane with real throwaway ssh-keygen keys."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from textual.widgets import Input, Select, Static

from newsroom.actions import clear
from newsroom.audit import verify
from newsroom.bundle import Library

from .conftest import FIXED_NOW, LIDO, open_release, settle, wait_until

DAVID = "david.osei@hollinsbury-progressives.example.org.uk"
needs_keygen = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed"
)


@pytest.fixture(autouse=True)
def hermetic(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    (tmp_path / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setattr("newsroom.identity.os_user", lambda: "nobody-here")


def app_for(drafts: Path):
    from newsroom.tui.app import NewsroomApp

    return NewsroomApp(drafts, clock=lambda: FIXED_NOW)  # who: from the environment


def keygen(path: Path, passphrase: str = "") -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", path.name, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def cleared(drafts: Path) -> None:
    library = Library.open(drafts)
    release = library.load(LIDO)
    clear(release, library, "okafor", "amira-okafor", now=FIXED_NOW)
    clear(release, library, "whitfield", "tom-whitfield", now=FIXED_NOW)


def header_text(app) -> str:
    from textual.widgets._header import HeaderTitle

    return str(app.screen.query_one(HeaderTitle).render())


def shared_files(drafts: Path) -> dict[Path, bytes]:
    """What the library shares (not .newsroom/, this machine's cache)."""
    return {
        p: p.read_bytes()
        for p in drafts.rglob("*")
        if p.is_file() and ".newsroom" not in p.relative_to(drafts).parts
    }


def release_data(drafts: Path) -> dict:
    return tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))


async def open_pane(pilot):
    editor = await open_release(pilot, LIDO)
    await pilot.press("f5")
    pane = editor.query_one("ApprovalPane")
    await wait_until(pilot, lambda: pane.assessment is not None)
    return editor, pane


async def test_header_shows_who_and_offers_no_choice(drafts, monkeypatch):
    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    app = app_for(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.user == "priya-raman" and app.user_source == "NEWSROOM_USER"
        assert "you are Priya Raman" in header_text(app)
        editor, _ = await open_pane(pilot)
        assert "you are Priya Raman" in header_text(app)
        assert len(editor.query("ApprovalPane Select")) == 0  # no free choice of identity
        shown = str(editor.query_one("#acting-as", Static).render())
        assert "You are Priya Raman (priya-raman, NEWSROOM_USER)" in shown
        assert "unsigned (no key)" in shown


async def test_first_run_asks_once_and_remembers_outside_the_library(drafts, own_config: Path):
    before = shared_files(drafts)
    app = app_for(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.id == "who-are-you"
        app.screen.query_one("#field-person", Select).value = "david-osei"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.user == "david-osei"
        assert "you are David Osei" in header_text(app)
    saved = tomllib.loads((own_config / "newsroom" / "config.toml").read_text())
    assert saved["libraries"][str(drafts.resolve())]["person"] == "david-osei"
    assert shared_files(drafts) == before
    # The next run does not ask.
    again = app_for(drafts)
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.user == "david-osei" and again.screen.id != "who-are-you"


async def test_first_run_can_add_yourself(drafts):
    app = app_for(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#field-person", Select).value = "+new"
        app.screen.query_one("#field-name", Input).value = "Sam Lee"
        app.screen.query_one("#field-email", Input).value = "sam@example.org"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.user == "sam-lee"
    people = tomllib.loads((drafts / "people.toml").read_text("utf-8"))["people"]
    assert people["sam-lee"] == {"name": "Sam Lee", "email": "sam@example.org"}


async def test_record_an_approval_given_by_phone(drafts, monkeypatch):
    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    cleared(drafts)
    app = app_for(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        editor, pane = await open_pane(pilot)
        assert pane.allowed("record")
        await pilot.press("r")
        await settle(pilot)
        assert app.screen.id == "record-form"
        assert app.screen.query_one("#field-person", Select).value == "david-osei"
        app.screen.query_one("#field-note", Input).value = "rang at 9"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pane.assessment.status == "approved")
        table = editor.query_one("#signoff-table")
        rows = [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert (
            "approval",
            "david-osei, recorded by priya-raman via phone",
            "2026-11-25 10:00",
            "valid",
            "rang at 9",
        ) in rows
    approval = release_data(drafts)["approvals"][-1]
    assert (approval["by"], approval["recorded_by"], approval["via"]) == (
        "david-osei",
        "priya-raman",
        "phone",
    )


async def approve_in_pane(pilot, pane) -> None:
    await pilot.press("a")
    await settle(pilot)
    assert pilot.app.screen.id == "note-form"
    await pilot.press("ctrl+s")
    await settle(pilot)


@needs_keygen
async def test_tui_signs_an_approval_with_the_configured_key(
    drafts, tmp_path: Path, own_config: Path, monkeypatch
):
    key = keygen(tmp_path / "david")
    library = Library.open(drafts)
    from newsroom.signers import add

    add(library, "david-osei", key.with_suffix(".pub"))
    (own_config / "newsroom").mkdir(parents=True, exist_ok=True)
    (own_config / "newsroom" / "config.toml").write_text(f'[signing]\nkey = "{key}"\n')
    monkeypatch.setenv("NEWSROOM_USER", "david-osei")
    cleared(drafts)
    app = app_for(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        editor, pane = await open_pane(pilot)
        assert f"you sign with {key}" in str(editor.query_one("#acting-as", Static).render())
        await approve_in_pane(pilot, pane)
        await wait_until(pilot, lambda: pane.assessment.status == "approved")
        table = editor.query_one("#signoff-table")
        states = [str(table.get_row_at(i)[3]) for i in range(table.row_count)]
        assert "valid, signed" in states
    approval = release_data(drafts)["approvals"][-1]
    assert approval["by"] == "david-osei" and approval["signature"].startswith("-----BEGIN")
    fresh = Library.open(drafts)
    assert verify(fresh.load(LIDO), fresh) == []


@needs_keygen
async def test_tui_asks_for_the_passphrase_of_a_protected_key(
    drafts, tmp_path: Path, own_config: Path, monkeypatch
):
    key = keygen(tmp_path / "locked", "open sesame")
    from newsroom.signers import add

    add(Library.open(drafts), "david-osei", key.with_suffix(".pub"))
    (own_config / "newsroom").mkdir(parents=True, exist_ok=True)
    (own_config / "newsroom" / "config.toml").write_text(f'[signing]\nkey = "{key}"\n')
    monkeypatch.setenv("NEWSROOM_USER", "david-osei")
    cleared(drafts)
    app = app_for(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        _, pane = await open_pane(pilot)
        await approve_in_pane(pilot, pane)
        assert app.screen.id == "passphrase-form"
        field = app.screen.query_one("#field-passphrase", Input)
        assert field.password
        assert "approvals" not in release_data(drafts)  # nothing saved while asking
        field.value = "open sesame"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: pane.assessment.status == "approved")
    assert release_data(drafts)["approvals"][-1]["signature"].startswith("-----BEGIN")

"""The Send dialog and the Press list screen (issue 19), against a real SMTP server."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from smtp_server import PASSWORD, Server
from textual.widgets import Button, Checkbox, DataTable, Input, Static

from newsroom import press
from newsroom.tui.screens.press_screen import PressScreen
from newsroom.tui.screens.send_dialog import SendDialog
from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import BUS, LIDO, open_editor, settle, type_text, wait_until
from .test_export_dialog import approve_lido

HERALD = "newsdesk@hollinsbury-herald.example.co.uk"
RADIO = "news@valley-radio.example.co.uk"


@pytest.fixture
def server(tmp_path: Path, drafts: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("NEWSROOM_SMTP_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    with Server(tmp_path) as running:
        with (drafts / "newsroom.toml").open("a", encoding="utf-8") as handle:
            handle.write(running.settings_toml())
        yield running


async def open_send_from_library(pilot, slug: str) -> SendDialog:
    await settle(pilot)
    table = pilot.app.screen.query_one("#releases", ReleaseTable)
    assert table.move_to(slug)
    await pilot.press("ctrl+r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SendDialog)
    return pilot.app.screen


async def test_send_from_the_library_one_message_each_with_results(
    make_app, drafts: Path, server: Server
) -> None:
    approve_lido(drafts)
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_send_from_library(pilot, LIDO)
        recipients = str(dialog.query_one("#send-recipients", Static).render())
        assert "2 to send" in recipients and HERALD in recipients
        preview = str(dialog.query_one("#send-message", Static).render())
        assert "To: " in preview and "EMBARGOED until" in preview
        assert "To be taken off it" in preview
        # Only the first recipient is in the preview's To line.
        to_line = next(line for line in preview.splitlines() if line.startswith("To: "))
        assert (HERALD in to_line) != (RADIO in to_line)
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: not dialog.busy and dialog.query_one("#send-results", DataTable).row_count == 2,
        )
        assert sorted(r.recipients[0] for r in server.handler.received) == sorted([HERALD, RADIO])
        status = str(dialog.query_one("#send-status", Static).render())
        assert "sent 2" in status
        ledger = tomllib.loads((drafts / LIDO / "sent.toml").read_text(encoding="utf-8"))
        assert [e["status"] for e in ledger["recipient"]] == ["sent", "sent"]
        # Nobody is left: sending again is not offered...
        assert dialog.query_one("#ok", Button).disabled
        # ...unless asked for on purpose (a corrected version): each gets one more.
        dialog.query_one("#send-resend", Checkbox).value = True
        await wait_until(pilot, lambda: not dialog.query_one("#ok", Button).disabled)
        assert "2 to send" in str(dialog.query_one("#send-recipients", Static).render())
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: not dialog.busy and dialog.query_one("#send-results", DataTable).row_count == 4,
        )
        assert sorted(r.recipients[0] for r in server.handler.received) == sorted(
            [HERALD, RADIO, HERALD, RADIO]
        )
        ledger = tomllib.loads((drafts / LIDO / "sent.toml").read_text(encoding="utf-8"))
        assert [e["status"] for e in ledger["recipient"]] == ["sent"] * 4
        await pilot.press("escape")
        await settle(pilot)
        message = str(app.screen.query_one("#library-message", Static).render())
        assert "Press list: sent" in message


async def test_draft_refused_in_the_dialog(make_app, drafts: Path, server: Server) -> None:
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_send_from_library(pilot, BUS)
        gate = str(dialog.query_one("#send-gate", Static).render())
        assert "not approved" in gate
        assert dialog.query_one("#ok", Button).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert server.handler.received == []
        assert not (drafts / BUS / "sent.toml").exists()


async def test_queue_for_later_from_the_dialog(make_app, drafts: Path, server: Server) -> None:
    approve_lido(drafts)
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_send_from_library(pilot, LIDO)
        dialog.query_one("#send-at", Input).value = "2099-12-03T09:00"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, SendDialog)
        assert server.handler.received == []
        ledger = tomllib.loads((drafts / LIDO / "sent.toml").read_text(encoding="utf-8"))
        assert ledger["queued"][0]["state"] == "queued"
        assert "queued 3 Dec 09:00" in str(
            app.screen.query_one("#library-message", Static).render()
        )


async def test_editor_ctrl_r_opens_send(make_app, drafts: Path, server: Server) -> None:
    approve_lido(drafts)
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot, LIDO)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, SendDialog)
        assert app.screen.release is not None


async def test_press_list_screen_add_and_opt_out(make_app, drafts: Path) -> None:
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PressScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2  # migrated from [export] press_list
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "ed@paper.example.com")
        await pilot.press("tab")
        await type_text(pilot, "Ed [bold]Jones[/]")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert table.row_count == 3
        listed = press.load(drafts)
        assert listed.find("ed@paper.example.com").name == "Ed [bold]Jones[/]"
        table.move_cursor(row=0)
        await pilot.press("o")
        await settle(pilot)
        assert press.load(drafts).find(HERALD).opted_out is not None
        assert "press_list" not in (drafts / "newsroom.toml").read_text(encoding="utf-8")


async def test_send_settings_edited_by_hand_while_open_are_used(
    make_app, drafts: Path, server: Server
) -> None:
    """[send] added to newsroom.toml by hand after newsroom started: the Send dialog
    reads the file afresh (it once said "send.host: not set")."""
    settings = drafts / "newsroom.toml"
    with_send = settings.read_text(encoding="utf-8")
    settings.write_text(with_send.replace(server.settings_toml(), ""), encoding="utf-8")
    approve_lido(drafts)
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        settings.write_text(with_send, encoding="utf-8")  # the hand edit
        dialog = await open_send_from_library(pilot, LIDO)
        await pilot.press("ctrl+s")
        await wait_until(
            pilot,
            lambda: not dialog.busy and dialog.query_one("#send-results", DataTable).row_count == 2,
        )
        assert "sent 2" in str(dialog.query_one("#send-status", Static).render())

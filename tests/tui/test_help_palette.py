"""F1 help lists the screen's bindings; the command palette offers only what applies."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.widgets import DataTable

from newsroom.tui.commands import NewsroomCommands
from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.help import HelpScreen

from .conftest import BUS, open_release, palette_offers, settle, wait_until


def help_rows(app) -> dict[str, str]:
    table = app.screen.query_one("#help-keys", DataTable)
    return {
        str(table.get_row_at(i)[0]): str(table.get_row_at(i)[1]) for i in range(table.row_count)
    }


async def test_help_lists_every_binding(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = help_rows(app)
        for key in ("enter", "n", "d", "x", "e", "/", "ctrl+q", "f1", "ctrl+p"):
            assert key in rows, key
        await pilot.press("escape")
        app.open_release(BUS)
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        rows = help_rows(app)
        for key in (
            "ctrl+s",
            "f2",
            "f3",
            "f4",
            "f5",
            "f6",
            "f8",
            "ctrl+k",
            "ctrl+g",
            "ctrl+e",
            "esc",
        ):
            assert key in rows, key
        # Pane keys are listed too, the details pane's parts before it is first shown.
        assert rows["u"] == "Submit"
        assert rows["a"].startswith(("Add person", "Approve", "Add note"))
        assert rows["shift+up"] == "Move note up" and rows["n"] in {"New quote", "New caption"}


async def titles(app) -> list[str]:
    provider = NewsroomCommands(app.screen)
    return [hit.text for hit in [h async for h in provider.discover()]]


async def test_palette_offers_only_what_applies(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        library_titles = await titles(app)
        assert "Open release" in library_titles and "Spike release" in library_titles
        app.open_release(BUS)
        await settle(pilot)
        editor_titles = await titles(app)
        assert "Save" in editor_titles and "Open release" not in editor_titles
        # Searching runs the action.
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"quotes pane")
        await palette_offers(pilot, "Quotes pane")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.query_one("#panes").active == "quotes"


async def test_palette_reaches_pane_actions(make_app, drafts):
    from newsroom.tui.screens.form import FormDialog

    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, BUS)
        offered = await titles(app)
        assert "New quote" in offered and "Add a person" in offered
        # The TODO marker blocks submission and nothing is cleared: not offered.
        await pilot.press("f5")
        pane = app.screen.query_one("ApprovalPane")
        await wait_until(pilot, lambda: pane.assessment is not None, what="the checks")
        offered = await titles(app)
        assert "Submit for review" not in offered and "Approve" not in offered
        assert "Record a clearance" in offered
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"new quote")
        await palette_offers(pilot, "New quote")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and app.screen.id == "quote-form"

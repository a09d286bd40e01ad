"""The approval pane: J4 (submit, clear, approve, edit one word: stale, diff), refusals."""

from __future__ import annotations

import tomllib

from textual.widgets import Button, DataTable, Static, TextArea

from newsroom.tui.screens.editor import EditorScreen

from .conftest import BUS, LIDO, open_release, settle, wait_until


async def open_pane(pilot, slug: str) -> EditorScreen:
    app = pilot.app
    await open_release(pilot, slug)
    await pilot.press("f5")
    await settle(pilot)
    return app.screen


def signoffs(editor) -> list[tuple]:
    table = editor.query_one("#signoff-table", DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_j4_approve_then_edit_makes_it_stale(make_app, drafts):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_pane(pilot, LIDO)
        pane = editor.query_one("ApprovalPane")
        assert "quotes not cleared" in str(editor.query_one("#action-reasons").render())
        await pilot.press("u")  # submit
        await settle(pilot)
        assert pilot.app.screen.id == "submit-confirm"
        await pilot.press("enter")  # u asks first
        await settle(pilot)
        # Every speaker cleared their words (recorded by Priya), one quote at a time.
        for _ in range(3):
            if not pane.allowed("clear"):
                break
            await pilot.press("c")
            await settle(pilot)
            await pilot.press("ctrl+s")
            await settle(pilot)
        assert not pane.allowed("clear")
        assert not editor.query_one("#do-approve", Button).disabled
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pane.assessment.status == "approved"
        assert ("approval", "priya-raman", "2026-11-25 10:00", "valid", "") in signoffs(editor)
        data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
        actions = [e["action"] for e in data["history"]]
        assert actions[-1] == "approve" and "submit" in actions and "clear" in actions
        assert not editor.unsaved
        # Edit one word of the body: the approval goes stale and the diff shows the word.
        await pilot.press("f2")
        body = editor.query_one("#body", TextArea)
        body.focus()
        start = body.text.index("open-air lido")
        row = body.text[:start].count("\n")
        column = start - (body.text.rfind("\n", 0, start) + 1)
        body.move_cursor((row, column))
        await pilot.press(
            "shift+right",
            "shift+right",
            "shift+right",
            "shift+right",
            "shift+right",
            "shift+right",
            "shift+right",
            "shift+right",
        )
        await pilot.press(*"outdoor")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.unsaved, what="the save")
        await pilot.press("f5")
        await wait_until(pilot, lambda: pane.assessment.status == "stale")
        assert ("approval", "priya-raman", "2026-11-25 10:00", "stale", "") in signoffs(editor)
        diff = editor.query_one("#diff", TextArea).text
        assert any(line.startswith("-") and "open-air" in line for line in diff.splitlines())
        assert any(line.startswith("+") and "outdoor" in line for line in diff.splitlines())
        assert "approved by priya-raman" in str(editor.query_one("#diff-label").render())


async def test_actions_explain_why_not(make_app, drafts):
    app = make_app(user="tom-whitfield")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_pane(pilot, BUS)
        reasons = str(editor.query_one("#action-reasons", Static).render())
        assert editor.query_one("#do-approve", Button).disabled
        assert "tom-whitfield may not approve" in reasons
        assert "blocking check" in reasons  # the TODO marker blocks submission
        before = (drafts / BUS / "release.toml").read_bytes()
        await pilot.press("a")
        await settle(pilot)
        assert "Not now" in str(editor.query_one("#editor-message").render())
        assert (drafts / BUS / "release.toml").read_bytes() == before
        # Checks list errors first; choosing the marker jumps to its body line.
        table = editor.query_one("#check-table", DataTable)
        levels = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert levels == sorted(levels, key=lambda level: level != "error")
        markers = next(
            i for i in range(table.row_count) if str(table.get_row_at(i)[1]) == "markers"
        )
        table.focus()
        table.move_cursor(row=markers)
        await pilot.press("enter")
        await settle(pilot)
        body = editor.query_one("#body", TextArea)
        assert app.focused is body and body.cursor_location[0] == 2


async def test_unsaved_work_blocks_sign_off(make_app):
    app = make_app(user="david-osei")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_pane(pilot, LIDO)
        await pilot.press("f2")
        await pilot.press(*"New ")
        await pilot.press("f5")
        await wait_until(
            pilot, lambda: "save first" in str(editor.query_one("#action-reasons", Static).render())
        )
        reasons = str(editor.query_one("#action-reasons", Static).render())
        assert "save first" in reasons


async def test_the_chosen_check_is_shown_whole_under_the_table(make_app):
    """A long message is cut off in its table cell; the line under the table has it all."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_pane(pilot, LIDO)
        pane = editor.query_one("ApprovalPane")
        await wait_until(pilot, lambda: pane.assessment is not None)
        assert pane.assessment.checks, "the sample draft has findings to show"
        table = pane.query_one("#check-table", DataTable)
        table.focus()
        for index, row in enumerate(pane.assessment.checks):
            table.move_cursor(row=index)
            await settle(pilot)
            shown = str(pane.query_one("#check-detail", Static).render())
            assert " ".join(row.message.split()) in " ".join(shown.split()), (index, shown)
            assert row.id in shown

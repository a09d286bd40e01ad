"""The Approval pane's waive action, submit's confirmation and the clearance dialog."""

from __future__ import annotations

import tomllib

from textual.widgets import DataTable, Input, Select, Static, TextArea

from .conftest import BUS, LIDO, open_editor, settle, type_text, wait_until


def rows(editor, table_id: str) -> list[tuple[str, ...]]:
    table = editor.query_one(table_id, DataTable)
    return [tuple(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]


async def test_an_approver_waives_a_blocking_check_with_a_reason(make_app, drafts):
    app = make_app(user="david-osei")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f5")
        pane = editor.query_one("ApprovalPane")
        await wait_until(pilot, lambda: pane.assessment is not None)
        assert pane.assessment.waivable == ["markers"]  # never "cleared"
        editor.query_one("#check-table", DataTable).focus()
        await pilot.press("w")
        await settle(pilot)
        assert app.screen.id == "waive-form"
        assert app.screen.query_one("#field-check", Select).value == "markers"
        await pilot.press("ctrl+s")  # no reason yet: refused
        await settle(pilot)
        assert app.screen.id == "waive-form"
        assert "reason" in str(app.screen.query_one("#form-error", Static).render())
        app.screen.query_one("#field-reason", Input).focus()
        await type_text(pilot, "TODO is the consultation's own name")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        data = tomllib.loads((drafts / BUS / "release.toml").read_text("utf-8"))
        (waiver,) = data["waivers"]
        assert (waiver["check"], waiver["by"], waiver["reason"]) == (
            "markers",
            "david-osei",
            "TODO is the consultation's own name",
        )
        assert data["history"][-1]["action"] == "waive"
        await wait_until(
            pilot, lambda: ("waived", "markers") in [r[:2] for r in rows(editor, "#check-table")]
        )
        assert any(
            r[0] == "waiver of markers" and r[3] == "valid" for r in rows(editor, "#signoff-table")
        )
        # Any edit makes the waiver stale: the check blocks again.
        await pilot.press("f2")
        body = editor.query_one("#body", TextArea)
        body.focus()
        body.move_cursor((0, 0))
        await type_text(pilot, "X")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("f5")
        await wait_until(
            pilot, lambda: ("error", "markers") in [r[:2] for r in rows(editor, "#check-table")]
        )
        assert any(
            r[0] == "waiver of markers" and "stale" in r[3] for r in rows(editor, "#signoff-table")
        )


async def test_a_non_approver_is_not_offered_the_waiver(make_app, drafts):
    app = make_app(user="amira-okafor")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f5")
        pane = editor.query_one("ApprovalPane")
        await wait_until(pilot, lambda: pane.assessment is not None)
        assert not pane.allowed("waive")
        assert "may not approve" in pane.assessment.actions["waive"].reason
        await pilot.press("w")
        await settle(pilot)
        assert app.screen is editor
        assert "waivers" not in tomllib.loads((drafts / BUS / "release.toml").read_text("utf-8"))


async def test_u_asks_before_submitting(make_app, drafts):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        await pilot.press("f5")
        pane = editor.query_one("ApprovalPane")
        await wait_until(pilot, lambda: pane.allowed("submit"))
        await pilot.press("u")
        await settle(pilot)
        assert app.screen.id == "submit-confirm"
        await pilot.press("escape")
        await settle(pilot)
        history = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8")).get(
            "history", []
        )
        assert all(e["action"] != "submit" for e in history)


async def test_the_clearance_dialog_offers_the_speaker_and_a_separate_channel(make_app, drafts):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        await pilot.press("f5")
        pane = editor.query_one("ApprovalPane")
        await wait_until(pilot, lambda: pane.allowed("clear"))
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert form.id == "clear-form"
        by = form.query_one("#field-by", Select)
        specs = {spec.name: spec for spec in form.fields}
        people = {value for _, value in specs["by"].options}
        assert people and people <= set(app.library.people) and "email" not in people
        assert {value for _, value in specs["via"].options} >= {"email", "phone"}
        quote = form.query_one("#field-quote", Select)
        first = editor.release.quote(str(quote.value))
        assert by.value == first.speaker
        form.query_one("#field-via", Select).value = "phone"
        await pilot.press("ctrl+s")
        await settle(pilot)
        data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
        clearance = data["clearances"][-1]
        assert (clearance["quote"], clearance["by"], clearance["via"]) == (
            first.id,
            first.speaker,
            "phone",
        )

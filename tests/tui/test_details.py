"""The details pane (F8): captions made and placed like quotes (ctrl+g), notes to
editors added, edited, reordered and removed, and references to nothing flagged
under the body as you type."""

from __future__ import annotations

import tomllib

from textual.widgets import DataTable, Input, Static, TextArea

from newsroom.tui.panes.details import DetailsPane
from newsroom.tui.panes.preview import PreviewPane
from newsroom.tui.screens.choice import ChoiceDialog
from newsroom.tui.screens.form import FormDialog
from newsroom.tui.screens.pick_quote import CaptionPicker

from .conftest import BUS, LIDO, open_editor, settle, type_text, wait_until


def saved(drafts, slug: str) -> dict:
    return tomllib.loads((drafts / slug / "release.toml").read_text("utf-8"))


def flag_text(editor) -> str:
    found = list(editor.query("#body-references"))
    if not found or not found[0].display:
        return ""
    return str(found[0].render())


async def fill_form(pilot, values: dict[str, str]) -> None:
    form = pilot.app.screen
    assert isinstance(form, FormDialog)
    for name, text in values.items():
        form.query_one(f"#field-{name}").focus()
        await type_text(pilot, text)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_f8_shows_the_details_and_the_drafting_pane_no_longer_holds_them(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        assert not list(editor.query(DetailsPane))  # mounted when first needed
        for moved in ("#contact-name", "#notes", "#about", "#imprint"):
            assert not list(editor.query(moved)), moved
        await pilot.press("f8")
        await settle(pilot)
        assert app.focused is editor.query_one("#caption-table")
        assert editor.query_one("#contact-name", Input).value == "Priya Raman"
        assert editor.query_one("#about", TextArea).text.startswith("Hollinsbury Progressives")
        notes = editor.query_one("#note-table", DataTable)
        assert notes.row_count == 3
        assert str(notes.get_row_at(2)[1]).startswith("High-resolution photographs")


async def test_contact_about_and_imprint_typed_are_saved(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f8")
        await settle(pilot)
        for widget_id, text in (
            ("contact-email", "press@eastfield.example"),
            ("about", "Eastfield Bus Users' Group speaks for riders."),
            ("imprint", "Promoted by H Marsh, 1 Depot Row."),
        ):
            widget = editor.query_one(f"#{widget_id}")
            widget.focus()
            if isinstance(widget, Input):
                widget.value = ""
            else:
                widget.clear()
            await type_text(pilot, text)
        await settle(pilot)
        assert editor.unsaved
        await pilot.press("ctrl+s")
        await settle(pilot)
    data = saved(drafts, BUS)
    assert data["contact"]["email"] == "press@eastfield.example"
    assert data["about"] == "Eastfield Bus Users' Group speaks for riders."
    assert data["imprint"] == "Promoted by H Marsh, 1 Depot Row."


async def test_notes_added_edited_reordered_and_removed(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        original = list(editor.release.notes_to_editors)
        await pilot.press("f8")
        await settle(pilot)
        table = editor.query_one("#note-table", DataTable)
        table.focus()
        table.move_cursor(row=2)  # the last note: the new one goes after it
        await pilot.press("a")
        await settle(pilot)
        await fill_form(pilot, {"text": "Photographs:\nsee the press office."})
        assert editor.release.notes_to_editors == [*original, "Photographs: see the press office."]
        # Move the new note up twice: it becomes the second.
        await pilot.press("shift+up", "shift+up")
        await settle(pilot)
        assert editor.release.notes_to_editors[1] == "Photographs: see the press office."
        assert table.cursor_row == 1
        # Edit the first, remove the third (the lido's history note).
        table.move_cursor(row=0)
        await pilot.press("e")
        await settle(pilot)
        editor_form = app.screen
        area = editor_form.query_one("#field-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)
        await type_text(pilot, " Edited.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        table.move_cursor(row=2)
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not editor.unsaved
    notes = saved(drafts, LIDO)["notes_to_editors"]
    assert notes == [original[0] + " Edited.", "Photographs: see the press office.", original[2]]


async def test_new_caption_placed_at_the_body_cursor_with_ctrl_g(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        body = editor.query_one("#body", TextArea)
        before = body.text.split("\n")
        body.focus()
        body.move_cursor((1, 0))  # the blank line after the lead
        assert not before[1].strip()
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, CaptionPicker)
        await pilot.press("end", "enter")  # "+ New caption…"
        await settle(pilot)
        await fill_form(pilot, {"text": "Riders at the Eastfield depot.", "credit": "Helen Marsh"})
        assert app.screen is editor and app.focused is body
        await pilot.press("ctrl+s")
        await settle(pilot)
        caption_id = editor.release.captions[-1].id
    lines = (drafts / BUS / "body.md").read_text("utf-8").split("\n")
    assert lines[:4] == [before[0], "", f"{{{{< caption {caption_id} >}}}}", ""]
    assert saved(drafts, BUS)["captions"][-1] == {
        "id": caption_id,
        "text": "Riders at the Eastfield depot.",
        "credit": "Helen Marsh",
    }


async def test_existing_caption_placed_from_the_palette_entry_and_previewed(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        body = editor.query_one("#body", TextArea)
        end = body.document.line_count - 1
        body.move_cursor((end, 0))
        await editor.run_action("insert_caption")
        await settle(pilot)
        assert isinstance(app.screen, CaptionPicker)
        await pilot.press("enter")  # the lido's one caption, "gates"
        await settle(pilot)
        assert editor.release.body.count("{{< caption gates >}}") == 2
        await pilot.press("f6")
        preview = editor.query_one(PreviewPane)
        await wait_until(pilot, lambda: preview.text.count("Station Road.") >= 2)
        assert "[Photo: Cllr Amira Okafor (left)" in preview.text


async def test_deleting_a_placed_caption_asks_and_removes_its_line(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot, LIDO)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#answer-delete")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert "caption" not in (drafts / LIDO / "body.md").read_text("utf-8")
    assert "captions" not in saved(drafts, LIDO)


async def test_unknown_reference_flagged_under_the_body_as_you_type(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        assert flag_text(editor) == ""
        body = editor.query_one("#body", TextArea)
        body.focus()
        row = body.text.split("\n").index("{{< caption gates >}}")
        # Type an "s" onto the id: "gatess" names no caption.
        body.move_cursor((row, len("{{< caption gates")))
        await pilot.press("s")
        await wait_until(pilot, lambda: "gatess" in flag_text(editor))
        assert f"Body line {row + 1}: no caption called 'gatess'" in flag_text(editor)
        await pilot.press("f6")
        preview = editor.query_one(PreviewPane)
        await wait_until(pilot, lambda: "(Not shown: Body line" in preview.text)
        # A quote to nothing too, typed on a line of its own at the end.
        body.focus()
        body.move_cursor(body.document.end)
        await type_text(pilot, "\n\n{{< quote nobody >}}")
        await wait_until(pilot, lambda: "'nobody'" in flag_text(editor))
        # Mend both: the flag goes.
        await pilot.press("ctrl+z")
        await settle(pilot)
        body.move_cursor((row, len("{{< caption gatess")))
        await pilot.press("backspace")
        await wait_until(pilot, lambda: flag_text(editor) == "")
        await wait_until(pilot, lambda: "(Not shown" not in preview.text)
        assert not str(editor.query_one("#editor-message", Static).render()).startswith("Not saved")


async def test_a_check_about_the_contact_jumps_to_the_details_pane(make_app):
    from newsroom.tui.messages import JumpTo

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        editor.post_message(JumpTo(field="contact-name"))
        await settle(pilot)
        assert app.focused is editor.query_one("#contact-name", Input)


async def test_a_half_typed_timezone_is_an_inline_message(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        zone = editor.query_one("#embargo-zone", Input)
        zone.value = ""
        zone.focus()
        await type_text(pilot, "Europe")
        await settle(pilot)
        assert "Unknown timezone" in str(editor.query_one("#embargo-zone-error").render())

"""The editor: J1 (write and save a release), J5 (unsaved work and changes on disk)."""

from __future__ import annotations

import tomllib
from datetime import date

from textual.widgets import Input, Static, TextArea

from newsroom.tui.screens.choice import ChoiceDialog
from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.library import LibraryScreen

from .conftest import BUS, LIDO, open_editor, settle, type_text, wait_until


async def test_j1_create_type_and_save(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Library hours extended")
        await pilot.press("enter")
        await settle(pilot)
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        slug = editor.slug
        assert slug == "2026-11-25-library-hours-extended"
        assert app.focused.id == "body"  # a headline was given: straight to writing
        editor.query_one("#headline", Input).focus()
        await settle(pilot)
        await type_text(pilot, " at weekends")
        await pilot.press("tab")
        await type_text(pilot, "Saturday and Sunday opening from January.")
        await pilot.press("tab")
        await type_text(pilot, "Hollinsbury")
        await pilot.press("tab")
        await type_text(pilot, "2026-11-26")
        editor.query_one("#body", TextArea).focus()
        await type_text(
            pilot, "The town library will open at weekends.\n\nVolunteers will staff the desk."
        )
        assert "unsaved" in editor.sub_title
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "unsaved" not in editor.sub_title
        data = tomllib.loads((drafts / slug / "release.toml").read_text("utf-8"))
        assert data["headline"] == "Library hours extended at weekends"
        assert data["standfirst"] == "Saturday and Sunday opening from January."
        assert data["dateline"] == {"place": "Hollinsbury", "date": date(2026, 11, 26)}
        assert (drafts / slug / "body.md").read_text("utf-8") == (
            "The town library will open at weekends.\n\nVolunteers will staff the desk."
        )


async def test_bad_date_is_an_inline_message(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        date_input = editor.query_one("#date", Input)
        date_input.focus()
        await type_text(pilot, "31/02/2026")
        await settle(pilot)
        assert "YYYY-MM-DD" in str(editor.query_one("#date-error", Static).render())
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not saved" in str(editor.query_one("#editor-message", Static).render())
        embargo = editor.query_one("#embargo-time", Input)
        embargo.value = "25:99"
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)


async def test_embargo_fields_round_trip(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        assert editor.query_one("#embargo-date", Input).value == "2026-11-26"
        assert editor.query_one("#embargo-time", Input).value == "00:01"
        editor.query_one("#embargo-time", Input).value = "09:30"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
        until = data["embargo"]["until"]
        assert (until.hour, until.minute, until.utcoffset().total_seconds()) == (9, 30, 0)


async def test_j5_quit_with_unsaved_changes_asks(make_app, drafts):
    before = (drafts / BUS / "body.md").read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        editor.query_one("#body", TextArea).focus()
        await type_text(pilot, "Urgent: ")
        await pilot.press("ctrl+q")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # cancel: still editing, nothing lost
        await settle(pilot)
        assert app.screen is editor and editor.unsaved
        assert (drafts / BUS / "body.md").read_bytes() == before
        await pilot.press("escape")  # back to the library asks too
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#answer-save")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
    assert (drafts / BUS / "body.md").read_text("utf-8").startswith("Urgent: Residents")


async def test_j5_discard_leaves_files_alone(make_app, drafts):
    before = (drafts / BUS / "release.toml").read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot, BUS)
        await type_text(pilot, "!!")
        await pilot.press("ctrl+q")
        await settle(pilot)
        await pilot.click("#answer-discard")
        await settle(pilot)
    assert (drafts / BUS / "release.toml").read_bytes() == before
    assert app.return_code == 0


async def test_j5_body_changed_on_disk_is_detected(make_app, drafts):
    body_path = drafts / BUS / "body.md"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        area = editor.query_one("#body", TextArea)
        area.focus()
        await type_text(pilot, "Mine: ")
        theirs = "Theirs: written in another editor.\n"
        body_path.write_text(theirs, "utf-8")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert app.screen.id == "disk-dialog"
        await pilot.click("#answer-keep")
        await settle(pilot)
        # Their file is untouched until I save; my text is still in the editor.
        assert body_path.read_text("utf-8") == theirs
        assert area.text.startswith("Mine: Residents")
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Overwriting theirs only after seeing the diff and confirming.
        assert app.screen.id == "conflict-diff"
        assert body_path.read_text("utf-8") == theirs
        await pilot.click("#answer-overwrite")
        await settle(pilot)
        assert body_path.read_text("utf-8").startswith("Mine: Residents")


async def test_j5_reload_takes_their_version(make_app, drafts):
    body_path = drafts / BUS / "body.md"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        body_path.write_text("Theirs only.\n\n{{< quote marsh >}}\n", "utf-8")
        await wait_until(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        assert app.screen.id == "disk-dialog"
        await pilot.click("#answer-reload")
        await settle(pilot)
        assert editor.query_one("#body", TextArea).text.startswith("Theirs only.")
        assert not editor.unsaved


async def test_leaving_with_text_that_cannot_be_saved_asks_first(make_app, drafts):
    """An invalid date leaves the release unchanged, but what was typed is work:
    leaving asks, Save refuses with the reason, Discard leaves the files alone."""
    from textual.widgets import Input, Static

    before = (drafts / BUS / "release.toml").read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        editor.query_one("#date", Input).value = "24/11/2026"
        await settle(pilot)
        assert not editor.unsaved  # nothing applied to the release...
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)  # ...and still it asks
        question = str(app.screen.query_one(".question", Static).render())
        assert "date field is not saved" in question and "YYYY-MM-DD" in question
        await pilot.click("#answer-save")
        await settle(pilot)
        assert app.screen is editor  # refused: the date cannot be saved
        assert "Not saved" in str(editor.query_one("#editor-message", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#answer-discard")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
    assert (drafts / BUS / "release.toml").read_bytes() == before

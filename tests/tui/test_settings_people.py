"""The Settings and People screens: files on disk, comments kept, effects without a restart."""

from __future__ import annotations

import json
import tomllib

from textual.command import CommandPalette
from textual.widgets import DataTable, Input, OptionList, Select, Static

from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.tui.screens.people import PeopleScreen
from newsroom.tui.screens.settings import SettingsScreen

from .conftest import LIDO, open_editor, settle, type_text, wait_until

LONG_HEADLINE = (
    "Hollinsbury Lido to reopen next summer after town council backs "
    "residents' campaign, with free swims for every child in the town"
)


async def palette(pilot, words: str) -> None:
    """Run a palette command by typing its title, as a person would."""
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, CommandPalette))
    await type_text(pilot, words)
    await wait_until(pilot, lambda: pilot.app.screen.query_one(OptionList).option_count > 0)
    await pilot.press("enter")
    await settle(pilot)


async def retype(pilot, widget: Input, text: str) -> None:
    widget.focus()
    widget.value = ""
    await type_text(pilot, text)
    await settle(pilot)


def check_rows(editor) -> list[tuple[str, str]]:
    table = editor.query_one("#check-table", DataTable)
    return [
        (str(table.get_row_at(i)[0]), str(table.get_row_at(i)[1])) for i in range(table.row_count)
    ]


async def test_a_severity_set_in_settings_changes_the_open_editors_checks(make_app, drafts, capsys):
    lib = Library.open(drafts)
    release = lib.load(LIDO)
    release.headline = LONG_HEADLINE
    lib.save(release)
    assert len(LONG_HEADLINE) > 110
    settings_before = (drafts / "newsroom.toml").read_text("utf-8")
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        await pilot.press("f5")
        await wait_until(pilot, lambda: ("warning", "headline-length") in check_rows(editor))
        await palette(pilot, "settings")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#setting-checks-headline-length", Select).value = "error"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        # Only that value was added; every comment and every other byte stays.
        assert (drafts / "newsroom.toml").read_text("utf-8") == settings_before.replace(
            "headline_max = 110\n", 'headline_max = 110\nheadline-length = "error"\n'
        )
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor
        # The open editor's checks follow without a restart.
        await wait_until(pilot, lambda: ("error", "headline-length") in check_rows(editor))
        assert (
            "headline-length"
            in editor.query_one("ApprovalPane").assessment.actions["submit"].reason
        )
    # And the next CLI command sees it too.
    capsys.readouterr()
    assert main(["--drafts", str(drafts), "check", LIDO, "--json"]) == 1
    rows = json.loads(capsys.readouterr().out)["results"]
    assert {"id": "headline-length", "blocking": True}.items() <= next(
        r for r in rows if r["id"] == "headline-length"
    ).items()


async def test_settings_validate_as_you_type_and_write_nothing_bad(make_app, drafts):
    before = (drafts / "newsroom.toml").read_bytes()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await retype(pilot, screen.query_one("#setting-export-width", Input), "5")
        assert "out of range" in str(screen.query_one("#error-export-width", Static).render())
        await retype(pilot, screen.query_one("#setting-rules-approvals_required", Input), "two")
        assert "whole number" in str(
            screen.query_one("#error-rules-approvals_required", Static).render()
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert (drafts / "newsroom.toml").read_bytes() == before
        await retype(pilot, screen.query_one("#setting-export-width", Input), "64")
        await retype(pilot, screen.query_one("#setting-rules-approvals_required", Input), "2")
        assert str(screen.query_one("#error-export-width", Static).render()) == ""
        await pilot.press("ctrl+s")
        await settle(pilot)
        data = tomllib.loads((drafts / "newsroom.toml").read_text("utf-8"))
        assert data["export"]["width"] == 64 and data["rules"]["approvals_required"] == 2
        assert app.library.settings.width == 64
        assert app.library.settings.rules.approvals_required == 2


async def test_a_broken_settings_file_is_shown_with_its_position_and_never_overwritten(
    make_app, drafts
):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        path = drafts / "newsroom.toml"
        broken = path.read_text("utf-8").replace("political = true", "political = maybe")
        path.write_text(broken, "utf-8")
        await pilot.press("f9")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        problem = str(screen.query_one("#settings-problem", Static).render())
        assert "newsroom.toml:5:" in problem
        assert screen.query_one("#setting-organisation-name", Input).disabled
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert path.read_text("utf-8") == broken
        # The settings in use stay as they were.
        assert app.library.settings.political is True


async def test_a_hand_edit_is_picked_up_by_reload_and_by_reopening(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        path = drafts / "newsroom.toml"
        path.write_text(path.read_text("utf-8").replace("width = 72", "width = 66"), "utf-8")
        await pilot.press("f5")  # the library's reload
        await settle(pilot)
        assert app.library.settings.width == 66
        path.write_text(path.read_text("utf-8").replace("width = 66", "width = 70"), "utf-8")
        await open_editor(pilot, LIDO)
        assert app.library.settings.width == 70


COMMENTED_PEOPLE = """\
# Everyone we quote. Ask before adding a councillor.
schema = 1

[people.priya-raman]  # the press officer
name = "Priya Raman"
role = "Press Officer"
organisation = "Hollinsbury Progressives"
email = "press@hollinsbury-progressives.example.org.uk"

[people.david-osei]
name = "David Osei"
role = "Branch Chair"

[people.amira-okafor]
name = "Cllr Amira Okafor"
role = "Vice Chair of Hollinsbury Progressives"

[people.tom-whitfield]
name = "Tom Whitfield"
role = "Chair of the Friends of Hollinsbury Lido"

[people.helen-marsh]
name = "Helen Marsh"
role = "Secretary"
"""


async def test_people_screen_adds_edits_and_removes_keeping_comments(make_app, drafts):
    (drafts / "people.toml").write_text(COMMENTED_PEOPLE, "utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, PeopleScreen)
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.id == "person-form"
        await type_text(pilot, "Jo Bloggs")
        await settle(pilot)
        app.screen.query_one("#field-role", Input).value = "Treasurer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = (drafts / "people.toml").read_text("utf-8")
        assert text.startswith(COMMENTED_PEOPLE)
        assert tomllib.loads(text)["people"]["jo-bloggs"] == {
            "name": "Jo Bloggs",
            "role": "Treasurer",
        }
        table = app.screen.query_one("#people-list", DataTable)
        table.move_cursor(row=table.get_row_index("helen-marsh"))
        await pilot.press("e")
        await settle(pilot)
        role = app.screen.query_one("#field-role", Input)
        role.value = "Branch Secretary"
        await pilot.press("ctrl+s")
        await settle(pilot)
        text = (drafts / "people.toml").read_text("utf-8")
        assert 'role = "Branch Secretary"' in text
        assert "[people.priya-raman]  # the press officer" in text
        table.move_cursor(row=table.get_row_index("jo-bloggs"))
        await pilot.press("x")
        await settle(pilot)
        assert app.screen.id == "remove-person"
        await pilot.press("enter")
        await settle(pilot)
        text = (drafts / "people.toml").read_text("utf-8")
        assert "jo-bloggs" not in text and "# Everyone we quote." in text
        assert "jo-bloggs" not in app.library.people


async def test_adding_a_person_in_the_editor_does_not_mark_the_release_unsaved(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        await pilot.press("f4")
        await settle(pilot)
        editor.query_one("#people-table", DataTable).focus()
        await pilot.press("a")
        await settle(pilot)
        assert app.screen.id == "person-form"
        await type_text(pilot, "Sam Lee")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is editor
        assert "sam-lee" in tomllib.loads((drafts / "people.toml").read_text("utf-8"))["people"]
        assert not editor.unsaved and "unsaved" not in editor.sub_title


async def test_people_screen_from_the_editor_palette_updates_the_attribution_pane(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        await pilot.press("f4")
        await settle(pilot)
        await palette(pilot, "people")
        assert isinstance(app.screen, PeopleScreen)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Kim Ode")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is editor and not editor.unsaved
        people = editor.query_one("#people-table", DataTable)
        await wait_until(pilot, lambda: "kim-ode" in [str(k.value) for k in people.rows])


async def test_the_person_form_validates_as_you_type(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Priya")
        ident = app.screen.query_one("#field-id", Input)
        await retype(pilot, ident, "priya-raman")
        error = app.screen.query_one("#form-error", Static)
        assert "already has the id 'priya-raman'" in str(error.render())
        await retype(pilot, ident, "priya-two")
        assert str(error.render()) == ""

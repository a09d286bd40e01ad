"""The editor's face (issue 13): focus you can see and predict, layouts that
hold from 80x24 to 200x60, and no keystroke lost or misplaced.

Key bursts are sent the way a terminal sends them: every key handed to the app
at once, with no pause for the app to catch up (Pilot's ``press`` waits after
each key, which hides exactly the races these tests are about).
"""

from __future__ import annotations

import tomllib

import pytest
from textual import events
from textual.widgets import DataTable, Input, TextArea

from newsroom.tui.footer import NewsroomFooter
from newsroom.tui.keyboard import typable
from newsroom.tui.layout import BODY_MIN, fits_side_by_side
from newsroom.tui.panes.preview import PreviewPane
from newsroom.tui.screens.editor import EditorScreen

from .conftest import BUS, LIDO, open_editor, settle, wait_until

SIZES = [(80, 24), (100, 30), (120, 40), (200, 60)]
# Spaces Python's str.isprintable() calls unprintable, so Textual dropped them.
SPACES = "\u00a0\u2009\u202f\u2007\u3000"
NAMES = {" ": "space", "\t": "tab", "\n": "enter", "\r": "enter", "\x1b": "escape"}


def key(name_or_char: str) -> events.Key:
    """A Key as the terminal driver makes it (character included, even for
    the spaces Pilot cannot name)."""
    if len(name_or_char) == 1:
        name = NAMES.get(name_or_char)
        if name is None:
            name = name_or_char if name_or_char.isalnum() else f"u{ord(name_or_char):04x}"
        character = {"enter": "\r", "tab": "\t", "escape": "\x1b"}.get(name, name_or_char)
        return events.Key(name, character)
    return events.Key(name_or_char, None)


def burst(pilot, *parts: str | list[str]) -> None:
    """Hand keys to the app all at once: strings are typed character by
    character, lists hold key names ("tab", "f4", "ctrl+s")."""
    app = pilot.app
    for part in parts:
        for item in part if isinstance(part, list) else list(part):
            event = key(item)
            event.set_sender(app)
            app._driver.send_message(event)


def on_disk(drafts, slug: str) -> tuple[dict, str]:
    release = tomllib.loads((drafts / slug / "release.toml").read_text("utf-8"))
    return release, (drafts / slug / "body.md").read_text("utf-8")


# -- focus -----------------------------------------------------------------------


async def test_new_release_opens_with_the_cursor_in_the_body(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Ferry fares frozen", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
        editor = app.screen
        body = editor.query_one("#body", TextArea)
        assert app.focused is body
        assert body.highlight_cursor_line
        # The headline does not look active: no cursor line lit elsewhere.
        await pilot.press("f", "o", "o")
        await settle(pilot)
        assert editor.release.headline == "Ferry fares frozen"
        assert editor.release.body.endswith("foo")


async def test_a_release_without_headline_opens_in_the_headline(make_app, drafts):
    path = drafts / BUS / "release.toml"
    text = path.read_text("utf-8")
    data = tomllib.loads(text)
    path.write_text(text.replace(f'headline = "{data["headline"]}"', 'headline = ""'), "utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_release(BUS, cursor="auto")
        await settle(pilot)
        headline = app.screen.query_one("#headline", Input)
        assert app.focused is headline
        body = app.screen.query_one("#body", TextArea)
        assert not body.highlight_cursor_line  # the body does not look active


async def test_f2_always_lands_in_the_body(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        body = editor.query_one("#body", TextArea)
        assert app.focused is editor.query_one("#headline", Input)
        for start in ("#headline", "#place", "#body"):
            editor.query_one(start).focus()
            await pilot.press("f2")
            assert app.focused is body, start
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert app.focused is body


async def test_tab_order_follows_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        pane = editor.query_one("#drafting-pane")
        chain = [w for w in editor.focus_chain if pane in w.ancestors]
        # Down the fields' column, then across to the body.
        places = [(w.region.x > 40, w.virtual_region.y) for w in chain]
        assert places == sorted(places)
        assert chain[0].id == "headline" and chain[-1].id == "body"
        for expected in chain[1:4]:
            await pilot.press("tab")
            assert app.focused is expected


async def test_the_focused_field_is_marked(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, BUS)
        headline = editor.query_one("#headline", Input)
        standfirst = editor.query_one("#standfirst", Input)
        body = editor.query_one("#body", TextArea)
        # A bar and a tint on the focused one-line field; none on the others.
        assert headline.styles.border_left[0] == "tall"
        assert standfirst.styles.border_left[0] == "blank"
        assert headline.styles.background != standfirst.styles.background
        assert body.styles.border_top[0] == "round"  # not focused: quiet
        await pilot.press("f2")
        await settle(pilot)
        assert body.styles.border_top[0] == "heavy"
        assert headline.styles.border_left[0] == "blank"


async def test_edit_opens_the_editor_at_the_end_of_the_body(drafts, monkeypatch):
    from newsroom.tui.app import NewsroomApp

    from .conftest import FIXED_NOW

    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    app = NewsroomApp(drafts, clock=lambda: FIXED_NOW, edit=BUS)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
        body = app.screen.query_one("#body", TextArea)
        assert app.focused is body
        assert body.cursor_location == body.document.end
        await pilot.press("escape")  # back to the library underneath
        await settle(pilot)
        assert app.screen.id != "editor"


def test_edit_of_a_missing_release_fails_before_the_screen_is_taken(drafts, capsys):
    from newsroom.cli import main

    assert main(["--drafts", str(drafts), "edit", "no-such-release"]) == 2
    assert "no-such-release" in capsys.readouterr().err


# -- layout ----------------------------------------------------------------------


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
async def test_layout_holds(make_app, size):
    width, height = size
    app = make_app()
    async with app.run_test(size=size) as pilot:
        editor = await open_editor(pilot, LIDO)
        body = editor.query_one("#body", TextArea)
        preview = editor.query_one(PreviewPane)
        side = fits_side_by_side(width, app.library.settings.width)
        # Wide terminals start with the preview beside the body, others without.
        assert preview.display == side
        assert body.region.width >= BODY_MIN
        if side:
            await pilot.press("f6")
            await settle(pilot)
            assert not preview.display and body.region.width >= BODY_MIN
        await pilot.press("f6")
        await settle(pilot)
        assert preview.display
        if side:
            assert body.region.width >= BODY_MIN  # the body is never squeezed
        else:
            # Instead of squeezing the body, the preview takes the panes' place.
            assert not editor.query_one("#panes").display
            assert preview.region.width == width
            assert app.focused is editor.query_one("#preview-text")
        area = editor.query_one("#preview-text", TextArea)
        await wait_until(pilot, lambda: "Hollinsbury" in area.text)
        assert area.soft_wrap
        # Every export line fits whole: nothing is wrapped or cut at the right.
        assert area.wrapped_document.height == area.document.line_count
        assert max(len(line) for line in area.text.splitlines()) <= area.content_size.width
        if not side:
            await pilot.press("f6")
            await settle(pilot)
            assert editor.query_one("#panes").display and body.region.width >= BODY_MIN
            assert app.focused is editor.query_one("#headline", Input)  # as before


async def test_a_pane_key_brings_the_panes_back_from_a_full_preview(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f6")
        await settle(pilot)
        assert editor.has_class("-preview-full")
        await pilot.press("f2")
        await settle(pilot)
        assert not editor.query_one(PreviewPane).display
        assert app.focused is editor.query_one("#body")


async def test_shrinking_the_terminal_gives_the_body_back(make_app):
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        editor = await open_editor(pilot, BUS)
        assert editor.query_one(PreviewPane).display
        await pilot.resize_terminal(100, 30)
        await settle(pilot)
        assert not editor.query_one(PreviewPane).display
        assert editor.query_one("#body").region.width >= BODY_MIN


@pytest.mark.parametrize("screen", ["library", "editor"])
async def test_footer_keeps_the_essential_keys_at_80_columns(make_app, screen):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        keys = ["ctrl+q", "f1"]
        if screen == "editor":
            await open_editor(pilot, BUS)
            keys += ["ctrl+s", "f2", "f3", "f4", "f5", "f6", "escape"]
        await settle(pilot)
        footer = app.screen.query_one(NewsroomFooter)
        shown = {item.key: item.region for item in footer.query("FooterKey")}
        for name in keys:
            assert name in shown, name
            region = shown[name]
            assert region.width > 0 and region.right <= 80, name


async def test_the_palette_key_covers_the_footers_last_column(make_app):
    # The attribution pane's keys overflow a 120-column footer: the docked
    # "^p palette" must reach the edge, or a cut-off key's letter shows there.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot, BUS)
        await pilot.press("f4")
        await settle(pilot)
        footer = app.screen.query_one(NewsroomFooter)
        (palette,) = footer.query("FooterKey.-command-palette")
        assert palette.region.right == footer.region.right == 120


async def test_help_scrolls_and_fits_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_editor(pilot, BUS)
        await pilot.press("f1")
        await settle(pilot)
        table = app.screen.query_one("#help-keys", DataTable)
        assert app.focused is table
        assert table.region.bottom <= 24 and table.region.height >= 5
        assert table.max_scroll_y > 0  # more keys than rows: it must scroll
        for _ in range(6):
            await pilot.press("pagedown")
        await settle(pilot)
        assert table.scroll_y == table.max_scroll_y
        assert table.cursor_row == table.row_count - 1


async def test_status_takes_one_line_and_expires(make_app, monkeypatch):
    monkeypatch.setattr("newsroom.tui.status.STATUS_SECONDS", 0.3)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, BUS)
        line = editor.query_one("#editor-message")
        editor.say("Not saved: " + "a very long reason that goes on " * 8)
        await settle(pilot)
        assert line.region.height == 1
        assert line.said.startswith("Not saved")
        await wait_until(pilot, lambda: line.said == "")


async def test_dateline_placeholder_is_generic(make_app, drafts):
    path = drafts / BUS / "release.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    place = data["dateline"]["place"]
    path.write_text(path.read_text("utf-8").replace(f'place = "{place}"', 'place = ""'), "utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        field = editor.query_one("#place", Input)
        assert field.value == ""
        assert field.placeholder == "Town or city"
        assert "Hollinsbury" not in field.placeholder


# -- keystrokes ------------------------------------------------------------------


def test_typable_characters():
    for character in SPACES + "a é—“\u00ad\u200d":
        assert typable(character), repr(character)
    for character in "\x1b\x07\u202e\u2028" + "":
        assert not typable(character), repr(character)
    assert not typable(None) and not typable("ab")


async def test_non_ascii_spaces_reach_every_kind_of_field(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        burst(pilot, ["end"], f"a{SPACES}b")
        await wait_until(pilot, lambda: editor.release.headline.endswith("b"))
        typed = f"Lib{SPACES[0]}Dems{SPACES[1]}x"
        # At the body's cursor (its start); ctrl+s in the same burst saves
        # only once the typing before it has landed.
        burst(pilot, ["f2"], typed, ["ctrl+s"])
        await wait_until(pilot, lambda: typed in (drafts / BUS / "body.md").read_text("utf-8"))
        release, body = on_disk(drafts, BUS)
        assert release["headline"].endswith(f"a{SPACES}b")
        assert body.startswith(typed)


async def test_a_burst_into_the_add_person_form_fills_each_field(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot, BUS)
        await pilot.press("f4")
        await settle(pilot)
        # "a" opens the form; the rest arrives while it is still being mounted.
        burst(
            pilot, "aTest\u00a0Person", ["tab", "tab"], "Some Role", ["tab"], "Some Org", ["enter"]
        )
        await wait_until(pilot, lambda: "test-person" in app.library.people)
        people = tomllib.loads((drafts / "people.toml").read_text("utf-8"))["people"]
        assert people["test-person"]["name"] == "Test\u00a0Person"
        assert people["test-person"]["role"] == "Some Role"
        assert people["test-person"]["organisation"] == "Some Org"


async def test_a_burst_from_the_library_to_a_new_release(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # New, headline, create, then the first words of the body and save:
        # typed before any of the screens involved has been drawn.
        burst(pilot, "nLibrary reopens", ["enter"], "Doors open at nine.", ["ctrl+s"])
        slug = "2026-11-25-library-reopens"
        await wait_until(
            pilot,
            lambda: (
                (drafts / slug / "body.md").exists()
                and "nine" in (drafts / slug / "body.md").read_text("utf-8")
            ),
        )
        release, body = on_disk(drafts, slug)
        assert release["headline"] == "Library reopens"
        assert body.rstrip("\n").endswith("Doors open at nine.")


async def test_a_pasted_release_keeps_every_character(make_app, drafts):
    text = (
        "Councillors have “welcomed” the plan — at last.\n\n"
        "It costs £310,000\u00a0in total; the 1936\u202fpool reopens in 2027.\n\n"
        "{{< quote marsh >}}\n\n"
        "Notes:\tone\ttwo [bold]not markup[/] and an emoji 👩\u200d🚒.\n"
        "Last line, no newline"
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f2")
        body = editor.query_one("#body", TextArea)
        body.load_text("")
        await settle(pilot)
        paste = events.Paste(text.replace("\n", "\r"))  # as terminals send it
        paste.set_sender(app)
        app._driver.send_message(paste)
        burst(pilot, " ok")  # typed straight after: lands after the paste
        await wait_until(pilot, lambda: editor.release.body.endswith("ok"))
        assert editor.release.body == text + " ok"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert on_disk(drafts, BUS)[1].rstrip("\n") == text + " ok"


async def test_ctrl_home_and_ctrl_end_go_to_the_start_and_end_of_the_body(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        await pilot.press("f2")
        await settle(pilot)
        body = editor.query_one("#body")
        assert app.focused is body
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert body.cursor_location == body.document.end
        await pilot.press("ctrl+shift+home")
        await settle(pilot)
        assert body.selected_text == body.text  # selected back to the start
        await pilot.press("ctrl+home")
        await settle(pilot)
        assert body.cursor_location == (0, 0)

"""The library filter: the table shows exactly the matching rows, in order, as you type.

The library screen fills its table in one step (``ReleaseTable.replace_rows``)
instead of row by row, so these tests read the table back through its
public API after every keystroke and compare it with a plain computation.
"""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Input

from newsroom.bundle import Library
from newsroom.tui.screens.library import LibraryScreen
from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import BUS, LIDO, settle

WORDS = ["lido", "library", "bus", "park", "Lidl", "school", "[bold]markup[/]", "Straße"]


@pytest.fixture
def many(drafts):
    """The sample library plus 40 releases whose headlines share letters."""
    library = Library.open(drafts)
    for number in range(40):
        word = WORDS[number % len(WORDS)]
        library.create(
            f"2026-10-{number % 28 + 1:02d}-item-{number:02d}",
            f"{word.capitalize()} item {number}",
            today=date(2026, 10, 1),
        )
    return drafts


def table_of(app) -> ReleaseTable:
    return app.screen.query_one("#releases", ReleaseTable)


def shown(app) -> list[str]:
    table = table_of(app)
    return [table.row_at(index).slug for index in range(table.row_count)]


def expected(screen: LibraryScreen, needle: str) -> list[str]:
    needle = needle.casefold().strip()
    return [
        row.slug
        for row in screen.rows
        if needle in f"{row.headline}\n{row.slug}\n{row.speakers}".casefold()
    ]


async def test_every_keystroke_shows_exactly_the_matching_rows(make_app, many):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        everything = [row.slug for row in screen.rows]
        assert len(everything) == 42 and shown(app) == everything
        await pilot.press("slash")
        typed = ""
        # Narrow letter by letter, widen again, then a needle nothing matches.
        for key in [
            "l",
            "i",
            "d",
            "o",
            "backspace",
            "backspace",
            "backspace",
            "backspace",
            "s",
            "t",
            "r",
            "a",
            "ß",
            "e",
            "x",
        ]:
            await pilot.press(key)
            await pilot.pause()
            typed = typed[:-1] if key == "backspace" else typed + key
            assert app.screen.query_one("#filter", Input).value == typed
            assert shown(app) == expected(screen, typed), typed
        assert table_of(app).row_count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app) == everything


async def test_filtered_cells_are_the_release_and_literal(make_app, many):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"markup")
        await pilot.pause()
        table = table_of(app)
        assert table.row_count == 5
        for index in range(table.row_count):
            status, created, headline, speakers, approvals = table.cells_at(index)
            assert status == "draft" and approvals == "0/1"
            # Brackets in a headline are text, never markup.
            assert str(headline).startswith("[bold]markup[/] item")
        slug = shown(app)[2]
        assert table.cells_of(slug) == table.cells_at(2)
        assert table.index_of(slug) == 2


async def test_the_selected_release_stays_selected_while_filtering(make_app, many):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = table_of(app)
        table.move_to(BUS)
        await pilot.pause()
        await pilot.press("slash", "b", "u")
        await pilot.pause()
        assert app.screen.selected_slug() == BUS
        await pilot.press("backspace", "backspace")
        await pilot.pause()
        assert table.row_count == 42
        assert app.screen.selected_slug() == BUS
        # Enter opens what the cursor is on after filtering, not a stale row.
        await pilot.press(*"reopens", "enter", "enter")
        await settle(pilot)
        assert getattr(app.screen, "slug", None) == LIDO


async def test_no_match_disables_row_actions_and_a_match_enables_them(make_app, many):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        assert table_of(app).row_count == 0
        assert screen.selected_row() is None
        assert screen.check_action("open", ()) is False
        await pilot.press("escape")
        await pilot.pause()
        assert screen.check_action("open", ()) is True


async def test_a_burst_of_typing_in_the_table_all_reaches_the_filter(make_app, many):
    """Keys that arrive before focus lands on the filter are not taken as commands.

    "lido" typed fast: without care, the "i" and "d" that arrive while the
    table still has focus would run Import and Duplicate instead of filtering.
    """
    from textual.events import Key

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        table_of(app).focus()
        await pilot.pause()
        # Queue all four at once, as a terminal delivers a fast burst or a paste.
        for character in "lido":
            app.post_message(Key(character, character))
        await pilot.pause()
        await pilot.pause()
        assert app.screen is screen, "a command ran instead of filtering"
        assert screen.query_one("#filter", Input).value == "lido"
        assert shown(app) == expected(screen, "lido")
        # Once the filter has focus, the table's command letters work again.
        await pilot.press("enter")
        await pilot.pause()
        assert app.focused is table_of(app)
        assert screen._filter_focus_pending is False

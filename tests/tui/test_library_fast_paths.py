"""The library table's fast paths draw and filter exactly as the slow ones would.

``ReleaseTable._render_cell`` builds a plain one-line cell's segments itself
instead of going through Rich's layout; ``ReleaseTable.replace_rows`` works out
the virtual size at once and ``refresh_now`` hands the repaint to the screen
before it draws; a large library's rows are frozen out of the garbage
collector's full passes once loaded (``settle_heap``). These tests compare the
fast paths with DataTable's own code, and check filtering and reloading still
show the right rows with the heap frozen.
"""

from __future__ import annotations

import gc
import itertools
import weakref
from datetime import date

import pytest
from textual.widgets import DataTable, Input

from newsroom.bundle import Library
from newsroom.tui.screens import library as library_module
from newsroom.tui.screens.library import ReleaseTable, _plain_cell

from .conftest import settle
from .test_library_filter import expected, shown

HEADLINES = [
    "Lido reopens after a summer of repairs",
    "[bold]Markup[/] stays text: [link=https://example.org]no link[/link]",
    "Straße naming: residents asked",
    "東京 twinning visit confirmed",  # wide characters: Rich's way
    "Café opens in the old library — with a 12:30 launch",
    "A headline far too long for its column, which has to be cut off somewhere near "
    "the right-hand edge of the table, and then some more words",
    "x",
    "Emoji 🎉 party in the park",
    "Combining accent: cafe\u0301",
]


@pytest.fixture
def varied(drafts):
    """The sample library plus releases with awkward headlines, some of them twice."""
    library = Library.open(drafts)
    for number, headline in enumerate(HEADLINES * 3):
        library.create(f"2026-10-{number % 28 + 1:02d}-varied-{number:02d}", headline,
                       today=date(2026, 10, 1))
    return drafts


def table_of(app) -> ReleaseTable:
    table = app.screen.query_one("#releases", DataTable)
    assert isinstance(table, ReleaseTable)
    return table




def both_ways(table: ReleaseTable, row: int, column: int, cursor: bool, hover: bool):
    """(fast, DataTable's) rendering of one cell, each from an empty cache."""
    style = table._get_row_style(row, table.rich_style)
    width = table.ordered_columns[column].get_render_width(table)
    table._cell_render_cache.clear()
    slow = DataTable._render_cell(table, row, column, style, width, cursor, hover)
    table._cell_render_cache.clear()
    fast = table._render_cell(row, column, style, width, cursor, hover)
    table._cell_render_cache.clear()
    return fast, slow


def test_plain_cells_are_only_the_ones_rendered_as_their_characters():
    from rich.text import Text

    assert _plain_cell("draft") == "draft"
    assert _plain_cell(Text("Lido reopens")) == "Lido reopens"
    assert _plain_cell(Text("")) == ""
    # Markup, emoji codes, wide or combining characters, tabs and styled text go
    # the usual way.
    for cell in ["[b]x[/b]", "12:30", Text("東京"), Text("cafe\u0301"), Text("a\tb"),
                 Text("styled", style="bold"), Text.from_markup("[b]x[/b] y"),
                 Text("cut", overflow="ellipsis"), 42, None]:
        assert _plain_cell(cell) is None, cell


async def test_every_cell_is_drawn_as_datatable_would(make_app, varied):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert table.row_count == 29
        plain = 0
        for row, column in itertools.product(range(table.row_count),
                                             range(len(table.ordered_columns))):
            for cursor, hover in itertools.product((False, True), repeat=2):
                fast, slow = both_ways(table, row, column, cursor, hover)
                assert fast == slow, (row, column, cursor, hover)
            key = table.coordinate_to_cell_key((row, column))
            plain += _plain_cell(table.get_cell(key.row_key, key.column_key)) is not None
        # Most cells took the fast path (the awkward headlines did not).
        assert plain > table.row_count * 4


async def test_drawn_lines_are_the_same_with_and_without_the_fast_path(
        make_app, varied, monkeypatch):
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"re")
        await pilot.pause()
        table = table_of(app)
        table.move_cursor(row=3, animate=False)
        table.hover_coordinate = table.cursor_coordinate.down()
        await pilot.pause()

        def lines() -> list[list]:
            table._clear_caches()
            return [list(table.render_line(y)) for y in range(table.size.height)]

        fast = lines()
        monkeypatch.setattr(library_module, "_plain_cell", lambda cell: None)
        assert lines() == fast
        assert any("Lido reopens" in "".join(s.text for s in line) for line in fast)


async def test_replacing_rows_sizes_the_table_and_hands_the_repaint_over_at_once(
        make_app, varied):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen, table = app.screen, table_of(app)
        rows = [row for row in screen.rows if "lido" in row.haystack]
        assert 0 < len(rows) < table.row_count
        table.replace_rows(rows)
        # The virtual size is right before any idle: one header line plus the rows.
        assert table.virtual_size.height == len(rows) + 1
        assert table._repaint_required
        table.refresh_now()
        assert not table._repaint_required and not table._layout_required
        await pilot.pause()
        assert shown(app) == [row.slug for row in rows]


@pytest.fixture
def frozen_from_zero(monkeypatch):
    """Freeze even the small sample library, and start and end with nothing frozen."""
    gc.unfreeze()
    monkeypatch.setattr(library_module, "FREEZE_FROM", 0)
    yield
    gc.unfreeze()


async def test_a_small_library_is_not_frozen(make_app, varied):
    gc.unfreeze()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(app.screen.rows) < library_module.FREEZE_FROM
        assert gc.get_freeze_count() == 0


async def test_filtering_and_reloading_with_the_rows_frozen(make_app, varied, frozen_from_zero):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert gc.get_freeze_count() > 0
        # The row objects are among the frozen: a full pass no longer sees them.
        assert not any(obj is screen.rows[0] for obj in gc.get_objects())
        await pilot.press("slash")
        typed = ""
        for key in ["l", "i", "d", "backspace", "backspace", "backspace", "s", "t", "r"]:
            await pilot.press(key)
            await pilot.pause()
            typed = typed[:-1] if key == "backspace" else typed + key
            assert screen.query_one("#filter", Input).value == typed
            assert shown(app) == expected(screen, typed), typed
        # A release written on disk behind our back shows after a reload, and the
        # filter finds it.
        Library.open(app.drafts_path).create("2026-11-01-strand-regatta", "Strand regatta",
                                             today=date(2026, 11, 1))
        await pilot.press("f5")
        await settle(pilot)
        assert "2026-11-01-strand-regatta" in shown(app)
        assert shown(app) == expected(screen, "str")
        await pilot.press("escape")
        await pilot.pause()
        assert shown(app) == [row.slug for row in screen.rows]
    # Leaving the screen unfreezes everything.
    assert gc.get_freeze_count() == 0


async def test_a_closed_editor_is_freed_by_the_next_load(make_app, varied, frozen_from_zero):
    """What the freeze keeps is bounded: whatever died since the last load.

    Back from an editor, the rows load while the closed editor screen is still
    winding down, so that load freezes it; the next load unfreezes it and
    collects it. Nothing accumulates.
    """
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        library_screen = app.screen
        editors = []
        for row in library_screen.rows[:2]:
            app.open_release(row.slug)
            await settle(pilot)
            assert app.screen is not library_screen
            editors.append(weakref.ref(app.screen))
            app.pop_screen()
            await settle(pilot)
            assert app.screen is library_screen
        # The second return's load collected the first editor.
        gc.collect()
        assert editors[0]() is None
        await pilot.press("f5")
        await settle(pilot)
        gc.collect()
        assert editors[1]() is None

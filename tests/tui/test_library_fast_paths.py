"""The library's fast paths still show the right rows.

``ReleaseTable.replace_rows`` swaps every row in one step and sizes the table
at once; a large library's rows are frozen out of the garbage collector's full
passes once loaded (``settle_heap``). These tests check the drawn lines of
awkward headlines, and that filtering and reloading still show the right rows
with the heap frozen.
"""

from __future__ import annotations

import gc
import weakref
from datetime import date

import pytest
from rich.cells import cell_len
from textual.widgets import Input

from newsroom.bundle import Library
from newsroom.tui.screens import library as library_module
from newsroom.tui.widgets.release_table import ReleaseTable

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
        library.create(
            f"2026-10-{number % 28 + 1:02d}-varied-{number:02d}", headline, today=date(2026, 10, 1)
        )
    return drafts


def table_of(app) -> ReleaseTable:
    return app.screen.query_one("#releases", ReleaseTable)


async def test_awkward_headlines_are_drawn_whole_or_cut_to_their_column(make_app, varied):
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        table = table_of(app)
        assert table.row_count == 29
        table.move_cursor(3)
        await pilot.pause()
        width = table.virtual_size.width
        lines = [table.render_line(y) for y in range(table.size.height)]
        texts = [line.text for line in lines]
        assert texts[0].split() == ["Status", "Date", "Headline", "Speakers", "Approvals"]
        # Every drawn line is exactly as wide as the columns (the table fills the
        # screen but for its scrollbar), whatever its characters.
        assert all(line.cell_length == table.size.width for line in lines)
        assert width <= table.size.width
        assert any("Lido reopens" in text for text in texts)
        assert any("[bold]Markup[/] stays text" in text for text in texts)
        assert any("東京 twinning" in text for text in texts)
        assert any("A headline far too long" in text and "…" in text for text in texts)
        for text in texts:
            assert cell_len(text) == table.size.width, text


async def test_replacing_rows_sizes_the_table_at_once(make_app, varied):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen, table = app.screen, table_of(app)
        rows = [row for row in screen.rows if "lido" in row.haystack]
        assert 0 < len(rows) < table.row_count
        table.replace_rows(rows)
        # The virtual size is right before any idle: one header line plus the rows.
        assert table.virtual_size.height == len(rows) + 1
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
        Library.open(app.drafts_path).create(
            "2026-11-01-strand-regatta", "Strand regatta", today=date(2026, 11, 1)
        )
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

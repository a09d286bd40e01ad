"""The library's full-text search mode (ctrl+f): results as you type, snippets, and
the matching words selected when a hit is opened."""

from __future__ import annotations

from textual.widgets import Input, Static, TextArea

from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.library_search import SEARCH_PLACEHOLDER
from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import BUS, LIDO, settle, type_text, wait_until


def shown(app) -> list[str]:
    table = app.screen.query_one("#releases", ReleaseTable)
    return [row.slug for row in table.rows]


def message(app) -> str:
    return str(app.screen.query_one("#library-message", Static).render())


async def test_search_mode_finds_words_in_bodies_and_quotes(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        box = app.screen.query_one("#filter", Input)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert box.placeholder == SEARCH_PLACEHOLDER  # the marker of the mode
        assert "Full-text search" in str(box.border_title)
        assert app.screen.search.on
        # "surgery" is only in a quote's words: the quick filter would find nothing.
        await type_text(pilot, "surgery")
        await wait_until(pilot, lambda: shown(app) == [BUS])
        assert "surgery" in message(app).casefold()
        # The snippet's match is styled, and the text is never read as markup.
        snippet = app.screen.query_one("#library-message", Static).render()
        assert any("surgery" in snippet.plain[s.start : s.end].casefold() for s in snippet.spans)
        # A broken query says why and does not crash.
        await type_text(pilot, ' "open')
        await wait_until(pilot, lambda: "quotation mark" in message(app))
        # Back to the filter: the quick filter again, by headline only.
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert not app.screen.search.on and box.border_title is None
        box.value = "lido"
        await settle(pilot)
        assert shown(app) == [LIDO]


async def test_opening_a_hit_selects_the_matching_words(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await type_text(pilot, '"open-air lido"')
        await wait_until(pilot, lambda: shown(app) == [LIDO])
        await pilot.press("enter")  # from the box to the table
        await pilot.press("enter")  # open
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
        body = app.screen.query_one("#body", TextArea)
        await wait_until(pilot, lambda: body.selected_text.casefold() == "open-air lido")
        assert app.screen.focused is body


async def test_opening_a_quote_hit_selects_its_reference_line(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await type_text(pilot, "surgery")
        await wait_until(pilot, lambda: shown(app) == [BUS])
        await pilot.press("enter", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
        body = app.screen.query_one("#body", TextArea)
        await wait_until(pilot, lambda: body.selected_text.strip() == "{{< quote marsh >}}")
        shown_message = app.screen.query_one("#editor-message", Static).render()
        assert "surgery" in shown_message.plain

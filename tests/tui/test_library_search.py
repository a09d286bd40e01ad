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


def screen_line(app, y: int) -> str:
    """Line ``y`` of the results table as drawn (0 is the header)."""
    return app.screen.query_one("#releases", ReleaseTable).render_line(y).text


def styled(app, y: int) -> str:
    """The words drawn in the match style on line ``y`` of the table, casefolded."""
    strip = app.screen.query_one("#releases", ReleaseTable).render_line(y)
    return " ".join(
        segment.text.casefold()
        for segment in strip
        if segment.style is not None and segment.style.bold and segment.style.reverse
    )


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
        # The snippet is on the line under the hit, its match styled.
        assert "surgery" in screen_line(app, 2).casefold()
        assert "surgery" in styled(app, 2)
        assert "1 found" in message(app)
        # A broken query says why and does not crash.
        await type_text(pilot, " NOT")
        await wait_until(pilot, lambda: "NOT needs something" in message(app))
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


async def test_every_hit_has_its_snippet_under_it(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await type_text(pilot, "council ")
        await wait_until(pilot, lambda: sorted(shown(app)) == sorted([BUS, LIDO]))
        table = app.screen.query_one("#releases", ReleaseTable)
        assert table.detail == "detail"
        for index, slug in enumerate(shown(app)):
            row_line, snippet_line = (
                screen_line(app, 1 + 2 * index),
                screen_line(app, 2 + 2 * index),
            )
            headline = table.row_at(index).headline
            assert headline[:20] in row_line  # the hit's own row...
            assert "council" in snippet_line.casefold()  # ...and its snippet under it
            assert "council" in styled(app, 2 + 2 * index)
            assert table.row_at(index).slug == slug
        # Back to the quick filter: one line a row again.
        await pilot.press("ctrl+f")
        app.screen.query_one("#filter", Input).value = ""
        await settle(pilot)
        assert table.detail is None and table.row_count == 2
        assert table.row_at(1).headline[:20] in screen_line(app, 2)


async def test_a_word_still_being_typed_is_a_prefix(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        # "surg" is no word of any release; as the start of "surgery" it finds the bus one.
        await type_text(pilot, "surg")
        await wait_until(pilot, lambda: shown(app) == [BUS])
        assert "surgery" in styled(app, 2)
        # With a space after it, the word is whole again: nothing has "surg".
        await type_text(pilot, " ")
        await wait_until(pilot, lambda: "No release has those words" in message(app))
        assert shown(app) == []
        # An open phrase is closed as you type: "council cons finds "council consultation".
        box = app.screen.query_one("#filter", Input)
        box.value = ""
        await type_text(pilot, '"county council cons')
        await wait_until(pilot, lambda: shown(app) == [BUS])


async def test_a_reload_searches_again_rather_than_reuse_earlier_results(make_app):
    # A backspace reuses a search already ranked, until the library is read again.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await type_text(pilot, "surgery")
        await wait_until(pilot, lambda: shown(app) == [BUS])
        first = app.screen.search.results
        await pilot.press("backspace")
        await type_text(pilot, "y")
        await wait_until(pilot, lambda: app.screen.search.results is first and shown(app) == [BUS])
        await pilot.press("f5")  # reload: the files may have changed
        await wait_until(
            pilot, lambda: (found := app.screen.search.results) is not None and found is not first
        )
        assert shown(app) == [BUS]

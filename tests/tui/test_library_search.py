"""The library's full-text search mode (ctrl+f): results as you type, snippets, and
the matching words selected when a hit is opened."""

from __future__ import annotations

import threading

from textual.widgets import Input, Static, TextArea

from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.library_search import RANKING, SEARCH_PLACEHOLDER
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


def ranked(app, slugs: list[str]) -> bool:
    """The table shows ``slugs``, in the ranked order (not the latest matches shown
    while the ranking is worked out)."""
    return app.screen.search.ranked and shown(app) == slugs


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
        await wait_until(pilot, lambda: ranked(app, [BUS]))
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
        await wait_until(pilot, lambda: ranked(app, shown(app)) and len(shown(app)) == 2)
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
        await wait_until(pilot, lambda: ranked(app, [BUS]))
        first = app.screen.search.results
        await pilot.press("backspace")
        await type_text(pilot, "y")
        await wait_until(pilot, lambda: app.screen.search.results is first and shown(app) == [BUS])
        await pilot.press("f5")  # reload: the files may have changed
        await wait_until(
            pilot, lambda: (found := app.screen.search.results) is not None and found is not first
        )
        assert shown(app) == [BUS]


class HeldRanking:
    """``Archive.search`` with the ranked searches held until ``release()`` (and the
    snippets, cut in the worker, until ``release_snippets()``, or not held): what
    the screen shows meanwhile can be looked at without racing the worker."""

    def __init__(self, monkeypatch, *, snippets: bool = False) -> None:
        from newsroom.search import Archive

        self.go = threading.Event()
        self.snippets_go = threading.Event()
        if not snippets:
            self.snippets_go.set()
        real_search, real_snippet = Archive.search, Archive.snippet

        def search(archive, text, **options):
            if options.get("order", "rank") == "rank":
                assert self.go.wait(60), "the test never released the ranking"
            return real_search(archive, text, **options)

        def snippet(archive, hit, node):
            # The shown rows' snippets are cut in the worker: never a read on the UI thread.
            on_ui = threading.current_thread() is threading.main_thread()
            assert not (on_ui and hit.snippet is None), "a release read on the UI thread"
            if on_ui:
                return real_snippet(archive, hit, node)
            assert self.snippets_go.wait(60), "the test never released the snippets"
            return real_snippet(archive, hit, node)

        monkeypatch.setattr(Archive, "search", search)
        monkeypatch.setattr(Archive, "snippet", snippet)

    def release_snippets(self) -> None:
        self.snippets_go.set()

    def release(self) -> None:
        self.go.set()


def order_of(root, words: str, order: str) -> list[str]:
    from newsroom.search import Archive

    return [hit.slug for hit in Archive(root).search(words, order=order, snippets=0).hits]


async def test_the_latest_matches_show_at_once_and_the_ranked_order_replaces_them(
    make_app, drafts, monkeypatch
):
    app = make_app()
    latest = order_of(drafts, "residents", "latest")
    best = order_of(drafts, "residents", "rank")
    assert latest != best and sorted(latest) == sorted(best)  # else this proves nothing
    held = HeldRanking(monkeypatch, snippets=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)  # the index brought up to date (no snippets cut yet)
        await type_text(pilot, "residents ")
        await wait_until(
            pilot,
            lambda: shown(app) == latest and message(app) == RANKING,
            then_settle=False,  # the worker is held
        )
        assert not app.screen.search.ranked
        # The snippets are cut in the worker, not before this frame: "…" meanwhile.
        assert screen_line(app, 2).strip() == "…" and screen_line(app, 4).strip() == "…"
        held.release_snippets()
        await wait_until(
            pilot, lambda: "residents" in screen_line(app, 2).casefold(), then_settle=False
        )
        assert "residents" in styled(app, 4)
        assert shown(app) == latest  # still the latest, the ranking held
        held.release()
        await wait_until(pilot, lambda: ranked(app, best))
        table = app.screen.query_one("#releases", ReleaseTable)
        assert table.cursor_index == 0  # on the best hit
        assert "2 found" in message(app)


async def test_a_release_chosen_while_ranking_stays_chosen(make_app, drafts, monkeypatch):
    from datetime import date

    from newsroom.bundle import Library

    library = Library.open(drafts)  # a third release, so the chosen one can move down
    release = library.create(
        "2026-11-30-residents-meet", "Residents meet", today=date(2026, 11, 30)
    )
    release.body = "Residents of Ashcombe, residents' groups and more residents."
    library.save(release)
    app = make_app()
    latest = order_of(drafts, "residents", "latest")
    best = order_of(drafts, "residents", "rank")
    assert best.index(latest[1]) != 1 and len(best) == 3  # else this proves nothing
    held = HeldRanking(monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")
        await type_text(pilot, "residents ")
        await wait_until(
            pilot,
            lambda: shown(app) == latest and message(app) == RANKING,
            then_settle=False,  # the ranking is held
        )
        await pilot.press("enter", "down")  # into the table, then the second hit
        table = app.screen.query_one("#releases", ReleaseTable)
        await wait_until(pilot, lambda: table.current_slug == latest[1], then_settle=False)
        held.release()
        await wait_until(pilot, lambda: ranked(app, best))
        assert table.current_slug == latest[1]  # moved with its row
        assert table.cursor_index == best.index(latest[1])

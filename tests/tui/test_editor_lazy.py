"""The editor's keystroke path: unseen panes are mounted when first needed, body
edits reach the release in one hop, and everything the panes did before still
happens (help, palette, ctrl+k, checks after a save)."""

from __future__ import annotations

from textual.widgets import DataTable, TextArea

from newsroom.export import export_text
from newsroom.model import REFERENCE_PATTERN
from newsroom.tui.commands import NewsroomCommands
from newsroom.tui.panes.approval import ApprovalPane
from newsroom.tui.panes.attribution import AttributionPane
from newsroom.tui.panes.drafting import describe_count, word_count
from newsroom.tui.panes.preview import PreviewPane
from newsroom.tui.panes.quotes import QuotesPane
from newsroom.tui.screens.pick_quote import QuotePicker

from .conftest import BUS, LIDO, open_editor, settle, type_text, wait_until

HIDDEN = (QuotesPane, AttributionPane, ApprovalPane)


def mounted(editor, kind) -> list:
    return list(editor.query(kind))


async def test_typing_mounts_no_hidden_pane_and_reaches_the_release(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        before = editor.release.body
        body = editor.query_one("#body", TextArea)
        body.focus()
        body.move_cursor((0, 0))
        await type_text(pilot, "Sunny days ahead. ")
        await settle(pilot)
        assert editor.release.body == body.text == "Sunny days ahead. " + before
        assert editor.unsaved and "unsaved" in editor.sub_title
        assert all(not mounted(editor, kind) for kind in HIDDEN)
        # The count below the body follows once typing pauses.
        expected = describe_count(word_count(editor.release))
        await wait_until(pilot, lambda: str(editor.query_one("#word-count").render()) == expected)
        assert word_count(editor.release) == word_count_of(before) + 3
        # Quit without saving: the files keep the old body.
    assert (drafts / LIDO / "body.md").read_text("utf-8") == before


def word_count_of(body: str) -> int:
    from newsroom.bundle import Library

    release = Library.open(_sample()).load(LIDO)
    release.body = body
    return word_count(release)


def _sample():
    from .conftest import SAMPLE

    return SAMPLE


async def test_panes_shown_later_show_the_release_as_edited(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        # An edit made before the quotes pane exists: it must show it.
        editor.release.quotes[0].text = "Changed in memory before the pane was shown."
        await pilot.press("f3")
        await settle(pilot)
        quotes = editor.query_one(QuotesPane)
        table = quotes.query_one("#quote-table", DataTable)
        assert table.row_count == len(editor.release.quotes)
        assert app.focused is table
        assert quotes.release is editor.release
        await pilot.press("f4")
        await settle(pilot)
        assert editor.query_one(AttributionPane).release is editor.release
        await pilot.press("f5")
        approval = editor.query_one(ApprovalPane)
        await wait_until(pilot, lambda: approval.assessment is not None)
        assert editor.query_one("#check-table", DataTable).row_count >= 1
        # Shown once, mounted once.
        await pilot.press("f3")
        await pilot.press("f5")
        await settle(pilot)
        assert [len(mounted(editor, kind)) for kind in HIDDEN] == [1, 1, 1]


async def test_help_lists_keys_of_panes_not_yet_shown(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        await pilot.press("f1")
        await settle(pilot)
        table = app.screen.query_one("#help-keys", DataTable)
        rows = {
            (str(table.get_row_at(i)[1]), str(table.get_row_at(i)[2]))
            for i in range(table.row_count)
        }
        assert ("New quote", "quotes pane") in rows
        assert ("Make speaker", "attribution pane") in rows
        assert ("Submit", "approval pane") in rows
        assert all(not mounted(editor, kind) for kind in HIDDEN)


async def test_after_a_save_the_palette_offers_sign_off_as_before(make_app, drafts):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        titles = [hit.text async for hit in NewsroomCommands(editor).discover()]
        assert "Submit for review" not in titles  # nothing checked yet, as before
        editor.query_one("#body", TextArea).focus()
        await type_text(pilot, "Hello. ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await wait_until(
            pilot,
            lambda: (
                mounted(editor, ApprovalPane)
                and editor.query_one(ApprovalPane).assessment is not None
            ),
        )
        assert app.screen is editor and not editor.unsaved
        assert editor.query_one("#panes").active == "drafting"
        titles = [hit.text async for hit in NewsroomCommands(editor).discover()]
        assert "Submit for review" in titles and "Record a clearance" in titles
    assert (drafts / LIDO / "body.md").read_text("utf-8").startswith("Hello. ")


async def test_ctrl_k_before_the_quotes_pane_is_shown_places_the_first_quote(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        body = editor.query_one("#body", TextArea)
        body.focus()
        body.move_cursor((0, 0))
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, QuotePicker)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is editor
        first = REFERENCE_PATTERN.match(body.text.split("\n")[0])
        assert first is not None and first.group(2) == editor.release.quotes[0].id
        assert editor.release.body == body.text


async def test_preview_after_edits_equals_a_fresh_render(make_app):
    app = make_app()
    async with app.run_test(size=(160, 45)) as pilot:
        editor = await open_editor(pilot, BUS)
        preview = editor.query_one(PreviewPane)
        assert preview.display  # wide terminal: shown from the start
        body = editor.query_one("#body", TextArea)
        body.focus()
        body.move_cursor((0, 0))
        await type_text(pilot, "Zebra crossings first.\n\n")
        await wait_until(pilot, lambda: "Zebra crossings first." in preview.text)
        expected = export_text(editor.release, app.library, draft=True)
        assert preview.text == expected


async def test_a_field_error_line_appears_under_its_field_and_goes_again(make_app, drafts):
    from textual.widgets import Input, Static

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, BUS)
        assert not list(editor.query(".field-error"))  # none until a field needs one
        date = editor.query_one("#date", Input)
        date.value = "24/11/2026"
        await settle(pilot)
        error = editor.query_one("#date-error", Static)
        assert "YYYY-MM-DD" in str(error.render())
        assert error.display and error.region.height >= 1  # on screen, not just in the DOM
        siblings = list(date.parent.children)
        assert siblings[siblings.index(date) + 1] is error  # right under the field
        assert date.has_class("-invalid")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Not saved" in str(editor.query_one("#editor-message", Static).render())
        date.value = "2026-11-21"
        await settle(pilot)
        assert str(error.render()) == ""
        assert not error.display and not date.has_class("-invalid")
        date.value = "nonsense"
        await settle(pilot)
        assert len(editor.query("#date-error")) == 1 and "YYYY-MM-DD" in str(error.render())
        assert error.display
        date.value = "2026-11-21"
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert "date = 2026-11-21" in (drafts / BUS / "release.toml").read_text("utf-8")


async def test_two_callers_asking_for_a_pane_at_once_get_the_same_mounted_pane(make_app):
    """The second caller waits for the first one's mount (no private Textual event)."""
    import asyncio

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        assert not mounted(editor, QuotesPane)

        async def ask():
            pane = await editor.pane("quotes")
            return pane, pane.is_mounted  # mounted by the time each caller has it

        (first, ready), (second, ready_too) = await asyncio.gather(ask(), ask())
        assert first is second and ready and ready_too
        assert mounted(editor, QuotesPane) == [first]
        # Later callers get it at once.
        assert await editor.pane("quotes") is first

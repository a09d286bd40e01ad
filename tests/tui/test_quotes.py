"""Quotes and attribution: J2 (place a quote at the cursor), J3 (a new speaker), deleting."""

from __future__ import annotations

import tomllib

from textual.widgets import DataTable, Input, Select, TextArea

from newsroom.tui.panes.preview import PreviewPane
from newsroom.tui.screens.choice import ChoiceDialog
from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.form import FormDialog
from newsroom.tui.screens.pick_quote import QuotePicker

from .conftest import BUS, LIDO, open_release, settle, type_text, wait_until

WORDS = (
    "Our buses are a lifeline.\n\nThe county must listen to the people who ride "
    "them.\n\nWe will be at every meeting."
)


async def new_release(pilot, headline: str) -> EditorScreen:
    await settle(pilot)
    await pilot.press("n")
    await type_text(pilot, headline)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, EditorScreen)
    return pilot.app.screen


async def test_j2_quote_inserted_between_paragraphs(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await new_release(pilot, "Bus users rally")
        body = editor.query_one("#body", TextArea)
        body.focus()
        await type_text(pilot, "Bus users met on Monday.\n\nThe meeting ended at nine.")
        # A quote of three paragraphs for Helen Marsh, from the directory.
        await pilot.press("f3")
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        form.query_one("#field-speaker", Select).value = "helen-marsh"
        form.query_one("#field-text", TextArea).focus()
        await type_text(pilot, WORDS)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert editor.release.quotes[0].role == "Secretary of the Eastfield Bus Users' Group"
        # Cursor on the blank line between the two paragraphs, then place the quote.
        await pilot.press("f2")
        body.focus()
        body.move_cursor((1, 0))
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, QuotePicker)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        slug = editor.slug
        assert (drafts / slug / "body.md").read_text("utf-8") == (
            "Bus users met on Monday.\n\n{{< quote q1 >}}\n\nThe meeting ended at nine."
        )
        data = tomllib.loads((drafts / slug / "release.toml").read_text("utf-8"))
        assert data["quotes"][0]["speaker"] == "helen-marsh"
        assert data["quotes"][0]["text"].count("\n\n") == 2
        # The preview shows the introduction and the quote, British style, in place.
        await pilot.press("f6")
        preview = editor.query_one(PreviewPane)
        await wait_until(pilot, lambda: "Helen Marsh" in preview.text)
        text = preview.text
        monday = text.index("Bus users met on Monday.")
        intro = text.index("Commenting on the news, Helen Marsh, Secretary of the Eastfield")
        first = text.index("“Our buses are a lifeline")
        second = text.index("“The county must listen")
        last = text.index("“We will be at every meeting.”")
        nine = text.index("The meeting ended at nine.")
        assert monday < intro < first < second < last < nine
        # Only the last paragraph closes the quotation.
        assert "lifeline.”" not in text and "them.”" not in text


async def test_preview_follows_typing(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, BUS)
        editor = app.screen
        await pilot.press("f6")
        preview = editor.query_one(PreviewPane)
        await wait_until(pilot, lambda: "42 bus" in preview.text)
        headline = editor.query_one("#headline", Input)
        headline.value = "[bold]Buses[/] \x1b[31mred"
        await wait_until(pilot, lambda: "Buses" in preview.text)
        assert "[bold]Buses[/] red" in preview.text  # literal, escapes gone
        assert "\x1b" not in preview.text


async def test_delete_referenced_quote_asks_and_removes_reference(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        editor = app.screen
        await pilot.press("f3")
        table = editor.query_one("#quote-table", DataTable)
        table.move_cursor(row=table.get_row_index("whitfield"))
        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # keep it
        await settle(pilot)
        assert editor.release.quote("whitfield") is not None
        await pilot.press("delete")
        await settle(pilot)
        await pilot.click("#answer-delete")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    body = (drafts / LIDO / "body.md").read_text("utf-8")
    assert "whitfield" not in body and "{{< quote okafor >}}" in body
    data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
    assert [q["id"] for q in data["quotes"]] == ["okafor"]


async def test_j3_new_person_becomes_speaker(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        editor = app.screen
        await pilot.press("f4")
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Sam Carter")
        form = app.screen
        assert form.query_one("#field-id", Input).value == "sam-carter"
        form.query_one("#field-role", Input).value = "Lido Manager"
        form.query_one("#field-organisation", Input).value = "Hollinsbury Leisure Trust"
        form.query_one("#field-email", Input).value = "sam@leisure.example.org.uk"
        await pilot.press("ctrl+s")
        await settle(pilot)
        people = tomllib.loads((drafts / "people.toml").read_text("utf-8"))["people"]
        assert people["sam-carter"] == {
            "name": "Sam Carter",
            "role": "Lido Manager",
            "organisation": "Hollinsbury Leisure Trust",
            "email": "sam@leisure.example.org.uk",
        }
        assert people["tom-whitfield"]["name"] == "Tom Whitfield"  # the others are kept
        # Sam is selected in the table; make Sam the speaker of the second quote.
        editor.query_one("#quote-select", Select).value = "whitfield"
        editor.query_one("#people-table", DataTable).focus()
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
    data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
    quote = next(q for q in data["quotes"] if q["id"] == "whitfield")
    assert quote["speaker"] == "sam-carter"
    assert quote["role"] == "Lido Manager"


async def test_refresh_role_from_directory(make_app, drafts):
    people_path = drafts / "people.toml"
    people_path.write_text(
        people_path.read_text("utf-8").replace(
            'role = "Chair of the Friends of Hollinsbury Lido"',
            'role = "President of the Friends of Hollinsbury Lido"',
        ),
        "utf-8",
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        editor = app.screen
        await pilot.press("f4")
        editor.query_one("#quote-select", Select).value = "whitfield"
        await settle(pilot)
        info = str(editor.query_one("#speaker-info").render())
        assert "role on the release: Chair" in info and "President" in info
        editor.query_one("#people-table", DataTable).focus()
        await pilot.press("r")
        await pilot.press("ctrl+s")
        await settle(pilot)
    data = tomllib.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
    quote = next(q for q in data["quotes"] if q["id"] == "whitfield")
    assert quote["role"] == "President of the Friends of Hollinsbury Lido"


async def test_place_button_opens_the_picker(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.click("#quote-insert")
        await settle(pilot)
        assert isinstance(app.screen, QuotePicker)


async def test_mark_cleared_from_the_quotes_pane(make_app, drafts):
    import tomllib as toml

    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await open_release(pilot, LIDO)
        editor = app.screen
        await pilot.press("f3")
        table = editor.query_one("#quote-table", DataTable)
        table.move_cursor(row=table.get_row_index("okafor"))
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FormDialog) and app.screen.id == "clear-form"
        assert app.screen.query_one("#field-quote", Select).value == "okafor"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert str(table.get_row("okafor")[3]) == "cleared"
    data = toml.loads((drafts / LIDO / "release.toml").read_text("utf-8"))
    assert any(c["quote"] == "okafor" and c["by"] == "amira-okafor" for c in data["clearances"])

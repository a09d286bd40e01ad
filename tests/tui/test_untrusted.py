"""Untrusted text stays literal: markup is not interpreted, escape sequences never drawn."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import LIDO, settle

HOSTILE = "[bold]Lido[/] [link=https://evil.example]reopens[/link]"


def poison(drafts):
    path = drafts / LIDO / "release.toml"
    text = path.read_text("utf-8")
    text = text.replace(
        'headline = "Hollinsbury Lido to reopen next summer after town council backs '
        "residents' rescue plan\"",
        f'headline = "{HOSTILE}"',
    )
    text = text.replace(
        "We are thrilled, and", "We are \\u001b[31mthrilled\\u001b]0;pwned\\u0007, and"
    )
    path.write_text(text, "utf-8")
    return path.read_bytes()


async def test_markup_and_escapes_are_shown_literally(make_app, drafts):
    before = poison(drafts)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#releases", ReleaseTable)
        assert table.cells_of(LIDO)[2] == HOSTILE
        app.open_release(LIDO)
        await settle(pilot)
        editor = app.screen
        assert editor.query_one("#headline", Input).value == HOSTILE
        quote = editor.release.quote("whitfield")
        assert "\x1b" not in quote.text and "We are thrilled, and" in quote.text
        message = str(editor.query_one("#editor-message", Static).render())
        assert "quote whitfield" in message
        assert editor.unsaved
        # Nothing drawn on screen carries an escape character.
        await pilot.press("f3")
        await settle(pilot)
        quotes = editor.query_one("#quote-table", DataTable)
        for row in range(quotes.row_count):
            assert all("\x1b" not in str(cell) for cell in quotes.get_row_at(row))
        # The file changes only when the user saves.
        assert (drafts / LIDO / "release.toml").read_bytes() == before

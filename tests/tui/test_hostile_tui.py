"""Hostile and odd input through the TUI (issue 7): markup, escapes, right-to-left text,
emoji and combining marks in every field open, show literally and save uncorrupted;
a malformed release.toml shows file:line:col in the library and cannot crash the editor."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import tomli_w
from textual.widgets import DataTable, Input, Static, TextArea

from newsroom.bundle import Library
from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import LIDO, settle

# Normalised to NFC up front (saving stores NFC), so "literally" means byte for byte.
ODD = unicodedata.normalize(
    "NFC",
    "[bold red]Boom[/] [link=https://evil.example]click[/link] "
    "Zoë 👩🏽‍⚕️ مرحبا שלום Z\u0335\u0331a\u0338 e\u0301\u0328 🇬🇧",
)
ESCAPES = (
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07hyper\x1b]8;;\x07 "
    "\x1b]0;owned\x1b\\ bell\x07 end"
)
SLUG = "2026-11-25-odd"
LINE_FIELDS = ["headline", "standfirst", "place", "contact-name", "contact-role", "contact-phone"]


def write_release(drafts: Path, value: str) -> None:
    data = {
        "schema": 1,
        "headline": f"Headline {value}",
        "standfirst": f"Standfirst {value}",
        "about": f"About {value}",
        "imprint": f"Promoted by {value}",
        "internal_notes": f"Internal {value}",
        "notes_to_editors": [f"Note {value}"],
        "dateline": {"place": f"Place {value}"},
        "contact": {
            "name": f"Contact {value}",
            "role": f"Role {value}",
            "phone": f"0770 {value}",
            "email": "press@example.org",
        },
        "quotes": [
            {
                "id": "q1",
                "speaker": "helen-marsh",
                "role": f"Quote role {value}",
                "intro": f"Intro {value} {{name}} said:",
                "text": f"Quote text {value}",
            }
        ],
        "captions": [{"id": "c1", "text": f"Caption {value}", "credit": f"Credit {value}"}],
    }
    (drafts / SLUG).mkdir()
    (drafts / SLUG / "release.toml").write_bytes(tomli_w.dumps(data).encode("utf-8"))
    (drafts / SLUG / "body.md").write_text(f"Body {value}\n\n{{{{< quote q1 >}}}}\n", "utf-8")


def tree(drafts: Path) -> dict[str, bytes]:
    """The library's content (not .newsroom/, newsroom's private caches)."""
    return {
        str(p.relative_to(drafts)): p.read_bytes()
        for p in sorted(drafts.rglob("*"))
        if p.is_file() and ".newsroom" not in p.parts and p.name != ".lock"
    }


async def shown(pilot, editor) -> dict[str, str]:
    await pilot.press("f8")  # contact, notes, about and imprint: the details pane
    await settle(pilot)
    values = {name: editor.query_one(f"#{name}", Input).value for name in LINE_FIELDS}
    for name in ("body", "internal", "about", "imprint"):
        values[name] = editor.query_one(f"#{name}", TextArea).text
    values["notes"] = str(editor.query_one("#note-table", DataTable).get_row_at(0)[1])
    values["caption"] = str(editor.query_one("#caption-table", DataTable).get_row_at(0)[1])
    await pilot.press("f2")
    return values


async def test_odd_text_in_every_field_shows_literally_and_saves_uncorrupted(make_app, drafts):
    write_release(drafts, ODD)
    before = Library.open(drafts).load(SLUG)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#releases", ReleaseTable)
        assert table.cells_of(SLUG)[2] == f"Headline {ODD}"
        app.open_release(SLUG)
        await settle(pilot)
        editor = app.screen
        assert not editor.unsaved  # nothing needed cleaning
        values = await shown(pilot, editor)
        assert values["headline"] == f"Headline {ODD}"
        assert values["place"] == f"Place {ODD}"
        assert values["contact-phone"] == f"0770 {ODD}"
        assert values["body"] == f"Body {ODD}\n\n{{{{< quote q1 >}}}}\n"
        assert values["notes"] == f"Note {ODD}" and values["internal"] == f"Internal {ODD}"
        assert values["about"] == f"About {ODD}" and values["imprint"] == f"Promoted by {ODD}"
        assert values["caption"].startswith("Caption [bold red]Boom[/] [link=")  # cut at 60
        await pilot.press("f3")
        await settle(pilot)
        cells = [str(cell) for cell in editor.query_one("#quote-table", DataTable).get_row_at(0)]
        assert any("[bold red]Boom[/]" in cell for cell in cells)
        # An edit and a save: every other field comes back exactly as it was.
        await pilot.press("f2")
        body = editor.query_one("#body", TextArea)
        body.focus()
        body.move_cursor((0, 0))
        await pilot.press(*"Edited ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not editor.unsaved, str(editor.query_one("#editor-message", Static).render())
    after = Library.open(drafts).load(SLUG)
    assert after.body == "Edited " + before.body
    after.body = before.body
    assert after.headline == before.headline == f"Headline {ODD}"
    assert after.quotes == before.quotes and after.captions == before.captions
    assert after.contact == before.contact and after.dateline == before.dateline
    assert (after.about, after.imprint, after.notes_to_editors, after.internal_notes) == (
        before.about,
        before.imprint,
        before.notes_to_editors,
        before.internal_notes,
    )


async def test_escapes_in_every_field_are_never_shown_or_saved_raw(make_app, drafts):
    write_release(drafts, ESCAPES + " " + ODD)
    untouched = tree(drafts)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#releases", ReleaseTable)
        assert all(
            "\x1b" not in str(cell) and "\x07" not in str(cell) for cell in table.cells_of(SLUG)
        )
        app.open_release(SLUG)
        await settle(pilot)
        editor = app.screen
        for name, value in (await shown(pilot, editor)).items():
            assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", value), name
            if name not in ("body", "notes", "internal", "about", "imprint", "caption"):
                assert "[bold red]Boom[/]" in value, name
        message = str(editor.query_one("#editor-message", Static).render())
        assert "Removed control characters" in message and "headline" in message
        assert editor.unsaved
        # Opening (and looking) changes nothing on disk; only a save writes the cleaned text.
        assert tree(drafts) == untouched
        await pilot.press("ctrl+s")
        await settle(pilot)
    for name in ("release.toml", "body.md"):
        raw = (drafts / SLUG / name).read_bytes()
        assert b"\x1b" not in raw and b"\x07" not in raw and b"\\u001b" not in raw.lower()
    saved = Library.open(drafts).load(SLUG)
    assert "[bold red]Boom[/]" in saved.headline and "שלום" in saved.quotes[0].text


async def test_malformed_release_shows_its_error_and_cannot_crash_the_editor(make_app, drafts):
    path = drafts / LIDO / "release.toml"
    broken = path.read_bytes().replace(b"schema = 1\n", b'schema = 1\nheadline = "open\n', 1)
    path.write_bytes(broken)
    before = tree(drafts)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        library = app.screen
        row = next(r for r in library.rows if r.slug == LIDO)
        assert re.search(r"release\.toml:\d+:\d+", row.error), row.error
        # Highlighting the row shows the error; enter does not open it.
        table = library.query_one("#releases", ReleaseTable)
        table.move_to(LIDO)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is library
        said = str(library.query_one("#library-message", Static).render())
        assert re.search(r"release\.toml:\d+:\d+", said), said
        # Opened anyway (from the palette or a stale list): a message, no crash.
        app.open_release(LIDO)
        await settle(pilot)
        said = str(app.screen.query_one("#editor-message", Static).render())
        assert said.startswith(f"Cannot open {LIDO}") and re.search(r"release\.toml:\d+:\d+", said)
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is library
    assert tree(drafts) == before

"""The import screen through the real app: paste, see it recognised, create."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input, Static, TextArea

from newsroom.bundle import Library
from newsroom.tui.screens.import_screen import ImportScreen

from .conftest import settle, wait_until

CORPUS = Path(__file__).resolve().parents[1] / "import_corpus"


async def paste(pilot, text: str) -> None:
    """A terminal paste: the driver gives the app a Paste event, the app the focused widget."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def _summary(app) -> str:
    return str(app.screen.query_one("#import-summary", Static).render())


async def _open_import(pilot) -> None:
    await settle(pilot)
    await pilot.press("i")  # the library's binding
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))


async def test_paste_recognise_create(make_app, drafts: Path):
    app = make_app()
    text = (CORPUS / "food-bank-appeal.txt").read_text()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_import(pilot)
        screen = app.screen
        area = screen.query_one("#import-paste", TextArea)
        assert app.focused is area
        await paste(pilot, text)
        await wait_until(pilot, lambda: "Quotes:      2" in _summary(app))
        summary = _summary(app)
        assert "Headline:    Eastfield Food Bank asks for tins" in summary
        assert "Joanne Pryce, Food Bank Coordinator — 2 paragraphs; new person" in summary
        assert screen.query_one("#import-headline", Input).value.startswith("Eastfield Food Bank")
        slug = screen.query_one("#import-slug", Input).value
        assert slug == "2025-10-14-eastfield-food-bank-asks-for-tins-and-toiletries"
        await pilot.click("#import-create")
        await wait_until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        # The library opens the new release in the editor.
        from newsroom.tui.screens.editor import EditorScreen

        await wait_until(pilot, lambda: isinstance(app.screen, EditorScreen))
        assert app.screen.slug == slug
    library = Library.open(drafts)
    release = library.load(slug)
    assert release.headline.startswith("Eastfield Food Bank asks")
    assert [q.speaker for q in release.quotes] == ["joanne-pryce", "margaret-obi"]
    assert release.body.count("Donations can be left") == 1
    assert library.people["joanne-pryce"].role == "Food Bank Coordinator"
    assert "{{< quote q1 >}}" in (drafts / slug / "body.md").read_text()


async def test_edited_headline_and_slug_are_used(make_app, drafts: Path):
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_import(pilot)
        screen = app.screen
        await paste(pilot, "Park gates reopen\n\nThe gates reopened today.\n")
        await wait_until(pilot, lambda: screen.query_one("#import-slug", Input).value != "")
        screen.query_one("#import-headline", Input).value = "Mill Park gates reopen at last"
        await settle(pilot)
        assert screen.query_one("#import-slug", Input).value == (
            "2026-11-25-mill-park-gates-reopen-at-last"
        )
        screen.query_one("#import-slug", Input).value = "park-gates"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ImportScreen))
    release = Library.open(drafts).load("park-gates")
    assert release.headline == "Mill Park gates reopen at last"
    assert release.body.strip() == "The gates reopened today."


async def test_refusals_write_nothing(make_app, drafts: Path):
    app = make_app()
    before = sorted(p.name for p in drafts.iterdir() if not p.name.startswith("."))
    people = (drafts / "people.toml").read_bytes()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_import(pilot)
        screen = app.screen
        await pilot.press("ctrl+s")
        assert "Paste a press release first" in str(screen.query_one("#import-message").render())
        await paste(pilot, "Bus route saved\n\nTom Whitfield said:\n\n“Good.”\n")
        await wait_until(pilot, lambda: "Quotes:      1" in _summary(app))
        screen.query_one("#import-slug", Input).value = "2026-11-24-lido-reopens"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "already exists" in str(screen.query_one("#import-message").render())
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ImportScreen)
    assert sorted(p.name for p in drafts.iterdir() if not p.name.startswith(".")) == before
    assert (drafts / "people.toml").read_bytes() == people


async def test_markup_in_pasted_text_is_shown_literally(make_app):
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_import(pilot)
        await paste(pilot, "[bold]Not markup[/bold] headline\n\nBody [link=x]text[/link].\n")
        await wait_until(pilot, lambda: "Headline:" in _summary(app))
        assert "[bold]Not markup[/bold] headline" in _summary(app)

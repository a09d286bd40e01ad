"""The library screen: table, filtering, new / duplicate / spike / export, broken bundles."""

from __future__ import annotations

import tomllib

from textual.widgets import Input

from newsroom.tui.screens.editor import EditorScreen
from newsroom.tui.screens.library import LibraryScreen
from newsroom.tui.widgets.release_table import ReleaseTable

from .conftest import BUS, LIDO, settle, type_text


def rows(app) -> list[str]:
    table = app.screen.query_one("#releases", ReleaseTable)
    return [table.cells_at(i)[2] for i in range(table.row_count)]


async def test_library_lists_every_release(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        table = app.screen.query_one("#releases", ReleaseTable)
        assert table.row_count == 2
        lido = table.cells_of(LIDO)
        assert lido[0] == "draft"
        assert "Lido" in str(lido[2])
        assert "Tom Whitfield" in str(lido[3])
        assert lido[4] == "0/1"


async def test_j6_filter_by_speaker_and_open(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # Typing in the table goes to the filter.
        await type_text(pilot, "helen")
        assert app.screen.query_one("#filter", Input).value == "helen"
        assert len(rows(app)) == 1 and "bus" in rows(app)[0]
        await pilot.press("enter")  # leaves the filter for the table
        await pilot.press("enter")  # opens the match
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        assert app.screen.slug == BUS


async def test_filter_by_slug_and_headline(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await type_text(pilot, "11-24")
        assert len(rows(app)) == 1 and "Lido" in rows(app)[0]
        await pilot.press("escape")
        assert len(rows(app)) == 2


async def test_broken_release_shows_as_error_row(make_app, drafts):
    (drafts / LIDO / "release.toml").write_text('headline = "unterminated\n', "utf-8")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#releases", ReleaseTable)
        assert table.row_count == 2
        broken = table.cells_of(LIDO)
        assert broken[0] == "error"
        assert "release.toml" in str(broken[2])
        table.move_to(LIDO)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)  # not opened, not crashed


async def test_new_release_proposes_slug(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await type_text(pilot, "Bins: [bold]new[/] rota")
        form = app.screen
        assert form.query_one("#field-slug", Input).value == "2026-11-25-bins-bold-new-rota"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, EditorScreen)
        data = tomllib.loads(
            (drafts / "2026-11-25-bins-bold-new-rota" / "release.toml").read_text("utf-8")
        )
        assert data["headline"] == "Bins: [bold]new[/] rota"
        assert data["created"].isoformat() == "2026-11-25"


async def test_duplicate_and_spike(make_app, drafts):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#releases", ReleaseTable)
        table.move_to(LIDO)
        await pilot.press("d")
        slug_input = app.screen.query_one("#field-slug", Input)
        slug_input.value = "2026-11-25-lido-copy"
        await pilot.press("ctrl+s")
        await settle(pilot)
        copy = tomllib.loads((drafts / "2026-11-25-lido-copy" / "release.toml").read_text("utf-8"))
        assert copy["headline"].startswith("Hollinsbury Lido")
        assert "approvals" not in copy and "history" not in copy
        assert (drafts / "2026-11-25-lido-copy" / "body.md").read_bytes() == (
            drafts / LIDO / "body.md"
        ).read_bytes()
        # The copy carries its pictures: the files its [[media]] records name.
        pictures = sorted(p.name for p in (drafts / LIDO / "media").iterdir())
        assert pictures and pictures == sorted(
            p.name for p in (drafts / "2026-11-25-lido-copy" / "media").iterdir()
        )
        assert table.row_count == 3

        table.move_to(BUS)
        await pilot.press("x")
        await type_text(pilot, "Consultation withdrawn")
        await pilot.press("ctrl+s")
        await settle(pilot)
        data = tomllib.loads((drafts / BUS / "release.toml").read_text("utf-8"))
        assert data["history"][-1]["action"] == "spike"
        assert data["history"][-1]["note"] == "Consultation withdrawn"
        assert table.cells_of(BUS)[0] == "spiked"


async def test_export_writes_draft_text(make_app, drafts, tmp_path):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#releases", ReleaseTable)
        table.move_to(LIDO)
        await pilot.press("e")
        target = tmp_path / "out.txt"
        app.screen.query_one("#field-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        text = target.read_text("utf-8")
        assert text.startswith("DRAFT – NOT APPROVED")
        assert "Hollinsbury Lido to reopen" in text


async def test_i_opens_the_import_screen(make_app):
    from newsroom.tui.screens.import_screen import ImportScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)

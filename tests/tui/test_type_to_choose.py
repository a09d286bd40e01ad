"""Typing at a closed choice (the quote form's speaker) chooses, instead of being dropped."""

from __future__ import annotations

from textual.widgets import Input, Select

from newsroom.tui.screens.form import FormDialog
from newsroom.tui.widgets import choose

from .conftest import BUS, open_editor, settle, type_text, wait_until


async def test_typing_at_the_closed_speaker_list_chooses(make_app, monkeypatch):
    # The list's clock is the test's: keys typed together count as one search
    # however slowly a busy machine delivers them, and a pause costs no time.
    now = [1000.0]
    monkeypatch.setattr(choose, "monotonic", lambda: now[0])

    def pause() -> None:  # a pause starts a new search
        now[0] += choose.RESET_SECONDS + 0.1

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_editor(pilot, BUS)
        await pilot.press("f3", "n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormDialog)
        speaker = form.query_one("#field-speaker", Select)
        assert app.focused is speaker and not speaker.expanded
        await type_text(pilot, "tom")  # the start of a name
        await settle(pilot)
        assert speaker.value == "tom-whitfield" and not speaker.expanded
        role = form.query_one("#field-role", Input)
        await wait_until(pilot, lambda: role.value == "Chair of the Friends of Hollinsbury Lido")
        pause()
        await type_text(pilot, "marsh")  # inside a name
        await settle(pilot)
        assert speaker.value == "helen-marsh"
        pause()
        await type_text(pilot, "zz")  # nothing matches: the choice stays
        await settle(pilot)
        assert speaker.value == "helen-marsh"
        pause()
        await pilot.press("space")  # space alone still opens the list
        await settle(pilot)
        assert speaker.expanded

"""Issue 15: correcting speaker, role and quote boundaries on the import screen."""

from __future__ import annotations

import tomllib
from pathlib import Path

from textual.widgets import Input, Select

from newsroom.bundle import Library
from newsroom.tui.screens.form import FormDialog
from newsroom.tui.screens.import_screen import ImportScreen

from .conftest import settle, wait_until
from .test_import_screen import _open_import, _summary, paste

TEXT = """Riverside rail users welcome new timetable

ASHBY, 18 July 2025 - Jo Bell, Treasurer of the Ashby Valley Greens, has welcomed the new
timetable for the Riverside line.

Commenting, Jo Bell said:

“This is a good day for the valley.”

“The first week will tell us more,” said the station manager.

“We will be watching it closely,” said Dr Ann Lee, a partner at Hill Street Surgery.
"""


async def _correct(pilot, quote_id: str, kind: str, value: str) -> None:
    await pilot.press("ctrl+o")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, FormDialog))
    form = pilot.app.screen
    form.query_one("#field-quote", Select).value = quote_id
    form.query_one("#field-kind", Select).value = kind
    form.query_one("#field-value", Input).value = value
    await pilot.press("ctrl+s")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))


async def test_correct_speaker_role_and_boundaries_before_writing(make_app, drafts: Path):
    app = make_app()
    async with app.run_test(size=(140, 45)) as pilot:
        await _open_import(pilot)
        await paste(pilot, TEXT)
        await wait_until(pilot, lambda: "Quotes:      2" in _summary(app))
        summary = _summary(app)
        # The station manager is named nobody knows: left as body text, and said so.
        assert "cannot tell who said it" in summary
        assert "q2 line 12: Ann Lee, a partner at Hill Street Surgery" in summary
        # Ann Lee's words were really Jo Bell's; her role is corrected too.
        await _correct(pilot, "q2", "speaker", "Jo Bell")
        await wait_until(pilot, lambda: "q2 line 12: Jo Bell" in _summary(app))
        await _correct(pilot, "q2", "role", "Treasurer")
        await wait_until(pilot, lambda: "q2 line 12: Jo Bell, Treasurer —" in _summary(app))
        # Joining q2 to the quote before is refused: body text sits between them.
        await _correct(pilot, "q2", "merge", "")
        await wait_until(pilot, lambda: "not a quote; nothing to join" in _summary(app))
        await _correct(pilot, "q1", "body", "")
        await wait_until(pilot, lambda: "Quotes:      1" in _summary(app))
        slug = app.screen.query_one("#import-slug", Input).value
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await settle(pilot)
    data = tomllib.loads((drafts / slug / "release.toml").read_text("utf-8"))
    (quote,) = data["quotes"]
    assert quote["speaker"] == "jo-bell" and quote["role"] == "Treasurer"
    # The attribution keeps the written words: Ann Lee's name is not lost.
    assert quote["attribution"] == "said Dr Ann Lee, a partner at Hill Street Surgery."
    people = Library.open(drafts).people
    assert "ann-lee" not in people  # nobody's words are hers any more
    assert people["jo-bell"].role == "Treasurer"
    body = (drafts / slug / "body.md").read_text("utf-8")
    assert "“This is a good day for the valley.”" in body
    assert "{{< quote q2 >}}" in body and "{{< quote q1 >}}" not in body

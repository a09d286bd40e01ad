"""Every publishable field of a release (newsroom.publishable, the digest's list) has
an editor in the TUI: each is typed into through the keyboard, the model follows,
and a save puts it in release.toml / body.md."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from textual.widgets import Input, Select, TextArea

from newsroom import publishable
from newsroom.bundle import Library
from newsroom.tui.screens.form import FormDialog

from .conftest import LIDO, open_editor, settle, type_text

TYPED = " ZQX"


@dataclass
class Editor:
    """Where a field is edited: a pane's key, then a widget; or, for the items of a
    list, a key on the pane's table that opens a form, then the form's field."""

    pane: str  # f2 drafting, f3 quotes, f8 details
    widget: str  # a widget id in the pane, or a form field's id
    typed: str = TYPED
    replace: bool = False  # clear the widget first (dates, zones)
    table: str = ""  # the table whose selected row the form edits
    expect: Callable[[Any], bool] | None = None  # the value on disk; default: ends with typed
    submit: bool = False  # press enter after typing (the media pane applies its fields)


def _first_ends(value: list) -> bool:
    return value[0].endswith(TYPED.strip())  # forms trim the ends


def _until(value: datetime | None) -> bool:
    local = value.astimezone(ZoneInfo("Europe/Paris")) if value else None
    return local is not None and (local.date().isoformat(), local.strftime("%H:%M")) == (
        "2027-03-04",
        "09:30",
    )


QUOTE = dict(pane="f3", table="#quote-table", expect=_first_ends)
CAPTION = dict(pane="f8", table="#caption-table", expect=_first_ends)

# Field path (newsroom.publishable) -> its editor. Order matters a little: the zone
# before the embargo time, so the time is read in it.
FIELD_EDITORS: dict[str, Editor] = {
    "headline": Editor("f2", "headline"),
    "standfirst": Editor("f2", "standfirst"),
    "dateline.place": Editor("f2", "place"),
    "dateline.date": Editor(
        "f2", "date", "2027-01-02", replace=True, expect=lambda v: v.isoformat() == "2027-01-02"
    ),
    "embargo.timezone": Editor(
        "f2", "embargo-zone", "Europe/Paris", replace=True, expect=lambda v: v == "Europe/Paris"
    ),
    "embargo.until": Editor("f2", "embargo-date", "2027-03-04", replace=True, expect=_until),
    "body": Editor("f2", "body"),
    "quotes[].speaker": Editor(
        widget="field-speaker",
        typed="helen-marsh",
        **{**QUOTE, "expect": lambda v: v[0] == "helen-marsh"},
    ),
    "quotes[].role": Editor(widget="field-role", **QUOTE),
    "quotes[].intro": Editor(widget="field-intro", **QUOTE),
    "quotes[].text": Editor(widget="field-text", **QUOTE),
    "quotes[].attribution": Editor(widget="field-attribution", **QUOTE),
    "quotes[].attribution_after": Editor(
        widget="field-attribution_after",
        typed="1",
        replace=True,
        **{**QUOTE, "expect": lambda v: v[0] == 1},
    ),
    "captions[].text": Editor(widget="field-text", **CAPTION),
    "captions[].credit": Editor(widget="field-credit", **CAPTION),
    "captions[].file": Editor(widget="field-file", **CAPTION),
    **{
        f"media[].{name}": Editor("f9", f"media-{name}", expect=_first_ends, submit=True)
        for name in ("caption", "creator", "credit", "copyright", "alt", "usage_terms")
    },
    "notes_to_editors[]": Editor("f8", "field-text", table="#note-table", expect=_first_ends),
    "contact.name": Editor("f8", "contact-name"),
    "contact.role": Editor("f8", "contact-role"),
    "contact.phone": Editor("f8", "contact-phone"),
    "contact.email": Editor("f8", "contact-email"),
    "about": Editor("f8", "about"),
    "imprint": Editor("f8", "imprint"),
}


def test_every_publishable_field_has_an_editor() -> None:
    missing = set(publishable.PUBLISHABLE_FIELDS) - set(FIELD_EDITORS)
    assert not missing, f"publishable fields with no editor in the TUI: {sorted(missing)}"
    assert set(FIELD_EDITORS) <= set(publishable.PUBLISHABLE_FIELDS)


async def type_into(pilot, widget, editor: Editor) -> None:
    widget.focus()
    if isinstance(widget, Select):
        widget.value = editor.typed  # a choice, not typing: the directory's ids
    elif isinstance(widget, Input):
        if editor.replace:
            widget.value = ""
        widget.cursor_position = len(widget.value)
    else:
        assert isinstance(widget, TextArea)
        widget.move_cursor(widget.document.end)
    await pilot.pause()
    if not isinstance(widget, Select):
        await type_text(pilot, editor.typed)


async def test_each_field_is_typed_into_and_saved(make_app, drafts):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        for path, spec in FIELD_EDITORS.items():
            before = publishable.get(editor.release, path)
            await pilot.press(spec.pane)
            await settle(pilot)
            if spec.table:
                editor.query_one(spec.table).focus()
                await pilot.press("e")
                await settle(pilot)
                form = app.screen
                assert isinstance(form, FormDialog), path
                await type_into(pilot, form.query_one(f"#{spec.widget}"), spec)
                await pilot.press("ctrl+s")
                await settle(pilot)
                assert app.screen is editor, path
            else:
                await type_into(pilot, editor.query_one(f"#{spec.widget}"), spec)
                if spec.submit:
                    await pilot.press("enter")
                if path == "embargo.until":
                    await type_into(
                        pilot,
                        editor.query_one("#embargo-time"),
                        Editor("f2", "", "09:30", replace=True),
                    )
                await settle(pilot)
            assert publishable.get(editor.release, path) != before, path
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not editor.unsaved
    saved = Library.open(drafts).load(LIDO)
    for path, spec in FIELD_EDITORS.items():
        value = publishable.get(saved, path)
        check = spec.expect or (lambda v: v.endswith(TYPED))
        assert check(value), (path, value)

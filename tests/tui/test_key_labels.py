"""F4 has one name per screen: on its tab, in the footer and in F1 (issue 21)."""

from __future__ import annotations

from .conftest import BUS, settle
from .test_help_palette import help_rows


def footer_label(app, key: str) -> str:
    return next(b.binding.description for k, b in app.screen.active_bindings.items() if k == key)


async def test_f4_has_one_name_per_screen(make_app):
    app = make_app()
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        assert footer_label(app, "f4") == "People"
        await pilot.press("f1")
        await settle(pilot)
        assert help_rows(app)["f4"] == "People"
        await pilot.press("escape")
        app.open_release(BUS)
        await settle(pilot)
        name = footer_label(app, "f4")
        tabs = [str(tab.label) for tab in app.screen.query("Tab")]
        assert f"{name} F4" in tabs
        await pilot.press("f1")
        await settle(pilot)
        assert help_rows(app)["f4"] == name

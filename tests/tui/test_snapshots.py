"""SVG snapshots of the library and every editor pane at 80x24 and 120x40, and the
preview at 200x60: fixed data, fixed clock, no blinking.

Update after a deliberate change with ``pytest tests/tui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import FIXED_NOW, settle, wait_until

DATA = Path(__file__).parent / "snapshot_drafts"
LIDO = "2026-11-24-lido-reopens"


@pytest.fixture
def snapshot_app(tmp_path, monkeypatch):
    from newsroom.tui.app import NewsroomApp

    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    # The approval pane says whether you sign: not this machine's git settings.
    (tmp_path / "gitconfig").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    drafts = tmp_path / "drafts"
    shutil.copytree(DATA, drafts)
    # The media pane's file picker starts in a folder of the test's, not the home
    # folder of whatever machine runs it.
    from newsroom.tui.panes.media import MediaPane

    photos = tmp_path / "photos"
    photos.mkdir()
    (photos / "mill-lane.jpg").write_bytes(b"")  # listed by name; never opened
    monkeypatch.setattr(MediaPane, "start_folder", photos)
    # The cursor never blinks off: on a busy machine a snapshot taken half a second
    # late caught the focused field's cursor hidden (and turning the blink off
    # afterwards redraws from a cache of the hidden state).
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", lambda self: None)
    app = NewsroomApp(drafts, clock=lambda: FIXED_NOW, user="priya-raman")
    app.animation_level = "none"  # the tab underline slides; a snapshot must not catch it
    return app


async def steady(pilot) -> None:
    await settle(pilot, 0.3)
    for widget in pilot.app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await settle(pilot)


def opening(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        if keys:
            pilot.app.open_release(LIDO)
            await settle(pilot)
            await pilot.press(*keys)
            if "f9" in keys:
                tree = pilot.app.screen.query_one("#media-picker")
                await wait_until(pilot, lambda: len(tree.root.children) > 0)
            if "f5" in keys:
                pane = pilot.app.screen.query_one("ApprovalPane")
                await wait_until(pilot, lambda: pane.assessment is not None)
            if "f6" in keys or pilot.app.size.width >= 160:
                preview = pilot.app.screen.query_one("#preview-text")
                await wait_until(pilot, lambda: "Hollinsbury" in preview.text)
        await steady(pilot)

    return run_before


SIZES = {"80x24": (80, 24), "120x40": (120, 40)}
# The keys that show each pane (f6 alone shows the preview: beside the body on
# wide terminals, instead of it below that).
PANES = {
    "drafting": ("f2",),
    "quotes": ("f3",),
    "attribution": ("f4",),
    "approval": ("f5",),
    "details": ("f8",),
    "media": ("f9",),
    "preview": ("f6",),
}


@pytest.mark.parametrize("size", SIZES)
def test_library(snap_compare, snapshot_app, size):
    assert snap_compare(snapshot_app, terminal_size=SIZES[size], run_before=opening())


@pytest.mark.parametrize("pane", PANES)
@pytest.mark.parametrize("size", SIZES)
def test_editor(snap_compare, snapshot_app, size, pane):
    assert snap_compare(snapshot_app, terminal_size=SIZES[size], run_before=opening(*PANES[pane]))


def test_editor_wide_with_preview(snap_compare, snapshot_app):
    # 200 columns: body and preview side by side, from the start.
    assert snap_compare(snapshot_app, terminal_size=(200, 60), run_before=opening("f2"))

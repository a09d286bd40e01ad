"""SVG snapshots of the main screens at 120x40: fixed data, fixed clock, no blinking.

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
            if "f5" in keys:
                pane = pilot.app.screen.query_one("ApprovalPane")
                await wait_until(pilot, lambda: pane.assessment is not None)
        await steady(pilot)

    return run_before


def test_library(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=opening())


def test_editor_drafting(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=opening("f2"))


def test_editor_quotes(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=opening("f3"))


def test_editor_attribution(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=opening("f4"))


def test_editor_approval(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=opening("f5"))


def test_editor_details(snap_compare, snapshot_app):
    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=opening("f8"))

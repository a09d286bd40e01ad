"""Shared fixtures for the TUI tests: a tmp copy of the sample library, a fixed clock."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled
from waiting import DEADLINE

SAMPLE = Path(__file__).resolve().parents[2] / "drafts"
FIXED_NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
LIDO = "2026-11-24-lido-reopens"
BUS = "2026-11-20-bus-route-consultation"
# Who the real program acts as in terminal tests: a person in the sample library, so
# no first-run "who are you?" question comes before the library.
ACTING = "priya-raman"


@pytest.fixture(scope="session", autouse=True)
def tmux_server():
    """The terminal tests' tmux server (``-L newsroom-tests-<pid>``, one per worker)
    lives as long as the worker: when a test killed the last session the server
    exited, and the next test's new-session, connecting while it went, failed
    with "server exited unexpectedly"."""
    import os
    import subprocess

    tmux = shutil.which("tmux")
    if tmux is None:
        yield
        return
    socket = f"newsroom-tests-{os.getpid()}"  # as in test_tmux.py and the kill tests
    # The server's environment is every pane's: not the worker's TMUX, COLUMNS or LINES.
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    command = [tmux, "-L", socket, "start-server", ";", "set-option", "-g", "exit-empty", "off"]
    subprocess.run(command, env=env, capture_output=True, check=False)
    yield
    subprocess.run([tmux, "-L", socket, "kill-server"], capture_output=True, check=False)


@pytest.fixture
def drafts(tmp_path: Path) -> Path:
    target = tmp_path / "drafts"
    shutil.copytree(SAMPLE, target, ignore=shutil.ignore_patterns(".newsroom", "*.lock"))
    return target


@pytest.fixture
def make_app(drafts: Path, monkeypatch):
    from newsroom.tui.app import NewsroomApp

    monkeypatch.delenv("NEWSROOM_USER", raising=False)

    def make(user: str = "") -> NewsroomApp:
        return NewsroomApp(drafts, clock=lambda: FIXED_NOW, user=user)

    return make


async def settle(pilot, delay: float = 0.0) -> None:
    """Let timers, workers and the messages they post run to completion."""
    if delay:
        await pilot.pause(delay)
    await pilot.pause()
    # DirectoryTree's loader (the media pane's file picker) runs for the widget's
    # whole life: wait for every other worker.
    for worker in [worker for worker in pilot.app.workers if worker.group != "_loader"]:
        try:
            await worker.wait()
        except WorkerCancelled:
            pass  # cancelled on purpose (an exclusive worker replaced by a newer one)
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*["enter" if c == "\n" else c for c in text])


async def wait_until(
    pilot, condition, timeout: float = DEADLINE, *, what: str = "", then_settle: bool = True
) -> None:
    """Poll ``condition`` while the app runs (debounced work lands on a timer).

    ``then_settle=False`` when a worker is held up on purpose (settling waits
    for every worker)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout:.0f}s for {what or 'a condition'}, in vain")
        await pilot.pause(0.05)
    if then_settle:
        await settle(pilot)


async def open_release(pilot, slug: str):
    """Open a release as the library does; the screen then shown (the editor,
    or a dialog such as a lock question in front of it)."""
    await settle(pilot)
    pilot.app.open_release(slug)
    await settle(pilot)
    return pilot.app.screen


async def open_editor(pilot, slug: str):
    """Open a release and check that its editor is what shows."""
    from newsroom.tui.screens.editor import EditorScreen

    editor = await open_release(pilot, slug)
    assert isinstance(editor, EditorScreen)
    return editor


async def palette_offers(pilot, text: str) -> None:
    """Wait until the command palette's highlighted result reads ``text``: its
    search runs in the background, and enter before it lands picks nothing."""
    from textual.command import CommandList

    def offered() -> bool:
        found = pilot.app.screen.query(CommandList)
        if not found:
            return False
        results = found.first()
        index = results.highlighted
        if index is None:
            return False
        prompt = str(results.get_option_at_index(index).prompt)
        return text.casefold() in prompt.casefold()

    await wait_until(pilot, offered, what=f"the palette to offer {text!r}")

"""The real `newsroom` command in a real terminal (tmux): type a headline, save, quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
import uuid
from pathlib import Path

import pytest
from waiting import DEADLINE, wait_until

from .conftest import ACTING, BUS

TMUX = shutil.which("tmux")
# A tmux server of the tests' own, so a developer's sessions are never touched.
SOCKET = f"newsroom-tests-{os.getpid()}"
NEWSROOM = Path(sys.executable).with_name("newsroom")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def tmux(*args: str) -> str:
    command = [TMUX, "-L", SOCKET, *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def screen_until(session: str, condition, what: str, timeout: float = DEADLINE) -> str:
    """The pane's text once ``condition(text)`` holds (polled; fails after ``timeout``)."""
    seen = [""]

    def look() -> str | None:
        seen[0] = tmux("capture-pane", "-p", "-t", session)
        return seen[0] if condition(seen[0]) else None

    def describe() -> str:
        size = tmux("display-message", "-p", "-t", session, "#{pane_width}x#{pane_height}")
        return f"the screen ({size.strip()}) was:\n{seen[0]}"

    return wait_until(look, what, timeout, describe=describe)


def wait_for(session: str, text: str, timeout: float = DEADLINE, *, gone: bool = False) -> str:
    what = f"{text!r} to {'go from' if gone else 'appear on'} the screen"
    return screen_until(session, lambda screen: (text in screen) != gone, what, timeout)


# Textual marks the focused one-line field with a bar at its left (newsroom.tcss):
# the proof that keys typed now go into that field, not wherever focus was.
FOCUS_BAR = "\u258a"


def wait_for_focus(session: str, text: str) -> str:
    """Wait until the one-line field showing ``text`` is drawn focused."""
    return wait_for(session, FOCUS_BAR + text)


def session_ends(session: str) -> None:
    def gone() -> bool:
        alive = subprocess.run(
            [TMUX, "-L", SOCKET, "has-session", "-t", session], capture_output=True
        )
        return alive.returncode != 0

    wait_until(gone, f"tmux session {session} to end (newsroom to quit)")


@pytest.mark.skipif(not NEWSROOM.exists(), reason="the newsroom script is not installed")
def test_type_headline_save_and_quit(drafts: Path):
    session = f"newsroom-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    command = f"export NEWSROOM_USER={ACTING} && cd {drafts.parent} && {NEWSROOM} --drafts drafts"
    subprocess.run(
        [TMUX, "-L", SOCKET, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command],
        check=True,
        env=env,
    )
    try:
        wait_for(session, "Residents urged")
        tmux("send-keys", "-t", session, "Enter")  # the first row is the bus release
        wait_for(session, "Drafting F2")
        # The headline field has focus (drawn so); wipe it and type a new one.
        wait_for_focus(session, "Residents urged")
        tmux("send-keys", "-t", session, "C-u")
        wait_for(session, "unsaved changes")
        tmux("send-keys", "-t", session, "-l", "Buses saved after residents speak up")
        # The field is ~30 columns: once typing ends it shows the text's tail.
        wait_for(session, "residents speak up")
        tmux("send-keys", "-t", session, "C-s")
        wait_for(session, "Saved.")
        wait_for(session, "unsaved changes", gone=True)
        tmux("send-keys", "-t", session, "C-q")
        session_ends(session)
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-session", "-t", session], capture_output=True)
    data = tomllib.loads((drafts / BUS / "release.toml").read_text("utf-8"))
    assert data["headline"] == "Buses saved after residents speak up"

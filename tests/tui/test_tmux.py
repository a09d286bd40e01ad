"""The real `newsroom` command in a real terminal (tmux): type a headline, save, quit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import tomllib
import uuid
from pathlib import Path

import pytest

from .conftest import ACTING, BUS

TMUX = shutil.which("tmux")
# A tmux server of the tests' own, so a developer's sessions are never touched.
SOCKET = f"newsroom-tests-{os.getpid()}"
NEWSROOM = Path(sys.executable).with_name("newsroom")

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def tmux(*args: str) -> str:
    command = [TMUX, "-L", SOCKET, *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def wait_for(session: str, text: str, timeout: float = 20.0, *, gone: bool = False) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if (text in screen) != gone:
            return screen
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")


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
        # The headline field has focus; wipe it and type a new one.
        time.sleep(0.5)  # let the editor settle its focus before typing
        tmux("send-keys", "-t", session, "C-u")
        wait_for(session, "unsaved changes")
        tmux("send-keys", "-t", session, "-l", "Buses saved after residents speak up")
        # The field is ~30 columns: once typing ends it shows the text's tail.
        wait_for(session, "residents speak up")
        tmux("send-keys", "-t", session, "C-s")
        wait_for(session, "Saved.")
        wait_for(session, "unsaved changes", gone=True)
        tmux("send-keys", "-t", session, "C-q")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            alive = subprocess.run(
                [TMUX, "-L", SOCKET, "has-session", "-t", session], capture_output=True
            )
            if alive.returncode != 0:
                break
            time.sleep(0.2)
        else:
            raise AssertionError("newsroom did not quit after ctrl+q")
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-session", "-t", session], capture_output=True)
    data = tomllib.loads((drafts / BUS / "release.toml").read_text("utf-8"))
    assert data["headline"] == "Buses saved after residents speak up"

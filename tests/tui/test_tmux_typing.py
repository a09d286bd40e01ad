"""Typing in a real terminal (tmux): non-ASCII spaces, a fast burst into a
form, a bracketed paste. Textual's own test driver skips the terminal's
parser, so these go through it as a user's keys do."""

from __future__ import annotations

import os
import subprocess
import tomllib
import uuid
from pathlib import Path

import pytest
from waiting import DEADLINE, wait_until

from .conftest import ACTING, BUS
from .test_tmux import NEWSROOM, SOCKET, TMUX, tmux, wait_for

pytestmark = [
    pytest.mark.skipif(TMUX is None, reason="tmux is not installed"),
    pytest.mark.skipif(not NEWSROOM.exists(), reason="the newsroom script is not installed"),
]

SPACES = "\u00a0\u2009\u202f"


def start(drafts: Path, *arguments: str, size=(80, 24)) -> str:
    session = f"newsroom-test-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    env["LANG"] = env.get("LANG") or "C.UTF-8"
    command = (
        f"export NEWSROOM_USER={ACTING} && cd {drafts.parent} && "
        f"{NEWSROOM} --drafts drafts {' '.join(arguments)}"
    )
    subprocess.run(
        [
            TMUX,
            "-L",
            SOCKET,
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            str(size[0]),
            "-y",
            str(size[1]),
            command,
        ],
        check=True,
        env=env,
    )
    return session


def stop(session: str) -> None:
    subprocess.run([TMUX, "-L", SOCKET, "kill-session", "-t", session], capture_output=True)


def wait_file(path: Path, condition, timeout: float = DEADLINE) -> str:
    seen = [""]

    def look() -> str | None:
        seen[0] = path.read_text("utf-8") if path.exists() else ""
        return seen[0] if condition(seen[0]) else None

    return wait_until(look, f"{path} to change", timeout, describe=lambda: f"it holds:\n{seen[0]}")


def save(session: str) -> None:
    tmux("send-keys", "-t", session, "C-s")
    wait_for(session, "Saved")


def test_spaces_and_a_burst_reach_their_fields(drafts: Path):
    session = start(drafts, "edit", BUS)
    try:
        wait_for(session, "Drafting F2")
        wait_for(session, "words")  # the body is drawn, the cursor at its end
        typed = f" Lib{SPACES[0]}Dems{SPACES[1]}and{SPACES[2]}more"
        tmux("send-keys", "-t", session, "-l", typed)
        save(session)
        body = (drafts / BUS / "body.md").read_text("utf-8")
        assert body.rstrip("\n").endswith(typed)
        # F4, then the whole Add-person form in one burst, as a fast typist
        # (or a script) sends it: tab between fields, enter to finish.
        tmux("send-keys", "-t", session, "F4")
        wait_for(session, "Helen Marsh")
        tmux("send-keys", "-t", session, "-l", f"aTest{SPACES[0]}Person\t\tSome Role\tSome Org\r")
        text = wait_file(drafts / "people.toml", lambda t: "test-person" in t)
        person = tomllib.loads(text)["people"]["test-person"]
        assert person == {
            "name": f"Test{SPACES[0]}Person",
            "role": "Some Role",
            "organisation": "Some Org",
        }
    finally:
        stop(session)


def test_a_pasted_release_keeps_every_character(drafts: Path, tmp_path: Path):
    text = (
        "Councillors have “welcomed” the plan — at last.\n\n"
        f"It costs £310,000{SPACES[0]}in total; the 1936{SPACES[2]}pool reopens.\n\n"
        "{{< quote marsh >}}\n\n"
        "[bold]not markup[/] and an accent: café, naïve.\n\n"
        "Last line."
    )
    source = tmp_path / "paste.txt"
    source.write_text(text, "utf-8")
    (drafts / BUS / "body.md").write_text("", "utf-8")
    session = start(drafts, "edit", BUS, size=(120, 40))
    try:
        wait_for(session, "0 words")
        tmux("load-buffer", "-b", "release", str(source))
        tmux("paste-buffer", "-p", "-d", "-b", "release", "-t", session)  # bracketed
        wait_for(session, "Last line.")
        save(session)
        assert (drafts / BUS / "body.md").read_text("utf-8").rstrip("\n") == text
    finally:
        stop(session)

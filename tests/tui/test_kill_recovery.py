"""The real TUI, killed: everything typed up to 2 seconds before a SIGKILL is in the
recovery file (issue 7). Runs `newsroom` in a pseudo-terminal: tmux when installed
(typing is confirmed on the screen), else Python's `pty`."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from waiting import wait_until

from newsroom import recovery

from .conftest import ACTING, BUS

TMUX = shutil.which("tmux")
# A tmux server of the tests' own, so a developer's sessions are never touched.
SOCKET = f"newsroom-tests-{os.getpid()}"
NEWSROOM = Path(sys.executable).with_name("newsroom")
GRACE = recovery.INTERVAL  # the most typing a crash may cost: 2 seconds
WORDS = [f"w{n:02d} " for n in range(24)]

pytestmark = pytest.mark.skipif(
    not NEWSROOM.exists(), reason="the newsroom script is not installed"
)


def recovered_body(drafts: Path) -> str:
    files = sorted((drafts / ".newsroom" / "recovery").glob(f"{BUS}.*.json"))
    assert len(files) == 1, f"expected one recovery file, found {files}"
    # Read by the same code that offers it on the next start.
    return recovery.Recovery.from_file(files[0]).files["body.md"].decode("utf-8")


def assert_everything_up_to_grace(drafts: Path, typed: list[tuple[float, str]], killed: float):
    due = "".join(word for at, word in typed if at <= killed - GRACE)
    assert due, "the test typed nothing early enough to check (the machine is very slow?)"
    body = recovered_body(drafts)
    assert body.startswith(due), (
        f"the recovery file lost words typed more than {GRACE}s before the kill:\n"
        f"typed by then: {due!r}\nrecovered: {body[: len(due) + 40]!r}"
    )


def wait_for_lock(drafts: Path) -> None:
    wait_until((drafts / BUS / ".lock").exists, "the editor to take the lock")


# Focus as drawn (newsroom.tcss): a bar left of the focused one-line field, a
# heavy border round the focused box. Seen on the screen, keys go there.
FOCUS_BAR = "\u258a"
FOCUSED_BOX = "\u250f"  # its top left corner
# Pacing, not waiting: the words are spread over several seconds so that some
# are older than GRACE when the kill comes.
BETWEEN_WORDS = 0.2


# -- tmux ----------------------------------------------------------------------


def tmux(*args: str) -> str:
    command = [TMUX, "-L", SOCKET, *args]
    return subprocess.run(command, check=True, capture_output=True, text=True).stdout


def wait_for(session: str, text: str) -> None:
    seen = [""]

    def look() -> bool:
        seen[0] = tmux("capture-pane", "-p", "-t", session)
        return text in seen[0]

    wait_until(look, f"{text!r} on the screen", describe=lambda: f"the screen was:\n{seen[0]}")


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the pty variant still runs)")
def test_sigkill_in_tmux_keeps_everything_typed_up_to_2_seconds_before(drafts: Path):
    session = f"newsroom-kill-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    command = (
        f"export NEWSROOM_USER={ACTING} && cd {drafts.parent} && exec {NEWSROOM} --drafts drafts"
    )
    subprocess.run(
        [TMUX, "-L", SOCKET, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command],
        check=True,
        env=env,
    )
    try:
        pid = int(tmux("display-message", "-p", "-t", session, "#{pane_pid}").strip())
        wait_for(session, "Residents urged")
        tmux("send-keys", "-t", session, "Enter")  # the first row is the bus release
        wait_for(session, "Drafting F2")
        wait_for_lock(drafts)
        wait_for(session, FOCUS_BAR + "Residents urged")  # the headline has focus
        tmux("send-keys", "-t", session, "F2")  # from the headline to the body
        wait_for(session, FOCUSED_BOX)  # the body has focus
        typed: list[tuple[float, str]] = []
        for word in WORDS:
            tmux("send-keys", "-t", session, "-l", word)
            wait_for(session, word.strip())  # on screen: the editor has it
            typed.append((time.monotonic(), word))
            time.sleep(BETWEEN_WORDS)
        killed = time.monotonic()
        os.kill(pid, signal.SIGKILL)
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-session", "-t", session], capture_output=True)
    assert_everything_up_to_grace(drafts, typed, killed)
    # The words were never saved: the bundle itself is untouched.
    assert not (drafts / BUS / "body.md").read_text("utf-8").startswith("w00")


# -- pty -----------------------------------------------------------------------


def test_sigkill_in_a_pty_keeps_everything_typed_up_to_2_seconds_before(drafts: Path):
    pty = pytest.importorskip("pty", reason="no pseudo-terminals on this platform")
    import fcntl
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # the child: the real command in a 120x40 terminal
        os.chdir(drafts.parent)
        os.environ["TERM"] = "xterm-256color"
        os.environ["NEWSROOM_USER"] = ACTING  # no first-run "who are you?" question
        os.execv(str(NEWSROOM), [str(NEWSROOM), "--drafts", "drafts"])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    output = bytearray()
    stop = threading.Event()

    def drain() -> None:  # a terminal nobody reads from blocks the app
        while not stop.is_set():
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            output.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()

    def shown(text: str, start: int = 0) -> int:
        """Where ``text`` first appears in the terminal's output after ``start``."""
        wanted = text.encode()
        return (
            wait_until(lambda: output.find(wanted, start) + 1, f"{text!r} in the terminal's output")
            - 1
        )

    try:
        # The library, drawn with the table focused (its bar at the left).
        shown(FOCUS_BAR, shown("Residents"))
        mark = len(output)
        os.write(fd, b"\r")
        wait_for_lock(drafts)
        # The editor drawn, the headline focused (the tabs come first in a frame).
        shown(FOCUS_BAR, shown("Drafting F2", mark))
        mark = len(output)
        os.write(fd, b"\x1bOQ")  # F2: from the headline to the body
        shown(FOCUSED_BOX, mark)
        typed: list[tuple[float, str]] = []
        for word in WORDS:
            mark = len(output)
            os.write(fd, word.encode())
            shown(word.strip(), mark)  # drawn: the editor has it
            typed.append((time.monotonic(), word))
            time.sleep(BETWEEN_WORDS)
        killed = time.monotonic()
        os.kill(pid, signal.SIGKILL)
    finally:
        stop.set()
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        os.waitpid(pid, 0)
        os.close(fd)
    assert_everything_up_to_grace(drafts, typed, killed)
    assert not (drafts / BUS / "body.md").read_text("utf-8").startswith("w00")

"""The real TUI loses its terminal: it saves what is unsaved, unlocks and leaves (issue 14).

Each test runs `newsroom` in a pseudo-terminal (tmux or Python's `pty`), opens
the bus release, types words into the body, confirms each on the screen, then
takes the terminal away one way or another: a killed tmux pane (newsroom run
directly, under `sh -c` and under `make run`), SIGHUP, SIGTERM, the terminal
closed under a shell that ignores the hang-up (read error / end of file),
end of input on a pipe, and the parent process killed. Each asserts that the
process is gone (polled, failing only past ``GONE_WITHIN``: the promise is 2 s,
measured figures are printed with -s), the lock file is gone, and the recovery
file holds every word typed, the last ones included (the hang-up writes the
release in memory, not the last timer checkpoint).
"""

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

from newsroom import locks, recovery

from .conftest import ACTING, BUS

TMUX = shutil.which("tmux")
MAKE = shutil.which("make")
SOCKET = f"newsroom-tests-{os.getpid()}"  # the tests' own tmux server
NEWSROOM = Path(sys.executable).with_name("newsroom")
ROOT = Path(__file__).resolve().parents[2]
# Seconds: the promise is 2 (measured figures are printed); the deadline only
# catches a process that never goes, so it is generous for a busy CI machine.
GONE_WITHIN = 30.0
WORDS = [f"h{n:02d} " for n in range(8)]

pytestmark = [
    pytest.mark.skipif(not NEWSROOM.exists(), reason="the newsroom script is not installed"),
    pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals only"),
]


# Focus as drawn (newsroom.tcss): a bar left of the focused one-line field or
# table, a heavy border round the focused box. Seen drawn, keys go there.
FOCUS_BAR = "\u258a"
FOCUSED_BOX = "\u250f"  # its top left corner


def editor_pid(drafts: Path) -> int:
    """The editor's pid, as its lock file says (it is not our child under tmux or make)."""

    def locked() -> bool:
        holder = locks.holder(drafts, BUS)
        return holder is not None and holder.pid > 0

    wait_until(locked, "the editor to take the lock")
    return locks.holder(drafts, BUS).pid


def gone(pid: int) -> bool:
    try:  # our own child (the pty tests): reap it, or it lingers as a zombie
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return True
    except ChildProcessError:
        pass
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
        return state == b"Z"  # exited, not yet reaped by its (other) parent
    except FileNotFoundError:
        return True
    except OSError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def assert_left_cleanly(drafts: Path, pid: int, since: float, how: str) -> float:
    """The process goes, its lock goes, its recovery file holds every word typed."""
    deadline = since + GONE_WITHIN
    while not gone(pid):
        assert time.monotonic() < deadline, f"{how}: newsroom still running {GONE_WITHIN}s on"
        time.sleep(0.02)
    took = time.monotonic() - since
    print(f"\n{how}: gone {took:.2f}s after the terminal went away")
    assert not (drafts / BUS / ".lock").exists(), f"{how}: the lock file was left behind"
    files = sorted((drafts / ".newsroom" / "recovery").glob(f"{BUS}.*.json"))
    assert len(files) == 1, f"{how}: expected one recovery file, found {files}"
    found = recovery.Recovery.from_file(files[0])
    assert found.pid == pid
    body = found.files["body.md"].decode("utf-8")
    assert body.startswith("".join(WORDS)), f"{how}: recovered body starts {body[:80]!r}"
    # Offered on the next start, as after a crash (the writer is gone).
    assert [r.path for r in recovery.pending(drafts)] == [files[0]]
    assert not (drafts / BUS / "body.md").read_text("utf-8").startswith("h00")
    return took


# -- pty -----------------------------------------------------------------------


class Pty:
    """A command in a 120x40 pseudo-terminal; optionally keys through a pipe instead."""

    def __init__(self, drafts: Path, argv: list[str], *, keys_by_pipe: bool = False) -> None:
        import fcntl
        import pty
        import struct
        import termios

        self.pipe = os.pipe() if keys_by_pipe else None
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            try:
                os.chdir(drafts.parent)
                os.environ["TERM"] = "xterm-256color"
                os.environ["NEWSROOM_USER"] = ACTING  # no first-run "who are you?" question
                if self.pipe is not None:
                    os.dup2(self.pipe[0], 0)
                    os.close(self.pipe[0])
                    os.close(self.pipe[1])
                os.execvp(argv[0], argv)
            finally:
                os._exit(127)
        if self.pipe is not None:
            os.close(self.pipe[0])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.output = bytearray()
        self.master_open = True
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:  # a terminal nobody reads from blocks the app
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output.extend(chunk)

    def send(self, data: bytes) -> None:
        os.write(self.pipe[1] if self.pipe is not None else self.fd, data)

    def wait_for(self, text: str, start: int = 0) -> int:
        """Where ``text`` first appears in the output after ``start`` (waits for it)."""
        wanted = text.encode()
        found = wait_until(lambda: self.output.find(wanted, start) + 1, f"{text!r} on the screen")
        return found - 1

    def type_words(self) -> None:
        for word in WORDS:
            mark = len(self.output)
            self.send(word.encode())
            self.wait_for(word.strip(), mark)

    def close_master(self) -> None:
        if self.master_open:
            self.master_open = False
            os.close(self.fd)

    def end(self) -> None:
        for pid in (self.pid,):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
        if self.pipe is not None:
            try:
                os.close(self.pipe[1])
            except OSError:
                pass
        self.close_master()


def open_bus_and_type(term: Pty, drafts: Path) -> int:
    # The library drawn with its table focused; then the editor drawn with the
    # headline focused (the tabs come first in a frame); then the body focused.
    term.wait_for(FOCUS_BAR, term.wait_for("Residents"))
    mark = len(term.output)
    term.send(b"\r")
    pid = editor_pid(drafts)
    term.wait_for(FOCUS_BAR, term.wait_for("Drafting F2", mark))
    mark = len(term.output)
    term.send(b"\x1bOQ")  # F2: from the headline to the body
    term.wait_for(FOCUSED_BOX, mark)
    term.type_words()
    return pid


def _run_pty(drafts: Path, argv: list[str], take_away, how: str, **kwargs) -> float:
    term = Pty(drafts, argv, **kwargs)
    try:
        pid = open_bus_and_type(term, drafts)
        since = time.monotonic()
        take_away(term, pid)
        return assert_left_cleanly(drafts, pid, since, how)
    finally:
        term.end()


DIRECT = [str(NEWSROOM), "--drafts", "drafts"]
# A shell that ignores the hang-up and outlives newsroom: newsroom is neither the
# session leader nor bereaved, so only its own terminal reads can tell.
SHELL_IGNORING_HUP = ["sh", "-c", f"trap '' HUP; {NEWSROOM} --drafts drafts; sleep 60"]


def test_sighup_in_a_pty(drafts: Path) -> None:
    _run_pty(drafts, DIRECT, lambda term, pid: os.kill(pid, signal.SIGHUP), "SIGHUP")


def test_sigterm_in_a_pty(drafts: Path) -> None:
    _run_pty(drafts, DIRECT, lambda term, pid: os.kill(pid, signal.SIGTERM), "SIGTERM")


def test_terminal_closed_under_a_shell_that_ignores_the_hang_up(drafts: Path) -> None:
    _run_pty(
        drafts,
        SHELL_IGNORING_HUP,
        lambda term, pid: term.close_master(),
        "terminal closed (read error/end of file, no signal)",
    )


def test_end_of_input_on_a_pipe(drafts: Path) -> None:
    def close_input(term: Pty, pid: int) -> None:
        os.close(term.pipe[1])
        term.pipe = None

    _run_pty(drafts, DIRECT, close_input, "end of input (stdin pipe closed)", keys_by_pipe=True)


def test_parent_process_killed(drafts: Path) -> None:
    # sh waits for newsroom (no exec); killing sh leaves the terminal open.
    argv = ["sh", "-c", f"{NEWSROOM} --drafts drafts; sleep 60"]
    _run_pty(
        drafts, argv, lambda term, pid: os.kill(term.pid, signal.SIGKILL), "parent (sh) killed"
    )


# -- tmux ----------------------------------------------------------------------


def tmux(*args: str) -> str:
    return subprocess.run(
        [TMUX, "-L", SOCKET, *args], check=True, capture_output=True, text=True
    ).stdout


def tmux_wait(session: str, text: str) -> None:
    wait_until(lambda: text in tmux("capture-pane", "-p", "-t", session), f"{text!r} in tmux")


def _make_ready() -> str | None:
    """Why `make run` cannot be tested here without reinstalling, or None."""
    if MAKE is None:
        return "make is not installed"
    if Path(sys.executable).parent.parent.resolve() != (ROOT / ".venv").resolve():
        return "the tests do not run from this checkout's .venv"
    stamp = subprocess.run([MAKE, "-C", str(ROOT), "-q", ".venv/.installed"], capture_output=True)
    if stamp.returncode != 0:
        return "the .venv stamp is out of date: `make run` would reinstall"
    return None


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (the pty variants still run)")
@pytest.mark.parametrize("how", ["directly", "under sh -c", "under make run"])
def test_killed_tmux_pane(drafts: Path, how: str) -> None:
    if how == "under make run":
        reason = _make_ready()
        if reason:
            pytest.skip(reason)
        command = f"export NEWSROOM_USER={ACTING} && {MAKE} -C {ROOT} run DRAFTS={drafts}"
    elif how == "under sh -c":
        command = (
            f"export NEWSROOM_USER={ACTING} && cd {drafts.parent} && "
            f"{NEWSROOM} --drafts drafts; echo finished"
        )
    else:
        command = (
            f"export NEWSROOM_USER={ACTING} && cd {drafts.parent} && "
            f"exec {NEWSROOM} --drafts drafts"
        )
    session = f"newsroom-hangup-{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("TMUX")}
    subprocess.run(
        [TMUX, "-L", SOCKET, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", command],
        check=True,
        env=env,
    )
    try:
        tmux_wait(session, "Residents urged")
        tmux("send-keys", "-t", session, "Enter")
        pid = editor_pid(drafts)
        tmux_wait(session, "Drafting F2")
        tmux_wait(session, FOCUS_BAR + "Residents urged")  # the headline has focus
        tmux("send-keys", "-t", session, "F2")
        tmux_wait(session, FOCUSED_BOX)  # the body has focus
        for word in WORDS:
            tmux("send-keys", "-t", session, "-l", word)
            tmux_wait(session, word.strip())
        since = time.monotonic()
        tmux("kill-session", "-t", session)
    finally:
        subprocess.run([TMUX, "-L", SOCKET, "kill-session", "-t", session], capture_output=True)
    assert_left_cleanly(drafts, pid, since, f"tmux pane killed, newsroom {how}")

"""Noticing that the terminal, or the process that started us, has gone away.

A program that is not its terminal's session leader (run by ``make``, a shell
script, ``ssh host make run``, a multiplexer pane) is not reliably sent
SIGHUP when the terminal closes. The pieces here let the TUI notice anyway
and leave within ``DEADLINE`` seconds (see ``newsroom/tui/hangup.py``):

- ``on_signals`` routes SIGHUP and SIGTERM to one callback;
- ``die_with_parent`` asks Linux to send SIGHUP when the parent process dies
  (``prctl(PR_SET_PDEATHSIG)``), and elsewhere watches ``getppid()``;
- ``Watchdog`` runs the last steps (write recovery files, release locks, ask
  the app to quit) and ends the process with ``os._exit`` if a clean exit has
  not happened by the deadline, so no process lingers with a dead terminal.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable

DEADLINE = 2.0  # seconds from the hang-up to the process being gone
FLUSH_WAIT = 0.6  # how long the app's own loop gets to write the recovery files
EXIT_AT = 1.5  # when a process that has not exited cleanly is ended
PARENT_POLL = 0.25  # seconds between getppid() checks where prctl is missing
_PR_SET_PDEATHSIG = 1

HANGUP_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name)
)


def exit_code(reason: str) -> int:
    """The shell's convention: 128 + the signal's number; 129 (as SIGHUP) otherwise."""
    for sig in HANGUP_SIGNALS:
        if reason == sig.name:
            return 128 + int(sig)
    return 129


def on_signals(callback: Callable[[str], None]) -> None:
    """Call ``callback(signal name)`` on SIGHUP or SIGTERM (from the main thread)."""

    def handler(signum: int, _frame: object) -> None:
        callback(signal.Signals(signum).name)

    for sig in HANGUP_SIGNALS:
        signal.signal(sig, handler)


def die_with_parent(callback: Callable[[str], None]) -> str:
    """Notice the parent process dying; returns how ("prctl" or "poll").

    On Linux the kernel sends SIGHUP (routed by ``on_signals``) when the parent
    exits. Elsewhere a daemon thread polls ``getppid()``. Either way a parent
    that died before we asked is caught by comparing ``getppid()`` after.
    """
    parent = os.getppid()
    how = "poll"
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGHUP), 0, 0, 0) == 0:
                how = "prctl"
    if os.getppid() != parent or parent == 1:
        callback("parent process gone")
        return how
    if how == "poll":

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(PARENT_POLL)
            callback("parent process gone")

        threading.Thread(target=watch, daemon=True, name="newsroom-parent-watch").start()
    return how


class Watchdog:
    """The last two seconds of a process whose terminal went away.

    ``trigger(reason)`` (from any thread, a signal handler included: it only
    starts a thread) runs once: ``on_loop(reason)`` is asked to write the
    recovery files and quit from the app's own event loop; if that has not
    finished within ``FLUSH_WAIT`` the ``flush`` fallback writes them from this
    thread. If the process is still here at ``EXIT_AT`` it is ended with
    ``os._exit`` (a dead terminal can leave the clean exit stuck).
    """

    def __init__(
        self,
        on_loop: Callable[[str], bool],
        flush: Callable[[str], None],
        *,
        hard_exit: Callable[[int], object] = os._exit,
    ) -> None:
        self.on_loop = on_loop  # schedules the work on the loop; False if it cannot
        self.flush = flush
        self.hard_exit = hard_exit
        self.reason = ""
        self.triggered = threading.Event()
        self.flushed = threading.Event()
        self._once = threading.Lock()
        self._flushing = threading.Lock()

    def trigger(self, reason: str) -> None:
        with self._once:
            if self.triggered.is_set():
                return
            self.reason = reason
            self.triggered.set()
        threading.Thread(target=self._run, daemon=True, name="newsroom-hangup").start()

    def run_flush(self) -> None:
        """Write the recovery files and release the locks, once (either thread)."""
        with self._flushing:
            if self.flushed.is_set():
                return
            try:
                self.flush(self.reason)
            finally:
                self.flushed.set()

    def _run(self) -> None:
        started = time.monotonic()
        scheduled = False
        with contextlib.suppress(Exception):
            scheduled = self.on_loop(self.reason)
        if not (scheduled and self.flushed.wait(FLUSH_WAIT)):
            with contextlib.suppress(Exception):
                self.run_flush()
        time.sleep(max(0.0, EXIT_AT - (time.monotonic() - started)))
        self.hard_exit(exit_code(self.reason))

"""When the terminal goes away: save what is unsaved to recovery files, unlock, leave.

Textual 8.2's Linux driver does not handle a dead terminal: its input thread
treats end of input as "nothing yet" and spins at full speed, a read error
ends it without telling anyone, and its writer thread dies on the first
failed write (after which the app blocks once 30 writes are queued). Nor does
anything handle SIGHUP when newsroom is not the session leader (under
``make``, ``sh -c``, a multiplexer pane). ``HangUpDriver`` fixes the driver
side; ``Lifeline`` routes every way the terminal can go (SIGHUP, SIGTERM, end
of input, a read or write error, the parent process dying) to one exit path:

1. every open editor with unsaved edits writes its recovery file from the
   release in memory (not the last timer checkpoint), every lock is released;
2. the app is asked to quit; ``lifeline.Watchdog`` ends the process if it has
   not gone by ``lifeline.EXIT_AT`` seconds, well inside ``lifeline.DEADLINE``.

The next start offers the recovery files as after a crash.
"""

from __future__ import annotations

import asyncio
import os
import selectors
from codecs import getincrementaldecoder
from typing import IO, Any

from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.drivers.linux_driver import LinuxDriver

from .. import lifeline


def editors(app) -> list[Any]:
    """Every editor screen in the app's screen stack (newsroom uses one mode)."""
    from .screens.editor import EditorScreen

    return [screen for screen in app.get_screen_stack() if isinstance(screen, EditorScreen)]


def save_everything(app) -> list[str]:
    """Recovery files for every release with unsaved edits; then every lock released.

    Returns the slugs written. Safe from any thread: it only reads the
    releases held in memory and writes files.
    """
    written = []
    for editor in editors(app):
        keeper = editor.keeper
        if keeper is None:
            continue
        if (
            editor.unsaved
            and editor.release is not None
            and keeper.final_checkpoint(editor.release)
        ):
            written.append(editor.slug)
        keeper.close()
    return written


class Lifeline:
    """One exit path for every way the terminal can go away (see the module doc)."""

    def __init__(self, app) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None
        self.watchdog = lifeline.Watchdog(self._on_loop, self._flush)
        self.saved: list[str] = []

    def install(self) -> None:
        """Call from the main thread before ``app.run()``."""
        lifeline.on_signals(self.hang_up)
        lifeline.die_with_parent(self.hang_up)

    def hang_up(self, reason: str) -> None:
        self.watchdog.trigger(reason)

    def _flush(self, reason: str) -> None:
        self.saved = save_everything(self.app)

    def _on_loop(self, reason: str) -> bool:
        loop = self.loop
        if loop is None or loop.is_closed():
            return False

        def last_steps() -> None:
            # On the UI thread: body text typed but not yet reported joins the
            # release first (edits travel as messages), then recovery is written.
            for editor in editors(self.app):
                try:
                    editor.flush_edits()
                except Exception:  # noqa: BLE001 - nothing may stop the recovery write
                    pass
            self.watchdog.run_flush()
            self.app.exit(return_code=lifeline.exit_code(reason))

        loop.call_soon_threadsafe(last_steps)
        return True


class _Terminal:
    """The driver's output file: a failed write means the terminal is gone.

    Textual's writer thread dies on the first exception; this keeps it alive
    (dropping the output) and reports the loss once.
    """

    def __init__(self, file: IO[str], lost) -> None:
        self._file = file
        self._lost = lost
        self.dead = False

    def _guard(self, action, *args) -> None:
        if self.dead:
            return
        try:
            action(*args)
        except (OSError, ValueError) as error:
            self.dead = True
            self._lost(f"terminal write failed ({getattr(error, 'strerror', None) or error})")

    def write(self, text: str) -> None:
        self._guard(self._file.write, text)

    def flush(self) -> None:
        self._guard(self._file.flush)

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return True


class HangUpDriver(LinuxDriver):
    """Textual's Linux driver, told what to do when the terminal goes away."""

    lifeline: Lifeline | None = None  # set by run_app before the app starts

    def __init__(self, app, **kwargs) -> None:
        super().__init__(app, **kwargs)
        self.debug_input = bool(kwargs.get("debug", False))  # for the parser, as Textual's
        # The one private name left (see tests/tui/test_textual_public_api.py):
        # LinuxDriver's output file, which nothing public lets us wrap.
        self._file = _Terminal(self._file, self._lost)

    def _lost(self, reason: str) -> None:
        if self.lifeline is not None:
            self.lifeline.hang_up(reason)

    def start_application_mode(self) -> None:
        if self.lifeline is not None:
            self.lifeline.loop = asyncio.get_running_loop()
        super().start_application_mode()

    def run_input_thread(self) -> None:
        """Textual's input loop, except that end of input or a read error ends it.

        Textual's own loop reads b"" from a hung-up terminal forever (100% CPU).
        """
        selector = selectors.SelectSelector()
        selector.register(self.fileno, selectors.EVENT_READ)
        parser = XTermParser(self.debug_input)
        decode = getincrementaldecoder("utf-8")().decode
        try:
            while not self.exit_event.is_set():
                for _key, mask in selector.select(0.1):
                    if not mask & selectors.EVENT_READ:
                        continue
                    try:
                        data = os.read(self.fileno, 4096)
                    except OSError as error:  # EIO: the terminal hung up
                        self._lost(f"terminal read failed ({error.strerror or error})")
                        return
                    if not data:
                        self._lost("end of input")
                        return
                    for event in parser.feed(decode(data)):
                        self.process_message(event)
                for event in parser.tick():
                    self.process_message(event)
        finally:
            selector.close()
            try:
                for _event in parser.feed(""):
                    pass
            except (EOFError, ParseError):
                pass

"""Every key reaches the field it was typed into, in order, and none is dropped.

Two faults of Textual 8.2 that lose typing (reported upstream; see docs/tui.md):

1. ``Input`` and ``TextArea`` insert a key's character only when
   ``Key.is_printable``, which is ``str.isprintable()``: False for every space
   but U+0020. A typed no-break space (U+00A0), thin space (U+2009) or narrow
   no-break space (U+202F) is dropped and the words either side are glued.
2. The app hands each key to the focused widget's queue and moves on to the
   next key at once. A key that moves focus or opens a dialog (tab, a pane's
   ``a``) acts only once it has bubbled back up to the app, after the keys
   typed behind it were already handed to the old field, or to a screen still
   being mounted, where nothing has focus yet and they are lost.

So the app wraps each key in a ``TypedKey`` (which counts those spaces as
printable) and hands keys over one at a time: the next waits until the one
before is handled (stopped by a widget, or back at the app with its bindings
run), the widgets that would receive the next have caught up, and the current
screen is mounted and drawn. Characters typed into a field are the exception:
they go on at once (the field's own queue keeps their order), so typing is as
fast as Textual's own, and only the key after them (tab, enter, ctrl+s) waits.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Callable
from functools import partial
from time import monotonic

from textual import events
from textual.widgets import Input, TextArea

# Invisible characters people type on purpose (soft hyphen, zero-width space,
# joiners for emoji and scripts, word joiner). Other format characters, such as
# bidi overrides, stay untypable.
TYPABLE_FORMAT = frozenset("\u00ad\u200b\u200c\u200d\u2060")
PATIENCE = 1.0  # seconds a key may stay unhandled before the next goes anyway
MOUNT_POLL = 0.01  # seconds between looks at a screen that is still mounting
SETTLE_LIMIT = 0.5  # seconds a key's consequences may hold up the next key
SETTLE_POLL = 0.002  # seconds between looks at whether they have played out


def typable(character: str | None) -> bool:
    """Is ``character`` text to insert when typed (not a control)?"""
    if character is None or len(character) != 1:
        return False
    return (
        character.isprintable()
        or unicodedata.category(character) == "Zs"
        or character in TYPABLE_FORMAT
    )


class TypedKey(events.Key):
    """A key as the app hands it on: knows when it has been handled."""

    def __init__(
        self, key: str, character: str | None, handled: Callable[[TypedKey], None]
    ) -> None:
        super().__init__(key, character)
        self._handled = handled
        self.finishing = False
        self.light = False  # only puts a character into the focused field

    @property
    def is_printable(self) -> bool:
        return typable(self.character)

    def stop(self, stop: bool = True) -> None:
        super().stop(stop)
        if stop:
            self._handled(self)


# Handlers are looked up by name; a subclass would otherwise be "on_typed_key".
TypedKey.handler_name = events.Key.handler_name


class OrderedKeys:
    """App mixin: keys are delivered one at a time (see the module's docstring)."""

    _key_backlog: deque[events.Event]
    _key_in_flight: TypedKey | None = None
    _key_since = 0.0
    _key_drain_due = False
    _key_screen = None  # the screen the last key went to

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not isinstance(event, TypedKey):
                typed = TypedKey(event.key, event.character, self._key_handled)
                typed.time = event.time
                # No sender: a key "sent by the app" is stopped by the screen as it
                # bubbles back up, which would count as handled before the app's
                # bindings (tab, a pane's keys) have run.
                typed.set_sender(None)  # type: ignore[arg-type]
                event = typed
            self._backlog().append(event)
            await self._drain_keys()
            return
        if (
            isinstance(event, events.Paste)
            and not event.is_forwarded
            and (self._key_in_flight is not None or self._backlog())
        ):
            self._backlog().append(event)  # a paste keeps its place among the keys
            return
        await super().on_event(event)  # type: ignore[misc]
        if isinstance(event, TypedKey) and event.is_forwarded:
            # Back at the app, bindings run: the key is done with.
            self._key_handled(event)

    def _backlog(self) -> deque[events.Event]:
        try:
            return self._key_backlog
        except AttributeError:
            self._key_backlog = deque()
            return self._key_backlog

    def _key_handled(self, key: TypedKey) -> None:
        # Not done yet: what the key did may still be on its way through the
        # queues (Widget.focus() is deferred to the app's queue; enter in a
        # form posts Submitted, which dismisses it, which calls back the
        # screen below, which opens another). The next key waits until the
        # widgets that would receive it have nothing left to do.
        if key is self._key_in_flight and key.light:
            # A character typed into a field: nothing else to wait for.
            self._key_in_flight = None
            if self._backlog():
                self._drain_soon(0)
        elif key is self._key_in_flight and not key.finishing:
            key.finishing = True
            self._key_since = monotonic()
            self.call_later(self._key_finished, key)  # type: ignore[attr-defined]

    async def _key_finished(self, key: TypedKey) -> None:
        if key is not self._key_in_flight:
            return
        if not self._keys_quiet() and monotonic() - self._key_since < SETTLE_LIMIT:
            # A timer, not call_later: the app must yield for the others to run.
            self.set_timer(SETTLE_POLL, partial(self._key_finished, key))  # type: ignore[attr-defined]
            return
        self._key_in_flight = None
        await self._drain_keys()

    def _inserts_text(self, key: TypedKey) -> bool:
        """Will ``key`` only put a character into the focused field?

        Then nothing can move before the next key (which that field's queue
        takes in order), so the next need not wait: typing stays as fast as
        Textual's own.
        """
        focused = self.focused  # type: ignore[attr-defined]
        return (
            key.is_printable
            and isinstance(focused, (Input, TextArea))
            and not getattr(focused, "read_only", False)
        )

    def _keys_quiet(self) -> bool:
        """Has everything between the focused widget and the app caught up?"""
        screen = self.screen  # type: ignore[attr-defined]
        if not screen.is_mounted:
            return False
        node = self.focused or screen  # type: ignore[attr-defined]
        while node is not None and node is not self:
            if node.message_queue_size:
                return False
            node = node.parent
        return True

    def _drain_soon(self, delay: float) -> None:
        if not delay:
            self.call_later(self._drain_keys)  # type: ignore[attr-defined]
            return
        if self._key_drain_due:
            return  # one timer at a time is enough: each drain looks afresh
        self._key_drain_due = True

        async def drain() -> None:
            self._key_drain_due = False
            await self._drain_keys()

        self.set_timer(delay, drain)  # type: ignore[attr-defined]

    async def _drain_keys(self) -> None:
        backlog = self._backlog()
        while backlog:
            light = self._key_in_flight is not None and self._key_in_flight.light
            if light and isinstance(backlog[0], TypedKey) and self._inserts_text(backlog[0]):
                pass  # more typing into the same field: its queue keeps the order
            elif self._key_in_flight is not None:
                waited = monotonic() - self._key_since
                if waited < PATIENCE:
                    # Normally _key_handled drains first; this is for a key
                    # that is never handled (its widget went away).
                    self._drain_soon(PATIENCE - waited)
                    return
                self._key_in_flight = None
            screen = self.screen  # type: ignore[attr-defined]
            if screen is not self._key_screen:
                if not screen.is_mounted and monotonic() - self._key_since < PATIENCE:
                    self._drain_soon(MOUNT_POLL)  # its first field takes focus on mount
                    return
                # Mounted; the focus it asked for on mount is still on its way
                # (and may wait for its panes to show): keys go on once the
                # new screen has been drawn.
                self._key_screen = screen
                self.call_after_refresh(self._drain_keys)  # type: ignore[attr-defined]
                return
            event = backlog.popleft()
            if isinstance(event, TypedKey):
                # Typing into a field need not wait for the field to catch up,
                # but anything after it (ctrl+s, tab) waits for the typing.
                event.light = self._inserts_text(event)
                self._key_in_flight, self._key_since = event, monotonic()
            await super().on_event(event)  # type: ignore[misc]
            if isinstance(event, TypedKey) and not event.is_forwarded:
                self._key_handled(event)  # a priority binding took it here
            if self._key_in_flight is not None and not self._key_in_flight.light:
                return  # the rest follow once it is done with

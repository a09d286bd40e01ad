"""Waiting on a condition, never on the clock.

A test that needs something to have happened (a screen drawn, a lock taken,
a process gone) polls for it here, briefly and often, up to a generous
deadline: on a quiet machine it moves on as soon as the thing is true, on a
busy CI machine (two cores, another suite beside it) it still passes. A
fixed ``sleep`` is allowed only where the passing of time is itself what is
tested or the pacing of the test (say so in a comment there).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

# Seconds. Long: only a hung or broken program should ever reach it.
DEADLINE = 60.0
POLL = 0.05


def wait_until(
    condition: Callable[[], T],
    what: str,
    timeout: float = DEADLINE,
    *,
    poll: float = POLL,
    describe: Callable[[], str] | None = None,
) -> T:
    """Poll ``condition`` until it returns something true, and return that.

    Fails after ``timeout`` seconds naming ``what`` was awaited, with
    ``describe()`` (say, the screen as last seen) when given.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            detail = f"\n{describe()}" if describe is not None else ""
            raise AssertionError(f"waited {timeout:.0f}s for {what}, in vain{detail}")
        time.sleep(poll)

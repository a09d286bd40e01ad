"""The library's rows: one per release, as the table shows it and the filter reads it."""

from __future__ import annotations

import gc
from dataclasses import dataclass


@dataclass
class Row:
    slug: str
    status: str
    date: str
    headline: str
    speakers: str
    approvals: str
    error: str = ""

    def __post_init__(self) -> None:
        # Worked out once per row, not once per row per keystroke.
        self.haystack = f"{self.headline}\n{self.slug}\n{self.speakers}".casefold()


# Libraries at least this large have their rows frozen out of the garbage
# collector's passes once they are loaded (see settle_heap).
FREEZE_FROM = 1000


def settle_heap() -> None:
    """Collect garbage once, then leave everything alive out of later full passes.

    A full pass of the garbage collector visits every object: at 10,000 rows
    that is tens of milliseconds, and one comes
    every dozen or so filter keystrokes, landing on one of them. The rows live
    until the next load, so once they are in place they are frozen (moved to
    the collector's permanent generation, ``gc.freeze``); the young passes
    between keystrokes were never slowed by them. What was frozen at the last
    load is unfrozen first and collected now, at a load the user is waiting
    for anyway, so nothing (a closed editor screen, the old rows) stays frozen
    once it is garbage; the screen unfreezes everything when it goes.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()

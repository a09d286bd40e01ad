"""How many processes a long batch (an index rebuild, ``export --all``) may fork.

Imports nothing beyond ``os`` and ``sys``: ``newsroom list`` reads it on its
warm path.
"""

from __future__ import annotations

import os
import sys


def can_fork() -> bool:
    """Forking is safe only from a single-threaded process (the command line)."""
    if not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")  # not imported: no threads were started
    return threading is None or threading.active_count() == 1


def default_workers() -> int:
    """Processes for a long rebuild: $NEWSROOM_WORKERS, else the CPUs we may use (at most 4)."""
    setting = os.environ.get("NEWSROOM_WORKERS", "")
    if setting.isdigit() and int(setting) >= 1:
        return int(setting)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 4))

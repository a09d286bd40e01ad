"""Sending releases to the press list: one message per recipient, exactly once.

- ``config``: ``[send]`` settings and the SMTP password (never from the library)
- ``message``: the ``.eml`` export turned into one message per recipient
- ``transport``: SMTP and ``sendmail``
- ``ledger``: ``sent.toml`` (who got what, when) and the queue of scheduled sends
- ``run``: plan, send, queue and ``--due``

Core package: no Textual, no Rich. See docs/sending.md.
"""

from .config import SendError, SendSettings, send_settings
from .ledger import Busy
from .run import Outcome, Plan, Report, plan, run_due, send, send_release

__all__ = [
    "Busy",
    "Outcome",
    "Plan",
    "Report",
    "SendError",
    "SendSettings",
    "plan",
    "run_due",
    "send",
    "send_release",
    "send_settings",
]

"""The sign-off vocabulary: statuses, history actions, and the errors actions raise.

The rules live beside it: ``digest`` (canonical form, digests, snapshots),
``signoff`` (who may approve, what counts, derived status), ``actions``
(submit, clear, approve, request changes, spike, publish, the export gate)
and ``audit`` (verify, diff).

Every action checks its rules first and raises ``Refused`` (exit 1) or
``BadInput`` (exit 2) before anything on disk changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

DRAFT = "draft"
IN_REVIEW = "in review"
APPROVED = "approved"
STALE = "stale"
PUBLISHED = "published"
SPIKED = "spiked"
STATUSES = (DRAFT, IN_REVIEW, APPROVED, STALE, PUBLISHED, SPIKED)

# History actions.
SUBMIT = "submit"
CLEAR = "clear"
APPROVE = "approve"
REQUEST_CHANGES = "request-changes"
SPIKE = "spike"
UNSPIKE = "unspike"
PUBLISH = "publish"
ACTIONS = (SUBMIT, CLEAR, APPROVE, REQUEST_CHANGES, SPIKE, UNSPIKE, PUBLISH, "waive")

# Clearance states of one quote.
CLEARED = "cleared"
CLEARANCE_STALE = "stale"
NOT_CLEARED = "not cleared"

CLEARANCE_VIA = ("email", "phone", "in-person")


class WorkflowError(Exception):
    exit_code = 1


class Refused(WorkflowError):
    """A rule forbids the action (exit 1)."""

    exit_code = 1


class BadInput(WorkflowError):
    """The action was asked for wrongly: unknown quote, unreadable key… (exit 2)."""

    exit_code = 2


class NeedsPassphrase(BadInput):
    """The signing key is protected: ask for its passphrase and try again."""

    def __init__(self, message: str, key: Path) -> None:
        super().__init__(message)
        self.key = key


@dataclass(frozen=True)
class SignWith:
    """The key to sign a sign-off with.

    ``explicit`` (``--sign KEY``): a signature that would not count is
    refused. A key found in the user's config instead falls back to an
    unsigned sign-off, saying why, unless signatures are required.
    """

    key: Path
    passphrase: str | None = None
    explicit: bool = True


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)

"""Waivers: an approver lets one blocking check pass, with a reason.

A waiver is bound to the release's digest like an approval: any later edit
of the published content makes it stale and the check blocks again. It is
recorded in ``release.toml [[waivers]]`` and as a ``waive`` event in the
history (which backs it: a waiver the history does not record was written by
hand and does not count). Waivers are not part of the digest. ``cleared`` is
never waivable: it protects the people quoted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from .bundle import Library
from .model import Event, Release, Waiver

WAIVE = "waive"


def _workflow():
    from . import workflow

    return workflow


def waiver_problems(
    waiver: Waiver, release: Release, library: Library, current: str | None = None
) -> list:
    """Everything that stops ``waiver`` counting now (empty: it counts)."""
    from .checks import CHECKS, NOT_WAIVABLE

    wf = _workflow()
    current = current or wf.release_digest(release, library)
    who = f"waiver of {waiver.check} by {waiver.by}"
    if not wf.well_formed(waiver.digest):
        return [
            wf.Problem(
                "edited", f"{who}: digest edited by hand ({waiver.digest!r} is not a sha256 digest)"
            )
        ]
    problems = []
    if waiver.check not in CHECKS or waiver.check in NOT_WAIVABLE:
        problems.append(wf.Problem("check", f"{who}: {waiver.check!r} cannot be waived"))
    if not any(
        e.action == WAIVE
        and e.by == waiver.by
        and e.digest == waiver.digest
        and e.extra.get("check") == waiver.check
        for e in release.history
    ):
        problems.append(
            wf.Problem(
                "edited",
                f"{who}: digest edited by hand "
                f"({wf.short(waiver.digest)} matches no waiver in "
                "the history)",
            )
        )
    if waiver.digest != current:
        problems.append(
            wf.Problem(
                "stale",
                f"{who} is stale: given for "
                f"{wf.short(waiver.digest)}, the content is now "
                f"{wf.short(current)}",
            )
        )
    if not wf.may_approve(waiver.by, library):
        problems.append(wf.Problem("approver", f"{who}: {waiver.by} is not an approver"))
    return problems


def valid_waivers(
    release: Release, library: Library, current: str | None = None
) -> dict[str, Waiver]:
    """check id → the waiver that lets it pass now."""
    if not release.waivers:
        return {}
    current = current or _workflow().release_digest(release, library)
    return {
        w.check: w for w in release.waivers if not waiver_problems(w, release, library, current)
    }


def unwaived(
    results: Iterable, release: Release, library: Library, current: str | None = None
) -> list:
    """``results`` without those of checks a valid waiver lets pass."""
    results = list(results)
    waived = valid_waivers(release, library, current)
    return [r for r in results if r.id not in waived]


def waive(
    release: Release,
    library: Library,
    check_id: str,
    by: str,
    reason: str,
    *,
    now: datetime | None = None,
) -> Waiver:
    """Record that approver ``by`` lets ``check_id`` pass for the current content."""
    from .checks import CHECKS, NOT_WAIVABLE, blocking, run_checks

    wf = _workflow()
    at = now or wf.now_utc()
    if check_id not in CHECKS:
        raise wf.BadInput(f"no check called {check_id!r}; checks are: " + ", ".join(CHECKS))
    if check_id in NOT_WAIVABLE:
        raise wf.Refused(
            f"{check_id!r} cannot be waived: a quote is published only as its speaker cleared it"
        )
    if not reason.strip():
        raise wf.BadInput("say why the check may be waived: --reason TEXT")
    wf._person(library, by)
    if not wf.may_approve(by, library):
        raise wf.Refused(
            f"{by} may not waive checks; approvers are "
            f"{wf.who_may_approve(library)} (newsroom.toml [rules])"
        )
    wf._not_spiked(release, library, "waive a check")
    failing = [r for r in blocking(run_checks(release, library, now=at)) if r.id == check_id]
    if not failing:
        raise wf.Refused(f"{check_id} does not block {release.slug}; there is nothing to waive")
    library.validate(release)
    current = wf.write_snapshot(release, library)
    # A stale waiver of the same check is retired (the history keeps it).
    release.waivers = [w for w in release.waivers if w.check != check_id or w.digest == current]
    release.waivers = [w for w in release.waivers if not (w.check == check_id and w.by == by)]
    waiver = Waiver(check=check_id, by=by, at=at, digest=current, reason=reason.strip())
    release.waivers.append(waiver)
    release.history.append(
        Event(
            at=at,
            action=WAIVE,
            by=by,
            digest=current,
            note=waiver.reason,
            extra={"check": check_id},
        )
    )
    library.save(release)
    return waiver


def describe(waiver: Waiver, problems: list) -> dict[str, object]:
    """A waiver as ``check --json`` and ``verify --json`` show it."""
    return {
        "check": waiver.check,
        "by": waiver.by,
        "at": waiver.at.isoformat(),
        "digest": waiver.digest,
        "reason": waiver.reason,
        "valid": not problems,
        "problems": [p.message for p in problems],
    }


def verify_lines(release: Release, library: Library, current: str | None = None) -> list[str]:
    """One line per claimed waiver that does not hold."""
    return [
        p.message for w in release.waivers for p in waiver_problems(w, release, library, current)
    ]

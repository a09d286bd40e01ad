"""What the approval pane shows, worked out away from the UI thread.

``assess`` reads snapshots from disk and may run ssh-keygen to check
signatures, so the pane calls it in a thread worker. Textual-free on purpose:
it is the pane's model, and a candidate to move into the core.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ...model import Release

CHECK_FIELDS = {
    "headline": "headline",
    "standfirst": "standfirst",
    "dateline": "place",
    "contact": "contact-name",
    "embargo": "embargo-date",
    "notes_to_editors": "note-table",
    "captions": "caption-table",
    "about": "about",
    "imprint": "imprint",
    "internal_notes": "internal",
}


@dataclass
class Action:
    name: str
    allowed: bool
    reason: str = ""


@dataclass
class Assessment:
    status: str
    digest: str
    checks: list = field(default_factory=list)  # checks.Result, errors first
    signoffs: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    actions: dict[str, Action] = field(default_factory=dict)
    diff_label: str = ""
    diff: str = ""
    waived: dict = field(default_factory=dict)  # check id → the valid Waiver
    waivable: list[str] = field(default_factory=list)  # blocking check ids a waiver can pass


def jump_target(where: str) -> tuple[str, int | None, str]:
    """(drafting field id, body line, quote id) a check's ``where`` points at."""
    if where.startswith("body.md"):
        parts = where.split()
        line = int(parts[-1]) if parts[-1].isdigit() else 1
        return "body", line, ""
    if where.startswith("quotes["):
        return "", None, where[len("quotes[") :].split("]")[0]
    head = where.split(".")[0].split("[")[0]
    return CHECK_FIELDS.get(head, ""), None, ""


def assess(
    release: Release,
    library,
    user: str,
    unsaved: bool,
    now: datetime,
    blocked: str = "",
    can_sign: bool = False,
) -> Assessment:
    from ... import actions, audit, checks, digest, signoff, workflow

    current = digest.release_digest(release, library)
    state = signoff.status(release, library)
    results = checks.run_checks(release, library, now=now)
    rules = library.settings.rules
    blocking = {id(r) for r in checks.blocking(results, rules)}
    order = {"error": 0, "warning": 1}
    results.sort(key=lambda r: (order.get(r.level, 2), id(r) not in blocking))
    from ...waivers import valid_waivers, waiver_problems

    waived = valid_waivers(release, library, current)
    blocking_results = [r for r in results if id(r) in blocking and r.id not in waived]
    assessment = Assessment(status=state, digest=current, checks=results, waived=waived)
    assessment.waivable = sorted(
        {r.id for r in blocking_results if r.id not in checks.NOT_WAIVABLE}
    )
    for waiver in release.waivers:
        problems = waiver_problems(waiver, release, library, current)
        assessment.signoffs.append(
            (
                f"waiver of {waiver.check}",
                waiver.by,
                _when(waiver.at),
                "valid" if not problems else _kinds(problems),
                waiver.reason,
            )
        )

    for clearance in release.clearances:
        problems = signoff.clearance_problems(clearance, release, library)
        assessment.signoffs.append(
            (
                f"clearance of {clearance.quote}",
                _who(clearance, signoff),
                _when(clearance.at),
                _state(clearance, problems),
                clearance.note,
            )
        )
    counting = signoff.counting_approvals(release, library, current)
    for approval in release.approvals:
        problems = signoff.approval_problems(approval, release, library, current)
        verdict = _state(approval, problems)
        if not problems and approval not in counting:
            verdict = "overtaken by a request for changes"
        assessment.signoffs.append(
            ("approval", _who(approval, signoff), _when(approval.at), verdict, approval.note)
        )

    def refuse(reason: str) -> str:
        return reason

    common = ""
    if blocked:
        common = blocked
    elif not user:
        common = "newsroom does not know who you are (set NEWSROOM_USER, or restart to say)"
    elif user not in library.people:
        common = f"{user} is not in people.toml"
    elif unsaved:
        common = "save first: sign-off is bound to what is on disk"
    elif state == workflow.SPIKED:
        common = "the release is spiked"

    def action(name: str, reason: str) -> None:
        reason = common or reason
        assessment.actions[name] = Action(name, not reason, reason)

    failing = [r for r in blocking_results if r.id not in actions.NOT_BLOCKING_SUBMISSION]
    if state in {workflow.APPROVED, workflow.PUBLISHED}:
        action("submit", f"already {state}; edit it to submit a new version")
    elif state == workflow.IN_REVIEW:
        action("submit", "already in review")
    elif failing:
        action(
            "submit",
            f"{len(failing)} blocking check(s) fail: " + ", ".join(sorted({r.id for r in failing})),
        )
    else:
        action("submit", "")

    uncleared = [
        q
        for q in release.quotes
        if signoff.clearance_state(release, q, library) != workflow.CLEARED
    ]
    speakerless = all(not q.speaker for q in uncleared)
    action(
        "clear",
        "every quote is cleared"
        if not uncleared
        else "no quote waiting for clearance has a speaker"
        if speakerless
        else "",
    )

    approver = bool(user) and signoff.may_approve(user, library)
    if user and not approver:
        who = f"{user} may not approve; approvers are {signoff.who_may_approve(library)}"
    else:
        who = ""
    if who:
        action("approve", who)
    elif any(a.by == user for a in counting):
        action("approve", "you have already approved this version")
    elif blocking_results and any(r.id != "cleared" for r in blocking_results):
        action(
            "approve",
            "blocking checks fail: " + ", ".join(sorted({r.id for r in blocking_results})),
        )
    elif rules.require_clearance and signoff.uncleared_quotes(release, library):
        names = ", ".join(q.id for q in signoff.uncleared_quotes(release, library))
        action("approve", f"quotes not cleared: {names}")
    elif rules.require_signatures and not can_sign:
        action(
            "approve",
            "signed approvals are required and you have no signing key set up "
            "(docs/signoff.md, Signing)",
        )
    else:
        action("approve", "")
    action("record", _record_refusal(release, library, user, counting, blocking_results))
    action("request_changes", who)
    action("waive", who or ("" if assessment.waivable else "no blocking check can be waived"))

    base = audit.diff_base(release, library)
    if base is not None:
        _, text = audit.diff(release, library)
        assessment.diff_label = f"Changes since {base.label}"
        assessment.diff = text or "(no changes)"
    else:
        assessment.diff_label = "Nothing to compare with: never submitted or approved"
    return assessment


def _record_refusal(release: Release, library, user: str, counting, blocking_results) -> str:
    """Why no approval can be recorded for someone else now ('' when one can)."""
    from ... import signoff

    rules = library.settings.rules
    if not rules.allow_recorded:
        return "newsroom.toml does not count recorded approvals (allow_recorded = false)"
    if rules.require_signatures:
        return "signed approvals are required: a recorded one would not count"
    others = [
        p
        for p in library.people
        if p != user and signoff.may_approve(p, library) and not any(a.by == p for a in counting)
    ]
    if not others:
        return "no other approver is waiting to approve this version"
    if any(r.id != "cleared" for r in blocking_results):
        return "blocking checks fail: " + ", ".join(sorted({r.id for r in blocking_results}))
    if rules.require_clearance and signoff.uncleared_quotes(release, library):
        return "quotes not cleared: " + ", ".join(
            q.id for q in signoff.uncleared_quotes(release, library)
        )
    return ""


def _who(claim, signoff) -> str:
    """'david-osei' or 'david-osei, recorded by priya-raman via phone'."""
    label = signoff.recorded_label(claim)
    return f"{claim.by}, {label}" if label else claim.by


def _state(claim, problems) -> str:
    if problems:
        return _kinds(problems)
    return "valid, signed" if claim.signature else "valid"


def _kinds(problems) -> str:
    return "; ".join(p.kind for p in problems)


def _when(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M")

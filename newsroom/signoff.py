"""Sign-off: who may approve, which approvals and clearances count, derived status.

Status is derived from approvals and history on every call, never read from
the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import signers, signing
from .bundle import Library
from .digest import quote_digest, release_digest, short, well_formed
from .model import Approval, Clearance, Person, Quote, Release
from .workflow import (
    APPROVE,
    APPROVED,
    CLEAR,
    CLEARANCE_STALE,
    CLEARED,
    DRAFT,
    IN_REVIEW,
    NOT_CLEARED,
    PUBLISH,
    PUBLISHED,
    REQUEST_CHANGES,
    SPIKE,
    SPIKED,
    STALE,
    SUBMIT,
    UNSPIKE,
    BadInput,
    Refused,
)

# ---------------------------------------------------------------------------
# Approvals and clearances: what counts


@dataclass(frozen=True)
class Problem:
    kind: str  # stale, edited, signature, signer, approver, unsigned, speaker, missing
    message: str


# ---------------------------------------------------------------------------
# Who may approve


def may_approve(person_id: str, library: Library) -> bool:
    rules = library.settings.rules
    if person_id in rules.approvers:
        return True
    person = library.people.get(person_id)
    return bool(person and person.role and person.role in rules.approver_roles)


def who_may_approve(library: Library) -> str:
    """'priya-raman, david-osei or anyone whose role is Branch Chair' for messages."""
    rules = library.settings.rules
    parts = list(rules.approvers)
    if rules.approver_roles:
        parts.append("anyone whose role is " + " or ".join(rules.approver_roles))
    if not parts:
        return "nobody (newsroom.toml [rules] names no approvers or approver_roles)"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


# ---------------------------------------------------------------------------
# Signatures


_VERDICTS: dict[tuple[str, str, str, bytes], Any] = {}


def allowed_signers_path(library: Library) -> Path:
    """``[rules] allowed_signers``, else ``allowed_signers`` in the library (what init makes)."""
    return signers.path(library)


def signer_of(claim: Approval | Clearance) -> str:
    """Who made a sign-off's signature: whoever recorded it."""
    return claim.recorded_by or claim.by


def recorded_label(claim: Approval | Clearance) -> str:
    """'recorded by priya-raman via phone' for a claim typed in by someone else; else ''."""
    if not claim.recorded_by or claim.recorded_by == claim.by:
        return ""
    return f"recorded by {claim.recorded_by}" + (f" via {claim.via}" if claim.via else "")


def signature_verdict(claim: Approval | Clearance, library: Library) -> Any:
    """``signing.Verdict`` for a signed claim (cached: verifying runs ssh-keygen)."""
    path = allowed_signers_path(library)
    person = library.people.get(signer_of(claim))
    principal = person.email if person else ""
    try:
        signers = path.read_bytes()
    except OSError:
        signers = b""
    key = (claim.digest, claim.signature, principal, signers)
    if key not in _VERDICTS:
        _VERDICTS[key] = signing.verify(claim.digest, claim.signature, principal, path)
    return _VERDICTS[key]


def _signature_problems(claim: Approval | Clearance, library: Library, who: str) -> list[Problem]:
    verdict = signature_verdict(claim, library)
    if verdict.result == signing.BAD_SIGNATURE:
        return [Problem("signature", f"{who}: bad signature ({verdict.detail})")]
    if verdict.result == signing.SIGNER_NOT_ALLOWED:
        return [Problem("signer", f"{who}: signer not allowed ({verdict.detail})")]
    if verdict.result == signing.UNAVAILABLE and library.settings.rules.require_signatures:
        return [Problem("signature", f"{who}: signature cannot be checked ({verdict.detail})")]
    return []


def _backed(release: Release, action: str, by: str, digest_value: str, quote: str = "") -> bool:
    """Whether history records ``action`` by ``by`` for ``digest_value``."""
    for event in release.history:
        if event.action != action or event.by != by or event.digest != digest_value:
            continue
        if quote and event.extra.get("quote") != quote:
            continue
        return True
    return False


def approval_problems(
    approval: Approval, release: Release, library: Library, current: str | None = None
) -> list[Problem]:
    """Everything that stops ``approval`` counting now (empty: it counts)."""
    current = current or release_digest(release, library)
    rules = library.settings.rules
    recorded = recorded_label(approval)
    who = f"approval by {approval.by}" + (f" ({recorded})" if recorded else "")
    problems = []
    if not well_formed(approval.digest):
        problems.append(
            Problem(
                "edited",
                f"{who}: digest edited by hand ({approval.digest!r} is not a sha256 digest)",
            )
        )
        return problems
    if not _backed(release, APPROVE, approval.by, approval.digest):
        problems.append(
            Problem(
                "edited",
                f"{who}: digest edited by hand ({short(approval.digest)} "
                "matches no approval in the history)",
            )
        )
    if approval.digest != current:
        problems.append(
            Problem(
                "stale",
                f"{who} is stale: given for {short(approval.digest)}, "
                f"the content is now {short(current)}",
            )
        )
    if not may_approve(approval.by, library):
        problems.append(
            Problem(
                "approver",
                f"{who}: {approval.by} is not an approver (approvers: {who_may_approve(library)})",
            )
        )
    if recorded and not rules.allow_recorded:
        problems.append(
            Problem(
                "recorded",
                f"{who}: newsroom.toml does not count approvals "
                "recorded for someone else (allow_recorded = false)",
            )
        )
    if approval.signature:
        problems.extend(_signature_problems(approval, library, who))
    if rules.require_signatures and recorded:
        problems.append(
            Problem(
                "recorded",
                f"{who} is not signed by {approval.by}; newsroom.toml requires signed approvals",
            )
        )
    elif rules.require_signatures and not approval.signature:
        problems.append(
            Problem("unsigned", f"{who} is not signed; newsroom.toml requires signed approvals")
        )
    return problems


def valid_approvals(
    release: Release, library: Library, current: str | None = None
) -> list[Approval]:
    """Approvals that count now: current digest, recorded, allowed, signed if required,
    one per person."""
    current = current or release_digest(release, library)
    seen: set[str] = set()
    valid = []
    for approval in release.approvals:
        if approval.by in seen or approval.digest != current:
            continue
        if approval_problems(approval, release, library, current):
            continue
        seen.add(approval.by)
        valid.append(approval)
    return valid


def clearance_problems(clearance: Clearance, release: Release, library: Library) -> list[Problem]:
    recorded = recorded_label(clearance)
    who = f"clearance of quote {clearance.quote!r} by {clearance.by}" + (
        f" ({recorded})" if recorded else ""
    )
    quote = release.quote(clearance.quote)
    if quote is None:
        return [Problem("missing", f"{who}: the release has no such quote")]
    problems = []
    if clearance.by != quote.speaker:
        problems.append(
            Problem(
                "speaker",
                f"{who}: only the speaker, {quote.speaker or 'nobody'}, can clear this quote",
            )
        )
    if not well_formed(clearance.digest):
        problems.append(
            Problem(
                "edited",
                f"{who}: digest edited by hand ({clearance.digest!r} is not a sha256 digest)",
            )
        )
        return problems
    if not _backed(release, CLEAR, clearance.by, clearance.digest, clearance.quote):
        problems.append(
            Problem(
                "edited",
                f"{who}: digest edited by hand "
                f"({short(clearance.digest)} matches no clearance in "
                "the history)",
            )
        )
    current = quote_digest(quote, library.people)
    if clearance.digest != current:
        problems.append(
            Problem(
                "stale",
                f"{who} is stale: the quote's wording or attribution changed since it was cleared",
            )
        )
    if clearance.signature:
        problems.extend(_signature_problems(clearance, library, who))
    return problems


def valid_clearance(release: Release, quote: Quote, library: Library) -> Clearance | None:
    for clearance in reversed(release.clearances):
        if clearance.quote == quote.id and not clearance_problems(clearance, release, library):
            return clearance
    return None


def clearance_state(release: Release, quote: Quote, library: Library) -> str:
    """'cleared', 'stale' (cleared once, wording changed since) or 'not cleared'."""
    if valid_clearance(release, quote, library):
        return CLEARED
    if any(c.quote == quote.id and c.by == quote.speaker for c in release.clearances):
        return CLEARANCE_STALE
    return NOT_CLEARED


def used_quotes(release: Release) -> list[Quote]:
    found: list[Quote] = []
    for _, kind, ref_id in release.references():
        quote = release.quote(ref_id) if kind == "quote" else None
        if quote is not None and quote not in found:
            found.append(quote)
    return found


def uncleared_quotes(release: Release, library: Library) -> list[Quote]:
    return [q for q in used_quotes(release) if not valid_clearance(release, q, library)]


# ---------------------------------------------------------------------------
# Status: derived from approvals and history, never read from the file


def _last_index(release: Release, actions: set[str], digest_value: str | None = None) -> int:
    for index in range(len(release.history) - 1, -1, -1):
        event = release.history[index]
        if event.action in actions and (digest_value is None or event.digest == digest_value):
            return index
    return -1


def counting_approvals(
    release: Release, library: Library, current: str | None = None
) -> list[Approval]:
    """Valid approvals not overtaken by a request for changes on the same content."""
    current = current or release_digest(release, library)
    valid = valid_approvals(release, library, current)
    objection = _last_index(release, {REQUEST_CHANGES}, current)
    if objection < 0:
        return valid
    later = {
        e.by
        for e in release.history[objection + 1 :]
        if e.action == APPROVE and e.digest == current
    }
    return [a for a in valid if a.by in later]


def rules_met(release: Release, library: Library, current: str | None = None) -> bool:
    rules = library.settings.rules
    if len(counting_approvals(release, library, current)) < rules.approvals_required:
        return False
    return not (rules.require_clearance and uncleared_quotes(release, library))


def status(release: Release, library: Library, current: str | None = None) -> str:
    """draft, in review, approved, stale, published or spiked.

    ``current`` is the release's digest when the caller has it already.
    """
    spiked = _last_index(release, {SPIKE, UNSPIKE})
    if spiked >= 0 and release.history[spiked].action == SPIKE:
        return SPIKED
    # Without approvals the digest cannot change the answer, and computing it
    # is the costly part of listing a large library.
    if release.approvals:
        current = current or release_digest(release, library)
        if rules_met(release, library, current):
            published = any(e.action == PUBLISH and e.digest == current for e in release.history)
            return PUBLISHED if published else APPROVED
        if not valid_approvals(release, library, current):
            return STALE
    review = _last_index(release, {SUBMIT, REQUEST_CHANGES})
    if review >= 0 and release.history[review].action == SUBMIT:
        return IN_REVIEW
    return DRAFT


def known_person(library: Library, person_id: str) -> Person:
    person = library.people.get(person_id)
    if person is None:
        raise BadInput(f"no person {person_id!r} in {library.root / 'people.toml'}")
    return person


def refuse_if_spiked(release: Release, library: Library, doing: str) -> None:
    if status(release, library) == SPIKED:
        raise Refused(
            f"{release.slug} is spiked; cannot {doing} (bring it back with `newsroom spike --undo`)"
        )

"""The sign-off actions: submit, clear, approve, request changes, spike, publish.

Each checks its rules first and raises ``Refused`` (exit 1) or ``BadInput``
(exit 2) before anything on disk changes; then it appends to the release's
history and saves. ``publication_refusal`` is the export gate: one rule for
every format, the CLI and the TUI.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from . import signing
from .bundle import Library
from .checks import blocking, run_checks
from .digest import quote_digest, release_digest, write_snapshot
from .model import Approval, Clearance, Event, Person, Release
from .signoff import (
    allowed_signers_path,
    counting_approvals,
    known_person,
    may_approve,
    refuse_if_spiked,
    status,
    uncleared_quotes,
    valid_approvals,
    valid_clearance,
    who_may_approve,
)
from .waivers import unwaived
from .workflow import (
    APPROVE,
    APPROVED,
    CLEAR,
    CLEARANCE_VIA,
    PUBLISH,
    PUBLISHED,
    REQUEST_CHANGES,
    SPIKE,
    SPIKED,
    SUBMIT,
    UNSPIKE,
    BadInput,
    NeedsPassphrase,
    Refused,
    SignWith,
    now_utc,
)

# Quotes are cleared while the release is in review, so clearance blocks
# approval (require_clearance) but never submission.
NOT_BLOCKING_SUBMISSION = frozenset({"cleared"})


def _blocking_summary(
    release: Release, library: Library, at: datetime, ignore: frozenset[str] = frozenset()
) -> list[str]:
    failing = [
        r
        for r in unwaived(blocking(run_checks(release, library, now=at)), release, library)
        if r.id not in ignore
    ]
    return [
        f"{r.id} ({r.where}: {r.message})" if r.where else f"{r.id} ({r.message})" for r in failing
    ]


def submit(
    release: Release, library: Library, by: str, *, note: str = "", now: datetime | None = None
) -> Event:
    """Run the checks and move the release to review."""
    at = now or now_utc()
    known_person(library, by)
    refuse_if_spiked(release, library, "submit it")
    state = status(release, library)
    if state in {APPROVED, PUBLISHED}:
        raise Refused(f"{release.slug} is already {state}; edit it first to submit a new version")
    failing = _blocking_summary(release, library, at, NOT_BLOCKING_SUBMISSION)
    if failing:
        raise Refused(f"cannot submit {release.slug}: blocking checks fail: " + "; ".join(failing))
    library.validate(release)
    current = write_snapshot(release, library)
    event = Event(at=at, action=SUBMIT, by=by, digest=current, note=note)
    release.history.append(event)
    library.save(release)
    return event


def clear(
    release: Release,
    library: Library,
    quote_id: str,
    by: str,
    *,
    via: str = "",
    note: str = "",
    recorded_by: str = "",
    sign: SignWith | None = None,
    notes: list[str] | None = None,
    now: datetime | None = None,
) -> Clearance | None:
    """Record that the speaker cleared the quote's wording; None if already cleared."""
    at = now or now_utc()
    quote = release.quote(quote_id)
    if quote is None:
        known = ", ".join(q.id for q in release.quotes) or "none"
        raise BadInput(f"{release.slug} has no quote {quote_id!r} (quotes: {known})")
    known_person(library, by)
    if via and via not in CLEARANCE_VIA:
        raise BadInput(f"--via {via!r}: use one of {', '.join(CLEARANCE_VIA)}")
    if not quote.speaker:
        raise Refused(f"quote {quote_id!r} has no speaker yet; set one before clearing it")
    if by != quote.speaker:
        speaker = library.people.get(quote.speaker)
        name = f" ({speaker.name})" if speaker else ""
        raise Refused(
            f"only the speaker, {quote.speaker}{name}, can clear quote {quote_id!r}; {by} cannot"
        )
    refuse_if_spiked(release, library, "clear a quote")
    if valid_clearance(release, quote, library):
        return None
    bound = quote_digest(quote, library.people)
    recorded_by = recorded_by if recorded_by != by else ""
    signer = known_person(library, recorded_by) if recorded_by else library.people[by]
    signature = _signature(bound, signer, library, sign, False, notes)
    library.validate(release)
    # Stale clearances of this quote stay in the history; the list keeps the live claim.
    release.clearances = [c for c in release.clearances if c.quote != quote_id or c.digest == bound]
    clearance = Clearance(
        quote=quote_id,
        by=by,
        at=at,
        digest=bound,
        via=via,
        note=note,
        recorded_by=recorded_by,
        signature=signature,
    )
    release.clearances.append(clearance)
    extra: dict[str, Any] = {"quote": quote_id}
    if via:
        extra["via"] = via
    if recorded_by and recorded_by != by:
        extra["recorded_by"] = recorded_by
    release.history.append(Event(at=at, action=CLEAR, by=by, digest=bound, note=note, extra=extra))
    library.save(release)
    return clearance


def _signature(
    digest_value: str,
    signer: Person,
    library: Library,
    sign: SignWith | None,
    required: bool,
    notes: list[str] | None,
) -> str:
    """``signer``'s signature of ``digest_value``, checked against allowed_signers.

    Refuses one that would not count when the key was asked for or signatures
    are required; otherwise leaves the sign-off unsigned and says why in ``notes``.
    """
    if sign is None:
        return ""
    strict = sign.explicit or required
    try:
        signature = signing.sign(digest_value, sign.key, sign.passphrase)
    except signing.PassphraseNeeded as error:
        raise NeedsPassphrase(str(error), sign.key) from None
    except signing.SigningError as error:
        if strict:
            raise BadInput(str(error)) from None
        if notes is not None:
            notes.append(f"not signed: {error}")
        return ""
    verdict = signing.verify(digest_value, signature, signer.email, allowed_signers_path(library))
    if verdict.ok:
        return signature
    message = (
        f"the signature made with {sign.key} does not verify: {verdict.result} ({verdict.detail})"
    )
    if strict:
        raise Refused(message)
    if notes is not None:
        notes.append(
            f"not signed: {message}; list the key with "
            f"`newsroom keys add {signer.id} {sign.key}.pub`"
        )
    return ""


def approve(
    release: Release,
    library: Library,
    by: str,
    *,
    note: str = "",
    key: Path | SignWith | None = None,
    recorded_by: str = "",
    via: str = "",
    notes: list[str] | None = None,
    now: datetime | None = None,
) -> Approval | None:
    """Sign off the current content; None when ``by`` already approved exactly this.

    With ``recorded_by`` (someone else than ``by``), the approval was given by
    ``by`` ``via`` phone, email or in person and typed in by ``recorded_by``:
    it says so everywhere, and any signature is the recorder's.
    """
    at = now or now_utc()
    person = known_person(library, by)
    rules = library.settings.rules
    sign = SignWith(key) if isinstance(key, Path) else key
    recorded_by = recorded_by if recorded_by != by else ""
    if recorded_by:
        known_person(library, recorded_by)
        if via not in CLEARANCE_VIA:
            raise BadInput(f"say how {by} gave their approval: --via " + "|".join(CLEARANCE_VIA))
        if not rules.allow_recorded:
            raise Refused(
                f"newsroom.toml does not count approvals recorded for someone else "
                f"([rules] allow_recorded = false): {by} must approve themselves"
            )
        if rules.require_signatures:
            raise Refused(
                f"newsroom.toml requires signed approvals, so an approval recorded "
                f"for {by} would not count: {by} must approve with their own key"
            )
    if not may_approve(by, library):
        raise Refused(
            f"{by} may not approve; approvers are {who_may_approve(library)} "
            "(newsroom.toml [rules])"
        )
    refuse_if_spiked(release, library, "approve it")
    failing = _blocking_summary(release, library, at)
    if failing:
        raise Refused(f"cannot approve {release.slug}: blocking checks fail: " + "; ".join(failing))
    if rules.require_clearance:
        uncleared = uncleared_quotes(release, library)
        if uncleared:
            names = ", ".join(f"{q.id} ({q.speaker})" for q in uncleared)
            raise Refused(
                f"cannot approve {release.slug}: quotes not cleared by their speakers: {names}"
            )
    if rules.require_signatures and sign is None:
        raise Refused(
            "newsroom.toml requires signed approvals and you have no signing key set "
            "up: set git's gpg.format = ssh and user.signingkey, or [signing] key in "
            "your newsroom config, or add --sign KEY"
        )
    current = release_digest(release, library)
    for existing in valid_approvals(release, library, current):
        if existing.by == by and (sign is None or existing.signature or recorded_by):
            return None
    signer = library.people[recorded_by] if recorded_by else person
    signature = _signature(current, signer, library, sign, rules.require_signatures, notes)
    library.validate(release)
    write_snapshot(release, library)
    # Stale approvals are retired from the list (the history keeps them): the
    # list holds what is claimed for the content as it stands.
    release.approvals = [a for a in release.approvals if a.digest == current]
    if signature:
        # A signed approval supersedes the same person's unsigned one of the same words.
        release.approvals = [a for a in release.approvals if a.by != by or a.signature]
    approval = Approval(
        by=by,
        at=at,
        digest=current,
        role=person.role,
        note=note,
        signature=signature,
        recorded_by=recorded_by,
        via=via if recorded_by else "",
    )
    release.approvals.append(approval)
    extra = {"recorded_by": recorded_by, "via": via} if recorded_by else {}
    release.history.append(
        Event(at=at, action=APPROVE, by=by, digest=current, note=note, extra=extra)
    )
    library.save(release)
    return approval


def request_changes(
    release: Release, library: Library, by: str, note: str, *, now: datetime | None = None
) -> Event:
    at = now or now_utc()
    known_person(library, by)
    if not note.strip():
        raise BadInput("say what needs to change: --note TEXT")
    if not may_approve(by, library):
        raise Refused(f"{by} may not request changes; approvers are {who_may_approve(library)}")
    refuse_if_spiked(release, library, "request changes")
    library.validate(release)
    current = write_snapshot(release, library)
    event = Event(at=at, action=REQUEST_CHANGES, by=by, digest=current, note=note)
    release.history.append(event)
    library.save(release)
    return event


def spike(
    release: Release,
    library: Library,
    by: str,
    note: str = "",
    *,
    undo: bool = False,
    now: datetime | None = None,
) -> Event:
    at = now or now_utc()
    known_person(library, by)
    spiked = status(release, library) == SPIKED
    if undo and not spiked:
        raise Refused(f"{release.slug} is not spiked")
    if not undo:
        if spiked:
            raise Refused(f"{release.slug} is already spiked")
        if not note.strip():
            raise BadInput("say why it is spiked: --note TEXT")
    library.validate(release)
    event = Event(
        at=at,
        action=UNSPIKE if undo else SPIKE,
        by=by,
        digest=release_digest(release, library),
        note=note,
    )
    release.history.append(event)
    library.save(release)
    return event


# ---------------------------------------------------------------------------
# The export gate: one rule for every format, the CLI and the TUI


def publication_refusal(release: Release, library: Library) -> str | None:
    """Why ``release`` may not be exported final, or None when it may."""
    state = status(release, library)
    if state in {APPROVED, PUBLISHED}:
        return None
    rules = library.settings.rules
    required = rules.approvals_required
    have = len(counting_approvals(release, library))
    reasons = [f"{have} of {required} valid approval{'s' if required != 1 else ''}"]
    if rules.require_clearance:
        uncleared = uncleared_quotes(release, library)
        if uncleared:
            reasons.append("not cleared: " + ", ".join(q.id for q in uncleared))
    return (
        f"{release.slug} is {state}, not approved ({'; '.join(reasons)}); "
        "export with --draft for a copy marked 'DRAFT – NOT APPROVED'"
    )


def record_publication(
    release: Release, library: Library, by: str, fmt: str, *, now: datetime | None = None
) -> bool:
    """Append a ``publish`` event for the current digest and save.

    A repeat export of the same content in the same format records nothing
    new (returns False): scripts may export as often as they like.
    """
    current = release_digest(release, library)
    note = f"format: {fmt}"
    for event in release.history:
        if event.action == PUBLISH and event.digest == current and event.note == note:
            return False
    write_snapshot(release, library)
    release.history.append(
        Event(at=now or now_utc(), action=PUBLISH, by=by, digest=current, note=note)
    )
    library.save(release)
    return True

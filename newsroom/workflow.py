"""Sign-off: digests, clearances, approvals, derived status and the export gate.

The digest is sha256 over a canonical JSON serialisation of the release's
publishable content (docs/signoff.md, "The canonical form"). It is built from
the same ``Document`` every export renders, so whatever can be published is
covered and nothing internal is.

Every action (submit, clear, approve, request changes, spike, publish)
checks its rules first and raises ``Refused`` (exit 1) or ``BadInput``
(exit 2) before anything on disk changes; then it appends to the release's
history and saves. Status is derived from approvals and history on every
call, never read from the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .bundle import Library, atomic_write
from .export.document import (
    CaptionBlock,
    Document,
    EmbargoLine,
    PictureBlock,
    Prose,
    QuoteBlock,
    build_document,
    clean,
)
from .model import (
    Approval,
    Clearance,
    Event,
    Person,
    Quote,
    Release,
    Settings,
    fill_intro,
    split_paragraphs,
)

DIGEST_PREFIX = "sha256:"
DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
CANONICAL_VERSION = 1
# Content-addressed copies of every submitted, approved and published version,
# kept inside the bundle so they travel with it through git.
SNAPSHOT_DIR = ".snapshots"

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


def short(digest_value: str) -> str:
    """'sha256:1a2b3c4d' for messages."""
    return digest_value[: len(DIGEST_PREFIX) + 8]


# ---------------------------------------------------------------------------
# The canonical form and the digest


def canonical_bytes(payload: Any) -> bytes:
    """JSON, keys sorted, no insignificant whitespace, UTF-8 (not \\u escapes)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def _sha256(payload: Any) -> str:
    return DIGEST_PREFIX + hashlib.sha256(canonical_bytes(payload)).hexdigest()


def _block_payload(block: Prose | QuoteBlock | CaptionBlock | PictureBlock) -> dict[str, Any]:
    if isinstance(block, PictureBlock):
        return {"picture": block.picture_id}
    if isinstance(block, Prose):
        # Blank lines around a reference are layout, not content. Inside the
        # prose every character counts: two trailing spaces are a Markdown
        # line break.
        lines = block.markdown.split("\n")
        while lines and not lines[0].strip():
            lines.pop(0)
        while lines and not lines[-1].strip():
            lines.pop()
        return {"prose": "\n".join(lines)}
    if isinstance(block, QuoteBlock):
        return {
            "quote": block.quote_id,
            "speaker": block.speaker_id,
            "name": block.speaker_name,
            "role": block.role,
            "organisation": block.organisation,
            "intro": block.intro,
            "paragraphs": list(block.paragraphs),
            # Only when set: digests of quotes without one stay as they were.
            **_attribution_payload(block.attribution, block.attribution_after),
        }
    return {
        "caption": block.caption_id,
        "text": block.text,
        "credit": block.credit,
        "file": block.file,
    }


def _attribution_payload(attribution: str, after: int) -> dict[str, Any]:
    payload: dict[str, Any] = {}
    if attribution:
        payload["attribution"] = attribution
        if after:
            payload["attribution_after"] = after
    return payload


def canonical_payload(document: Document) -> dict[str, Any]:
    """The publishable content as plain JSON-ready data (the digest's input)."""
    embargo = None
    if document.embargo:
        embargo = {
            "until": document.embargo.until.astimezone(UTC).isoformat(),
            "zone": document.embargo.zone,
        }
    payload = {
        "canonical": CANONICAL_VERSION,
        "headline": document.headline,
        "standfirst": document.standfirst,
        "dateline": {
            "place": document.dateline_place,
            "date": document.dateline_date.isoformat() if document.dateline_date else None,
        },
        "embargo": embargo,
        "body": [_block_payload(block) for block in document.blocks],
        "notes_to_editors": list(document.notes_to_editors),
        "contact": {
            "name": document.contact_name,
            "role": document.contact_role,
            "phone": document.contact_phone,
            "email": document.contact_email,
        },
        "organisation": document.organisation,
        "about": document.about,
        "imprint": document.imprint,
    }
    if document.pictures:
        # Only when there are pictures: digests of releases without any are unchanged.
        payload["media"] = [picture.payload() for picture in document.pictures]
    return payload


def document_from_payload(payload: dict[str, Any], slug: str = "") -> Document:
    """Rebuild a ``Document`` from a canonical payload (a snapshot), for diffs."""
    pictures = tuple(PictureBlock.from_payload(p) for p in payload.get("media", []))
    blocks: list[Prose | QuoteBlock | CaptionBlock | PictureBlock] = []
    for block in payload["body"]:
        if "picture" in block:
            blocks.extend(p for p in pictures if p.picture_id == block["picture"])
        elif "prose" in block:
            blocks.append(Prose(markdown=block["prose"], first_line=0))
        elif "quote" in block:
            blocks.append(
                QuoteBlock(
                    quote_id=block["quote"],
                    speaker_id=block["speaker"],
                    speaker_name=block["name"],
                    role=block["role"],
                    organisation=block.get("organisation", ""),
                    intro=block["intro"],
                    paragraphs=tuple(block["paragraphs"]),
                    attribution=block.get("attribution", ""),
                    attribution_after=block.get("attribution_after", 0),
                )
            )
        else:
            blocks.append(
                CaptionBlock(
                    caption_id=block["caption"],
                    text=block["text"],
                    credit=block["credit"],
                    file=block["file"],
                )
            )
    embargo = None
    if payload.get("embargo"):
        embargo = EmbargoLine(
            datetime.fromisoformat(payload["embargo"]["until"]), payload["embargo"]["zone"]
        )
    dateline = payload["dateline"]
    contact = payload["contact"]
    return Document(
        slug=slug,
        headline=payload["headline"],
        standfirst=payload["standfirst"],
        dateline_place=dateline["place"],
        dateline_date=date.fromisoformat(dateline["date"]) if dateline["date"] else None,
        embargo=embargo,
        blocks=tuple(blocks),
        notes_to_editors=tuple(payload["notes_to_editors"]),
        contact_name=contact["name"],
        contact_role=contact["role"],
        contact_phone=contact["phone"],
        contact_email=contact["email"],
        organisation=payload["organisation"],
        about=payload["about"],
        imprint=payload["imprint"],
        pictures=pictures,
    )


def digest(release: Release, settings: Settings, people: dict[str, Person]) -> str:
    """sha256 of everything publishable in ``release``, in canonical form.

    What that is: ``publishable.PUBLISHABLE_FIELDS`` and ``IDENTIFIERS``
    (tests/test_publishable.py holds the two together).
    """
    return _sha256(canonical_payload(build_document(release, settings, people)))


def quote_payload(quote: Quote, people: dict[str, Person]) -> dict[str, Any]:
    person = people.get(quote.speaker)
    return {
        "canonical": CANONICAL_VERSION,
        "speaker": quote.speaker,
        "name": clean(person.name) if person else "",
        "role": clean(quote.role),
        "intro": " ".join(clean(fill_intro(quote.intro, person, quote.role)).split()),
        "paragraphs": split_paragraphs(clean(quote.text)),
        **_attribution_payload(
            " ".join(clean(fill_intro(quote.attribution, person, quote.role)).split()),
            quote.attribution_after,
        ),
    }


def quote_digest(quote: Quote, people: dict[str, Person]) -> str:
    """sha256 of one quote's wording and attribution: what a clearance is bound to."""
    return _sha256(quote_payload(quote, people))


def release_digest(release: Release, library: Library) -> str:
    return digest(release, library.settings, library.people)


def well_formed(digest_value: str) -> bool:
    return bool(DIGEST_PATTERN.match(digest_value))


# ---------------------------------------------------------------------------
# Snapshots: the exact bytes that were hashed, named by their digest


def snapshot_path(library: Library, slug: str, digest_value: str) -> Path:
    if not well_formed(digest_value):
        raise ValueError(f"not a digest: {digest_value!r}")
    return library.root / slug / SNAPSHOT_DIR / f"{digest_value[len(DIGEST_PREFIX) :]}.json"


def write_snapshot(release: Release, library: Library) -> str:
    """Store the release's canonical form under its digest; returns the digest."""
    data = canonical_bytes(
        canonical_payload(build_document(release, library.settings, library.people))
    )
    digest_value = DIGEST_PREFIX + hashlib.sha256(data).hexdigest()
    path = snapshot_path(library, release.slug, digest_value)
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, data)
    return digest_value


def read_snapshot(library: Library, slug: str, digest_value: str) -> dict[str, Any] | None:
    """The payload stored for ``digest_value``, or None if missing or not matching it."""
    if not well_formed(digest_value):
        return None
    try:
        data = snapshot_path(library, slug, digest_value).read_bytes()
    except OSError:
        return None
    if DIGEST_PREFIX + hashlib.sha256(data).hexdigest() != digest_value:
        return None
    try:
        payload = json.loads(data)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


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
    from .signers import path

    return path(library)


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
    from . import signing

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
    from . import signing

    verdict = signature_verdict(claim, library)
    if verdict.result == signing.BAD_SIGNATURE:
        return [Problem("signature", f"{who}: bad signature ({verdict.detail})")]
    if verdict.result == signing.SIGNER_NOT_ALLOWED:
        return [Problem("signer", f"{who}: signer not allowed ({verdict.detail})")]
    if verdict.result == signing.UNAVAILABLE and library.settings.rules.require_signatures:
        return [Problem("signature", f"{who}: signature cannot be checked ({verdict.detail})")]
    return []


# ---------------------------------------------------------------------------
# Approvals and clearances: what counts


@dataclass(frozen=True)
class Problem:
    kind: str  # stale, edited, signature, signer, approver, unsigned, speaker, missing
    message: str


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


def valid_approvals(release: Release, library: Library, current: str | None = None) -> list:
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


def counting_approvals(release: Release, library: Library, current: str | None = None) -> list:
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


# ---------------------------------------------------------------------------
# Actions


# Quotes are cleared while the release is in review, so clearance blocks
# approval (require_clearance) but never submission.
NOT_BLOCKING_SUBMISSION = frozenset({"cleared"})


def _blocking_summary(
    release: Release, library: Library, at: datetime, ignore: frozenset[str] = frozenset()
) -> list[str]:
    from .checks import blocking, run_checks
    from .waivers import unwaived

    failing = [
        r
        for r in unwaived(blocking(run_checks(release, library, now=at)), release, library)
        if r.id not in ignore
    ]
    return [
        f"{r.id} ({r.where}: {r.message})" if r.where else f"{r.id} ({r.message})" for r in failing
    ]


def _person(library: Library, person_id: str) -> Person:
    person = library.people.get(person_id)
    if person is None:
        raise BadInput(f"no person {person_id!r} in {library.root / 'people.toml'}")
    return person


def _not_spiked(release: Release, library: Library, doing: str) -> None:
    if status(release, library) == SPIKED:
        raise Refused(
            f"{release.slug} is spiked; cannot {doing} (bring it back with `newsroom spike --undo`)"
        )


def submit(
    release: Release, library: Library, by: str, *, note: str = "", now: datetime | None = None
) -> Event:
    """Run the checks and move the release to review."""
    at = now or now_utc()
    _person(library, by)
    _not_spiked(release, library, "submit it")
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
    _person(library, by)
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
    _not_spiked(release, library, "clear a quote")
    if valid_clearance(release, quote, library):
        return None
    bound = quote_digest(quote, library.people)
    recorded_by = recorded_by if recorded_by != by else ""
    signer = _person(library, recorded_by) if recorded_by else library.people[by]
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
    from . import signing

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
    person = _person(library, by)
    rules = library.settings.rules
    sign = SignWith(key) if isinstance(key, Path) else key
    recorded_by = recorded_by if recorded_by != by else ""
    if recorded_by:
        _person(library, recorded_by)
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
    _not_spiked(release, library, "approve it")
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
    _person(library, by)
    if not note.strip():
        raise BadInput("say what needs to change: --note TEXT")
    if not may_approve(by, library):
        raise Refused(f"{by} may not request changes; approvers are {who_may_approve(library)}")
    _not_spiked(release, library, "request changes")
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
    _person(library, by)
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


# ---------------------------------------------------------------------------
# Verify and diff


def verify(release: Release, library: Library) -> list[str]:
    """One line per claimed approval or clearance that does not hold (empty: all good)."""
    current = release_digest(release, library)
    lines: list[str] = []
    seen: set[str] = set()
    for approval in release.approvals:
        problems = approval_problems(approval, release, library, current)
        lines.extend(p.message for p in problems)
        if not problems and approval.by in seen:
            continue  # the same approver twice counts once; not an error
        seen.add(approval.by)
        if well_formed(approval.digest) and not any(p.kind == "edited" for p in problems):
            if read_snapshot(library, release.slug, approval.digest) is None:
                lines.append(
                    f"approval by {approval.by}: digest edited by hand? "
                    f"{short(approval.digest)} matches no snapshot in "
                    f"{release.slug}/{SNAPSHOT_DIR}/ (or that folder was not kept)"
                )
    for clearance in release.clearances:
        lines.extend(p.message for p in clearance_problems(clearance, release, library))
    from .waivers import verify_lines

    lines.extend(verify_lines(release, library, current))
    return lines


@dataclass(frozen=True)
class DiffBase:
    label: str
    digest: str
    payload: dict[str, Any]


def diff_base(release: Release, library: Library) -> DiffBase | None:
    """The last approved version with a snapshot, else the last submitted one."""
    for actions, verb in (({APPROVE}, "approved"), ({SUBMIT}, "submitted")):
        for event in reversed(release.history):
            if event.action not in actions:
                continue
            payload = read_snapshot(library, release.slug, event.digest)
            if payload is not None:
                when = event.at.astimezone(UTC).isoformat(timespec="seconds")
                return DiffBase(
                    f"{verb} by {event.by} at {when} ({short(event.digest)})", event.digest, payload
                )
    return None


def diff(release: Release, library: Library, width: int | None = None) -> tuple[DiffBase, str]:
    """A unified diff of the plain-text export since ``diff_base`` ('' when unchanged)."""
    import difflib

    from .export.text import TextOptions, render_text

    base = diff_base(release, library)
    if base is None:
        if any(event.action in (APPROVE, SUBMIT) for event in release.history):
            # The history says it was; only the snapshots of those versions are gone.
            raise Refused(
                f"{release.slug} was submitted or approved, but the text of those versions "
                f"is missing from {library.root / release.slug / '.snapshots'}; "
                "there is nothing to compare with"
            )
        raise Refused(
            f"{release.slug} has never been submitted or approved; there is nothing to compare with"
        )
    options = TextOptions(width=width or library.settings.width)
    before = render_text(document_from_payload(base.payload, release.slug), options)
    current_document = build_document(release, library.settings, library.people)
    after = render_text(current_document, options)
    current = _sha256(canonical_payload(current_document))
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=base.label,
        tofile=f"now ({short(current)})",
    )
    return base, "".join(lines) + picture_changes(base.payload, current_document)


def picture_changes(base_payload: dict[str, Any], document: Document) -> str:
    """A line per picture added, removed or changed (file or record) since ``base_payload``."""
    before = {p["id"]: p for p in base_payload.get("media", [])}
    after = {p.picture_id: p.payload() for p in document.pictures}
    out = []
    for picture_id in sorted(set(before) | set(after)):
        old, new = before.get(picture_id), after.get(picture_id)
        if old == new:
            continue
        if old is None or new is None:
            out.append(f"picture {picture_id!r} {'added' if old is None else 'removed'}\n")
            continue
        what = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
        if "sha256" in what:
            what = ["the picture file itself"] + [k for k in what if k != "sha256"]
        out.append(f"picture {picture_id!r} changed: {', '.join(what)}\n")
    return "".join(out)

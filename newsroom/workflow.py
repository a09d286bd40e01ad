"""Digests and derived status: what an approval or clearance is bound to.

The digest is sha256 over a canonical JSON serialisation of the release's
publishable content (see docs/format.md, "Canonical form"). It is built from
the same ``Document`` every export renders, so whatever can be published is
covered and nothing internal is.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC
from typing import Any

from .bundle import Library
from .export.document import CaptionBlock, Document, Prose, QuoteBlock, build_document, clean
from .model import Person, Quote, Release, Settings, fill_intro, split_paragraphs

DIGEST_PREFIX = "sha256:"

DRAFT = "draft"
IN_REVIEW = "in review"
APPROVED = "approved"
STALE = "stale"
PUBLISHED = "published"
SPIKED = "spiked"
STATUSES = (DRAFT, IN_REVIEW, APPROVED, STALE, PUBLISHED, SPIKED)


def _sha256(payload: Any) -> str:
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return DIGEST_PREFIX + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _block_payload(block: Prose | QuoteBlock | CaptionBlock) -> dict[str, Any]:
    if isinstance(block, Prose):
        # Trailing spaces and blank-line runs never change what is published.
        lines = [line.rstrip() for line in block.markdown.strip("\n").split("\n")]
        return {"prose": "\n".join(lines)}
    if isinstance(block, QuoteBlock):
        return {
            "quote": block.quote_id,
            "speaker": block.speaker_id,
            "name": block.speaker_name,
            "role": block.role,
            "intro": block.intro,
            "paragraphs": list(block.paragraphs),
        }
    return {"caption": block.caption_id, "text": block.text, "credit": block.credit,
            "file": block.file}


def canonical_payload(document: Document) -> dict[str, Any]:
    """The publishable content as plain JSON-ready data (the digest's input)."""
    embargo = None
    if document.embargo:
        embargo = {
            "until": document.embargo.until.astimezone(UTC).isoformat(),
            "zone": document.embargo.zone,
        }
    return {
        "canonical": 1,
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


def digest(release: Release, settings: Settings, people: dict[str, Person]) -> str:
    """sha256 of everything publishable in ``release``, in canonical form."""
    return _sha256(canonical_payload(build_document(release, settings, people)))


def quote_digest(quote: Quote, people: dict[str, Person]) -> str:
    """sha256 of one quote's wording and attribution: what a clearance is bound to."""
    person = people.get(quote.speaker)
    return _sha256(
        {
            "canonical": 1,
            "speaker": quote.speaker,
            "name": clean(person.name) if person else "",
            "role": clean(quote.role),
            "intro": " ".join(clean(fill_intro(quote.intro, person, quote.role)).split()),
            "paragraphs": split_paragraphs(clean(quote.text)),
        }
    )


def release_digest(release: Release, library: Library) -> str:
    return digest(release, library.settings, library.people)


# ---------------------------------------------------------------------------
# Status: derived from approvals and history, never read from the file

# History actions that move a release between states.
SUBMIT = "submit"
REQUEST_CHANGES = "request-changes"
SPIKE = "spike"
UNSPIKE = "unspike"
PUBLISH = "publish"


def may_approve(person_id: str, library: Library) -> bool:
    rules = library.settings.rules
    if person_id in rules.approvers:
        return True
    person = library.people.get(person_id)
    return bool(person and person.role and person.role in rules.approver_roles)


def valid_approvals(release: Release, library: Library, current: str | None = None) -> list:
    """Approvals that count now: current digest, an allowed approver, one per person."""
    current = current or release_digest(release, library)
    seen: set[str] = set()
    valid = []
    for approval in release.approvals:
        if approval.digest != current or approval.by in seen:
            continue
        if not may_approve(approval.by, library):
            continue
        seen.add(approval.by)
        valid.append(approval)
    return valid


def status(release: Release, library: Library) -> str:
    """draft, in review, approved, stale, published or spiked."""
    last_state_event = None
    for event in release.history:
        if event.action in {SUBMIT, REQUEST_CHANGES, SPIKE, UNSPIKE}:
            last_state_event = event
    if last_state_event is not None and last_state_event.action == SPIKE:
        return SPIKED
    current = release_digest(release, library)
    valid = valid_approvals(release, library, current)
    if len(valid) >= library.settings.rules.approvals_required:
        published = any(e.action == PUBLISH and e.digest == current for e in release.history)
        return PUBLISHED if published else APPROVED
    if release.approvals and not valid:
        return STALE
    if last_state_event is not None and last_state_event.action == SUBMIT:
        return IN_REVIEW
    return DRAFT


# ---------------------------------------------------------------------------
# The export gate: one rule for every format, the CLI and the TUI


def publication_refusal(release: Release, library: Library) -> str | None:
    """Why ``release`` may not be exported final, or None when it may."""
    state = status(release, library)
    if state in {APPROVED, PUBLISHED}:
        return None
    required = library.settings.rules.approvals_required
    have = len(valid_approvals(release, library))
    return (
        f"{release.slug} is {state}, not approved ({have} of {required} valid "
        f"approval{'s' if required != 1 else ''}); export with --draft for a copy marked "
        "'DRAFT – NOT APPROVED'"
    )


def record_publication(release: Release, library: Library, by: str, fmt: str) -> bool:
    """Append a ``publish`` event for the current digest and save; False if already recorded."""
    from datetime import datetime

    from .model import Event

    current = release_digest(release, library)
    note = f"format: {fmt}"
    for event in release.history:
        if event.action == PUBLISH and event.digest == current and event.note == note:
            return False
    release.history.append(
        Event(at=datetime.now(UTC).replace(microsecond=0), action=PUBLISH, by=by,
              digest=current, note=note)
    )
    library.save(release)
    return True

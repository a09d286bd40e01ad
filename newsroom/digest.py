"""The digest: sha256 over the canonical form of a release's publishable content.

The canonical form is a JSON serialisation (docs/signoff.md, "The canonical
form"). It is built from the same ``Document`` every export renders, so
whatever can be published is covered and nothing internal is. Snapshots keep
the exact bytes that were hashed, named by their digest.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .bundle import Library
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
from .fsio import atomic_write
from .model import Person, Quote, Release, Settings, fill_intro, split_paragraphs

DIGEST_PREFIX = "sha256:"
DIGEST_PATTERN = re.compile(r"^sha256:[0-9a-f]{64}$")
CANONICAL_VERSION = 1
# Content-addressed copies of every submitted, approved and published version,
# kept inside the bundle so they travel with it through git.
SNAPSHOT_DIR = ".snapshots"


def short(digest_value: str) -> str:
    """'sha256:1a2b3c4d' for messages."""
    return digest_value[: len(DIGEST_PREFIX) + 8]


# ---------------------------------------------------------------------------
# The canonical form and the digest


def canonical_bytes(payload: Any) -> bytes:
    """JSON, keys sorted, no insignificant whitespace, UTF-8 (not \\u escapes)."""
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def payload_digest(payload: Any) -> str:
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
    return payload_digest(canonical_payload(build_document(release, settings, people)))


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
    return payload_digest(quote_payload(quote, people))


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

"""IPTC ninjs 3.1 ("News in JSON") for wires and aggregators.

Field names follow the schema (``ninjs-schema_3.1.json``, see
docs/export.md): the release is one ``text`` item with its headline, the
standfirst as a summary description, two bodies (the plain-text export and
the HTML article), the speakers as ``people`` (rel ``quoted``), the dateline
place as ``located`` and the embargo as ``embargoedUntil``. The digest the
approvals were bound to is an ``altIds`` entry with role ``newsroom-digest``.
A draft is ``pubStatus: withheld`` with the draft mark in ``edNote`` and in
both bodies.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .document import Document
from .html import render_article
from .text import DRAFT_MARK, TextOptions, render_text

if TYPE_CHECKING:
    from ..media import Rendition

NINJS_VERSION = "3.1"
NINJS_SCHEMA_URI = "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json#"
DIGEST_ROLE = "newsroom-digest"
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$")


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def domain_of(website: str = "", email: str = "") -> str:
    """The organisation's domain from its website or address, or '' when neither is usable."""
    candidates = []
    if website:
        candidates.append(urlsplit(website if "//" in website else f"//{website}").hostname or "")
    if email and "@" in email:
        candidates.append(email.rsplit("@", 1)[1].strip(" >").lower())
    for candidate in candidates:
        if _DOMAIN.match(candidate.lower()):
            return candidate.lower()
    return ""


def item_uri(document: Document, domain: str) -> str:
    """A stable identifier: a tag URI (RFC 4151) under the organisation's domain."""
    if domain and document.dateline_date:
        return f"tag:{domain},{document.dateline_date.year}:newsroom/{document.slug}"
    # No domain to mint under: a name-based UUID stays the same across exports.
    name = f"newsroom:{document.organisation}:{document.slug}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def ninjs_item(
    document: Document,
    *,
    digest: str,
    uri: str,
    version: str = "1",
    now: datetime | None = None,
    width: int = 72,
    renditions: dict[str, dict[str, Rendition]] | None = None,
) -> dict[str, Any]:
    """The release as a ninjs 3.1 object (plain JSON-ready data)."""
    now = now or datetime.now(UTC)
    text = render_text(document, TextOptions(width=width))
    item: dict[str, Any] = {
        "standard": {"name": "ninjs", "version": NINJS_VERSION, "schema": NINJS_SCHEMA_URI},
        "uri": uri,
        "type": "text",
        "representationType": "full",
        "profile": "newsroom-press-release",
        "version": version,
        "versionCreated": _rfc3339(now),
        "pubStatus": "withheld" if document.draft else "usable",
    }
    if document.embargo:
        item["embargoedUntil"] = _rfc3339(document.embargo.until)
        item["usageTerms"] = f"Embargoed until {document.embargo.describe()}."
    if document.draft:
        item["edNote"] = f"{DRAFT_MARK}: not for publication."
    item["language"] = "en-GB"
    if document.organisation:
        item["copyrightHolder"] = document.organisation
    item["slugline"] = document.slug
    item["headlines"] = [{"role": "main", "contentType": "text/plain", "value": document.headline}]
    if document.standfirst:
        item["descriptions"] = [
            {"role": "summary", "contentType": "text/plain", "value": document.standfirst}
        ]
    item["bodies"] = [
        {
            "role": "main",
            "contentType": "text/plain",
            "wordCount": len(text.split()),
            "value": text,
        },
        {"role": "main", "contentType": "text/html", "value": render_article(document)},
    ]
    by = document.organisation or document.contact_name
    if by:
        item["by"] = by
    if document.dateline_place:
        item["located"] = document.dateline_place
    if document.speakers:
        item["people"] = [
            {"name": name, "rel": "quoted", "literal": speaker_id}
            for speaker_id, name, _role in document.speakers
        ]
    if document.organisation:
        item["infoSources"] = [{"name": document.organisation, "role": "originator"}]
    item["genres"] = [{"name": "Press release", "literal": "press-release"}]
    alt_ids = [{"role": "newsroom-slug", "value": document.slug}]
    if digest:
        alt_ids.insert(0, {"role": DIGEST_ROLE, "value": digest})
    item["altIds"] = alt_ids
    if document.pictures:
        from .pictures import ninjs_associations

        item["associations"] = ninjs_associations(document, uri, renditions)
    return item


def render_ninjs(
    document: Document,
    *,
    digest: str,
    uri: str,
    version: str = "1",
    now: datetime | None = None,
    width: int = 72,
    renditions: dict[str, dict[str, Rendition]] | None = None,
) -> str:
    item = ninjs_item(
        document,
        digest=digest,
        uri=uri,
        version=version,
        now=now,
        width=width,
        renditions=renditions,
    )
    return json.dumps(item, ensure_ascii=False, indent=2) + "\n"

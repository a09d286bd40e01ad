"""TOML <-> model: releases, the people directory and the library's settings.

Every function here maps plain TOML data (as ``tomllib`` reads it) to the
model and back; keys it does not know are kept in ``extra``. Errors name the
file and the key path (``BundleError``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .model import (
    CHECK_SEVERITIES,
    SCHEMA_VERSION,
    Approval,
    Caption,
    Clearance,
    Contact,
    Dateline,
    Embargo,
    Event,
    Person,
    Picture,
    Quote,
    Release,
    Rules,
    Settings,
    Waiver,
)
from .tomlio import Table, check_id, check_schema, check_timezone, compact

# ---------------------------------------------------------------------------
# Release <-> TOML


def release_from_toml(data: dict[str, Any], file: Path, slug: str, body: str) -> Release:
    root = Table(data, file, "")
    check_schema(root)
    # Status is derived from approvals and history, never read: drop any
    # hand-written one so it cannot mislead and is not written back.
    root.data.pop("status", None)
    release = Release(slug=slug, body=body)
    release.headline = root.text("headline")
    release.standfirst = root.text("standfirst")
    release.created = root.date("created")

    dateline = root.table("dateline")
    release.dateline = Dateline(
        place=dateline.text("place"), date=dateline.date("date"), extra=dateline.rest()
    )
    embargo = root.table("embargo")
    release.embargo = Embargo(
        until=embargo.datetime("until"), timezone=embargo.text("timezone"), extra=embargo.rest()
    )
    if release.embargo.timezone:
        # Export would otherwise fall back to the library's zone without a word.
        check_timezone(embargo, release.embargo.timezone)
    contact = root.table("contact")
    release.contact = Contact(
        name=contact.text("name"),
        role=contact.text("role"),
        phone=contact.text("phone"),
        email=contact.text("email"),
        extra=contact.rest(),
    )
    release.notes_to_editors = root.texts("notes_to_editors")
    release.about = root.text("about")
    release.imprint = root.text("imprint")
    release.internal_notes = root.text("internal_notes")

    for table in root.tables("quotes"):
        quote_id = table.required_text("id")
        check_id(table, "id", quote_id)
        if release.quote(quote_id):
            raise table.error("id", f"duplicate quote id {quote_id!r}; each quote needs its own")
        release.quotes.append(
            Quote(
                id=quote_id,
                speaker=table.text("speaker"),
                role=table.text("role"),
                intro=table.text("intro"),
                text=table.text("text"),
                attribution=table.text("attribution"),
                attribution_after=_attribution_after(table),
                extra=table.rest(),
            )
        )
    for table in root.tables("captions"):
        caption_id = table.required_text("id")
        check_id(table, "id", caption_id)
        if release.caption(caption_id):
            raise table.error("id", f"duplicate caption id {caption_id!r}")
        release.captions.append(
            Caption(
                id=caption_id,
                text=table.text("text"),
                credit=table.text("credit"),
                file=table.text("file"),
                extra=table.rest(),
            )
        )
    for table in root.tables("media"):
        release.media.append(_picture_from_table(table, release))
    for table in root.tables("clearances"):
        release.clearances.append(
            Clearance(
                quote=table.required_text("quote"),
                by=table.required_text("by"),
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                digest=table.required_text("digest"),
                via=table.text("via"),
                note=table.text("note"),
                recorded_by=table.text("recorded_by"),
                signature=table.text("signature"),
                extra=table.rest(),
            )
        )
    for table in root.tables("approvals"):
        release.approvals.append(
            Approval(
                by=table.required_text("by"),
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                digest=table.required_text("digest"),
                role=table.text("role"),
                note=table.text("note"),
                signature=table.text("signature"),
                recorded_by=table.text("recorded_by"),
                via=table.text("via"),
                extra=table.rest(),
            )
        )
    for table in root.tables("waivers"):
        release.waivers.append(
            Waiver(
                check=table.required_text("check"),
                by=table.required_text("by"),
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                digest=table.required_text("digest"),
                reason=table.text("reason"),
                extra=table.rest(),
            )
        )
    for table in root.tables("history"):
        release.history.append(
            Event(
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                action=table.required_text("action"),
                by=table.text("by"),
                digest=table.text("digest"),
                note=table.text("note"),
                extra=table.rest(),
            )
        )
    release.extra = root.rest()
    return release


_PICTURE_TEXTS = ("caption", "creator", "credit", "copyright", "alt", "usage_terms", "sha256")


def _picture_from_table(table: Table, release: Release) -> Picture:
    picture_id = table.required_text("id")
    check_id(table, "id", picture_id)
    if release.picture(picture_id):
        raise table.error("id", f"duplicate picture id {picture_id!r}; each picture needs its own")
    file = table.required_text("file")
    # A file name inside the bundle's media/ folder, never a path.
    if not file or "/" in file or "\\" in file or file.startswith(".") or "\x00" in file:
        raise table.error("file", f"{file!r} is not a file name in media/ (no paths)")
    texts = {key: table.text(key) for key in _PICTURE_TEXTS}
    return Picture(
        id=picture_id,
        file=file,
        width=table.integer("width", 0),
        height=table.integer("height", 0),
        extra=table.rest(),
        **texts,
    )


def _attribution_after(table: Table) -> int:
    value = table.integer("attribution_after", 0)
    if value < 0:
        raise table.error("attribution_after", "must be 0 (after the words) or a paragraph number")
    return value


def release_to_toml(release: Release) -> dict[str, Any]:
    data: dict[str, Any] = {"schema": SCHEMA_VERSION}
    data.update(
        compact(
            {
                "headline": release.headline,
                "standfirst": release.standfirst,
                "created": release.created,
                "about": release.about,
                "imprint": release.imprint,
                "internal_notes": release.internal_notes,
                "notes_to_editors": release.notes_to_editors,
            },
            {},
        )
    )
    tables = {
        "dateline": compact(
            {"place": release.dateline.place, "date": release.dateline.date},
            release.dateline.extra,
        ),
        "embargo": compact(
            {"until": release.embargo.until, "timezone": release.embargo.timezone},
            release.embargo.extra,
        ),
        "contact": compact(
            {
                "name": release.contact.name,
                "role": release.contact.role,
                "phone": release.contact.phone,
                "email": release.contact.email,
            },
            release.contact.extra,
        ),
    }
    data.update({name: table for name, table in tables.items() if table})
    arrays = {
        "quotes": [
            compact(
                {
                    "id": q.id,
                    "speaker": q.speaker,
                    "role": q.role,
                    "intro": q.intro,
                    "text": q.text,
                    "attribution": q.attribution,
                    "attribution_after": q.attribution_after or None,
                },
                q.extra,
                keep=("id",),
            )
            for q in release.quotes
        ],
        "captions": [
            compact(
                {"id": c.id, "text": c.text, "credit": c.credit, "file": c.file},
                c.extra,
                keep=("id",),
            )
            for c in release.captions
        ],
        "media": [
            compact(
                {
                    "id": p.id,
                    "file": p.file,
                    **{k: getattr(p, k) for k in _PICTURE_TEXTS},
                    "width": p.width or None,
                    "height": p.height or None,
                },
                p.extra,
                keep=("id", "file"),
            )
            for p in release.media
        ],
        "clearances": [
            compact(
                {
                    "quote": c.quote,
                    "by": c.by,
                    "at": c.at,
                    "digest": c.digest,
                    "via": c.via,
                    "note": c.note,
                    "recorded_by": c.recorded_by,
                    "signature": c.signature,
                },
                c.extra,
                keep=("quote", "by", "digest"),
            )
            for c in release.clearances
        ],
        "approvals": [
            compact(
                {
                    "by": a.by,
                    "role": a.role,
                    "at": a.at,
                    "digest": a.digest,
                    "note": a.note,
                    "recorded_by": a.recorded_by,
                    "via": a.via,
                    "signature": a.signature,
                },
                a.extra,
                keep=("by", "digest"),
            )
            for a in release.approvals
        ],
        "waivers": [
            compact(
                {"check": w.check, "by": w.by, "at": w.at, "digest": w.digest, "reason": w.reason},
                w.extra,
                keep=("check", "by", "digest"),
            )
            for w in release.waivers
        ],
        "history": [
            compact(
                {"at": e.at, "action": e.action, "by": e.by, "digest": e.digest, "note": e.note},
                e.extra,
                keep=("action",),
            )
            for e in release.history
        ],
    }
    data.update({name: items for name, items in arrays.items() if items})
    for key, value in release.extra.items():
        data.setdefault(key, value)
    return data


# ---------------------------------------------------------------------------
# People and settings <-> TOML


def people_from_toml(data: dict[str, Any], file: Path) -> tuple[dict[str, Person], dict[str, Any]]:
    root = Table(data, file, "")
    check_schema(root)
    people_table = root.table("people")
    people: dict[str, Person] = {}
    for person_id in list(people_table.data):
        check_id(people_table, person_id, person_id)
        entry = people_table.table(person_id)
        people[person_id] = Person(
            id=person_id,
            name=entry.required_text("name"),
            role=entry.text("role"),
            organisation=entry.text("organisation"),
            email=entry.text("email"),
            phone=entry.text("phone"),
            honorific=entry.text("honorific"),
            post_nominals=entry.text("post_nominals"),
            extra=entry.rest(),
        )
    return people, root.rest()


def people_to_toml(people: dict[str, Person], extra: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"schema": SCHEMA_VERSION}
    for key, value in extra.items():
        data.setdefault(key, value)
    data["people"] = {
        person.id: compact(
            {
                "name": person.name,
                "role": person.role,
                "organisation": person.organisation,
                "email": person.email,
                "phone": person.phone,
                "honorific": person.honorific,
                "post_nominals": person.post_nominals,
            },
            person.extra,
            keep=("name",),
        )
        for person in people.values()
    }
    return data


def settings_from_toml(data: dict[str, Any], file: Path) -> Settings:
    root = Table(data, file, "")
    check_schema(root)
    settings = Settings()
    org = root.table("organisation")
    settings.organisation = org.text("name")
    settings.political = org.boolean("political", False)
    settings.timezone = org.text("timezone", "Europe/London")
    settings.website = org.text("website")
    settings.email = org.text("email")
    check_timezone(org, settings.timezone)

    defaults = root.table("defaults")
    contact = defaults.table("contact")
    settings.default_contact = Contact(
        name=contact.text("name"),
        role=contact.text("role"),
        phone=contact.text("phone"),
        email=contact.text("email"),
        extra=contact.rest(),
    )
    settings.default_about = defaults.text("about")
    settings.default_imprint = defaults.text("imprint")
    settings.default_intro = defaults.text("intro", settings.default_intro)

    rules = root.table("rules")
    blocking = rules.texts("blocking_checks") if "blocking_checks" in rules.data else None
    settings.rules = Rules(
        approvers=rules.texts("approvers"),
        approver_roles=rules.texts("approver_roles"),
        approvals_required=rules.integer("approvals_required", 1),
        require_clearance=rules.boolean("require_clearance", True),
        require_signatures=rules.boolean("require_signatures", False),
        allowed_signers=rules.text("allowed_signers"),
        allow_recorded=rules.boolean("allow_recorded", True),
        blocking_checks=blocking,
        extra=rules.rest(),
    )
    if settings.rules.approvals_required < 1:
        raise rules.error("approvals_required", "must be at least 1")

    export = root.table("export")
    settings.width = export.integer("width", 72)
    if not 20 <= settings.width <= 200:
        raise export.error("width", f"{settings.width} is out of range (20 to 200)")
    settings.reply_to = export.text("reply_to")
    settings.press_list = export.texts("press_list")
    settings.from_address = export.text("from")

    checks = root.table("checks")
    # headline_max once lived in [rules]; a file written then still works.
    legacy_max = rules.integer("headline_max", 110)
    settings.headline_max = checks.integer("headline_max", legacy_max)
    settings.standfirst_max = checks.integer("standfirst_max", settings.standfirst_max)
    for key, value in list(checks.data.items()):
        if isinstance(value, str):
            severity = checks.text(key)
            if severity not in CHECK_SEVERITIES:
                raise checks.error(
                    key,
                    f"{severity!r} is not a severity; write one of "
                    + ", ".join(f'"{s}"' for s in CHECK_SEVERITIES),
                )
            settings.check_severity[key] = severity

    settings.table_extra = {
        name: table.rest()
        for name, table in (
            ("organisation", org),
            ("defaults", defaults),
            ("export", export),
            ("checks", checks),
        )
        if table.rest()
    }
    settings.extra = root.rest()
    return settings

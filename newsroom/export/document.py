"""What is published: the one place that decides it.

``build_document`` turns a release into a ``Document`` holding only the
publishable content, with every field cleaned of control characters and
escape sequences. Every export format renders a ``Document``; the digest is
computed over one. Internal notes, approvals and history never enter it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..model import (
    REFERENCE_PATTERN,
    Person,
    Picture,
    Release,
    Settings,
    fill_intro,
    split_paragraphs,
)
from ..safety import strip_controls


def clean(text: str) -> str:
    """Published text: NFC, Unix line ends, no control characters."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", strip_controls(text))


@dataclass(frozen=True)
class Prose:
    """A run of body Markdown between references."""

    markdown: str
    first_line: int


@dataclass(frozen=True)
class QuoteBlock:
    quote_id: str
    speaker_id: str
    speaker_name: str
    role: str
    organisation: str
    intro: str
    paragraphs: tuple[str, ...]
    attribution: str = ""  # filled in, e.g. "said Dr Ann Lee, a partner at Hill Street Surgery."
    attribution_after: int = 0  # see Quote: 0 = after the last paragraph


@dataclass(frozen=True)
class CaptionBlock:
    caption_id: str
    text: str
    credit: str
    file: str


@dataclass(frozen=True)
class PictureBlock:
    """A picture's record as published (``{{< picture ID >}}``, or attached)."""

    picture_id: str
    file: str
    caption: str
    creator: str
    credit: str
    copyright: str
    alt: str
    usage_terms: str
    sha256: str
    width: int
    height: int

    def payload(self) -> dict[str, object]:
        return {
            "id": self.picture_id,
            "file": self.file,
            "caption": self.caption,
            "creator": self.creator,
            "credit": self.credit,
            "copyright": self.copyright,
            "alt": self.alt,
            "usage_terms": self.usage_terms,
            "sha256": self.sha256,
            "width": self.width,
            "height": self.height,
        }

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> PictureBlock:
        return cls(picture_id=data["id"], **{k: v for k, v in data.items() if k != "id"})


Block = Prose | QuoteBlock | CaptionBlock | PictureBlock


@dataclass(frozen=True)
class EmbargoLine:
    until: datetime
    zone: str

    @property
    def local(self) -> datetime:
        return self.until.astimezone(_zone(self.zone))

    def describe(self) -> str:
        """'00:01 BST, Tuesday 3 June 2025' in the embargo's zone."""
        local = self.local
        return f"{local:%H:%M} {local.tzname()}, {_DAYS[local.weekday()]} {format_date(local)}"


@dataclass(frozen=True)
class Document:
    slug: str
    headline: str
    standfirst: str
    dateline_place: str
    dateline_date: date | None
    embargo: EmbargoLine | None
    blocks: tuple[Block, ...]
    notes_to_editors: tuple[str, ...]
    contact_name: str
    contact_role: str
    contact_phone: str
    contact_email: str
    organisation: str
    about: str
    imprint: str
    draft: bool = False
    speakers: tuple[tuple[str, str, str], ...] = field(default=())  # (id, name, role)
    # Every picture of the release, placed or not: all of them are sent.
    pictures: tuple[PictureBlock, ...] = field(default=())

    @property
    def dateline(self) -> str:
        """'HACKNEY, 2 August 2018' or '' when no dateline is set."""
        parts = []
        if self.dateline_place:
            parts.append(self.dateline_place.upper())
        if self.dateline_date:
            parts.append(format_date(self.dateline_date))
        return ", ".join(parts)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_name or self.contact_phone or self.contact_email)


# English names whatever the process locale (strftime's %A/%B follow LC_TIME).
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(day: date) -> str:
    """'2 August 2018'."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "Europe/London")
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("Europe/London")


def split_body(body: str) -> list[tuple[str, str, int]]:
    """The body as ('prose', markdown, first line) and (kind, id, line) pieces."""
    pieces: list[tuple[str, str, int]] = []
    prose: list[str] = []
    prose_start = 1
    for number, line in enumerate(body.split("\n"), start=1):
        match = REFERENCE_PATTERN.match(line)
        if match:
            if "".join(prose).strip():
                pieces.append(("prose", "\n".join(prose), prose_start))
            pieces.append((match.group(1), match.group(2), number))
            prose, prose_start = [], number + 1
        else:
            prose.append(line)
    if "".join(prose).strip():
        pieces.append(("prose", "\n".join(prose), prose_start))
    return pieces


def build_document(
    release: Release,
    settings: Settings,
    people: dict[str, Person],
    *,
    draft: bool = False,
) -> Document:
    blocks: list[Block] = []
    pictures = [_picture_block(p) for p in release.media]
    for kind, value, line in split_body(clean(release.body)):
        if kind == "prose":
            blocks.append(Prose(markdown=value, first_line=line))
        elif kind == "quote":
            quote = release.quote(value)
            if quote is None:
                continue
            person = people.get(quote.speaker)
            name = clean(person.name) if person else clean(quote.speaker)
            role = clean(quote.role)
            intro = clean(fill_intro(quote.intro, person, quote.role, quote.speaker))
            blocks.append(
                QuoteBlock(
                    quote_id=quote.id,
                    speaker_id=quote.speaker,
                    speaker_name=name,
                    role=role,
                    organisation=clean(person.organisation) if person else "",
                    intro=" ".join(intro.split()),
                    paragraphs=tuple(split_paragraphs(clean(quote.text))),
                    attribution=" ".join(
                        clean(
                            fill_intro(quote.attribution, person, quote.role, quote.speaker)
                        ).split()
                    ),
                    attribution_after=quote.attribution_after,
                )
            )
        elif kind == "picture":
            picture = next((p for p in pictures if p.picture_id == value), None)
            if picture is not None:
                blocks.append(picture)
        else:
            caption = release.caption(value)
            if caption is None:
                continue
            blocks.append(
                CaptionBlock(
                    caption_id=caption.id,
                    text=" ".join(clean(caption.text).split()),
                    credit=" ".join(clean(caption.credit).split()),
                    file=clean(caption.file),
                )
            )
    embargo = None
    if release.embargo.until is not None:
        zone = release.embargo.timezone or settings.timezone
        until = release.embargo.until
        if until.tzinfo is None:
            # A hand-written local time (no offset) is local to the embargo's
            # zone; dropping it would print FOR IMMEDIATE RELEASE.
            until = until.replace(tzinfo=_zone(zone))
        embargo = EmbargoLine(until, zone)
    speakers: list[tuple[str, str, str]] = []
    for block in blocks:
        if isinstance(block, QuoteBlock) and block.speaker_id not in {s[0] for s in speakers}:
            speakers.append((block.speaker_id, block.speaker_name, block.role))
    contact = release.contact
    return Document(
        slug=release.slug,
        headline=" ".join(clean(release.headline).split()),
        standfirst=" ".join(clean(release.standfirst).split()),
        dateline_place=" ".join(clean(release.dateline.place).split()),
        dateline_date=release.dateline.date,
        embargo=embargo,
        blocks=tuple(blocks),
        notes_to_editors=tuple(
            clean(note).strip() for note in release.notes_to_editors if note.strip()
        ),
        contact_name=clean(contact.name).strip(),
        contact_role=clean(contact.role).strip(),
        contact_phone=clean(contact.phone).strip(),
        contact_email=clean(contact.email).strip(),
        organisation=clean(settings.organisation).strip(),
        about=clean(release.about).strip(),
        imprint=" ".join(clean(release.imprint).split()),
        draft=draft,
        speakers=tuple(speakers),
        pictures=tuple(pictures),
    )


def _picture_block(picture: Picture) -> PictureBlock:
    def text(value: str) -> str:
        return " ".join(clean(value).split())

    return PictureBlock(
        picture_id=picture.id,
        file=clean(picture.file),
        caption=text(picture.caption),
        creator=text(picture.creator),
        credit=text(picture.credit),
        copyright=text(picture.copyright),
        alt=text(picture.alt),
        usage_terms=text(picture.usage_terms),
        sha256=picture.sha256,
        width=picture.width,
        height=picture.height,
    )

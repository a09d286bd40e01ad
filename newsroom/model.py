"""The press office's nouns as plain dataclasses. No I/O, no Textual, no Rich.

Every dataclass that maps to a TOML table carries ``extra``: the keys this
version of newsroom does not know, kept so a load/save never drops them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

SCHEMA_VERSION = 1

SLUG_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$")
ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")

# A reference to a quote, caption or picture: a line of its own in body.md.
REFERENCE_PATTERN = re.compile(r"^[ \t]*\{\{<\s*(quote|caption|picture)\s+(\S+?)\s*>\}\}[ \t]*$")


def reference_line(kind: str, ref_id: str) -> str:
    """The body.md line that places a quote or caption."""
    return f"{{{{< {kind} {ref_id} >}}}}"


def slug_problem(slug: str) -> str | None:
    """Why ``slug`` is not a valid release slug, or None when it is."""
    if not slug:
        return "a slug cannot be empty"
    if "/" in slug or "\\" in slug or slug in {".", ".."}:
        return f"slug {slug!r} looks like a path; use letters, digits and hyphens"
    if len(slug) > 80:
        return f"slug {slug!r} is longer than 80 characters"
    if not SLUG_PATTERN.match(slug):
        return (
            f"slug {slug!r} may only hold lower-case letters a-z, digits and hyphens, "
            "and cannot start or end with a hyphen"
        )
    return None


def slugify(text: str, *, prefix: str = "") -> str:
    """A slug proposed from a headline: lower case, hyphens, at most 80 characters."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = prefix
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > 60:
            break
        slug = candidate
    return slug or "release"


@dataclass
class Person:
    id: str
    name: str
    role: str = ""
    organisation: str = ""
    email: str = ""
    phone: str = ""
    # Kept apart from ``name`` so matching and sorting see the name alone:
    # "Dr", "Cllr" before it; "MP", "OBE" after it.
    honorific: str = ""
    post_nominals: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Quote:
    """Words of one person, placed in the body by ``{{< quote ID >}}``.

    ``role`` is the speaker's role as it stood when quoted: the directory may
    move on, the release must not. ``intro`` may use ``{name}``, ``{role}``
    and ``{organisation}``. ``text`` holds paragraphs separated by blank lines,
    without quotation marks: export punctuates them.

    ``attribution`` names the speaker after the words (``said {name}, {role}.``,
    same placeholders as ``intro``). It follows the closing mark of paragraph
    ``attribution_after`` (counted from 1) and the next paragraph carries on
    in the same printed paragraph — ``“A,” said X. “B.”`` is text ``A,`` and
    ``B.``, ``attribution_after = 1``; 0 means after the last paragraph. An
    attribution opening with a dash (``– {name}, {role}``) is a line of its own.
    """

    id: str
    speaker: str = ""
    role: str = ""
    intro: str = ""
    text: str = ""
    attribution: str = ""
    attribution_after: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)


@dataclass
class Caption:
    """A photo caption, placed in the body by ``{{< caption ID >}}``."""

    id: str
    text: str = ""
    credit: str = ""
    file: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Picture:
    """A picture in ``media/``, placed in the body by ``{{< picture ID >}}``.

    ``sha256``, ``width`` and ``height`` are the original file's, written by
    the tool when the picture is added: the digest covers them, so a replaced
    picture makes approvals stale (docs/format.md, "Pictures").
    """

    id: str
    file: str = ""
    caption: str = ""
    creator: str = ""
    credit: str = ""
    copyright: str = ""
    alt: str = ""
    usage_terms: str = ""
    sha256: str = ""
    width: int = 0
    height: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Dateline:
    place: str = ""
    date: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_set(self) -> bool:
        return bool(self.place or self.date)


@dataclass
class Embargo:
    """Not for publication before ``until`` (timezone-aware).

    ``timezone`` is the IANA zone the embargo is announced in; empty means the
    library's zone.
    """

    until: datetime | None = None
    timezone: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_set(self) -> bool:
        return self.until is not None


@dataclass
class Contact:
    name: str = ""
    role: str = ""
    phone: str = ""
    email: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_set(self) -> bool:
        return bool(self.name or self.phone or self.email)


@dataclass
class Approval:
    """An approver's sign-off, bound to the digest of what they saw."""

    by: str
    at: datetime
    digest: str
    role: str = ""
    note: str = ""
    signature: str = ""
    # Given by ``by`` but typed in by someone else (a press officer taking a
    # chair's approval by phone): who recorded it and how it was given.
    recorded_by: str = ""
    via: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


# A check's severity in ``[checks]``: an error blocks submission and approval
# (unless waived), a warning is shown only, "off" does not run the check.
CHECK_SEVERITIES = ("error", "warning", "off")


@dataclass
class Waiver:
    """An approver's decision to let one blocking check pass, bound to a digest."""

    check: str
    by: str
    at: datetime
    digest: str
    reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Clearance:
    """A quoted person's OK of their own words, bound to the quote's digest."""

    quote: str
    by: str
    at: datetime
    digest: str
    via: str = ""
    note: str = ""
    recorded_by: str = ""  # who typed it in, when not the speaker
    signature: str = ""  # by whoever recorded it (the speaker, or recorded_by)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Event:
    """One line of a release's history: submit, clear, approve, publish…"""

    at: datetime
    action: str
    by: str = ""
    digest: str = ""
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Release:
    slug: str
    headline: str = ""
    standfirst: str = ""
    created: date | None = None
    dateline: Dateline = field(default_factory=Dateline)
    embargo: Embargo = field(default_factory=Embargo)
    body: str = ""
    quotes: list[Quote] = field(default_factory=list)
    captions: list[Caption] = field(default_factory=list)
    notes_to_editors: list[str] = field(default_factory=list)
    contact: Contact = field(default_factory=Contact)
    about: str = ""
    imprint: str = ""
    internal_notes: str = ""
    clearances: list[Clearance] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    history: list[Event] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    waivers: list[Waiver] = field(default_factory=list)
    media: list[Picture] = field(default_factory=list)

    def picture(self, picture_id: str) -> Picture | None:
        return next((p for p in self.media if p.id == picture_id), None)

    def quote(self, quote_id: str) -> Quote | None:
        return next((q for q in self.quotes if q.id == quote_id), None)

    def caption(self, caption_id: str) -> Caption | None:
        return next((c for c in self.captions if c.id == caption_id), None)

    def references(self) -> list[tuple[int, str, str]]:
        """(line number from 1, kind, id) for every reference line in the body."""
        found = []
        for number, line in enumerate(self.body.splitlines(), start=1):
            match = REFERENCE_PATTERN.match(line)
            if match:
                found.append((number, match.group(1), match.group(2)))
        return found

    def speakers(self, people: dict[str, Person]) -> list[str]:
        """Names of the people quoted, in order of first quote, each once."""
        names: list[str] = []
        for quote in self.quotes:
            person = people.get(quote.speaker)
            name = person.name if person else quote.speaker
            if name and name not in names:
                names.append(name)
        return names

    def next_quote_id(self) -> str:
        taken = {q.id for q in self.quotes}
        number = len(self.quotes) + 1
        while f"q{number}" in taken:
            number += 1
        return f"q{number}"


@dataclass
class Rules:
    """Who may sign off and what sign-off needs (``[rules]`` in newsroom.toml)."""

    approvers: list[str] = field(default_factory=list)
    approver_roles: list[str] = field(default_factory=list)
    approvals_required: int = 1
    require_clearance: bool = True
    require_signatures: bool = False
    allowed_signers: str = ""
    # Whether approvals recorded for someone else (approve --for) count.
    allow_recorded: bool = True
    blocking_checks: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Settings:
    """The library's settings: ``newsroom.toml``."""

    organisation: str = ""
    political: bool = False
    timezone: str = "Europe/London"
    website: str = ""
    email: str = ""
    from_address: str = ""
    reply_to: str = ""
    press_list: list[str] = field(default_factory=list)
    default_contact: Contact = field(default_factory=Contact)
    default_about: str = ""
    default_imprint: str = ""
    default_intro: str = "Commenting on the news, {name}, {role}, said:"
    width: int = 72
    headline_max: int = 110
    standfirst_max: int = 300
    # ``[checks] <check-id> = "error" | "warning" | "off"``, as written.
    check_severity: dict[str, str] = field(default_factory=dict)
    rules: Rules = field(default_factory=Rules)
    extra: dict[str, Any] = field(default_factory=dict)
    # Sub-table keys we do not know, per table name, kept for round-trips.
    table_extra: dict[str, dict[str, Any]] = field(default_factory=dict)


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs separated by blank lines, each with its lines joined by spaces."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = []
    for block in re.split(r"\n[ \t]*\n", text):
        joined = " ".join(line.strip() for line in block.split("\n") if line.strip())
        if joined:
            paragraphs.append(joined)
    return paragraphs


def fill_intro(intro: str, person: Person | None, role: str, fallback_name: str = "") -> str:
    """Expand ``{name}``, ``{role}`` and ``{organisation}`` in an introduction.

    Plain replacement, not ``str.format``: an introduction is user text and
    format strings can reach attributes.
    """
    values = {
        "name": person.name if person else fallback_name,
        "role": role,
        "organisation": person.organisation if person else "",
    }
    # One pass, so a name holding "{role}" is not expanded again. An empty
    # value becomes a marker first, so only the punctuation around it is tidied:
    # an empty role reads "Jane Doe said:", never "Jane Doe, , said:" or
    # "Jane Doe () said:", and the writer's own commas are left alone.
    empty = "\x00\ue000\x00"
    text = re.sub(r"\{(name|role|organisation)\}", lambda m: values[m.group(1)] or empty, intro)
    gap = re.escape(empty)
    text = re.sub(rf"\(\s*{gap}\s*\)", "", text)
    text = re.sub(rf",\s*{gap}\s*,", "", text)
    text = re.sub(rf",\s*{gap}\s*(?=[:;.!?]|$)", "", text)
    return " ".join(text.replace(empty, "").split())

"""What the archive indexes of one release, read straight from its files.

The search index needs words, not a validated model: the release.toml is
parsed with ``tomllib`` and read leniently (a field of the wrong type is
skipped), so building the index of 100,000 releases costs little more than
parsing them. Status, approvals and digests are the list index's business.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field

from ..index.reader import Unsettled, read_files
from ..layout import BODY_FILE, PEOPLE_FILE, RELEASE_FILE
from ..model import REFERENCE_PATTERN
from ..safety import strip_controls

# The {{< quote ID >}} lines of a body (model.REFERENCE_PATTERN), each with the
# line end before it. Starting with a plain "\n" lets the regex engine skip
# ahead to each line end instead of trying every character.
_REFERENCES = re.compile(
    "\n" + REFERENCE_PATTERN.pattern.removeprefix("^").removesuffix("$") + "(?=\n|\\Z)"
)

# The release's searchable fields, in the index's column order.
FIELDS = ("headline", "standfirst", "body", "quotes", "captions", "notes")


@dataclass
class QuoteDoc:
    id: str
    speaker: str  # the person's id
    name: str  # their name in people.toml when indexed (the id if unknown)
    role: str  # their role as the release gives it: the role at the time
    words: str


@dataclass
class Document:
    slug: str
    date: str = ""  # the dateline's date, else the created date (ISO)
    headline: str = ""
    standfirst: str = ""
    body: str = ""
    captions: str = ""
    notes: str = ""
    quotes: list[QuoteDoc] = field(default_factory=list)

    def quotes_text(self) -> str:
        return "\n\n".join(f"{q.name}, {q.role}:\n{q.words}" for q in self.quotes)

    def fields(self) -> list[str]:
        """The text of each of ``FIELDS``."""
        return [
            self.headline,
            self.standfirst,
            self.body,
            self.quotes_text(),
            self.captions,
            self.notes,
        ]


def _text(value: object) -> str:
    return strip_controls(value) if isinstance(value, str) else ""


def _date(value: object) -> str:
    iso = getattr(value, "isoformat", None)
    return iso()[:10] if iso is not None else ""


def people_names(root: str) -> dict[str, str]:
    """Each person's id and name from people.toml ({} when it cannot be read)."""
    try:
        with open(os.path.join(root, PEOPLE_FILE), "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return {}
    people = data.get("people")
    if not isinstance(people, dict):
        return {}
    return {
        pid: _text(entry.get("name")) or pid
        for pid, entry in people.items()
        if isinstance(entry, dict)
    }


def document(
    slug: str, toml_bytes: bytes, body_bytes: bytes | None, names: dict[str, str]
) -> Document:
    """The searchable text of a release; raises ValueError when release.toml is not TOML."""
    data = tomllib.loads(toml_bytes.decode("utf-8-sig"))
    body = (body_bytes or b"").decode("utf-8-sig", "replace")
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    # The {{< quote ID >}} lines are placement, not words. One pass over the
    # body, not a match per line: the index reads 100,000 of them.
    if "{{<" in body:
        body = _REFERENCES.sub("", "\n" + body)[1:]
    dateline = data.get("dateline")
    day = dateline.get("date") if isinstance(dateline, dict) else None
    doc = Document(
        slug=slug,
        date=_date(day) or _date(data.get("created")),
        headline=_text(data.get("headline")),
        standfirst=_text(data.get("standfirst")),
        # Not stripped of controls: the tokenizer skips them, and snippets are
        # made safe where they are cut (search.excerpt), 100 characters not 30,000.
        body=body,
    )
    for quote in data.get("quotes") or ():
        if not isinstance(quote, dict):
            continue
        speaker = _text(quote.get("speaker"))
        doc.quotes.append(
            QuoteDoc(
                id=_text(quote.get("id")),
                speaker=speaker,
                name=names.get(speaker, speaker),
                role=_text(quote.get("role")),
                words=_text(quote.get("text")).strip(),
            )
        )
    captions = data.get("captions") or ()
    doc.captions = "\n".join(_text(c.get("text")) for c in captions if isinstance(c, dict))
    notes = data.get("notes_to_editors") or ()
    doc.notes = "\n".join(_text(n) for n in notes) if isinstance(notes, list) else ""
    return doc


# What reading one folder gives: the document (None when there is no release
# to index), the stamps of what was read (None when they must not be kept,
# ABSENT when the folder holds no release.toml: keep the stamps just taken).
Read = tuple[Document | None, tuple[tuple[int, ...], tuple[int, ...]] | None]
ABSENT: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())


def read_folder(root: str, slug: str, names: dict[str, str], racy_after: int) -> Read:
    """One release folder, read as the list index reads it (stamps of what was read)."""
    directory = os.path.join(root, slug)
    try:
        toml_bytes, body_bytes, toml, body = read_files(directory)
    except FileNotFoundError:
        return None, ABSENT  # not (or no longer) a release
    except (Unsettled, OSError):
        return None, None  # mid-save, a link, unreadable: looked at again next time
    stamps: tuple[tuple[int, ...], tuple[int, ...]] | None = (toml, body or (-1, -1, -1, 0))
    if max(toml[1], body[1] if body else 0) >= racy_after:
        stamps = None  # too fresh to trust its stamp (index.stamps.RACY_NS)
    try:
        return document(slug, toml_bytes, body_bytes, names), stamps
    except (ValueError, UnicodeDecodeError):
        return None, stamps  # not valid TOML: `newsroom list` explains; nothing to index


__all__ = [
    "ABSENT",
    "BODY_FILE",
    "FIELDS",
    "RELEASE_FILE",
    "Document",
    "QuoteDoc",
    "document",
    "people_names",
    "read_folder",
]

"""Reading pasted text: refuse what is not a release, normalise, split into lines and blocks.

Nothing here knows about quotes or people; it only prepares clean lines
with their original line numbers so every later message can point at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..safety import strip_controls

# A press release is a few kilobytes; a book-length paste is a mistake.
MAX_BYTES = 1_000_000


class ImportRefused(Exception):
    """Input that cannot be imported at all (empty, binary, too large)."""


def decode_input(raw: bytes, source: str = "input", *, size: int | None = None) -> str:
    """The text of ``raw``, or ImportRefused with a message saying why not.

    ``size`` is the whole input's size when only its start was read.
    """
    if len(raw) > MAX_BYTES:
        how_big = f"{size / 1_000_000:.1f} MB" if size else f"more than {MAX_BYTES // 1000} kB"
        raise ImportRefused(
            f"{source}: {how_big} is too large for one press release "
            f"(the limit is {MAX_BYTES // 1000} kB); import one release at a time"
        )
    if b"\x00" in raw:
        offset = raw.index(b"\x00")
        raise ImportRefused(
            f"{source}: contains a NUL byte at byte {offset + 1}; this looks like a binary "
            "file (a word-processor document?) — save it as plain text first"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ImportRefused(
            f"{source}:{line}:{column}: not UTF-8 text (byte 0x{raw[error.start]:02x}); "
            "save the file as UTF-8 plain text"
        ) from None
    if not text.replace("\ufeff", "").strip():
        raise ImportRefused(f"{source}: is empty; there is nothing to import")
    return text


def normalise(text: str) -> tuple[str, list[str]]:
    """Unix line ends, no BOM, no control characters, no trailing spaces.

    Line numbers are preserved so messages can point at the original.
    Returns the text and notes about what was changed.
    """
    notes: list[str] = []
    if text.startswith("\ufeff"):
        text = text[1:]
        notes.append("removed a byte-order mark at the start")
    if "\r" in text:
        notes.append("converted Windows (CRLF) line ends")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n")
    cleaned = strip_controls(text)
    if cleaned != text:
        notes.append("removed control characters")
    text = cleaned.replace("\t", " ")
    for space in ("\u00a0", "\u202f", "\u2009", "\u2007"):
        text = text.replace(space, " ")
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return "\n".join(line.rstrip() for line in text.split("\n")), notes


@dataclass
class Line:
    number: int
    text: str


@dataclass
class Block:
    """Consecutive non-blank lines (or one solo line split out of them)."""

    lines: list[Line] = field(default_factory=list)

    @property
    def number(self) -> int:
        return self.lines[0].number

    @property
    def text(self) -> str:
        return " ".join(line.text.strip() for line in self.lines if line.text.strip())


# ---------------------------------------------------------------------------
# Patterns for lines that stand on their own


WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = {
    "january": 1,
    "jan": 1,
    "february": 2,
    "feb": 2,
    "march": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "may": 5,
    "june": 6,
    "jun": 6,
    "july": 7,
    "jul": 7,
    "august": 8,
    "aug": 8,
    "september": 9,
    "sept": 9,
    "sep": 9,
    "october": 10,
    "oct": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:mon|tues|tue|wednes|wed|thurs|thu|fri|satur|sat|sun)(?:day)?\.?"
_ORD = r"(?:st|nd|rd|th)?"
DATE = (
    rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:the\s+)?"
    rf"(?:(?P<d1>\d{{1,2}}){_ORD}(?:\s+of)?\s+(?P<m1>{_MONTH})|(?P<m2>{_MONTH})\s+(?P<d2>\d{{1,2}}){_ORD})"
    r"(?:,?\s+(?P<y>\d{4}))?"
)
DATE_RE = re.compile(DATE, re.IGNORECASE)
DATE_LINE_RE = re.compile(rf"^\s*(?:date\s*:\s*)?{DATE}\s*$", re.IGNORECASE)

MARKER_RE = re.compile(
    r"^\s*(?:(?:press|news|media)\s+release|for\s+immediate\s+release|immediate\s+release)"
    r"(?:\s*[-–—:|/]?\s*(?:for\s+)?immediate\s+release)?\s*[:.]?\s*$",
    re.IGNORECASE,
)
ENDS_RE = re.compile(r"^\s*(?:[-–—*\s]*ENDS?[-–—*\s]*|#{3}|-\s?30\s?-)\s*$", re.IGNORECASE)
# ENDS glued to the end of a paragraph (often a quote's last line).
TRAILING_ENDS_RE = re.compile(r"\s+(?:[-–—]*\s*ENDS\s*[-–—]*|#{3}|-30-)\s*$")
EMBARGO_RE = re.compile(
    r"^\s*(?:\*+\s*)?(?:strictly\s+|under\s+)?(?:embargo(?:ed)?\b|not\s+for\s+(?:publication|"
    r"release|broadcast)\s+(?:before|until|till))",
    re.IGNORECASE,
)
NOTES_HEADING_RE = re.compile(
    r"^\s*(?:notes?\s+(?:to|for)\s+(?:the\s+)?editors?|editors['’]?\s+notes?|"
    r"background(?:\s+information)?|further\s+notes)\s*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
CONTACT_HEADING_RE = re.compile(
    r"^\s*(?:(?:media|press)\s+(?:contacts?|enquiries|inquiries)|contacts?(?:\s+details)?|"
    r"for\s+(?:more|further)\s+(?:information|details)(?:,?\s+(?:please\s+)?contact)?|"
    r"for\s+(?:media|press)\s+enquiries(?:,?\s+(?:please\s+)?contact)?|"
    r"(?:media|press)\s+(?:contact|enquiries)\s+to)\s*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE,
)
ABOUT_HEADING_RE = re.compile(
    r"^\s*[Aa]bout\s+(?:us|the\s+[A-Z][^.:]{0,80}|[A-Z][^.:]{0,80})\s*:?\s*$"
)
IMPRINT_RE = re.compile(
    r"^\s*(?:(?:published|printed)\s+and\s+)?promoted\s+(?:and\s+\w+\s+)?by\s+.+",
    re.IGNORECASE,
)

# Web furniture: what a blog or website wraps around the release.
_FURNITURE = [
    (
        r"share\s+this(?:\s+(?:post|page|article|story))?(?:\s+on\s+social\s+media)?\s*:?",
        "share buttons",
    ),
    (r"sign\s+in\s+with\s+.*", "sign-in prompt"),
    (r"(?:no|\d+)\s+comments?\s*:?", "comments"),
    (r"post\s+a\s+comment", "comments"),
    (r"leave\s+a\s+(?:reply|comment)", "comments"),
    (r"comments\s+are\s+closed\.?", "comments"),
    (r"subscribe\s+to\s*:?.*", "subscribe link"),
    (r"newer\s+post.*|older\s+post.*", "blog navigation"),
    (r"(?:home|news)\s*(?:>|»|›|\|)\s*.+", "breadcrumbs"),
    (
        r"(?:(?:tweet|like|share|print|email|facebook|twitter|x|whatsapp|linkedin|bluesky)"
        r"\s*(?:[|·•,/]\s*)?)+",
        "share buttons",
    ),
    (r"posted\s+(?:by|on|in|at)\s+.{0,80}", "post details"),
    (r"(?:tags|labels|categories|filed\s+under)\s*:.*", "post details"),
    (
        r"(?:read\s+more|back\s+to\s+(?:news|top|all\s+news)|skip\s+to\s+(?:main\s+)?content)\s*.?",
        "navigation",
    ),
    (r"related\s+(?:posts|articles|news|stories)\s*:?", "navigation"),
    (r"like\s+this\s*:?|loading\.*", "share buttons"),
    (r"we\s+use\s+cookies\b.*", "cookie banner"),
    (r"email\s*this\s*blog\s*this.*", "share buttons"),
]
FURNITURE_RES = [(re.compile(rf"^\s*(?:{p})\s*$", re.IGNORECASE), why) for p, why in _FURNITURE]


def furniture(text: str) -> str | None:
    """Why this line is web furniture, or None when it is not."""
    for pattern, why in FURNITURE_RES:
        if pattern.match(text):
            return why
    return None


def is_solo(text: str) -> bool:
    """Lines that always stand alone, even when glued to a paragraph."""
    return bool(
        MARKER_RE.match(text)
        or ENDS_RE.match(text)
        or EMBARGO_RE.match(text)
        or NOTES_HEADING_RE.match(text)
        or (CONTACT_HEADING_RE.match(text) and len(text) < 120)
        or ABOUT_HEADING_RE.match(text)
        or IMPRINT_RE.match(text)
        or furniture(text)
    )


# One paragraph per line (a web paste) has lines far longer than a wrapped email.
_LONG_LINE = 100


def split_blocks(text: str) -> list[Block]:
    """Blocks of lines separated by blank lines; solo lines become blocks of their own."""
    raw_blocks: list[list[Line]] = []
    current: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if raw.strip():
            current.append(Line(number, raw.strip()))
        elif current:
            raw_blocks.append(current)
            current = []
    if current:
        raw_blocks.append(current)

    blocks: list[Block] = []
    for lines in raw_blocks:
        one_per_line = len(lines) > 1 and max(len(line.text) for line in lines) > _LONG_LINE
        pending: list[Line] = []
        for line in lines:
            ends = TRAILING_ENDS_RE.search(line.text)
            if ends and not ENDS_RE.match(line.text):
                # "…for the town.” ENDS": the marker becomes a line of its own.
                pending.append(Line(line.number, line.text[: ends.start()].rstrip()))
                blocks.append(Block(pending))
                blocks.append(Block([Line(line.number, ends.group(0).strip())]))
                pending = []
                continue
            if IMPRINT_RE.match(line.text) and not one_per_line:
                # An imprint opens a block; a wrapped one carries on below it.
                if pending:
                    blocks.append(Block(pending))
                pending = [line]
                continue
            if is_solo(line.text) or one_per_line or _starts_paragraph(line, pending):
                if pending:
                    blocks.append(Block(pending))
                pending = []
                if is_solo(line.text) or one_per_line:
                    blocks.append(Block([line]))
                    continue
            pending.append(line)
            if line.text.endswith(":") and len(pending) > 0 and _intro_like(line.text):
                blocks.append(Block(pending))
                pending = []
        if pending:
            blocks.append(Block(pending))
    return blocks


_OPENERS = "“\"‘'„«"


# A closing mark, then words naming who spoke, ending the line: '…,” said Dr Kendall.'
_MID_ATTRIBUTION = re.compile(
    r"[”\"’'],?\s+[^“”\"‘]{0,120}\b(?:said|says|added|adds|explained|continued|told)\b"
    r"[^“”\"‘]{0,120}[.,]$"
)


def _starts_paragraph(line: Line, pending: list[Line]) -> bool:
    """A line opening a quotation after a finished sentence starts a new paragraph."""
    if not pending:
        return False
    previous = pending[-1].text
    if _MID_ATTRIBUTION.search(previous):
        return False  # '“A,” said X.' wrapped before '“B.”': one paragraph
    return line.text[:1] in _OPENERS and previous[-1:] in '.!?”"’:'


def _intro_like(text: str) -> bool:
    return bool(re.search(r"\b(?:said|says|added|adds|stated|states|commented)\b[^:]*:$", text))

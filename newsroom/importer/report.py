"""What an import found: ``ImportResult`` and the account of it.

``ImportResult`` holds the release as it would be saved, the people it adds,
and an account of every line — what it became, what was set aside as
structure and what was dropped as web furniture. ``summary_lines`` is that
account as plain lines, shown by ``newsroom import`` and the TUI import screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Person, Release
from .assemble import Decision


@dataclass
class Dropped:
    line: int
    text: str
    why: str


@dataclass
class Structure:
    """Words set aside because a field now holds their meaning (ENDS, headings, labels)."""

    line: int
    text: str
    what: str


@dataclass
class QuoteReport:
    quote_id: str
    line: int
    speaker_id: str
    speaker_name: str
    role: str
    how: str  # "people.toml (by name)", "new person", ...
    paragraphs: int
    after: bool  # attributed after the words


@dataclass
class ImportResult:
    release: Release
    people: dict[str, Person]  # the directory with any new people added
    new_people: list[Person]
    quotes: list[QuoteReport]
    body: list[tuple[int, str]]  # prose left as plain body: (line, text)
    dropped: list[Dropped]
    structure: list[Structure]
    warnings: list[str]
    notes: list[str]  # what normalising changed (BOM, CRLF…)
    source: str  # the normalised input, line numbers as in the original
    sections: dict[int, int]  # line number → section its words went to
    defaults_used: list[str] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)  # every choice, line and confidence

    @property
    def recognised_anything(self) -> bool:
        release = self.release
        return bool(
            release.headline
            or self.quotes
            or release.dateline.is_set
            or release.embargo.is_set
            or release.notes_to_editors
            or self.structure
        )

    def summary_lines(self) -> list[str]:
        """What was recognised, as plain lines (never markup)."""
        return summary_lines(self)


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def summary_lines(result: ImportResult) -> list[str]:
    release = result.release
    out: list[str] = []
    add = out.append
    add(f"Headline:    {release.headline or '(none found)'}")
    add(f"Slug:        {release.slug}")
    if release.standfirst:
        add(f"Standfirst:  {_short(release.standfirst)}")
    if release.dateline.is_set:
        when = release.dateline.date.strftime("%-d %B %Y") if release.dateline.date else "no date"
        add(f"Dateline:    {release.dateline.place or '(no place)'}, {when}")
    else:
        add("Dateline:    (none found)")
    if release.embargo.until:
        local = release.embargo.until
        add(
            f"Embargo:     until {local:%H:%M} {local.tzname()}, {local:%A} {local.day} "
            f"{local:%B %Y} ({release.embargo.timezone})"
        )
    else:
        add("Embargo:     none (for immediate release)")
    add(f"Quotes:      {len(result.quotes)}")
    for report in result.quotes:
        speaker = report.speaker_name or "(speaker not named)"
        role = f", {report.role}" if report.role else ""
        paragraphs = "paragraph" if report.paragraphs == 1 else "paragraphs"
        add(
            f"  {report.quote_id} line {report.line}: {speaker}{role} — {report.paragraphs} "
            f"{paragraphs}; {report.how}"
        )
        quote = release.quote(report.quote_id)
        if quote is not None:
            if quote.intro:
                add(f"      intro: {quote.intro}")
            if quote.attribution:
                where = (
                    f"after paragraph {quote.attribution_after}, then the words carry on"
                    if quote.attribution_after
                    else "after the words"
                )
                add(f"      attribution ({where}): {quote.attribution}")
            add(f"      “{_short(quote.text, 60)}”")
    if result.new_people:
        add(f"New people:  {len(result.new_people)} (added to people.toml)")
        for person in result.new_people:
            role = f", {person.role}" if person.role else ""
            add(f"  {person.id}: {person.name}{role}")
    add(f"Notes to editors: {len(release.notes_to_editors)}")
    for number, note in enumerate(release.notes_to_editors, start=1):
        add(f"  {number}. {_short(note, 66)}")
    contact = release.contact
    source = " (library default)" if "contact" in result.defaults_used else ""
    if contact.is_set:
        parts = [p for p in (contact.name, contact.role, contact.phone, contact.email) if p]
        add(f"Contact:     {', '.join(parts)}{source}")
    else:
        add("Contact:     (none)")
    if release.about:
        source = " (library default)" if "about" in result.defaults_used else ""
        add(f"About:       {_short(release.about, 60)}{source}")
    if release.imprint:
        source = " (library default)" if "imprint" in result.defaults_used else ""
        add(f"Imprint:     {_short(release.imprint, 60)}{source}")
    count = len(result.body)
    add(f"Plain body:  {count} paragraph{'' if count == 1 else 's'}")
    for line, text in result.body:
        add(f"  line {line}: {_short(text, 62)}")
    if result.dropped:
        count = len(result.dropped)
        add(f"Dropped:     {count} line{'' if count == 1 else 's'}")
        for dropped in result.dropped:
            add(f"  line {dropped.line}: {_short(dropped.text, 50)} — {dropped.why}")
    if release.captions:
        add(f"Captions:    {len(release.captions)}")
        for caption in release.captions:
            credit = f" (credit: {caption.credit})" if caption.credit else ""
            add(f"  {caption.id}: {_short(caption.text, 60)}{credit}")
    if result.decisions:
        add(f"Decisions:   {len(result.decisions)}")
        for decision in result.decisions:
            where = f"line {decision.line}" if decision.line else "people"
            add(f"  {where}: {decision.what} — confidence {decision.confidence}")
    for note in result.notes:
        add(f"Note:        {note}")
    for warning in result.warnings:
        add(f"Warning:     {warning}")
    return out

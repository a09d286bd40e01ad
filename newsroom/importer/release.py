"""The import pipeline: normalise → split blocks → classify → extract quotes → match people.

``import_text`` runs it and returns an ``ImportResult``; ``build_result``
turns what ``parse.Parser`` found into the release as it would be saved.
"""

from __future__ import annotations

import re
from datetime import date

from ..model import Caption, Contact, Person, Release, Settings, reference_line, slugify
from .assemble import Decision, build_quote
from .captions import FoundCaption
from .parse import Parser
from .quotes import Prose
from .report import ImportResult, QuoteReport
from .text import normalise, split_blocks


def import_text(
    text: str,
    people: dict[str, Person] | None = None,
    *,
    today: date | None = None,
    settings: Settings | None = None,
    slug: str | None = None,
) -> ImportResult:
    """Parse pasted release text. Pure: reads and writes nothing."""
    today = today or date.today()
    clean, notes = normalise(text)
    parser = Parser(clean, split_blocks(clean), dict(people or {}), today)
    parser.run()
    return build_result(parser, notes, settings or Settings(), slug)


def build_result(
    parser: Parser, notes: list[str], settings: Settings, slug: str | None
) -> ImportResult:
    """The release and its account from what ``parser`` found (its warnings may grow)."""
    release = Release(slug="import", created=parser.today)
    release.headline = parser.headline
    release.standfirst = " ".join(parser.standfirst)
    release.dateline = parser.dateline
    release.embargo = parser.embargo
    body: list[str] = []
    plain: list[tuple[int, str]] = []
    reports: list[QuoteReport] = []
    last_speaker: tuple[str, str] | None = None
    decisions = list(parser.decisions)
    for item in parser.items:
        if isinstance(item, Prose):
            body.append(markdown_safe(item.text))
            plain.append((item.line, item.text))
            continue
        if isinstance(item, FoundCaption):
            caption_id = f"c{len(release.captions) + 1}"
            release.captions.append(Caption(id=caption_id, text=item.text, credit=item.credit))
            body.append(reference_line("caption", caption_id))
            credit = f", credit {item.credit!r}" if item.credit else ""
            decisions.append(
                Decision(
                    item.line,
                    f"{caption_id} caption: {item.text!r}{credit} ({item.why})",
                    item.confidence,
                )
            )
            continue
        quote_id = f"q{len(release.quotes) + 1}"  # ids are all ours: no search needed
        quote, how, taken = build_quote(item, quote_id, parser.speakers, last_speaker)
        decisions.extend(taken)
        release.quotes.append(quote)
        body.append(reference_line("quote", quote_id))
        person = parser.speakers.people.get(quote.speaker)
        reports.append(
            QuoteReport(
                quote_id=quote_id,
                line=item.line,
                speaker_id=quote.speaker,
                speaker_name=person.name if person else "",
                role=quote.role,
                how=how,
                paragraphs=len(item.paragraphs),
                after=bool(item.attribution),
            )
        )
        if quote.speaker:
            last_speaker = (quote.speaker, quote.role)
    decisions.sort(key=lambda d: d.line)
    release.body = "\n\n".join(body) + ("\n" if body else "")
    release.notes_to_editors = final_notes(parser.notes, parser.notes_numbers)
    defaults_used = []
    release.contact = parser.contact
    if not parser.contact.is_set and settings.default_contact.is_set:
        release.contact = Contact(
            **{k: getattr(settings.default_contact, k) for k in ("name", "role", "phone", "email")}
        )
        defaults_used.append("contact")
    release.about = "\n\n".join(parser.about)
    if not release.about and settings.default_about:
        release.about = settings.default_about
        defaults_used.append("about")
    release.imprint = " ".join(parser.imprint)
    if not release.imprint and settings.default_imprint:
        release.imprint = settings.default_imprint
        defaults_used.append("imprint")
    release.internal_notes = "\n".join(parser.internal)
    if not parser.headline:
        structure = (
            release.quotes
            or parser.dateline.is_set
            or parser.embargo.is_set
            or parser.notes
            or parser.contact.is_set
            or parser.imprint
            or parser.structure
        )
        parser.warnings.insert(
            0,
            "no headline found; add one before sending"
            if structure
            else "no headline or other structure recognised: all the text is kept as "
            "body; add a headline before sending",
        )
    day = parser.dateline.date or parser.today
    release.slug = slug or slugify(
        parser.headline or " ".join(parser.source.split()[:8]), prefix=day.isoformat()
    )
    return ImportResult(
        release=release,
        people=parser.speakers.people,
        new_people=list(parser.speakers.new),
        quotes=reports,
        body=plain,
        dropped=parser.dropped,
        structure=parser.structure,
        warnings=parser.warnings,
        notes=notes,
        source=parser.source,
        sections=parser.sections,
        defaults_used=defaults_used,
        decisions=decisions,
    )


def final_notes(notes: list[str], numbers: list[int | None]) -> list[str]:
    """Notes to editors, keeping the source's numbers when the export would not reproduce them."""
    if (
        numbers
        and any(n is not None for n in numbers)
        and numbers != list(range(1, len(numbers) + 1))
    ):
        # Numbering the export would not reproduce: keep the numbers in the text.
        return [
            f"{n}. {note}" if n is not None else note
            for n, note in zip(numbers, notes, strict=True)
        ]
    return list(notes)


def markdown_safe(text: str) -> str:
    """Prose that Markdown will print as written."""
    # Pasted text is not Markdown: escape what Markdown would act on.
    text = re.sub(r"([\\`*_\[\]<])", r"\\\1", text)
    text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
    # '2025. The council…' must not become a numbered list.
    # Also inside a quote block or bullet ('> 0) …'): a list numbered from 0 is
    # printed from 1 by the text export.
    text = re.sub(r"^((?:[ ]{0,3}(?:>|[-*+](?=\s))\s*)*)(\d{1,9})([.)])(?=\s|$)", r"\1\2\\\3", text)
    if text.startswith("{{"):
        text = "\\" + text
    return text

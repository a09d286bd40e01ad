"""The account of an import shown by ``newsroom import`` and the TUI import screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .parse import ImportResult


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

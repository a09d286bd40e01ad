"""Corrections made before an import is written: speaker, role, quote boundaries.

The TUI import screen keeps a list of ``Correction``s and applies them to
every fresh ``ImportResult`` (the text may still be changing); one that no
longer fits (its quote is gone) is skipped and reported. Every correction
keeps the written words: an introduction or attribution that named the old
speaker by placeholder is frozen as written first.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Quote, fill_intro, reference_line
from .assemble import HIGH, Decision
from .people import Speakers
from .release import markdown_safe
from .report import ImportResult, QuoteReport

SPEAKER, ROLE, MERGE, SPLIT, BODY = "speaker", "role", "merge", "split", "body"


@dataclass(frozen=True)
class Correction:
    kind: str  # speaker | role | merge (with the quote before) | split | body
    quote_id: str
    value: str = ""  # the speaker's name, the role, or the paragraph to split after


def apply_corrections(result: ImportResult, corrections: list[Correction]) -> list[str]:
    """Apply in order; returns a problem line for each correction that did not fit."""
    problems = []
    for correction in corrections:
        problem = apply_correction(result, correction)
        if problem:
            problems.append(problem)
        else:
            result.decisions.append(Decision(0, f"corrected by hand: {describe(correction)}", HIGH))
    return problems


def describe(correction: Correction) -> str:
    what = {
        SPEAKER: f"speaker of {correction.quote_id} is {correction.value}",
        ROLE: f"role in {correction.quote_id} is {correction.value!r}",
        MERGE: f"{correction.quote_id} joins the quote before",
        SPLIT: f"{correction.quote_id} splits after paragraph {correction.value}",
        BODY: f"{correction.quote_id} is body text",
    }
    return what.get(correction.kind, correction.kind)


def apply_correction(result: ImportResult, correction: Correction) -> str:
    release = result.release
    quote = release.quote(correction.quote_id)
    if quote is None:
        return f"{describe(correction)}: no quote {correction.quote_id} any more; skipped"
    if correction.kind == SPEAKER:
        name = " ".join(correction.value.split())
        if not name:
            return f"{describe(correction)}: a speaker needs a name"
        _freeze(result, quote)
        speakers = Speakers(result.people, new=result.new_people)
        quote.speaker, _ = speakers.resolve(name, quote.role)
    elif correction.kind == ROLE:
        _freeze(result, quote)
        quote.role = " ".join(correction.value.split())
        person = result.people.get(quote.speaker)
        if person is not None and person in result.new_people:
            person.role = quote.role
    elif correction.kind == MERGE:
        return _merge(result, quote)
    elif correction.kind == SPLIT:
        return _split(result, quote, correction)
    elif correction.kind == BODY:
        _to_body(result, quote)
    else:
        return f"unknown correction {correction.kind!r}"
    _refresh_report(result)
    return ""


def _freeze(result: ImportResult, quote: Quote) -> None:
    """Placeholders in the written words become the words they stood for."""
    person = result.people.get(quote.speaker)
    for field in ("intro", "attribution"):
        text = getattr(quote, field)
        if "{" in text:
            setattr(quote, field, fill_intro(text, person, quote.role, quote.speaker))


def _body_lines(result: ImportResult) -> list[str]:
    return result.release.body.split("\n")


def _merge(result: ImportResult, quote: Quote) -> str:
    release = result.release
    lines = _body_lines(result)
    ref = reference_line("quote", quote.id)
    at = lines.index(ref) if ref in lines else -1
    previous = [i for i in range(at) if lines[i].strip()]
    before = lines[previous[-1]] if previous else ""
    prior = next((q for q in release.quotes if reference_line("quote", q.id) == before), None)
    if at < 0 or prior is None:
        return f"{quote.id}: the paragraph before it is not a quote; nothing to join"
    if quote.intro or (prior.attribution and quote.attribution):
        return f"{quote.id} has its own introduction or attribution; it cannot join {prior.id}"
    if prior.attribution and not prior.attribution_after:
        prior.attribution_after = len(prior.paragraphs)
    prior.text = f"{prior.text}\n\n{quote.text}"
    if quote.attribution:
        _freeze(result, quote)
        prior.attribution, prior.attribution_after = quote.attribution, 0
    del lines[at]
    release.body = "\n".join(lines).replace("\n\n\n\n", "\n\n")
    release.quotes.remove(quote)
    _refresh_report(result)
    return ""


def _split(result: ImportResult, quote: Quote, correction: Correction) -> str:
    paragraphs = quote.text.split("\n\n")
    value = correction.value.strip()
    if not value.isdigit() or not 0 < int(value) < len(paragraphs):
        return f"{describe(correction)}: the quote has {len(paragraphs)} paragraphs"
    cut = int(value)
    release = result.release
    taken = {q.id for q in release.quotes}
    number = len(release.quotes) + 1
    while f"q{number}" in taken:
        number += 1
    new = Quote(
        id=f"q{number}", speaker=quote.speaker, role=quote.role, text="\n\n".join(paragraphs[cut:])
    )
    quote.text = "\n\n".join(paragraphs[:cut])
    if quote.attribution:
        after = quote.attribution_after or len(paragraphs)
        if after > cut:
            new.attribution = quote.attribution
            new.attribution_after = after - cut if after - cut < len(paragraphs) - cut else 0
            quote.attribution, quote.attribution_after = "", 0
        elif after == cut:
            quote.attribution_after = 0
    release.quotes.insert(release.quotes.index(quote) + 1, new)
    ref = reference_line("quote", quote.id)
    release.body = release.body.replace(ref, f"{ref}\n\n{reference_line('quote', new.id)}", 1)
    _refresh_report(result)
    return ""


def _to_body(result: ImportResult, quote: Quote) -> None:
    _freeze(result, quote)
    paragraphs = [f"“{p}”" for p in quote.text.split("\n\n")]
    if quote.attribution:
        after = quote.attribution_after or len(paragraphs)
        paragraphs[after - 1] += f" {quote.attribution}"
    if quote.intro:
        paragraphs.insert(0, quote.intro)
    prose = "\n\n".join(markdown_safe(p) for p in paragraphs)
    release = result.release
    release.body = release.body.replace(reference_line("quote", quote.id), prose, 1)
    release.quotes.remove(quote)
    _refresh_report(result)


def _refresh_report(result: ImportResult) -> None:
    """The per-quote lines of the report follow the corrected quotes."""
    old = {r.quote_id: r for r in result.quotes}
    reports = []
    for quote in result.release.quotes:
        person = result.people.get(quote.speaker)
        before = old.get(quote.id)
        reports.append(
            QuoteReport(
                quote_id=quote.id,
                line=before.line if before else 0,
                speaker_id=quote.speaker,
                speaker_name=person.name if person else "",
                role=quote.role,
                how=(
                    before.how
                    if before and before.speaker_id == quote.speaker
                    else "corrected by hand"
                ),
                paragraphs=len(quote.paragraphs),
                after=bool(quote.attribution),
            )
        )
    result.quotes[:] = reports
    # Someone the import added who no longer speaks is not added to people.toml.
    used = {q.speaker for q in result.release.quotes}
    for person in [p for p in result.new_people if p.id not in used]:
        result.new_people.remove(person)
        result.people.pop(person.id, None)

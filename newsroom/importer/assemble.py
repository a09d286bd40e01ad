"""Found quotations become ``Quote``s: speaker resolved, role chosen, written words kept.

Every choice is recorded as a ``Decision`` with its line and a confidence, so
the report can say what was decided and how sure the importer is.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Person, Quote
from .people import Speakers, name_tokens, split_honorifics
from .quotes import FoundQuote
from .roles import possessive_role

HIGH, MEDIUM, LOW = "high", "medium", "low"


@dataclass
class Decision:
    line: int
    what: str  # "q2 speaker: Sam Okoro (new person, named after the words)"
    confidence: str  # high, medium or low


def _speaker_confidence(how: str, written: str) -> str:
    if how.startswith("people.toml (by name)") or how == "new person":
        return HIGH if len(name_tokens(written)) >= 2 else MEDIUM
    if how.startswith("same person") and len(name_tokens(written)) >= 2:
        return HIGH
    return MEDIUM


def build_quote(
    item: FoundQuote,
    quote_id: str,
    speakers: Speakers,
    last_speaker: tuple[str, str] | None,
) -> tuple[Quote, str, list[Decision]]:
    """(the quote, how its speaker was found, the decisions taken)."""
    decisions: list[Decision] = []
    speaker_id, how, role = "", "no speaker named", item.role
    confidence = LOW
    organisation = ""
    possessive = possessive_role(role, item.before) if role else None
    if possessive:
        role, organisation = possessive
        where = f" of {organisation} (from the sentence before)" if organisation else ""
        decisions.append(
            Decision(
                item.line,
                f"{quote_id} role: {role}{where}, from {item.role!r}",
                MEDIUM if organisation else LOW,
            )
        )
    if item.same_as_previous and last_speaker:
        speaker_id, role = last_speaker
        how = "same speaker as the quote before"
        confidence = MEDIUM
    elif item.name:
        if item.parenthesised:
            organisation = item.role
        speaker_id, how = speakers.resolve(item.name, role, organisation)
        confidence = _speaker_confidence(how, item.name)
    elif item.role_ref:
        written = speakers.names.get(item.role_ref, item.role_ref)
        speaker_id, how = speakers.resolve(written, speakers.roles.get(item.role_ref, ""))
        how = f"by role ({speakers.roles.get(item.role_ref, '')!r}); {how}"
        confidence = MEDIUM
    person = speakers.people.get(speaker_id)
    if person is not None and how == "new person" and (person.honorific or person.post_nominals):
        decisions.append(
            Decision(
                item.line,
                f"{person.id}: name {person.name!r} kept apart from honorific "
                f"{person.honorific!r} and post-nominals {person.post_nominals!r}",
                HIGH,
            )
        )
    if person is not None:
        role_source = "as written with the quote" if role else ""
        if not role:
            role = person.role
            role_source = "from people.toml" if person not in speakers.new else "from earlier text"
        if organisation and not person.organisation and person in speakers.new:
            person.organisation = organisation
        if role and not possessive:
            decisions.append(
                Decision(
                    item.line,
                    f"{quote_id} role: {role} ({role_source})",
                    HIGH if role_source != "from earlier text" else MEDIUM,
                )
            )
        elif not role:
            decisions.append(Decision(item.line, f"{quote_id} role: none found", LOW))
    quote = Quote(id=quote_id, speaker=speaker_id, role=role, text="\n\n".join(item.paragraphs))
    quote.intro = placeholders(item.intro, item.name_span, item.role_span, person, role)
    quote.attribution = placeholders(
        item.attribution, item.attr_name_span, item.attr_role_span, person, role
    )
    quote.attribution_after = item.attribution_after
    name = person.name if person else "(nobody)"
    decisions.insert(0, Decision(item.line, f"{quote_id} speaker: {name} ({how})", confidence))
    if item.how:
        decisions.append(
            Decision(
                item.line,
                f"{quote_id} boundaries: {item.how}",
                MEDIUM if "same speaker" in item.how else HIGH,
            )
        )
    return quote, how, decisions


def placeholders(
    text: str,
    name_span: tuple[int, int] | None,
    role_span: tuple[int, int] | None,
    person: Person | None,
    role: str,
) -> str:
    """``text`` with {name}/{role} where they appeared, only where export restores the words."""
    if not text:
        return ""
    pieces: list[tuple[int, int, str]] = []
    if name_span and person is not None:
        start, end = name_span
        written = text[start:end]
        if name_tokens(written) == name_tokens(person.name):
            if _subsequence(written.lower().split(), person.name.lower().split()):
                pieces.append((start, end, "{name}"))
            else:
                # 'Dr Ann Lee' for Ann Lee (honorific "Dr"): the honorific stays as written.
                honorific, bare, _ = split_honorifics(written)
                at = written.find(bare) if bare else -1
                if bare.lower() == person.name.lower() and at >= 0:
                    pieces.append((start + at, start + at + len(bare), "{name}"))
    if role_span and text[slice(*role_span)] == role:
        pieces.append((*role_span, "{role}"))
    for start, end, placeholder in sorted(pieces, reverse=True):
        text = text[:start] + placeholder + text[end:]
    return text


def _subsequence(needle: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(word in it for word in needle)

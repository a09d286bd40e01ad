"""Roles in the common British press-release patterns, and references by role.

- an appositive after the name: ``Jo Bell, Treasurer of the Ashby Valley
  Greens, has welcomed…``;
- a role before the name: ``Parish councillor Ewa Nowak has asked…``,
  ``Branch secretary Tom Price says:``;
- a possessive role: ``Its director, Ravi Shah, said:`` → "Director", the
  organisation taken from the sentence before where one is named;
- later, ``the parish councillor said:`` is the person met with that role.

Only spans and strings here; people are matched in ``people``.
"""

from __future__ import annotations

import re

from .people import NOT_NAME_WORDS, TITLE, Speakers, looks_like_name, name_key

# Words that end a role phrase ("Parish councillor", "Branch secretary").
ROLE_WORDS = (
    "councillor|chair|chairman|chairwoman|chairperson|secretary|treasurer|president|leader|"
    "officer|spokesperson|spokesman|spokeswoman|director|manager|coordinator|co-ordinator|"
    "organiser|campaigner|founder|trustee|executive|head|mayor|candidate|convenor|"
    "representative|rep|steward|volunteer|governor|headteacher|teacher|minister|partner|"
    "member|vicar|rector|warden|clerk|caretaker|nurse|doctor|gp|midwife|librarian|"
    "curator|owner|landlord|landlady|editor|coach|captain|manager"
)
_NAME = rf"(?:{TITLE}\s+)?[A-Z][\w'’\-]+(?:\s+[A-Z][\w'’\-]+){{1,2}}"
# Verbs that follow an appositive role in a lead.
_LEAD_VERB = (
    r"(?:has|have|had|is|was|will|would|says|said|welcomed|welcomes|warned|warns|called|calls|"
    r"criticised|criticises|praised|praises|urged|urges|backed|backs|asked|asks|added|told|"
    r"wrote|writes|spoke|joined|led|launched|opened)"
)
_APPOSITIVE = re.compile(
    rf"(?<![\w'’])(?P<name>{_NAME}),\s+(?P<role>[^,.;:“”\"]{{3,100}}?),\s+{_LEAD_VERB}\b"
)
_BEFORE = re.compile(
    rf"(?:^|(?<=[.!?:;]\s)|(?<=,\s))(?P<role>[A-Z][\w'’\-]*(?:\s+[\w'’\-]+){{0,3}}?\s+"
    rf"(?:{ROLE_WORDS}))\s+(?P<name>{_NAME})(?=[\s,.:;]|$)"
)
_POSSESSIVE = re.compile(r"^(?:its|their|the\s+\w+'s|the\s+\w+’s)\s+(?P<role>.+)$", re.IGNORECASE)
# An organisation named in a sentence: capitalised words ending in an organisation word.
_ORG_WORDS = (
    "Trust|Group|Association|Council|Society|Union|Party|Club|Greens|Centre|Foundation|"
    "Company|Charity|Network|Alliance|Forum|Project|Partnership|Committee|Board|School|"
    "College|Library|Hub|Bank|Theatre|Museum|Church|Surgery|Practice|Friends|Ltd"
)
_ORG = re.compile(
    rf"(?:[Tt]he\s+)?(?:[A-Z][\w'’\-]*\s+){{0,5}}(?:{_ORG_WORDS})(?:\s+of(?:\s+the)?"
    rf"(?:\s+[A-Z][\w'’\-]*)+)?"
)


def _is_role(text: str) -> bool:
    words = re.findall(r"[\w'’-]+", text.lower())
    return bool(words) and any(w in NOT_NAME_WORDS or re.fullmatch(ROLE_WORDS, w) for w in words)


def prose_roles(text: str) -> list[tuple[str, str]]:
    """(name as written, role as written) pairs met in running prose."""
    found: list[tuple[str, str]] = []
    for match in _APPOSITIVE.finditer(text):
        name, role = match.group("name"), match.group("role").strip()
        if looks_like_name(name, set()) and _is_role(role) and len(role.split()) <= 12:
            found.append((name, role))
    for match in _BEFORE.finditer(text):
        name, role = match.group("name"), match.group("role").strip()
        if looks_like_name(name, set()) and not role.lower().startswith(("the ", "a ", "an ")):
            found.append((name, role))
    return found


def possessive_role(role: str, before: str) -> tuple[str, str] | None:
    """'Its director' with the text before it → ('Director', organisation or '')."""
    match = _POSSESSIVE.match(role.strip())
    if not match:
        return None
    bare = match.group("role").strip()
    organisation = ""
    sentences = re.split(r"(?<=[.!?])\s+", before.strip())
    for sentence in reversed(sentences[-2:]):
        orgs = [m.group(0).strip() for m in _ORG.finditer(sentence)]
        if orgs:
            organisation = orgs[-1]
            break
    return bare[:1].upper() + bare[1:], organisation


def role_reference(text: str, roles: dict[str, str]) -> str | None:
    """The name key of the one person whose role ``text`` refers to ('the parish councillor')."""
    lowered = " ".join(text.lower().split())
    hits: set[str] = set()
    for key, role in roles.items():
        role_l = " ".join(role.lower().split())
        head = role_l.split(" of ")[0].strip()
        last = head.split()[-1] if head else ""
        for candidate in {role_l, head, last}:
            pattern = rf"\b(?:the|our|its|their)\s+{re.escape(candidate)}\b"
            if candidate and re.search(pattern, lowered):
                hits.add(key)
    return next(iter(hits)) if len(hits) == 1 else None


__all__ = ["name_key", "possessive_role", "prose_roles", "role_reference"]


def learn_roles(speakers: Speakers, text: str) -> None:
    """Remember the roles named in prose ('Jo Bell, Treasurer of …') for ``speakers``."""
    for name, role in prose_roles(text):
        key = name_key(name)
        speakers.roles.setdefault(key, role)
        speakers.names.setdefault(key, name)

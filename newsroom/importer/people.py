"""Who said it: names and roles in introductions and attributions, matched to people.toml."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import ID_PATTERN, Person, slugify
from .text import WEEKDAYS

TITLES = {
    "cllr",
    "councillor",
    "dr",
    "doctor",
    "prof",
    "professor",
    "sir",
    "dame",
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "rev",
    "revd",
    "reverend",
    "lord",
    "lady",
    "baroness",
    "baron",
    "canon",
    "father",
    "rt",
    "hon",
    "the",
}
SUFFIXES = {"mp", "ms", "msp", "mla", "mep", "am", "obe", "mbe", "cbe", "kc", "qc", "jp"}

# Words that mark a phrase as a role or a lead-in, never as a person's name.
NOT_NAME_WORDS = set(WEEKDAYS) | {
    "chair",
    "chairman",
    "chairwoman",
    "chairperson",
    "vice",
    "deputy",
    "secretary",
    "treasurer",
    "president",
    "leader",
    "member",
    "members",
    "officer",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "director",
    "manager",
    "coordinator",
    "co-ordinator",
    "organiser",
    "campaigner",
    "campaigners",
    "founder",
    "trustee",
    "chief",
    "executive",
    "head",
    "mayor",
    "candidate",
    "convenor",
    "representative",
    "rep",
    "steward",
    "volunteer",
    "resident",
    "residents",
    "branch",
    "party",
    "association",
    "group",
    "union",
    "council",
    "committee",
    "society",
    "trust",
    "charity",
    "friends",
    "press",
    "media",
    "minister",
    "shadow",
    "governor",
    "headteacher",
    "teacher",
    "parent",
    "owner",
    "news",
    "statement",
    "meeting",
    "today",
    "yesterday",
    "commenting",
    "speaking",
    "responding",
    "also",
    "however",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "labour",
    "liberal",
    "conservative",
    "progressive",
    "progressives",
    "borough",
    "town",
    "city",
    "county",
    "street",
    "road",
    "centre",
    "school",
    "library",
    "lido",
    "campaign",
    "cabinet",
    "spokesperson's",
    "i",
    "we",
    "it",
    "this",
    "that",
    "in",
    "on",
    "at",
    "church",
    "chapel",
    "hospital",
    "station",
    "market",
    "estate",
    "university",
    "college",
    "club",
    "museum",
    "avenue",
    "academy",
    "company",
    "agency",
    "hub",
    "bookshop",
    "ltd",
}
PRONOUNS = {"he", "she", "they", "i", "we"}

# A title before a name (Cllr, Dr, The Revd…); roles.py matches names with it too.
TITLE = (
    r"(?:Cllr|Councillor|Dr|Doctor|Prof|Professor|Sir|Dame|Mr|Mrs|Ms|Miss|Mx|Rev|Revd|"
    r"Reverend|Lord|Lady|Baroness|Baron|Canon|Father|Rt\.?\s+Hon|The\s+Rev(?:d|erend)?)\.?"
)
_WORD = r"[A-Z][\w'’\-]*\.?"
_PARTICLE = r"(?:de|da|van|von|der|den|du|le|la|bin|al|ap)"
_SUFFIX = r"(?:MP|MS|MSP|MLA|MEP|OBE|MBE|CBE|KC|QC|JP)"
NAME_RE = re.compile(
    rf"(?:{TITLE}\s+)*{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD}){{0,3}}(?:,?\s+{_SUFFIX})?"
)


# Two or three capitalised words in running text: a candidate full name.
_PROSE_NAME = re.compile(
    rf"(?<![\w'’])(?:{TITLE}\s+)?[A-Z][a-z][\w'’\-]*(?:\s+[A-Z][a-z][\w'’\-]*){{1,2}}(?![\w'’])"
)


def name_tokens(name: str) -> list[str]:
    """Lower-case name words without titles or post-nominals: 'Cllr Jane Smith MP' → jane smith."""
    words = [w.strip(".").replace("’", "'") for w in re.findall(r"[\w'’.\-]+", name.lower())]
    words = [w for w in words if w]
    while words and words[0] in TITLES and len(words) > 1:
        words.pop(0)
    while words and words[-1] in SUFFIXES and len(words) > 1:
        words.pop()
    return words


_HONORIFIC_RE = re.compile(rf"^(?P<title>(?:{TITLE}\s+)+)", re.IGNORECASE)
_POST_RE = re.compile(rf"(?P<post>(?:,?\s+{_SUFFIX})+)$")


def split_honorifics(written: str) -> tuple[str, str, str]:
    """(honorific, name, post-nominals): 'Dr Ann Lee' → ('Dr', 'Ann Lee', '')."""
    written = " ".join(written.split())
    title = _HONORIFIC_RE.match(written)
    honorific = ""
    rest = written
    if title and len(written[title.end() :].split()) >= 1:
        honorific = title.group("title").strip()
        rest = written[title.end() :]
    post = _POST_RE.search(rest)
    post_nominals = ""
    if post and rest[: post.start()].strip():
        post_nominals = post.group("post").strip(" ,")
        rest = rest[: post.start()]
    if len(name_tokens(rest)) < 1 or (honorific and len(rest.split()) < 1):
        return "", written, ""
    return honorific, rest.strip(), post_nominals


def name_key(name: str) -> str:
    return " ".join(name_tokens(name))


def looks_like_name(text: str, known_parts: set[str]) -> bool:
    """Whether ``text`` (all of it) reads as a person's name."""
    text = text.strip()
    if not text or not NAME_RE.fullmatch(text):
        return False
    words = name_tokens(text)
    if not words or any(w in NOT_NAME_WORDS for w in words):
        return False
    if len(words) == 1:
        return words[0] in known_parts
    return True


def split_who(
    text: str, known_parts: set[str]
) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    """Spans (start, end) of the name and the role within ``text``, either may be None.

    Handles 'Name', 'Name, Role', 'Role, Name', 'Lead-in, Name, Role' and
    'Branch Vice Chair Name'.
    """
    parts: list[tuple[int, int]] = []
    start = 0
    for match in re.finditer(r",", text):
        parts.append((start, match.start()))
        start = match.end()
    parts.append((start, len(text)))
    # Trim spaces from each part's span.
    trimmed = []
    for a, b in parts:
        piece = text[a:b]
        left = len(piece) - len(piece.lstrip())
        right = len(piece.rstrip())
        if right > left:
            trimmed.append((a + left, a + right))
    parts = trimmed
    for index, (a, b) in enumerate(parts):
        if looks_like_name(text[a:b], known_parts):
            name = (a, b)
            after = parts[index + 1 :]
            role = _role_span(text, after)
            if role is None and index > 0 and index == len(parts) - 1:
                before = parts[index - 1]
                if _role_like(text[before[0] : before[1]]):
                    role = before
            return name, role
    # 'Branch Vice Chair Jane Doe': a name at the end of a part after role words.
    for index, (a, b) in enumerate(parts):
        piece = text[a:b]
        words = list(re.finditer(r"\S+", piece))
        for cut in range(1, len(words)):
            tail_start = a + words[cut].start()
            candidate = text[tail_start:b]
            if len(name_tokens(candidate)) >= 2 or candidate.lower() in known_parts:
                if looks_like_name(candidate, known_parts):
                    head = text[a:tail_start].rstrip()
                    role = None
                    if _role_like(head):
                        role = (a, a + len(head))
                    following = _role_span(text, parts[index + 1 :])
                    return (tail_start, b), following or role
    return None, None


def _role_like(text: str) -> bool:
    if re.search(r"[.!?](?:\s|$)", text):
        return False  # a sentence of prose, not a role
    words = re.findall(r"[\w'’-]+", text.lower())
    described = any(w in NOT_NAME_WORDS for w in words) or words[:1] in (["a"], ["an"], ["the"])
    return (
        bool(words)
        and described
        and words[0]
        not in {
            "commenting",
            "speaking",
            "responding",
            "adding",
            "and",
            "but",
            "as",
            "when",
        }
    )


def _role_span(text: str, parts: list[tuple[int, int]]) -> tuple[int, int] | None:
    if not parts:
        return None
    first = text[parts[0][0] : parts[0][1]].lower()
    if re.match(r"(?:who|which|when|where|as|speaking|commenting|responding|adding|and)\b", first):
        return None
    return parts[0][0], parts[-1][1]


@dataclass
class Speakers:
    """The people directory plus everyone met so far in this text."""

    people: dict[str, Person]
    new: list[Person] = field(default_factory=list)
    mentioned: list[str] = field(default_factory=list)  # ids, in order of first mention
    # Full names met in the prose ('…, Owen Pritchard, has written…'), by first
    # name and surname, so a later 'Owen said:' finds the whole name.
    aliases: dict[str, str] = field(default_factory=dict)
    # Roles met in the text by name key ('Jo Bell, Treasurer of …, has welcomed'),
    # and each name as first written.
    roles: dict[str, str] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)

    def learn_prose(self, text: str) -> None:
        for match in _PROSE_NAME.finditer(text):
            name = match.group(0)
            if not looks_like_name(name, set()):
                continue
            words = name_tokens(name)
            if len(words) < 2 or any(w.removesuffix("'s") in NOT_NAME_WORDS for w in words):
                continue
            for word in (words[0], words[-1]):
                self.aliases.setdefault(word, name)

    def known_parts(self) -> set[str]:
        """First names and surnames that may stand alone as a name."""
        parts: set[str] = set(self.aliases)
        for person in self.people.values():
            words = name_tokens(person.name)
            if words:
                parts.add(words[0])
                parts.add(words[-1])
        return parts

    def resolve(self, written: str, role: str, organisation: str = "") -> tuple[str, str]:
        """(person id, how it was found) for a name as written; adds unknown people."""
        written = " ".join(written.split())
        key = name_key(written)
        words = key.split()
        for person in self.people.values():
            if name_key(person.name) == key:
                return self._mention(person.id), self._how(person.id, "by name")
        if len(words) == 1:
            # 'Peter says:' — the Peter met earlier in this text, else a unique one.
            for person_id in self.mentioned:
                tokens = name_tokens(self.people[person_id].name)
                if tokens and words[0] in (tokens[0], tokens[-1]):
                    return self._mention(person_id), "same person as earlier in the text"
            found = [
                p.id
                for p in self.people.values()
                if (t := name_tokens(p.name)) and words[0] in (t[0], t[-1])
            ]
            if len(found) == 1:
                return self._mention(found[0]), self._how(found[0], "by first name or surname")
            full = self.aliases.get(words[0])
            if full and name_key(full) != key:
                person_id, how = self.resolve(full, role, organisation)
                return person_id, f"{how}; full name from earlier in the text"
        if len(words) == 1 and words[0] in {k.split()[-1] for k in self.names}:
            # 'Shah added:' — the Ravi Shah introduced in the prose.
            full = next(n for k, n in self.names.items() if k.split()[-1] == words[0])
            person_id, how = self.resolve(full, role or self.roles.get(name_key(full), ""))
            return person_id, f"{how}; surname of someone named earlier in the text"
        person_id = self._new_id(key or written)
        honorific, bare, post_nominals = split_honorifics(written)
        person = Person(
            id=person_id,
            name=bare,
            role=role or self.roles.get(key, ""),
            organisation=organisation,
            honorific=honorific,
            post_nominals=post_nominals,
        )
        self.people[person_id] = person
        self.new.append(person)
        return self._mention(person_id), "new person"

    def _how(self, person_id: str, how: str) -> str:
        if any(p.id == person_id for p in self.new):
            return "same person as earlier in the text"
        return f"people.toml ({how})"

    def _mention(self, person_id: str) -> str:
        if person_id not in self.mentioned:
            self.mentioned.append(person_id)
        return person_id

    def _new_id(self, name: str) -> str:
        base = slugify(name) or "speaker"
        if base == "release":
            base = "speaker"
        if not ID_PATTERN.match(base):
            base = "speaker"
        candidate, number = base, 2
        while candidate in self.people:
            candidate = f"{base}-{number}"
            number += 1
        return candidate

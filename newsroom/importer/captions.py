"""Photo captions: a short line standing alone that names someone, or ``Photo:``…

``Ashby Valley Greens Treasurer, Jo Bell`` (typical of a release copied from
a website), ``Pictured: volunteers at the hub (Sam Hill)``, and the text
export's own ``[Photo: … Picture: …]`` all become ``[[captions]]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .people import name_key, split_who
from .quotes import match_intro, opens_quote

_LABEL = r"(?:Photo(?:graph)?|Pictured|Picture|Above|Image|Left|Right|Top|Below)"
_CREDIT_LABEL = r"(?:Photo(?:graph)?|Picture|Image)?\s*(?:credit|by)?"
PREFIX_RE = re.compile(rf"^(?P<label>{_LABEL})\s*:\s*", re.IGNORECASE)
# A credit in brackets at the end: '(Sam Hill)', '(Photo: Sam Hill)', '[Credit: Sam Hill]'.
BRACKET_CREDIT_RE = re.compile(
    rf"\s*[(\[]\s*(?P<label>(?:{_CREDIT_LABEL}|Photo|Picture|Credit)\s*:\s*)?"
    r"(?P<credit>[^()\[\]]{2,80}?)\s*[)\]]\s*\.?$",
    re.IGNORECASE,
)
# A credit after a label: '… Picture: Sam Hill', '… Credit: Sam Hill'.
LABEL_CREDIT_RE = re.compile(
    r"(?:(?<=[.!?])|(?<=\s))\s*(?P<label>(?:Photo(?:graph)?|Picture|Image)?\s*(?:credit|by)\s*:"
    r"|(?:Photo|Picture|Credit)\s*:)\s*(?P<credit>[^:]{2,80})$",
    re.IGNORECASE,
)
LABEL_WORDS_RE = re.compile(
    rf"^\[?\s*{_LABEL}\s*:|^(?:Photo|Picture|Image)?\s*(?:credit|by)\s*:"
    r"|^(?:Photo|Picture|Credit)\s*:",
    re.IGNORECASE,
)


@dataclass
class FoundCaption:
    line: int
    text: str
    credit: str
    labels: list[str]  # label words set aside ('Pictured:', 'Credit:')
    confidence: str
    why: str
    name: str = ""  # a person named in the caption
    role: str = ""  # 'Org Role, Name': the role written before the name


def find_caption(text: str, line: int, single_line: bool, names: set[str]) -> FoundCaption | None:
    """A caption read from one body paragraph, or None. ``names`` are name keys in the release."""
    original = " ".join(text.split())
    body = original
    if body.startswith("[") and body.endswith("]"):
        body = body[1:-1].strip()
    prefix = PREFIX_RE.match(body)
    if prefix is None and not _short_naming_line(original, single_line, names):
        return None
    labels: list[str] = []
    if prefix:
        labels.append(prefix.group(0).strip())
        body = body[prefix.end() :]
    credit = ""
    match = LABEL_CREDIT_RE.search(body) or BRACKET_CREDIT_RE.search(body)
    if match and match.start() > 0:
        credit = match.group("credit").strip().rstrip(".")
        if match.group("label"):
            labels.append(match.group("label").strip())
        body = body[: match.start()].rstrip()
        if match.re is LABEL_CREDIT_RE and body.endswith("."):
            body = body[:-1]  # the export adds this full stop back before 'Picture:'
    if not body:
        return None
    found = FoundCaption(
        line=line,
        text=body,
        credit=credit,
        labels=labels,
        confidence="high" if prefix else "medium",
        why=f"starts with {prefix.group('label')!r}"
        if prefix
        else "a short line standing alone that names someone in the release",
    )
    name, role = split_who(body, {n.split()[-1] for n in names} | {n.split()[0] for n in names})
    if name:
        found.name = body[slice(*name)]
        if role and role[0] < name[0]:
            found.role = body[slice(*role)]
    return found


def _short_naming_line(text: str, single_line: bool, names: set[str]) -> bool:
    if not single_line or opens_quote(text) or match_intro(text) or text[:1] in "-–—•*(":
        return False
    words = text.split()
    if not 2 <= len(words) <= 14 or text[-1:] in ".!?:;”\"’'":
        return False
    # It names someone met elsewhere in the release.
    parts = {name_key(piece) for piece in re.split(r",|\bat\b|\band\b|\bwith\b|\(|\)", text)}
    key = name_key(text)
    return any(n in parts or (n and f" {n} " in f" {key} ") for n in names if " " in n)

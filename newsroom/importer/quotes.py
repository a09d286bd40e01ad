"""Quotations in body paragraphs: introduced, attributed after, British punctuation.

Works on a list of paragraphs and returns body items: prose or a found quote.
Names are only located here (as spans of the written text); matching them to
people happens afterwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .people import PRONOUNS, name_tokens, split_who

OPEN_DOUBLE = '“"„«'
CLOSE_DOUBLE = '”"»“'
OPEN_SINGLE = "‘'‚"
CLOSE_SINGLE = "’'‘"

_SAID = (
    r"(?:said|says|saying|added|adds|commented|comments|continued|continues|explained|"
    r"explains|stated|states|remarked|remarks|warned|warns|declared|declares|argued|argues|"
    r"concluded|concludes|responded|responds|replied|replies|insisted|insists|"
    r"told\s+[^:\"“”]{1,60}?)"
)
INTRO_RE = re.compile(
    rf"^(?P<intro>(?P<pre>[^“”\"‘]{{0,300}}?)\b{_SAID}(?:\s+that)?)\s*:\s*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_AFTER_VERB = re.compile(rf"^{_SAID}\s+(?P<who>[^“”\"‘]+?)[.!]?$", re.IGNORECASE | re.DOTALL)
_BEFORE_VERB = re.compile(rf"^(?P<who>[^“”\"‘]+?)\s+{_SAID}[.!]?$", re.IGNORECASE | re.DOTALL)
_PAREN = re.compile(r"^\((?P<who>[^()]{2,120})\)[.!]?$")
_DASH = re.compile(r"^[-–—]+\s*(?P<who>[^-–—].{1,150})$", re.DOTALL)


@dataclass
class Para:
    line: int
    text: str


@dataclass
class FoundQuote:
    line: int
    paragraphs: list[str]
    intro: str = ""  # as written, e.g. "Commenting on the news, Jane Smith, Chair of X, said:"
    name_span: tuple[int, int] | None = None  # where the name sits in the intro
    role_span: tuple[int, int] | None = None
    attribution: str = ""  # the words after the quote naming the speaker, as written
    attr_name_span: tuple[int, int] | None = None  # spans within ``attribution``
    attr_role_span: tuple[int, int] | None = None
    attribution_after: int = 0  # paragraphs before a mid-quote attribution; 0 = at the end
    same_as_previous: bool = False  # 'she added.'
    parenthesised: bool = False
    role_ref: str = ""  # 'the parish councillor said:': the role words as written
    before: str = ""  # the paragraph before, for 'Its director' → the organisation
    how: str = ""  # how the boundaries were decided, for the report

    @property
    def name(self) -> str:
        if self.name_span:
            return self.intro[slice(*self.name_span)]
        if self.attr_name_span:
            return self.attribution[slice(*self.attr_name_span)]
        return ""

    @property
    def role(self) -> str:
        if self.name_span:
            return self.intro[slice(*self.role_span)] if self.role_span else ""
        if self.attr_role_span:
            return self.attribution[slice(*self.attr_role_span)]
        return ""


@dataclass
class Prose:
    line: int
    text: str


@dataclass
class Extraction:
    items: list[Prose | FoundQuote] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Passages that read as quotations whose speaker could not be told: (line, why).
    unknown: list[tuple[int, str]] = field(default_factory=list)


def _family(char: str) -> tuple[str, str] | None:
    if char in OPEN_DOUBLE:
        return OPEN_DOUBLE, CLOSE_DOUBLE
    if char in OPEN_SINGLE:
        return OPEN_SINGLE, CLOSE_SINGLE
    return None


def opens_quote(text: str) -> bool:
    return bool(text) and _family(text[0]) is not None


def strip_open(text: str) -> str:
    if opens_quote(text):
        return text[1:].lstrip()
    return text


def _close_positions(text: str, closers: str, single: bool) -> list[int]:
    positions = []
    for index, char in enumerate(text):
        if char not in closers:
            continue
        if single:
            # ’ inside a word is an apostrophe; a closing mark follows punctuation or ends.
            before = text[index - 1] if index else ""
            after = text[index + 1] if index + 1 < len(text) else ""
            if after.isalnum():
                continue
            if before.isalnum() and after:
                continue
        positions.append(index)
    return positions


def split_close(text: str, single: bool) -> tuple[str, str, str]:
    """After the opening mark: (kind, inside, tail).

    kind is 'closed' (the mark ends the paragraph), 'attributed' (words naming
    the speaker follow), 'open' (no closing mark: the quote runs on) or
    'prose' (the marks enclose a title or phrase; not a quote paragraph).
    """
    closers = CLOSE_SINGLE if single else CLOSE_DOUBLE
    positions = _close_positions(text, closers, single)
    if not positions:
        return "open", text.strip(), ""
    first = positions[0]
    inside, tail = text[:first].strip(), text[first + 1 :].strip()
    if not tail.strip(" .,;"):
        return "closed", inside, tail
    if attribution_form(tail) or _continued_attribution(tail):
        return "attributed", inside, tail
    last = positions[-1]
    if not text[last + 1 :].strip(" .,;"):
        # Inner marks but the last mark closes the paragraph.
        return "closed", text[:last].strip(), text[last + 1 :].strip()
    return "prose", text, ""


def attribution_form(tail: str) -> re.Match[str] | None:
    tail = tail.strip().lstrip(",;").strip()
    for pattern in (_AFTER_VERB, _BEFORE_VERB, _PAREN, _DASH):
        match = pattern.match(tail)
        if match and len(match.group("who").split()) <= 14:
            return match
    return None


def _continued_attribution(tail: str) -> tuple[str, str] | None:
    """'said Cllr Jane Smith. “This is great news.”' → (attribution, rest)."""
    match = re.match(r"^(?P<attr>[^“\"‘]+?[.,])\s*(?P<more>[“\"‘].*)$", tail, re.DOTALL)
    if match and attribution_form(match.group("attr").rstrip(",")):
        return match.group("attr"), match.group("more")
    return None


def match_intro(text: str) -> re.Match[str] | None:
    if opens_quote(text):
        return None
    match = INTRO_RE.match(text)
    if not match or len(match.group("pre").split()) > 50:
        return None
    return match


class QuoteFinder:
    def __init__(
        self,
        paras: list[Para],
        known_parts: set[str],
        roles: dict[str, str],
        names: dict[str, str],
        stops: set[int] | None = None,
    ) -> None:
        self.paras = list(paras)
        self.stops = stops or set()  # lines (captions) no quotation runs into
        self.known = set(known_parts)
        # Name key → role and → the name as written, for 'the parish councillor said:'.
        self.roles = roles
        self.names = names
        self.out = Extraction()
        self.last_quote: FoundQuote | None = None

    def run(self) -> Extraction:
        index = 0
        while index < len(self.paras):
            index = self._step(index)
        return self.out

    # -- one paragraph at a time --------------------------------------------

    def _step(self, i: int) -> int:
        para = self.paras[i]
        intro = match_intro(para.text)
        if intro:
            consumed = self._introduced(i, intro)
            if consumed:
                return consumed
        if opens_quote(para.text):
            consumed = self._marked(i)
            if consumed:
                return consumed
        self._prose(para)
        return i + 1

    def _prose(self, para: Para) -> None:
        self.out.items.append(Prose(para.line, para.text))
        self.last_quote = None

    def _unknown(self, line: int, why: str) -> None:
        self.out.unknown.append((line, why))
        self.out.warnings.append(
            f"line {line}: cannot tell who said this ({why}); left as body text — "
            "set the speaker by hand if it is a quote"
        )

    def _who(self, quote: FoundQuote, text: str) -> None:
        # 'The Trust runs the cafe. Its director, Ravi Shah, said:' — the speaker
        # is named in the last sentence; the ones before are context.
        cut = 0
        for match in re.finditer(r"[.!?]\s+(?=[A-Z])", text):
            cut = match.end()
        if cut:
            quote.before = f"{quote.before} {text[:cut]}".strip()
        name, role = split_who(text[cut:], self.known)
        name = (name[0] + cut, name[1] + cut) if name else None
        role = (role[0] + cut, role[1] + cut) if role else None
        if role and text[slice(*role)].strip().isdigit():
            role = None  # 'Bethan Morgan, 19': an age, not a role
        quote.name_span, quote.role_span = name, role
        self._learn(text[slice(*name)] if name else "", text[slice(*role)] if role else "")
        if name is None:
            from .roles import role_reference

            quote.role_ref = role_reference(text, self.roles) or ""

    def _learn(self, name: str, role: str = "") -> None:
        """A full name met here lets a later 'Peter says:' or 'Lang said' be found."""
        words = name_tokens(name)
        if len(words) >= 2:
            self.known.update((words[0], words[-1]))
            if role and not role.strip().isdigit():
                self.roles.setdefault(" ".join(words), role)
                self.names.setdefault(" ".join(words), name)

    def _signs(self, quote: FoundQuote, signed: str) -> bool:
        """Whether a signature line names the speaker of the words above it."""
        other = FoundQuote(line=0, paragraphs=[])
        self._attribute(other, signed)
        return not quote.name or not other.name or _same_person(quote.name, other.name)

    def _named(self, quote: FoundQuote) -> bool:
        return bool(quote.name or quote.same_as_previous or quote.role_ref)

    def _introduced(self, i: int, intro: re.Match[str]) -> int | None:
        para = self.paras[i]
        quote = FoundQuote(line=para.line, paragraphs=[], intro=intro.group("intro").strip() + ":")
        quote.before = self.paras[i - 1].text if i else ""
        pre = intro.group("pre")
        self._who(quote, pre)
        rest = intro.group("rest").strip()
        pronoun = pre.strip().lower() in PRONOUNS
        if pronoun and self.last_quote is not None:
            quote.same_as_previous = True
        if not self._named(quote):
            if rest == "" or opens_quote(rest):
                self._unknown(para.line, f"no speaker named in {quote.intro!r}")
            return None
        following = self.paras[i + 1 :]
        if rest:
            following = [Para(para.line, rest), *following]
        if not following:
            return None
        if opens_quote(following[0].text):
            taken, attribution = self._take_marked(following)
            if taken == 0:
                return None
        else:
            taken = self._take_unmarked(following)
            attribution = None
            signed = following[taken].text if taken < len(following) else ""
            if _DASH.match(signed) and attribution_form(signed) and self._signs(quote, signed):
                # A statement signed at the foot: '- Jenny Park, Coordinator'.
                attribution = signed
                taken += 1
        paragraphs = [self._clean(p) for p in self._collected]
        quote.paragraphs = [p for p in paragraphs if p]
        if not quote.paragraphs:
            return None
        consumed = i + 1 + taken - (1 if rest else 0)
        second: FoundQuote | None = None
        if attribution is not None:
            other = FoundQuote(line=following[taken - 1].line, paragraphs=[])
            self._attribute(other, attribution)
            if other.name and quote.name and not _same_person(other.name, quote.name):
                # Someone else's words: a change of speaker starts a new quote.
                other.paragraphs = quote.paragraphs[-1:]
                other.how = "a different speaker named after the words: a new quote"
                quote.paragraphs = quote.paragraphs[:-1]
                second = other
            else:
                self._attribute(quote, attribution)
        if not quote.paragraphs:
            # The introduction names one person, the words another: the intro is prose.
            self._unknown(
                para.line,
                f"{quote.intro!r} is followed by words attributed to "
                f"{second.name if second else 'someone else'}",
            )
            self.out.items.append(Prose(para.line, para.text if not rest else quote.intro))
            quote = second  # type: ignore[assignment]
            second = None
        self.out.items.append(quote)
        self.last_quote = quote
        if second is not None:
            self.out.items.append(second)
            self.last_quote = second
        return self._continue(self.last_quote, consumed)

    def _marked(self, i: int) -> int | None:
        following = self.paras[i:]
        taken, attribution = self._take_marked(following)
        if taken == 0:
            return None
        quote = FoundQuote(line=self.paras[i].line, paragraphs=[])
        quote.before = self.paras[i - 1].text if i else ""
        quote.paragraphs = [p for p in (self._clean(t) for t in self._collected) if p]
        if not quote.paragraphs:
            return None
        consumed = i + taken
        if attribution is None and consumed < len(self.paras):
            nxt = self.paras[consumed].text
            if (_DASH.match(nxt) or _PAREN.match(nxt)) and attribution_form(nxt):
                attribution = nxt
                consumed += 1
        if attribution is not None:
            self._attribute(quote, attribution)
            if not self._named(quote):
                self._unknown(
                    quote.line,
                    f"the words after the quotation, {attribution.strip()!r}, name nobody",
                )
                self._more = None
                return None
        elif self.last_quote is not None:
            # Quoted words right after a quote, with nothing between: the same voice.
            quote.same_as_previous = True
            quote.how = "follows the quote before with nothing between: same speaker"
        else:
            self._unknown(quote.line, "quoted words with no introduction or attribution")
            self._more = None
            return None
        self.out.items.append(quote)
        self.last_quote = quote
        return self._continue(quote, consumed)

    def _continue(self, quote: FoundQuote, consumed: int) -> int:
        """'“A,” said X. “B.”': B carries on X's quote unless it names its own speaker."""
        more, self._more = self._more, None
        if more is None:
            return consumed
        saved = len(self.out.warnings)
        following = [more, *self.paras[consumed:]]
        taken, attribution = self._take_marked(following)
        paragraphs = [p for p in (self._clean(t) for t in self._collected) if p]
        if taken and attribution is None and paragraphs and quote.attribution:
            quote.attribution_after = len(quote.paragraphs)
            quote.paragraphs.extend(paragraphs)
            quote.how = quote.how or "attributed between its sentences"
            self._more = None
            return consumed + taken - 1
        del self.out.warnings[saved:]
        self._more = None
        self.paras.insert(consumed, more)
        return consumed

    def _attribute(self, quote: FoundQuote, attribution: str) -> None:
        text = attribution.strip().lstrip(",;").strip()
        if text[:1] == "-":
            text = "–" + text[1:]  # a dash, never a Markdown list item
        match = attribution_form(text)
        quote.attribution = text
        if not match:
            return
        who = match.group("who")
        offset = text.find(who)
        if who.strip().lower() in PRONOUNS and self.last_quote is not None:
            quote.same_as_previous = True
            return
        quote.parenthesised = match.re is _PAREN
        name, role = split_who(who, self.known)
        if role and who[slice(*role)].strip().isdigit():
            role = None  # an age, not a role
        self._learn(who[slice(*name)] if name else "", who[slice(*role)] if role else "")
        if name:
            quote.attr_name_span = (offset + name[0], offset + name[1])
        else:
            from .roles import role_reference

            quote.role_ref = role_reference(who, self.roles) or ""
        if role:
            quote.attr_role_span = (offset + role[0], offset + role[1])

    # -- collecting paragraphs -------------------------------------------------

    _collected: list[str]
    _more: Para | None = None

    def _take_marked(self, paras: list[Para]) -> tuple[int, str | None]:
        """Paragraphs of a marked quotation: how many were used, and any attribution."""
        self._collected = []
        self._more = None
        first = paras[0].text
        family = _family(first[0])
        assert family is not None
        single = family[0] == OPEN_SINGLE
        index = 0
        current = strip_open(first)
        while True:
            kind, inside, tail = split_close(current, single)
            if kind == "prose":
                if index == 0:
                    return 0, None
                self._collected.append(current)
                return index + 1, None
            if kind == "open":
                self._collected.append(inside)
                index += 1
                if index >= len(paras) or match_intro(paras[index].text):
                    self.out.warnings.append(
                        f"line {paras[0].line}: a quotation opens but never closes; "
                        "it was taken to run to here"
                    )
                    return index, None
                current = strip_open(paras[index].text)
                continue
            self._collected.append(inside)
            index += 1
            if kind == "attributed":
                continued = _continued_attribution(tail)
                if continued:
                    attribution, more = continued
                    self._more = Para(paras[index - 1].line, more)
                    return index, attribution
                return index, tail
            # Closed: each paragraph closed, the next may open again.
            if index < len(paras) and opens_quote(paras[index].text):
                nxt = paras[index].text
                nkind, _, _ = split_close(
                    strip_open(nxt), _family(nxt[0]) == (OPEN_SINGLE, CLOSE_SINGLE)
                )
                after = paras[index + 1].text if index + 1 < len(paras) else ""
                # '“…”' then '- Name, Role': that paragraph is someone's own quote.
                attributed_alone = bool(
                    nkind == "closed"
                    and (_DASH.match(after) or _PAREN.match(after))
                    and attribution_form(after)
                )
                if nkind in {"closed", "open"} and not attributed_alone:
                    current = strip_open(nxt)
                    continue
            return index, None

    def _take_unmarked(self, paras: list[Para]) -> int:
        """No marks after 'said:': the quote runs to the next intro, mark or attribution."""
        self._collected = []
        for index, para in enumerate(paras):
            text = para.text
            if index > 0 and (
                opens_quote(text)
                or match_intro(text)
                or _DASH.match(text)
                or _PAREN.match(text)
                or para.line in self.stops
            ):
                return index
            self._collected.append(text)
        return len(paras)

    @staticmethod
    def _clean(text: str) -> str:
        # Stray spaces inside the marks: '“ We are delighted . ”'
        text = " ".join(text.split())
        return re.sub(r"\s+([.,!?;:])$", r"\1", text)


def _same_person(a: str, b: str) -> bool:
    """'Jenny' and 'Jenny Park', 'Dr Kendall' and 'Ruth Kendall': one may be part of the other."""
    one, two = set(name_tokens(a)), set(name_tokens(b))
    return bool(one and two) and (one <= two or two <= one)


def find_quotes(
    paras: list[Para],
    known_parts: set[str],
    roles: dict[str, str] | None = None,
    names: dict[str, str] | None = None,
    stops: set[int] | None = None,
) -> Extraction:
    """Quotes and prose; ``roles`` and ``names`` (by name key) grow with what is met."""
    return QuoteFinder(
        paras,
        known_parts,
        roles if roles is not None else {},
        names if names is not None else {},
        stops,
    ).run()

"""Classify pasted text: blocks → head, body, notes, contact, about, imprint; then quotes.

``Parser`` walks the blocks of normalised text once (head, body, tail), then
finds the dateline, captions and quotations in the body. What it found is
turned into a release by ``release.build_result``; ``release.import_text``
runs the whole pipeline.
"""

from __future__ import annotations

import re
from datetime import date

from ..model import Contact, Dateline, Embargo, Person
from .assemble import LOW, Decision
from .captions import FoundCaption, find_caption
from .contact import LABEL_RE, contact_like, parse_contact
from .dates import LONDON, find_date, find_dateline, parse_embargo
from .people import Speakers, name_key
from .quotes import FoundQuote, Para, Prose, find_quotes, match_intro, opens_quote
from .report import Dropped, Structure
from .roles import learn_roles
from .text import (
    ABOUT_HEADING_RE,
    CONTACT_HEADING_RE,
    DATE_LINE_RE,
    DATE_RE,
    EMBARGO_RE,
    ENDS_RE,
    IMPRINT_RE,
    MARKER_RE,
    NOTES_HEADING_RE,
    Block,
    Line,
    furniture,
)

# Sections in the order the text export prints them.
HEAD, BODY, NOTES, CONTACT, ABOUT, IMPRINT = range(6)
SECTION_NAMES = ["head", "body", "notes to editors", "contact", "about", "imprint"]


class Parser:
    """What pasted text holds, found by ``run()`` and kept in its attributes.

    ``release.build_result`` reads them; nothing here builds the release.
    """

    def __init__(
        self, source: str, blocks: list[Block], people: dict[str, Person], today: date
    ) -> None:
        self.source = source
        self.blocks = blocks
        self.today = today
        self.speakers = Speakers(people)
        self.i = 0
        self.headline = ""
        self.standfirst: list[str] = []
        self.dateline = Dateline()
        self.embargo = Embargo()
        self.embargo_text = ""
        self.head_date: date | None = None
        self.body_paras: list[Para] = []
        self.notes: list[str] = []
        self.notes_numbers: list[int | None] = []
        self.contact = Contact()
        self.about: list[str] = []
        self.imprint: list[str] = []
        self.dropped: list[Dropped] = []
        self.structure: list[Structure] = []
        self.warnings: list[str] = []
        self.sections: dict[int, int] = {}
        self.internal: list[str] = []
        self.items: list[Prose | FoundQuote | FoundCaption] = []
        self.single_lines: set[int] = set()  # body paragraphs that were one line
        self.decisions: list[Decision] = []

    # -- bookkeeping ------------------------------------------------------------

    def _drop(self, block: Block, why: str) -> None:
        for line in block.lines:
            self.dropped.append(Dropped(line.number, line.text, why))

    def _structure(self, block: Block, what: str) -> None:
        for line in block.lines:
            self.structure.append(Structure(line.number, line.text, what))

    def _section(self, block: Block, section: int) -> None:
        for line in block.lines:
            self.sections.setdefault(line.number, section)

    def _peek(self, offset: int = 0) -> Block | None:
        index = self.i + offset
        return self.blocks[index] if index < len(self.blocks) else None

    # -- the pipeline ---------------------------------------------------------------

    def run(self) -> None:
        self._head()
        self._body()
        self._tail()
        self._quotes()

    def _head_line(self, block: Block) -> bool:
        """Handle markers, embargo, date lines and furniture above the lead."""
        text = block.text
        why = furniture(text) if len(block.lines) == 1 else None
        if why:
            self._drop(block, f"web furniture ({why})")
        elif MARKER_RE.match(text):
            self._structure(block, "release marker")
        elif len(block.lines) == 1 and EMBARGO_RE.match(text):
            self._embargo(block)
        elif len(block.lines) == 1 and DATE_LINE_RE.match(text):
            day, has_year, _ = find_date(text, self.today.year)
            self.head_date = day
            self._structure(block, "date")
        else:
            return False
        return True

    def _head(self) -> None:
        # Anything above a PRESS RELEASE line is page furniture or letterhead.
        marker_at = next(
            (n for n, b in enumerate(self.blocks[:10]) if MARKER_RE.match(b.text)), None
        )
        if marker_at:
            for above in self.blocks[:marker_at]:
                if not self._head_line(above):
                    self._drop(above, "above the release marker (letterhead or page header)")
            self.i = marker_at
        while (block := self._peek()) is not None and self._head_line(block):
            self.i += 1
        block = self._peek()
        if block is None:
            return
        first = block.lines[0].text
        if (
            len(first.split()) <= 30
            and not opens_quote(first)
            and not ENDS_RE.match(first)
            and not match_intro(first)
            and not find_dateline(first)[1]
            and not is_heading(first)
            and (len(self.blocks) > self.i + 1 or len(block.lines) > 1)
        ):
            taken = 1
            # A headline wrapped over two lines continues in lower case.
            while taken < len(block.lines) and block.lines[taken].text[:1].islower():
                taken += 1
            self.headline = " ".join(line.text for line in block.lines[:taken])
            for line in block.lines[:taken]:
                self.sections[line.number] = HEAD
            if taken < len(block.lines):
                self.blocks[self.i] = Block(block.lines[taken:])
            else:
                self.i += 1
        else:
            return
        while (block := self._peek()) is not None and self._head_line(block):
            self.i += 1
        self._standfirst()

    def _standfirst(self) -> None:
        candidate, after = self._peek(), self._peek(1)
        if candidate is None or after is None:
            return
        text = candidate.text
        if (
            opens_quote(text)
            or match_intro(text)
            or is_heading(text)
            or find_dateline(text)[1]
            or len(text.split()) > 60
        ):
            return
        lead_has_dateline = find_dateline(after.text)[1] is not None
        subhead = len(text.split()) <= 40 and text[-1:] not in '.!?"”’'
        if lead_has_dateline or subhead:
            self.standfirst.append(text)
            self._section(candidate, HEAD)
            self.i += 1

    def _embargo(self, block: Block) -> None:
        text = block.text
        until, problem = parse_embargo(text, (self.head_date or self.today).year)
        if until is None:
            self.warnings.append(
                f"line {block.number}: embargo not understood ({problem}): {text!r}; it is kept "
                "in the internal notes — set the embargo by hand before sending"
            )
            self.internal.append(f"Imported embargo line, not understood: {text}")
        else:
            if problem:
                self.warnings.append(f"line {block.number}: {problem}")
            self.embargo = Embargo(until=until, timezone=LONDON)
            self.embargo_text = text
        self._structure(block, "embargo")

    def _body(self) -> None:
        while (block := self._peek()) is not None:
            text = block.text
            if len(block.lines) == 1 and ENDS_RE.match(text):
                self._structure(block, "ENDS")
                self.i += 1
                return
            if is_heading(text) and len(block.lines) == 1:
                return
            if len(block.lines) == 1 and (why := furniture(text)):
                self._drop(block, f"web furniture ({why})")
            elif len(block.lines) == 1 and EMBARGO_RE.match(text) and not self.embargo.is_set:
                self._embargo(block)
            elif IMPRINT_RE.match(text):
                self._imprint(block)
            else:
                self.body_paras.append(Para(block.number, text))
                if len(block.lines) == 1:
                    self.single_lines.add(block.number)
                self._section(block, BODY)
            self.i += 1

    def _imprint(self, block: Block) -> None:
        self.imprint.append(block.text)
        self._section(block, IMPRINT)

    def _tail(self) -> None:
        state = NOTES
        numbered = False
        while (block := self._peek()) is not None:
            self.i += 1
            text = block.text
            single = len(block.lines) == 1
            if single and (why := furniture(text)):
                self._drop(block, f"web furniture ({why})")
                continue
            if single and ENDS_RE.match(text):
                self._structure(block, "ENDS")
                continue
            if IMPRINT_RE.match(text):
                self._imprint(block)
                continue
            heading = NOTES_HEADING_RE.match(text) if single else None
            if heading:
                state = NOTES
                rest = heading.group("rest")
                self._heading(block, rest, "notes to editors heading")
                if rest:
                    numbered = self._add_notes(Block([tail_line(block, rest)]), numbered)
                continue
            heading = CONTACT_HEADING_RE.match(text) if single else None
            if heading:
                rest = heading.group("rest")
                self._heading(block, rest, "contact heading")
                blocks = [Block([tail_line(block, rest)])] if rest else []
                nxt = self._peek()
                if not rest and nxt is not None and contact_like(nxt):
                    blocks.append(nxt)
                    self.i += 1
                self._contact(blocks)
                continue
            if single and ABOUT_HEADING_RE.match(text):
                state = ABOUT
                self._structure(block, "about heading")
                continue
            if state == ABOUT:
                self.about.append(text)
                self._section(block, ABOUT)
            elif contact_like(block) and not self.contact.is_set:
                self._contact([block])
            else:
                numbered = self._add_notes(block, numbered)

    def _heading(self, block: Block, rest: str | None, what: str) -> None:
        line = block.lines[0]
        head = line.text[: len(line.text) - len(rest)] if rest else line.text
        self.structure.append(Structure(line.number, head.strip(), what))

    def _add_notes(self, block: Block, numbered: bool) -> bool:
        items: list[tuple[int | None, list[str]]] = []
        for line in block.lines:
            self.sections.setdefault(line.number, NOTES)
            marker = re.match(r"^\s*(?:(\d{1,2})[.)]|[-•*–])\s+(.*)$", line.text)
            if marker:
                number = int(marker.group(1)) if marker.group(1) else None
                items.append((number, [marker.group(2)]))
            elif items:
                items[-1][1].append(line.text)
            else:
                items.append((None, [line.text]))
        for number, lines in items:
            text = " ".join(lines)
            if number is None and numbered and self.notes and items[0][0] is None:
                # An unnumbered paragraph after numbered notes belongs to the last note.
                self.notes[-1] += "\n\n" + text
                continue
            if number is not None:
                numbered = True
            self.notes.append(text)
            self.notes_numbers.append(number)
        return numbered

    def _contact(self, blocks: list[Block]) -> None:
        lines = [line for block in blocks for line in block.lines]
        contact, problem = parse_contact([line.text for line in lines])
        if problem or self.contact.is_set:
            self.warnings.append(
                f"line {lines[0].number if lines else '?'}: contact details not understood "
                f"({problem or 'a second contact block'}); kept as a note to editors"
            )
            for block in blocks:
                self._add_notes(block, False)
            return
        self.contact = contact
        for line in lines:
            self.sections.setdefault(line.number, CONTACT)
            for part in re.split(r",\s*|\s+/\s+", line.text):
                label = LABEL_RE.match(part.strip())
                if label:
                    self.structure.append(
                        Structure(line.number, label.group(0).strip(), "contact label")
                    )

    # -- the body: dateline and quotes ---------------------------------------------

    def _quotes(self) -> None:
        paras = self.body_paras
        for index, para in enumerate(paras[:3]):
            if opens_quote(para.text) or match_intro(para.text):
                continue
            place, match = find_dateline(para.text)
            if match is None:
                break
            day = None
            if "date" in match.re.groupindex and match.group("date"):
                default_year = (
                    self.embargo.until.year
                    if self.embargo.until
                    else self.head_date.year
                    if self.head_date
                    else None
                )
                day, has_year, _ = find_date(match.group("date"), default_year)
                if day is None and not has_year:
                    year, why = self._likely_year()
                    day, _, _ = find_date(match.group("date"), year)
                    if day is not None:
                        self.warnings.append(
                            f"line {para.line}: the dateline has no year; assumed {day.year} "
                            f"({why})"
                        )
            self.dateline = Dateline(place=place, date=day or self.head_date)
            self.structure.append(Structure(para.line, match.group(0).strip(), "dateline"))
            paras[index] = Para(para.line, para.text[match.end() :])
            break
        if not self.dateline.is_set and self.head_date:
            self.dateline = Dateline(date=self.head_date)
        for para in paras:
            self.speakers.learn_prose(para.text)
            learn_roles(self.speakers, para.text)
        captions = self._captions(paras)
        extraction = find_quotes(
            paras,
            self.speakers.known_parts(),
            self.speakers.roles,
            self.speakers.names,
            set(captions),
        )
        self.items = [
            captions[item.line]
            if isinstance(item, Prose)
            and item.line in captions
            and item.text == paras_text(paras, item.line)
            else item
            for item in extraction.items
        ]
        self.warnings.extend(extraction.warnings)
        for line, why in extraction.unknown:
            self.decisions.append(
                Decision(line, f"left as body text: cannot tell who said it ({why})", LOW)
            )

    def _captions(self, paras: list[Para]) -> dict[int, FoundCaption]:
        speakers = self.speakers
        names = set(speakers.names) | {name_key(n) for n in speakers.aliases.values()}
        names |= {name_key(p.name) for p in speakers.people.values()}
        found: dict[int, FoundCaption] = {}
        for para in paras:
            caption = find_caption(para.text, para.line, para.line in self.single_lines, names)
            if caption is None:
                continue
            found[para.line] = caption
            for label in caption.labels:
                self.structure.append(Structure(para.line, label, "caption label"))
            if caption.name and caption.role:
                # 'Ashby Valley Greens Treasurer, Jo Bell': a role for Jo Bell.
                key = name_key(caption.name)
                speakers.roles.setdefault(key, caption.role)
                speakers.names.setdefault(key, caption.name)
        return found

    def _likely_year(self) -> tuple[int, str]:
        """The year of the first full date elsewhere in the text, else this year."""
        for match in DATE_RE.finditer(self.source):
            if match.group("y"):
                return int(match.group("y")), "the year of another date in the text"
        return self.today.year, "this year"


def paras_text(paras: list[Para], line: int) -> str:
    return next((p.text for p in paras if p.line == line), "")


def tail_line(block: Block, rest: str) -> Line:
    """The words after a heading on its own line ('Contact: Jane Smith')."""
    return Line(block.lines[0].number, rest.strip())


def is_heading(text: str) -> bool:
    return bool(
        NOTES_HEADING_RE.match(text)
        or (CONTACT_HEADING_RE.match(text) and len(text) < 120)
        or ABOUT_HEADING_RE.match(text)
    )

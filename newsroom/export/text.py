"""Plain text: the email a news desk receives.

Wrapped at a fixed width with no word or URL split, British quotation
(every paragraph of a quote opens, only the last closes), ``ENDS``, numbered
notes to editors, contact, boilerplate and imprint last.
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..safety import strip_controls
from .document import CaptionBlock, Document, PictureBlock, Prose, QuoteBlock

DRAFT_MARK = "DRAFT – NOT APPROVED"


@dataclass(frozen=True)
class TextOptions:
    width: int = 72
    ascii: bool = False
    crlf: bool = False
    # Pictures the email could not carry (over its size limit): file names.
    left_out: tuple[str, ...] = ()


# Typographic punctuation and its plain ASCII stand-in.
_ASCII_PUNCTUATION = {
    "‘": "'",
    "’": "'",
    "‚": "'",
    "‛": "'",
    "′": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "‟": '"',
    "″": '"',
    "«": '"',
    "»": '"',
    "‹": "'",
    "›": "'",
    "–": "-",
    "—": "--",
    "‐": "-",
    "‑": "-",
    "‒": "-",
    "―": "--",
    "−": "-",
    "…": "...",
    "•": "*",
    "·": ".",
    "×": "x",
    "÷": "/",
    "\u00a0": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u2002": " ",
    "\u2003": " ",
    "\u200b": "",
    "\u200c": "",
    "\u200d": "",
    "\ufeff": "",
    "£": "GBP\x00",
    "€": "EUR\x00",
    "©": "(c)",
    "®": "(R)",
    "™": "(TM)",
    "°": " degrees",
    "½": "1/2",
    "¼": "1/4",
    "¾": "3/4",
    "ß": "ss",
    "æ": "ae",
    "Æ": "AE",
    "ø": "o",
    "Ø": "O",
    "œ": "oe",
    "Œ": "OE",
    "ł": "l",
    "Ł": "L",
    "đ": "d",
    "Đ": "D",
    "þ": "th",
    "Þ": "Th",
}


# Stands for a space the wrapper must not break at ("GBP 310,000" stays on
# one line). Safe as a marker: clean() removes every real NUL first.
_GLUE = "\x00"


def to_ascii(text: str, *, glue: bool = False) -> str:
    """Plain ASCII: punctuation replaced, accents dropped, anything else as '?'.

    With ``glue`` the space after a currency code is left as ``_GLUE`` for
    the wrapper to turn back into a space once lines are broken.
    """
    # Newspaper style for temperatures: 20C, not "20 degreesC".
    text = text.replace("°C", "C").replace("°F", "F")
    text = "".join(_ASCII_PUNCTUATION.get(char, char) for char in text)
    decomposed = unicodedata.normalize("NFKD", text)
    out = []
    for char in decomposed:
        if ord(char) < 128:
            out.append(char)
        elif unicodedata.combining(char):
            continue
        else:
            out.append("?")
    result = "".join(out)
    return result if glue else result.replace(_GLUE, " ")


# ---------------------------------------------------------------------------
# Markdown to plain paragraphs


@dataclass
class _Para:
    text: str
    indent: str = ""
    hanging: str = ""  # indent of lines after the first
    keep_lines: bool = False  # code: do not wrap
    tight: bool = False  # an item of a tight list: no blank line before it
    heading: bool = False  # a heading: the dateline never opens one
    new_list: bool = False  # the first item of a top-level list: never joins what came before


# linkify: a bare URL is read as a link, so underscores or asterisks inside
# it are never taken for emphasis and dropped ("example.org/_next_/").
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable("linkify")


def _quick_pretest(linkify: Any) -> Callable[[str], bool] | None:  # linkify-it is untyped
    """linkify-it's ``pretest``, the same answer ~10× faster on prose.

    Its pattern is ``(schema)|(host)|@``; the schema part (a huge Unicode
    class tried at every position) took a third of ``export --all``. A schema
    (``http:``, ``//``, ``mailto:``…) always has a ``:`` or ``//``, so that part
    is tried only on text with one. None if linkify-it changed its pattern.
    """
    schema, host = linkify.re.get("schema_test"), linkify.re.get("host_fuzzy_test")
    if not schema or not host or linkify.re.get("pretest") != f"({schema})|({host})|@":
        return None
    schema_search = re.compile(schema, re.IGNORECASE).search
    host_search = re.compile(host, re.IGNORECASE).search

    def pretest(text: str) -> bool:
        return (
            "@" in text
            or host_search(text) is not None
            or ((":" in text or "//" in text) and schema_search(text) is not None)
        )

    return pretest


if _MARKDOWN.linkify is not None and (_pretest := _quick_pretest(_MARKDOWN.linkify)) is not None:
    _MARKDOWN.linkify.pretest = _pretest


def _inline_text(token: Token) -> str:
    out: list[str] = []
    links: list[str] = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            out.append(child.content)
        elif kind == "softbreak":
            out.append(" ")
        elif kind == "hardbreak":
            out.append("\n")
        elif kind == "code_inline":
            out.append(child.content)
        elif kind == "link_open":
            # A bare or <angle> URL prints as written: no "(url)" after it.
            written = child.markup in {"linkify", "autolink"}
            links.append("" if written else str(child.attrs.get("href", "")))
            out.append("\x00LINK\x00")
        elif kind == "link_close":
            href = links.pop() if links else ""
            start = max(i for i, piece in enumerate(out) if piece == "\x00LINK\x00")
            label = "".join(out[start + 1 :])
            del out[start:]
            bare = href.removeprefix("mailto:")
            if not href or label.strip() in {href, bare}:
                out.append(label)
            else:
                out.append(f"{label} ({bare})")
        elif kind == "image":
            alt = child.content or "".join(c.content for c in child.children or [])
            out.append(alt)
        elif kind in {"html_inline"}:
            out.append(child.content)
        # em/strong/s open and close: markers dropped.
    # Entities such as &#12; decode to control characters: drop them too.
    return strip_controls("".join(out))


def markdown_paragraphs(markdown: str) -> list[_Para]:
    """Body Markdown as plain paragraphs, each with its list indent."""
    paragraphs: list[_Para] = []
    # A stack of the open lists' next numbers (None for a bullet list), and the
    # indent that lines up under each open item's text.
    lists: list[int | None] = []
    items: list[str] = []
    pending_marker: str | None = None
    quote_depth = 0
    tight = False
    heading = False
    new_list = False  # the next item opens a new top-level list
    for token in _MARKDOWN.parse(markdown):
        kind = token.type
        if kind == "paragraph_open":
            tight = token.hidden
        elif kind == "heading_open":
            heading = True
        elif kind == "heading_close":
            heading = False
        elif kind == "bullet_list_open":
            new_list = new_list or not lists
            lists.append(None)
        elif kind == "ordered_list_open":
            new_list = new_list or not lists
            lists.append(int(token.attrs.get("start", 1) or 1))
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            lists.pop()
        elif kind == "list_item_open":
            number = lists[-1]
            if number is None:
                pending_marker = "- "
            else:
                pending_marker = f"{number}. "
                lists[-1] = number + 1
            items.append((items[-1] if items else "") + " " * len(pending_marker))
        elif kind == "list_item_close":
            items.pop()
            pending_marker = None
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "inline":
            text = _inline_text(token)
            prefix = "> " * quote_depth
            if pending_marker is not None:
                indent = prefix + items[-1][: -len(pending_marker)] + pending_marker
                hanging = prefix + items[-1]
                pending_marker = None
            elif items:
                indent = hanging = prefix + items[-1]
            else:
                indent = hanging = prefix
            # Two lists in a row stay apart; items of one list sit together.
            paragraphs.append(
                _Para(
                    text,
                    indent,
                    hanging,
                    tight=tight and bool(lists),
                    heading=heading,
                    new_list=new_list,
                )
            )
            tight = False
            new_list = False
        elif kind in {"fence", "code_block"}:
            code = strip_controls(token.content.rstrip("\n")).expandtabs(4)
            paragraphs.append(_Para(code, "    ", "    ", keep_lines=True))
        elif kind == "hr":
            paragraphs.append(_Para("* * *"))
        elif kind == "html_block":
            paragraphs.append(_Para(strip_controls(token.content.strip())))
    return paragraphs


# ---------------------------------------------------------------------------
# Rendering


_SPACE_RUN = re.compile(r"[ \t\x0b\x0c\r]+")
# Any whitespace but a plain space: NBSP, em space… (textwrap drops a chunk
# made only of them at a line's end, so such text takes textwrap's own path).
_OTHER_SPACE = re.compile(r"[^\S ]")


def _fill(text: str, width: int, first: str, rest: str) -> list[str]:
    """``TextWrapper(width, initial_indent=first, subsequent_indent=rest,
    break_long_words=False, break_on_hyphens=False).wrap(text)``, line by line
    with ``str.rfind`` instead of word by word.

    Only for text of words joined by single plain spaces, with no space first
    or last (``_Writer.wrap`` checks): then textwrap's greedy fill takes, on
    each line, the longest run of whole words that fits the room left by the
    indent, or one word alone when even that does not fit. Wrapping was a
    third of ``export --all``; tests/test_export_all_parallel.py checks this against
    textwrap itself.
    """
    lines: list[str] = []
    indent = first
    pos, end = 0, len(text)
    while pos < end:
        room = width - len(indent)
        if end - pos <= room:
            lines.append(indent + text[pos:])
            break
        # The last space with the words before it in the room; the space
        # itself may sit just past the room (textwrap drops it there).
        cut = text.rfind(" ", pos, pos + room + 1) if room > 0 else -1
        if cut <= pos:
            cut = text.find(" ", pos)  # a word longer than the room: alone
            if cut < 0:
                lines.append(indent + text[pos:])
                break
        lines.append(indent + text[pos:cut])
        pos = cut + 1
        indent = rest
    return lines


class _Writer:
    def __init__(self, options: TextOptions) -> None:
        self.options = options
        self.blocks: list[list[str]] = []
        # Consecutive list items sit together without a blank line between.
        self._tight = False

    def _prepare(self, text: str) -> str:
        return to_ascii(text, glue=True) if self.options.ascii else text

    def wrap(self, text: str, indent: str = "", hanging: str | None = None) -> list[str]:
        hanging = indent if hanging is None else hanging
        width = self.options.width
        lines: list[str] = []
        for piece in self._prepare(text).split("\n"):
            # Printable text has no whitespace but plain spaces (a cheap test
            # that spares most paragraphs the regular expressions).
            printable = piece.isprintable()
            if not printable or "  " in piece:
                # Runs of typed spaces read as a gap in an email; NBSP is kept.
                piece = _SPACE_RUN.sub(" ", piece)
            first = indent if not lines else hanging
            if (
                width > 0
                and not piece.startswith(" ")
                and (printable or not _OTHER_SPACE.search(piece))
            ):
                wrapped = _fill(piece.rstrip(" "), width, first, hanging)
            else:
                wrapped = textwrap.TextWrapper(
                    width=width,
                    initial_indent=first,
                    subsequent_indent=hanging,
                    break_long_words=False,
                    break_on_hyphens=False,
                    expand_tabs=True,
                    replace_whitespace=True,
                ).wrap(piece)
            lines.extend(wrapped or [indent.rstrip()])
        return [line.replace(_GLUE, " ").rstrip() for line in lines]

    def paragraph(
        self, text: str, indent: str = "", hanging: str | None = None, *, tight: bool = False
    ) -> None:
        if not text.strip():
            return
        lines = self.wrap(text, indent, hanging)
        if not any(line.strip() for line in lines):
            return  # blank once printed (--ascii can turn a lone mark into a space)
        if tight and self._tight and self.blocks:
            self.blocks[-1].extend(lines)
        else:
            self.blocks.append(lines)
        self._tight = tight

    def lines(self, lines: list[str]) -> None:
        lines = [self._prepare(line).replace(_GLUE, " ").rstrip() for line in lines]
        lines = [line for line in lines if line.strip()]
        if lines:
            self.blocks.append(lines)

    def render(self) -> str:
        text = "\n\n".join("\n".join(block) for block in self.blocks if block) + "\n"
        if self.options.crlf:
            text = text.replace("\n", "\r\n")
        return text


def open_mark(options: TextOptions) -> str:
    return '"' if options.ascii else "“"


def close_mark(options: TextOptions) -> str:
    return '"' if options.ascii else "”"


# Marks a volunteer may have typed round a quote already: opening -> closing.
_TYPED_MARKS = {"“": "”", '"': '"', "‘": "’", "'": "'", "„": "“", "«": "»"}


def _without_typed_marks(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """The paragraphs without quotation marks typed round the whole quote, so the
    export's own marks are not doubled. Only a pair counts (the first paragraph
    opens with a mark, the last closes with its partner): a lone trailing ’ may
    be an apostrophe ("the members’")."""
    if not paragraphs or not paragraphs[0] or paragraphs[0][0] not in _TYPED_MARKS:
        return paragraphs
    opening = paragraphs[0][0]
    closing = _TYPED_MARKS[opening]
    if len(paragraphs[-1]) < 2 or not paragraphs[-1].endswith(closing):
        return paragraphs
    out = []
    for index, paragraph in enumerate(paragraphs):
        opened = paragraph.startswith(opening)
        if opened:
            paragraph = paragraph[1:]
        # The last paragraph closes the quote; an earlier one only if it was
        # typed as a quote of its own (opened and closed).
        if paragraph.endswith(closing) and (index == len(paragraphs) - 1 or opened):
            paragraph = paragraph[:-1]
        out.append(paragraph)
    return tuple(out) if all(out) else paragraphs


def quote_paragraphs(
    paragraphs: tuple[str, ...], options: TextOptions, attribution: str = "", after: int = 0
) -> list[str]:
    """British style: every paragraph opens with a mark, only the last closes.

    An attribution follows the closing mark of paragraph ``after`` (0: the
    last) and the next paragraph carries on in the same printed paragraph:
    ``“A,” said X. “B.”``. One opening with a dash is a line of its own.
    """
    paragraphs = _without_typed_marks(paragraphs)
    if not paragraphs:
        return [attribution] if attribution else []
    count = len(paragraphs)
    after = after if 0 < after < count else count
    own_line = attribution[:1] in {"-", "–", "—"}
    if own_line:
        after = count
    out: list[str] = []
    join = False
    for index, paragraph in enumerate(paragraphs, start=1):
        closes = index == count or (attribution and index == after)
        text = f"{open_mark(options)}{paragraph}{close_mark(options) if closes else ''}"
        if attribution and index == after and not own_line:
            text = f"{text} {attribution}"
        if join:
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
        join = bool(attribution) and index == after and index < count
    if attribution and own_line:
        out.append(attribution)
    return out


def caption_line(block: CaptionBlock) -> str:
    text = block.text or "untitled"
    if block.credit:
        stop = "" if text[-1] in ".!?" else "."
        text = f"{text}{stop} Picture: {block.credit}"
    return f"[Photo: {text}]"


def picture_line(block: PictureBlock) -> str:
    """'[Photo: CAPTION (CREDIT)]' where the picture is placed."""
    text = block.caption or block.alt or "untitled"
    if block.credit:
        text = f"{text} ({block.credit})"
    return f"[Photo: {text}]"


def attachment_name(block: PictureBlock) -> str:
    """The file name a picture's web rendition is sent and published under."""
    return f"{block.picture_id}-web.jpg"


def pictures_note(document: Document, left_out: tuple[str, ...] = ()) -> str:
    """'2 pictures attached: a-web.jpg, b-web.jpg.' and what an email had to leave out."""
    names = [attachment_name(p) for p in document.pictures]
    sent = [n for n in names if n not in left_out]
    parts = []
    if sent:
        plural = "picture" if len(sent) == 1 else "pictures"
        parts.append(f"{len(sent)} {plural} attached: {', '.join(sent)}.")
    if left_out:
        parts.append(
            f"Left out to keep this email under 5 MB: {', '.join(left_out)}; "
            "ask the media contact for them."
        )
    return " ".join(parts)


def render_text(document: Document, options: TextOptions | None = None) -> str:
    options = options or TextOptions()
    out = _Writer(options)
    dash = "-" if options.ascii else "–"
    if document.draft:
        out.lines([DRAFT_MARK])
    # The release line is wrapped like every other (--width is a promise);
    # at any width from 52 up it stays whole on one line.
    if document.embargo:
        out.paragraph(f"EMBARGOED UNTIL {document.embargo.describe()}")
    else:
        out.paragraph("FOR IMMEDIATE RELEASE")
    out.paragraph(document.headline)
    out.paragraph(document.standfirst)

    dateline = document.dateline
    lead_done = not dateline
    for block in document.blocks:
        if isinstance(block, Prose):
            for para in markdown_paragraphs(block.markdown):
                text = para.text
                if not lead_done and not (para.indent or para.heading or para.keep_lines):
                    text = f"{dateline} {dash} {text}"
                    lead_done = True
                if para.keep_lines:
                    # Kept as written (often an accidental four-space indent),
                    # but a line over the width is still wrapped.
                    code: list[str] = []
                    for line in text.split("\n"):
                        # Measured as printed: --ascii can lengthen a line (° -> degrees).
                        if len(para.indent + out._prepare(line)) <= options.width:
                            code.append(para.indent + line)
                        else:
                            code.extend(out.wrap(line.strip(), para.indent))
                    out.lines(code)
                else:
                    if para.new_list:
                        out._tight = False
                    out.paragraph(text, para.indent, para.hanging, tight=para.tight)
        elif isinstance(block, QuoteBlock):
            if block.intro:
                out.paragraph(block.intro)
            for paragraph in quote_paragraphs(
                block.paragraphs, options, block.attribution, block.attribution_after
            ):
                out.paragraph(paragraph)
        elif isinstance(block, CaptionBlock):
            out.paragraph(caption_line(block))
        elif isinstance(block, PictureBlock):
            out.paragraph(picture_line(block))
    if not lead_done:
        # A dateline with no prose to open: it still belongs in the release.
        out.paragraph(f"{dateline} {dash}")

    out.lines(["ENDS"])
    if document.pictures:
        out.paragraph(pictures_note(document, options.left_out))
    if document.notes_to_editors:
        out.lines(["Notes to editors"])
        for number, note in enumerate(document.notes_to_editors, start=1):
            marker = f"{number}. "
            note_paragraphs = [p for p in note.split("\n\n") if p.strip()]
            for index, note_paragraph in enumerate(note_paragraphs):
                joined = " ".join(note_paragraph.split())
                if index == 0:
                    out.paragraph(joined, marker, " " * len(marker))
                else:
                    out.paragraph(joined, " " * len(marker))
    if document.has_contact:
        contact = ["Media contact"]
        who = ", ".join(part for part in (document.contact_name, document.contact_role) if part)
        contact.append(who)
        if document.contact_phone:
            contact.append(f"Phone: {document.contact_phone}")
        if document.contact_email:
            contact.append(f"Email: {document.contact_email}")
        out.blocks.append(
            [line for entry in contact if entry for line in out.wrap(entry) if line.strip()]
        )
    if document.about:
        heading = f"About {document.organisation}" if document.organisation else "About us"
        out.paragraph(heading)
        for paragraph in document.about.split("\n\n"):
            out.paragraph(" ".join(paragraph.split()))
    if document.imprint:
        out.paragraph(document.imprint)
    if document.draft:
        out.lines([DRAFT_MARK])
    return out.render()

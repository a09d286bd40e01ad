"""Plain text: the email a news desk receives.

Wrapped at a fixed width with no word or URL split, British quotation
(every paragraph of a quote opens, only the last closes), ``ENDS``, numbered
notes to editors, contact, boilerplate and imprint last.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import CaptionBlock, Document, Prose, QuoteBlock

DRAFT_MARK = "DRAFT – NOT APPROVED"


@dataclass(frozen=True)
class TextOptions:
    width: int = 72
    ascii: bool = False
    crlf: bool = False


# Typographic punctuation and its plain ASCII stand-in.
_ASCII_PUNCTUATION = {
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
    "‹": "'", "›": "'",
    "–": "-", "—": "--", "‐": "-", "‑": "-", "‒": "-", "―": "--", "−": "-",
    "…": "...", "•": "*", "·": ".", "×": "x", "÷": "/",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\u200b": "", "\u200c": "", "\u200d": "", "\ufeff": "",
    "£": "GBP ", "€": "EUR ", "©": "(c)", "®": "(R)", "™": "(TM)", "°": " degrees",
    "½": "1/2", "¼": "1/4", "¾": "3/4", "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O",
    "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th",
}


def to_ascii(text: str) -> str:
    """Plain ASCII: punctuation replaced, accents dropped, anything else as '?'."""
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
    return "".join(out)


# ---------------------------------------------------------------------------
# Markdown to plain paragraphs


@dataclass
class _Para:
    text: str
    indent: str = ""
    hanging: str = ""  # indent of lines after the first
    keep_lines: bool = False  # code: do not wrap
    tight: bool = False  # an item of a tight list: no blank line before it


_MARKDOWN = MarkdownIt("commonmark", {"html": False})


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
            links.append(str(child.attrs.get("href", "")))
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
    return "".join(out)


def markdown_paragraphs(markdown: str) -> list[_Para]:
    """Body Markdown as plain paragraphs, each with its list indent."""
    paragraphs: list[_Para] = []
    # A stack of [kind, next number] for nested lists.
    lists: list[list] = []
    pending_marker: str | None = None
    quote_depth = 0
    tight = False
    for token in _MARKDOWN.parse(markdown):
        kind = token.type
        if kind == "paragraph_open":
            tight = token.hidden
        elif kind == "bullet_list_open":
            lists.append(["bullet", 0])
        elif kind == "ordered_list_open":
            lists.append(["ordered", int(token.attrs.get("start", 1) or 1)])
        elif kind in {"bullet_list_close", "ordered_list_close"}:
            lists.pop()
        elif kind == "list_item_open":
            current = lists[-1]
            if current[0] == "bullet":
                pending_marker = "- "
            else:
                pending_marker = f"{current[1]}. "
                current[1] += 1
        elif kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind == "inline":
            text = _inline_text(token)
            base = "  " * max(len(lists) - 1, 0) + "> " * quote_depth
            if pending_marker is not None:
                indent = base + pending_marker
                hanging = base + " " * len(pending_marker)
                pending_marker = None
            elif lists:
                indent = hanging = base + "  "
            else:
                indent = hanging = base
            paragraphs.append(_Para(text, indent, hanging, tight=tight and bool(lists)))
            tight = False
        elif kind in {"fence", "code_block"}:
            paragraphs.append(_Para(token.content.rstrip("\n"), "    ", "    ", keep_lines=True))
        elif kind == "hr":
            paragraphs.append(_Para("* * *"))
        elif kind == "html_block":
            paragraphs.append(_Para(token.content.strip()))
    return paragraphs


# ---------------------------------------------------------------------------
# Rendering


class _Writer:
    def __init__(self, options: TextOptions) -> None:
        self.options = options
        self.blocks: list[list[str]] = []
        # Consecutive list items sit together without a blank line between.
        self._tight = False

    def _prepare(self, text: str) -> str:
        return to_ascii(text) if self.options.ascii else text

    def wrap(self, text: str, indent: str = "", hanging: str | None = None) -> list[str]:
        hanging = indent if hanging is None else hanging
        lines: list[str] = []
        for piece in self._prepare(text).split("\n"):
            wrapper = textwrap.TextWrapper(
                width=self.options.width,
                initial_indent=indent if not lines else hanging,
                subsequent_indent=hanging,
                break_long_words=False,
                break_on_hyphens=False,
                expand_tabs=True,
                replace_whitespace=True,
            )
            lines.extend(wrapper.wrap(piece) or [indent.rstrip()])
        return [line.rstrip() for line in lines]

    def paragraph(
        self, text: str, indent: str = "", hanging: str | None = None, *, tight: bool = False
    ) -> None:
        if not text.strip():
            return
        lines = self.wrap(text, indent, hanging)
        if tight and self._tight and self.blocks:
            self.blocks[-1].extend(lines)
        else:
            self.blocks.append(lines)
        self._tight = tight

    def lines(self, lines: list[str]) -> None:
        lines = [self._prepare(line).rstrip() for line in lines if line.strip()]
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


def quote_paragraphs(paragraphs: tuple[str, ...], options: TextOptions) -> list[str]:
    """British style: every paragraph opens with a mark, only the last closes."""
    out = []
    for index, paragraph in enumerate(paragraphs):
        closing = close_mark(options) if index == len(paragraphs) - 1 else ""
        out.append(f"{open_mark(options)}{paragraph}{closing}")
    return out


def caption_line(block: CaptionBlock) -> str:
    text = block.text or "untitled"
    if block.credit:
        stop = "" if text[-1] in ".!?" else "."
        text = f"{text}{stop} Picture: {block.credit}"
    return f"[Photo: {text}]"


def render_text(document: Document, options: TextOptions | None = None) -> str:
    options = options or TextOptions()
    out = _Writer(options)
    dash = "-" if options.ascii else "–"
    if document.draft:
        out.lines([DRAFT_MARK])
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
                if not lead_done and not para.indent:
                    text = f"{dateline} {dash} {text}"
                    lead_done = True
                if para.keep_lines:
                    out.lines([para.indent + line for line in text.split("\n")])
                else:
                    out.paragraph(text, para.indent, para.hanging, tight=para.tight)
        elif isinstance(block, QuoteBlock):
            if block.intro:
                out.paragraph(block.intro)
            for paragraph in quote_paragraphs(block.paragraphs, options):
                out.paragraph(paragraph)
        elif isinstance(block, CaptionBlock):
            out.paragraph(caption_line(block))
    if not lead_done:
        # A dateline with no prose to open: it still belongs in the release.
        out.paragraph(f"{dateline} {dash}")

    out.lines(["ENDS"])
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
            [line for entry in contact if entry for line in out.wrap(entry)]
        )
    if document.about:
        heading = f"About {document.organisation}" if document.organisation else "About us"
        out.lines([heading])
        for paragraph in document.about.split("\n\n"):
            out.paragraph(" ".join(paragraph.split()))
    if document.imprint:
        out.paragraph(document.imprint)
    if document.draft:
        out.lines([DRAFT_MARK])
    return out.render()

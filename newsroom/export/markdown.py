"""Markdown: a page a static site generator (Hugo, Zola) takes as it is.

TOML front matter between ``+++`` lines, then the release as CommonMark.
Zola refuses front matter keys it does not know, so everything beyond its
own keys (title, description, date, slug, draft) sits in ``[extra]``, which
Hugo also reads (``.Params.extra``).

Plain-text fields (headline, quotes, names, captions, notes) are escaped so
they stay text under any CommonMark renderer, with raw HTML on or off, and
``{{`` cannot start a Hugo or Zola shortcode. The body is the volunteer's
own Markdown and is kept, except that anything a renderer with raw HTML on
would treat as a tag is escaped: the page shows what the text export shows.
"""

from __future__ import annotations

import re
from typing import Any

import tomli_w
from markdown_it import MarkdownIt

from .document import CaptionBlock, Document, PictureBlock, Prose, QuoteBlock
from .html import safe_src
from .text import DRAFT_MARK, TextOptions, caption_line, quote_paragraphs

FRONT_MATTER_FENCE = "+++"

# Punctuation that can start markup anywhere in a line. "{" is written as a
# character reference: a backslash does not stop a shortcode, an entity does.
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>&|~#!]")
_LINE_START_SPECIAL = re.compile(r"^(\s*(?:\d+)?)([-+=>.)])")


def escape_text(text: str) -> str:
    """Plain text as inline Markdown that renders back to exactly ``text``."""
    text = text.replace("\n", " ")
    text = _INLINE_SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    text = text.replace("{", "&#123;")
    # Leading spaces would make an indented code block; they carry no meaning here.
    text = text.lstrip(" \t")
    # A line starting "- ", "1. ", "> ", "+", "=" would become a list, quote or heading.
    return _LINE_START_SPECIAL.sub(lambda m: m.group(1) + "\\" + m.group(2), text, count=1)


# --- the body: the author's Markdown, made inert where it could hold HTML
#
# Escaping is done on the source, so it is checked against the real parser:
# the friendliest rewrite (code spans and autolinks kept as typed) is used
# only when markdown-it with raw HTML *on* finds no HTML and no shortcode
# outside code in it; otherwise a blunter one that escapes every tag opening
# outside code blocks; failing that, every one everywhere.

_MARKDOWN = MarkdownIt("commonmark", {"html": False})
_MARKDOWN_HTML_ON = MarkdownIt("commonmark", {"html": True})
_TAG_START = re.compile(r"<(?=[A-Za-z/!?])")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_SHORTCODE = re.compile(r"\{(?=[{%#])")
_SHORTCODE_OPENERS = ("{{", "{%")
# A whole run of backticks (never part of one, never escaped), then the
# shortest text up to the same run, not crossing a blank line.
_CODE_SPAN = re.compile(r"(?<![`\\])(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))*?(?<!`)\1(?!`)")


def _escape_tags(text: str, *, keep_autolinks: bool) -> str:
    out: list[str] = []
    position = 0
    if keep_autolinks:
        for match in _AUTOLINK.finditer(text):
            out.append(_TAG_START.sub("&lt;", text[position : match.start()]))
            out.append(match.group(0))
            position = match.end()
    out.append(_TAG_START.sub("&lt;", text[position:]))
    return _SHORTCODE.sub("&#123;", "".join(out))


def _rewrite(markdown: str, level: int) -> str:
    """Level 0 keeps code spans, code blocks and autolinks; 1 keeps code blocks; 2 nothing."""
    lines = markdown.split("\n")
    code_lines: set[int] = set()
    if level < 2:
        for token in _MARKDOWN.parse(markdown):
            if token.type in {"fence", "code_block"} and token.map:
                code_lines.update(range(*token.map))
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        chunk = "\n".join(run)
        pieces, position = [], 0
        if level == 0:
            for match in _CODE_SPAN.finditer(chunk):
                pieces.append(_escape_tags(chunk[position : match.start()], keep_autolinks=True))
                pieces.append(match.group(0))
                position = match.end()
        pieces.append(_escape_tags(chunk[position:], keep_autolinks=level == 0))
        out.append("".join(pieces))
        run.clear()

    for number, line in enumerate(lines):
        if number in code_lines:
            flush()
            out.append(line)
        else:
            run.append(line)
    flush()
    return "\n".join(out)


def is_inert(markdown: str) -> bool:
    """No raw HTML, and no shortcode opener outside code, even with raw HTML on."""
    in_code = 0
    for token in _MARKDOWN_HTML_ON.parse(markdown):
        if token.type in {"html_block", "html_inline"}:
            return False
        if token.type in {"fence", "code_block"}:
            in_code += sum(token.content.count(o) for o in _SHORTCODE_OPENERS)
        for child in token.children or []:
            if child.type == "html_inline":
                return False
            if child.type == "code_inline":
                in_code += sum(child.content.count(o) for o in _SHORTCODE_OPENERS)
    return sum(markdown.count(o) for o in _SHORTCODE_OPENERS) <= in_code


def _close_fence(markdown: str) -> str:
    """Close a fence left open, as the text and HTML exports do at the block's end."""
    probe = _MARKDOWN.parse(markdown + "\n\nx")
    last = [t for t in probe if t.level == 0 and t.type != "paragraph_close"]
    if last and last[-1].type == "fence":
        return markdown + "\n" + last[-1].markup
    return markdown


def inert_markdown(markdown: str) -> str:
    """``markdown`` with raw HTML and shortcodes turned into text; code untouched."""
    markdown = _close_fence(markdown)
    for level in (0, 1):
        rewritten = _rewrite(markdown, level)
        if is_inert(rewritten):
            return rewritten
    return _rewrite(markdown, 2)


# --- the page


def front_matter(document: Document, *, digest: str) -> dict[str, Any]:
    title = document.headline or document.slug
    matter: dict[str, Any] = {"title": f"{DRAFT_MARK}: {title}" if document.draft else title}
    if document.standfirst:
        matter["description"] = document.standfirst
    if document.dateline_date:
        matter["date"] = document.dateline_date
    matter["slug"] = document.slug
    matter["draft"] = document.draft
    extra: dict[str, Any] = {}
    if document.embargo:
        extra["embargo"] = document.embargo.local
        extra["embargo_text"] = document.embargo.describe()
    extra["speakers"] = [name for _id, name, _role in document.speakers]
    if digest:
        extra["digest"] = digest
    if document.organisation:
        extra["organisation"] = document.organisation
    matter["extra"] = extra
    return matter


def _release_line(document: Document) -> str:
    if document.embargo:
        return f"**EMBARGOED UNTIL {escape_text(document.embargo.describe())}**"
    return "**FOR IMMEDIATE RELEASE**"


def _quote(block: QuoteBlock, ascii: bool = False) -> list[str]:
    out = []
    if block.intro:
        out.append(escape_text(block.intro))
    paragraphs = quote_paragraphs(
        block.paragraphs, TextOptions(ascii=ascii), block.attribution, block.attribution_after
    )
    out.append("\n>\n".join(f"> {escape_text(p)}" for p in paragraphs))
    who = escape_text(block.speaker_name)
    if block.role:
        who += f", {escape_text(block.role)}"
    out.append(f"— {who}")
    return out


def _caption(block: CaptionBlock) -> list[str]:
    out = []
    src = safe_src(block.file)
    if src:
        # Pointy brackets keep spaces and parentheses in the path literal.
        destination = src.replace("\\", "\\\\").replace("<", "\\<").replace(">", "\\>")
        out.append(f"![{escape_text(block.text)}](<{destination}>)")
    # caption_line's square brackets would only need escaping here.
    out.append(f"*{escape_text(caption_line(block)[1:-1])}*")
    return out


# --ascii: quotation marks and apostrophes only; dashes and accents are the
# site's to show, and the text export is the one for ASCII-only mail.
_PLAIN_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "‹": "'", "›": "'"}
    | {"“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"'}
)


def _plain_quotes(value: object) -> object:
    if isinstance(value, str):
        return value.translate(_PLAIN_QUOTES)
    if isinstance(value, dict):
        return {key: _plain_quotes(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain_quotes(item) for item in value]
    return value


def render_markdown(document: Document, *, digest: str = "", ascii: bool = False) -> str:
    """The release as a Markdown page with TOML front matter; ``ascii``: plain
    quotation marks and apostrophes, in the front matter too."""
    matter_data = front_matter(document, digest=digest)
    if ascii:
        matter_data = _plain_quotes(matter_data)  # type: ignore[assignment]
    matter = tomli_w.dumps(matter_data)
    out: list[str] = []
    if document.draft:
        out.append(f"**{DRAFT_MARK}**")
    out.append(_release_line(document))
    out.append(f"# {escape_text(document.headline)}")
    if document.standfirst:
        out.append(f"*{escape_text(document.standfirst)}*")

    dateline = document.dateline
    pending = f"**{escape_text(dateline)}** – " if dateline else None
    for block in document.blocks:
        if isinstance(block, Prose):
            prose = inert_markdown(block.markdown.strip("\n"))
            if pending is not None:
                prose, placed = _with_dateline(prose, pending)
                if placed:
                    pending = None
            out.append(prose)
        elif isinstance(block, QuoteBlock):
            out.extend(_quote(block, ascii))
        elif isinstance(block, CaptionBlock):
            out.extend(_caption(block))
        elif isinstance(block, PictureBlock):
            from .pictures import markdown_picture

            out.extend(markdown_picture(block, escape_text))
    if pending is not None:
        out.append(pending.rstrip(" –"))

    out.append("ENDS")
    if document.notes_to_editors:
        out.append("## Notes to editors")
        notes = []
        for number, note in enumerate(document.notes_to_editors, start=1):
            paragraphs = [" ".join(p.split()) for p in note.split("\n\n") if p.strip()]
            marker = f"{number}. "
            item = marker + escape_text(paragraphs[0])
            for paragraph in paragraphs[1:]:
                item += "\n\n" + " " * len(marker) + escape_text(paragraph)
            notes.append(item)
        out.append("\n".join(notes))
    if document.has_contact:
        out.append("## Media contact")
        lines = []
        who = ", ".join(p for p in (document.contact_name, document.contact_role) if p)
        if who:
            lines.append(escape_text(who))
        if document.contact_phone:
            lines.append(f"Phone: {escape_text(document.contact_phone)}")
        if document.contact_email:
            lines.append(f"Email: {escape_text(document.contact_email)}")
        # A backslash at the end of a line is a hard break in CommonMark.
        out.append("\\\n".join(lines))
    if document.about:
        heading = f"About {document.organisation}" if document.organisation else "About us"
        out.append(f"## {escape_text(heading)}")
        for paragraph in document.about.split("\n\n"):
            if paragraph.strip():
                out.append(escape_text(" ".join(paragraph.split())))
    if document.imprint:
        out.append(f"*{escape_text(document.imprint)}*")
    if document.draft:
        out.append(f"**{DRAFT_MARK}**")
    body = "\n\n".join(part for part in out if part)
    if ascii:
        body = body.translate(_PLAIN_QUOTES)
    return f"{FRONT_MATTER_FENCE}\n{matter}{FRONT_MATTER_FENCE}\n\n{body}\n"


def _with_dateline(prose: str, dateline: str) -> tuple[str, bool]:
    """Prefix the first top-level paragraph of ``prose`` with the dateline."""
    for token in _MARKDOWN.parse(prose):
        if token.type == "paragraph_open" and token.level == 0 and token.map:
            lines = prose.split("\n")
            first = token.map[0]
            lines[first] = dateline + lines[first].lstrip(" ")
            return "\n".join(lines), True
    return prose, False

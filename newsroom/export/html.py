"""HTML: one standalone, semantic UTF-8 page for the organisation's website.

Every field is escaped with ``html.escape``; the body's Markdown goes through
markdown-it-py with raw HTML switched off, so nothing a volunteer types (or
pastes) can become a tag. No script, no external resources: a small inline
stylesheet that also prints well.

``render_article`` gives the ``<article>`` alone, for the ninjs HTML body.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .document import CaptionBlock, Document, PictureBlock, Prose, QuoteBlock
from .text import DRAFT_MARK, TextOptions, quote_paragraphs

if TYPE_CHECKING:
    from ..media import Rendition

# html=False: a "<script>" in body.md is shown as text, never parsed as a tag.
_MARKDOWN = MarkdownIt("commonmark", {"html": False})

# Characters a strict HTML parser rejects even as text: controls other than
# whitespace, and Unicode noncharacters. They carry no meaning in a release.
_NOT_IN_HTML = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef"
    + "".join(f"\\U{plane:04x}fffe\\U{plane:04x}ffff" for plane in range(0x11))
    + "]"
)

STYLESHEET = """\
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1a1a1a;
  font: 1.05rem/1.55 Georgia, "Times New Roman", serif; }
article { max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1.5rem; }
h1 { font-size: 1.8rem; line-height: 1.2; margin: .4rem 0 .8rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.release, .draft, .ends { font: 700 .85rem/1.4 system-ui, sans-serif; letter-spacing: .04em; }
.draft { color: #fff; background: #b00020; padding: .3rem .6rem; display: inline-block; }
.standfirst { font-size: 1.15rem; font-style: italic; }
.dateline { font-weight: 700; }
figure { margin: 1.5rem 0; }
figure.quote blockquote { margin: 0; padding-left: 1rem; border-left: 4px solid #6a8caf; }
figure.quote figcaption { margin-top: .3rem; padding-left: 1rem; }
cite { font-style: normal; font-weight: 700; }
figure.photo figcaption { font-size: .9rem; color: #444; }
figure.photo img, figure.picture img { max-width: 100%; height: auto; }
figure.picture figcaption { font-size: .9rem; color: #444; }
.ends { text-align: center; margin: 2rem 0; }
.contact p, footer p { margin: .2rem 0; }
footer { border-top: 1px solid #ccc; margin-top: 2rem; padding-top: .5rem; font-size: .85rem; }
@media print {
  body { font-size: 11pt; }
  article { max-width: none; margin: 0; padding: 0; }
  a { color: inherit; text-decoration: none; }
  a[href^="http"]::after { content: " (" attr(href) ")"; font-size: .85em; }
  figure, blockquote, h2 { break-inside: avoid; }
  h2 { break-after: avoid; }
  .draft { border: 2px solid #000; color: #000; background: none; }
}
"""


def _e(text: str) -> str:
    # Attributes are always double-quoted, so '"' is the only quote to escape.
    return escape(text, quote=False).replace('"', "&quot;")


def safe_src(file: str) -> str | None:
    """A caption's file as an image source: relative paths and http(s) only."""
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", file)
    if not file or (scheme and scheme.group(1).lower() not in {"http", "https"}):
        return None
    return file


def _heading_shift(tokens: list[Token]) -> None:
    """Body headings sit below the page's own <h1>."""
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            level = min(int(token.tag[1]) + 1, 6)
            token.tag = f"h{level}"


def _add_dateline(tokens: list[Token], dateline_html: str) -> bool:
    """Put the dateline at the start of the first top-level paragraph."""
    for index, token in enumerate(tokens):
        if token.type == "paragraph_open" and token.level == 0:
            inline = tokens[index + 1]
            # The renderer emits html_inline content as it is; ours is escaped.
            marker = Token("html_inline", "", 0)
            marker.content = dateline_html
            inline.children = [marker, *(inline.children or [])]
            return True
    return False


def prose_html(markdown: str, dateline_html: str | None = None) -> tuple[str, bool]:
    """Body Markdown as HTML; returns (html, whether the dateline was placed)."""
    tokens = _MARKDOWN.parse(markdown)
    _heading_shift(tokens)
    placed = False
    if dateline_html is not None:
        placed = _add_dateline(tokens, dateline_html)
    return _MARKDOWN.renderer.render(tokens, _MARKDOWN.options, {}), placed


def release_line_html(document: Document) -> str:
    if document.embargo:
        until = document.embargo.local.isoformat()
        return (
            f'<p class="release">EMBARGOED UNTIL <time datetime="{_e(until)}">'
            f"{_e(document.embargo.describe())}</time></p>"
        )
    return '<p class="release">FOR IMMEDIATE RELEASE</p>'


def _quote_html(block: QuoteBlock) -> list[str]:
    out = []
    if block.intro:
        out.append(f'<p class="intro">{_e(block.intro)}</p>')
    out.append('<figure class="quote">')
    out.append("<blockquote>")
    for paragraph in quote_paragraphs(
        block.paragraphs, TextOptions(), block.attribution, block.attribution_after
    ):
        out.append(f"<p>{_e(paragraph)}</p>")
    out.append("</blockquote>")
    who = f"<cite>{_e(block.speaker_name)}</cite>"
    if block.role:
        who += f", {_e(block.role)}"
    out.append(f"<figcaption>{who}</figcaption>")
    out.append("</figure>")
    return out


def _caption_html(block: CaptionBlock) -> list[str]:
    out = ['<figure class="photo">']
    src = safe_src(block.file)
    if src:
        out.append(f'<img src="{_e(src)}" alt="{_e(block.text)}">')
    text = _e(block.text or "Photo")
    if block.credit:
        text += f' <small class="credit">Picture: {_e(block.credit)}</small>'
    out.append(f"<figcaption>{text}</figcaption>")
    out.append("</figure>")
    return out


def render_article(
    document: Document,
    *,
    digest: str = "",
    renditions: dict[str, dict[str, Rendition]] | None = None,
) -> str:
    """The release as one ``<article>`` element (no page around it)."""
    out: list[str] = ["<article>", "<header>"]
    if document.draft:
        out.append(f'<p class="draft">{_e(DRAFT_MARK)}</p>')
    out.append(release_line_html(document))
    out.append(f"<h1>{_e(document.headline)}</h1>")
    if document.standfirst:
        out.append(f'<p class="standfirst">{_e(document.standfirst)}</p>')
    out.append("</header>")

    dateline = document.dateline
    pending = f'<span class="dateline">{_e(dateline)}</span> – ' if dateline else None
    for block in document.blocks:
        if isinstance(block, Prose):
            rendered, placed = prose_html(block.markdown, pending)
            if placed:
                pending = None
            out.append(rendered.rstrip("\n"))
        elif isinstance(block, QuoteBlock):
            out.extend(_quote_html(block))
        elif isinstance(block, CaptionBlock):
            out.extend(_caption_html(block))
        elif isinstance(block, PictureBlock):
            from .pictures import figure_html

            files = (renditions or {}).get(block.picture_id, {})
            out.extend(figure_html(block, files.get("web")))
    if pending is not None:
        out.append(f"<p>{pending.rstrip(' –')}</p>")

    out.append('<p class="ends">ENDS</p>')
    if document.notes_to_editors:
        out.append('<section class="notes">')
        out.append("<h2>Notes to editors</h2>")
        out.append("<ol>")
        for note in document.notes_to_editors:
            paragraphs = [" ".join(p.split()) for p in note.split("\n\n") if p.strip()]
            out.append("<li>" + "".join(f"<p>{_e(p)}</p>" for p in paragraphs) + "</li>")
        out.append("</ol>")
        out.append("</section>")
    if document.has_contact:
        out.append('<section class="contact">')
        out.append("<h2>Media contact</h2>")
        who = ", ".join(p for p in (document.contact_name, document.contact_role) if p)
        if who:
            out.append(f"<p>{_e(who)}</p>")
        if document.contact_phone:
            out.append(f"<p>Phone: {_e(document.contact_phone)}</p>")
        if document.contact_email:
            address = _e(document.contact_email)
            out.append(f'<p>Email: <a href="mailto:{address}">{address}</a></p>')
        out.append("</section>")
    if document.about:
        heading = f"About {document.organisation}" if document.organisation else "About us"
        out.append('<section class="about">')
        out.append(f"<h2>{_e(heading)}</h2>")
        for paragraph in document.about.split("\n\n"):
            if paragraph.strip():
                out.append(f"<p>{_e(' '.join(paragraph.split()))}</p>")
        out.append("</section>")
    if document.imprint or document.draft:
        out.append("<footer>")
        if document.imprint:
            out.append(f'<p class="imprint">{_e(document.imprint)}</p>')
        if document.draft:
            out.append(f'<p class="draft">{_e(DRAFT_MARK)}</p>')
        out.append("</footer>")
    out.append("</article>")
    return _NOT_IN_HTML.sub("\ufffd", "\n".join(out) + "\n")


def page_title(document: Document) -> str:
    title = document.headline or document.slug
    return f"{DRAFT_MARK}: {title}" if document.draft else title


def render_html(
    document: Document,
    *,
    digest: str = "",
    renditions: dict[str, dict[str, Rendition]] | None = None,
) -> str:
    """A complete HTML5 page holding the release."""
    head = [
        "<!DOCTYPE html>",
        '<html lang="en-GB">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(page_title(document))}</title>",
    ]
    if document.standfirst:
        head.append(f'<meta name="description" content="{_e(document.standfirst)}">')
    if document.draft:
        # A draft must not end up in a search engine.
        head.append('<meta name="robots" content="noindex, nofollow">')
    if digest:
        head.append(f'<meta name="newsroom-digest" content="{_e(digest)}">')
    head.append('<meta name="generator" content="newsroom">')
    head.append(f"<style>\n{STYLESHEET}</style>")
    head.append("</head>")
    page = (
        "\n".join(head)
        + "\n<body>\n"
        + render_article(document, digest=digest, renditions=renditions)
    )
    return _NOT_IN_HTML.sub("\ufffd", page + "</body>\n</html>\n")

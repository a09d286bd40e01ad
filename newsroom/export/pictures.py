"""Pictures in every format: the pieces each renderer adds for a ``PictureBlock``.

The renderers stay pure: the outgoing renditions (bytes, sizes) are made by
``newsroom.media.outgoing`` in ``export.render`` and handed in as a mapping
``picture id -> rendition name -> Rendition`` (anything with ``file_name``,
``data``, ``width``, ``height`` and ``content_type``).
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from .document import Document, PictureBlock
from .text import attachment_name

Renditions = dict[str, dict[str, Any]]


def _e(text: str) -> str:
    return escape(text, quote=False).replace('"', "&quot;")


def credit_text(block: PictureBlock) -> str:
    return f"Picture: {block.credit}" if block.credit else ""


def figure_html(block: PictureBlock, web: Any | None = None) -> list[str]:
    """``<figure class="picture">`` with the web rendition embedded as a data: URI.

    Without the rendition (the ninjs HTML body) the image points at the file
    name the rendition is sent under, beside the item.
    """
    if web is not None:
        src = "data:image/jpeg;base64," + base64.b64encode(web.data).decode("ascii")
        size = f' width="{web.width}" height="{web.height}"'
    else:
        src, size = attachment_name(block), ""
    out = [
        '<figure class="picture">',
        f'<img src="{_e(src)}" alt="{_e(block.alt or block.caption)}"{size}>',
    ]
    caption = _e(block.caption)
    if block.credit:
        caption += f' <small class="credit">{_e(credit_text(block))}</small>'
    if caption:
        out.append(f"<figcaption>{caption.strip()}</figcaption>")
    out.append("</figure>")
    return out


def markdown_picture(block: PictureBlock, escape_text: Any) -> list[str]:
    """An image (the web rendition beside the page) and the caption in italics."""
    out = [f"![{escape_text(block.alt or block.caption)}](<{attachment_name(block)}>)"]
    words = " ".join(
        p for p in (block.caption, f"({credit_text(block)})" if block.credit else "") if p
    )
    if words:
        out.append(f"*{escape_text(words)}*")
    return out


def ninjs_associations(
    document: Document, uri: str, renditions: Renditions | None
) -> list[dict[str, Any]]:
    """One ``picture`` association per picture, with its renditions and credits."""
    associations = []
    for block in document.pictures:
        item: dict[str, Any] = {
            "name": block.picture_id,
            "rel": "picture",
            "uri": f"{uri}/media/{block.picture_id}",
            "type": "picture",
            "representationType": "full",
        }
        descriptions = []
        if block.caption:
            descriptions.append(
                {"role": "caption", "contentType": "text/plain", "value": block.caption}
            )
        if block.credit:
            descriptions.append(
                {"role": "credit", "contentType": "text/plain", "value": block.credit}
            )
        if block.alt:
            descriptions.append({"role": "alt", "contentType": "text/plain", "value": block.alt})
        if descriptions:
            item["descriptions"] = descriptions
        if block.creator:
            item["by"] = block.creator
        if block.copyright:
            item["copyrightNotice"] = block.copyright
        if block.usage_terms:
            item["usageTerms"] = block.usage_terms
        item["altIds"] = [{"role": "sha256", "value": block.sha256}] if block.sha256 else []
        if not item["altIds"]:
            del item["altIds"]
        files = (renditions or {}).get(block.picture_id, {})
        if files:
            item["renditions"] = [
                {
                    "name": name,
                    "title": r.file_name,
                    "contentType": r.content_type,
                    "width": r.width,
                    "height": r.height,
                    "sizeInBytes": len(r.data),
                }
                for name, r in files.items()
            ]
        associations.append(item)
    return associations


def fit_attachments(
    files: list[tuple[str, bytes]], limit: int, body_size: int
) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The attachments that fit in ``limit`` bytes on the wire, and the names left out.

    Base64 grows a file by 4/3 plus line ends; the largest go first until the
    rest fit.
    """

    def wire(data: bytes) -> int:
        encoded = (len(data) + 2) // 3 * 4
        return encoded + encoded // 76 * 2 + 400  # line ends and MIME headers

    kept = list(files)
    left_out: list[str] = []
    while kept and body_size + sum(wire(d) for _, d in kept) > limit:
        largest = max(kept, key=lambda item: len(item[1]))
        kept.remove(largest)
        left_out.append(largest[0])
    return kept, sorted(left_out)

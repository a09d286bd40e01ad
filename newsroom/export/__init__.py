"""Exports: one module per format, all rendering the same ``Document``.

``render(release, library, fmt)`` is the one entry point the CLI and the TUI
call for any format; ``EXTENSIONS`` gives each format's file extension. The
export gate (``actions.publication_refusal``) is the caller's job: render
only marks drafts, it never decides whether a release may go out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..bundle import Library
from ..model import Release
from .document import Document, build_document
from .eml import ExportError
from .text import TextOptions, render_text

__all__ = [
    "EXTENSIONS",
    "FORMATS",
    "ExportError",
    "MEDIA_TYPES",
    "Document",
    "TextOptions",
    "build_document",
    "export_text",
    "render",
    "render_text",
]

FORMATS = ("text", "md", "html", "eml", "ninjs")
EXTENSIONS = {"text": ".txt", "md": ".md", "html": ".html", "eml": ".eml", "ninjs": ".json"}
MEDIA_TYPES = {
    "text": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "eml": "message/rfc822",
    "ninjs": "application/ninjs+json",
}


def export_text(
    release: Release,
    library: Library,
    options: TextOptions | None = None,
    *,
    draft: bool = False,
) -> str:
    document = build_document(release, library.settings, library.people, draft=draft)
    return render_text(document, options or TextOptions(width=library.settings.width))


def publication_version(release: Release, current_digest: str) -> str:
    """'1' for the first content ever published, '2' after an edit and a new export…"""
    from ..workflow import PUBLISH

    published: list[str] = []
    for event in release.history:
        if event.action == PUBLISH and event.digest and event.digest not in published:
            published.append(event.digest)
    if current_digest in published:
        return str(published.index(current_digest) + 1)
    return str(len(published) + 1)


def _now(timezone: str) -> datetime:
    from datetime import UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return datetime.now(ZoneInfo(timezone)).replace(microsecond=0)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return datetime.now(UTC).replace(microsecond=0)


def render(
    release: Release,
    library: Library,
    fmt: str,
    *,
    draft: bool = False,
    to: list[str] | tuple[str, ...] | None = None,
    width: int | None = None,
    now: datetime | None = None,
    ascii: bool = False,
    crlf: bool = False,
) -> str | bytes:
    """``release`` in format ``fmt``: str for text, md, html and ninjs; bytes for eml.

    ``to`` replaces the press list (eml); ``width`` the library's wrap width
    (text, and the text inside eml and ninjs; eml caps it at 78); ``ascii``
    applies to text and md (plain quotation marks), ``crlf`` to text. Raises
    ``ExportError`` when the settings cannot make the format (an email with no From address).
    """
    from ..digest import digest as release_digest

    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    settings = library.settings
    document = build_document(release, settings, library.people, draft=draft)
    width = width or settings.width
    if fmt == "text":
        return render_text(document, TextOptions(width=width, ascii=ascii, crlf=crlf))
    current = release_digest(release, settings, library.people)
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(document, digest=current, ascii=ascii)
    names = {"html": ("web",), "eml": ("web",)}.get(fmt, ("highres", "web", "thumbnail"))
    renditions = picture_renditions(release, library, names)
    if fmt == "html":
        from .html import render_html

        return render_html(document, digest=current, renditions=renditions)
    now = now or _now(settings.timezone)
    if fmt == "eml":
        from .eml import render_eml

        return render_eml(
            document,
            from_address=settings.from_address or _organisation_address(library),
            reply_to=settings.reply_to,
            to=list(to) if to else list(settings.press_list),
            to_source="--to" if to else "newsroom.toml: export.press_list",
            digest=current,
            now=now,
            width=width,
            attachments=[(r["web"].file_name, r["web"].data) for r in renditions.values()],
        )
    from .ninjs import domain_of, item_uri, render_ninjs

    domain = domain_of(settings.website, settings.email or settings.from_address)
    return render_ninjs(
        document,
        digest=current,
        uri=item_uri(document, domain),
        version=publication_version(release, current),
        now=now,
        width=width,
        renditions=renditions,
    )


def picture_renditions(
    release: Release, library: Library, names: tuple[str, ...] = ("web",)
) -> dict[str, dict[str, Any]]:
    """picture id -> rendition name -> ``media.Rendition``, as they go out.

    Raises ``ExportError`` when a picture's file is missing or no longer the
    one recorded (and approved).
    """
    if not release.media:
        return {}
    from ..media import MediaError, outgoing

    try:
        return {p.id: outgoing(library, release, p, names) for p in release.media}
    except MediaError as error:
        raise ExportError(str(error)) from None


def _organisation_address(library: Library) -> str:
    """'Organisation <press@…>' from [organisation] when [export] names no From."""
    from email.headerregistry import Address

    settings = library.settings
    if not settings.email or "@" not in settings.email:
        return ""
    user, _, domain = settings.email.partition("@")
    try:
        return str(Address(display_name=settings.organisation, username=user, domain=domain))
    except (ValueError, IndexError):
        return settings.email

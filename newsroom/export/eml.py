"""Email: an RFC 5322 message, ready to open in a mail client and send.

Built with the standard library's ``email`` package (``EmailMessage``, SMTP
policy: CRLF line ends). The body is the plain-text export, byte for byte in
its CRLF form, at most 78 characters a line, sent quoted-printable so no line
on the wire is longer than 76 whatever the text holds. ``X-Unsent: 1`` makes
Outlook and others open the file as a draft to send rather than as mail received.
"""

from __future__ import annotations

import email.policy
from datetime import UTC, datetime
from email.errors import MessageDefect
from email.header import Header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol, cast

from .document import Document
from .text import DRAFT_MARK, TextOptions, render_text

MAX_WIDTH = 78
# RFC 2045 caps quoted-printable lines at 76; Python encodes to max_line_length.
# refold_source="none": headers folded here are written as they are.
POLICY = email.policy.SMTP.clone(max_line_length=76, refold_source="none")
EMBARGO_PREFIX = "EMBARGOED: "


class ExportError(ValueError):
    """Settings that make an export impossible (no From address, a bad address)."""


def subject(document: Document) -> str:
    text = document.headline or document.slug
    if document.embargo:
        text = EMBARGO_PREFIX + text
    if document.draft:
        text = f"{DRAFT_MARK}: {text}"
    return text


_REGISTRY = HeaderRegistry()


class AddressList(Protocol):
    """A parsed address header (From, To, Reply-To…)."""

    @property
    def defects(self) -> tuple[MessageDefect, ...]: ...
    @property
    def addresses(self) -> tuple[Address, ...]: ...


def address_header(name: str, value: str) -> AddressList:
    """``value`` parsed as the address header ``name`` (From, To, Reply-To…)."""
    # The registry makes a class of BaseHeader and AddressHeader for an address
    # header's name, which typeshed cannot express.
    return cast(AddressList, _REGISTRY(name, value))


def check_addresses(name: str, value: str, source: str) -> str:
    """``value`` if it parses as a clean address list, else ExportError naming ``source``."""
    header = address_header(name, value)
    if header.defects or not header.addresses:
        problem = str(header.defects[0]) if header.defects else "no address"
        raise ExportError(f"{source}: {value!r} is not a usable email address ({problem})")
    for address in header.addresses:
        if not address.domain or not address.username:
            raise ExportError(f"{source}: {value!r} needs a full address like name@example.org")
    return value


def _fold_plain(name: str, value: str, width: int) -> str | None:
    """``value`` folded before single spaces, or None when that cannot be lossless."""
    if not value.isascii() or "=?" in value or value != value.strip() or "  " in value:
        return None
    if any(not (char.isprintable() or char == " ") for char in value):
        return None
    lines: list[str] = []
    line = f"{name}: "
    for index, word in enumerate(value.split(" ")):
        piece = word if index == 0 else f" {word}"
        if index and len(line) + len(piece) > width:
            lines.append(line)
            line = piece  # the space opens the continuation line
        else:
            line += piece
        if len(line) > width:
            return None  # a word too long to fold
    lines.append(line)
    return "\n".join(lines)[len(name) + 2 :]


def set_unstructured(message: EmailMessage, name: str, value: str) -> None:
    """Set a free-text header so any reader gets back exactly ``value``.

    The stdlib folder can drop the space between two encoded words or decode
    literal text that looks like one, so the header is folded here: plain
    ASCII at its spaces, anything else as RFC 2047 encoded words throughout
    (spaces inside them are kept).
    """
    width = POLICY.max_line_length or 76  # set in POLICY; None would mean no limit
    folded = _fold_plain(name, value, width)
    if folded is None:
        folded = Header(value, charset="utf-8", header_name=name, maxlinelen=width - 4).encode(
            linesep="\n"
        )
    message.set_raw(name, folded)


MAX_MESSAGE_BYTES = 5 * 1024 * 1024


def render_eml(document: Document, **options: Any) -> bytes:
    """The release as an email message (bytes, CRLF line ends)."""
    return build_message(document, **options).as_bytes(policy=POLICY)


def build_message(
    document: Document,
    *,
    from_address: str,
    to: list[str] | tuple[str, ...] = (),
    to_source: str = "recipients",
    reply_to: str = "",
    digest: str = "",
    now: datetime | None = None,
    width: int = 72,
    attachments: list[tuple[str, bytes]] | tuple[()] = (),
) -> EmailMessage:
    """The release as an ``EmailMessage`` (SMTP policy), for writing or sending.

    ``attachments`` (file name, JPEG bytes): the pictures' web renditions.
    With any, the message is ``multipart/mixed``, the text first; the largest
    are left out (and the body says so) until it fits in 5 MB.
    """
    if not from_address:
        raise ExportError("newsroom.toml: export.from is not set; an email needs a From address")
    check_addresses("From", from_address, "newsroom.toml: export.from")
    sender = address_header("From", from_address).addresses[0]
    message = EmailMessage(policy=POLICY)
    set_unstructured(message, "Subject", subject(document))
    message["From"] = from_address
    if reply_to:
        source = "newsroom.toml: export.reply_to"
        message["Reply-To"] = check_addresses("Reply-To", reply_to, source)
    if to:
        joined = ", ".join(to)
        message["To"] = check_addresses("To", joined, to_source)
    message["Date"] = format_datetime(now or datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender.domain)
    if digest:
        message["X-Newsroom-Digest"] = digest
    message["X-Unsent"] = "1"
    options = TextOptions(width=min(width, MAX_WIDTH), crlf=True)
    body = render_text(document, options)
    kept: list[tuple[str, bytes]] = []
    if attachments:
        from .pictures import fit_attachments

        kept, left_out = fit_attachments(
            list(attachments), MAX_MESSAGE_BYTES, len(body.encode("utf-8")) * 2 + 4096
        )
        if left_out:
            options = TextOptions(width=options.width, crlf=True, left_out=tuple(left_out))
            body = render_text(document, options)
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    for name, data in kept:
        message.add_attachment(data, maintype="image", subtype="jpeg", filename=name)
    return message

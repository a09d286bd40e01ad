"""One message per recipient, built on the ``.eml`` export.

The export (``newsroom.export.render(..., "eml")``) builds the message once:
subject, From, Reply-To, Date, the text body and whatever attachments the
export adds. This layer only turns that draft into mail to send: it drops
``X-Unsent``, puts the embargo line in the subject, adds the foot line on how
to be taken off the list (and ``List-Unsubscribe``), then for each recipient
adds a ``To`` naming that recipient alone and a ``Message-ID``. The template
is serialised once; a recipient's message is its two headers plus those bytes.
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import formataddr

from ..bundle import Library
from ..export.eml import POLICY, ExportError, address_header, check_addresses, set_unstructured
from ..model import Release
from ..press import Contact, contact_problem
from .config import SendError, SendSettings

EMBARGO_SUBJECT = "EMBARGOED until {when}: {headline}"


@dataclass
class Template:
    head: bytes  # every header but To and Message-ID, CRLF-terminated
    rest: bytes  # the blank line and the body
    sender: str  # the envelope sender (From's address)
    domain: str  # for Message-IDs
    digest: str
    subject: str
    preview_text: str  # the body as a reader sees it

    def message_id(self, contact: Contact, generation: int = 0) -> str:
        """Stable per release content, recipient and resend: a retry after a crash reuses it,
        so a mail client that got the first copy can tell it is the same message."""
        seed = f"{self.digest}\0{contact.key}\0{generation}".encode()
        return f"<{hashlib.sha256(seed).hexdigest()[:32]}.newsroom@{self.domain}>"

    def message_for(self, contact: Contact, message_id: str) -> bytes:
        problem = contact_problem(contact)
        if problem:
            raise SendError(f"{contact.email}: {problem}")
        to = formataddr((contact.name, contact.email), charset="utf-8")
        if len(to) > 70:  # a long name: let the email package fold it
            headers = EmailMessage(policy=POLICY)
            headers["To"] = contact.header_value()
            to = headers.as_string(policy=POLICY)[4:-4]
        extra = f"To: {to}\r\nMessage-ID: {message_id}\r\n".encode("ascii")
        return self.head + extra + self.rest


def foot_line(library: Library, settings: SendSettings) -> str:
    organisation = library.settings.organisation or "us"
    where = settings.unsubscribe or settings.reply_to or _address_of(settings.from_address)
    return (
        f"You are on the press list of {organisation}. To be taken off it, "
        f'reply with "unsubscribe" or write to {where}.'
    )


def _address_of(value: str) -> str:
    try:
        header = address_header("From", value)
        return header.addresses[0].addr_spec if header.addresses else value
    except (ValueError, IndexError):
        return value


def build_template(
    release: Release, library: Library, settings: SendSettings, digest: str
) -> Template:
    """The message every recipient gets, ready to address. ExportError → SendError."""
    from ..export import build_document, render

    view = copy.copy(library)
    view.settings = replace(
        library.settings, from_address=settings.from_address, reply_to=settings.reply_to
    )
    try:
        raw = render(release, view, "eml", draft=False, to=None)
    except ExportError as error:
        raise SendError(str(error)) from None
    assert isinstance(raw, bytes)
    message = BytesParser(policy=POLICY).parsebytes(raw)
    for name in ("X-Unsent", "To", "Cc", "Bcc", "Message-ID"):
        del message[name]
    document = build_document(release, library.settings, library.people)
    subject = str(message["Subject"] or "")
    if document.embargo is not None:
        subject = EMBARGO_SUBJECT.format(
            when=document.embargo.describe(), headline=document.headline or document.slug
        )
        del message["Subject"]
        set_unstructured(message, "Subject", subject)
    if "\r" in subject or "\n" in subject:
        raise SendError(f"{release.slug}: the subject holds a line break (refused)")
    foot = foot_line(library, settings)
    where = settings.unsubscribe or settings.reply_to or _address_of(settings.from_address)
    if where:
        target = where if "://" in where else f"mailto:{where}?subject=unsubscribe"
        try:
            check_addresses(
                "From", _address_of(where), "newsroom.toml: send.unsubscribe"
            ) if "://" not in where else None
        except ExportError as error:
            raise SendError(str(error)) from None
        message["List-Unsubscribe"] = f"<{target}>"
    body = _first_text_part(message)
    text = body.get_content().replace("\r\n", "\n")
    text = text.rstrip("\n") + "\n\n-- \n" + foot + "\n"
    body.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    data = message.as_bytes(policy=POLICY)
    head, _, rest = data.partition(b"\r\n\r\n")
    sender = _address_of(str(message["From"]))
    return Template(
        head=head + b"\r\n",
        rest=b"\r\n" + rest,
        sender=sender,
        domain=sender.rpartition("@")[2] or "newsroom.invalid",
        digest=digest,
        subject=subject,
        preview_text=text,
    )


def _first_text_part(message: EmailMessage) -> EmailMessage:
    """The body a reader sees first: the message itself, or its first text/plain part
    when the export made a multipart message (pictures attached)."""
    for part in message.walk():
        if part.get_content_type() == "text/plain" and not part.is_attachment():
            return part
    raise SendError("the email export has no text part")

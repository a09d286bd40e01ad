"""The media contact block: 'Jane Smith, Press Officer' / 'Tel: 07700 900123' / an email."""

from __future__ import annotations

import re

from ..model import Contact
from .text import Block

EMAIL_RE = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
PHONE_RE = re.compile(r"^(?:\+44\s?(?:\(0\)\s?)?|0)\d[\d ]{7,13}\d$")
LABEL_RE = re.compile(
    r"^(?:tel(?:ephone)?|phone|mob(?:ile)?|m|t|e|e-?mail|email)\s*[:.]\s*|^(?:tel|mobile|email)\s+",
    re.IGNORECASE,
)


def contact_like(block: Block) -> bool:
    return (
        len(block.lines) <= 5
        and any(
            EMAIL_RE.search(line.text) or PHONE_RE.match(LABEL_RE.sub("", line.text).strip())
            for line in block.lines
        )
        and all(len(line.text) < 100 for line in block.lines)
    )


def parse_contact(lines: list[str]) -> tuple[Contact, str]:
    """A contact from lines like 'Jane Smith, Press Officer' / 'Tel: 07700 900123' / an email."""
    contact = Contact()
    phones: list[str] = []
    emails: list[str] = []
    texts: list[str] = []
    order: list[int] = []  # 0 name/role, 1 phone, 2 email: the export's order
    for raw in lines:
        line = LABEL_RE.sub("", raw.strip()).strip()
        for part in [p.strip() for p in re.split(r",\s*|\s+/\s+", line) if p.strip()]:
            part = LABEL_RE.sub("", part).strip()
            if EMAIL_RE.fullmatch(part):
                emails.append(part)
                order.append(2)
            elif PHONE_RE.match(part):
                phones.append(part)
                order.append(1)
            else:
                texts.append(part)
                order.append(0)
    if not texts:
        return contact, "no name"
    if len(texts) > 3 or any(len(t.split()) > 10 or any(c.isdigit() for c in t) for t in texts):
        return contact, "more than a name, role, phone and email"
    if order != sorted(order):
        return contact, "not in the order name, phone, email"
    contact.name = texts[0]
    contact.role = ", ".join(texts[1:])
    contact.phone = " / ".join(phones)
    contact.email = " / ".join(emails)
    return contact, ""

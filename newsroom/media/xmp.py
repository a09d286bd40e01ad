"""XMP: read the credits a photographer put in a file; write ours into outgoing copies.

Standard library only (no Pillow): outgoing copies get their XMP packet as a
JPEG APP1 segment spliced in after the start-of-image marker, so a caption
edit never re-encodes the picture.

The properties are the ones IPTC Photo Metadata maps to XMP: ``dc:description``
(caption), ``dc:creator``, ``photoshop:Credit``, ``dc:rights`` (copyright
notice), ``Iptc4xmpCore:AltTextAccessibility`` and ``xmpRights:UsageTerms``.
"""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "Iptc4xmpCore": "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/",
}
# record field -> (property, container: "Alt" language alternative, "Seq", or "" simple)
PROPERTIES = {
    "caption": ("dc:description", "Alt"),
    "creator": ("dc:creator", "Seq"),
    "credit": ("photoshop:Credit", ""),
    "copyright": ("dc:rights", "Alt"),
    "alt": ("Iptc4xmpCore:AltTextAccessibility", "Alt"),
    "usage_terms": ("xmpRights:UsageTerms", "Alt"),
}
XMP_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
# An APP1 segment holds at most 65,535 bytes including its length field.
MAX_PACKET = 65533 - len(XMP_HEADER)


def _clean(value: str) -> str:
    # XML 1.0 cannot carry most control characters even escaped.
    return "".join(c for c in value if c in "\t\n" or (ord(c) >= 0x20 and c not in "\ufffe\uffff"))


def build_xmp(fields: dict[str, str]) -> bytes:
    """An XMP packet holding the non-empty ``fields`` (keys as in ``PROPERTIES``)."""
    parts = []
    for key, (prop, container) in PROPERTIES.items():
        value = _clean(fields.get(key, "")).strip()
        if not value:
            continue
        text = escape(value)
        if container == "Alt":
            inner = f'<rdf:Alt><rdf:li xml:lang="x-default">{text}</rdf:li></rdf:Alt>'
        elif container == "Seq":
            inner = f"<rdf:Seq><rdf:li>{text}</rdf:li></rdf:Seq>"
        else:
            inner = text
        parts.append(f"<{prop}>{inner}</{prop}>")
    namespaces = " ".join(f'xmlns:{p}="{u}"' for p, u in NS.items() if p not in {"x", "rdf"})
    packet = (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">'
        f'<rdf:RDF xmlns:rdf="{NS["rdf"]}">'
        f'<rdf:Description rdf:about="" {namespaces}>{"".join(parts)}</rdf:Description>'
        "</rdf:RDF></x:xmpmeta>"
        '<?xpacket end="w"?>'
    )
    return packet.encode("utf-8")


def read_xmp(packet: bytes) -> dict[str, str]:
    """The fields found in an XMP packet; {} for anything unreadable.

    A packet with a DTD or entities is ignored rather than parsed: photo
    metadata never needs them, and entity expansion is how XML bombs work.
    """
    if b"<!DOCTYPE" in packet or b"<!ENTITY" in packet:
        return {}
    start = packet.find(b"<x:xmpmeta")
    if start < 0:
        start = packet.find(b"<rdf:RDF")
    end_tag = b"</x:xmpmeta>" if packet[start : start + 10] == b"<x:xmpmeta" else b"</rdf:RDF>"
    end = packet.find(end_tag)
    if start < 0 or end < 0:
        return {}
    try:
        root = ET.fromstring(packet[start : end + len(end_tag)])
    except ET.ParseError:
        return {}
    found: dict[str, str] = {}
    for key, (prop, _container) in PROPERTIES.items():
        prefix, local = prop.split(":")
        tag = f"{{{NS[prefix]}}}{local}"
        for description in root.iter(f"{{{NS['rdf']}}}Description"):
            value = description.get(tag)  # the attribute form: photoshop:Credit="…"
            element = description.find(tag)
            if value is None and element is not None:
                items = [li.text or "" for li in element.iter(f"{{{NS['rdf']}}}li")]
                value = (
                    "; ".join(i.strip() for i in items if i.strip())
                    if items
                    else (element.text or "")
                )
            if value and value.strip():
                found[key] = value.strip()
                break
    return found


def with_xmp(jpeg: bytes, fields: dict[str, str]) -> bytes:
    """``jpeg`` with an XMP APP1 segment carrying ``fields`` after its SOI marker."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("not a JPEG stream")
    packet = build_xmp(fields)
    if len(packet) > MAX_PACKET:
        # Fields run to a few hundred characters; only absurd input gets here.
        shorter = {k: v[:2000] for k, v in fields.items()}
        packet = build_xmp(shorter)
    segment = XMP_HEADER + packet
    return jpeg[:2] + b"\xff\xe1" + struct.pack(">H", len(segment) + 2) + segment + jpeg[2:]

"""Showing untrusted text: literal (never markup) and without control sequences."""

from __future__ import annotations

from rich.text import Text

from ..safety import strip_controls


def safe(text: str) -> str:
    """``text`` fit for the screen: no escapes, no controls, one line per line."""
    return strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def literal(text: str) -> Text:
    """A Text that shows ``text`` exactly: brackets stay brackets, no markup."""
    return Text(safe(text))


def one_line(text: str, width: int = 0) -> str:
    line = " ".join(safe(text).split())
    if width and len(line) > width:
        return line[: width - 1] + "…"
    return line


def sanitise_release(release) -> list[str]:
    """Strip control characters from every editable text of ``release``, in place.

    An edit field cannot show one thing and hold another, so the working copy
    is cleaned when a release is opened. Returns the names of what changed.
    """
    changed: list[str] = []

    def clean(owner, attribute: str, label: str) -> None:
        value = getattr(owner, attribute)
        if isinstance(value, str):
            tidy = strip_controls(value.replace("\r\n", "\n"))
            if tidy != value:
                setattr(owner, attribute, tidy)
                changed.append(label)

    # Nothing the editor saves carries a control sequence.
    for attribute in ("headline", "standfirst", "body", "internal_notes", "about", "imprint"):
        clean(release, attribute, attribute)
    clean(release.dateline, "place", "dateline")
    for attribute in ("name", "role", "phone", "email"):
        clean(release.contact, attribute, "contact")
    notes = [strip_controls(note) for note in release.notes_to_editors]
    if notes != release.notes_to_editors:
        release.notes_to_editors = notes
        changed.append("notes to editors")
    for quote in release.quotes:
        for attribute in ("text", "intro", "role"):
            clean(quote, attribute, f"quote {quote.id}")
    for caption in release.captions:
        for attribute in ("text", "credit", "file"):
            clean(caption, attribute, f"caption {caption.id}")
    return sorted(set(changed))

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

"""Showing untrusted text: literal (never markup) and without control sequences."""

from __future__ import annotations

from textual.content import Content

from ..safety import strip_controls


def safe(text: str) -> str:
    """``text`` fit for the screen: no escapes, no controls, one line per line."""
    return strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))


def literal(text: str) -> Content:
    """A Content that shows ``text`` exactly: brackets stay brackets."""
    return Content(safe(text))


def one_line(text: str, width: int = 0) -> str:
    line = " ".join(safe(text).split())
    if width and len(line) > width:
        return line[: width - 1] + "…"
    return line

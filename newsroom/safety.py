"""Keeping untrusted text inert: no terminal control sequences, ever.

Headlines, quotes and names come from volunteers' keyboards, pasted emails
and imported web pages. They may hold ANSI/OSC escape sequences or stray
control characters; none of that may reach a news desk's inbox or a terminal.
"""

from __future__ import annotations

import re

# CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC strings, and
# two-character escapes. The 8-bit C1 forms (\x9b CSI, \x9d OSC) too.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]               # CSI
    | (?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c)       # OSC, ended by BEL or ST
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c)  # DCS, SOS, PM, APC
    | \x1b[@-Z\\-_]                                 # other 2-byte escapes
    """,
    re.VERBOSE | re.DOTALL,
)
# C0 controls except tab and newline, DEL, and C1 controls; also the bidi
# override characters that can make text display in a misleading order are
# kept (right-to-left names are legitimate), so only true controls go.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """``text`` with escape sequences and control characters removed.

    Tabs and newlines survive; a carriage return does not (callers normalise
    line ends before this).
    """
    # Every escape sequence starts with ESC or a C1 control, both in _CONTROL:
    # clean text (nearly all of it) skips the slow alternation below.
    if not text or not _CONTROL.search(text):
        return text
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\x1b", "")
    return _CONTROL.sub("", text)


def has_controls(text: str) -> bool:
    return bool(_CONTROL.search(text))

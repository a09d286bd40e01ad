"""Nothing lost: the words of the input appear, in order, in the text export.

The input's words are taken line by line, leaving out web furniture and the
structure whose meaning a field now holds (ENDS, headings, the embargo line,
the dateline, contact labels) — the export prints those in its own words.
Sections are compared in the order the export prints them (head, body, notes
to editors, contact, about, imprint); within a section the input's order must
be kept exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..bundle import Library
    from .report import ImportResult

_FOLD = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "„": '"',
        "«": '"',
        "»": '"',
        "‚": "'",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "…": "...",
    }
)


def words(text: str) -> list[str]:
    """Words for comparison: case, quotation marks, dashes and pure punctuation aside."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).lower()
    return re.findall(r"[^\W_]+", text)


def _remove(haystack: list[str], needle: list[str], *, last: bool = False) -> list[str]:
    if not needle:
        return haystack
    starts = range(len(haystack) - len(needle) + 1)
    for start in reversed(starts) if last else starts:
        if haystack[start : start + len(needle)] == needle:
            return haystack[:start] + haystack[start + len(needle) :]
    return haystack


def _is_structure(what: str, text: str) -> bool:
    """Whether ``text`` really is the kind of structure the parser says it set aside."""
    from . import text as patterns
    from .captions import LABEL_WORDS_RE
    from .contact import LABEL_RE
    from .dates import find_dateline

    checks: dict[str, Callable[[str], object]] = {
        "release marker": patterns.MARKER_RE.match,
        "ENDS": patterns.ENDS_RE.match,
        "embargo": patterns.EMBARGO_RE.match,
        "date": patterns.DATE_LINE_RE.match,
        "notes to editors heading": patterns.NOTES_HEADING_RE.match,
        "contact heading": patterns.CONTACT_HEADING_RE.match,
        "about heading": patterns.ABOUT_HEADING_RE.match,
        "contact label": LABEL_RE.match,
        "caption label": LABEL_WORDS_RE.match,
        "dateline": lambda t: find_dateline(t + " x")[1],
    }
    check = checks.get(what)
    return bool(check and check(text))


def _is_droppable(why: str, text: str) -> bool:
    from .text import furniture

    return bool(furniture(text)) or why.startswith("above the release marker")


def source_words(result: ImportResult, *, export_order: bool = True) -> list[str]:
    """The input's words that must survive, in the order the export should show them."""
    lines = result.source.split("\n")
    set_aside: dict[int, list[tuple[str, bool]]] = {}
    for item in result.structure:
        # Only what matches its pattern may be set aside: no trusting the parser.
        if _is_structure(item.what, item.text):
            set_aside.setdefault(item.line, []).append((item.text, item.what == "ENDS"))
    for dropped in result.dropped:
        if _is_droppable(dropped.why, dropped.text):
            # Furniture opens its line ('Home > News > Item ENDS').
            set_aside.setdefault(dropped.line, []).append((dropped.text, False))
    pieces: list[tuple[int, int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        found = words(line)
        # ENDS closes a line; every other piece of structure opens one.
        for fragment, at_end in set_aside.get(number, []):
            found = _remove(found, words(fragment), last=at_end)
        # A line the parser did not account for still has to be in the export:
        # the check does not trust the parser's bookkeeping.
        section = result.sections.get(number, 1)
        pieces.append((section if export_order else 0, number, found))
    pieces.sort(key=lambda piece: (piece[0], piece[1]))
    return [word for _, _, found in pieces for word in found]


def lost_words(result: ImportResult, exported: str, *, export_order: bool = True) -> list[str]:
    """Words of the input missing (or out of order) in ``exported``; empty when none are lost.

    Returns up to the first 12 words from the first one that could not be matched.
    """
    wanted = source_words(result, export_order=export_order)
    have = words(exported)
    position = 0
    for index, word in enumerate(wanted):
        try:
            position = have.index(word, position) + 1
        except ValueError:
            return wanted[index : index + 12]
    return []


def export_for_check(result: ImportResult, library: Library) -> str:
    """The plain-text export of the imported release, without touching disk."""
    from ..bundle import Library as _Library
    from ..export import export_text

    scratch = _Library(root=library.root, settings=library.settings, people=result.people)
    return export_text(result.release, scratch)

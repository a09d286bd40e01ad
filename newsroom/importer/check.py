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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..bundle import Library
    from .parse import ImportResult

_FOLD = str.maketrans({
    "“": '"', "”": '"', "‘": "'", "’": "'", "„": '"', "«": '"', "»": '"', "‚": "'",
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...",
})


def words(text: str) -> list[str]:
    """Words for comparison: case, quotation marks, dashes and pure punctuation aside."""
    text = unicodedata.normalize("NFKC", text).translate(_FOLD).lower()
    return re.findall(r"[^\W_]+", text)


def _remove(haystack: list[str], needle: list[str]) -> list[str]:
    if not needle:
        return haystack
    for start in range(len(haystack) - len(needle) + 1):
        if haystack[start : start + len(needle)] == needle:
            return haystack[:start] + haystack[start + len(needle) :]
    return haystack


def source_words(result: ImportResult, *, export_order: bool = True) -> list[str]:
    """The input's words that must survive, in the order the export should show them."""
    lines = result.source.split("\n")
    set_aside: dict[int, list[str]] = {}
    for item in result.structure:
        set_aside.setdefault(item.line, []).append(item.text)
    dropped = {item.line for item in result.dropped}
    pieces: list[tuple[int, int, list[str]]] = []
    for number, line in enumerate(lines, start=1):
        if number in dropped and number not in result.sections:
            continue
        found = words(line)
        for fragment in set_aside.get(number, []):
            found = _remove(found, words(fragment))
        # A line the parser did not account for still has to be in the export:
        # the check does not trust the parser's bookkeeping.
        section = result.sections.get(number, 1)
        pieces.append((section if export_order else 0, number, found))
    pieces.sort(key=lambda piece: (piece[0], piece[1]))
    return [word for _, _, found in pieces for word in found]


def lost_words(
    result: ImportResult, exported: str, *, export_order: bool = True
) -> list[str]:
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

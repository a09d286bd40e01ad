"""Import a plain-text press release into a bundle.

The pipeline is a row of small steps, each in its own module:

- ``text``: refuse what is not text (``decode_input``), ``normalise`` it and
  ``split_blocks`` (paragraphs, with solo lines such as ENDS split out);
- ``parse``: classify blocks into head, body, notes, contact (``contact``),
  about, imprint and web furniture; find the dateline and embargo (``dates``);
- ``quotes``: find quotations and where their speakers are named;
- ``people``: match speakers to ``people.toml`` or add them;
- ``release``: ``import_text`` runs the pipeline and builds the release;
- ``report`` and ``check``: what was recognised (``ImportResult``), and that
  no word was lost;
- ``write``: create the bundle, all or nothing.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

from .check import export_for_check, lost_words, source_words, words
from .corrections import Correction, apply_corrections
from .release import import_text
from .report import Dropped, ImportResult, QuoteReport, Structure
from .text import MAX_BYTES, ImportRefused, decode_input
from .write import create_bundle

__all__ = [
    "MAX_BYTES",
    "Correction",
    "apply_corrections",
    "Dropped",
    "ImportRefused",
    "ImportResult",
    "QuoteReport",
    "Structure",
    "create_bundle",
    "decode_input",
    "export_for_check",
    "import_text",
    "lost_words",
    "source_words",
    "words",
]

"""The importer: corpus word-for-word and quote-by-quote, patterns, bad input, the command."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest

from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.export import export_text
from newsroom.importer import (
    MAX_BYTES,
    ImportRefused,
    create_bundle,
    decode_input,
    export_for_check,
    import_text,
    lost_words,
    words,
)

CORPUS = Path(__file__).parent / "import_corpus"
RELEASES = sorted(p for p in CORPUS.glob("*.txt"))
TODAY = date(2026, 11, 25)


@pytest.fixture
def library(tmp_path: Path) -> Library:
    root = tmp_path / "drafts"
    root.mkdir()
    shutil.copy(CORPUS / "people.toml", root / "people.toml")
    shutil.copy(CORPUS / "newsroom.toml", root / "newsroom.toml")
    return Library.open(root)


def _import(path: Path, library: Library):
    text = decode_input(path.read_bytes(), path.name)
    return import_text(text, library.people, today=TODAY, settings=library.settings)


def test_corpus_is_big_enough():
    assert len(RELEASES) >= 12
    for path in RELEASES:
        assert path.with_suffix(".expected.toml").exists(), path.name


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_corpus_release(path: Path, library: Library):
    expected = tomllib.loads(path.with_suffix(".expected.toml").read_text())
    result = _import(path, library)
    release = result.release
    assert release.headline == expected["headline"]
    assert release.standfirst == expected.get("standfirst", "")
    assert release.dateline.place == expected.get("dateline_place", "")
    assert release.dateline.date == expected.get("dateline_date")
    if "embargo" in expected:
        assert release.embargo.until == expected["embargo"]
        assert str(release.embargo.until.tzinfo) == "Europe/London"
        assert release.embargo.timezone == "Europe/London"
    else:
        assert release.embargo.until is None
    assert len(release.notes_to_editors) == expected.get("notes", 0)
    if "contact_name" in expected:
        assert "contact" not in result.defaults_used
        assert release.contact.name == expected["contact_name"]
    for key in ("phone", "email"):
        if f"contact_{key}" in expected:
            assert getattr(release.contact, key) == expected[f"contact_{key}"]
    if expected.get("imprint"):
        assert "imprint" not in result.defaults_used and release.imprint.startswith(
            ("Promoted", "Printed")
        )
    if expected.get("about"):
        assert "about" not in result.defaults_used and release.about
    if "dropped" in expected:
        assert len(result.dropped) == expected["dropped"], result.dropped
    assert [p.id for p in result.new_people] == expected.get("new_people", [])
    for note in expected.get("input_notes", []):
        assert any(note in n for n in result.notes), result.notes

    # Quote by quote: speaker, number of paragraphs, role, introduction.
    found = [
        (result.people[q.speaker].name if q.speaker else "", len(q.paragraphs))
        for q in release.quotes
    ]
    assert found == [(q["speaker"], q["paragraphs"]) for q in expected["quotes"]]
    for quote, wanted in zip(release.quotes, expected["quotes"], strict=True):
        if "role" in wanted:
            assert quote.role == wanted["role"]
        if "intro" in wanted:
            assert quote.intro == wanted["intro"]
        if wanted.get("after"):
            assert quote.intro == ""
        # Stored without quotation marks: export adds them.
        for paragraph in quote.paragraphs:
            assert paragraph[:1] not in "“\"‘'" and paragraph[-1:] not in "”\"’'"

    # Word for word: nothing of the release is lost in the text export.
    exported = export_for_check(result, library)
    assert lost_words(result, exported) == []
    if expected.get("strict_order", True):
        assert lost_words(result, exported, export_order=False) == []
    for dropped in result.dropped:
        assert dropped.text not in exported


@pytest.mark.parametrize("path", RELEASES, ids=lambda p: p.stem)
def test_corpus_bundle_on_disk(path: Path, library: Library):
    result = _import(path, library)
    directory = create_bundle(library, result)
    reopened = Library.open(library.root)
    release = reopened.load(directory.name)
    assert release.headline == result.release.headline
    assert [q.text for q in release.quotes] == [q.text for q in result.release.quotes]
    for person in result.new_people:
        assert reopened.people[person.id].name == person.name
    # What is on disk exports with every word, too.
    assert lost_words(result, export_text(release, reopened)) == []

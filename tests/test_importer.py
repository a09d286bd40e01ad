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
            assert quote.intro == "" and quote.attribution
        if "attribution" in wanted:
            assert quote.attribution == wanted["attribution"]
        assert quote.attribution_after == wanted.get("attribution_after", 0)
        if "organisation" in wanted:
            assert result.people[quote.speaker].organisation == wanted["organisation"]
        if "honorific" in wanted:
            assert result.people[quote.speaker].honorific == wanted["honorific"]
    # Passages nobody can be said to have said: body text, reported with their line.
    unknown = [d.line for d in result.decisions if d.what.startswith("left as body text")]
    assert unknown == expected.get("unknown_lines", [])
    # Captions: text and credit, each placed in the body.
    assert [(c.text, c.credit) for c in release.captions] == [
        (c["text"], c.get("credit", "")) for c in expected.get("captions", [])
    ]
    placed = [ref for _, kind, ref in release.references() if kind == "caption"]
    assert placed == [c.id for c in release.captions]
    assert [r.speaker_name for r in result.quotes] == [q["speaker"] for q in expected["quotes"]]
    for report in result.quotes:
        assert any(d.line == report.line and report.quote_id in d.what for d in result.decisions)
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


# ---------------------------------------------------------------------------
# Patterns one at a time


def _one(text: str, people=None):
    return import_text(text, people or {}, today=TODAY)


@pytest.mark.parametrize(
    ("line", "wanted"),
    [
        ("EMBARGOED UNTIL 00:01 Tuesday 3 June 2025", datetime(2025, 6, 3, 0, 1)),
        ("Strictly embargoed for 00.01am Tuesday 3rd June 2025", datetime(2025, 6, 3, 0, 1)),
        ("Embargoed until 10.30am, Wednesday 4 June 2025", datetime(2025, 6, 4, 10, 30)),
        ("EMBARGO: 7pm on 25 February 2026", datetime(2026, 2, 25, 19, 0)),
        ("Not for publication before midnight on 1 January 2026", datetime(2026, 1, 1, 0, 0)),
        ("Embargoed until 12 noon, 9 December 2025", datetime(2025, 12, 9, 12, 0)),
    ],
)
def test_embargo_lines(line: str, wanted: datetime):
    result = _one(f"{line}\n\nHeadline here\n\nThe body of the release.\n")
    until = result.release.embargo.until
    assert until is not None and until.replace(tzinfo=None) == wanted
    assert str(until.tzinfo) == "Europe/London"
    assert result.release.headline == "Headline here"


def test_embargo_not_understood_is_a_warning_and_kept():
    result = _one("EMBARGOED UNTIL further notice\n\nHeadline\n\nBody text here.\n")
    assert result.release.embargo.until is None
    assert any("embargo not understood" in w for w in result.warnings)
    assert "further notice" in result.release.internal_notes


@pytest.mark.parametrize(
    ("lead", "place", "day"),
    [
        ("LONDON, 3 June 2025 – The council met.", "London", date(2025, 6, 3)),
        ("July 26th, Dublin: The council met on 20 July 2025.", "Dublin", date(2025, 7, 26)),
        ("Hollinsbury, Tuesday 3 June 2025 - The council met.", "Hollinsbury", date(2025, 6, 3)),
        ("ST ALBANS – The council met.", "St Albans", None),
    ],
)
def test_datelines(lead: str, place: str, day: date | None):
    result = _one(f"A headline\n\n{lead}\n\nMore text.\n")
    assert result.release.dateline.place == place
    assert result.release.dateline.date == day
    assert result.release.body.startswith("The council met")


@pytest.mark.parametrize("marker", ["ENDS", "-ENDS-", "###", "-30-", "- ENDS -"])
def test_end_markers(marker: str):
    result = _one(f"Headline\n\nBody text.\n\n{marker}\n\n1. A note.\n")
    assert result.release.notes_to_editors == ["A note."]
    assert marker not in result.release.body


def test_ends_at_the_end_of_a_quote_line():
    result = _one(
        'Headline\n\nJane Doe said:\n\n"We are pleased." ENDS\n\nNotes to editors\n1. A note.\n'
    )
    assert [q.text for q in result.release.quotes] == ["We are pleased."]
    assert result.release.notes_to_editors == ["A note."]


@pytest.mark.parametrize(
    "heading", ["Notes to editors", "Note to editors:", "NOTES FOR EDITORS", "Background"]
)
def test_notes_headings(heading: str):
    result = _one(f"Headline\n\nBody text.\n\n{heading}\n\n1. First.\n2. Second.\n")
    assert result.release.notes_to_editors == ["First.", "Second."]


@pytest.mark.parametrize(
    "text",
    [
        "Jane Doe, Chair of the Eastfield Residents' Association, said:\n\n“First.\n\n“Second.”",
        "Jane Doe, Chair of the Eastfield Residents' Association, said:\n\n“First.”\n\n“Second.”",
        "Jane Doe, Chair of the Eastfield Residents' Association, said:\n\n‘First.\n\nSecond.’",
        "Jane Doe, Chair of the Eastfield Residents' Association, said:\n\nFirst.\n\nSecond.",
        "Jane Doe, Chair of the Eastfield Residents' Association, said:\n\n"
        '" First. \n\n" Second . "',
        "Jane Doe, Chair of the Eastfield Residents' Association, said:\n\n'First.\n\n'Second.'",
    ],
)
def test_quote_punctuation_styles(text: str):
    result = _one(f"Headline\n\nThe lead paragraph.\n\n{text}\n\nENDS\n")
    (quote,) = result.release.quotes
    assert quote.paragraphs == ["First.", "Second."]
    assert quote.speaker == "jane-doe"
    assert quote.role == "Chair of the Eastfield Residents' Association"
    assert quote.intro == "{name}, {role}, said:"
    assert result.people["jane-doe"].role == quote.role


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("“We are pleased,” said Cllr Jane Doe.", "Jane Doe"),
        ('"We are pleased." (Jane Doe, Eastfield Residents\' Association).', "Jane Doe"),
        ("“We are pleased.”\n\n- Jane Doe, Chair", "Jane Doe"),
        ("‘We’re pleased,’ Jane Doe said.", "Jane Doe"),
    ],
)
def test_attributed_after_the_words(text: str, name: str):
    result = _one(f"Headline\n\nThe lead paragraph.\n\n{text}\n")
    (quote,) = result.release.quotes
    assert result.people[quote.speaker].name == name
    assert quote.intro == ""
    assert quote.text.startswith(("We are pleased", "We’re pleased"))
    exported = export_for_check(result, Library(root=Path("/x"), people=result.people))
    assert lost_words(result, exported, export_order=False) == []


def test_speakers_match_people_ignoring_titles_and_case():
    people = {
        "amira-okafor": __import__("newsroom.model").model.Person(
            "amira-okafor", "Cllr Amira Okafor", "Vice Chair"
        )
    }
    text = (
        "Headline\n\nLead text here.\n\nCOUNCILLOR AMIRA OKAFOR said:\n\n“One.”\n\n"
        "Dr Peter Lang, Chair of the Friends, said:\n\n“Two.”\n\nOkafor added:\n\n“Three.”\n\n"
        "Peter says:\n\n“Four.”\n"
    )
    result = _one(text, people)
    assert [q.speaker for q in result.release.quotes] == [
        "amira-okafor",
        "peter-lang",
        "amira-okafor",
        "peter-lang",
    ]
    assert [p.id for p in result.new_people] == ["peter-lang"]
    assert result.people["peter-lang"].name == "Peter Lang"
    assert result.people["peter-lang"].honorific == "Dr"
    assert result.people["peter-lang"].role == "Chair of the Friends"
    # The written form differs from the directory's: the words are kept as written.
    assert result.release.quotes[0].intro == "COUNCILLOR AMIRA OKAFOR said:"
    assert result.release.quotes[2].intro == "Okafor added:"


def test_web_furniture_is_dropped_and_listed():
    text = (
        "Home > News > Parks\nSign in with Facebook, Twitter or Email\n\nHeadline\n\nBody.\n\n"
        "Share this post on social media\n\nNo comments:\n\nPost a Comment\n"
    )
    result = _one(text)
    assert [d.line for d in result.dropped] == [1, 2, 8, 10, 12]
    assert result.release.headline == "Headline"
    assert "Share" not in result.release.body


def test_imprint_and_contact():
    text = (
        "Headline\n\nBody.\n\nENDS\n\nMedia contact: Priya Raman, Press Officer, 07700 900461, "
        "press@example.org.uk\n\nPromoted by Priya Raman on behalf of Hollinsbury Progressives, "
        "both at 14 Mill Lane.\n"
    )
    release = _one(text).release
    assert (
        release.contact.name,
        release.contact.role,
        release.contact.phone,
        release.contact.email,
    ) == ("Priya Raman", "Press Officer", "07700 900461", "press@example.org.uk")
    assert release.imprint.startswith("Promoted by Priya Raman on behalf of")


def test_no_structure_all_body_with_warning():
    text = (
        "the council met on a wet evening and talked for a long time about the budget, "
        "the buses and the park, and nobody could agree on anything at all that night. "
    ) * 3
    result = _one(text)
    assert result.release.headline == ""
    assert result.release.quotes == []
    assert " ".join(result.release.body.split()) == " ".join(text.split())
    assert any("no headline or other structure" in w for w in result.warnings)


def test_bom_and_crlf_give_the_same_release():
    plain = "PRESS RELEASE\n\nHeadline\n\nJane Doe said:\n\n“Yes.”\n\nENDS\n"
    messy = ("\ufeff" + plain).replace("\n", "\r\n")
    a, b = _one(plain), _one(decode_input(messy.encode()))
    assert a.release == b.release
    assert any("byte-order mark" in n for n in b.notes)
    assert any("CRLF" in n for n in b.notes)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "is empty"),
        (b"  \n\n \t\n", "is empty"),
        (b"\xef\xbb\xbf\r\n", "is empty"),
        (b"PK\x03\x04\x00\x00binary", "NUL byte"),
        (b"Headline\n\nCaf\xe9 opens", "not UTF-8"),
        (b"a" * (MAX_BYTES + 1), "too large"),
    ],
)
def test_bad_input_is_refused(raw: bytes, message: str):
    with pytest.raises(ImportRefused, match=message):
        decode_input(raw, "release.txt")


# ---------------------------------------------------------------------------
# The command


def _snapshot(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_command_creates_bundle_and_people(library: Library, capsys):
    source = CORPUS / "food-bank-appeal.txt"
    code = main(["--drafts", str(library.root), "import", str(source), "--slug", "food-bank"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Headline:    Eastfield Food Bank asks" in out
    assert "q1 line 12: Joanne Pryce, Food Bank Coordinator — 2 paragraphs; new person" in out
    assert "Created" in out
    reopened = Library.open(library.root)
    release = reopened.load("food-bank")
    assert release.quotes[0].speaker == "joanne-pryce"
    assert reopened.people["margaret-obi"].name == "Margaret Obi"
    assert reopened.people["margaret-obi"].honorific == "Revd"


def test_command_dry_run_writes_nothing(library: Library, capsys):
    before = _snapshot(library.root)
    code = main(
        ["--drafts", str(library.root), "import", str(CORPUS / "lido-campaign.txt"), "--dry-run"]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Dry run: nothing written" in out
    assert "Dropped:     4 lines" in out
    assert _snapshot(library.root) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "is empty"),
        (b"\x00\x01\x02", "NUL byte"),
        (b"\xff\xfe\x00H\x00i", "NUL byte"),
        (b"Caf\xe9", "not UTF-8"),
    ],
)
def test_command_refuses_bad_input(library: Library, tmp_path: Path, capsys, content, message):
    source = tmp_path / "in.txt"
    source.write_bytes(content)
    before = _snapshot(library.root)
    assert main(["--drafts", str(library.root), "import", str(source)]) == 2
    assert message in capsys.readouterr().err
    assert _snapshot(library.root) == before


def test_command_refuses_five_megabytes(library: Library, tmp_path: Path, capsys):
    source = tmp_path / "big.txt"
    source.write_bytes(b"Headline\n\n" + b"word " * 1_000_000)
    before = _snapshot(library.root)
    assert main(["--drafts", str(library.root), "import", str(source)]) == 2
    assert "5.0 MB is too large" in capsys.readouterr().err
    assert _snapshot(library.root) == before


def test_command_refuses_taken_or_bad_slug(library: Library, capsys):
    source = str(CORPUS / "warm-hub.txt")
    assert main(["--drafts", str(library.root), "import", source, "--slug", "hub"]) == 0
    before = _snapshot(library.root)
    assert main(["--drafts", str(library.root), "import", source, "--slug", "hub"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["--drafts", str(library.root), "import", source, "--slug", "../x"]) == 2
    assert _snapshot(library.root) == before


def test_command_reads_stdin_with_crlf_and_bom(library: Library, monkeypatch, capsys):
    import io

    raw = (CORPUS / "allotments-crlf.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    assert main(["--drafts", str(library.root), "import", "-", "--slug", "plots"]) == 0
    out = capsys.readouterr().out
    assert "removed a byte-order mark" in out and "CRLF" in out
    body = (library.root / "plots" / "body.md").read_bytes()
    assert b"\r" not in body and not body.startswith(b"\xef\xbb\xbf")


def test_failed_write_leaves_nothing_behind(library: Library, monkeypatch):
    result = _import(CORPUS / "bus-drivers.txt", library)
    before = _snapshot(library.root)

    def broken(self):
        raise OSError("disk full")

    monkeypatch.setattr(Library, "save_people", broken)
    with pytest.raises(OSError):
        create_bundle(library, result, "bus")
    assert _snapshot(library.root) == before
    assert not (library.root / "bus").exists()
    assert "dave-corrigan" not in library.people


def test_importer_never_imports_textual_or_rich():
    code = (
        "import sys, newsroom.importer;"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_words_normalise_marks_dashes_and_case():
    assert words("“It’s – GREAT,” she said…") == words('"it\'s - great," She said...')
    assert words("### -- !!") == []


def test_first_name_speaker_takes_full_name_from_the_prose():
    text = (
        "Greens demand answers on bus cuts\n\nThe candidate for Eastfield, Owen Pritchard, has "
        "written to the bus company.\n\nSpeaking after the meeting, Owen said:\n\n“Cutting the "
        "evening buses cuts people off.”\n\n“How am I to get home?” said local resident Bethan "
        "Morgan, 19.\n"
    )
    result = _one(text)
    assert [result.people[q.speaker].name for q in result.release.quotes] == [
        "Owen Pritchard",
        "Bethan Morgan",
    ]
    assert result.release.quotes[0].intro == "Speaking after the meeting, Owen said:"
    assert result.people["bethan-morgan"].role == ""  # an age is not a role


def test_quote_with_no_named_speaker_stays_body_text_and_is_reported():
    result = _one("Headline\n\nLead.\n\nThe branch said:\n\n“We will fight on.”\n")
    assert result.release.quotes == []
    assert "“We will fight on.”" in result.release.body
    assert any("cannot tell who said" in w for w in result.warnings)
    assert [(d.line, d.confidence) for d in result.decisions] == [(5, "low"), (7, "low")]


def test_intro_after_a_sentence_in_the_same_paragraph():
    result = _one("Headline\n\nLead.\n\nThe branch welcomed the vote. Jane Doe said: “At last.”\n")
    (quote,) = result.release.quotes
    assert result.people[quote.speaker].name == "Jane Doe"
    assert quote.role == ""
    assert quote.intro == "The branch welcomed the vote. {name} said:"


def test_failed_write_in_a_library_without_people_file(library: Library, monkeypatch):
    (library.root / "people.toml").unlink()
    fresh = Library.open(library.root)
    result = _import(CORPUS / "warm-hub.txt", fresh)

    def broken(self, release):
        raise OSError("disk full")

    monkeypatch.setattr(Library, "save", broken)
    with pytest.raises(OSError):
        create_bundle(fresh, result, "hub")
    assert sorted(p.name for p in library.root.iterdir()) == ["newsroom.toml"]


def test_no_headline_but_other_structure():
    result = _one(
        "LONDON, 3 June 2025 – The council met and argued for a long time about it all.\n"
        "\nJane Doe said:\n\n“Enough.”\n"
    )
    assert result.release.headline == ""
    assert result.release.dateline.place == "London"
    assert result.warnings[0] == "no headline found; add one before sending"

"""Bundles on disk: loading the sample, byte-stable saves, unknown keys, atomic writes."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, SAMPLE_SLUG, SAMPLE_SLUGS, snapshot_tree

from newsroom import fsio
from newsroom.bundle import Library
from newsroom.errors import BundleError
from newsroom.fsio import JOURNAL_FILE
from newsroom.layout import BODY_FILE, RELEASE_FILE
from newsroom.model import Quote, slug_problem, slugify


def test_sample_library_loads_with_expected_content(library: Library) -> None:
    assert library.settings.organisation == "Hollinsbury Progressives"
    assert library.settings.timezone == "Europe/London"
    assert len(library.people) >= 3
    assert library.slugs() == SAMPLE_SLUGS
    assert {EARLY_SLUG, SAMPLE_SLUG} <= set(SAMPLE_SLUGS)
    release = library.load(SAMPLE_SLUG)
    assert release.headline.startswith("Hollinsbury Lido to reopen")
    assert [q.id for q in release.quotes] == ["okafor", "whitfield"]
    assert len(release.quote("okafor").paragraphs) == 3
    assert {q.speaker for q in release.quotes} == {"amira-okafor", "tom-whitfield"}
    assert [c.id for c in release.captions] == ["gates"]
    assert len(release.notes_to_editors) == 3
    assert release.embargo.until == datetime(2026, 11, 26, 0, 1, tzinfo=UTC)
    assert release.dateline.place == "Hollinsbury"
    assert release.dateline.date == date(2026, 11, 26)
    assert release.contact.name == "Priya Raman"
    assert release.imprint.startswith("Promoted by")
    assert [(kind, ref) for _, kind, ref in release.references()] == [
        ("caption", "gates"),
        ("quote", "okafor"),
        ("quote", "whitfield"),
    ]


@pytest.mark.parametrize("slug", [SAMPLE_SLUG, EARLY_SLUG])
def test_load_then_save_changes_no_byte(library_copy: Path, slug: str) -> None:
    before = snapshot_tree(library_copy)
    library = Library.open(library_copy)
    release = library.load(slug)
    assert library.save(release) is False
    assert snapshot_tree(library_copy) == before


def test_save_twice_gives_identical_bytes(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.headline = "A new headline"
    assert library.save(release) is True
    first = snapshot_tree(library_copy)
    assert library.save(release) is False
    assert snapshot_tree(library_copy) == first
    # A fresh library reading the new files and saving again: still the same.
    again = Library.open(library_copy)
    assert again.save(again.load(SAMPLE_SLUG)) is False
    assert snapshot_tree(library_copy) == first
    assert again.load(SAMPLE_SLUG) == release


def test_edit_is_written_and_reloaded(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.quotes[1].text = "Short and sweet."
    release.body += "\nOne more line.\n"
    library.save(release)
    reloaded = Library.open(library_copy).load(SAMPLE_SLUG)
    assert reloaded.quotes[1].text == "Short and sweet."
    assert reloaded.body.endswith("One more line.\n")
    assert reloaded == release


HAND_FORMATTED = """\
# Written by hand, in an odd order, with odd spacing.
headline    =   'Hand formatted'   # a comment
schema=1
status = "approved"
flavour = "unknown top-level key"

[[quotes]]
  text = '''
One paragraph.'''
  id = "q1"
  mood = "cheerful"          # unknown key inside a quote
  speaker = "jane-doe"

[dateline]
date = 2026-01-02
place = "Testville"
weather = { sky = "grey", wind = 3 }

[future_table]
answer = 42
when = 07:30:00
"""


def _write_bundle(root: Path, slug: str, toml: str | bytes, body: str | bytes) -> Path:
    directory = root / slug
    directory.mkdir()
    (directory / RELEASE_FILE).write_bytes(toml.encode() if isinstance(toml, str) else toml)
    (directory / BODY_FILE).write_bytes(body.encode() if isinstance(body, str) else body)
    return directory


def test_hand_formatted_file_survives_load_and_save(empty_library: Path) -> None:
    directory = _write_bundle(empty_library, "hand", HAND_FORMATTED, "Body.\n\n{{< quote q1 >}}\n")
    before = snapshot_tree(directory)
    library = Library.open(empty_library)
    release = library.load("hand")
    assert release.headline == "Hand formatted"
    assert release.quotes[0].extra == {"mood": "cheerful"}
    assert release.dateline.extra == {"weather": {"sky": "grey", "wind": 3}}
    assert "status" not in release.extra  # derived, never read
    assert release.extra["flavour"] == "unknown top-level key"
    assert library.save(release) is False
    assert snapshot_tree(directory) == before


def test_unknown_keys_survive_an_edit(empty_library: Path) -> None:
    directory = _write_bundle(empty_library, "hand", HAND_FORMATTED, "Body.\n")
    library = Library.open(empty_library)
    release = library.load("hand")
    release.headline = "Edited"
    assert library.save(release) is True
    text = (directory / RELEASE_FILE).read_text(encoding="utf-8")
    assert 'headline = "Edited"' in text
    reloaded = Library.open(empty_library).load("hand")
    assert reloaded.extra["flavour"] == "unknown top-level key"
    assert reloaded.extra["future_table"]["answer"] == 42
    assert reloaded.quotes[0].extra == {"mood": "cheerful"}
    assert reloaded.dateline.extra == {"weather": {"sky": "grey", "wind": 3}}
    # The hand-written status is dropped by the first real save: status is derived.
    assert "status" not in text


def test_unknown_keys_in_people_entries_survive(library_copy: Path) -> None:
    people_path = library_copy / "people.toml"
    people_path.write_text(
        people_path.read_text(encoding="utf-8")
        + '\n[people.helen-marsh.socials]\nmastodon = "@helen@example.social"\n'
        + '\n[directory]\nowner = "press office"\n',
        encoding="utf-8",
    )
    library = Library.open(library_copy)
    assert library.people["helen-marsh"].extra == {"socials": {"mastodon": "@helen@example.social"}}
    assert library.save_people() is False  # nothing changed: nothing written
    library.people["helen-marsh"].phone = "07700 900999"
    assert library.save_people() is True
    again = Library.open(library_copy)
    assert again.people["helen-marsh"].extra == {"socials": {"mastodon": "@helen@example.social"}}
    assert again.people["helen-marsh"].phone == "07700 900999"
    assert again.people_extra == {"directory": {"owner": "press office"}}


def test_bom_and_crlf_are_kept(empty_library: Path) -> None:
    toml = '\ufeffschema = 1\r\nheadline = "Windows"\r\n'
    body = "\ufeffFirst line.\r\n\r\nSecond.\r\n"
    directory = _write_bundle(empty_library, "windows", toml, body)
    library = Library.open(empty_library)
    release = library.load("windows")
    assert release.headline == "Windows"
    assert release.body == "First line.\n\nSecond.\n"
    assert library.save(release) is False
    release.body += "Third.\n"
    release.headline = "Still Windows"
    assert library.save(release) is True
    assert (directory / BODY_FILE).read_bytes() == (
        "\ufeffFirst line.\r\n\r\nSecond.\r\nThird.\r\n".encode()
    )
    assert (directory / RELEASE_FILE).read_bytes().startswith("\ufeff".encode())
    assert Library.open(empty_library).load("windows") == release


def test_mixed_line_ends_survive_a_no_edit_save(empty_library: Path) -> None:
    directory = _write_bundle(empty_library, "mixed", "schema = 1\n", b"a\r\nb\nc\r\n")
    before = snapshot_tree(directory)
    library = Library.open(empty_library)
    assert library.save(library.load("mixed")) is False
    assert snapshot_tree(directory) == before


def test_empty_values_in_a_hand_written_file_are_not_rewritten(empty_library: Path) -> None:
    toml = 'schema = 1\nheadline = "x"\nstandfirst = ""\nnotes_to_editors = []\n\n[dateline]\n'
    directory = _write_bundle(empty_library, "empties", toml, "")
    before = snapshot_tree(directory)
    library = Library.open(empty_library)
    assert library.save(library.load("empties")) is False
    assert snapshot_tree(directory) == before


def test_missing_schema_is_read_as_current(empty_library: Path) -> None:
    directory = _write_bundle(empty_library, "old", 'headline = "No schema line"\n', "")
    before = snapshot_tree(directory)
    library = Library.open(empty_library)
    release = library.load("old")
    assert library.save(release) is False  # no edit, no write
    assert snapshot_tree(directory) == before
    release.headline = "Edited"
    library.save(release)
    assert (directory / RELEASE_FILE).read_text(encoding="utf-8").startswith("schema = 1\n")


def test_create_prefills_from_library_defaults(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = library.create("2026-12-01-new-one", "A new one", today=date(2026, 12, 1))
    assert release.contact.name == "Priya Raman"
    assert release.contact.email == "press@hollinsbury-progressives.example.org.uk"
    assert release.about.startswith("Hollinsbury Progressives is the local branch")
    assert release.imprint.startswith("Promoted by Priya Raman")
    reloaded = Library.open(library_copy).load("2026-12-01-new-one")
    assert reloaded == release
    assert reloaded.created == date(2026, 12, 1)
    assert (library_copy / "2026-12-01-new-one" / BODY_FILE).exists()


def test_create_refuses_an_existing_slug(library_copy: Path) -> None:
    before = snapshot_tree(library_copy)
    library = Library.open(library_copy)
    with pytest.raises(BundleError, match="already exists"):
        library.create(SAMPLE_SLUG, "Clash")
    assert snapshot_tree(library_copy) == before


def test_atomic_write_replaces_and_keeps_mode(tmp_path: Path) -> None:
    target = tmp_path / "file.txt"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    fsio.atomic_write(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]  # no temp left


def test_atomic_write_failure_leaves_old_file(tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "file.txt"
    target.write_bytes(b"old")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(fsio.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        fsio.atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]


def test_two_file_save_writes_both_and_leaves_no_journal(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.headline = "Both files change"
    release.body = "New body.\n"
    release.captions = []
    release.quotes = []
    library.save(release)
    directory = library_copy / SAMPLE_SLUG
    assert sorted(p.name for p in directory.iterdir()) == [BODY_FILE, "media", RELEASE_FILE]
    assert (directory / BODY_FILE).read_text(encoding="utf-8") == "New body.\n"


def test_interrupted_save_after_journal_is_rolled_forward(library_copy: Path, monkeypatch) -> None:
    """A crash between the journal and the renames: the next load finishes the save."""
    directory = library_copy / SAMPLE_SLUG
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.headline = "Rolled forward"
    release.body = release.body + "\nAdded.\n"
    real_replace = os.replace
    calls = []

    def crash_after_journal(src, dst):
        calls.append(dst)
        if str(dst).endswith(JOURNAL_FILE):
            real_replace(src, dst)
            return
        raise KeyboardInterrupt  # the process dies before renaming the files

    monkeypatch.setattr(fsio.os, "replace", crash_after_journal)
    with pytest.raises(KeyboardInterrupt):
        library.save(release)
    monkeypatch.undo()
    assert (directory / JOURNAL_FILE).exists()
    reloaded = Library.open(library_copy).load(SAMPLE_SLUG)
    assert reloaded.headline == "Rolled forward"
    assert reloaded.body.endswith("Added.\n")
    assert sorted(p.name for p in directory.iterdir()) == [BODY_FILE, "media", RELEASE_FILE]


def test_interrupted_save_before_journal_keeps_old_files(library_copy: Path, monkeypatch) -> None:
    directory = library_copy / SAMPLE_SLUG
    before = snapshot_tree(directory)
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.headline = "Never written"
    release.body = "Never written either.\n"

    def crash(path, data):
        raise KeyboardInterrupt

    monkeypatch.setattr(fsio, "atomic_write", crash)
    with pytest.raises(KeyboardInterrupt):
        library.save(release)
    monkeypatch.undo()
    assert snapshot_tree(directory) == before
    assert Library.open(library_copy).load(SAMPLE_SLUG).headline.startswith("Hollinsbury Lido")


def test_orphaned_staging_files_are_swept_on_load(library_copy: Path) -> None:
    directory = library_copy / SAMPLE_SLUG
    before = snapshot_tree(directory)
    (directory / ".release.toml.abc.new").write_bytes(b"half written")
    Library.open(library_copy).load(SAMPLE_SLUG)
    assert snapshot_tree(directory) == before


def test_changed_on_disk(library_copy: Path) -> None:
    library = Library.open(library_copy)
    library.load(SAMPLE_SLUG)
    assert library.changed_on_disk(SAMPLE_SLUG) is False
    body = library_copy / SAMPLE_SLUG / BODY_FILE
    body.write_text(body.read_text(encoding="utf-8") + "Edited elsewhere.\n", encoding="utf-8")
    assert library.changed_on_disk(SAMPLE_SLUG) is True


def test_hidden_and_plain_folders_are_not_releases(library_copy: Path) -> None:
    (library_copy / ".newsroom").mkdir()
    (library_copy / "photos").mkdir()
    hidden = library_copy / ".hidden-bundle"
    hidden.mkdir()
    (hidden / RELEASE_FILE).write_text("schema = 1\n", encoding="utf-8")
    assert Library.open(library_copy).slugs() == SAMPLE_SLUGS


def test_load_all_reports_broken_bundles_without_stopping(library_copy: Path) -> None:
    (library_copy / SAMPLE_SLUG / RELEASE_FILE).write_text("schema = [\n", encoding="utf-8")
    releases, errors = Library.open(library_copy).load_all()
    assert [r.slug for r in releases] == [s for s in SAMPLE_SLUGS if s != SAMPLE_SLUG]
    assert len(errors) == 1 and errors[0].file.name == RELEASE_FILE


@pytest.mark.parametrize(
    "slug, ok",
    [
        ("2026-11-24-lido-reopens", True),
        ("a", True),
        ("a" * 80, True),
        ("a" * 81, False),
        ("", False),
        (".", False),
        ("..", False),
        ("../x", False),
        ("a/b", False),
        ("a\\b", False),
        ("-a", False),
        ("a-", False),
        ("Caps", False),
        ("spa ce", False),
        ("café", False),
    ],
)
def test_slug_rules(slug: str, ok: bool) -> None:
    assert (slug_problem(slug) is None) is ok


def test_slugify_proposes_valid_slugs() -> None:
    slug = slugify("Café owners’ “fury” at 42% rent rise — again!", prefix="2026-11-24")
    assert slug == "2026-11-24-cafe-owners-fury-at-42-rent-rise-again"
    assert slug_problem(slug) is None
    assert slug_problem(slugify("!!!")) is None


def test_next_quote_id_skips_taken_ids() -> None:
    from newsroom.model import Release

    release = Release(slug="x", quotes=[Quote(id="q2"), Quote(id="q3")])
    assert release.next_quote_id() == "q4"

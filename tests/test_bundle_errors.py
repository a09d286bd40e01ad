"""One test per bad input: the message names the file and line:col or key path,
nothing on disk changes, and the CLI says it on stderr with exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG, run_newsroom, snapshot_tree

from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.errors import BundleError
from newsroom.layout import BODY_FILE, RELEASE_FILE

SAMPLE_TOML = f"{SAMPLE_SLUG}/{RELEASE_FILE}"
SAMPLE_BODY = f"{SAMPLE_SLUG}/{BODY_FILE}"


def _edit(path: Path, old: str | bytes, new: str | bytes) -> None:
    data = path.read_bytes()
    old_b = old.encode() if isinstance(old, str) else old
    new_b = new.encode() if isinstance(new, str) else new
    assert data.count(old_b) == 1, f"{old!r} should occur once in {path}"
    path.write_bytes(data.replace(old_b, new_b))


def _load_error(root: Path, slug: str = SAMPLE_SLUG) -> BundleError:
    """Load ``slug`` expecting a BundleError; proves no byte changed meanwhile."""
    before = snapshot_tree(root)
    with pytest.raises(BundleError) as caught:
        Library.open(root).load(slug)
    assert snapshot_tree(root) == before
    return caught.value


def _cli_error(root: Path, capsys, *argv: str) -> str:
    """Run the CLI in-process expecting exit code 2; returns stderr."""
    before = snapshot_tree(root)
    code = main(["--drafts", str(root), *argv])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.out == ""
    assert snapshot_tree(root) == before
    assert captured.err.startswith("newsroom: ")
    assert captured.err.endswith("\n") and captured.err.count("\n") == 1  # one message
    return captured.err


# Each case: (what, file to break, old text, new text, expected message parts)
CASES = {
    "malformed TOML": (
        SAMPLE_TOML,
        'standfirst = "Councillors',
        'standfirst = "Councillors\n',
        [f"{SAMPLE_TOML}:3:", "not valid TOML"],
    ),
    "wrong type": (
        SAMPLE_TOML,
        "created = 2026-11-24",
        "created = 24",
        [f"{SAMPLE_TOML}: created: expected a date (YYYY-MM-DD), found a whole number"],
    ),
    "wrong type inside a quote": (
        SAMPLE_TOML,
        'id = "whitfield"\nspeaker = "tom-whitfield"',
        'id = "whitfield"\nspeaker = ["tom-whitfield"]',
        [f"{SAMPLE_TOML}: quotes[1].speaker: expected text (a string), found a list"],
    ),
    "a table where text belongs": (
        SAMPLE_TOML,
        '[dateline]\nplace = "Hollinsbury"',
        'dateline = "Hollinsbury"\n[x]',
        [f"{SAMPLE_TOML}: dateline: expected a table, found a string"],
    ),
    "schema newer than supported": (
        SAMPLE_TOML,
        "schema = 1",
        "schema = 2",
        [f"{SAMPLE_TOML}: schema: schema 2 is newer than this version of newsroom"],
    ),
    "non-UTF-8 body.md": (
        SAMPLE_BODY,
        "Hollinsbury's open-air",
        b"Hollinsbury\xe9s open-air",
        [f"{SAMPLE_BODY}:1:12: not UTF-8 text (byte 0xe9"],
    ),
    "non-UTF-8 release.toml": (
        SAMPLE_TOML,
        "Councillors vote",
        b"Councillors\x92 vote",
        [f"{SAMPLE_TOML}:3:26: not UTF-8 text (byte 0x92"],
    ),
    "NUL byte in body.md": (
        SAMPLE_BODY,
        "The repairs",
        b"The\x00repairs",
        [f"{SAMPLE_BODY}:7:4: contains a NUL byte"],
    ),
    "body reference to a missing quote": (
        SAMPLE_BODY,
        "{{< quote whitfield >}}",
        "{{< quote nobody >}}",
        [f"{SAMPLE_BODY}:11:1: refers to quote 'nobody', which release.toml does not define"],
    ),
    "body reference to a missing caption": (
        SAMPLE_BODY,
        "{{< caption gates >}}",
        "{{< caption fence >}}",
        [f"{SAMPLE_BODY}:5:1: refers to caption 'fence'"],
    ),
    "speaker not in people.toml": (
        SAMPLE_TOML,
        'speaker = "tom-whitfield"',
        'speaker = "jdoe"',
        [f"{SAMPLE_TOML}: quotes[1].speaker: no person 'jdoe' in people.toml"],
    ),
    "duplicate quote id": (
        SAMPLE_TOML,
        'id = "whitfield"',
        'id = "okafor"',
        [f"{SAMPLE_TOML}: quotes[1].id: duplicate quote id 'okafor'"],
    ),
    "quote without an id": (
        SAMPLE_TOML,
        'id = "whitfield"\n',
        "",
        [f"{SAMPLE_TOML}: quotes[1].id: missing; this key is required"],
    ),
    "invalid quote id": (
        SAMPLE_TOML,
        'id = "whitfield"',
        'id = "../whit field"',
        [f"{SAMPLE_TOML}: quotes[1].id: '../whit field' is not a valid id"],
    ),
    "embargo without a time": (
        SAMPLE_TOML,
        "until = 2026-11-26 00:01:00+00:00",
        "until = 2026-11-26",
        [f"{SAMPLE_TOML}: embargo.until: expected a date and time (RFC 3339"],
    ),
    "unknown embargo timezone": (
        SAMPLE_TOML,
        'timezone = "Europe/London"',
        'timezone = "Europe/Hollinsbury"',
        [f"{SAMPLE_TOML}: embargo.timezone: unknown timezone 'Europe/Hollinsbury'"],
    ),
    "notes to editors not all text": (
        SAMPLE_TOML,
        '"High-resolution photographs are available on request from the press office.",',
        "3,",
        [f"{SAMPLE_TOML}: notes_to_editors[2]: expected text (a string), found a whole number"],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_release_input(library_copy: Path, capsys, case: str) -> None:
    relative, old, new, expected = CASES[case]
    _edit(library_copy / relative, old, new)
    error = _load_error(library_copy)
    message = str(error).replace(str(library_copy) + "/", "")
    for part in expected:
        assert part in message
    assert error.file == library_copy / relative
    # The same through the CLI: exit code 2, the message on stderr, no change.
    for argv in (["show", SAMPLE_SLUG], ["export", SAMPLE_SLUG, "--draft"]):
        err = _cli_error(library_copy, capsys, *argv)
        for part in expected:
            assert part in err.replace(str(library_copy) + "/", "")


def test_malformed_toml_points_at_line_and_column(library_copy: Path) -> None:
    path = library_copy / SAMPLE_TOML
    _edit(path, "created = 2026-11-24", "created = 2026-11-24 oops")
    error = _load_error(library_copy)
    assert (error.line, error.column) == (4, 22)
    assert str(error).startswith(f"{path}:4:22: not valid TOML: ")


def test_malformed_toml_at_end_of_document(library_copy: Path) -> None:
    path = library_copy / SAMPLE_TOML
    path.write_bytes(path.read_bytes() + b"[[quotes]\n")
    error = _load_error(library_copy)
    assert error.line is not None and error.column is not None
    assert "not valid TOML" in str(error)


def test_missing_body_md(library_copy: Path, capsys) -> None:
    (library_copy / SAMPLE_BODY).unlink()
    error = _load_error(library_copy)
    assert str(error) == (
        f"{library_copy / SAMPLE_BODY}: missing; every bundle needs a body.md next to its "
        "release.toml (an empty file will do)"
    )
    err = _cli_error(library_copy, capsys, "show", SAMPLE_SLUG)
    assert f"{library_copy / SAMPLE_BODY}: missing" in err


def test_missing_release_toml(library_copy: Path, capsys) -> None:
    (library_copy / SAMPLE_TOML).unlink()
    (library_copy / SAMPLE_SLUG / "notes.txt").write_text("stray", encoding="utf-8")
    error = _load_error(library_copy)
    assert f"{library_copy / SAMPLE_TOML}: missing" in str(error)


def test_unknown_slug(library_copy: Path, capsys) -> None:
    error = _load_error(library_copy, "2026-01-01-nothing")
    assert "no release called '2026-01-01-nothing'" in str(error)
    err = _cli_error(library_copy, capsys, "show", "2026-01-01-nothing")
    assert "no release called '2026-01-01-nothing'" in err


@pytest.mark.parametrize("slug", ["../x", "a/b", "..", "Caps", "/etc"])
def test_path_like_slugs_are_refused(library_copy: Path, capsys, slug: str) -> None:
    # A folder the slug might reach, to prove nothing is read or written there.
    (library_copy.parent / "x").mkdir()
    before = snapshot_tree(library_copy.parent)
    with pytest.raises(BundleError, match="slug"):
        Library.open(library_copy).load(slug)
    for argv in (
        ["new", slug, "--headline", "Escape"],
        ["show", slug],
        ["export", slug, "--draft"],
    ):
        code = main(["--drafts", str(library_copy), *argv])
        captured = capsys.readouterr()
        assert code == 2
        assert f"slug {slug!r}" in captured.err
        assert captured.out == ""
    assert snapshot_tree(library_copy.parent) == before


def test_slugs_via_subprocess(library_copy: Path) -> None:
    for argv in (["new", "../x", "--headline", "Escape"], ["export", "a/b", "--draft"]):
        result = run_newsroom(*argv, drafts=library_copy)
        assert result.returncode == 2
        assert "looks like a path" in result.stderr
        assert result.stdout == ""
    assert not (library_copy.parent / "x").exists()


def test_bundle_folder_that_is_a_link_outside_is_refused(library_copy: Path, tmp_path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / RELEASE_FILE).write_text("schema = 1\n", encoding="utf-8")
    (outside / BODY_FILE).write_text("", encoding="utf-8")
    (library_copy / "linked").symlink_to(outside)
    error = _load_error(library_copy, "linked")
    assert "outside the library" in str(error)


@pytest.mark.parametrize(
    "file, old, new, expected",
    [
        (
            "newsroom.toml",
            "schema = 1",
            "schema = 1\nschema = 2",
            "newsroom.toml:2:11: not valid TOML: Cannot overwrite a value",
        ),
        (
            "newsroom.toml",
            'timezone = "Europe/London"',
            'timezone = "Mars/Olympus"',
            "newsroom.toml: organisation.timezone: unknown timezone 'Mars/Olympus'",
        ),
        (
            "newsroom.toml",
            "approvals_required = 1",
            'approvals_required = "one"',
            "newsroom.toml: rules.approvals_required: expected a whole number, found a string",
        ),
        (
            "newsroom.toml",
            "width = 72",
            "width = 5",
            "newsroom.toml: export.width: 5 is out of range",
        ),
        ("newsroom.toml", "schema = 1", "schema = 9", "newsroom.toml: schema: schema 9 is newer"),
        (
            "people.toml",
            'name = "Tom Whitfield"\n',
            "",
            "people.toml: people.tom-whitfield.name: missing; this key is required",
        ),
        (
            "people.toml",
            "[people.david-osei]",
            '[people."david osei"]',
            "people.toml: people.david osei: 'david osei' is not a valid id",
        ),
        (
            "people.toml",
            'name = "Helen Marsh"',
            "name = true",
            "people.toml: people.helen-marsh.name: expected text (a string), found true/false",
        ),
    ],
)
def test_bad_library_files(library_copy: Path, capsys, file, old, new, expected) -> None:
    _edit(library_copy / file, old, new)
    before = snapshot_tree(library_copy)
    with pytest.raises(BundleError) as caught:
        Library.open(library_copy)
    assert expected in str(caught.value).replace(str(library_copy) + "/", "")
    assert snapshot_tree(library_copy) == before
    err = _cli_error(library_copy, capsys, "list")
    assert expected in err.replace(str(library_copy) + "/", "")


def test_save_refuses_a_dangling_reference_and_writes_nothing(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.quotes = [q for q in release.quotes if q.id != "whitfield"]
    release.headline = "Changed"
    before = snapshot_tree(library_copy)
    with pytest.raises(BundleError, match="refers to quote 'whitfield'") as caught:
        library.save(release)
    assert caught.value.line == 11
    assert snapshot_tree(library_copy) == before


def test_save_refuses_an_unknown_speaker_and_writes_nothing(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.quotes[0].speaker = "nobody"
    before = snapshot_tree(library_copy)
    with pytest.raises(BundleError, match=r"quotes\[0\]\.speaker: no person 'nobody'"):
        library.save(release)
    assert snapshot_tree(library_copy) == before


def test_list_reports_a_broken_bundle_and_still_lists_the_rest(library_copy: Path, capsys) -> None:
    _edit(library_copy / SAMPLE_TOML, "schema = 1", "schema = 7")
    code = main(["--drafts", str(library_copy), "list"])
    captured = capsys.readouterr()
    assert code == 2
    assert "2026-11-20-bus-route-consultation" in captured.out
    assert "schema 7 is newer" in captured.err


def test_missing_library_folder(tmp_path: Path, capsys) -> None:
    code = main(["--drafts", str(tmp_path / "nowhere"), "list"])
    captured = capsys.readouterr()
    assert code == 2
    assert f"{tmp_path / 'nowhere'}: no library here" in captured.err


def test_non_utf8_column_counts_characters(library_copy: Path) -> None:
    (library_copy / SAMPLE_BODY).write_bytes("a\n£5 caf".encode() + b"\xe9\n")
    error = _load_error(library_copy)
    assert (error.line, error.column) == (2, 7)


def test_body_md_that_is_a_folder(library_copy: Path, capsys) -> None:
    body = library_copy / SAMPLE_BODY
    body.unlink()
    body.mkdir()
    error = _load_error(library_copy)
    assert str(error) == f"{body}: cannot be read (Is a directory)"
    err = _cli_error(library_copy, capsys, "show", SAMPLE_SLUG)
    assert err == f"newsroom: {body}: cannot be read (Is a directory)\n"

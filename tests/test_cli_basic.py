"""The command line: list, new, show, export; NEWSROOM_DRAFTS; exit codes."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, REPO, SAMPLE_SLUG, SAMPLE_SLUGS, run_newsroom, snapshot_tree

from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.export.text import DRAFT_MARK, to_ascii
from newsroom.layout import BODY_FILE, RELEASE_FILE
from newsroom.signoff import status

GOLDEN = Path(__file__).parent / "golden"


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _without_draft_marks(text: str, newline: str = "\n") -> str:
    """The export without its DRAFT marks (top and bottom), for comparing with golden files."""
    mark = DRAFT_MARK if DRAFT_MARK in text else to_ascii(DRAFT_MARK)
    head, tail = mark + newline + newline, newline + mark + newline
    assert text.startswith(head) and text.endswith(newline + tail)
    return text[len(head) : -len(tail)]


# ---------------------------------------------------------------------------
# list


def test_list_prints_one_row_per_release(library_copy: Path, capsys) -> None:
    code, out, err = cli(capsys, "--drafts", str(library_copy), "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == len(SAMPLE_SLUGS)
    for slug, line in zip(SAMPLE_SLUGS, lines, strict=True):
        assert slug in line
    sample = lines[SAMPLE_SLUGS.index(SAMPLE_SLUG)]
    assert "Hollinsbury Lido to reopen" in sample


def test_list_json(library_copy: Path, capsys) -> None:
    library = Library.open(library_copy)
    code, out, err = cli(capsys, "--drafts", str(library_copy), "list", "--json")
    assert code == 0 and err == ""
    rows = json.loads(out)
    assert [row["slug"] for row in rows] == SAMPLE_SLUGS
    for row in rows:
        assert {"slug", "headline", "status", "updated"} <= set(row)
        assert row["status"] == status(library.load(row["slug"]), library)
        updated = datetime.fromisoformat(row["updated"])
        assert updated.tzinfo is not None
    assert rows[SAMPLE_SLUGS.index(SAMPLE_SLUG)]["headline"] == (
        "Hollinsbury Lido to reopen next summer after town council backs residents' rescue plan"
    )


def test_list_of_an_empty_library(empty_library: Path, capsys) -> None:
    code, out, _ = cli(capsys, "--drafts", str(empty_library), "list")
    assert code == 0 and "No releases in" in out
    code, out, _ = cli(capsys, "--drafts", str(empty_library), "list", "--json")
    assert code == 0 and json.loads(out) == []


def test_list_never_prints_control_sequences(library_copy: Path, capsys) -> None:
    path = library_copy / EARLY_SLUG / RELEASE_FILE
    text = path.read_text(encoding="utf-8").replace(
        'headline = "Residents', 'headline = "\\u001b[2J\\u001b]0;pwned\\u0007Residents'
    )
    path.write_text(text, encoding="utf-8")
    code, out, _ = cli(capsys, "--drafts", str(library_copy), "list")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "Residents urged" in out


# ---------------------------------------------------------------------------
# NEWSROOM_DRAFTS, python -m newsroom


def test_newsroom_drafts_env_var_stands_in_for_option(library_copy: Path, tmp_path: Path) -> None:
    result = run_newsroom(
        "list", "--json", env={"NEWSROOM_DRAFTS": str(library_copy)}, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert [row["slug"] for row in json.loads(result.stdout)] == SAMPLE_SLUGS
    # --drafts wins over the variable.
    result = run_newsroom(
        "list",
        "--json",
        drafts=library_copy,
        env={"NEWSROOM_DRAFTS": str(tmp_path / "nowhere")},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_env_var_in_process(library_copy: Path, capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSROOM_DRAFTS", str(library_copy))
    code, out, _ = cli(capsys, "show", SAMPLE_SLUG)
    assert code == 0 and "Hollinsbury Lido" in out


def test_python_dash_m_newsroom_from_the_repo() -> None:
    # The real sample library, read only: list must not write anything but its index.
    before = {
        k: v for k, v in snapshot_tree(REPO / "drafts").items() if not k.startswith(".newsroom")
    }
    result = run_newsroom("--drafts", "drafts", "list", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert SAMPLE_SLUG in result.stdout and EARLY_SLUG in result.stdout
    after = {
        k: v for k, v in snapshot_tree(REPO / "drafts").items() if not k.startswith(".newsroom")
    }
    assert after == before


def test_default_drafts_is_the_working_folder(library_copy: Path) -> None:
    result = run_newsroom("list", "--json", cwd=library_copy.parent)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(SAMPLE_SLUGS)


# ---------------------------------------------------------------------------
# new


def test_new_creates_a_prefilled_bundle(library_copy: Path, capsys) -> None:
    slug = "2026-12-01-winter-gritting"
    code, out, err = cli(
        capsys,
        "--drafts",
        str(library_copy),
        "new",
        slug,
        "--headline",
        "  Councillors demand gritting of Mill Lane  ",
    )
    assert code == 0 and err == ""
    assert f"Created {library_copy / slug}/" in out
    assert sorted(p.name for p in (library_copy / slug).iterdir()) == [BODY_FILE, RELEASE_FILE]
    release = Library.open(library_copy).load(slug)
    assert release.headline == "Councillors demand gritting of Mill Lane"
    assert release.contact.name == "Priya Raman"
    assert release.contact.phone == "07700 900461"
    assert release.about.startswith("Hollinsbury Progressives is the local branch")
    assert release.imprint.startswith("Promoted by Priya Raman on behalf of")
    assert release.created is not None
    code, out, _ = cli(capsys, "--drafts", str(library_copy), "list", "--json")
    assert slug in [row["slug"] for row in json.loads(out)]


def test_new_refuses_an_existing_release(library_copy: Path, capsys) -> None:
    before = snapshot_tree(library_copy)
    code, out, err = cli(
        capsys, "--drafts", str(library_copy), "new", SAMPLE_SLUG, "--headline", "Clash"
    )
    assert code == 2 and out == ""
    assert "already exists" in err
    assert snapshot_tree(library_copy) == before


def test_new_needs_a_headline(library_copy: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--drafts", str(library_copy), "new", "2026-12-01-x"])
    assert caught.value.code == 2
    assert "--headline" in capsys.readouterr().err
    assert not (library_copy / "2026-12-01-x").exists()


# ---------------------------------------------------------------------------
# show


def test_show_summarises_the_release(library_copy: Path, capsys) -> None:
    code, out, err = cli(capsys, "--drafts", str(library_copy), "show", SAMPLE_SLUG)
    assert code == 0 and err == ""
    assert "Headline:  Hollinsbury Lido to reopen next summer" in out
    library = Library.open(library_copy)
    assert f"Status:    {status(library.load(SAMPLE_SLUG), library)}" in out
    assert "Embargo:   00:01 GMT, Thursday 26 November 2026" in out
    assert "Quotes:    2" in out
    assert "okafor: Cllr Amira Okafor (Vice Chair of Hollinsbury Progressives)" in out
    assert "whitfield: Tom Whitfield (Chair of the Friends of Hollinsbury Lido)" in out
    # Body words without the {{< … >}} reference lines, plus the quotes' words.
    release = Library.open(library_copy).load(SAMPLE_SLUG)
    prose = [line for line in release.body.split("\n") if "{{<" not in line]
    words = sum(len(line.split()) for line in prose) + sum(
        len(q.text.split()) for q in release.quotes
    )
    assert f"Words:     {words} (" in out


# ---------------------------------------------------------------------------
# export


def test_export_refuses_an_unapproved_release(library_copy: Path, capsys) -> None:
    # Whatever sign-offs the sample carries, this copy has none.
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.approvals, release.history = [], []
    library.save(release)
    before = snapshot_tree(library_copy)
    code, out, err = cli(capsys, "--drafts", str(library_copy), "export", SAMPLE_SLUG)
    assert code == 1
    assert out == "" and err.startswith("newsroom: ")
    assert snapshot_tree(library_copy) == before


@pytest.mark.parametrize(
    "options, golden",
    [
        ([], "lido-reopens-72.txt"),
        (["--width", "60"], "lido-reopens-60.txt"),
        (["--ascii"], "lido-reopens-72-ascii.txt"),
        (["--width", "60", "--ascii"], "lido-reopens-60-ascii.txt"),
    ],
)
def test_export_draft_to_stdout_matches_golden(library_copy, capsys, options, golden) -> None:
    code, out, err = cli(
        capsys, "--drafts", str(library_copy), "export", SAMPLE_SLUG, "--draft", *options
    )
    assert code == 0 and err == ""
    expected = (GOLDEN / golden).read_text(encoding="utf-8")
    assert _without_draft_marks(out) == expected


def test_export_crlf_to_file(library_copy: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "out.txt"
    code, out, err = cli(
        capsys,
        "--drafts",
        str(library_copy),
        "export",
        SAMPLE_SLUG,
        "--draft",
        "--crlf",
        "-o",
        str(target),
    )
    assert code == 0 and out == "" and err == ""
    data = target.read_bytes().decode("utf-8")
    assert b"\n" not in target.read_bytes().replace(b"\r\n", b"")
    expected = (GOLDEN / "lido-reopens-72.txt").read_text(encoding="utf-8")
    assert _without_draft_marks(data, "\r\n") == expected.replace("\n", "\r\n")


def test_export_via_subprocess_writes_utf8(library_copy: Path, tmp_path: Path) -> None:
    target = tmp_path / "sub.txt"
    result = run_newsroom(
        "export", SAMPLE_SLUG, "--draft", "--width", "60", "-o", str(target), drafts=library_copy
    )
    assert result.returncode == 0, result.stderr
    expected = (GOLDEN / "lido-reopens-60.txt").read_text(encoding="utf-8")
    assert _without_draft_marks(target.read_text(encoding="utf-8")) == expected


@pytest.mark.parametrize("width", ["19", "201", "-5"])
def test_export_width_out_of_range(library_copy: Path, capsys, width: str) -> None:
    code, out, err = cli(
        capsys, "--drafts", str(library_copy), "export", SAMPLE_SLUG, "--draft", "--width", width
    )
    assert code == 2 and out == ""
    assert "out of range (20 to 200)" in err


def test_export_width_must_be_a_number(library_copy: Path, capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--drafts", str(library_copy), "export", SAMPLE_SLUG, "--width", "wide"])
    assert caught.value.code == 2


def test_export_to_an_unwritable_place(library_copy: Path, capsys, tmp_path: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "out.txt"
    code, out, err = cli(
        capsys, "--drafts", str(library_copy), "export", SAMPLE_SLUG, "--draft", "-o", str(target)
    )
    assert code == 2 and out == ""
    assert err == f"newsroom: {target}: cannot write the export (No such file or directory)\n"


# ---------------------------------------------------------------------------
# Usage


def test_unknown_command_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["frobnicate"])
    assert caught.value.code == 2


def test_help_exits_zero(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for command in ("list", "new", "show", "export"):
        assert command in out


def test_subprocess_exit_codes(library_copy: Path) -> None:
    ok = run_newsroom("show", SAMPLE_SLUG, drafts=library_copy)
    assert ok.returncode == 0 and ok.stderr == ""
    refused = run_newsroom("export", EARLY_SLUG, drafts=library_copy)  # an early draft
    assert refused.returncode == 1 and refused.stdout == ""
    bad = run_newsroom("show", "no-such-release", drafts=library_copy)
    assert bad.returncode == 2 and "no release called 'no-such-release'" in bad.stderr
    assert "Traceback" not in bad.stderr
    usage = run_newsroom("show", drafts=library_copy)
    assert usage.returncode == 2 and "usage:" in usage.stderr


def test_new_takes_whatever_defaults_the_library_sets(empty_library: Path, capsys) -> None:
    (empty_library / "newsroom.toml").write_text(
        'schema = 1\n[organisation]\nname = "Eastfield Residents"\n'
        '[defaults]\nabout = "We are residents."\nimprint = "Published by E."\n'
        '[defaults.contact]\nname = "Sam Li"\nemail = "sam@example.org"\n',
        encoding="utf-8",
    )
    code, _, err = cli(capsys, "--drafts", str(empty_library), "new", "first", "--headline", "Hi")
    assert code == 0, err
    release = Library.open(empty_library).load("first")
    assert (release.contact.name, release.contact.email) == ("Sam Li", "sam@example.org")
    assert (release.about, release.imprint) == ("We are residents.", "Published by E.")
    text = (empty_library / "first" / RELEASE_FILE).read_text(encoding="utf-8")
    assert text.startswith("schema = 1\n") and 'headline = "Hi"' in text
    assert (empty_library / "first" / BODY_FILE).read_bytes() == b""


def test_new_refuses_an_empty_headline(library_copy: Path, capsys) -> None:
    before = snapshot_tree(library_copy)
    code, out, err = cli(capsys, "--drafts", str(library_copy), "new", "blank", "--headline", "  ")
    assert code == 2 and out == ""
    assert err == "newsroom: --headline cannot be empty: a release needs a headline\n"
    assert snapshot_tree(library_copy) == before

"""The command line's rough edges of issue 21, each through ``newsroom.cli.main``:
library discovery, export --ascii for Markdown, the wrapped release line, the
spiked hint, the identity and diff messages, ``new -draft``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG

from newsroom.cli import main

SPEAKER = "amira-okafor"


def cli(capsys, *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit:  # argparse's usage errors
        code = int(exit.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    """No $NEWSROOM_DRAFTS: discovery decides."""
    monkeypatch.delenv("NEWSROOM_DRAFTS", raising=False)


# ---------------------------------------------------------------------------
# discovery


def test_found_from_a_folder_nested_inside_the_library(
    library_copy: Path, capsys, monkeypatch, anywhere
) -> None:
    monkeypatch.chdir(library_copy / SAMPLE_SLUG / "media")
    code, out, err = cli(capsys, "list")
    assert code == 0, err
    assert SAMPLE_SLUG in out
    code, out, _ = cli(capsys, "show", SAMPLE_SLUG)
    assert code == 0 and f"Slug:      {SAMPLE_SLUG}" in out


def test_drafts_then_env_then_discovery(library_copy: Path, tmp_path, capsys, monkeypatch):
    other = tmp_path / "elsewhere"
    other.mkdir()
    monkeypatch.chdir(library_copy)
    monkeypatch.setenv("NEWSROOM_DRAFTS", str(other))
    code, out, _ = cli(capsys, "list")  # the environment beats discovery
    assert code == 0 and SAMPLE_SLUG not in out
    code, out, _ = cli(capsys, "--drafts", str(library_copy), "list")  # --drafts beats both
    assert code == 0 and SAMPLE_SLUG in out


def test_nothing_found_says_where_it_looked(tmp_path: Path, capsys, monkeypatch, anywhere):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    monkeypatch.chdir(nested)
    for argv in (["list"], ["show", SAMPLE_SLUG], ["search", "lido"], []):
        code, out, err = cli(capsys, *argv)
        assert code == 2, argv
        assert "no library found" in err
        for folder in (nested, nested.parent, tmp_path, nested / "drafts"):
            assert f"\n  {folder}\n" in err + "\n", (argv, err)


def test_init_needs_no_library(tmp_path: Path, capsys, monkeypatch, anywhere):
    monkeypatch.chdir(tmp_path)
    code, _, err = cli(capsys, "init", "office")
    assert code == 0, err
    monkeypatch.chdir(tmp_path / "office")
    code, out, err = cli(capsys, "list")
    assert code == 0, err


# ---------------------------------------------------------------------------
# export


def test_markdown_ascii_has_plain_quotation_marks(library_copy: Path, capsys) -> None:
    argv = ["--drafts", str(library_copy), "export", SAMPLE_SLUG, "--format", "md", "--draft"]
    code, curly, _ = cli(capsys, *argv)
    assert code == 0 and "“" in curly
    code, plain, _ = cli(capsys, *argv, "--ascii")
    assert code == 0
    assert not set("“”‘’") & set(plain)
    assert plain.count('"') > curly.count('"')
    import tomllib

    matter = plain.split("+++\n")[1]
    tomllib.loads(matter)  # still valid TOML


def test_width_wraps_the_embargo_line(library_copy: Path, capsys) -> None:
    code, out, _ = cli(
        capsys, "--drafts", str(library_copy), "export", SAMPLE_SLUG, "--width", "40", "--draft"
    )
    assert code == 0
    # Every line fits, unless it is one word alone (an address cannot be broken).
    assert all(len(line) <= 40 or len(line.split()) == 1 for line in out.splitlines())
    assert "EMBARGOED UNTIL 00:01 GMT, Thursday 26\nNovember 2026\n" in out


def test_spiked_with_status_spiked_says_add_draft(
    library_copy: Path, tmp_path, capsys, monkeypatch
):
    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    drafts = ["--drafts", str(library_copy)]
    code, _, err = cli(capsys, *drafts, "spike", SAMPLE_SLUG, "--note", "withdrawn")
    assert code == 0, err
    out_dir = tmp_path / "site"
    argv = [*drafts, "export", "--all", "--out", str(out_dir), "--status", "spiked"]
    code, _, err = cli(capsys, *argv)
    assert code == 1
    assert f"skipped {SAMPLE_SLUG}: spiked (withdrawn); add --draft" in err
    code, _, err = cli(capsys, *argv, "--draft")
    assert code == 0, err
    assert (out_dir / f"{SAMPLE_SLUG}.txt").exists()


def test_width_help_says_where_the_default_comes_from(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "default: the library's [export] width, 72 if unset" in out
    assert "default 72" not in out


# ---------------------------------------------------------------------------
# messages


def test_new_with_a_dash_slug_gets_the_slug_rule(library_copy: Path, capsys) -> None:
    code, _, err = cli(capsys, "--drafts", str(library_copy), "new", "-draft")
    assert code == 2
    assert "slug '-draft'" in err and "cannot start or end with a hyphen" in err
    assert "required" not in err
    assert not (library_copy / "-draft").exists()


def test_spike_help_shows_note_as_required(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["spike", "--help"])
    out = capsys.readouterr().out
    assert "--note NOTE slug" in out.splitlines()[0]
    assert "required, except with --undo" in " ".join(out.split())


def test_identity_message_reads_as_english(library_copy: Path, capsys, monkeypatch) -> None:
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", "/dev/null")
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("USER", "nobody-here")
    monkeypatch.setenv("LOGNAME", "nobody-here")
    code, _, err = cli(capsys, "--drafts", str(library_copy), "submit", SAMPLE_SLUG)
    assert code == 2
    assert "who are you? Nobody in" in err and "people.toml matches you (" in err
    assert "is not set in" not in err


def test_diff_without_snapshots_tells_the_truth(library_copy: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    drafts = ["--drafts", str(library_copy)]
    cli(capsys, *drafts, "clear", SAMPLE_SLUG, "okafor", "--by", SPEAKER, "--via", "phone")
    code, _, err = cli(capsys, *drafts, "submit", SAMPLE_SLUG)
    assert code == 0, err
    shutil.rmtree(library_copy / SAMPLE_SLUG / ".snapshots")
    code, _, err = cli(capsys, *drafts, "diff", SAMPLE_SLUG)
    assert code != 0
    assert "never been submitted" not in err
    assert "was submitted or approved" in err and ".snapshots" in err


def test_the_editor_opens_the_library_found_from_a_nested_folder(
    library_copy: Path, monkeypatch, anywhere
) -> None:
    import newsroom.tui

    opened: list[Path] = []
    monkeypatch.setattr(newsroom.tui, "run_app", lambda drafts, **_: opened.append(drafts) or 0)
    monkeypatch.chdir(library_copy / SAMPLE_SLUG)
    assert main([]) == 0
    assert [path.resolve() for path in opened] == [library_copy.resolve()]

"""The fast paths of issue 8 give the answers the slow paths gave.

- ``newsroom list`` builds a parser for itself alone and, with an unchanged
  index, imports none of ``bundle`` or the other command modules;
- the text export's quicker linkify ``pretest`` answers as linkify-it's own;
- ``export --all`` writes each file by rename without a per-file ``fsync``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, SAMPLE_SLUG
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.cli import COMMAND_MODULES, build_parser, command_word, main
from newsroom.export import text as text_export

# -- newsroom list -------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "word"),
    [
        (["list", "--json"], "list"),
        (["--drafts", "x", "list"], "list"),
        (["--drafts=x", "list", "--json"], "list"),
        (["--drafts", "list", "show", "a"], "show"),  # "list" is the folder here
        (["--help"], None),
        ([], None),
        (["export", "--all"], "export"),
    ],
)
def test_command_word(argv, word):
    assert command_word(argv) == word


def test_the_full_parser_still_has_every_command():
    choices = build_parser()._subparsers._group_actions[0].choices
    assert {"list", "new", "show", "export"} <= set(choices)
    assert "list_cmd" in COMMAND_MODULES


def _list_in_fresh_process(drafts: Path) -> tuple[list[dict], list[str]]:
    code = (
        "import io, json, sys, contextlib\n"
        "from newsroom.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = main(['--drafts', {str(drafts)!r}, 'list', '--json'])\n"
        "print(json.dumps([code, json.loads(out.getvalue()),"
        " sorted(m for m in sys.modules if m.startswith('newsroom'))]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=True,
        env={**os.environ, "NEWSROOM_WORKERS": "1"},
    )
    exit_code, rows, modules = json.loads(done.stdout)
    assert exit_code == 0, done.stderr
    return rows, modules


def test_warm_list_imports_only_the_index(library_copy: Path):
    # The files must be older than the index's "racily clean" window to be stored.
    for path in library_copy.rglob("*"):
        os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    cold_rows, _ = _list_in_fresh_process(library_copy)  # builds the index
    warm_rows, modules = _list_in_fresh_process(library_copy)
    assert warm_rows == cold_rows
    assert SAMPLE_SLUG in {row["slug"] for row in warm_rows}
    assert set(modules) <= {
        "newsroom",
        "newsroom.cli",
        "newsroom.cli.common",
        "newsroom.cli.list_cmd",
        "newsroom.index",
        "newsroom.index.listing",
        "newsroom.index.stamps",
        "newsroom.index.store",
        "newsroom.layout",
        "newsroom.workers",
    }, modules


def test_list_fast_path_still_reports_usage_errors(library_copy: Path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--drafts", str(library_copy), "list", "--no-such-option"])
    assert stop.value.code == 2
    assert "unrecognized arguments: --no-such-option" in capsys.readouterr().err


# -- the linkify pretest ---------------------------------------------------------

_original = text_export._MARKDOWN.linkify.__class__.pretest


def _agree(text: str) -> None:
    linkify = text_export._MARKDOWN.linkify
    assert text_export._pretest is not None  # the pattern is the one we know
    assert linkify.pretest(text) == _original(linkify, text), text


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Plain prose. With full stops. And commas, too.",
        "See https://example.org/_next_/ now",
        "HTTP://EXAMPLE.ORG",
        "ftp://x",
        "//cdn",
        "mailto:press@example.org",
        "press@example.org",
        "www.example.org",
        "example.com",
        "example.co.uk",
        "10.0.0.1",
        "localhost:8080",
        "LOCALHOST",
        "loca\u017fhost",
        "htt\u017fp:",
        "\u017fhttps:",
        "a:b",
        "time 10:30",
        "a/b//c",
        "x.\u0440\u0444",
        "(http://x.org)",
        "_http://x.org",
        "\u3000http://x.org",
        "e.g. the council",
    ],
)
def test_quick_pretest_agrees_on_examples(text: str):
    _agree(text)


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("abcehilmnopstw.:/@_ -(\u017f\u212a\u0131K3"))
        | st.characters(),
        max_size=40,
    )
)
def test_quick_pretest_agrees_with_linkify_it(text: str):
    _agree(text)


def test_quick_pretest_on_every_sample_body():
    for body in (REPO / "drafts").glob("*/body.md"):
        for paragraph in body.read_text(encoding="utf-8").split("\n\n"):
            _agree(paragraph)


# -- export --all ----------------------------------------------------------------


def test_export_all_renames_without_a_sync_per_file(
    library_copy: Path, tmp_path: Path, monkeypatch, capsys
):
    synced: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd)))
    out = tmp_path / "out"
    out.mkdir()
    (out / f"{SAMPLE_SLUG}.txt").write_text("an old export\n", encoding="utf-8")
    os.chmod(out / f"{SAMPLE_SLUG}.txt", 0o640)
    assert (
        main(
            [
                "--drafts",
                str(library_copy),
                "export",
                "--all",
                "--format",
                "text",
                "--draft",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    written = sorted(path.name for path in out.iterdir())
    slugs = sorted(path.name for path in library_copy.iterdir() if (path / "body.md").exists())
    assert written == [f"{slug}.txt" for slug in slugs]  # and no temporary file left
    assert len(synced) == 1  # the folder, once
    # The same text as a single export, and an existing file keeps its mode.
    capsys.readouterr()
    assert (
        main(["--drafts", str(library_copy), "export", SAMPLE_SLUG, "--format", "text", "--draft"])
        == 0
    )
    assert (out / f"{SAMPLE_SLUG}.txt").read_text(encoding="utf-8") == capsys.readouterr().out
    assert (out / f"{SAMPLE_SLUG}.txt").stat().st_mode & 0o777 == 0o640


@pytest.mark.parametrize(
    ("argv", "quick"),
    [
        (["list"], ("drafts", False)),
        (["list", "--json"], ("drafts", True)),
        (["--drafts", "x", "list", "--json"], ("x", True)),
        (["--drafts=x", "list"], ("x", False)),
        (["--drafts", "list"], None),  # "list" is the folder; no command
        (["--drafts="], None),
        (["list", "--help"], None),
        (["list", "--json", "--json"], None),
        (["list", "extra"], None),
        (["show", "list"], None),
        ([], None),
    ],
)
def test_quick_list_arguments(argv, quick, monkeypatch, tmp_path):
    from newsroom.cli.list_cmd import quick_arguments

    monkeypatch.delenv("NEWSROOM_DRAFTS", raising=False)
    (tmp_path / "drafts").mkdir()
    monkeypatch.chdir(tmp_path)
    result = quick_arguments(argv)
    assert (result if result is None else result[:2]) == quick


def test_quick_list_honours_newsroom_drafts(monkeypatch):
    from newsroom.cli.list_cmd import quick_arguments

    monkeypatch.setenv("NEWSROOM_DRAFTS", "/srv/press")
    assert quick_arguments(["list"]) == ("/srv/press", False, [])


def test_list_json_bytes_from_a_real_pipe_match_the_rows(library_copy: Path):
    """The warm path writes the index's bytes straight to stdout: the same JSON
    as the rows read back, and imports neither argparse nor pathlib."""
    for path in library_copy.rglob("*"):
        os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    code = (
        "import sys\nfrom newsroom.cli import main\n"
        f"code = main(['--drafts', {str(library_copy)!r}, 'list', '--json'])\n"
        "sys.stderr.write(repr(sorted(m for m in ('argparse', 'pathlib') "
        "if m in sys.modules)))\nsys.exit(code)\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            cwd=REPO,
            check=True,
            env={**os.environ, "NEWSROOM_WORKERS": "1"},
        )
        for _ in range(2)
    ]
    cold, warm = (json.loads(done.stdout.decode("utf-8")) for done in runs)
    assert cold == warm and SAMPLE_SLUG in {row["slug"] for row in warm}
    assert runs[1].stdout == runs[0].stdout
    assert runs[1].stderr.decode() == "[]"
    rows, _ = _list_in_fresh_process(library_copy)  # through a text stream
    assert rows == warm

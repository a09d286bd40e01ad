"""``newsroom export``: every format behind the gate, and ``--all --out DIR``."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, REPO, SAMPLE_SLUG, snapshot_tree

from newsroom.actions import approve, clear, spike
from newsroom.bundle import Library
from newsroom.cli.export_all import want_progress
from newsroom.export.text import DRAFT_MARK
from newsroom.workflow import PUBLISH

FORMATS = ("text", "md", "html", "eml", "ninjs")
T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def approve_sample(root: Path) -> None:
    library = Library.open(root)
    release = library.load(SAMPLE_SLUG)
    clear(release, library, "okafor", "amira-okafor", via="phone", now=T0)
    clear(release, library, "whitfield", "tom-whitfield", via="email", now=T0)
    approve(release, library, "david-osei", now=T0 + timedelta(minutes=1))


def history(root: Path, slug: str = SAMPLE_SLUG) -> list:
    return Library.open(root).load(slug).history


def add_broken_bundle(root: Path) -> None:
    broken = root / "2026-11-30-broken"
    broken.mkdir()
    (broken / "release.toml").write_text('schema = 1\nheadline = "unclosed\n', encoding="utf-8")
    (broken / "body.md").write_text("", encoding="utf-8")


ENV = {"NEWSROOM_USER": "priya-raman"}


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    """``newsroom ARGS`` in this interpreter (quick); the subprocess tests cover the rest."""
    from newsroom.cli import main

    for key, value in ENV.items():
        monkeypatch.setenv(key, value)

    def run(*args: str, drafts: Path) -> Result:
        capsys.readouterr()
        code = main(["--drafts", str(drafts), *args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


# ---------------------------------------------------------------------------
# One release


@pytest.mark.parametrize("fmt", FORMATS)
def test_unapproved_release_is_refused_in_every_format(
    cli, library_copy: Path, tmp_path: Path, fmt: str
) -> None:
    before = snapshot_tree(library_copy)
    target = tmp_path / f"out.{fmt}"
    result = cli("export", SAMPLE_SLUG, "--format", fmt, "-o", str(target), drafts=library_copy)
    assert result.returncode == 1, result.stderr
    assert "not approved" in result.stderr and "--draft" in result.stderr
    assert not target.exists()
    assert snapshot_tree(library_copy) == before


def test_draft_is_marked_in_every_format_and_not_recorded(
    cli, library_copy: Path, tmp_path: Path
) -> None:
    before = snapshot_tree(library_copy)
    files = {}
    for fmt in FORMATS:
        files[fmt] = tmp_path / f"draft.{fmt}"
        result = cli(
            "export",
            SAMPLE_SLUG,
            "--format",
            fmt,
            "--draft",
            "-o",
            str(files[fmt]),
            drafts=library_copy,
        )
        assert result.returncode == 0, result.stderr
    # A draft is not a publication (picture renditions are caches in .newsroom/).
    after = {k: v for k, v in snapshot_tree(library_copy).items() if not k.startswith(".newsroom/")}
    assert after == before
    assert files["text"].read_text(encoding="utf-8").startswith(DRAFT_MARK)
    md = files["md"].read_text(encoding="utf-8")
    matter = tomllib.loads(md.split("+++\n")[1])
    assert matter["draft"] is True and matter["title"].startswith(DRAFT_MARK)
    assert f"**{DRAFT_MARK}**" in md
    assert f'<p class="draft">{DRAFT_MARK}</p>' in files["html"].read_text(encoding="utf-8")
    message = BytesParser(policy=policy.default).parsebytes(files["eml"].read_bytes())
    assert message["Subject"].startswith(f"{DRAFT_MARK}: EMBARGOED: ")
    assert message.get_body(("plain",)).get_content().startswith(DRAFT_MARK)
    item = json.loads(files["ninjs"].read_text(encoding="utf-8"))
    assert item["pubStatus"] == "withheld" and DRAFT_MARK in item["edNote"]


def test_approved_release_exports_and_records_publication(
    cli, library_copy: Path, tmp_path: Path
) -> None:
    approve_sample(library_copy)
    target = tmp_path / "lido.html"
    result = cli("export", SAMPLE_SLUG, "--format", "html", "-o", str(target), drafts=library_copy)
    assert result.returncode == 0, result.stderr
    assert "<article>" in target.read_text(encoding="utf-8")
    published = [e for e in history(library_copy) if e.action == PUBLISH]
    assert [(e.by, e.note) for e in published] == [("priya-raman", "format: html")]


def test_eml_to_stdout_with_to_override(library_copy: Path) -> None:
    command = [
        sys.executable,
        "-m",
        "newsroom",
        "--drafts",
        str(library_copy),
        "export",
        SAMPLE_SLUG,
        "--format",
        "eml",
        "--draft",
        "--to",
        "desk@paper.example",
        "--to",
        "Radio <news@radio.example>",
    ]
    result = subprocess.run(
        command, capture_output=True, cwd=REPO, timeout=60, env={**os.environ, **ENV}
    )
    assert result.returncode == 0, result.stderr
    message = BytesParser(policy=policy.default).parsebytes(result.stdout)
    assert message.defects == []
    assert message["To"] == "desk@paper.example, Radio <news@radio.example>"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "md"], "name the release"),
        ([SAMPLE_SLUG, "--all", "--out", "x"], "not both"),
        (["--all"], "--all needs --out"),
        ([SAMPLE_SLUG, "--format", "md", "--to", "a@b.example"], "--to only applies"),
        ([SAMPLE_SLUG, "--out", "x"], "--out goes with --all, or with --format md"),
        (["--all", "--out", "x", "--status", "finished"], "not a status"),
    ],
)
def test_usage_errors_exit_2(cli, library_copy: Path, args: list[str], message: str) -> None:
    before = snapshot_tree(library_copy)
    result = cli("export", *args, drafts=library_copy)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert snapshot_tree(library_copy) == before


def test_eml_without_from_address_is_a_clear_error(cli, library_copy: Path) -> None:
    settings = library_copy / "newsroom.toml"
    text = settings.read_text(encoding="utf-8")
    text = text.replace('from = "Hollinsbury', 'unused = "Hollinsbury')
    text = text.replace(
        'email = "press@hollinsbury-progressives.example.org.uk"\n\n[defaults]', "\n[defaults]"
    )
    settings.write_text(text, encoding="utf-8")
    result = cli(
        "export", SAMPLE_SLUG, "--format", "eml", "--draft", "-o", "-", drafts=library_copy
    )
    assert result.returncode == 2
    assert "export.from" in result.stderr


# ---------------------------------------------------------------------------
# The whole library


def test_all_writes_approved_and_reports_what_it_skipped(
    cli, library_copy: Path, tmp_path: Path
) -> None:
    approve_sample(library_copy)
    add_broken_bundle(library_copy)
    out = tmp_path / "site"
    result = cli("export", "--all", "--format", "md", "--out", str(out), drafts=library_copy)
    assert sorted(p.name for p in out.iterdir()) == [f"{SAMPLE_SLUG}.md"]
    assert result.stdout.strip() == str(out / f"{SAMPLE_SLUG}.md")
    assert f"skipped {EARLY_SLUG}: draft, not approved" in result.stderr
    assert "skipped 2026-11-30-broken: invalid bundle:" in result.stderr
    assert "release.toml:2" in result.stderr  # the bundle's own error, with its line
    assert "wrote 1 file" in result.stderr and "skipped 2" in result.stderr
    assert result.returncode == 2  # an invalid bundle is bad input
    assert [e.note for e in history(library_copy) if e.action == PUBLISH] == ["format: md"]


def test_all_exit_code_is_1_when_the_gate_held_something_back(
    cli, library_copy: Path, tmp_path: Path
) -> None:
    approve_sample(library_copy)
    result = cli(
        "export", "--all", "--format", "ninjs", "--out", str(tmp_path / "o"), drafts=library_copy
    )
    assert result.returncode == 1
    assert (tmp_path / "o" / f"{SAMPLE_SLUG}.json").is_file()


def test_all_with_status_selects_and_skips_nothing(cli, library_copy: Path, tmp_path: Path) -> None:
    approve_sample(library_copy)
    out = tmp_path / "approved"
    result = cli(
        "export",
        "--all",
        "--format",
        "eml",
        "--out",
        str(out),
        "--status",
        "approved",
        drafts=library_copy,
    )
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.iterdir()] == [f"{SAMPLE_SLUG}.eml"]
    assert "skipped 0" in result.stderr and EARLY_SLUG not in result.stderr
    message = BytesParser(policy=policy.default).parsebytes(
        (out / f"{SAMPLE_SLUG}.eml").read_bytes()
    )
    assert message.defects == [] and message["Subject"].startswith("EMBARGOED: ")


def test_all_draft_writes_every_valid_release_marked(
    cli, library_copy: Path, tmp_path: Path
) -> None:
    add_broken_bundle(library_copy)
    out = tmp_path / "drafts-out"
    result = cli(
        "export", "--all", "--format", "html", "--draft", "--out", str(out), drafts=library_copy
    )
    assert result.returncode == 2  # the broken bundle
    names = sorted(p.name for p in out.iterdir())
    assert names == [f"{EARLY_SLUG}.html", f"{SAMPLE_SLUG}.html"]
    for path in out.iterdir():
        assert DRAFT_MARK in path.read_text(encoding="utf-8")
    assert not any(e.action == PUBLISH for e in history(library_copy))


def test_all_leaves_spiked_releases_out_unless_asked(
    cli, library_copy: Path, tmp_path: Path
) -> None:
    library = Library.open(library_copy)
    spike(library.load(EARLY_SLUG), library, "priya-raman", "consultation withdrawn", now=T0)
    out = tmp_path / "o"
    result = cli("export", "--all", "--draft", "--out", str(out), drafts=library_copy)
    assert result.returncode == 0, result.stderr
    assert [p.name for p in out.iterdir()] == [f"{SAMPLE_SLUG}.txt"]
    assert f"skipped {EARLY_SLUG}: spiked (withdrawn)" in result.stderr
    result = cli(
        "export", "--all", "--draft", "--status", "spiked", "--out", str(out), drafts=library_copy
    )
    assert result.returncode == 0, result.stderr
    assert (out / f"{EARLY_SLUG}.txt").read_text(encoding="utf-8").startswith(DRAFT_MARK)


def test_all_write_failure_names_the_file(cli, library_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    (out / f"{EARLY_SLUG}.md").mkdir(parents=True)  # a folder where the file should go
    result = cli(
        "export", "--all", "--draft", "--format", "md", "--out", str(out), drafts=library_copy
    )
    assert result.returncode == 2
    assert f"{out / EARLY_SLUG}.md: cannot write the export" in result.stderr
    assert not any(p.name.endswith(".tmp") for p in out.iterdir())


def test_all_out_must_be_a_folder(cli, library_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = cli("export", "--all", "--out", str(tmp_path / "file"), drafts=library_copy)
    assert result.returncode == 2 and "not a folder" in result.stderr


# ---------------------------------------------------------------------------
# Progress bar: only for a person at a terminal, only past a screenful


def test_want_progress_rule() -> None:
    assert want_progress(50, stdout_tty=True, stderr_tty=True, lines=24)
    assert not want_progress(24, stdout_tty=True, stderr_tty=True, lines=24)
    assert not want_progress(50, stdout_tty=False, stderr_tty=True, lines=24)
    assert not want_progress(50, stdout_tty=True, stderr_tty=False, lines=24)


def test_no_rich_import_when_not_a_terminal(library_copy: Path, tmp_path: Path) -> None:
    code = (
        "import sys; from newsroom.cli import main; "
        f"main(['--drafts', {str(library_copy)!r}, 'export', '--all', '--draft', "
        f"'--out', {str(tmp_path / 'o')!r}]); "
        "print('RICH' if 'rich' in sys.modules else 'NO-RICH', file=sys.stderr)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        env={**os.environ, **ENV},
    )
    assert "NO-RICH" in result.stderr, result.stderr


def test_progress_bar_in_a_terminal_with_more_releases_than_lines(
    library_copy: Path, tmp_path: Path
) -> None:
    """Run under a pseudo-terminal three lines high: two releases + the bar's own line."""
    code = (
        "import sys; from newsroom.cli import main; "
        f"code = main(['--drafts', {str(library_copy)!r}, 'export', '--all', '--draft', "
        f"'--out', {str(tmp_path / 'o')!r}]); "
        "print('RICH' if 'rich' in sys.modules else 'NO-RICH')"
    )
    primary, secondary = pty.openpty()
    env = {**os.environ, **ENV, "LINES": "1", "COLUMNS": "80", "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
        cwd=REPO,
        env=env,
    )
    os.close(secondary)
    output = b""
    while True:
        ready, _, _ = select.select([primary], [], [], 30)
        if not ready:
            break
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=30)
    os.close(primary)
    assert b"RICH" in output and b"NO-RICH" not in output, output
    assert len(list((tmp_path / "o").iterdir())) == 2

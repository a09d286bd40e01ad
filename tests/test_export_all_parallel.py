"""``export --all`` with worker processes, and the text export's quick wrapper.

A draft export of a long library is split over forked workers; whatever the
number of workers, the files, stdout, stderr and exit code must be those of
the export in one process. The wrapper must give textwrap's lines exactly.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from conftest import REPO, load_make_library
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsroom import batch_export
from newsroom.actions import spike
from newsroom.bundle import Library
from newsroom.export.text import _GLUE, TextOptions, _fill, _Writer, to_ascii

ENV = {"NEWSROOM_USER": "priya-raman"}


make_library = load_make_library()


# ---------------------------------------------------------------------------
# The wrapper


def textwrap_lines(text: str, width: int, first: str, rest: str) -> list[str]:
    return textwrap.TextWrapper(
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
        expand_tabs=True,
        replace_whitespace=True,
    ).wrap(text)


def reference_wrap(
    options: TextOptions, text: str, indent: str = "", hanging: str | None = None
) -> list[str]:
    """``_Writer.wrap`` as it was before the quick path: textwrap for every piece."""
    hanging = indent if hanging is None else hanging
    prepared = to_ascii(text, glue=True) if options.ascii else text
    lines: list[str] = []
    for piece in prepared.split("\n"):
        piece = re.sub(r"[ \t\x0b\x0c\r]+", " ", piece)
        wrapped = textwrap_lines(piece, options.width, indent if not lines else hanging, hanging)
        lines.extend(wrapped or [indent.rstrip()])
    return [line.replace(_GLUE, " ").rstrip() for line in lines]


WORD = st.text(alphabet="ab-é£/.“”" + _GLUE, min_size=1, max_size=14)
INDENT = st.sampled_from(["", " ", "  ", "- ", "> > ", "1. ", "    ", "x" * 12])


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(WORD, min_size=0, max_size=30),
    width=st.integers(1, 40),
    first=INDENT,
    rest=INDENT,
)
@example(words=["abc", "de"], width=3, first="", rest="")  # a word exactly the room
@example(words=["abcdef", "g"], width=4, first="    ", rest="      ")  # indent wider than width
def test_fill_gives_textwrap_lines(words: list[str], width: int, first: str, rest: str) -> None:
    text = " ".join(words)
    assert _fill(text, width, first, rest) == textwrap_lines(text, width, first, rest)


# Plain spaces, runs of them, tabs, NBSP, em space, line breaks, glue, controls.
MESSY = st.text(alphabet="ab é£-° \t\r\x0b\x0c\n\u00a0\u2003\u202f\x1c" + _GLUE, max_size=80)


@settings(max_examples=400, deadline=None)
@given(
    text=MESSY,
    width=st.integers(1, 30),
    ascii=st.booleans(),
    indent=INDENT,
    hanging=st.one_of(st.none(), INDENT),
)
@example(text=" lead space", width=5, ascii=False, indent="", hanging=None)
@example(text="a \u00a0 b c", width=3, ascii=False, indent="", hanging=None)
@example(text="trailing   ", width=4, ascii=False, indent="> ", hanging=None)
def test_writer_wrap_gives_what_textwrap_gave(
    text: str, width: int, ascii: bool, indent: str, hanging: str | None
) -> None:
    options = TextOptions(width=width, ascii=ascii)
    assert _Writer(options).wrap(text, indent, hanging) == reference_wrap(
        options, text, indent, hanging
    )


# ---------------------------------------------------------------------------
# Worker processes


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 generated releases, one spiked and one bundle that does not parse."""
    root = tmp_path_factory.mktemp("parallel") / "drafts"
    slugs = make_library.make_library(60, root, seed=11)
    loaded = Library.open(root)
    spiked = loaded.load(sorted(slugs)[17])
    spike(spiked, loaded, "priya-raman", "withdrawn for the test")
    loaded.save(spiked)
    broken = root / (sorted(slugs)[33][:10] + "-broken")
    broken.mkdir()
    (broken / "release.toml").write_text('schema = 1\nheadline = "unclosed\n', encoding="utf-8")
    (broken / "body.md").write_text("", encoding="utf-8")
    return root


def files(folder: Path) -> dict[str, bytes]:
    return {
        path.name: b"<folder>" if path.is_dir() else path.read_bytes()
        for path in sorted(folder.iterdir())
    }


@pytest.fixture
def export(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path):
    """``newsroom export --all`` in this process with N workers: (code, stdout, stderr,
    files, whether workers ran), the output folder's name written as OUT."""
    from newsroom.cli import main

    for key, value in ENV.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(batch_export, "PARALLEL_MIN", 10)
    original = batch_export.export_parallel
    calls: list[int] = []

    def spy(job, slugs, workers, outcome):
        calls.append(workers)
        return original(job, slugs, workers, outcome)

    monkeypatch.setattr(batch_export, "export_parallel", spy)

    def run(root: Path, workers: int, *args: str, out: Path | None = None):
        monkeypatch.setenv("NEWSROOM_WORKERS", str(workers))
        out = out or tmp_path / f"out-{workers}"
        calls.clear()
        capsys.readouterr()
        code = main(["--drafts", str(root), "export", "--all", *args, "--out", str(out)])
        captured = capsys.readouterr()
        written = files(out) if out.is_dir() else {}
        return (
            code,
            captured.out.replace(str(out), "OUT"),
            captured.err.replace(str(out), "OUT"),
            written,
            bool(calls),
        )

    return run


@pytest.mark.parametrize(
    "options",
    [
        ("--format", "text", "--draft"),
        ("--format", "text", "--draft", "--width", "40", "--ascii"),
        ("--format", "md", "--draft"),
        ("--format", "text", "--draft", "--status", "draft", "--status", "spiked"),
    ],
)
def test_workers_write_what_one_process_writes(export, library: Path, options) -> None:
    one = export(library, 1, *options)
    two = export(library, 2, *options)
    assert one[4] is False and two[4] is True  # the second really used workers
    assert two[:4] == one[:4]
    code, out, err, written = one[:4]
    assert code == 2  # the broken bundle
    assert len(written) == len(out.splitlines()) > 20
    assert "skipped" in err and "invalid bundle" in err
    if "--status" not in options:
        assert "spiked (withdrawn)" in err
    assert not [name for name in written if name.endswith(".tmp")]


def test_workers_with_three_processes_and_an_existing_folder(
    export, library: Path, tmp_path: Path
) -> None:
    """Files already there are replaced (keeping their mode), others left alone."""
    results = []
    for workers in (1, 3):
        out = tmp_path / f"existing-{workers}"
        out.mkdir()
        (out / "notes.txt").write_text("mine\n")
        first = sorted(p.name for p in library.iterdir() if (p / "body.md").exists())[0]
        (out / f"{first}.txt").write_text("old\n")
        (out / f"{first}.txt").chmod(0o600)
        results.append(export(library, workers, "--format", "text", "--draft", out=out))
        assert (out / "notes.txt").read_text() == "mine\n"
        assert (out / f"{first}.txt").read_text().startswith("DRAFT")
        assert (out / f"{first}.txt").stat().st_mode & 0o777 == 0o600
    assert results[1][4] and results[1][:4] == results[0][:4]


def test_a_write_failure_stops_both_at_the_same_release(
    export, library: Path, tmp_path: Path
) -> None:
    """A folder where one export belongs: the same paths printed before the error,
    the same files on disk, nothing staged left behind."""
    slugs = sorted(p.name for p in library.iterdir() if (p / "body.md").exists())
    blocked = slugs[40]
    results = []
    for workers in (1, 2):
        out = tmp_path / f"blocked-{workers}"
        (out / f"{blocked}.txt").mkdir(parents=True)
        results.append(export(library, workers, "--format", "text", "--draft", out=out))
    one, two = results
    assert two[4] and two[:4] == one[:4]
    code, out, err, written = one[:4]
    assert code == 2
    assert f"{blocked}.txt: cannot write the export" in err
    assert "wrote" not in err  # stopped: no summary
    assert len(out.splitlines()) == len(written) - 1  # the folder is the extra entry
    assert all(name < f"{blocked}.txt" for name in written if name != f"{blocked}.txt")
    assert not [name for name in written if name.endswith(".tmp")]


def test_a_settings_error_in_the_workers_is_reported_once(export, library: Path) -> None:
    """An address --to cannot use fails every email: the first error, nothing written."""
    args = ("--format", "eml", "--draft", "--to", "not an address")
    one = export(library, 1, *args)
    two = export(library, 2, *args)
    assert two[4] and two[:4] == one[:4]
    code, out, err, written = one[:4]
    assert code == 2 and out == "" and written == {}
    assert err.count("newsroom: ") == 1 and "not an address" in err


def test_final_exports_and_small_libraries_stay_in_one_process(export, library: Path) -> None:
    # Final (not --draft): "published" matches none here, so the library is left as it was.
    assert export(library, 2, "--format", "text", "--status", "published")[4] is False
    assert export(library, 1, "--format", "text", "--draft")[4] is False


def test_worker_count(monkeypatch: pytest.MonkeyPatch) -> None:
    def job(draft: bool) -> batch_export.BatchOptions:
        return batch_export.BatchOptions(format="text", out_dir=Path("."), draft=draft)

    monkeypatch.setenv("NEWSROOM_WORKERS", "4")
    assert batch_export.parallel_workers(job(True), batch_export.PARALLEL_MIN - 1) == 1
    assert batch_export.parallel_workers(job(True), batch_export.PARALLEL_MIN) == 2
    assert batch_export.parallel_workers(job(True), 10_000) == 4
    assert batch_export.parallel_workers(job(False), 10_000) == 1
    monkeypatch.setenv("NEWSROOM_WORKERS", "1")
    assert batch_export.parallel_workers(job(True), 10_000) == 1


def test_the_command_line_with_the_default_threshold(tmp_path: Path) -> None:
    """A real process, 250 releases (over the threshold): workers or not, the same."""
    root = tmp_path / "drafts"
    make_library.make_library(250, root, seed=4)
    results = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "newsroom",
                "--drafts",
                str(root),
                "export",
                "--all",
                "--format",
                "text",
                "--draft",
                "--out",
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=REPO,
            env={**os.environ, **ENV, "NEWSROOM_WORKERS": workers},
        )
        results.append(
            (
                result.returncode,
                result.stdout.replace(str(out), "OUT"),
                result.stderr.replace(str(out), "OUT"),
                files(out),
            )
        )
    assert results[1] == results[0]
    assert results[0][0] == 0 and len(results[0][3]) > 200


def test_progress_bar_with_workers_in_a_terminal(tmp_path: Path) -> None:
    """Under a pseudo-terminal the bar is shown while the workers export."""
    import pty
    import select

    root = tmp_path / "drafts"
    make_library.make_library(batch_export.PARALLEL_MIN + 20, root, seed=9)
    out = tmp_path / "o"
    code = (
        "import sys; from newsroom.cli import main; from newsroom import batch_export; "
        "calls = []; original = batch_export.export_parallel; "
        "batch_export.export_parallel = lambda *a: calls.append(a[2]) or original(*a); "
        f"code = main(['--drafts', {str(root)!r}, 'export', '--all', '--draft', "
        f"'--out', {str(out)!r}]); "
        "print('WORKERS', calls, 'RICH' if 'rich' in sys.modules else 'NO-RICH', 'CODE', code)"
    )
    primary, secondary = pty.openpty()
    env = {
        **os.environ,
        **ENV,
        "LINES": "5",
        "COLUMNS": "1000",
        "TERM": "xterm",
        "NEWSROOM_WORKERS": "2",
    }
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
        ready, _, _ = select.select([primary], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(primary, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    process.wait(timeout=60)
    os.close(primary)
    assert b"WORKERS [2] RICH CODE 0" in output, output[-2000:]
    assert b"Exporting" in output
    written = sorted(out.iterdir())
    assert len(written) > batch_export.PARALLEL_MIN and not [p for p in written if ".tmp" in p.name]
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output.decode()).replace("\r", "\n")
    printed = [line for line in text.splitlines() if line.startswith(str(out))]
    assert [Path(line.strip()) for line in printed] == written  # each path once, in order

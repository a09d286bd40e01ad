"""Shared fixtures for every test module.

Tests never touch the real ``drafts/``: they copy it into ``tmp_path`` with
``library_copy`` (or build an empty library with ``empty_library``) and
assert on the files there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newsroom.bundle import Library

REPO = Path(__file__).resolve().parent.parent


def load_make_library():
    """benchmarks/make_library.py as a module (benchmarks/ is not a package)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_library", REPO / "benchmarks" / "make_library.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DRAFTS = REPO / "drafts"
SAMPLE_SLUG = "2026-11-24-lido-reopens"
EARLY_SLUG = "2026-11-20-bus-route-consultation"
# Every release of the sample library, sorted (the two above, and any added later).
SAMPLE_SLUGS = sorted(
    p.name for p in DRAFTS.iterdir() if not p.name.startswith(".") and (p / "release.toml").exists()
)


def snapshot_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (relative path -> bytes), to prove nothing changed.

    Not ``.newsroom/``: newsroom's private caches (list index, picture hashes,
    renditions) may be filled by any command that reads the library."""
    return {
        str(path.relative_to(root)): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".newsroom" not in path.relative_to(root).parts
    }


@pytest.fixture(autouse=True)
def own_config(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own user config folder: the real one (who you are in which
    library, your signing key) never leaks in, and tests never write to it."""
    home = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def no_terminal_size_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """pytest-xdist's workers run with COLUMNS=80 and LINES=24 set. Every program a
    test starts would inherit them and take them over its real terminal (Python's
    ``shutil.get_terminal_size`` reads them first): the real TUI in a 120x40 tmux
    pane drew itself at 80x24. Serial or parallel, tests see the same environment."""
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)


@pytest.fixture
def library_copy(tmp_path: Path) -> Path:
    """A private copy of the sample library ``drafts/``; returns its folder."""
    target = tmp_path / "drafts"
    # Per-machine state of the real library (an editor's lock, a save in
    # flight, the list index) is not part of the sample.
    state = shutil.ignore_patterns(".newsroom", ".lock", ".saving", ".*.tmp", ".*.new")
    shutil.copytree(DRAFTS, target, ignore=state)
    return target


@pytest.fixture
def library(library_copy: Path) -> Library:
    """The sample library copy, opened."""
    return Library.open(library_copy)


@pytest.fixture
def empty_library(tmp_path: Path) -> Path:
    """A library folder with a minimal newsroom.toml and people.toml, no releases."""
    root = tmp_path / "empty"
    root.mkdir()
    (root / "newsroom.toml").write_text(
        'schema = 1\n\n[organisation]\nname = "Test Group"\n', encoding="utf-8"
    )
    (root / "people.toml").write_text(
        'schema = 1\n\n[people.jane-doe]\nname = "Jane Doe"\nrole = "Chair"\n',
        encoding="utf-8",
    )
    return root


@pytest.fixture
def tree_snapshot() -> Callable[[Path], dict[str, bytes]]:
    """``snapshot_tree`` as a fixture, for modules that prefer not to import conftest."""
    return snapshot_tree


def run_newsroom(
    *args: str,
    drafts: Path | None = None,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    python_flags: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m newsroom ARGS`` in a fresh interpreter; text output."""
    full_env = {k: v for k, v in os.environ.items() if k != "NEWSROOM_DRAFTS"}
    full_env["PYTHONIOENCODING"] = "utf-8"
    full_env.update(env or {})
    command = [sys.executable, *python_flags, "-m", "newsroom"]
    if drafts is not None:
        command += ["--drafts", str(drafts)]
    command += list(args)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        cwd=cwd or REPO,
        timeout=60,
    )


@pytest.fixture
def newsroom_cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``run_newsroom`` as a fixture: ``newsroom_cli("list", "--json", drafts=path)``."""
    return run_newsroom


# The longest tests (see docs/testing.md, `--durations`), started first: with
# pytest-xdist's work stealing, a minute-long test begun last would leave the
# other workers idle at the end. Only the order changes; every test still runs.
RUN_FIRST = (
    "tui/test_every_field.py",
    "test_crash_safety.py",
    "tui/test_media_pane.py",
    "tui/test_editor.py",
    "tui/test_quotes.py",
    "tui/test_tmux.py",
    "tui/test_journey.py",
    "tui/test_kill_recovery.py",
    "tui/test_hangup.py",
    "tui/",
)


def _start_rank(item: pytest.Item) -> int:
    path = Path(str(item.fspath)).relative_to(REPO / "tests").as_posix()
    for rank, prefix in enumerate(RUN_FIRST):
        if path.startswith(prefix):
            return rank
    return len(RUN_FIRST)


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """``-n auto``: one and a half workers a core (three on two). One a core left
    the cores idle a third of the time (Textual's pilot sleeping between keys,
    real programs starting); four made every test slower and the whole run
    longer (docs/testing.md has the figures)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return cores + cores // 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    items.sort(key=_start_rank)  # stable: the order within a file is kept

"""Crash safety: SIGKILL a process mid-save, hundreds of times; the bundle is old or new.

A child process saves a large release over and over, alternating two
versions A and B that differ in both files. The test kills it with SIGKILL at
a random moment, reaps it, loads the bundle in the test process and asserts
the two files on disk are exactly version A's or exactly version B's bytes:
never one file of each, never a torn file. ``NEWSROOM_KILLS`` changes the
number of kills (default 250); the seed is printed so a failure can be replayed.

The children are forked from the test process (the code is already imported,
so a kill costs milliseconds, not an interpreter start); one test also runs a
real separate interpreter. Linux/macOS only (fork, SIGKILL).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from newsroom.bundle import Library
from newsroom.fsio import JOURNAL_FILE
from newsroom.layout import BODY_FILE, RELEASE_FILE
from newsroom.model import Quote, Release

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL")

KILLS = int(os.environ.get("NEWSROOM_KILLS", "250"))
SLUG = "2026-11-25-big-release"
REPO = Path(__file__).resolve().parent.parent


def _version(label: str) -> Release:
    """A large release (~450 KB body, ~60 KB of TOML) whose every part says ``label``."""
    body = "".join(
        f"Paragraph {n} of version {label}: the council's budget, line by line, "
        f"so that a torn write would show.\n\n"
        for n in range(5000)
    )
    body += "{{< quote q1 >}}\n"
    release = Release(slug=SLUG, headline=f"Version {label}", body=body)
    release.quotes.append(Quote(id="q1", text=f"Version {label} quote. " * 3000))
    release.notes_to_editors = [f"Note {n} ({label})" for n in range(50)]
    if label == "B":
        release.standfirst = "Only B has a standfirst, so the TOML differs in shape too."
    return release


def _library(tmp_path: Path) -> Path:
    root = tmp_path / "drafts"
    root.mkdir()
    (root / "newsroom.toml").write_text(
        'schema = 1\n\n[organisation]\nname = "T"\n', encoding="utf-8"
    )
    (root / SLUG).mkdir()
    return root


def _versions(root: Path) -> dict[str, dict[str, bytes]]:
    """Save A then B once, and record the exact bytes each leaves on disk."""
    files = {}
    for label in ("A", "B"):
        library = Library.open(root)
        library.save(_version(label), force=True)
        files[label] = _on_disk(root)
    return files


def _on_disk(root: Path) -> dict[str, bytes]:
    return {name: (root / SLUG / name).read_bytes() for name in (RELEASE_FILE, BODY_FILE)}


def _which(files: dict[str, bytes], versions: dict[str, dict[str, bytes]]) -> str | None:
    for label, expected in versions.items():
        if files == expected:
            return label
    return None


def _describe_mix(files: dict[str, bytes], versions: dict[str, dict[str, bytes]]) -> str:
    parts = []
    for name, data in files.items():
        owner = [label for label, v in versions.items() if v[name] == data]
        parts.append(f"{name}: {owner[0] if owner else f'torn ({len(data)} bytes)'}")
    return ", ".join(parts)


def _save_forever(root: Path, start: str, releases: dict[str, Release] | None = None) -> None:
    """The child: alternate saving A and B until killed."""
    try:
        library = Library.open(root)
        library.load(SLUG)
        releases = releases or {"A": _version("A"), "B": _version("B")}
        label = start
        while True:
            library.save(releases[label], force=True)
            label = "B" if label == "A" else "A"
    finally:
        os._exit(3)  # never return into pytest


def test_sigkill_during_save_leaves_the_old_or_the_new_version(tmp_path: Path) -> None:
    root = _library(tmp_path)
    versions = _versions(root)
    assert versions["A"][RELEASE_FILE] != versions["B"][RELEASE_FILE]
    assert versions["A"][BODY_FILE] != versions["B"][BODY_FILE]
    assert len(versions["A"][BODY_FILE]) > 400_000

    # How long one save takes here, so the kills land inside saves.
    library = Library.open(root)
    started = time.perf_counter()
    for label in ("A", "B", "A", "B"):
        library.save(_version(label), force=True)
    save_time = (time.perf_counter() - started) / 4
    window = 2 * save_time + 0.005  # the child also loads once before saving
    releases = {"A": _version("A"), "B": _version("B")}

    seed = random.randrange(2**32)
    print(f"seed={seed} kills={KILLS} save={save_time * 1000:.1f} ms")
    rng = random.Random(seed)
    seen: Counter[str] = Counter()
    interrupted: Counter[str] = Counter()
    # Most of a save is rendering in memory; only kills in its write phase
    # leave temp files to recover. Keep killing (up to 4x) until enough have.
    wanted = max(KILLS // 25, 1)
    kill = -1
    while kill + 1 < KILLS or (sum(interrupted.values()) < wanted and kill + 1 < 4 * KILLS):
        kill += 1
        current = _which(_on_disk(root), versions)
        assert current is not None
        child = os.fork()
        if child == 0:
            _save_forever(root, "B" if current == "A" else "A", releases)
        time.sleep(rng.uniform(0, window))  # a random moment of the save: under test
        os.kill(child, signal.SIGKILL)
        _, status = os.waitpid(child, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
            f"kill {kill}: the child ended on its own (status {status}), seed={seed}"
        )
        leftovers = sorted(
            p.name for p in (root / SLUG).iterdir() if p.name not in (RELEASE_FILE, BODY_FILE)
        )
        if JOURNAL_FILE in leftovers:
            interrupted["journal written, renames pending: rolled forward"] += 1
        elif any(name.endswith(".new") for name in leftovers):
            interrupted["staged, no journal: rolled back"] += 1
        elif leftovers:
            interrupted["other temp files"] += 1

        release = Library.open(root).load(SLUG)  # must load, and recover
        files = _on_disk(root)
        label = _which(files, versions)
        assert label is not None, (
            f"kill {kill}: mixed or torn bundle ({_describe_mix(files, versions)}), seed={seed}"
        )
        assert release.headline == f"Version {label}"
        assert sorted(p.name for p in (root / SLUG).iterdir()) == [BODY_FILE, RELEASE_FILE], (
            f"kill {kill}: the load left crash debris behind, seed={seed}"
        )
        seen[label] += 1
    print(
        f"kills: {kill + 1}; versions after kills: {dict(seen)}; "
        f"interrupted saves: {dict(interrupted)}"
    )
    # The kills really landed inside saves' write phase, not only between saves.
    assert sum(interrupted.values()) >= wanted, interrupted
    assert seen["A"] and seen["B"]


def test_sigkill_of_a_separate_interpreter_mid_save(tmp_path: Path) -> None:
    """The same promise with a freshly started interpreter, not a fork."""
    root = _library(tmp_path)
    versions = _versions(root)
    script = (
        "import sys\n"
        "sys.path.insert(0, sys.argv[2])\n"
        "from test_crash_safety import _save_forever\n"
        "from pathlib import Path\n"
        "print('ready', flush=True)\n"
        "_save_forever(Path(sys.argv[1]), 'A')\n"
    )
    rng = random.Random()
    for _ in range(8):
        child = subprocess.Popen(
            [sys.executable, "-c", script, str(root), str(Path(__file__).parent)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(rng.uniform(0.0, 0.1))  # a random moment to kill at: under test
        child.send_signal(signal.SIGKILL)
        child.wait()
        Library.open(root).load(SLUG)
        assert _which(_on_disk(root), versions) is not None


def test_a_reader_never_sees_half_a_save_in_progress(tmp_path: Path) -> None:
    """``newsroom list`` while the editor saves: every load is all A or all B."""
    root = _library(tmp_path)
    versions = _versions(root)
    child = os.fork()
    if child == 0:
        _save_forever(root, "A")
    try:
        seen: Counter[str] = Counter()
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline or len(seen) < 2:
            release = Library.open(root).load(SLUG)
            label = release.headline.removeprefix("Version ")
            assert label in ("A", "B")
            quote = release.quote("q1")
            assert quote is not None and quote.text.startswith(f"Version {label} quote")
            assert f"of version {label}:" in release.body
            assert f"of version {'B' if label == 'A' else 'A'}:" not in release.body
            seen[label] += 1
            if time.monotonic() > deadline + 10:
                break
        # The saver is still saving: the loads never swept or replayed its
        # staging files or journal from under it (it would have died).
        assert os.waitpid(child, os.WNOHANG) == (0, 0), "the saver died during the loads"
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    print(f"concurrent loads: {dict(seen)}")
    assert seen["A"] and seen["B"]
    Library.open(root).load(SLUG)
    assert _which(_on_disk(root), versions) is not None


def test_a_pending_journal_in_a_read_only_library_is_read_through(
    tmp_path: Path, monkeypatch
) -> None:
    """A crash after the journal, then the folder became read-only: read the new version."""
    import newsroom.fsio as fsio

    root = _library(tmp_path)
    versions = _versions(root)  # B is on disk
    library = Library.open(root)
    library.load(SLUG)
    real_replace = os.replace

    def crash_after_journal(src, dst):
        if str(dst).endswith(JOURNAL_FILE):
            return real_replace(src, dst)
        raise KeyboardInterrupt  # dies before renaming the staged files

    monkeypatch.setattr(fsio.os, "replace", crash_after_journal)
    with pytest.raises(KeyboardInterrupt):
        library.save(_version("A"), force=True)
    assert _which(_on_disk(root), versions) == "B"

    def read_only(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fsio.os, "replace", read_only)
    monkeypatch.setattr(fsio.os, "unlink", read_only)
    monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: read_only(self, self))
    before = sorted(p.name for p in (root / SLUG).iterdir())
    release = Library.open(root).load(SLUG)
    assert release.headline == "Version A"  # the committed save, read through the journal
    assert "of version A:" in release.body
    assert sorted(p.name for p in (root / SLUG).iterdir()) == before  # nothing touched
    monkeypatch.undo()
    Library.open(root).load(SLUG)  # writable again: rolled forward for good
    assert _which(_on_disk(root), versions) == "A"

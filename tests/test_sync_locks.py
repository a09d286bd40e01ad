"""`newsroom sync` takes the edit locks, or refuses to touch a locked release (issue 14).

Before git changes anything, sync locks every release of the library and
holds the locks until it has finished; when any release is open in an
editor (its lock held by another process, or left by one that is gone) it
refuses with exit 2, names the release and its holder, and leaves the
repository as it was: no rebase in progress, HEAD and the files unchanged.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG
from test_git import Volunteer, edit, git, office  # noqa: F401  (office is a fixture)

from newsroom import locks
from newsroom.git import sync as git_sync
from newsroom.git.conflicts import rebase_in_progress
from newsroom.git.repo import find_repo

HOLD = """
import sys, time
from newsroom import locks
lock = locks.acquire(sys.argv[1], sys.argv[2])
print("held", flush=True)
time.sleep(120)
"""


@pytest.fixture
def editor_elsewhere(office):  # noqa: F811
    """Another process on this machine with SAMPLE_SLUG open in David's clone."""
    _, _, david = office
    child = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(david.drafts), SAMPLE_SLUG],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "held"
    yield child
    child.kill()
    child.wait()


def test_sync_refuses_a_release_open_in_an_editor_and_changes_nothing(
    office,  # noqa: F811
    editor_elsewhere,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, amira, david = office
    edit(amira, SAMPLE_SLUG, standfirst="Amira's change, waiting for David.")
    assert amira.newsroom("sync", "--commit") == 0
    head = git(david.root, "rev-parse", "HEAD").stdout
    body = (david.drafts / SAMPLE_SLUG / "release.toml").read_bytes()
    capsys.readouterr()
    assert david.newsroom("sync") == 2
    err = capsys.readouterr().err
    assert SAMPLE_SLUG in err and "being edited by" in err
    assert f"process {editor_elsewhere.pid}" in err
    repo = find_repo(david.library())
    assert not rebase_in_progress(repo)
    assert git(david.root, "rev-parse", "HEAD").stdout == head
    assert (david.drafts / SAMPLE_SLUG / "release.toml").read_bytes() == body
    assert david.status() == "" or all(".lock" in line for line in david.status().splitlines())
    # Only the editor's lock is left: sync released the ones it took.
    locked = sorted(p.parent.name for p in david.drafts.glob("*/.lock"))
    assert locked == [SAMPLE_SLUG]
    # Once the editor closes, the same sync goes through.
    editor_elsewhere.kill()
    editor_elsewhere.wait()
    (david.drafts / SAMPLE_SLUG / ".lock").unlink()  # left by the killed editor
    assert david.newsroom("sync") == 0
    assert david.library().load(SAMPLE_SLUG).standfirst == "Amira's change, waiting for David."


def test_sync_holds_every_lock_while_git_works_and_releases_them(office, monkeypatch) -> None:  # noqa: F811
    _, amira, david = office
    edit(amira, SAMPLE_SLUG, standfirst="Changed while David syncs.")
    assert amira.newsroom("sync", "--commit") == 0
    seen: dict[str, bool] = {}
    real = git_sync.pull_rebase

    def watching(library, *args, **kwargs):
        for slug in library.slugs():
            holder = locks.holder(library.root, slug)
            seen[slug] = holder is not None and holder.mine
        return real(library, *args, **kwargs)

    monkeypatch.setattr(git_sync, "pull_rebase", watching)
    assert david.newsroom("sync") == 0
    assert seen and all(seen.values()), seen
    assert not list(david.drafts.glob("*/.lock"))


def test_a_lock_left_by_a_dead_editor_also_stops_sync(
    office,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, david = office
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, os; from newsroom import locks; "
            "locks.acquire(sys.argv[1], sys.argv[2]); os._exit(0)",
            str(david.drafts),
            SAMPLE_SLUG,
        ],
        check=True,
    )
    assert child.returncode == 0 and (david.drafts / SAMPLE_SLUG / ".lock").exists()
    capsys.readouterr()
    assert david.newsroom("sync") == 2
    err = capsys.readouterr().err
    assert "no longer running" in err and SAMPLE_SLUG in err
    assert Path(david.drafts / SAMPLE_SLUG / ".lock").exists()  # never taken silently

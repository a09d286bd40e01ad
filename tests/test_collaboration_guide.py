"""docs/collaboration.md followed literally: one person creates the library,
a bare repository stands in for the git host, a second volunteer clones it,
and both use plain `newsroom sync` in their clone (issue 21)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from newsroom.cli import main

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SLUG = "2026-12-01-lido-opening-date"
PEOPLE = """schema = 1

[people.priya-raman]
name = "Priya Raman"
role = "Press Officer"
email = "press@example.org.uk"

[people.amira-okafor]
name = "Cllr Amira Okafor"
role = "Vice Chair"
email = "amira.okafor@example.org.uk"
"""


class Machine:
    """One volunteer's computer: their HOME (global git settings) and a current folder."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch, name: str, email: str = ""):
        self.home = root / "home"
        self.home.mkdir(parents=True)
        self.cwd = root
        self.monkeypatch = monkeypatch
        self.git("config", "--global", "user.name", name)
        if email:
            self.git("config", "--global", "user.email", email)
        self.git("config", "--global", "init.defaultBranch", "main")

    def _enter(self) -> None:
        self.monkeypatch.setenv("HOME", str(self.home))
        self.monkeypatch.setenv("XDG_CONFIG_HOME", str(self.home / ".config"))
        self.monkeypatch.chdir(self.cwd)

    def git(self, *args: str) -> str:
        self._enter()
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def newsroom(self, capsys: pytest.CaptureFixture[str], *args: str) -> str:
        self._enter()
        code = main(list(args))
        out, err = capsys.readouterr()
        assert code == 0, f"newsroom {' '.join(args)} (exit {code}): {err}"
        return out + err

    def cd(self, folder: str) -> None:
        self.cwd = (self.cwd / folder).resolve()


def test_the_guide_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    for name in ("NEWSROOM_DRAFTS", "NEWSROOM_USER", "GIT_DIR", "GIT_WORK_TREE", "EMAIL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    shared = tmp_path / "shared" / "press-office.git"

    # 1. One person creates the library.
    priya = Machine(tmp_path / "priya", monkeypatch, "Priya Raman", "press@example.org.uk")
    priya.newsroom(
        capsys, "init", "press-office", "--git", "--organisation", "Hollinsbury Progressives"
    )
    priya.cd("press-office")
    settings = priya.cwd / "newsroom.toml"
    text = settings.read_text(encoding="utf-8")
    assert "\napprovers = []\n" in text
    settings.write_text(
        text.replace("\napprovers = []\n", '\napprovers = ["priya-raman"]\n', 1), encoding="utf-8"
    )
    (priya.cwd / "people.toml").write_text(PEOPLE, encoding="utf-8")
    priya.git("commit", "-am", "Our settings and people")

    # 2. An empty repository (a bare one on a shared drive), connected; the first sync.
    priya.git("init", "--bare", "--initial-branch=main", str(shared))
    priya.git("remote", "add", "origin", str(shared))
    priya.newsroom(capsys, "sync")

    # 3. Everyone else clones it.
    amira = Machine(tmp_path / "amira", monkeypatch, "Amira Okafor")
    amira.git("clone", str(shared))
    amira.cd("press-office")
    amira.git("config", "user.email", "amira.okafor@example.org.uk")

    # 4. Day to day: plain `newsroom sync` in the clone finds the library there.
    amira.newsroom(capsys, "sync")
    amira.newsroom(capsys, "new", SLUG, "--headline", "Lido opening date set")
    amira.newsroom(capsys, "sync", "--commit")
    report = priya.newsroom(capsys, "sync")
    assert SLUG in report
    assert (priya.cwd / SLUG / "release.toml").exists()

    # Sign-off commits, found as the guide says.
    priya.newsroom(capsys, "submit", SLUG, "--note", "ready")
    priya.newsroom(capsys, "sync")
    amira.newsroom(capsys, "sync")
    assert "Submit" in amira.git("log", "--grep", f"^Release: {SLUG}$", "--format=%s")
    touched = amira.git("log", "--format=%s", "--", SLUG)
    assert "Submit" in touched and touched.count("\n") >= 2
    history = amira.newsroom(capsys, "history", SLUG)
    assert "submit" in history
    # The clone as it was before the last sync, from the library folder.
    before = amira.git("show", f"newsroom/before-sync:./{SLUG}/body.md")
    assert before == (amira.cwd / SLUG / "body.md").read_text(encoding="utf-8")

"""Who is acting: the environment decides, once; --as only confirms it."""

from __future__ import annotations

import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG, snapshot_tree

from newsroom import identity, userconfig
from newsroom.bundle import Library
from newsroom.cli import main

DAVID_EMAIL = "david.osei@hollinsbury-progressives.example.org.uk"


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    monkeypatch.delenv("NEWSROOM_DRAFTS", raising=False)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setattr(identity, "os_user", lambda: "pr4")
    return gitconfig


def cli(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--drafts", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sources_in_order(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch, own_config: Path
) -> None:
    library = Library.open(library_copy)
    assert identity.from_environment(library).person == ""
    # Remembered on this machine: the weakest.
    userconfig.remember_person(library_copy, "tom-whitfield")
    assert identity.from_environment(library) == identity.Identity(
        "tom-whitfield", identity.SOURCE_REMEMBERED
    )
    # The OS user matched to a username in people.toml comes before it.
    library.people["priya-raman"].extra["username"] = "pr4"
    found = identity.from_environment(library)
    assert (found.person, found.source) == ("priya-raman", "operating-system user pr4")
    # git's user.email before that.
    subprocess.run(["git", "config", "--global", "user.email", DAVID_EMAIL], check=True)
    assert identity.from_environment(library).source == identity.SOURCE_GIT
    assert identity.from_environment(library).person == "david-osei"
    # NEWSROOM_USER first of all; naming nobody is an error, not a fall-through.
    monkeypatch.setenv("NEWSROOM_USER", "amira-okafor")
    assert identity.from_environment(library).person == "amira-okafor"
    monkeypatch.setenv("NEWSROOM_USER", "amira-okafr")
    with pytest.raises(identity.IdentityError, match="amira-okafr"):
        identity.from_environment(library)


def test_remembered_choice_lives_in_the_users_config_not_the_library(
    library_copy: Path, own_config: Path, capsys
) -> None:
    before = snapshot_tree(library_copy)
    code, out, _ = cli(library_copy, capsys, "whoami")
    assert code == 0 and "Nobody yet" in out and "whoami --set" in out
    code, out, _ = cli(library_copy, capsys, "whoami", "--set", "priya-raman")
    assert code == 0 and "You are Priya Raman (priya-raman, remembered" in out
    assert snapshot_tree(library_copy) == before  # nothing in the shared files
    saved = tomllib.loads((own_config / "newsroom" / "config.toml").read_text())
    assert saved["libraries"][str(library_copy.resolve())]["person"] == "priya-raman"
    # Another library on the same machine is not affected.
    assert userconfig.remembered_person(library_copy.parent) == ""
    assert cli(library_copy, capsys, "submit", SAMPLE_SLUG)[0] == 0
    data = tomllib.loads((library_copy / SAMPLE_SLUG / "release.toml").read_text())
    assert data["history"][-1]["by"] == "priya-raman"


def test_approve_as_someone_else_without_for_is_refused(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    cli(library_copy, capsys, "clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor")
    cli(library_copy, capsys, "clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield")
    before = snapshot_tree(library_copy)
    code, _, err = cli(library_copy, capsys, "approve", SAMPLE_SLUG, "--as", "david-osei")
    assert code == 1
    assert "you are priya-raman (NEWSROOM_USER), not david-osei" in err
    assert f"newsroom approve {SAMPLE_SLUG} --for david-osei --via phone|email|in-person" in err
    assert snapshot_tree(library_copy) == before
    # Saying who you are is fine.
    assert cli(library_copy, capsys, "approve", SAMPLE_SLUG, "--as", "priya-raman")[0] == 0


def test_nobody_identified_says_how(library_copy: Path, capsys) -> None:
    code, _, err = cli(library_copy, capsys, "submit", SAMPLE_SLUG)
    assert code == 2
    assert "NEWSROOM_USER" in err and "whoami --set" in err and "username = 'pr4'" in err

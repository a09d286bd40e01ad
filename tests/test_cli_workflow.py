"""The sign-off commands end to end: exit codes, messages and the files on disk."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, SAMPLE_SLUG, run_newsroom, snapshot_tree

from newsroom.cli import main
from newsroom.export.text import DRAFT_MARK

DAVID_EMAIL = "david.osei@hollinsbury-progressives.example.org.uk"


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No identity leaks in from the machine running the tests."""
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    monkeypatch.delenv("NEWSROOM_DRAFTS", raising=False)
    empty = tmp_path / "gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


class Run:
    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.root = root
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        code = main(["--drafts", str(self.root), *args])
        captured = self.capsys.readouterr()
        return code, captured.out, captured.err


@pytest.fixture
def run(library_copy: Path, capsys: pytest.CaptureFixture[str]) -> Run:
    return Run(library_copy, capsys)


def release_toml(root: Path, slug: str = SAMPLE_SLUG) -> dict:
    return tomllib.loads((root / slug / "release.toml").read_text(encoding="utf-8"))


def sign_off(run: Run) -> None:
    assert run("clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor")[0] == 0
    assert run("clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield")[0] == 0
    assert run("approve", SAMPLE_SLUG, "--as", "david-osei")[0] == 0


# ---------------------------------------------------------------------------


def test_check_exit_codes_and_json(run: Run) -> None:
    code, out, _ = run("check", EARLY_SLUG)
    assert code == 1 and "body.md line 3: leftover marker 'TODO' (blocking)" in out
    code, out, _ = run("check", EARLY_SLUG, "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert {
        "id": "markers",
        "level": "error",
        "message": "leftover marker 'TODO'",
        "where": "body.md line 3",
        "blocking": True,
        "waived": False,
    } in data["results"]
    run("clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor")
    run("clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield")
    code, out, _ = run("check", SAMPLE_SLUG, "--json")
    assert code == 0 and json.loads(out)["ok"] is True


def test_identity_comes_from_as_then_env_then_git(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot_tree(run.root)
    code, _, err = run("submit", SAMPLE_SLUG)
    assert code == 2 and "--as PERSON_ID" in err and "NEWSROOM_USER" in err
    code, _, err = run("submit", SAMPLE_SLUG, "--as", "nobody-here")
    assert code == 2 and "'nobody-here'" in err and "people.toml" in err
    assert snapshot_tree(run.root) == before

    subprocess.run(["git", "init", "-q", str(run.root)], check=True)
    subprocess.run(
        ["git", "-C", str(run.root), "config", "user.email", DAVID_EMAIL.upper()], check=True
    )
    assert run("submit", SAMPLE_SLUG)[0] == 0
    assert release_toml(run.root)["history"][-1]["by"] == "david-osei"

    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    assert run("submit", SAMPLE_SLUG, "--note", "again")[0] == 0
    assert release_toml(run.root)["history"][-1]["by"] == "priya-raman"
    # --as may confirm who you are, never change it.
    assert run("submit", SAMPLE_SLUG, "--as", "priya-raman", "--note", "3")[0] == 0
    assert release_toml(run.root)["history"][-1]["by"] == "priya-raman"
    before = snapshot_tree(run.root)
    code, _, err = run("submit", SAMPLE_SLUG, "--as", "tom-whitfield", "--note", "4")
    assert code == 1 and "you are priya-raman (NEWSROOM_USER), not tom-whitfield" in err
    assert snapshot_tree(run.root) == before


def test_non_approver_refused_with_who_may(run: Run) -> None:
    run("clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor")
    run("clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield")
    before = snapshot_tree(run.root)
    code, _, err = run("approve", SAMPLE_SLUG, "--as", "tom-whitfield")
    assert code == 1
    assert "tom-whitfield may not approve" in err and "priya-raman, david-osei" in err
    assert snapshot_tree(run.root) == before


def test_approval_refused_names_failing_checks(run: Run) -> None:
    code, _, err = run("approve", EARLY_SLUG, "--as", "david-osei")
    assert code == 1 and "markers" in err and "cleared" in err


def test_clear_by_someone_else_refused(run: Run) -> None:
    before = snapshot_tree(run.root)
    code, _, err = run("clear", SAMPLE_SLUG, "okafor", "--by", "tom-whitfield")
    assert code == 1 and "only the speaker, amira-okafor" in err
    code, _, err = run("clear", SAMPLE_SLUG, "nope", "--by", "amira-okafor")
    assert code == 2 and "no quote 'nope'" in err
    assert snapshot_tree(run.root) == before
    code, out, _ = run(
        "clear",
        SAMPLE_SLUG,
        "okafor",
        "--by",
        "amira-okafor",
        "--via",
        "in-person",
        "--note",
        "at the gates",
    )
    assert code == 0
    (clearance,) = [c for c in release_toml(run.root)["clearances"] if c["quote"] == "okafor"]
    assert clearance["via"] == "in-person" and clearance["note"] == "at the gates"


def test_export_gate(run: Run, tmp_path: Path) -> None:
    history_before = release_toml(run.root)["history"]
    code, out, err = run("export", SAMPLE_SLUG)
    assert code == 1 and out == "" and "--draft" in err
    code, out, _ = run("export", SAMPLE_SLUG, "--draft")
    lines = out.rstrip("\n").split("\n")
    assert code == 0 and lines[0] == DRAFT_MARK and lines[-1] == DRAFT_MARK
    assert release_toml(run.root)["history"] == history_before  # a draft records nothing

    sign_off(run)
    target = tmp_path / "out.txt"
    code, _, _ = run("export", SAMPLE_SLUG, "-o", str(target))
    assert code == 0 and DRAFT_MARK not in target.read_text(encoding="utf-8")
    data = release_toml(run.root)
    (published,) = [e for e in data["history"] if e["action"] == "publish"]
    assert published["digest"] == data["approvals"][0]["digest"]
    code, out, _ = run("list", "--json")
    assert {r["slug"]: r["status"] for r in json.loads(out)}[SAMPLE_SLUG] == "published"


def test_verify_and_diff_after_an_edit(run: Run) -> None:
    sign_off(run)
    code, out, _ = run("verify")
    assert code == 0 and "every approval, clearance and waiver claimed is valid (3 in all)" in out
    body = run.root / SAMPLE_SLUG / "body.md"
    body.write_text(
        body.read_text(encoding="utf-8").replace("seven to two", "eight to one"), encoding="utf-8"
    )
    code, out, _ = run("verify", SAMPLE_SLUG)
    assert code == 1
    assert out.startswith(f"{SAMPLE_SLUG}: approval by david-osei is stale")
    code, out, _ = run("diff", SAMPLE_SLUG)
    assert code == 0 and out.startswith("--- approved by david-osei at ")
    assert any(line.startswith("-") and "seven to two" in line for line in out.splitlines())
    assert any(line.startswith("+") and "eight to one" in line for line in out.splitlines())


def test_hand_edited_digest_fails_verify(run: Run) -> None:
    sign_off(run)
    path = run.root / SAMPLE_SLUG / "release.toml"
    text = path.read_text(encoding="utf-8")
    digest = release_toml(run.root)["approvals"][0]["digest"]
    head, _, approvals = text.partition("[[approvals]]")
    forged = digest[:-1] + ("0" if digest[-1] != "0" else "1")
    path.write_text(head + "[[approvals]]" + approvals.replace(digest, forged, 1), encoding="utf-8")
    code, out, _ = run("verify", SAMPLE_SLUG)
    assert code == 1 and "digest edited by hand" in out


def test_request_changes_spike_and_history(run: Run) -> None:
    with pytest.raises(SystemExit) as exited:  # argparse: --note is required
        run("request-changes", SAMPLE_SLUG, "--as", "david-osei")
    assert exited.value.code == 2
    assert run("request-changes", SAMPLE_SLUG, "--as", "david-osei", "--note", "Cut par 2")[0] == 0
    assert run("spike", SAMPLE_SLUG, "--as", "priya-raman", "--note", "Vote delayed")[0] == 0
    code, out, _ = run("list")
    assert "spiked" in out
    code, _, err = run("export", SAMPLE_SLUG)
    assert code == 1 and "spiked" in err
    assert run("spike", SAMPLE_SLUG, "--as", "priya-raman", "--undo")[0] == 0
    history = release_toml(run.root)["history"][-3:]
    assert [(e["action"], e["by"]) for e in history] == [
        ("request-changes", "david-osei"),
        ("spike", "priya-raman"),
        ("unspike", "priya-raman"),
    ]
    assert history[0]["note"] == "Cut par 2" and history[1]["note"] == "Vote delayed"


def test_same_approver_twice_is_a_no_op(run: Run) -> None:
    sign_off(run)
    before = snapshot_tree(run.root)
    code, out, _ = run("approve", SAMPLE_SLUG, "--as", "david-osei")
    assert code == 0 and "counts once" in out
    assert snapshot_tree(run.root) == before


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_signed_approval_from_the_command_line(run: Run, tmp_path: Path) -> None:
    key = tmp_path / "id_david"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    (run.root / "allowed_signers").write_text(
        f"{DAVID_EMAIL} {key.with_suffix('.pub').read_text()}"
    )
    run("clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor")
    run("clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield")
    code, out, _ = run("approve", SAMPLE_SLUG, "--as", "david-osei", "--sign", str(key))
    assert code == 0 and "signed" in out
    assert run("verify", SAMPLE_SLUG)[0] == 0
    code, _, err = run(
        "approve", SAMPLE_SLUG, "--as", "priya-raman", "--sign", str(tmp_path / "missing")
    )
    assert code == 2 and "no such key" in err


def test_workflow_commands_do_not_import_textual_or_rich(library_copy: Path) -> None:
    probe = (
        "import sys, runpy; sys.argv = ['newsroom', '--drafts', sys.argv[1], 'verify'];"
        "from newsroom.cli import main; code = main(sys.argv[1:]);"
        "import newsroom.checks, newsroom.signing, newsroom.identity, newsroom.workflow;"
        "bad = [m for m in ('textual', 'rich') if m in sys.modules];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    import sys

    result = subprocess.run(
        [sys.executable, "-c", probe, str(library_copy)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_verify_subprocess_exit_code(library_copy: Path) -> None:
    result = run_newsroom("verify", drafts=library_copy)
    assert result.returncode == 0, result.stderr


def test_sign_off_refused_while_someone_edits_the_release(run: Run) -> None:
    from datetime import UTC, datetime

    from newsroom.locks import LOCK_FILE, LockInfo

    info = LockInfo(
        user="carol",
        host="someone-elses-laptop",
        pid=4242,
        since=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        token="other",
    )
    (run.root / SAMPLE_SLUG / LOCK_FILE).write_bytes(info.to_json())
    before = snapshot_tree(run.root)
    for args in (
        ["clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor"],
        ["submit", SAMPLE_SLUG, "--as", "priya-raman"],
        ["spike", SAMPLE_SLUG, "--as", "priya-raman", "--note", "x"],
    ):
        code, _, err = run(*args)
        assert code == 2 and "carol" in err, (args, err)
    assert snapshot_tree(run.root) == before
    assert run("verify", SAMPLE_SLUG)[0] == 0  # reading ignores the lock

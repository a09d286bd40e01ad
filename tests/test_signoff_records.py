"""Recorded approvals (approve --for) and signing with the key people already have,
with real throwaway ssh-keygen keys."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG, snapshot_tree

from newsroom import signing
from newsroom.actions import approve, clear
from newsroom.audit import verify
from newsroom.bundle import Library
from newsroom.cli import main
from newsroom.signoff import counting_approvals
from newsroom.workflow import NeedsPassphrase, SignWith

needs_keygen = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed"
)
DAVID = "david.osei@hollinsbury-progressives.example.org.uk"
PRIYA = "press@hollinsbury-progressives.example.org.uk"


def keygen(path: Path, passphrase: str = "") -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", passphrase, "-C", path.name, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(autouse=True)
def hermetic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    monkeypatch.delenv("NEWSROOM_DRAFTS", raising=False)
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Test\n\temail = test@example.org\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    return gitconfig


def cli(root: Path, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--drafts", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def cleared(root: Path, capsys) -> None:
    assert cli(root, capsys, "clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor")[0] == 0
    assert cli(root, capsys, "clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield")[0] == 0


def set_rules(root: Path, **values: bool) -> None:
    text = (root / "newsroom.toml").read_text(encoding="utf-8")
    for key, value in values.items():
        line = f"{key} = {'true' if value else 'false'}"
        if f"{key} = " in text:
            text = "\n".join(
                line if row.startswith(f"{key} = ") else row for row in text.split("\n")
            )
        else:
            text = text.replace("[rules]\n", f"[rules]\n{line}\n")
    (root / "newsroom.toml").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------
# Recorded approvals


def test_proxy_approval_is_recorded_as_such_in_history_and_commit_trailers(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # A library of its own in git (the sample turns git off for newsroom's own repo).
    text = (library_copy / "newsroom.toml").read_text(encoding="utf-8")
    (library_copy / "newsroom.toml").write_text(text.replace("enabled = false", "enabled = true"))
    subprocess.run(["git", "init", "-q", str(library_copy)], check=True)
    subprocess.run(["git", "-C", str(library_copy), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(library_copy), "commit", "-qm", "start"], check=True)
    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    cleared(library_copy, capsys)
    code, out, err = cli(
        library_copy,
        capsys,
        "approve",
        SAMPLE_SLUG,
        "--for",
        "david-osei",
        "--via",
        "phone",
        "--note",
        "rang at 9, happy with it",
    )
    assert code == 0, err
    assert "Recorded david-osei's approval" in out and "recorded by priya-raman" in out
    data = tomllib.loads((library_copy / SAMPLE_SLUG / "release.toml").read_text())
    approval = data["approvals"][-1]
    assert (approval["by"], approval["recorded_by"], approval["via"]) == (
        "david-osei",
        "priya-raman",
        "phone",
    )
    event = data["history"][-1]
    assert (event["by"], event["recorded_by"], event["via"]) == (
        "david-osei",
        "priya-raman",
        "phone",
    )
    # It counts (allow_recorded defaults to true).
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    assert [a.by for a in counting_approvals(release, library)] == ["david-osei"]

    message = subprocess.run(
        ["git", "-C", str(library_copy), "log", "-1", "--format=%B"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert f"Approved-by: David Osei <{DAVID}>" in message
    assert f"Recorded-by: Priya Raman <{PRIYA}> (via phone)" in message

    code, out, _ = cli(library_copy, capsys, "history", SAMPLE_SLUG)
    assert code == 0
    assert "recorded by priya-raman via phone (not entered by david-osei)" in out
    assert "Recorded-by: Priya Raman" not in out or "recorded by priya-raman" in out
    code, out, _ = cli(library_copy, capsys, "verify", SAMPLE_SLUG)
    assert code == 0
    assert "approval by david-osei was recorded by priya-raman via phone" in out


def test_recorded_needs_via_and_honours_allow_recorded(
    library_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("NEWSROOM_USER", "priya-raman")
    cleared(library_copy, capsys)
    before = snapshot_tree(library_copy)
    code, _, err = cli(library_copy, capsys, "approve", SAMPLE_SLUG, "--for", "david-osei")
    assert code == 2 and "--via" in err
    set_rules(library_copy, allow_recorded=False)
    before = snapshot_tree(library_copy)
    code, _, err = cli(
        library_copy, capsys, "approve", SAMPLE_SLUG, "--for", "david-osei", "--via", "email"
    )
    assert code == 1 and "allow_recorded = false" in err
    assert snapshot_tree(library_copy) == before
    # One recorded while it was allowed stops counting when the rule changes.
    set_rules(library_copy, allow_recorded=True)
    assert (
        cli(library_copy, capsys, "approve", SAMPLE_SLUG, "--for", "david-osei", "--via", "email")[
            0
        ]
        == 0
    )
    set_rules(library_copy, allow_recorded=False)
    code, out, _ = cli(library_copy, capsys, "verify", SAMPLE_SLUG)
    assert code == 1 and "does not count approvals recorded for someone else" in out


# ---------------------------------------------------------------------------
# Signing


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, Path]:
    root = tmp_path / "keys"
    root.mkdir()
    return {name: keygen(root / name) for name in ("david", "priya", "stranger")}


@needs_keygen
def test_keys_add_and_list(library_copy: Path, keys: dict[str, Path], capsys) -> None:
    code, out, _ = cli(
        library_copy, capsys, "keys", "add", "david-osei", str(keys["david"]) + ".pub"
    )
    assert code == 0 and "Listed ssh-ed25519 key for david-osei" in out
    signers = (library_copy / "allowed_signers").read_text()
    assert f"{DAVID} ssh-ed25519 " in signers and signers.startswith("#")
    assert cli(library_copy, capsys, "keys", "add", "david-osei", str(keys["david"]) + ".pub")[
        1
    ].startswith("That key is already listed")
    code, _, err = cli(library_copy, capsys, "keys", "add", "david-osei", str(keys["david"]))
    assert code == 2 and "private key" in err
    code, _, err = cli(
        library_copy, capsys, "keys", "add", "helen-marsh", str(keys["priya"]) + ".pub"
    )
    assert code == 2 and "no email" in err
    code, out, _ = cli(library_copy, capsys, "keys", "list")
    assert code == 0 and "david-osei" in out and "SHA256:" in out


@needs_keygen
def test_approvals_are_signed_with_gits_ssh_signing_key(
    library_copy: Path,
    keys: dict[str, Path],
    hermetic: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    cli(library_copy, capsys, "keys", "add", "david-osei", str(keys["david"]) + ".pub")
    with hermetic.open("a") as handle:
        handle.write(f"[gpg]\n\tformat = ssh\n[user]\n\tsigningkey = {keys['david']}.pub\n")
    monkeypatch.setenv("SSH_AUTH_SOCK", "")  # .pub: the agent would hold the private half
    monkeypatch.setenv("NEWSROOM_USER", "david-osei")
    cleared(library_copy, capsys)
    # No agent here: point git at the private key itself, as many do.
    text = hermetic.read_text().replace(f"{keys['david']}.pub", str(keys["david"]))
    hermetic.write_text(text)
    code, out, err = cli(library_copy, capsys, "approve", SAMPLE_SLUG)
    assert code == 0, err
    assert "signed" in out
    set_rules(library_copy, require_signatures=True)
    code, out, _ = cli(library_copy, capsys, "verify", SAMPLE_SLUG)
    assert code == 0, out


@needs_keygen
def test_signing_key_from_the_users_own_config_and_wrong_keys(
    library_copy: Path,
    keys: dict[str, Path],
    own_config: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys,
) -> None:
    cli(library_copy, capsys, "keys", "add", "david-osei", str(keys["david"]) + ".pub")
    cli(library_copy, capsys, "keys", "add", "priya-raman", str(keys["priya"]) + ".pub")
    config = own_config / "newsroom" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[signing]\nkey = "{keys["stranger"]}"\n')
    monkeypatch.setenv("NEWSROOM_USER", "david-osei")
    cleared(library_copy, capsys)
    # A configured key that is not listed for you: approved unsigned, and told why.
    code, out, _ = cli(library_copy, capsys, "approve", SAMPLE_SLUG)
    assert code == 0 and "not signed: " in out and "keys add david-osei" in out
    set_rules(library_copy, require_signatures=True)
    code, out, _ = cli(library_copy, capsys, "verify", SAMPLE_SLUG)
    assert code == 1 and "approval by david-osei is not signed" in out
    # Required: the stranger's key is refused outright.
    before = snapshot_tree(library_copy)
    code, _, err = cli(library_copy, capsys, "approve", SAMPLE_SLUG)
    assert code == 1 and "signer not allowed" in err
    assert snapshot_tree(library_copy) == before
    # David's own key (from the config) signs; verify is happy.
    config.write_text(f'[signing]\nkey = "{keys["david"]}"\n')
    code, out, err = cli(library_copy, capsys, "approve", SAMPLE_SLUG)
    assert code == 0 and "signed" in out, err
    assert cli(library_copy, capsys, "verify", SAMPLE_SLUG)[0] == 0


@needs_keygen
def test_verify_rejects_wrong_key_tampered_digest_and_recorded_under_required_signatures(
    library_copy: Path, keys: dict[str, Path], capsys
) -> None:
    cli(library_copy, capsys, "keys", "add", "david-osei", str(keys["david"]) + ".pub")
    cli(library_copy, capsys, "keys", "add", "priya-raman", str(keys["priya"]) + ".pub")
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    clear(release, library, "okafor", "amira-okafor")
    clear(release, library, "whitfield", "tom-whitfield")
    good = approve(release, library, "david-osei", key=keys["david"])
    approve(release, library, "priya-raman", key=keys["priya"])
    assert verify(library.load(SAMPLE_SLUG), library) == []
    path = library_copy / SAMPLE_SLUG / "release.toml"
    original = path.read_text(encoding="utf-8")

    # Wrong key: David's approval carrying a signature by a key not listed for him.
    stranger = signing.sign(good.digest, keys["stranger"])
    path.write_text(original.replace(good.signature.strip(), stranger.strip()))
    problems = verify(library.load(SAMPLE_SLUG), library)
    assert any("approval by david-osei: signer not allowed" in p for p in problems)
    # Priya's key is listed, but not for David: still not his signature.
    by_priya = signing.sign(good.digest, keys["priya"])
    path.write_text(original.replace(good.signature.strip(), by_priya.strip()))
    problems = verify(library.load(SAMPLE_SLUG), library)
    assert any("approval by david-osei: signer not allowed" in p for p in problems)

    # Tampered digest, history line and all: the signature no longer matches.
    tampered = good.digest[:-1] + ("0" if good.digest[-1] != "0" else "1")
    path.write_text(original.replace(good.digest, tampered))
    problems = verify(library.load(SAMPLE_SLUG), library)
    assert any("approval by david-osei: bad signature" in p for p in problems)

    # Recorded for someone else, under require_signatures: does not count.
    path.write_text(original)
    release = library.load(SAMPLE_SLUG)
    release.approvals = []
    library.save(release)
    recorded = approve(
        release, library, "david-osei", recorded_by="priya-raman", via="phone", key=keys["priya"]
    )
    assert recorded.signature  # signed by the recorder, Priya
    assert verify(library.load(SAMPLE_SLUG), library) == []
    set_rules(library_copy, require_signatures=True)
    library = Library.open(library_copy)
    problems = verify(library.load(SAMPLE_SLUG), library)
    assert problems == [
        "approval by david-osei (recorded by priya-raman via phone) is not "
        "signed by david-osei; newsroom.toml requires signed approvals"
    ]
    assert counting_approvals(library.load(SAMPLE_SLUG), library) == []


@needs_keygen
def test_a_protected_key_asks_for_its_passphrase(
    library_copy: Path, tmp_path: Path, capsys
) -> None:
    key = keygen(tmp_path / "locked", "correct horse")
    cli(library_copy, capsys, "keys", "add", "david-osei", str(key) + ".pub")
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    clear(release, library, "okafor", "amira-okafor")
    clear(release, library, "whitfield", "tom-whitfield")
    before = snapshot_tree(library_copy)
    with pytest.raises(NeedsPassphrase):
        approve(release, library, "david-osei", key=SignWith(key, explicit=False))
    with pytest.raises(NeedsPassphrase, match="wrong passphrase"):
        approve(release, library, "david-osei", key=SignWith(key, "nope", explicit=False))
    assert snapshot_tree(library_copy) == before
    done = approve(
        release, library, "david-osei", key=SignWith(key, "correct horse", explicit=False)
    )
    assert done is not None and done.signature
    assert verify(library.load(SAMPLE_SLUG), library) == []


def test_the_sample_library_names_no_missing_signers_file() -> None:
    from conftest import DRAFTS

    from newsroom.signers import entries, path

    sample = Library.open(DRAFTS)
    assert path(sample).is_file()
    assert not sample.settings.rules.require_signatures and entries(sample) == []

"""SSH-signed approvals, made and checked by ssh-keygen with throwaway keys."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG

from newsroom import signing
from newsroom.actions import approve, clear
from newsroom.audit import verify
from newsroom.bundle import Library
from newsroom.digest import release_digest
from newsroom.signoff import status, valid_approvals
from newsroom.workflow import APPROVED, Refused

pytestmark = pytest.mark.skipif(
    shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed"
)

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DAVID = "david.osei@hollinsbury-progressives.example.org.uk"
PRIYA = "press@hollinsbury-progressives.example.org.uk"
MESSAGE = "sha256:" + "ab" * 32


def keygen(path: Path) -> Path:
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", path.name, "-f", str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("keys")
    return {name: keygen(root / name) for name in ("david", "priya", "stranger")}


def signers_line(email: str, key: Path) -> str:
    return f"{email} {key.with_suffix('.pub').read_text().strip()}\n"


@pytest.fixture
def lib(library_copy: Path, keys: dict[str, Path]) -> Library:
    (library_copy / "allowed_signers").write_text(
        signers_line(DAVID, keys["david"]) + signers_line(PRIYA, keys["priya"])
    )
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    clear(release, library, "okafor", "amira-okafor", now=NOW)
    clear(release, library, "whitfield", "tom-whitfield", now=NOW)
    return library


# ---------------------------------------------------------------------------
# signing.py on its own


def test_sign_and_verify(keys: dict[str, Path], tmp_path: Path) -> None:
    signers = tmp_path / "allowed_signers"
    signers.write_text(signers_line(DAVID, keys["david"]))
    signature = signing.sign(MESSAGE, keys["david"])
    assert signature.startswith(signing.SIGNATURE_HEADER)
    assert signing.verify(MESSAGE, signature, DAVID, signers).ok


def test_one_byte_changed_is_a_bad_signature(keys: dict[str, Path], tmp_path: Path) -> None:
    signers = tmp_path / "allowed_signers"
    signers.write_text(signers_line(DAVID, keys["david"]))
    signature = signing.sign(MESSAGE, keys["david"])
    changed = MESSAGE[:-1] + "c"
    assert signing.verify(changed, signature, DAVID, signers).result == signing.BAD_SIGNATURE
    body = signature.split("\n")
    body[2] = body[2][:10] + ("A" if body[2][10] != "A" else "B") + body[2][11:]
    mangled = "\n".join(body)
    assert signing.verify(MESSAGE, mangled, DAVID, signers).result == signing.BAD_SIGNATURE


def test_key_not_in_allowed_signers(keys: dict[str, Path], tmp_path: Path) -> None:
    signers = tmp_path / "allowed_signers"
    signers.write_text(signers_line(DAVID, keys["david"]))
    signature = signing.sign(MESSAGE, keys["stranger"])
    verdict = signing.verify(MESSAGE, signature, DAVID, signers)
    assert verdict.result == signing.SIGNER_NOT_ALLOWED
    # David's real key, but claimed for someone else: not allowed either.
    signature = signing.sign(MESSAGE, keys["david"])
    assert signing.verify(MESSAGE, signature, PRIYA, signers).result == signing.SIGNER_NOT_ALLOWED


def test_sign_with_a_missing_key_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(signing.SigningError, match="no such key"):
        signing.sign(MESSAGE, tmp_path / "nope")


# ---------------------------------------------------------------------------
# Signed approvals


def test_signed_approval_verifies(lib: Library, keys: dict[str, Path]) -> None:
    release = lib.load(SAMPLE_SLUG)
    approval = approve(release, lib, "david-osei", key=keys["david"], now=NOW)
    assert approval.signature
    fresh = Library.open(lib.root)
    again = fresh.load(SAMPLE_SLUG)
    assert verify(again, fresh) == []
    assert status(again, fresh) == APPROVED


def test_one_byte_of_the_release_changed_breaks_the_signature(
    lib: Library, keys: dict[str, Path]
) -> None:
    """Even when the approval's digest and its history line are forged to match."""
    release = lib.load(SAMPLE_SLUG)
    approve(release, lib, "david-osei", key=keys["david"], now=NOW)
    release.standfirst = release.standfirst.replace("4,200", "4,300")
    forged = release_digest(release, lib)
    release.approvals[0].digest = forged
    release.history[-1].digest = forged
    lib.save(release)
    fresh = Library.open(lib.root)
    again = fresh.load(SAMPLE_SLUG)
    problems = verify(again, fresh)
    assert any("bad signature" in line for line in problems), problems
    assert valid_approvals(again, fresh) == []


def test_approving_with_a_key_not_in_allowed_signers_is_refused(
    lib: Library, keys: dict[str, Path]
) -> None:
    release = lib.load(SAMPLE_SLUG)
    before = (lib.root / SAMPLE_SLUG / "release.toml").read_bytes()
    with pytest.raises(Refused, match="signer not allowed"):
        approve(release, lib, "david-osei", key=keys["stranger"], now=NOW)
    assert (lib.root / SAMPLE_SLUG / "release.toml").read_bytes() == before


def test_signature_by_a_key_not_in_allowed_signers_fails_verify(
    lib: Library, keys: dict[str, Path]
) -> None:
    release = lib.load(SAMPLE_SLUG)
    approve(release, lib, "david-osei", key=keys["david"], now=NOW)
    # Someone swaps in a signature of the same digest made with their own key.
    release.approvals[0].signature = signing.sign(release.approvals[0].digest, keys["stranger"])
    lib.save(release)
    problems = verify(release, lib)
    assert any("signer not allowed" in line for line in problems), problems


def test_required_signatures(lib: Library, keys: dict[str, Path]) -> None:
    lib.settings.rules.require_signatures = True
    release = lib.load(SAMPLE_SLUG)
    with pytest.raises(Refused, match="--sign"):
        approve(release, lib, "david-osei", now=NOW)
    # An unsigned approval recorded while signatures were optional no longer counts.
    lib.settings.rules.require_signatures = False
    approve(release, lib, "david-osei", now=NOW)
    assert status(release, lib) == APPROVED
    lib.settings.rules.require_signatures = True
    assert status(release, lib) != APPROVED
    assert any("not signed" in line for line in verify(release, lib))
    # Signing on top adds a signed approval; the person still counts once.
    approve(release, lib, "david-osei", key=keys["david"], now=NOW)
    assert status(release, lib) == APPROVED
    assert len(valid_approvals(release, lib)) == 1

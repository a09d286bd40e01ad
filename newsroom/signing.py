"""SSH signatures over a digest, made and checked by ``ssh-keygen -Y``.

The signed message is the digest string itself (``sha256:`` and 64 hex
digits, ASCII, no newline), in the namespace ``newsroom-release``: the same
scheme git uses for SSH-signed commits, so the same keys and the same
``allowed_signers`` file serve both.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

NAMESPACE = "newsroom-release"
SIGNATURE_HEADER = "-----BEGIN SSH SIGNATURE-----"
TIMEOUT = 30

# Verdicts of ``verify``.
GOOD = "good"
BAD_SIGNATURE = "bad signature"
SIGNER_NOT_ALLOWED = "signer not allowed"
UNAVAILABLE = "cannot verify"


class SigningError(Exception):
    """Signing failed (no ssh-keygen, unreadable key, wrong passphrase…)."""


class PassphraseNeeded(SigningError):
    """The key is protected by a passphrase, and none (or a wrong one) was given."""


# ssh-keygen asks for a passphrase through this helper, never on the terminal
# (which may belong to the TUI): it prints what newsroom was given, or nothing.
_ASKPASS = "#!/bin/sh\nprintf '%s\\n' \"$NEWSROOM_SSH_PASSPHRASE\"\n"
_PASSPHRASE_ENV = "NEWSROOM_SSH_PASSPHRASE"


@dataclass(frozen=True)
class Verdict:
    result: str  # GOOD, BAD_SIGNATURE, SIGNER_NOT_ALLOWED or UNAVAILABLE
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.result == GOOD


def ssh_keygen() -> str | None:
    return shutil.which("ssh-keygen")


def _run(
    args: list[str], data: bytes, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    # A new session has no controlling terminal: ssh-keygen cannot open
    # /dev/tty and write a prompt over the TUI.
    return subprocess.run(
        args,
        input=data,
        capture_output=True,
        timeout=TIMEOUT,
        check=False,
        env=env,
        start_new_session=True,
    )


def _is_encrypted(program: str, key: Path) -> bool:
    """Whether ``key`` is a private key that needs a passphrase."""
    try:
        head = Path(key).read_bytes()[:64]
    except OSError:
        return False
    if b"PRIVATE KEY" not in head:
        return False  # a public key: the private half is in ssh-agent
    result = _run([program, "-y", "-P", "", "-f", str(key)], b"")
    return result.returncode != 0


def _last_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line]
    return lines[-1] if lines else ""


def sign(message: str, key: Path, passphrase: str | None = None) -> str:
    """An armoured SSH signature of ``message`` made with the private ``key``.

    ``key`` may also be a public key whose private half is in ssh-agent.
    Raises ``PassphraseNeeded`` when the key is protected and ``passphrase``
    is missing or wrong: the caller asks and tries again.
    """
    program = ssh_keygen()
    if program is None:
        raise SigningError("ssh-keygen is not installed; it is needed to sign approvals")
    if not Path(key).is_file():
        raise SigningError(f"{key}: no such key file")
    with tempfile.TemporaryDirectory(prefix="newsroom-askpass-") as folder:
        helper = Path(folder) / "askpass"
        helper.write_text(_ASKPASS, encoding="ascii")
        helper.chmod(0o700)
        env = dict(
            os.environ,
            SSH_ASKPASS=str(helper),
            SSH_ASKPASS_REQUIRE="force",
            **{_PASSPHRASE_ENV: passphrase or ""},
        )
        try:
            result = _run(
                [program, "-q", "-Y", "sign", "-f", str(key), "-n", NAMESPACE],
                message.encode("ascii"),
                env,
            )
        except subprocess.TimeoutExpired:
            raise SigningError(f"{key}: ssh-keygen did not finish signing") from None
    signature = result.stdout.decode("ascii", "replace")
    if result.returncode != 0 or SIGNATURE_HEADER not in signature:
        if _is_encrypted(program, Path(key)):
            raise PassphraseNeeded(
                f"{key}: wrong passphrase" if passphrase else f"{key} is protected by a passphrase"
            )
        raise SigningError(f"{key}: ssh-keygen could not sign: {_last_line(result.stderr)}")
    return signature.strip() + "\n"


@dataclass(frozen=True)
class ConfiguredKey:
    path: Path
    source: str  # "[signing] key in ~/.config/newsroom/config.toml" or "git user.signingkey"


def configured_key(cwd: Path) -> ConfiguredKey | None:
    """The key this user signs with, without being asked each time.

    ``[signing] key`` in their own newsroom config wins; else git's
    ``user.signingkey`` when ``gpg.format = ssh`` (what git uses to sign
    commits). A literal ``key::ssh-ed25519 …`` is written to a file in the
    user's config folder: ssh-keygen signs with its private half from ssh-agent.
    """
    from . import userconfig
    from .identity import git_config

    written = userconfig.signing_key()
    if written:
        return ConfiguredKey(
            Path(written).expanduser(), f"[signing] key in {userconfig.config_path()}"
        )
    if git_config(cwd, "gpg.format").lower() != "ssh":
        return None
    value = git_config(cwd, "user.signingkey")
    if not value:
        return None
    source = "git config user.signingkey"
    literal = value.removeprefix("key::")
    if literal != value or literal.startswith(("ssh-", "ecdsa-", "sk-")):
        path = userconfig.config_dir() / "signing-key.pub"
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(literal.strip() + "\n", encoding="ascii")
        except (OSError, UnicodeEncodeError):
            return None
        return ConfiguredKey(path, source)
    return ConfiguredKey(Path(value).expanduser(), source)


def verify(message: str, signature: str, principal: str, allowed_signers: Path) -> Verdict:
    """Whether ``signature`` is a good signature of ``message`` by ``principal``.

    Two steps, so the verdict says what is wrong: ``check-novalidate`` asks
    whether the signature is sound at all; ``verify`` whether its key belongs
    to ``principal`` in ``allowed_signers``.
    """
    program = ssh_keygen()
    if program is None:
        return Verdict(UNAVAILABLE, "ssh-keygen is not installed")
    if SIGNATURE_HEADER not in signature:
        return Verdict(BAD_SIGNATURE, "not an SSH signature")
    data = message.encode("ascii", "replace")
    fd, sig_name = tempfile.mkstemp(prefix="newsroom-", suffix=".sig")
    try:
        with os.fdopen(fd, "w", encoding="ascii", errors="replace") as handle:
            handle.write(signature)
        try:
            sound = _run([program, "-Y", "check-novalidate", "-n", NAMESPACE, "-s", sig_name], data)
            if sound.returncode != 0:
                detail = _last_line(sound.stderr) or _last_line(sound.stdout)
                return Verdict(BAD_SIGNATURE, detail or "the signature does not match")
            if not principal:
                return Verdict(SIGNER_NOT_ALLOWED, "the approver has no email in people.toml")
            if not Path(allowed_signers).is_file():
                return Verdict(SIGNER_NOT_ALLOWED, f"{allowed_signers}: no such file")
            checked = _run(
                [
                    program,
                    "-Y",
                    "verify",
                    "-f",
                    str(allowed_signers),
                    "-I",
                    principal,
                    "-n",
                    NAMESPACE,
                    "-s",
                    sig_name,
                ],
                data,
            )
        except subprocess.TimeoutExpired:
            return Verdict(UNAVAILABLE, "ssh-keygen did not finish")
        if checked.returncode != 0:
            # The signature is sound (checked above): its key is just not the principal's.
            return Verdict(
                SIGNER_NOT_ALLOWED,
                f"the signing key is not listed for {principal} in {allowed_signers}",
            )
        return Verdict(GOOD)
    finally:
        os.unlink(sig_name)

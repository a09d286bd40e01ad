"""The library's ``allowed_signers`` file: whose SSH key is whose.

Git's format (``ssh-keygen -Y verify``, ``gpg.ssh.allowedSignersFile``), one
key a line, the person named by their email in people.toml::

    david.osei@example.org ssh-ed25519 AAAAC3Nz… david's laptop

A signature counts only when its key is listed here for the person who
signed, so adding a line is how a branch says "this key is David's". The
file is shared with the library (and reviewed like any other change to it).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from .bundle import Library
from .fsio import atomic_write

DEFAULT_NAME = "allowed_signers"
HEADER = """\
# Whose SSH key is whose, for signed approvals (and git's signed commits).
# One key a line: the person's email in people.toml, then their public key.
# Add one with `newsroom keys add PERSON_ID ~/.ssh/id_ed25519.pub`.
"""
KEY_TYPES = (
    "ssh-ed25519",
    "ssh-rsa",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
)


class SignersError(Exception):
    """Bad input for ``keys add``: unknown person, no email, not a public key (exit 2)."""


@dataclass(frozen=True)
class Entry:
    principal: str
    key_type: str
    key: str
    comment: str = ""
    line: int = 0

    def fingerprint(self) -> str:
        from .signing import ssh_keygen

        program = ssh_keygen()
        if program is None:
            return ""
        try:
            result = subprocess.run(
                [program, "-l", "-f", "-"],
                capture_output=True,
                timeout=10,
                input=f"{self.key_type} {self.key}\n".encode("ascii"),
                check=False,
            )
        except (OSError, subprocess.SubprocessError, UnicodeEncodeError):
            return ""
        parts = result.stdout.decode("ascii", "replace").split()
        return parts[1] if result.returncode == 0 and len(parts) > 1 else ""


def path(library: Library) -> Path:
    return library.root / (library.settings.rules.allowed_signers or DEFAULT_NAME)


def create(library: Library) -> Path:
    """An allowed_signers file with only its explanation, unless one exists."""
    target = path(library)
    if not target.exists():
        atomic_write(target, HEADER.encode("utf-8"))
    return target


def _parse_key(text: str) -> tuple[str, str, str] | None:
    """(type, base64, comment) of the first public key in ``text``."""
    for line in text.splitlines():
        words = line.split()
        for index, word in enumerate(words):
            if word in KEY_TYPES and index + 1 < len(words):
                return word, words[index + 1], " ".join(words[index + 2 :])
    return None


def entries(library: Library) -> list[Entry]:
    try:
        text = path(library).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return []
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parsed = _parse_key(line)
        if parsed is not None:
            found.append(Entry(line.split()[0], *parsed, line=number))
    return found


def person_of(library: Library, principal: str) -> str:
    """The person id whose email is ``principal`` (any of a comma list); '' if none."""
    wanted = {p.strip().lower() for p in principal.split(",")}
    for person in library.people.values():
        if person.email and person.email.strip().lower() in wanted:
            return person.id
    return ""


def add(library: Library, person_id: str, key_file: Path) -> tuple[Entry, bool]:
    """List ``key_file``'s public key for the person; (entry, whether it was new)."""
    person = library.people.get(person_id)
    if person is None:
        raise SignersError(f"no person {person_id!r} in {library.root / 'people.toml'}")
    email = person.email.strip()
    if not email or any(c.isspace() for c in email):
        raise SignersError(
            f"{person_id} has no email in people.toml; a key is listed under "
            "the person's email, so add one first"
        )
    try:
        text = Path(key_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SignersError(f"{key_file}: cannot read ({error})") from None
    if "PRIVATE KEY" in text:
        raise SignersError(f"{key_file} is a private key; give the public one (the .pub file)")
    parsed = _parse_key(text)
    if parsed is None:
        raise SignersError(
            f"{key_file}: no SSH public key in it (expected a line such as "
            "'ssh-ed25519 AAAA… comment')"
        )
    key_type, key, comment = parsed
    for entry in entries(library):
        if entry.key == key and person_of(library, entry.principal) == person_id:
            return entry, False
    target = path(library)
    try:
        before = target.read_text(encoding="utf-8") if target.exists() else HEADER
    except (OSError, UnicodeDecodeError) as error:
        raise SignersError(f"{target}: cannot read ({error})") from None
    if before and not before.endswith("\n"):
        before += "\n"
    # Comments are the key owner's text: one line, nothing that could break the format.
    comment = " ".join(comment.split())[:80]
    line = f"{email} {key_type} {key}" + (f" {comment}" if comment else "")
    atomic_write(target, (before + line + "\n").encode("utf-8"))
    number = (before + line).count("\n") + 1
    return Entry(email, key_type, key, comment, number), True

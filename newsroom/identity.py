"""Who is acting: ``--as``, else ``NEWSROOM_USER``, else git's ``user.email``.

Every answer is a person id from ``people.toml``: history, approvals and
clearances name people, never free text.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from .bundle import PEOPLE_FILE, Library

ENV_USER = "NEWSROOM_USER"


class IdentityError(Exception):
    """Nobody could be identified, or the name given is not in people.toml (exit 2)."""


def _find(library: Library, value: str) -> str | None:
    """A person id for ``value``: an id, or an email address (case-insensitive)."""
    if value in library.people:
        return value
    wanted = value.strip().lower()
    for person in library.people.values():
        if person.email and person.email.strip().lower() == wanted:
            return person.id
    return None


def git_email(cwd: Path) -> str:
    """``git config user.email`` as seen from ``cwd``; '' when git or the setting is missing."""
    try:
        result = subprocess.run(
            ["git", "config", "user.email"],
            cwd=cwd, capture_output=True, text=True, timeout=10, check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def resolve(library: Library, explicit: str | None = None, *, required: bool = True) -> str:
    """The acting person's id; '' when not ``required`` and nobody is known.

    An explicit ``--as`` or ``NEWSROOM_USER`` that names nobody is always an
    error: acting under a mistyped name must not silently fall through.
    """
    people_file = library.root / PEOPLE_FILE
    for source, value in (("--as", explicit), (ENV_USER, os.environ.get(ENV_USER))):
        if value:
            found = _find(library, value)
            if found is None:
                raise IdentityError(
                    f"{source} {value!r}: no person with that id or email in {people_file}"
                )
            return found
    email = git_email(library.root)
    if email:
        found = _find(library, email)
        if found is not None:
            return found
    if not required:
        return ""
    seen = f"git config user.email is {email!r}, which matches nobody" if email else (
        "git config user.email is not set"
    )
    raise IdentityError(
        f"who are you? Pass --as PERSON_ID or set {ENV_USER}; {seen} in {people_file}"
    )

"""Who is acting: worked out from the environment, once.

In order: ``NEWSROOM_USER``; else the person whose email is git's
``user.email``; else the person whose ``username`` in people.toml is the
operating-system user; else the person this machine's user chose for this
library before (remembered in their own config, never in the library).

Every answer is a person id from ``people.toml``: history, approvals and
clearances name people, never free text. ``--as`` may only repeat who you
are; acting for someone else is recorded as such (``approve --for``).
"""

from __future__ import annotations

import getpass
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .bundle import Library
from .layout import PEOPLE_FILE
from .model import Person

ENV_USER = "NEWSROOM_USER"
USERNAME_KEY = "username"  # people.toml: the person's login name on their computer

SOURCE_ENV = ENV_USER
SOURCE_GIT = "git user.email"
SOURCE_OS = "operating-system user"
SOURCE_REMEMBERED = "remembered on this computer"
SOURCE_AS = "--as"


class IdentityError(Exception):
    """Nobody could be identified, or the name given is not in people.toml (exit 2)."""

    exit_code = 2


class NotYou(IdentityError):
    """``--as`` names someone other than who the environment says you are (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Identity:
    person: str  # a person id; '' when nobody matched
    source: str = ""  # where it came from, for the header and messages
    detail: str = ""  # what did not match, when nobody did

    def describe(self, library: Library) -> str:
        """'Priya Raman (priya-raman, from NEWSROOM_USER)' for headers and messages."""
        if not self.person:
            return "nobody yet"
        person = library.people.get(self.person)
        name = person.name if person else self.person
        return f"{name} ({self.person}, {self.source})"


def find_person(library: Library, value: str) -> str | None:
    """A person id for ``value``: an id, or an email address (case-insensitive)."""
    if value in library.people:
        return value
    wanted = value.strip().lower()
    for person in library.people.values():
        if person.email and person.email.strip().lower() == wanted:
            return person.id
    return None


def username_of(person: Person) -> str:
    value = person.extra.get(USERNAME_KEY, "")
    return value.strip() if isinstance(value, str) else ""


def os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return ""


def git_email(cwd: Path) -> str:
    """``git config user.email`` as seen from ``cwd``; '' when git or the setting is missing."""
    return git_config(cwd, "user.email")


def git_config(cwd: Path, key: str) -> str:
    try:
        result = subprocess.run(
            ["git", "config", "--get", key],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


def from_environment(library: Library) -> Identity:
    """Who the environment says is acting; ``Identity('')`` when nobody matches.

    A ``NEWSROOM_USER`` that names nobody is an error: acting under a mistyped
    name must not silently fall through to someone else.
    """
    value = os.environ.get(ENV_USER, "").strip()
    if value:
        found = find_person(library, value)
        if found is None:
            raise IdentityError(
                f"{ENV_USER} {value!r}: no person with that id or email in "
                f"{library.root / PEOPLE_FILE}"
            )
        return Identity(found, SOURCE_ENV)
    unmatched = []
    email = git_email(library.root)
    if email:
        found = find_person(library, email)
        if found is not None:
            return Identity(found, SOURCE_GIT)
        unmatched.append(f"git config user.email is {email!r}, which matches nobody")
    else:
        unmatched.append("git config user.email is not set")
    login = os_user()
    if login:
        for person in library.people.values():
            if username_of(person) == login:
                return Identity(person.id, f"{SOURCE_OS} {login}")
        unmatched.append(f"nobody has username = {login!r}")
    from .userconfig import remembered_person

    remembered = remembered_person(library.root)
    if remembered in library.people:
        return Identity(remembered, SOURCE_REMEMBERED)
    return Identity("", "", "; ".join(unmatched))


def how_to_say_who() -> str:
    return (
        f"set {ENV_USER}=PERSON_ID, or run `newsroom whoami --set PERSON_ID` once "
        "(remembered on this computer)"
    )


def resolve(
    library: Library, explicit: str | None = None, *, required: bool = True, hint: str = ""
) -> str:
    """The acting person's id; '' when not ``required`` and nobody is known.

    ``explicit`` (``--as``) must name the person the environment identifies,
    when it identifies anyone: it is there for scripts to state who they
    expect to be, not to act as someone else. ``hint`` says how to act for
    someone else properly, for the refusal.
    """
    identity = from_environment(library)
    if explicit:
        found = find_person(library, explicit)
        if found is None:
            raise IdentityError(
                f"--as {explicit!r}: no person with that id or email in "
                f"{library.root / PEOPLE_FILE}"
            )
        if identity.person and found != identity.person:
            raise NotYou(
                f"you are {identity.person} ({identity.source}), not {found}; newsroom "
                f"records who really acts. {hint or 'Leave out --as to act as yourself.'}"
            )
        return found
    if identity.person or not required:
        return identity.person
    raise IdentityError(
        f"who are you? Nobody in {library.root / PEOPLE_FILE} matches you "
        f"({identity.detail}). "
        f"Pass --as PERSON_ID, {how_to_say_who()}; or add username = {os_user()!r} "
        "to your entry in people.toml"
    )

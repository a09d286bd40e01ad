"""The git work tree holding a library, and ``[git]`` in newsroom.toml.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..bundle import Library
from ..errors import BundleError
from ..layout import SETTINGS_FILE
from ..model import slug_problem
from .run import GitError, NotReady, git_executable, run_git


@dataclass(frozen=True)
class Repo:
    """The git work tree holding a library."""

    top: Path
    # The library folder relative to ``top`` in git's spelling ("" at the top).
    prefix: str

    def path(self, name: str = "") -> str:
        """A path relative to the work tree's top for ``name`` inside the library."""
        if not name:
            return self.prefix or "."
        return f"{self.prefix}/{name}" if self.prefix else name

    def slug_of(self, path: str) -> str | None:
        """The release a repository path belongs to, or None."""
        rest = path
        if self.prefix:
            if not path.startswith(self.prefix + "/"):
                return None
            rest = path[len(self.prefix) + 1 :]
        if "/" not in rest:
            return None
        slug = rest.split("/", 1)[0]
        return None if slug_problem(slug) else slug

    def git(self, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return run_git(self.top, *args, **kwargs)


@dataclass(frozen=True)
class GitSettings:
    """``[git]`` in newsroom.toml."""

    enabled: bool = True
    commit_on_save: bool = False


def git_settings(library: Library) -> GitSettings:
    """Read ``[git]`` from the library settings (an unknown table kept in ``Settings.extra``)."""
    table = library.settings.extra.get("git", {})
    path = library.root / SETTINGS_FILE
    if not isinstance(table, dict):
        raise BundleError(path, "expected a table", key="git")
    values = {}
    for key in ("enabled", "commit_on_save"):
        if key in table:
            if not isinstance(table[key], bool):
                raise BundleError(path, "expected true or false", key=f"git.{key}")
            values[key] = table[key]
    return GitSettings(**values)


def find_repo(library: Library) -> Repo | None:
    """The work tree holding ``library``, or None: no git, not in a work tree, or turned off."""
    try:
        if not git_settings(library).enabled:
            return None
    except BundleError as error:
        # Say so rather than quietly leaving sign-offs uncommitted.
        raise NotReady(str(error)) from None
    return find_repo_at(library.root)


def why_no_repo(library: Library) -> str:
    """Why ``find_repo`` found nothing, in words (for commands that need git)."""
    if git_executable() is None:
        return "git is not installed (no `git` on PATH)"
    try:
        if not git_settings(library).enabled:
            return f"git is turned off for this library ({SETTINGS_FILE}: [git] enabled = false)"
    except BundleError as error:
        return str(error)
    result = run_git(library.root, "rev-parse", "--show-toplevel", check=False)
    detail = (result.stderr or "").strip().splitlines()
    if result.returncode != 0 and detail and "not a git repository" not in detail[0]:
        # e.g. "detected dubious ownership": git's own words say what to do.
        return f"git cannot use the repository here: {' '.join(detail)}"
    return f"{library.root} is not inside a git repository"


def find_repo_at(folder: Path) -> Repo | None:
    if git_executable() is None or not Path(folder).is_dir():
        return None
    try:
        result = run_git(
            Path(folder),
            "rev-parse",
            "--is-inside-work-tree",
            "--show-toplevel",
            "--show-prefix",
            check=False,
        )
    except GitError:
        return None
    lines = result.stdout.split("\n")
    if result.returncode != 0 or len(lines) < 2 or lines[0] != "true":
        return None
    prefix = lines[2].rstrip("/") if len(lines) > 2 else ""
    return Repo(top=Path(lines[1]), prefix=prefix)

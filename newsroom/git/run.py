"""Running the user's ``git``: an argument list, never a shell; literal pathspecs.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from ..safety import strip_controls

# Never let git open an editor or pager in the middle of a command.
QUIET_ENV = {
    "GIT_EDITOR": "true",
    "GIT_SEQUENCE_EDITOR": "true",
    "GIT_PAGER": "cat",
    "GIT_MERGE_AUTOEDIT": "no",
}


class GitError(Exception):
    """A git command failed, or the repository is not in a state we can work with."""

    def __init__(self, message: str, *, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class NotReady(GitError):
    """The repository is not in a state to sync from (no remote, uncommitted changes…)."""


class SyncConflict(GitError):
    """Both sides changed the same release in ways that cannot be merged safely.

    The rebase was aborted: the work tree and the local commits are as they
    were before ``sync``.
    """

    def __init__(self, message: str, releases: dict[str, list[str]]) -> None:
        super().__init__(message)
        # slug (or library file) -> what clashed (file names or TOML keys)
        self.releases = releases


def git_executable() -> str | None:
    return shutil.which("git")


def run_git(
    cwd: Path,
    *args: str,
    check: bool = True,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """``git -c core.quotepath=off ARGS`` in ``cwd``; GitError on failure when ``check``."""
    exe = git_executable()
    if exe is None:
        raise GitError("git is not installed (no `git` on PATH)")
    full_env = {**os.environ, **QUIET_ENV, **(env or {})}
    if "--" in args:
        # Paths are paths: a folder called "press [2026]" is not a glob. (Per
        # pathspec rather than GIT_LITERAL_PATHSPECS, which hooks would inherit.)
        split = args.index("--") + 1
        args = (*args[:split], *(f":(literal){path}" for path in args[split:]))
    command = [exe, "-c", "core.quotepath=off", *args]
    try:
        return subprocess.run(
            command,
            cwd=cwd,
            check=check,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            env=full_env,
            input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
        )
    except subprocess.CalledProcessError as error:
        detail = strip_controls((error.stderr or error.stdout or "").strip())
        raise GitError(
            f"`git {args[0]}` failed" + (f": {detail}" if detail else ""),
            stderr=error.stderr or "",
        ) from None
    except OSError as error:
        raise GitError(f"could not run git: {error}") from None


def read_blob(cwd: Path, spec: str) -> bytes | None:
    """The bytes of a blob (``REV:PATH`` or a blob id), or None when there is none."""
    result = subprocess.run(
        [git_executable() or "git", "-c", "core.quotepath=off", "cat-file", "blob", spec],
        cwd=cwd,
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **QUIET_ENV},
    )
    return result.stdout if result.returncode == 0 else None

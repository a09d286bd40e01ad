"""Sign-off actions recorded as commits of the release's bundle.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

from pathlib import Path

from ..bundle import Library
from ..errors import BundleError
from ..model import slug_problem
from ..safety import strip_controls
from .repo import Repo, find_repo, git_settings
from .run import GitError, NotReady, run_git

# Commit message subjects per action; the slug is filled in.
SUBJECTS = {
    "create": "Start {slug}",
    "save": "Save {slug}",
    "submit": "Submit {slug} for review",
    "clear": "Clear a quote in {slug}",
    "approve": "Approve {slug}",
    "request-changes": "Request changes to {slug}",
    "spike": "Spike {slug}",
    "unspike": "Restore {slug}",
    "publish": "Publish {slug}",
    "waive": "Waive a check in {slug}",
    "send": "Send {slug} to the press list",
    "queue": "Queue {slug} for sending",
}


TRAILER_RELEASE = "Release"
TRAILER_ACTION = "Release-Action"
TRAILER_DIGEST = "Release-Digest"
TRAILER_APPROVED_BY = "Approved-by"
# A sign-off typed in by someone other than the person who gave it.
TRAILER_RECORDED_BY = "Recorded-by"


def identity_problem(repo_or_folder: Repo | Path) -> str | None:
    """Why git cannot make a commit here (no name or email), or None."""
    folder = repo_or_folder.top if isinstance(repo_or_folder, Repo) else repo_or_folder
    result = run_git(folder, "var", "GIT_COMMITTER_IDENT", check=False)
    if result.returncode != 0:
        return (
            "git does not know who you are; set it once with "
            '`git config --global user.name "Your Name"` and '
            "`git config --global user.email you@example.org`"
        )
    return None


def _one_line(text: str) -> str:
    return " ".join(strip_controls(text.replace("\r", " ")).split())


def person_ident(library: Library, person: str) -> str:
    """``Name <email>`` for a person id from people.toml; other text is used as given."""
    found = library.people.get(person)
    if found is None:
        return _one_line(person)
    name = _one_line(found.name) or person
    email = _one_line(found.email)
    return f"{name} <{email}>" if email else name


def commit_message(
    library: Library,
    slug: str,
    action: str,
    digest: str,
    approved_by: str | None = None,
    message: str | None = None,
    recorded_by: str | None = None,
    via: str = "",
) -> str:
    """Subject, optional body, then the trailers git understands."""
    subject = SUBJECTS.get(action, action.capitalize() + " {slug}").format(slug=slug)
    parts = [_one_line(subject)]
    if message:
        body = strip_controls(message.replace("\r\n", "\n")).strip()
        if body:
            parts.append(body)
    trailers = [f"{TRAILER_RELEASE}: {slug}", f"{TRAILER_ACTION}: {_one_line(action)}"]
    if digest:
        trailers.append(f"{TRAILER_DIGEST}: {_one_line(digest)}")
    if approved_by:
        trailers.append(f"{TRAILER_APPROVED_BY}: {person_ident(library, approved_by)}")
    if recorded_by:
        how = f" (via {_one_line(via)})" if via else ""
        trailers.append(f"{TRAILER_RECORDED_BY}: {person_ident(library, recorded_by)}{how}")
    parts.append("\n".join(trailers))
    return "\n\n".join(parts) + "\n"


def record_action(
    library: Library,
    slug: str,
    action: str,
    digest: str,
    approved_by: str | None = None,
    message: str | None = None,
    recorded_by: str | None = None,
    via: str = "",
) -> str | None:
    """Commit this release's bundle (and only it) after a sign-off action.

    Returns the new commit's id, or None when the library is not in a git work
    tree or the bundle has nothing new to commit. Changes staged elsewhere in
    the repository are left staged and out of the commit. Raises GitError when
    git refuses (no identity, a failing hook…); the bundle on disk is saved
    either way.
    """
    repo = find_repo(library)
    if repo is None:
        return None
    problem = slug_problem(slug)
    if problem:
        raise GitError(problem)
    path = repo.path(slug)
    repo.git("add", "--all", "--", *bundle_files(repo, slug))
    # Anything staged for this bundle? (exit 1 means yes; works before the first commit too)
    if repo.git("diff", "--cached", "--quiet", "--", path, check=False).returncode == 0:
        return None
    text = commit_message(library, slug, action, digest, approved_by, message, recorded_by, via)
    # A pathspec makes this an --only commit: other staged changes stay out.
    try:
        repo.git("commit", "--quiet", "--cleanup=whitespace", "-F", "-", "--", path, input=text)
    except GitError:
        problem = identity_problem(repo)  # the usual reason, worth a plain explanation
        if problem:
            raise GitError(problem) from None
        raise
    return repo.git("rev-parse", "HEAD").stdout.strip()


# Files in a bundle folder that belong to this machine only, whatever .gitignore says.
_PRIVATE_NAMES = frozenset({".lock", ".saving"})
_SHARED_HIDDEN = frozenset({".snapshots"})  # content-addressed: the same on every clone


def bundle_files(repo: Repo, slug: str) -> list[str]:
    """The bundle's paths to stage: every tracked one (so deletions count) and every
    untracked one that is not hidden (locks, half-written files) or git-ignored."""
    path = repo.path(slug)
    # -t tags each path: "?" untracked, anything else known to git.
    listed = repo.git(
        "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard", "--", path
    ).stdout.split("\0")
    chosen = {item[2:] for item in listed if item and not item.startswith("?")}
    for item in listed:
        if not item.startswith("?"):
            continue
        candidate = item[2:]
        parts = candidate[len(path) + 1 :].split("/")
        if any(
            part in _PRIVATE_NAMES or (part.startswith(".") and part not in _SHARED_HIDDEN)
            for part in parts
        ):
            continue
        chosen.add(candidate)
    return sorted(chosen) or [path]


def record_save(library: Library, slug: str, digest: str = "", action: str = "save") -> str | None:
    """Commit a plain save (or a new release: ``action="create"``), but only when
    newsroom.toml says ``[git] commit_on_save = true``."""
    try:
        if not git_settings(library).commit_on_save:
            return None
    except BundleError as error:
        raise NotReady(str(error)) from None
    return record_action(library, slug, action, digest)

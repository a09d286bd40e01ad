"""Uncommitted changes in the repository, and committing them before a sync.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..bundle import Library
from ..errors import BundleError
from ..layout import RELEASE_FILE
from .commits import record_action
from .repo import Repo


def _status_entries(repo: Repo) -> list[tuple[str, str]]:
    """(two-letter status, path) for every changed or untracked path in the repository."""
    out = repo.git("status", "--porcelain=v1", "-z", "--untracked-files=all").stdout
    entries = []
    items = out.split("\0")
    i = 0
    while i < len(items):
        item = items[i]
        i += 1
        if len(item) < 4:
            continue
        code, path = item[:2], item[3:]
        if code[0] in "RC":
            i += 1  # the rename's source follows
        entries.append((code, path))
    return entries


@dataclass
class PendingChanges:
    releases: dict[str, list[str]] = field(default_factory=dict)  # tracked, changed
    new_releases: list[str] = field(default_factory=list)  # untracked bundles
    library_files: list[str] = field(default_factory=list)  # settings / people
    elsewhere: list[str] = field(default_factory=list)  # tracked changes outside the library


def pending_changes(repo: Repo) -> PendingChanges:
    pending = PendingChanges()
    tracked_slugs: dict[str, bool] = {}
    for code, path in _status_entries(repo):
        untracked = code == "??"
        slug = repo.slug_of(path)
        name = path[len(repo.prefix) + 1 :] if repo.prefix else path
        in_library = not repo.prefix or path.startswith(repo.prefix + "/")
        if slug is not None:
            directory = repo.top / repo.path(slug)
            if slug not in tracked_slugs:
                tracked_slugs[slug] = _tracked(repo, repo.path(slug))
            if untracked and not tracked_slugs[slug]:
                if (directory / RELEASE_FILE).exists() and slug not in pending.new_releases:
                    pending.new_releases.append(slug)
                continue
            if untracked:
                continue  # a stray file in a shared bundle: not ours to send
            pending.releases.setdefault(slug, []).append(name.split("/", 1)[1])
        elif in_library and not untracked:
            pending.library_files.append(path)
        elif not untracked:
            pending.elsewhere.append(path)
    return pending


def _tracked(repo: Repo, path: str) -> bool:
    return bool(repo.git("ls-files", "--", path).stdout.strip())


def commit_pending(library: Library, repo: Repo, pending: PendingChanges) -> list[str]:
    """Commit every changed or new release (one commit each) and the library's own files."""
    from ..digest import release_digest

    committed = []
    for slug in sorted({*pending.releases, *pending.new_releases}):
        try:
            digest = release_digest(library.load(slug), library)
        except BundleError:
            digest = ""
        action = "create" if slug in pending.new_releases else "save"
        if record_action(library, slug, action, digest):
            committed.append(slug)
    if pending.library_files:
        repo.git("add", "--", *pending.library_files)
        repo.git(
            "commit", "--quiet", "-m", "Update the library settings", "--", *pending.library_files
        )
        committed.extend(pending.library_files)
    return committed

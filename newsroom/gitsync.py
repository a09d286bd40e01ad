"""newsroom as a git citizen: commits for sign-off actions, sync, history.

When the library (``drafts/``) lies inside a git work tree, sign-off actions
are recorded as commits of that release's bundle, ``sync`` pulls (rebase) and
pushes, and a release's history merges its commits with its events. Outside a
work tree, or without ``git`` on PATH, every function here is a quiet no-op
(``find_repo`` returns None) and nothing mentions git.

We run the user's own ``git`` (their credentials, hooks and signing set-up),
always as an argument list, never through a shell, with an explicit working
folder and literal pathspecs. Core module: no Textual, no Rich.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .bundle import Library
from .codec import release_from_toml, release_to_toml
from .errors import BundleError
from .fsio import atomic_write
from .layout import BODY_FILE, RELEASE_FILE, SETTINGS_FILE
from .model import Release, slug_problem
from .safety import strip_controls
from .tomlio import dumps_toml

# merge_release_data is part of this module's API; the rules live in tomlmerge.
from .tomlmerge import UNION_ARRAYS, identity, merge_release_data

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

BEFORE_SYNC_REF = "refs/newsroom/before-sync"

TRAILER_RELEASE = "Release"
TRAILER_ACTION = "Release-Action"
TRAILER_DIGEST = "Release-Digest"
TRAILER_APPROVED_BY = "Approved-by"
# A sign-off typed in by someone other than the person who gave it.
TRAILER_RECORDED_BY = "Recorded-by"


# Never let git open an editor or pager in the middle of a command.
_QUIET_ENV = {
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


# ---------------------------------------------------------------------------
# Running git


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
    full_env = {**os.environ, **_QUIET_ENV, **(env or {})}
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


# ---------------------------------------------------------------------------
# Finding the repository


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


# ---------------------------------------------------------------------------
# Recording actions as commits


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


# ---------------------------------------------------------------------------
# History


@dataclass
class Commit:
    id: str
    at: datetime
    author: str
    email: str
    subject: str
    trailers: dict[str, list[str]] = field(default_factory=dict)

    def trailer(self, key: str) -> str:
        values = self.trailers.get(key.lower(), [])
        return values[-1] if values else ""


@dataclass
class HistoryEntry:
    """One line of a release's history: an event, an approval, a commit, or an event
    together with the commit that recorded it."""

    at: datetime
    action: str
    by: str = ""  # person id from the release file
    name: str = ""  # who, for people: the person's name; else the commit author
    digest: str = ""
    note: str = ""
    commit: str = ""  # full commit id, when git recorded it
    author: str = ""  # "Name <email>" of the commit
    approved_by: str = ""  # the Approved-by trailer
    recorded_by: str = ""  # the Recorded-by trailer
    subject: str = ""  # the commit's subject
    source: str = "event"  # "event", "approval", "clearance" or "commit"
    current: bool | None = None  # whether ``digest`` is the release's digest now
    extra: dict[str, Any] = field(default_factory=dict)  # the event's other keys

    @property
    def short_commit(self) -> str:
        return self.commit[:7]

    def recorded_note(self) -> str:
        """'recorded by priya-raman via phone (not entered by david-osei)', or ''."""
        recorder = self.extra.get("recorded_by")
        if isinstance(recorder, str) and recorder and recorder != self.by:
            via = self.extra.get("via")
            how = f" via {via}" if isinstance(via, str) and via else ""
            return f"recorded by {recorder}{how} (not entered by {self.by})"
        if self.recorded_by:
            return f"Recorded-by: {self.recorded_by}"
        return ""

    def to_json(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "at": self.at.isoformat(),
            "action": self.action,
            "by": self.by,
            "name": self.name,
            "digest": self.digest,
            "note": self.note,
            "source": self.source,
            "current": self.current,
        }
        # Commit details only where there is a commit: without git, nothing mentions it.
        if self.commit:
            row.update(
                commit=self.commit,
                author=self.author,
                subject=self.subject,
                approved_by=self.approved_by or None,
            )
            if self.recorded_by:
                row["recorded_by_trailer"] = self.recorded_by
        row.update(
            {k: v for k, v in self.extra.items() if isinstance(v, str) and k not in _JSON_KEYS}
        )
        return row


_JSON_KEYS = frozenset(
    {
        "at",
        "action",
        "by",
        "name",
        "digest",
        "note",
        "commit",
        "author",
        "approved_by",
        "subject",
        "source",
        "current",
    }
)
_FIELD = "\x1f"
_RECORD = "\x1e"


def _parse_trailers(text: str) -> dict[str, list[str]]:
    trailers: dict[str, list[str]] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and " " not in key.strip():
            trailers.setdefault(key.strip().lower(), []).append(value.strip())
    return trailers


def release_commits(repo: Repo, slug: str) -> list[Commit]:
    """Commits that touched the bundle, newest first."""
    if repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False).returncode != 0:
        return []
    fmt = _FIELD.join(["%H", "%aI", "%an", "%ae", "%s", "%(trailers:only,unfold)"]) + _RECORD
    out = repo.git("log", f"--format={fmt}", "--", repo.path(slug)).stdout
    commits = []
    for record in out.split(_RECORD):
        fields = record.strip("\n").split(_FIELD)
        if len(fields) < 6:
            continue
        commit_id, at, author, email, subject, trailers = fields[:6]
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            continue
        commits.append(
            Commit(
                id=commit_id.strip(),
                at=when,
                author=author,
                email=email,
                subject=subject,
                trailers=_parse_trailers(trailers),
            )
        )
    return commits


def _sort_key(when: datetime) -> float:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


def release_history(
    library: Library, slug: str, release: Release | None = None
) -> list[HistoryEntry]:
    """The release's history events, approvals and (in a git work tree) commits,
    oldest first. An event and the commit that recorded it (same action and
    digest) become one entry. Safe to call from a UI worker thread."""
    from .digest import quote_digest, release_digest

    if release is None:
        release = library.load(slug)
    current = release_digest(release, library)

    def name_of(person: str) -> str:
        found = library.people.get(person)
        return found.name if found else person

    entries: list[HistoryEntry] = [
        HistoryEntry(
            at=e.at,
            action=e.action,
            by=e.by,
            name=name_of(e.by),
            digest=e.digest,
            note=e.note,
            source="event",
            extra=dict(e.extra),
        )
        for e in release.history
    ]
    for approval in release.approvals:
        recorded = any(
            e.action == "approve" and e.by == approval.by and e.digest == approval.digest
            for e in entries
        )
        if not recorded:
            entries.append(
                HistoryEntry(
                    at=approval.at,
                    action="approve",
                    by=approval.by,
                    name=name_of(approval.by),
                    digest=approval.digest,
                    note=approval.note,
                    source="approval",
                )
            )
    for clearance in release.clearances:
        recorded = any(
            e.action == "clear" and e.by == clearance.by and e.at == clearance.at for e in entries
        )
        if not recorded:
            entries.append(
                HistoryEntry(
                    at=clearance.at,
                    action="clear",
                    by=clearance.by,
                    name=name_of(clearance.by),
                    digest=clearance.digest,
                    note=clearance.note,
                    source="clearance",
                    extra={"quote": clearance.quote},
                )
            )

    try:
        repo = find_repo(library)
        commits = release_commits(repo, slug) if repo is not None else []
    except GitError:
        repo, commits = None, []
    if repo is not None:
        for commit in reversed(commits):
            action = commit.trailer(TRAILER_ACTION)
            digest = commit.trailer(TRAILER_DIGEST)
            # The event this commit recorded: same action, same digest, nearest in
            # time; a clearance's event holds the quote's digest, so for those the
            # nearest within the hour.
            candidates = [
                e
                for e in entries
                if not e.commit and action and e.action == action and e.source == "event"
            ]
            exact = [e for e in candidates if e.digest == digest]
            near = [e for e in candidates if abs(_sort_key(e.at) - _sort_key(commit.at)) <= 3600]
            candidates = exact or near
            author = f"{commit.author} <{commit.email}>" if commit.email else commit.author
            if candidates:
                match = min(candidates, key=lambda e: abs(_sort_key(e.at) - _sort_key(commit.at)))
                match.commit, match.author, match.subject = commit.id, author, commit.subject
                match.approved_by = commit.trailer(TRAILER_APPROVED_BY)
                match.recorded_by = commit.trailer(TRAILER_RECORDED_BY)
                continue
            entries.append(
                HistoryEntry(
                    at=commit.at,
                    action=action or "commit",
                    name=commit.author,
                    digest=digest,
                    commit=commit.id,
                    author=author,
                    subject=commit.subject,
                    approved_by=commit.trailer(TRAILER_APPROVED_BY),
                    source="commit",
                )
            )
    # A clearance is bound to its quote's digest, everything else to the release's.
    for entry in entries:
        if not entry.digest.startswith("sha256:"):
            entry.current = None
        elif entry.action == "clear":
            quote = release.quote(str(entry.extra.get("quote") or ""))
            entry.current = (entry.digest == quote_digest(quote, library.people)) if quote else None
        else:
            entry.current = entry.digest == current
    entries.sort(key=lambda e: _sort_key(e.at))
    return entries


# ---------------------------------------------------------------------------
# Sync


@dataclass
class ReleaseChange:
    """What arrived for one release in a sync."""

    slug: str
    kind: str  # "new", "changed" or "removed"
    headline: str = ""
    files: list[str] = field(default_factory=list)
    approvals_added: list[dict[str, Any]] = field(default_factory=list)
    events_added: list[dict[str, Any]] = field(default_factory=list)
    clearances_added: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SyncResult:
    arrived: list[ReleaseChange] = field(default_factory=list)
    library_files: list[str] = field(default_factory=list)  # newsroom.toml / people.toml
    merged: dict[str, list[str]] = field(default_factory=dict)  # slug -> what was merged
    kept: dict[str, list[str]] = field(default_factory=dict)  # slug -> clashes settled by keep
    keep: str = ""  # "mine" or "theirs" when asked to settle clashes
    pushed: int = 0  # local commits sent
    committed: list[str] = field(default_factory=list)  # slugs committed before syncing
    unshared: list[str] = field(default_factory=list)  # new releases never committed
    published_branch: str = ""  # set when the branch was pushed for the first time
    problems: list[str] = field(default_factory=list)  # releases that do not load after sync


def _git_path(repo: Repo, name: str) -> Path:
    out = repo.git("rev-parse", "--git-path", name).stdout.strip()
    path = Path(out)
    return path if path.is_absolute() else repo.top / path


def rebase_in_progress(repo: Repo) -> bool:
    return _git_path(repo, "rebase-merge").exists() or _git_path(repo, "rebase-apply").exists()


def _head(repo: Repo) -> str | None:
    result = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return result.stdout.strip() if result.returncode == 0 else None


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
    from .digest import release_digest

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


def _upstream(repo: Repo) -> str | None:
    result = repo.git(
        "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


def _read_blob(repo: Repo, spec: str) -> bytes | None:
    result = subprocess.run(
        [git_executable() or "git", "-c", "core.quotepath=off", "cat-file", "blob", spec],
        cwd=repo.top,
        capture_output=True,
        check=False,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **_QUIET_ENV},
    )
    return result.stdout if result.returncode == 0 else None


def _load_toml(raw: bytes | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    try:
        return tomllib.loads(raw.decode("utf-8").lstrip("\ufeff"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None


def _unmerged(repo: Repo) -> dict[str, dict[int, str]]:
    """path -> {stage: blob id} for every conflicted path."""
    out = repo.git("ls-files", "--unmerged", "-z").stdout
    found: dict[str, dict[int, str]] = {}
    for item in out.split("\0"):
        if not item:
            continue
        meta, _, path = item.partition("\t")
        _mode, blob, stage = meta.split()
        found.setdefault(path, {})[int(stage)] = blob
    return found


def _conflict_report(repo: Repo, paths: Sequence[str]) -> dict[str, list[str]]:
    report: dict[str, list[str]] = {}
    for path in paths:
        slug = repo.slug_of(path)
        key = slug or path
        report.setdefault(key, []).append(path.rsplit("/", 1)[-1] if slug else path)
    return report


def _abort(repo: Repo, message: str, releases: dict[str, list[str]]) -> SyncConflict:
    repo.git("rebase", "--abort", check=False)
    return SyncConflict(message, releases)


def _resolve_step(
    library: Library,
    repo: Repo,
    merged: dict[str, list[str]],
    keep: str | None = None,
    kept: dict[str, list[str]] | None = None,
) -> None:
    """Resolve the conflicts of one stopped rebase step, or abort the rebase.

    ``keep`` ("mine" or "theirs") settles what cannot be merged: a field
    changed on both sides, or a whole file (body.md) of a bundle. Without it
    such a clash aborts the rebase. Library-wide files always abort.
    """
    unmerged = _unmerged(repo)
    depth = repo.prefix.count("/") + 2 if repo.prefix else 1
    structural = {
        p: stages
        for p, stages in unmerged.items()
        if repo.slug_of(p)
        and p.endswith("/" + RELEASE_FILE)
        and p.count("/") == depth
        and 2 in stages
        and 3 in stages
    }
    others = [p for p in unmerged if p not in structural]
    if others and (keep is None or any(repo.slug_of(p) is None for p in others)):
        raise _abort(
            repo,
            "the same text was changed here and on the remote; sync was undone",
            _conflict_report(repo, others + list(structural)),
        )
    # During a rebase git's "ours" (stage 2) is the remote's side and "theirs"
    # (stage 3) the local commit being replayed.
    stage = 3 if keep == "mine" else 2
    for path in others:
        if stage in unmerged[path]:
            repo.git("checkout", "--ours" if stage == 2 else "--theirs", "--", path)
            repo.git("add", "--", path)
        else:
            repo.git("rm", "--quiet", "--", path)
        if kept is not None:
            kept.setdefault(repo.slug_of(path) or path, []).append(path.rsplit("/", 1)[-1])
    clashes: dict[str, list[str]] = {}
    resolved: dict[str, bytes] = {}
    # The people directory as it stands at this step, not as it was before the sync.
    try:
        current = Library.open(library.root)
    except BundleError:
        current = library
    prefer = None if keep is None else ("theirs" if keep == "mine" else "ours")
    for path, stages in structural.items():
        slug = repo.slug_of(path) or ""
        base = _load_toml(_read_blob(repo, stages[1])) if 1 in stages else {}
        ours = _load_toml(_read_blob(repo, stages[2]))
        theirs = _load_toml(_read_blob(repo, stages[3]))
        if base is None or ours is None or theirs is None:
            clashes[slug] = [f"{RELEASE_FILE} (not valid TOML on one side)"]
            continue
        data, conflicts = merge_release_data(base, ours, theirs, prefer)
        if conflicts and prefer is None:
            clashes[slug] = conflicts
            continue
        # Re-verify: the merged file must load as a release with this body.
        body_path = repo.top / repo.path(f"{slug}/{BODY_FILE}")
        try:
            body = body_path.read_text(encoding="utf-8").lstrip("\ufeff")
            body = body.replace("\r\n", "\n").replace("\r", "\n")
            release = release_from_toml(dict(data), repo.top / path, slug, body)
            current.validate(release)
        except (BundleError, OSError, UnicodeDecodeError) as error:
            clashes[slug] = [f"merged {RELEASE_FILE} does not load: {error}"]
            continue
        resolved[path] = dumps_toml(release_to_toml(release))
        merged.setdefault(slug, [])
        for key in UNION_ARRAYS:
            if key in data and data.get(key) != ours.get(key) and key not in merged[slug]:
                merged[slug].append(key)
        if conflicts and kept is not None:
            kept.setdefault(slug, []).extend(conflicts)
    if clashes:
        raise _abort(
            repo,
            "the same details were changed differently here and on the remote; sync was undone",
            clashes,
        )
    for path, data in resolved.items():
        atomic_write(repo.top / path, data)
        repo.git("add", "--", path)


def _pull_rebase(
    library: Library,
    repo: Repo,
    merged: dict[str, list[str]],
    keep: str | None = None,
    kept: dict[str, list[str]] | None = None,
) -> None:
    result = repo.git("pull", "--rebase", "--no-autostash", "--quiet", check=False)
    if result.returncode == 0 and not rebase_in_progress(repo):
        return
    if not rebase_in_progress(repo):
        detail = (result.stderr or result.stdout).strip()
        raise GitError(
            "could not fetch from the remote" + (f": {detail}" if detail else ""),
            stderr=result.stderr,
        )
    for _ in range(10_000):  # one round per replayed commit that stopped
        if not rebase_in_progress(repo):
            return
        if _unmerged(repo):
            _resolve_step(library, repo, merged, keep, kept)
        step = repo.git("rebase", "--continue", check=False)
        if step.returncode != 0 and rebase_in_progress(repo) and not _unmerged(repo):
            # The resolved commit turned out empty (both sides did the same): drop it.
            if repo.git("diff", "--cached", "--quiet", check=False).returncode == 0:
                repo.git("rebase", "--skip", check=False)
            else:
                detail = (step.stderr or step.stdout).strip()
                raise _abort(repo, f"git could not continue the sync ({detail}); it was undone", {})
    raise _abort(repo, "sync did not finish; it was undone", {})


def _incoming(library: Library, repo: Repo, old: str, new: str, result: SyncResult) -> None:
    if old == new:
        return
    out = repo.git(
        "diff", "--name-status", "--no-renames", "-z", old, new, "--", repo.path()
    ).stdout
    items = [i for i in out.split("\0") if i]
    changed: dict[str, list[str]] = {}
    for path in items[1::2]:  # pairs of (status letter, path)
        slug = repo.slug_of(path)
        if slug is None:
            result.library_files.append(path)
            continue
        inside = path[len(repo.path(slug)) + 1 :]
        if not inside.startswith("."):  # snapshots travel silently with their release
            changed.setdefault(slug, []).append(inside)
        else:
            changed.setdefault(slug, [])
    for slug, files in sorted(changed.items()):
        toml_path = repo.path(f"{slug}/{RELEASE_FILE}")
        before = _load_toml(_read_blob(repo, f"{old}:{toml_path}"))
        after = _load_toml(_read_blob(repo, f"{new}:{toml_path}"))
        kind = "new" if before is None else "removed" if after is None else "changed"
        change = ReleaseChange(slug=slug, kind=kind, files=sorted(files))
        source = after or before or {}
        headline = source.get("headline", "")
        change.headline = headline if isinstance(headline, str) else ""
        for key, target in (
            ("approvals", change.approvals_added),
            ("history", change.events_added),
            ("clearances", change.clearances_added),
        ):
            old_items = (before or {}).get(key, [])
            new_items = (after or {}).get(key, [])
            if not isinstance(old_items, list) or not isinstance(new_items, list):
                continue
            known = {identity(i) for i in old_items}
            target.extend(i for i in new_items if identity(i) not in known)
        result.arrived.append(change)


def sync(library: Library, *, commit: bool = False, keep: str | None = None) -> SyncResult:
    """Pull (rebase) and push the repository holding ``library``.

    With ``commit`` (or ``[git] commit_on_save = true``) uncommitted changes
    to releases are committed first, one commit per release; otherwise they
    stop the sync with a GitError listing them. A conflict inside a
    release.toml is merged structurally (see ``merge_release_data``); any
    other conflict, or a clash in the same field, aborts the rebase and raises
    SyncConflict: nothing is lost and no conflict markers are left behind.
    ``keep`` ("mine" or "theirs") settles such clashes by taking one side.
    """
    if keep not in (None, "mine", "theirs"):
        raise ValueError(f"keep must be 'mine' or 'theirs', not {keep!r}")
    repo = find_repo(library)
    if repo is None:
        raise NotReady(why_no_repo(library))
    result = SyncResult(keep=keep or "")
    if rebase_in_progress(repo):
        raise NotReady(
            "a rebase is already in progress in this repository; finish it with "
            "`git rebase --continue` or undo it with `git rebase --abort`, then sync again"
        )
    # Every release stays locked while git may rewrite it; one open in an
    # editor stops the sync before git changes anything.
    from .locks import LockedReleases, hold_all

    try:
        with hold_all(library.root, library.slugs()):
            return _sync_locked(library, repo, result, commit=commit, keep=keep)
    except LockedReleases as locked:
        raise NotReady(
            "these releases are open in an editor, so sync changed nothing: "
            + "; ".join(str(error) for error in locked.refused)
            + ". Save and close them, then sync again"
        ) from None


def _sync_locked(
    library: Library, repo: Repo, result: SyncResult, *, commit: bool, keep: str | None
) -> SyncResult:
    if _head(repo) is None:
        _adopt_remote_branch(repo)
    pending = pending_changes(repo)
    if pending.elsewhere:
        raise NotReady(
            "there are uncommitted changes outside the library; commit or put them aside "
            "first: " + ", ".join(pending.elsewhere[:10])
        )
    if pending.releases or pending.library_files or (commit and pending.new_releases):
        if commit or git_settings(library).commit_on_save:
            problem = identity_problem(repo)
            if problem:
                raise GitError(problem)
            result.committed = commit_pending(library, repo, pending)
        else:
            names = [*sorted(pending.releases), *pending.library_files]
            raise NotReady(
                "uncommitted changes in " + ", ".join(names) + "; run `newsroom sync --commit` "
                "to commit them (one commit per release), or commit them yourself"
            )
    else:
        result.unshared = sorted(pending.new_releases)

    head = _head(repo)
    if head is None:
        raise NotReady("nothing has been committed yet; there is nothing to share")
    upstream = _upstream(repo)
    if upstream is None:
        upstream = _first_publication(repo, result)
        if upstream is None:
            return result
    # Where this clone stood before the sync, whatever --keep decides later.
    repo.git("update-ref", "-m", "newsroom sync", BEFORE_SYNC_REF, head)
    merged: dict[str, list[str]] = {}
    for attempt in range(3):
        old = _head(repo) or head
        _pull_rebase(library, repo, merged, keep, result.kept)
        new = _head(repo) or old
        _incoming(library, repo, old, new, result)
        _check_merged(
            library,
            repo,
            {c.slug for c in result.arrived if c.kind != "removed"} | set(merged),
            result,
        )
        ahead = int(repo.git("rev-list", "--count", "@{upstream}..HEAD").stdout.strip() or 0)
        if ahead == 0:
            break
        push = repo.git("push", "--quiet", check=False)
        if push.returncode == 0:
            result.pushed = ahead
            break
        if attempt == 2:
            detail = (push.stderr or push.stdout).strip()
            raise GitError(
                "could not push to the remote" + (f": {detail}" if detail else ""),
                stderr=push.stderr,
            )
        # Someone pushed in between: pull again and retry.
    result.merged = {slug: keys for slug, keys in merged.items()}
    return result


def _check_merged(library: Library, repo: Repo, slugs: set[str], result: SyncResult) -> None:
    """Before anything is pushed: every release the sync touched must still load.

    Git can merge two sides line by line into something neither side wrote (a
    quote removed here, a new reference to it there). If a release loads on the
    remote but not after the merge, the sync is undone. If it is already broken
    on the remote, undoing would not help: it is reported instead.
    """
    try:
        fresh = Library.open(library.root)
    except BundleError as error:
        result.problems.append(str(error))
        return
    broken: dict[str, list[str]] = {}
    for slug in sorted(slugs):
        if not (fresh.root / slug / RELEASE_FILE).exists():
            continue
        try:
            fresh.load(slug)
        except BundleError as error:
            if _loads_at(repo, fresh, "@{upstream}", slug):
                broken[slug] = [f"the merged version does not load: {error}"]
            elif str(error) not in result.problems:
                result.problems.append(str(error))
    if broken:
        repo.git("reset", "--quiet", "--keep", BEFORE_SYNC_REF)
        raise SyncConflict(
            "the two sides merged into releases that do not load; sync was undone", broken
        )


def _loads_at(repo: Repo, library: Library, rev: str, slug: str) -> bool:
    data = _load_toml(_read_blob(repo, f"{rev}:{repo.path(f'{slug}/{RELEASE_FILE}')}"))
    body = _read_blob(repo, f"{rev}:{repo.path(f'{slug}/{BODY_FILE}')}")
    if data is None or body is None:
        return False
    try:
        text = body.decode("utf-8").lstrip("\ufeff").replace("\r\n", "\n")
        release = release_from_toml(data, library.root / slug / RELEASE_FILE, slug, text)
        library.validate(release)
    except (BundleError, UnicodeDecodeError):
        return False
    return True


def _choose_remote(repo: Repo) -> str | None:
    remotes = repo.git("remote").stdout.split()
    if not remotes:
        return None
    if len(remotes) > 1 and "origin" not in remotes:
        raise NotReady(
            "this repository has several remotes and the branch tracks none; choose one with "
            "`git branch --set-upstream-to REMOTE/BRANCH`"
        )
    return "origin" if "origin" in remotes else remotes[0]


def _adopt_remote_branch(repo: Repo) -> None:
    """Nothing committed here yet: check out the shared branch, if there is one.

    A clone whose checkout failed (a bare repository whose HEAD names a branch
    nobody pushed, e.g. ``master`` when the library was pushed as ``main``)
    would otherwise start a second, unrelated history.
    """
    remote = _choose_remote(repo)
    if remote is None:
        return
    fetched = repo.git("fetch", "--quiet", remote, check=False)
    if fetched.returncode != 0:
        detail = strip_controls((fetched.stderr or "").strip())
        raise GitError(
            f"could not fetch from the remote {remote!r}" + (f": {detail}" if detail else ""),
            stderr=fetched.stderr,
        )
    prefix = f"refs/remotes/{remote}/"
    branches = [
        ref[len(prefix) :]
        for ref in repo.git("for-each-ref", "--format=%(refname)", prefix).stdout.split()
        if ref != prefix + "HEAD"
    ]
    if not branches:
        return  # an empty remote: our first commit will publish the branch
    if len(branches) > 1:
        raise NotReady(
            f"nothing is checked out here and {remote} has several branches "
            f"({', '.join(branches)}); check out the shared one with `git checkout BRANCH`"
        )
    (branch,) = branches
    result = repo.git(
        "checkout", "--quiet", "-b", branch, "--track", f"{remote}/{branch}", check=False
    )
    if result.returncode != 0:
        detail = strip_controls((result.stderr or "").strip())
        raise NotReady(f"could not check out {remote}/{branch}" + (f": {detail}" if detail else ""))


def _first_publication(repo: Repo, result: SyncResult) -> str | None:
    """No upstream yet: track the remote branch if it exists, else push ours to it."""
    remote = _choose_remote(repo)
    if remote is None:
        raise NotReady(
            "this repository has no remote to share with; add one with "
            "`git remote add origin URL` (see docs/collaboration.md)"
        )
    branch = repo.git("symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.strip()
    if not branch:
        raise NotReady("not on a branch (detached HEAD); check out a branch and sync again")
    found = repo.git("ls-remote", "--heads", remote, f"refs/heads/{branch}", check=False)
    if found.returncode != 0:
        detail = (found.stderr or "").strip()
        raise GitError(f"could not reach the remote {remote!r}" + (f": {detail}" if detail else ""))
    if found.stdout.strip():
        repo.git("fetch", "--quiet", remote, branch)
        repo.git("branch", "--quiet", f"--set-upstream-to={remote}/{branch}")
        return f"{remote}/{branch}"
    repo.git("push", "--quiet", "--set-upstream", remote, branch)
    result.published_branch = f"{remote}/{branch}"
    result.pushed = int(repo.git("rev-list", "--count", "HEAD").stdout.strip() or 0)
    return None

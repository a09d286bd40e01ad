"""``sync``: pull (rebase) and push the repository holding a library, and
report what arrived.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..bundle import Library
from ..codec import release_from_toml
from ..errors import BundleError
from ..layout import BODY_FILE, RELEASE_FILE
from ..safety import strip_controls
from ..tomlmerge import identity
from .commits import identity_problem
from .conflicts import load_toml, pull_rebase, rebase_in_progress
from .pending import commit_pending, pending_changes
from .repo import Repo, find_repo, git_settings, why_no_repo
from .run import GitError, NotReady, SyncConflict, read_blob

BEFORE_SYNC_REF = "refs/newsroom/before-sync"


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


def _head(repo: Repo) -> str | None:
    result = repo.git("rev-parse", "--verify", "--quiet", "HEAD", check=False)
    return result.stdout.strip() if result.returncode == 0 else None


def _upstream(repo: Repo) -> str | None:
    result = repo.git(
        "rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}", check=False
    )
    return result.stdout.strip() if result.returncode == 0 else None


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
        before = load_toml(read_blob(repo.top, f"{old}:{toml_path}"))
        after = load_toml(read_blob(repo.top, f"{new}:{toml_path}"))
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
    from ..locks import LockedReleases, hold_all

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
        pull_rebase(library, repo, merged, keep, result.kept)
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
    data = load_toml(read_blob(repo.top, f"{rev}:{repo.path(f'{slug}/{RELEASE_FILE}')}"))
    body = read_blob(repo.top, f"{rev}:{repo.path(f'{slug}/{BODY_FILE}')}")
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

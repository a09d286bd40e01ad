"""The rebase of a sync: conflicts inside a release.toml merged structurally,
anything else settled by ``keep`` or the rebase undone (``SyncConflict``).

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..bundle import Library
from ..codec import release_from_toml, release_to_toml
from ..errors import BundleError
from ..fsio import atomic_write
from ..layout import BODY_FILE, RELEASE_FILE
from ..tomlio import dumps_toml
from ..tomlmerge import UNION_ARRAYS, merge_release_data
from .repo import Repo
from .run import GitError, SyncConflict, read_blob


def _git_path(repo: Repo, name: str) -> Path:
    out = repo.git("rev-parse", "--git-path", name).stdout.strip()
    path = Path(out)
    return path if path.is_absolute() else repo.top / path


def rebase_in_progress(repo: Repo) -> bool:
    return _git_path(repo, "rebase-merge").exists() or _git_path(repo, "rebase-apply").exists()


def load_toml(raw: bytes | None) -> dict[str, Any] | None:
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
        base = load_toml(read_blob(repo.top, stages[1])) if 1 in stages else {}
        ours = load_toml(read_blob(repo.top, stages[2]))
        theirs = load_toml(read_blob(repo.top, stages[3]))
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
    for path, text in resolved.items():
        atomic_write(repo.top / path, text)
        repo.git("add", "--", path)


def pull_rebase(
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

"""How long newsroom's git features take on a realistic library.

    python benchmarks/git_sync.py [--releases 1000] [--changed 50] [--clashing 20]

Builds a library with make_library.py, a bare repository as the shared remote
and two clones (Amira and David) in a temporary folder, then times:

1. ``record_action`` (one sign-off commit of one bundle), median of --changed;
2. ``sync`` on Amira's clone sending --changed commits;
3. ``sync`` on David's clone receiving them (with the per-release report);
4. ``sync`` on David's clone when both approved the same --clashing releases
   at once: each of those is a conflict in release.toml that git stops on and
   newsroom merges structurally (one rebase stop per commit).

Everything runs in-process (the git commands are subprocesses, as in use).
Prints a Markdown table. Nothing outside the temporary folder is touched;
the user's git configuration is not read (HOME points into the folder).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from newsroom.bundle import Library  # noqa: E402
from newsroom.digest import release_digest  # noqa: E402
from newsroom.git.commits import record_action  # noqa: E402
from newsroom.git.sync import sync  # noqa: E402
from newsroom.model import Approval, Event  # noqa: E402

HERE = Path(__file__).resolve().parent


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def approve_by_hand(library: Library, slug: str, who: str, at: datetime) -> str:
    """An approval as the sign-off command would add it (rules not checked here)."""
    release = library.load(slug)
    digest = release_digest(release, library)
    release.approvals.append(Approval(by=who, at=at, digest=digest))
    release.history.append(Event(at=at, action="approve", by=who, digest=digest))
    library.save(release)
    return digest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=50)
    parser.add_argument("--clashing", type=int, default=20)
    args = parser.parse_args()
    if shutil.which("git") is None:
        print("git is not installed", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="newsroom-git-bench-") as temp:
        root = Path(temp)
        os.environ.update(HOME=str(root), GIT_CONFIG_NOSYSTEM="1")
        for name in (
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_AUTHOR_NAME",
            "GIT_AUTHOR_EMAIL",
            "GIT_COMMITTER_NAME",
            "GIT_COMMITTER_EMAIL",
        ):
            os.environ.pop(name, None)
        git(root, "config", "--global", "init.defaultBranch", "main")
        git(root, "init", "--quiet", "--bare", "remote.git")
        git(root, "clone", "--quiet", "remote.git", "amira")
        amira = root / "amira"
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                str(HERE / "make_library.py"),
                str(args.releases),
                str(amira / "drafts"),
                "--seed",
                "1",
            ],
            check=True,
            capture_output=True,
        )
        generate = time.perf_counter() - started
        for clone, name in ((amira, "Amira Okafor"),):
            git(clone, "config", "user.name", name)
            git(clone, "config", "user.email", f"{name.split()[0].lower()}@example.org")
        git(amira, "add", "drafts")
        git(amira, "commit", "--quiet", "-m", "Library")
        git(amira, "push", "--quiet", "-u", "origin", "main")
        git(root, "clone", "--quiet", "remote.git", "david")
        david = root / "david"
        git(david, "config", "user.name", "David Osei")
        git(david, "config", "user.email", "david@example.org")

        lib_a = Library.open(amira / "drafts")
        slugs = lib_a.slugs()
        people = sorted(lib_a.people)
        rows = []

        # 1. one commit per changed release
        record = []
        for slug in slugs[: args.changed]:
            release = lib_a.load(slug)
            release.standfirst = (release.standfirst or "") + " Updated."
            lib_a.save(release)
            t = time.perf_counter()
            record_action(lib_a, slug, "save", "")
            record.append(time.perf_counter() - t)
        rows.append(
            (
                "record_action (one bundle commit)",
                f"{args.changed} runs",
                f"median {statistics.median(record) * 1000:.0f} ms, "
                f"max {max(record) * 1000:.0f} ms",
            )
        )

        # 2. and 3. send and receive
        t = time.perf_counter()
        sent = sync(lib_a)
        rows.append(
            (
                "sync, sending",
                f"{sent.pushed} commits",
                f"{(time.perf_counter() - t) * 1000:.0f} ms",
            )
        )
        lib_d = Library.open(david / "drafts")
        t = time.perf_counter()
        got = sync(lib_d)
        rows.append(
            (
                "sync, receiving",
                f"{len(got.arrived)} releases changed",
                f"{(time.perf_counter() - t) * 1000:.0f} ms",
            )
        )

        # 4. both approve the same releases at once
        at = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
        for library, who, minutes in ((lib_a, people[0], 1), (lib_d, people[1], 2)):
            for slug in slugs[: args.clashing]:
                digest = approve_by_hand(library, slug, who, at + timedelta(minutes=minutes))
                record_action(library, slug, "approve", digest, approved_by=who)
        sync(lib_a)
        t = time.perf_counter()
        merged = sync(lib_d)
        elapsed = time.perf_counter() - t
        both = sum(len(lib_d.load(slug).approvals) >= 2 for slug in slugs[: args.clashing])
        rows.append(
            (
                "sync, both approved the same releases",
                f"{len(merged.merged)} merged structurally, {both} with both approvals",
                f"{elapsed * 1000:.0f} ms",
            )
        )

    print(
        f"Library: {args.releases} releases (generated in {generate:.1f} s); "
        f"git {git(Path.cwd(), '--version').split()[-1]}; {os.cpu_count()} cores\n"
    )
    print("| measurement | size | time |")
    print("| --- | --- | --- |")
    for row in rows:
        print(f"| {' | '.join(row)} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

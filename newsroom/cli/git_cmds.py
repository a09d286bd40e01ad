"""``newsroom init``, ``sync`` and ``history``, and the commit hook the sign-off
commands call (``record``).

Nothing here imports git machinery at module level: ``newsroom list`` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .common import EXIT_BAD_INPUT, EXIT_FAILED, CommandError, load_release, open_library

SETTINGS_TEMPLATE = """\
# newsroom library settings. Lines starting with # are comments.
# Full reference: docs/format.md
schema = 1

[organisation]
name = {organisation}
# true for political material: every export then needs a digital imprint.
political = false
# The zone embargoes and datelines are announced in (an IANA name).
timezone = "Europe/London"
website = ""
email = ""

[defaults]
# Used to prefill every new release.
about = ""
imprint = ""
intro = "Commenting on the news, {{name}}, {{role}}, said:"

[defaults.contact]
name = ""
role = "Press Officer"
phone = ""
email = ""

[rules]
# Who may sign a release off: person ids from people.toml, and/or roles.
approvers = []
approver_roles = ["Chair"]
approvals_required = 1
# Every quoted person must clear the exact wording of their quote.
require_clearance = true
# Approvals must carry a good SSH signature (docs/signoff.md, "Signing").
require_signatures = false
# Whose key is whose: `newsroom keys add PERSON_ID KEY.pub` adds to it.
allowed_signers = "allowed_signers"
# Approvals recorded for someone else (`approve --for`) count.
allow_recorded = true

[export]
width = 72

[checks]
headline_max = 110
standfirst_max = 300
# A check is "error" (blocks until fixed or waived), "warning" or "off".
# Style rules warn by default; see docs/signoff.md for every check id.
# headline-length = "warning"
# contact = "warning"

# When this library is inside a git repository, sign-off actions (submit,
# clear, approve, request changes, spike, final export) are committed for you.
# Plain saves are left for you to commit, or for `newsroom sync --commit`,
# unless commit_on_save is true. See docs/collaboration.md.
[git]
commit_on_save = false
"""

PEOPLE_TEMPLATE = """\
# The people directory: everyone who can be quoted or approve a release.
# Each [people.ID] table is one person; the ID is what releases refer to.
schema = 1

# [people.jane-doe]
# name = "Jane Doe"
# role = "Chair"
# organisation = "Our Group"
# email = "jane@example.org"
# phone = ""
# username = "jane"   # her login name: newsroom then knows it is her at the keyboard
"""

GITIGNORE_TEMPLATE = """\
# newsroom's local caches, recovery files and edit locks: per machine, never shared.
.newsroom/
*/.lock
# Half-written files of an interrupted save (newsroom tidies them up).
.*.tmp
.*.new
.saving
"""

# Bundles are text and must read the same on every clone: no line-end
# conversion, whatever core.autocrlf says.
GITATTRIBUTES_TEMPLATE = """\
*.toml text eol=lf
*.md text eol=lf
"""


def register(subcommands: argparse._SubParsersAction) -> None:
    init = subcommands.add_parser("init", help="create a new, empty library")
    init.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=None,
        help="the library folder to create (default: the --drafts folder)",
    )
    init.add_argument("--organisation", default="", help="the organisation's name")
    init.add_argument(
        "--git",
        action="store_true",
        help="also make it a git repository (or commit it to the one around it)",
    )
    init.set_defaults(handler=cmd_init)

    sync = subcommands.add_parser(
        "sync", help="share the library: pull others' changes (rebase), push yours"
    )
    sync.add_argument(
        "--commit",
        action="store_true",
        help="commit uncommitted changes to releases first, one commit each",
    )
    sync.add_argument(
        "--keep",
        choices=("mine", "theirs"),
        default=None,
        help="where both sides changed the same field or body.md: keep your "
        "version (mine) or the remote's (theirs); sign-offs from both sides "
        "are kept either way",
    )
    sync.add_argument("--json", action="store_true", help="a JSON report for scripts")
    sync.set_defaults(handler=cmd_sync)

    history = subcommands.add_parser(
        "history", help="who did what to a release, and which version they approved"
    )
    history.add_argument("slug")
    history.add_argument("--json", action="store_true", help="a JSON array for scripts")
    history.set_defaults(handler=cmd_history)


# ---------------------------------------------------------------------------
# The hook for sign-off commands


def record(
    library,
    slug: str,
    action: str,
    digest: str,
    *,
    approved_by: str | None = None,
    message: str | None = None,
    recorded_by: str | None = None,
    via: str = "",
) -> str | None:
    """Commit the bundle after a sign-off action, if the library is in a git work tree.

    The action itself has already been saved, so a git failure is a warning
    on stderr, never a failed command. Returns the commit id or None.
    """
    from ..git.commits import record_action
    from ..git.run import GitError

    try:
        commit = record_action(
            library,
            slug,
            action,
            digest,
            approved_by=approved_by,
            message=message,
            recorded_by=recorded_by,
            via=via,
        )
    except GitError as error:
        print(f"newsroom: saved, but not committed: {error}", file=sys.stderr)
        return None
    if commit:
        print(f"Committed {commit[:7]} ({action} {slug}).", file=sys.stderr)
    return commit


def record_save(library, slug: str, *, action: str = "save") -> str | None:
    """After a plain save: commit it only when ``[git] commit_on_save = true``; warn on failure."""
    from ..git.commits import record_save as commit_save
    from ..git.run import GitError

    try:
        commit = commit_save(library, slug, action=action)
    except GitError as error:
        print(f"newsroom: saved, but not committed: {error}", file=sys.stderr)
        return None
    if commit:
        print(f"Committed {commit[:7]} ({action} {slug}).", file=sys.stderr)
    return commit


# ---------------------------------------------------------------------------
# init


def _holds_library(directory: Path) -> bool:
    from ..layout import RELEASE_FILE, SETTINGS_FILE

    if (directory / SETTINGS_FILE).exists():
        return True
    try:
        return any(
            (child / RELEASE_FILE).exists() for child in directory.iterdir() if child.is_dir()
        )
    except OSError:
        return False


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def cmd_init(args: argparse.Namespace) -> int:
    from ..fsio import atomic_write
    from ..git.commits import identity_problem
    from ..git.repo import find_repo_at
    from ..git.run import GitError, run_git
    from ..layout import PEOPLE_FILE, SETTINGS_FILE
    from ..safety import strip_controls
    from ..signers import DEFAULT_NAME as SIGNERS_FILE
    from ..signers import HEADER as SIGNERS_TEMPLATE

    directory: Path = args.dir if args.dir is not None else args.drafts
    if directory.exists() and not directory.is_dir():
        raise CommandError(f"{directory}: exists and is not a folder")
    if directory.is_dir() and _holds_library(directory):
        raise CommandError(f"{directory}: already holds a library; nothing was changed")
    organisation = " ".join(strip_controls(args.organisation).split())

    repo = None
    if args.git:
        parent = directory if directory.is_dir() else _existing_parent(directory)
        repo = find_repo_at(parent) if parent is not None else None
        problem = identity_problem(parent) if parent is not None else None
        if problem:
            raise CommandError(f"{problem}; nothing was changed")

    directory.mkdir(parents=True, exist_ok=True)
    files = {
        SETTINGS_FILE: SETTINGS_TEMPLATE.format(organisation=_toml_string(organisation)),
        PEOPLE_FILE: PEOPLE_TEMPLATE,
        SIGNERS_FILE: SIGNERS_TEMPLATE,
        ".gitignore": GITIGNORE_TEMPLATE,
    }
    if args.git:
        files[".gitattributes"] = GITATTRIBUTES_TEMPLATE
    written = []
    for name, text in files.items():
        # An existing .gitignore or .gitattributes is the user's: leave it be.
        if not (directory / name).exists():
            atomic_write(directory / name, text.encode("utf-8"))
            written.append(name)
    print(f"Created a library in {directory}/ ({', '.join(written)}).")

    if args.git:
        try:
            if repo is None:
                run_git(directory, "init", "--quiet", *_initial_branch(directory))
                where = "a new repository"
            else:
                where = f"the repository at {repo.top}"
            names = written
            run_git(directory, "add", "--", *names)
            run_git(
                directory, "commit", "--quiet", "-m", "Start the newsroom library", "--", *names
            )
        except GitError as error:
            raise CommandError(f"the library was created, but git failed: {error}") from None
        print(f"Committed it to {where}. Next: docs/collaboration.md explains sharing it.")
    return 0


def _existing_parent(path: Path) -> Path | None:
    for candidate in [path, *path.absolute().parents]:
        if candidate.is_dir():
            return candidate
    return None


def _initial_branch(directory: Path) -> list[str]:
    from ..git.run import run_git

    parent = _existing_parent(directory) or Path.cwd()
    configured = run_git(parent, "config", "--get", "init.defaultBranch", check=False)
    return [] if configured.stdout.strip() else ["--initial-branch=main"]


# ---------------------------------------------------------------------------
# sync


def cmd_sync(args: argparse.Namespace) -> int:
    from ..bundle import Library
    from ..errors import BundleError
    from ..git.repo import find_repo, why_no_repo
    from ..git.run import GitError, NotReady, SyncConflict
    from ..git.sync import sync

    library = open_library(args)
    try:
        repo = find_repo(library)
    except NotReady as error:
        raise CommandError(f"sync did not run: {error}", EXIT_BAD_INPUT) from None
    if repo is None:
        raise CommandError(
            f"{why_no_repo(library)}; `newsroom init --git` makes a repository "
            "(see docs/collaboration.md)",
            EXIT_BAD_INPUT,
        )
    try:
        result = sync(library, commit=args.commit, keep=args.keep)
    except SyncConflict as conflict:
        lines = [
            f"sync stopped: {conflict}. Nothing was lost: your commits and files are as "
            "they were, and nothing was pushed."
        ]
        for name, what in sorted(conflict.releases.items()):
            lines.append(f"  {name}: {', '.join(what)}")
        lines.append(
            "Agree whose version stands, then run `newsroom sync --keep mine` to keep "
            "yours or `newsroom sync --keep theirs` to take the other one (sign-offs "
            "from both sides are kept either way)."
        )
        if args.json:
            json.dump(
                {"ok": False, "error": str(conflict), "conflicts": conflict.releases},
                sys.stdout,
                ensure_ascii=False,
                indent=2,
            )
            sys.stdout.write("\n")
        raise CommandError("\n".join(lines), EXIT_FAILED) from None
    except NotReady as error:
        raise CommandError(f"sync did not run: {error}", EXIT_BAD_INPUT) from None
    except GitError as error:
        raise CommandError(f"sync did not finish: {error}", EXIT_FAILED) from None
    if args.json:
        from dataclasses import asdict

        json.dump(
            {"ok": not result.problems, **asdict(result)},
            sys.stdout,
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        sys.stdout.write("\n")
    else:
        try:  # names, rules and people as they stand after the sync
            library = Library.open(library.root)
        except BundleError:
            pass
        print(_sync_report(result, library))
    return EXIT_FAILED if result.problems else 0


def _describe_person(library, person_id: str) -> str:
    from ..safety import strip_controls

    person = library.people.get(person_id)
    return strip_controls(person.name if person else person_id)


def _sync_report(result, library) -> str:
    from ..safety import strip_controls

    lines = []
    for slug in result.committed:
        lines.append(f"Committed {slug} before syncing.")
    if result.published_branch:
        lines.append(
            f"Published this branch as {result.published_branch} "
            f"({result.pushed} commit{'s' if result.pushed != 1 else ''})."
        )
    if not (
        result.arrived
        or result.library_files
        or result.published_branch
        or result.merged
        or result.kept
    ):
        lines.append("Nothing new from the others.")
    for change in result.arrived:
        headline = strip_controls(change.headline)
        label = {"new": "New release", "changed": "Changed", "removed": "Removed"}[change.kind]
        current, state = _now(library, change.slug) if change.kind != "removed" else ("", "")
        lines.append(
            f"{label}: {change.slug}"
            + (f" – {headline}" if headline else "")
            + (f" [{state}]" if state else "")
        )
        for approval in change.approvals_added:
            digest = str(approval.get("digest", ""))
            which = (
                ""
                if not current
                else (", this version" if digest == current else ", an earlier version")
            )
            lines.append(
                f"    approved by {_describe_person(library, approval.get('by', ''))}"
                f" ({_short(digest)}{which})"
            )
        for clearance in change.clearances_added:
            lines.append(
                f"    quote {strip_controls(str(clearance.get('quote', '')))} cleared by "
                f"{_describe_person(library, clearance.get('by', ''))}"
            )
        for event in change.events_added:
            if event.get("action") in ("approve", "clear"):
                continue  # already listed above
            who = _describe_person(library, event.get("by", ""))
            lines.append(
                f"    {strip_controls(str(event.get('action', '')))}"
                + (f" by {who}" if who else "")
            )
        if change.kind == "changed" and not (
            change.approvals_added or change.events_added or change.clearances_added
        ):
            lines.append(f"    edited ({', '.join(change.files)})")
    for path in result.library_files:
        lines.append(f"Library file changed: {path}")
    for slug, keys in sorted(result.merged.items()):
        kept = f" ({', '.join(keys)} from both sides kept)" if keys else ""
        lines.append(f"Merged changes made here and elsewhere to {slug}{kept}.")
    for slug, what in sorted(result.kept.items()):
        side = "your version" if result.keep == "mine" else "the other version"
        lines.append(f"Kept {side} of {', '.join(what)} in {slug}.")
    if result.pushed and not result.published_branch:
        lines.append(f"Sent {result.pushed} commit{'s' if result.pushed != 1 else ''}.")
    elif not result.published_branch:
        lines.append("Nothing of yours to send.")
    for slug in result.unshared:
        lines.append(
            f"Not shared yet (never committed): {slug}; `newsroom sync --commit` sends it."
        )
    for problem in result.problems:
        lines.append(f"Needs attention: {problem}")
    return "\n".join(lines)


def _now(library, slug: str) -> tuple[str, str]:
    """The release's digest and status after the sync, or blanks if it does not load."""
    from ..digest import release_digest
    from ..errors import BundleError
    from ..signoff import status

    try:
        release = library.load(slug)
        return release_digest(release, library), status(release, library)
    except (BundleError, ValueError):
        return "", ""


def _short(digest: str) -> str:
    return digest[:15] + "…" if len(digest) > 15 else digest


# ---------------------------------------------------------------------------
# history


def cmd_history(args: argparse.Namespace) -> int:
    from zoneinfo import ZoneInfo

    from ..digest import release_digest
    from ..git.history import release_history
    from ..safety import strip_controls

    library = open_library(args)
    release = load_release(library, args.slug)
    entries = release_history(library, args.slug, release)
    if args.json:
        json.dump([e.to_json() for e in entries], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return 0
    zone = ZoneInfo(library.settings.timezone)
    current = release_digest(release, library)
    print(f"{release.slug} – {strip_controls(release.headline)}")
    print(f"Digest now: {current}")
    if not entries:
        print("No history yet.")
        return 0
    for entry in entries:
        when = (
            entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if entry.at.tzinfo
            else entry.at.strftime("%Y-%m-%d %H:%M")
        )
        who = strip_controls(entry.name or entry.by) or "–"
        line = f"{when}  {entry.action:<16} {who:<22}"
        if entry.digest:
            state = (
                ""
                if entry.current is None
                else (" (current)" if entry.current else " (earlier version)")
            )
            line += f" {_short(entry.digest)}{state}"
        if entry.commit:
            line += f"  commit {entry.short_commit}"
        print(line.rstrip())
        detail = entry.note or (entry.subject if entry.source == "commit" else "")
        if entry.extra.get("quote"):
            detail = f"quote {entry.extra['quote']}" + (f": {detail}" if detail else "")
        if entry.extra.get("check"):  # a waiver: which check, and why
            detail = f"waived {entry.extra['check']}" + (f": {detail}" if detail else "")
        if detail:
            print(f"{'':18}{strip_controls(detail)}")
        recorded = entry.recorded_note()
        if recorded:
            print(f"{'':18}{strip_controls(recorded)}")
    return 0

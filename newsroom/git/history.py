"""A release's history: its events, approvals, clearances and (in a git work
tree) the commits that touched its bundle, merged into one list.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..bundle import Library
from ..model import Release
from .commits import TRAILER_ACTION, TRAILER_APPROVED_BY, TRAILER_DIGEST, TRAILER_RECORDED_BY
from .repo import Repo, find_repo
from .run import GitError


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
    from ..digest import quote_digest, release_digest

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

"""Verify and diff: do the claimed sign-offs hold, and what changed since one.

``verify`` lists every claimed approval, clearance or waiver that does not
hold; ``diff`` shows the plain-text export now against the last approved (or
submitted) version kept as a snapshot.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from .bundle import Library
from .digest import (
    SNAPSHOT_DIR,
    canonical_payload,
    document_from_payload,
    payload_digest,
    read_snapshot,
    release_digest,
    short,
    well_formed,
)
from .export.document import Document, build_document
from .export.text import TextOptions, render_text
from .model import Release
from .signoff import approval_problems, clearance_problems
from .waivers import verify_lines
from .workflow import APPROVE, SUBMIT, Refused

# ---------------------------------------------------------------------------
# Verify and diff


def verify(release: Release, library: Library) -> list[str]:
    """One line per claimed approval or clearance that does not hold (empty: all good)."""
    current = release_digest(release, library)
    lines: list[str] = []
    seen: set[str] = set()
    for approval in release.approvals:
        problems = approval_problems(approval, release, library, current)
        lines.extend(p.message for p in problems)
        if not problems and approval.by in seen:
            continue  # the same approver twice counts once; not an error
        seen.add(approval.by)
        if well_formed(approval.digest) and not any(p.kind == "edited" for p in problems):
            if read_snapshot(library, release.slug, approval.digest) is None:
                lines.append(
                    f"approval by {approval.by}: digest edited by hand? "
                    f"{short(approval.digest)} matches no snapshot in "
                    f"{release.slug}/{SNAPSHOT_DIR}/ (or that folder was not kept)"
                )
    for clearance in release.clearances:
        lines.extend(p.message for p in clearance_problems(clearance, release, library))
    lines.extend(verify_lines(release, library, current))
    return lines


@dataclass(frozen=True)
class DiffBase:
    label: str
    digest: str
    payload: dict[str, Any]


def diff_base(release: Release, library: Library) -> DiffBase | None:
    """The last approved version with a snapshot, else the last submitted one."""
    for actions, verb in (({APPROVE}, "approved"), ({SUBMIT}, "submitted")):
        for event in reversed(release.history):
            if event.action not in actions:
                continue
            payload = read_snapshot(library, release.slug, event.digest)
            if payload is not None:
                when = event.at.astimezone(UTC).isoformat(timespec="seconds")
                return DiffBase(
                    f"{verb} by {event.by} at {when} ({short(event.digest)})", event.digest, payload
                )
    return None


def diff(release: Release, library: Library, width: int | None = None) -> tuple[DiffBase, str]:
    """A unified diff of the plain-text export since ``diff_base`` ('' when unchanged)."""
    base = diff_base(release, library)
    if base is None:
        if any(event.action in (APPROVE, SUBMIT) for event in release.history):
            # The history says it was; only the snapshots of those versions are gone.
            raise Refused(
                f"{release.slug} was submitted or approved, but the text of those versions "
                f"is missing from {library.root / release.slug / '.snapshots'}; "
                "there is nothing to compare with"
            )
        raise Refused(
            f"{release.slug} has never been submitted or approved; there is nothing to compare with"
        )
    options = TextOptions(width=width or library.settings.width)
    before = render_text(document_from_payload(base.payload, release.slug), options)
    current_document = build_document(release, library.settings, library.people)
    after = render_text(current_document, options)
    current = payload_digest(canonical_payload(current_document))
    lines = difflib.unified_diff(
        before.splitlines(keepends=True),
        after.splitlines(keepends=True),
        fromfile=base.label,
        tofile=f"now ({short(current)})",
    )
    return base, "".join(lines) + picture_changes(base.payload, current_document)


def picture_changes(base_payload: dict[str, Any], document: Document) -> str:
    """A line per picture added, removed or changed (file or record) since ``base_payload``."""
    before = {p["id"]: p for p in base_payload.get("media", [])}
    after = {p.picture_id: p.payload() for p in document.pictures}
    out = []
    for picture_id in sorted(set(before) | set(after)):
        old, new = before.get(picture_id), after.get(picture_id)
        if old == new:
            continue
        if old is None or new is None:
            out.append(f"picture {picture_id!r} {'added' if old is None else 'removed'}\n")
            continue
        what = [key for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]
        if "sha256" in what:
            what = ["the picture file itself"] + [k for k in what if k != "sha256"]
        out.append(f"picture {picture_id!r} changed: {', '.join(what)}\n")
    return "".join(out)

"""The list of publishable fields is the digest's list: every field of a release is
classified, each publishable one moves the digest, and nothing else does."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import DRAFTS, SAMPLE_SLUG

from newsroom import publishable
from newsroom.bundle import Library
from newsroom.digest import release_digest
from newsroom.model import Approval, Event, Release


def changed(value: Any, path: str) -> Any:
    if path == "quotes[].speaker":
        return "tom-whitfield" if value != "tom-whitfield" else "amira-okafor"
    if isinstance(value, datetime):
        return value + timedelta(hours=1)
    if isinstance(value, date):
        return value + timedelta(days=1)
    if value is None and path == "embargo.until":
        return datetime(2030, 1, 1, tzinfo=UTC)
    if value is None:
        return date(2030, 1, 1)
    if path == "embargo.timezone":
        return "Europe/Paris" if value != "Europe/Paris" else "Europe/Berlin"
    if path in {"clearances", "approvals", "waivers"}:
        return []
    if path == "history":
        return [*value, Event(at=datetime(2030, 1, 1, tzinfo=UTC), action="submit")]
    if isinstance(value, str):
        return value + " Changed."
    if isinstance(value, int):
        return value + 1
    raise AssertionError(f"no change known for {path} ({value!r})")


def mutate(release: Release, path: str) -> None:
    head, _, rest = path.partition(".")
    if head == "notes_to_editors[]":
        release.notes_to_editors[0] += " Changed."
        return
    if head == "media[]":
        # Every picture travels with the release, placed in the body or not.
        target = release.media[0]
    elif head.endswith("[]"):
        # The first item the body places: unplaced ones are not published.
        kind = head[:-2].rstrip("s")
        placed = [ref for _, k, ref in release.references() if k == kind]
        target = next(i for i in getattr(release, head[:-2]) if i.id == placed[0])
        if rest == "id":
            new = target.id + "x"
            release.body = release.body.replace(f" {target.id} >", f" {new} >")
            target.id = new
            return
    else:
        target, rest = (release, head) if not rest else (getattr(release, head), rest)
    setattr(target, rest, changed(getattr(target, rest), path))


@pytest.fixture(scope="module")
def library() -> Library:
    return Library.open(DRAFTS)


def test_every_field_of_a_release_is_classified() -> None:
    classified = (
        publishable.PUBLISHABLE_FIELDS + publishable.IDENTIFIERS + publishable.NOT_PUBLISHED
    )
    assert sorted(publishable.field_paths()) == sorted(classified)
    assert len(set(classified)) == len(classified)


@pytest.mark.parametrize("path", publishable.PUBLISHABLE_FIELDS + publishable.IDENTIFIERS)
def test_each_publishable_field_moves_the_digest(library: Library, path: str) -> None:
    release = library.load(SAMPLE_SLUG)
    assert release.captions and release.quotes and release.embargo.until
    if path == "quotes[].attribution_after":
        # Where an attribution goes only means something when there is one: the
        # sample's quotes have none, so each is given one first.
        for quote in release.quotes:
            quote.attribution = "said {name}."
    before = release_digest(release, library)
    mutate(release, path)
    assert release_digest(release, library) != before, path


@pytest.mark.parametrize("path", publishable.NOT_PUBLISHED)
def test_nothing_else_moves_the_digest(library: Library, path: str) -> None:
    release = library.load(SAMPLE_SLUG)
    release.approvals.append(
        Approval(by="x", at=datetime(2030, 1, 1, tzinfo=UTC), digest="sha256:0")
    )
    before = release_digest(release, library)
    mutate(release, path)
    assert release_digest(release, library) == before, path


def test_get_reads_nested_and_listed_fields(library: Library) -> None:
    release = library.load(SAMPLE_SLUG)
    assert publishable.get(release, "contact.name") == release.contact.name
    assert publishable.get(release, "captions[].credit") == [c.credit for c in release.captions]
    assert publishable.get(release, "notes_to_editors[]") == release.notes_to_editors
    assert dataclasses.is_dataclass(publishable.get(release, "dateline"))

"""The digest: what it covers, what it ignores, and that its form is stable."""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import tomli_w
from conftest import DRAFTS, SAMPLE_SLUG
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsroom.bundle import Library
from newsroom.digest import canonical_bytes, canonical_payload, quote_digest, release_digest
from newsroom.model import Approval, Clearance, Event, Release

PROPS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_LIBRARY: Library | None = None


def sample() -> tuple[Library, Release]:
    """The sample library (read only here) and a fresh copy of the lido release."""
    global _LIBRARY
    if _LIBRARY is None:
        _LIBRARY = Library.open(DRAFTS)
    return _LIBRARY, _LIBRARY.load(SAMPLE_SLUG)


# Every published text field a person types: (name, getter, setter).
def _fields(release: Release) -> dict[str, tuple[Any, Any]]:
    fields: dict[str, tuple[Any, Any]] = {
        "headline": (lambda: release.headline, lambda v: setattr(release, "headline", v)),
        "standfirst": (lambda: release.standfirst, lambda v: setattr(release, "standfirst", v)),
        "dateline.place": (
            lambda: release.dateline.place,
            lambda v: setattr(release.dateline, "place", v),
        ),
        "body": (lambda: release.body, lambda v: setattr(release, "body", v)),
        "about": (lambda: release.about, lambda v: setattr(release, "about", v)),
        "imprint": (lambda: release.imprint, lambda v: setattr(release, "imprint", v)),
    }
    for key in ("name", "role", "phone", "email"):
        fields[f"contact.{key}"] = (
            lambda key=key: getattr(release.contact, key),
            lambda v, key=key: setattr(release.contact, key, v),
        )
    for quote in release.quotes:
        for key in ("role", "intro", "text"):
            fields[f"quotes[{quote.id}].{key}"] = (
                lambda q=quote, key=key: getattr(q, key),
                lambda v, q=quote, key=key: setattr(q, key, v),
            )
    for caption in release.captions:
        for key in ("text", "credit"):
            fields[f"captions[{caption.id}].{key}"] = (
                lambda c=caption, key=key: getattr(c, key),
                lambda v, c=caption, key=key: setattr(c, key, v),
            )
    for index in range(len(release.notes_to_editors)):

        def set_note(v: str, index: int = index) -> None:
            release.notes_to_editors[index] = v

        fields[f"notes_to_editors[{index}]"] = (
            lambda index=index: release.notes_to_editors[index],
            set_note,
        )
    return fields


FIELD_NAMES = sorted(_fields(Library.open(DRAFTS).load(SAMPLE_SLUG)))


@PROPS
@given(
    name=st.sampled_from(FIELD_NAMES),
    position=st.integers(min_value=0),
    replacement=st.sampled_from("abcdefghijklmnopqrstuvwxyzQZ7#"),
)
def test_changing_one_character_of_any_published_field_changes_the_digest(
    name: str, position: int, replacement: str
) -> None:
    library, release = sample()
    before = release_digest(release, library)
    get, put = _fields(release)[name]
    value = get()
    index = position % len(value)
    if value[index] == replacement:
        replacement = "w" if replacement != "w" else "v"
    put(value[:index] + replacement + value[index + 1 :])
    assert release_digest(release, library) != before, (name, index, value[index])


@PROPS
@given(notes=st.text(max_size=200))
def test_internal_notes_never_change_the_digest(notes: str) -> None:
    library, release = sample()
    before = release_digest(release, library)
    release.internal_notes = notes
    assert release_digest(release, library) == before


def test_status_approvals_clearances_and_history_are_outside_the_digest() -> None:
    library, release = sample()
    before = release_digest(release, library)
    from datetime import UTC, datetime

    at = datetime(2026, 11, 25, tzinfo=UTC)
    release.approvals.append(Approval(by="david-osei", at=at, digest=before))
    release.clearances.append(Clearance(quote="okafor", by="amira-okafor", at=at, digest="x"))
    release.history.append(Event(at=at, action="submit", by="priya-raman"))
    release.extra["status"] = "approved"
    assert release_digest(release, library) == before


def test_dates_embargo_speakers_and_organisation_are_inside_the_digest() -> None:
    library, release = sample()
    before = release_digest(release, library)
    release.dateline.date += timedelta(days=1)
    assert release_digest(release, library) != before
    library, release = sample()
    release.embargo.until += timedelta(minutes=1)
    assert release_digest(release, library) != before
    library, release = sample()
    release.quotes[0].speaker = "david-osei"
    assert release_digest(release, library) != before
    fresh = Library.open(DRAFTS)
    fresh.settings.organisation = "Hollinsbury Progressive"
    assert release_digest(fresh.load(SAMPLE_SLUG), fresh) != before
    fresh = Library.open(DRAFTS)
    fresh.people["amira-okafor"].name = "Amira Okafor"
    assert release_digest(fresh.load(SAMPLE_SLUG), fresh) != before


def _shuffled(value: Any, rng: random.Random) -> Any:
    if isinstance(value, dict):
        keys = list(value)
        rng.shuffle(keys)
        return {key: _shuffled(value[key], rng) for key in keys}
    if isinstance(value, list):
        return [_shuffled(item, rng) for item in value]
    return value


@settings(max_examples=25, deadline=None)
@given(
    rng=st.randoms(use_true_random=False),
    multiline=st.booleans(),
    blank_lines=st.integers(min_value=0, max_value=3),
)
def test_reformatting_release_toml_by_hand_keeps_the_digest(
    rng: random.Random, multiline: bool, blank_lines: int
) -> None:
    library, release = sample()
    before = release_digest(release, library)
    raw = (DRAFTS / SAMPLE_SLUG / "release.toml").read_bytes()
    data = _shuffled(tomllib.loads(raw.decode()), rng)
    text = tomli_w.dumps(data, multiline_strings=multiline)
    text = text.replace("\n[", "\n" * (blank_lines + 1) + "[")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "drafts"
        shutil.copytree(DRAFTS, root)
        (root / SAMPLE_SLUG / "release.toml").write_text(text, encoding="utf-8")
        other = Library.open(root)
        assert release_digest(other.load(SAMPLE_SLUG), other) == before


def test_line_ends_and_blank_lines_around_references_do_not_change_the_digest() -> None:
    library, release = sample()
    before = release_digest(release, library)
    release.body = release.body.replace("\n", "\r\n")
    assert release_digest(release, library) == before
    release.body = release.body.replace("{{< quote okafor >}}", "\n \n{{< quote okafor >}}\n\t")
    assert release_digest(release, library) == before


def test_a_markdown_hard_break_changes_the_digest() -> None:
    """Two trailing spaces break the line in the export: that is published content."""
    library, release = sample()
    assert "on Tuesday night " in release.body
    release.body = release.body.replace("on Tuesday night ", "on Tuesday night\n", 1)
    soft = release_digest(release, library)
    release.body = release.body.replace("on Tuesday night\n", "on Tuesday night  \n", 1)
    assert release_digest(release, library) != soft


def test_canonical_form_is_sorted_compact_utf8_json() -> None:
    library, release = sample()
    from newsroom.export.document import build_document

    payload = canonical_payload(build_document(release, library.settings, library.people))
    data = canonical_bytes(payload)
    assert data == json.dumps(
        payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")
    assert b"\xc2\xa3310,000" in data  # '£' as UTF-8, not \u00a3
    assert json.loads(data)["canonical"] == 1
    assert "internal_notes" not in json.loads(data)


def test_quote_digest_covers_wording_and_attribution_only() -> None:
    library, release = sample()
    quote = release.quote("whitfield")
    before = quote_digest(quote, library.people)
    release.headline = "Something else"
    assert quote_digest(quote, library.people) == before
    quote.intro = "{name} said:"
    assert quote_digest(quote, library.people) != before


def test_known_digest_of_the_sample_is_stable() -> None:
    """Pins the canonical form: if this changes, every approval ever given goes stale.

    Update only with a new ``canonical`` version and a note in docs/signoff.md.
    """
    library, release = sample()
    with_pictures = Path(__file__).with_name("data") / "lido_digest_pictures.txt"
    assert release_digest(release, library) == with_pictures.read_text(encoding="ascii").strip()
    # Without its picture the sample is what it was before pictures existed:
    # a release without pictures keeps its digest (and its approvals).
    release.media = []
    pinned = Path(__file__).with_name("data") / "lido_digest.txt"
    assert release_digest(release, library) == pinned.read_text(encoding="ascii").strip()

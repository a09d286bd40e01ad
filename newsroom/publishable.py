"""Which fields of a release are published: the one list, shared by the digest's
tests, the checks' documentation and the TUI's "every field has an editor" test.

A path names a field of ``Release``: ``dateline.place`` is a field of a nested
table, ``quotes[].text`` the field of every item of a list, ``notes_to_editors[]``
every item of a list of strings. The digest (``workflow.canonical_payload``)
covers exactly ``PUBLISHABLE_FIELDS`` plus ``IDENTIFIERS`` (and the library's
organisation, a setting): ``tests/test_publishable.py`` changes each path in
turn and checks the digest moves, and that it does not move for the others.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from .model import Caption, Picture, Quote, Release

# Typed by a person, printed in the release.
PUBLISHABLE_FIELDS: tuple[str, ...] = (
    "headline",
    "standfirst",
    "dateline.place",
    "dateline.date",
    "embargo.until",
    "embargo.timezone",
    "body",
    "quotes[].speaker",
    "quotes[].role",
    "quotes[].intro",
    "quotes[].text",
    "quotes[].attribution",
    "quotes[].attribution_after",
    "captions[].text",
    "captions[].credit",
    "captions[].file",
    "media[].caption",
    "media[].creator",
    "media[].credit",
    "media[].copyright",
    "media[].alt",
    "media[].usage_terms",
    "notes_to_editors[]",
    "contact.name",
    "contact.role",
    "contact.phone",
    "contact.email",
    "about",
    "imprint",
)

# In the digest, but chosen by newsroom when a quote or caption is created.
IDENTIFIERS: tuple[str, ...] = (
    "quotes[].id",
    "captions[].id",
    # Set by newsroom from the file when a picture is added (media add, the F9 pane).
    "media[].id",
    "media[].file",
    "media[].sha256",
    "media[].width",
    "media[].height",
)

# Never published: bookkeeping, sign-off and notes for the team.
NOT_PUBLISHED: tuple[str, ...] = (
    "slug",
    "created",
    "internal_notes",
    "clearances",
    "approvals",
    "waivers",
    "history",
)


_ITEM_KINDS: dict[str, type] = {"quotes": Quote, "captions": Caption, "media": Picture}
_STRING_LISTS = {"notes_to_editors"}


def field_paths(kind: type = Release, prefix: str = "") -> list[str]:
    """Every field path of ``kind`` (``extra``, the unknown keys kept, left out)."""
    hints = {f.name: f for f in dataclasses.fields(kind)}
    paths: list[str] = []
    sample = kind(
        **{
            name: "x"
            for name, f in hints.items()
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
    )
    for name in hints:
        if name == "extra":
            continue
        value = getattr(sample, name)
        path = f"{prefix}{name}"
        if dataclasses.is_dataclass(value):
            paths += field_paths(type(value), f"{path}.")
        elif isinstance(value, list) and path in _ITEM_KINDS:
            paths += field_paths(_ITEM_KINDS[path], f"{path}[].")
        elif isinstance(value, list) and path in _STRING_LISTS:
            paths.append(f"{path}[]")
        else:
            paths.append(path)
    return paths


def get(release: Release, path: str) -> Any:
    """The value at ``path``; for ``[]`` paths, the list of every item's value."""
    head, _, rest = path.partition(".")
    if head.endswith("[]"):
        items = getattr(release, head[:-2])
        return [getattr(item, rest) for item in items] if rest else list(items)
    value = getattr(release, head)
    return getattr(value, rest) if rest else value

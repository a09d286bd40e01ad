"""Three-way merge of two versions of a release.toml, structure-aware.

Used by ``newsroom sync`` when git cannot merge a release.toml line by line.
Pure functions on parsed TOML tables: no I/O, no git, no Textual, no Rich.

- ``approvals``, ``clearances`` and ``history``: the entries of both sides,
  each once, oldest first; an entry that was in the base and that one side
  removed (a stale approval retired) stays removed.
- ``quotes`` and ``captions``: merged entry by entry, by ``id``.
- Any other field: a change on one side wins; the same field changed
  differently on both sides is a clash, reported by its key path (and settled
  only when the caller says which side to prefer).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

# Arrays of release.toml that only ever grow by sign-off actions: a sync keeps
# the entries of both sides instead of calling it a conflict.
UNION_ARRAYS = ("approvals", "clearances", "waivers", "history")
# Arrays of tables with an ``id``: merged entry by entry.
ID_ARRAYS = ("quotes", "captions")


def _sort_key(when: datetime) -> float:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.timestamp()


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


MISSING: Any = _Missing()


def identity(item: Any) -> str:
    """A table's value as text: two entries are the same entry when these match."""
    return json.dumps(item, sort_keys=True, default=str, ensure_ascii=False)


def _time_key(item: Any) -> tuple[int, float]:
    at = item.get("at") if isinstance(item, dict) else None
    if isinstance(at, datetime):
        return (0, _sort_key(at))
    return (1, 0.0)


def _merge_union(base: Any, ours: Any, theirs: Any) -> list[Any]:
    """Entries of both sides, each once, oldest first; an entry that was in the
    base and that one side removed stays removed."""

    def as_list(value: Any) -> list[Any]:
        return value if isinstance(value, list) else []

    base_ids = {identity(i) for i in as_list(base)}
    our_ids = {identity(i) for i in as_list(ours)}
    their_ids = {identity(i) for i in as_list(theirs)}
    seen: set[str] = set()
    merged = []
    for item in [*as_list(ours), *as_list(theirs)]:
        key = identity(item)
        if key in seen:
            continue
        seen.add(key)
        if key in base_ids and (key not in our_ids or key not in their_ids):
            continue
        merged.append(item)
    return sorted(merged, key=_time_key)


class _Clashes(list[str]):
    """Key paths changed differently on both sides, and which side wins them (if any)."""

    def __init__(self, prefer: str | None = None) -> None:
        super().__init__()
        self.prefer = prefer

    def clash(self, path: str, ours: Any, theirs: Any) -> Any:
        self.append(path)
        return theirs if self.prefer == "theirs" else ours


def _merge_by_id(path: str, base: Any, ours: Any, theirs: Any, conflicts: _Clashes) -> Any:
    def index(value: Any) -> dict[str, Any] | None:
        if value is MISSING:
            return {}
        if not isinstance(value, list):
            return None
        found = {}
        for item in value:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                return None
            found[item["id"]] = item
        return found

    b, o, t = index(base), index(ours), index(theirs)
    if b is None or o is None or t is None:
        return conflicts.clash(path, ours, theirs)
    merged = []
    for item_id in [*o, *(i for i in t if i not in o)]:
        value = _merge_value(
            f"{path}[id={item_id}]",
            b.get(item_id, MISSING),
            o.get(item_id, MISSING),
            t.get(item_id, MISSING),
            conflicts,
        )
        if value is not MISSING:
            merged.append(value)
    return merged if merged else MISSING


def _merge_value(path: str, base: Any, ours: Any, theirs: Any, conflicts: _Clashes) -> Any:
    if ours == theirs:
        return ours
    if base == ours:
        return theirs
    if base == theirs:
        return ours
    if (
        isinstance(ours, dict)
        and isinstance(theirs, dict)
        and (isinstance(base, dict) or base is MISSING)
    ):
        return _merge_tables(path, base if isinstance(base, dict) else {}, ours, theirs, conflicts)
    return conflicts.clash(path, ours, theirs)


def _merge_tables(
    path: str,
    base: dict[str, Any],
    ours: dict[str, Any],
    theirs: dict[str, Any],
    conflicts: _Clashes,
    *,
    top: bool = False,
) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for key in [
        *ours,
        *(k for k in theirs if k not in ours),
        *(k for k in base if k not in ours and k not in theirs),
    ]:
        key_path = f"{path}.{key}" if path else key
        b, o, t = base.get(key, MISSING), ours.get(key, MISSING), theirs.get(key, MISSING)
        if top and key in UNION_ARRAYS:
            value = _merge_union(b, o, t) or MISSING
        elif top and key in ID_ARRAYS:
            value = _merge_by_id(key_path, b, o, t, conflicts)
        else:
            value = _merge_value(key_path, b, o, t, conflicts)
        if value is not MISSING:
            merged[key] = value
    return merged


def merge_release_data(
    base: dict[str, Any] | None,
    ours: dict[str, Any],
    theirs: dict[str, Any],
    prefer: str | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """Three-way merge of two versions of a release.toml (parsed).

    Approvals, clearances and history: entries of both sides kept, each once,
    sorted by time. Quotes and captions: merged per id. Every other field: a
    change on one side wins; a different change on both sides is a conflict,
    returned as its key path. ``prefer`` ("ours" or "theirs") says which side
    such a field takes; without it the merged value is ``ours`` and the caller
    should treat the merge as failed.
    """
    conflicts = _Clashes(prefer)
    merged = _merge_tables("", base or {}, ours, theirs, conflicts, top=True)
    return merged, list(conflicts)

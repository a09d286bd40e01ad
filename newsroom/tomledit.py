"""Edits of the files people write by hand: ``newsroom.toml`` and ``people.toml``.

Every write goes through tomlkit, which keeps comments, blank lines, key
order and quoting style: only the value that changed is rewritten. Before
anything is written the new text is read back through the same loader the
rest of newsroom uses, so a change that would make the file unreadable is
refused and the file is left as it was; a file that does not load is never
overwritten. Writes are atomic (``bundle.atomic_write``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import Table

from .codec import people_from_toml, settings_from_toml
from .errors import BundleError
from .fsio import atomic_write
from .layout import PEOPLE_FILE, SETTINGS_FILE
from .model import SCHEMA_VERSION, Person, Settings
from .tomlio import parse_toml

# A key path inside a TOML document: ("rules", "approvers"), ("defaults", "contact", "name").
KeyPath = tuple[str, ...]
# ``None`` as a new value removes the key (the default applies again).
Change = tuple[KeyPath, Any]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise BundleError(path, f"cannot be read ({error.strerror or error})") from None


def _document(path: Path, raw: bytes | None) -> tomlkit.TOMLDocument:
    """The file as tomlkit sees it; a file that does not load raises with line:col."""
    if raw is None:
        document = tomlkit.document()
        document.add("schema", SCHEMA_VERSION)
        return document
    parse_toml(path, raw)  # the position-carrying error for a broken file
    text = raw.decode("utf-8-sig")
    return tomlkit.parse(text)


def _value(value: Any) -> Any:
    if isinstance(value, str) and "\n" in value:
        return tomlkit.string(value, multiline=True)
    return value


def set_path(document: Any, path: KeyPath, value: Any) -> None:
    """Set (or with ``None`` remove) ``path`` in a tomlkit document, creating tables."""
    table = document
    for name in path[:-1]:
        if name not in table:
            if value is None:
                return
            table.add(name, tomlkit.table())
        table = table[name]
    key = path[-1]
    if value is None:
        if key in table:
            del table[key]
        return
    if key in table and table[key] == value:
        return  # unchanged: keep its formatting exactly
    if key in table:
        table[key] = _value(value)
    else:
        _add_key(table, key, _value(value))


def _add_key(table: Any, key: str, value: Any) -> None:
    """Add ``key`` after the table's last value, not after its trailing comments.

    A comment block at the end of a table introduces the *next* table in the
    file (``# keep this out of git`` above ``[git]``); tomlkit's append would
    put the new key below it. tomlkit has no public insert, so this uses
    ``Container._insert_at`` (tests/test_tomledit.py pins the result).
    """
    container = table.value if isinstance(table, Table) else table
    body = container.body
    last = max(
        (
            index
            for index, (name, item) in enumerate(body)
            if name is not None and not isinstance(item, Table | tomlkit.items.AoT)
        ),
        default=None,
    )
    if last is None or last + 1 >= len(body):
        table[key] = value
        return
    container._insert_at(last + 1, key, value)


def _encode(document: tomlkit.TOMLDocument, raw: bytes | None) -> bytes:
    text = tomlkit.dumps(document)
    bom = b"\xef\xbb\xbf" if raw is not None and raw.startswith(b"\xef\xbb\xbf") else b""
    return bom + text.encode("utf-8")


def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data)
    except OSError as error:
        raise BundleError(
            path, f"could not save ({error.strerror or error}); the file is unchanged"
        ) from None


# ---------------------------------------------------------------------------
# newsroom.toml


def settings_candidate(root: Path, changes: Iterable[Change]) -> tuple[bytes, Settings]:
    """The bytes ``newsroom.toml`` would hold after ``changes``, and what they mean.

    Raises ``BundleError`` (naming the key) when the result would not load, or
    (with line and column) when the file on disk does not load now.
    """
    path = root / SETTINGS_FILE
    raw = _read(path)
    document = _document(path, raw)
    for key_path, value in changes:
        set_path(document, key_path, value)
    data = _encode(document, raw)
    try:
        parsed = tomllib.loads(data.decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as error:  # a value tomlkit could not place
        raise BundleError(path, f"the change would not be valid TOML ({error})") from None
    return data, settings_from_toml(parsed, path)


def update_settings(root: Path, changes: Iterable[Change]) -> Settings:
    """Apply ``changes`` to ``newsroom.toml`` keeping everything else; the new settings."""
    data, settings = settings_candidate(root, list(changes))
    path = root / SETTINGS_FILE
    if data != _read(path):
        _write(path, data)
    return settings


# ---------------------------------------------------------------------------
# people.toml

PERSON_KEYS = ("name", "role", "organisation", "email", "phone", "honorific", "post_nominals")


def _person_table(person: Person) -> Table:
    table = tomlkit.table()
    for key in PERSON_KEYS:
        value = getattr(person, key)
        if value or key == "name":
            table[key] = value
    for key, value in person.extra.items():
        table[key] = value
    return table


def _update_person(table: Any, person: Person) -> None:
    for key in PERSON_KEYS:
        value = getattr(person, key)
        set_path(table, (key,), value if value or key == "name" else None)
    for key, value in person.extra.items():
        set_path(table, (key,), value)


def people_bytes(
    path: Path, on_disk: bytes | None, people: dict[str, Person], extra: dict[str, Any]
) -> bytes:
    """``on_disk`` with its ``[people]`` made to hold exactly ``people``.

    People whose entries did not change keep their bytes (and comments); a
    changed person keeps comments on the keys that did not change.
    """
    document = _document(path, on_disk)
    if "schema" not in document:
        document.add("schema", SCHEMA_VERSION)
    for key, value in extra.items():
        if key not in document:
            document.add(key, value)
    if "people" not in document:
        document.add("people", tomlkit.table(is_super_table=True))
    table = document["people"]
    for person_id in [key for key in table if key not in people]:
        del table[person_id]
    for person in people.values():
        if person.id in table:
            _update_person(table[person.id], person)
        else:
            table.add(person.id, _person_table(person))
    data = _encode(document, on_disk)
    # Read back before writing: a file newsroom cannot read is never written.
    parsed, _ = parse_toml(path, data)
    people_from_toml(parsed, path)
    return data


def people_path(root: Path) -> Path:
    return root / PEOPLE_FILE

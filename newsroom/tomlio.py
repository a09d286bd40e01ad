"""Reading TOML with errors that say where; writing it back.

``parse_toml`` and ``decode`` name the file, line and column of bad input;
``Table`` reads one table with the key path in its errors and keeps the keys
it was not asked for; ``dumps_toml`` writes.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date, datetime, time
from pathlib import Path
from typing import Any, TypeVar, cast

import tomli_w

from .errors import BundleError
from .model import SCHEMA_VERSION

BOM = "\ufeff"

_T = TypeVar("_T")
_D = TypeVar("_D")


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def parse_toml(path: Path, raw: bytes) -> tuple[dict[str, Any], bool]:
    """Parse ``raw`` (the bytes of ``path``); returns the table and whether it had a BOM."""
    text = decode(path, raw)
    had_bom = text.startswith(BOM)
    if had_bom:
        text = text[1:]
    try:
        return tomllib.loads(text), had_bom
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        match = _TOML_POSITION.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = message[: match.start()].strip()
        else:
            # "at end of document": point at the last line.
            lines = text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
            message = re.sub(r"\s*\(at end of document\)", "", message)
        raise BundleError(path, f"not valid TOML: {message}", line=line, column=column) from None


def decode(path: Path, raw: bytes) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start]
        line = before.count(b"\n") + 1
        # Columns count characters, as tomllib's do; the bytes before are valid.
        column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
        raise BundleError(
            path,
            f"not UTF-8 text (byte 0x{raw[error.start]:02x} cannot be decoded); "
            "save the file as UTF-8",
            line=line,
            column=column,
        ) from None
    if "\x00" in text:
        text_before = text[: text.index("\x00")]
        raise BundleError(
            path,
            "contains a NUL byte; this does not look like a text file",
            line=text_before.count("\n") + 1,
            column=len(text_before) - (text_before.rfind("\n") + 1) + 1,
        )
    return text


_TYPE_NAMES = {
    str: "text (a string)",
    int: "a whole number",
    bool: "true or false",
    list: "a list",
    dict: "a table",
    date: "a date (YYYY-MM-DD)",
    datetime: "a date and time (RFC 3339, e.g. 2026-11-24T09:00:00+00:00)",
}


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, time):
        return "a time"
    return {
        str: "a string",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)


class Table:
    """One TOML table being read: typed access by key with the key path in errors.

    Whatever is not asked for ends up in ``rest()``, so unknown keys survive.
    """

    def __init__(self, data: Any, file: Path, path: str) -> None:
        if not isinstance(data, dict):
            raise BundleError(file, f"expected a table, found {_describe(data)}", key=path)
        self.data = dict(data)
        self.file = file
        self.path = path

    def key_path(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, message: str) -> BundleError:
        return BundleError(self.file, message, key=self.key_path(key))

    def _take(self, key: str, kind: type[_T], default: _D) -> _T | _D:
        if key not in self.data:
            return default
        value = self.data.pop(key)
        ok = isinstance(value, kind)
        if kind is int and isinstance(value, bool):
            ok = False
        if kind is date and isinstance(value, datetime):
            ok = False
        if not ok:
            raise self.error(key, f"expected {_TYPE_NAMES[kind]}, found {_describe(value)}")
        return cast(_T, value)

    def text(self, key: str, default: str = "") -> str:
        return self._take(key, str, default)

    def required_text(self, key: str) -> str:
        if key not in self.data:
            raise self.error(key, "missing; this key is required")
        return self.text(key)

    def integer(self, key: str, default: int) -> int:
        return self._take(key, int, default)

    def boolean(self, key: str, default: bool) -> bool:
        return self._take(key, bool, default)

    def date(self, key: str) -> date | None:
        return self._take(key, date, None)

    def datetime(self, key: str, *, required: bool = False) -> datetime | None:
        if required and key not in self.data:
            raise self.error(key, "missing; this key is required")
        return self._take(key, datetime, None)

    def texts(self, key: str, default: list[str] | None = None) -> list[str]:
        values = self._take(key, list, None)
        if values is None:
            return list(default or [])
        for index, value in enumerate(values):
            if not isinstance(value, str):
                raise BundleError(
                    self.file,
                    f"expected text (a string), found {_describe(value)}",
                    key=f"{self.key_path(key)}[{index}]",
                )
        return list(values)

    def table(self, key: str) -> Table:
        value = self.data.pop(key, {})
        return Table(value, self.file, self.key_path(key))

    def tables(self, key: str) -> list[Table]:
        values = self._take(key, list, [])
        return [
            Table(value, self.file, f"{self.key_path(key)}[{index}]")
            for index, value in enumerate(values)
        ]

    def rest(self) -> dict[str, Any]:
        return self.data


def check_schema(table: Table) -> None:
    schema = table.integer("schema", SCHEMA_VERSION)
    if schema > SCHEMA_VERSION:
        raise table.error(
            "schema",
            f"schema {schema} is newer than this version of newsroom understands "
            f"(up to {SCHEMA_VERSION}); upgrade newsroom to open this file",
        )
    if schema < 1:
        raise table.error("schema", f"schema {schema} is not a valid schema version")


def check_id(table: Table, key: str, value: str) -> None:
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", value):
        raise table.error(
            key, f"{value!r} is not a valid id: use letters, digits, '-' and '_' (at most 64)"
        )


def check_timezone(table: Table, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise table.error(
            "timezone", f"unknown timezone {name!r}; use an IANA name such as 'Europe/London'"
        ) from None


def compact(
    pairs: dict[str, Any], extra: dict[str, Any], keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Known keys with a value (empty ones left out: the file stays short), then unknown keys.

    Keys in ``keep`` are required on load, so they are written even when empty:
    a save must never produce a file that cannot be read back.
    """
    table = {k: v for k, v in pairs.items() if k in keep or v not in ("", None, [], {})}
    for key, value in extra.items():
        table.setdefault(key, value)
    return table


def dumps_toml(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data, multiline_strings=True).encode("utf-8")

"""The press list: ``press.toml`` in the library, one ``[[contact]]`` per journalist.

People edit this file by hand as well, so it is written with tomlkit: their
comments and layout survive an ``add`` or a ``remove``. Reading goes through
tomllib (errors with file:line:column); a bad address or a name holding a
line break is refused naming the file and the line of the contact.

A contact: ``name``, ``email`` (unique, compared case-insensitively),
``outlet``, ``tags`` (beats, areas), ``opted_out`` (the date they asked to be
taken off: kept, so they are never added back by an import) and ``notes``.

The old ``[export] press_list`` of ``newsroom.toml`` is migrated: while
press.toml does not exist its addresses are read as contacts, and the first
write of press.toml removes the key from newsroom.toml.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from email.headerregistry import Address
from pathlib import Path
from typing import Any

from .bundle import BundleError, _parse_toml, atomic_write
from .safety import has_controls

PRESS_FILE = "press.toml"
SCHEMA_VERSION = 1
HEADER = """\
# The press list: journalists and outlets newsroom sends releases to.
# One [[contact]] per person. opted_out = the date they asked to be taken
# off (kept so they are never added back). See docs/sending.md.
schema = 1
"""
# The user part and domain of an address as mail servers accept them (no
# quoted local parts, no IP literals: a press list has no use for either).
_ADDRESS = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


class PressError(BundleError):
    """A press list (or CSV) that cannot be used as it is."""


@dataclass
class Contact:
    email: str
    name: str = ""
    outlet: str = ""
    tags: list[str] = field(default_factory=list)
    opted_out: date | None = None
    notes: str = ""
    line: int = 0  # where its [[contact]] starts in press.toml (0: not from a file)

    @property
    def key(self) -> str:
        return self.email.lower()

    def header_value(self) -> str:
        """``Name <email>`` for a To header (the name encoded by the email package)."""
        user, _, domain = self.email.partition("@")
        return str(Address(display_name=self.name, username=user, domain=domain))

    def to_json(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "outlet": self.outlet,
            "tags": list(self.tags),
            "opted_out": self.opted_out.isoformat() if self.opted_out else None,
            "notes": self.notes,
        }


def address_problem(email: str) -> str | None:
    """Why ``email`` cannot be a recipient, or None."""
    if not email:
        return "no email address"
    if any(char in email for char in "\r\n"):
        return "a line break in an address (header injection?)"
    if not _ADDRESS.match(email) or ".." in email or len(email) > 254:
        return f"{email!r} is not a usable email address (like name@example.org)"
    return None


def text_problem(label: str, value: str) -> str | None:
    """Names, outlets and notes end up in headers: no CR/LF or control characters."""
    if "\r" in value or "\n" in value:
        return f"{label} {value!r} holds a line break (refused: it could inject mail headers)"
    if has_controls(value):
        return f"{label} {value!r} holds control characters"
    return None


def contact_problem(contact: Contact) -> str | None:
    problem = address_problem(contact.email)
    for label, value in (("name", contact.name), ("outlet", contact.outlet)):
        problem = problem or text_problem(label, value)
    for tag in contact.tags:
        problem = problem or text_problem("tag", tag)
    return problem


def has_tags(contact: Contact, tags: list[str] | tuple[str, ...]) -> bool:
    """Whether the contact carries any of ``tags`` (no tags asked: everyone)."""
    if not tags:
        return True
    wanted = {tag.casefold() for tag in tags}
    return any(tag.casefold() in wanted for tag in contact.tags)


@dataclass
class PressList:
    path: Path
    contacts: list[Contact] = field(default_factory=list)
    migrated: bool = False  # read from newsroom.toml's [export] press_list

    def find(self, email: str) -> Contact | None:
        key = email.strip().lower()
        return next((c for c in self.contacts if c.key == key), None)

    def selected(self, tags: list[str] | tuple[str, ...] = ()) -> list[Contact]:
        return [c for c in self.contacts if has_tags(c, tags)]

    def all_tags(self) -> list[str]:
        return sorted({tag for c in self.contacts for tag in c.tags}, key=str.casefold)


# ---------------------------------------------------------------------------
# Reading


def _migrated(path: Path, settings: Any) -> PressList:
    """The old ``[export] press_list`` as contacts (written to press.toml on first save)."""
    press = PressList(path)
    for email in getattr(settings, "press_list", None) or []:
        problem = address_problem(email)
        if problem:
            raise PressError(path.parent / "newsroom.toml", problem, key="export.press_list")
        if press.find(email) is None:
            press.contacts.append(Contact(email=email))
    press.migrated = bool(press.contacts)
    return press


def _contact_lines(text: str) -> list[int]:
    """The line number of each ``[[contact]]`` header, in order."""
    return [
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if re.match(r"^\s*\[\[\s*contact\s*\]\]", line)
    ]


def load(root: Path, settings: Any = None) -> PressList:
    """The library's press list; from ``[export] press_list`` when press.toml is missing."""
    path = Path(root) / PRESS_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return _migrated(path, settings)
    data, _ = _parse_toml(path, raw)
    schema = data.get("schema", SCHEMA_VERSION)
    if not isinstance(schema, int) or schema > SCHEMA_VERSION:
        raise PressError(
            path,
            f"schema {schema} is newer than this newsroom understands "
            f"(up to {SCHEMA_VERSION}); upgrade newsroom",
            key="schema",
        )
    entries = data.get("contact", [])
    if not isinstance(entries, list):
        raise PressError(path, "expected [[contact]] tables", key="contact")
    lines = _contact_lines(raw.decode("utf-8", "replace"))
    press = PressList(path)
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        press.contacts.append(_contact_from(entry, path, line, seen))
    return press


def _contact_from(entry: Any, path: Path, line: int | None, seen: set[str]) -> Contact:
    def fail(message: str) -> PressError:
        return PressError(path, message, line=line)

    if not isinstance(entry, dict):
        raise fail("a [[contact]] must be a table")

    def text(key: str) -> str:
        value = entry.get(key, "")
        if not isinstance(value, str):
            raise fail(f"contact.{key}: expected text (a string)")
        return value.strip()

    tags = entry.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise fail("contact.tags: expected a list of text")
    opted_out = entry.get("opted_out")
    if opted_out is not None and not isinstance(opted_out, date):
        raise fail("contact.opted_out: expected a date (YYYY-MM-DD)")
    contact = Contact(
        email=text("email"),
        name=text("name"),
        outlet=text("outlet"),
        tags=[t.strip() for t in tags if t.strip()],
        opted_out=opted_out,
        notes=entry.get("notes", "") if isinstance(entry.get("notes"), str) else "",
        line=line or 0,
    )
    problem = contact_problem(contact)
    if problem:
        raise fail(problem)
    if contact.key in seen:
        raise fail(f"{contact.email} is listed twice")
    seen.add(contact.key)
    return contact


# ---------------------------------------------------------------------------
# Writing (tomlkit: comments and layout of the file survive)


def _document(press: PressList) -> Any:
    import tomlkit

    try:
        return tomlkit.parse(press.path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return tomlkit.parse(HEADER)


def _table(contact: Contact) -> Any:
    import tomlkit

    table = tomlkit.table()
    table["name"] = contact.name
    table["email"] = contact.email
    if contact.outlet:
        table["outlet"] = contact.outlet
    table["tags"] = list(contact.tags)
    if contact.opted_out:
        table["opted_out"] = contact.opted_out
    if contact.notes:
        table["notes"] = contact.notes
    return table


def save(press: PressList) -> None:
    """Write press.toml: changed contacts updated in place, new ones appended, removed ones gone."""
    import tomlkit

    for contact in press.contacts:
        problem = contact_problem(contact)
        if problem:
            raise PressError(press.path, f"{contact.email}: {problem}")
    document = _document(press)
    existing = document.get("contact")
    if existing is None:
        existing = tomlkit.aot()
        document["contact"] = existing
    wanted = {c.key: c for c in press.contacts}
    # Keep each kept entry's own table (and the comments inside it).
    kept: dict[str, Any] = {}
    for table in list(existing):
        key = str(table.get("email", "")).lower()
        if key in wanted and key not in kept:
            kept[key] = table
    while len(existing):
        existing.pop(0)
    for contact in press.contacts:
        table = kept.get(contact.key)
        if table is None:
            existing.append(_table(contact))
            continue
        fresh = _table(contact)
        for key in ("name", "email", "outlet", "tags", "opted_out", "notes"):
            if key in fresh:
                if table.get(key) != fresh[key]:
                    table[key] = fresh[key]
            elif key in table:
                del table[key]
        existing.append(table)
    atomic_write(press.path, tomlkit.dumps(document).encode("utf-8"))
    if press.migrated:
        _drop_old_press_list(press.path.parent)
        press.migrated = False


def _drop_old_press_list(root: Path) -> None:
    """Remove ``[export] press_list`` from newsroom.toml once press.toml holds it."""
    import tomlkit

    path = root / "newsroom.toml"
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomlkit.exceptions.ParseError):
        return
    export = document.get("export")
    if export is not None and "press_list" in export:
        del export["press_list"]
        atomic_write(path, tomlkit.dumps(document).encode("utf-8"))


def add(press: PressList, contact: Contact) -> None:
    problem = contact_problem(contact)
    if problem:
        raise PressError(press.path, problem)
    if press.find(contact.email) is not None:
        raise PressError(press.path, f"{contact.email} is already on the press list")
    press.contacts.append(contact)


def remove(press: PressList, email: str) -> Contact:
    found = press.find(email)
    if found is None:
        raise PressError(press.path, f"{email} is not on the press list")
    press.contacts.remove(found)
    return found


# ---------------------------------------------------------------------------
# Importing a spreadsheet (CSV)

# Column names people use, per field (compared lower-case, spaces trimmed).
COLUMN_GUESSES = {
    "email": ("email", "e-mail", "email address", "mail", "address"),
    "name": ("name", "full name", "journalist", "contact"),
    "outlet": ("outlet", "publication", "organisation", "organization", "paper", "media"),
    "tags": ("tags", "beat", "beats", "area", "areas", "tag"),
    "notes": ("notes", "note", "comments"),
}


@dataclass
class ImportResult:
    added: list[Contact] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)  # (line, why)


def import_csv(
    press: PressList,
    source: Path,
    mapping: dict[str, str] | None = None,
    *,
    tags: list[str] | None = None,
) -> ImportResult:
    """Add the rows of a CSV; rows that are bad or already listed are rejected with their line.

    ``mapping`` names the column for a field (``{"email": "E-mail address"}``);
    other fields are guessed from the header row. Tags in a cell are split at
    commas and semicolons. Nothing is written: the caller saves.
    """
    try:
        text = source.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise PressError(
            source, f"not UTF-8 text ({error.reason}); save the sheet as CSV UTF-8"
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise PressError(source, "empty file: expected a header row", line=1) from None
    except csv.Error as error:
        raise PressError(source, f"not readable as CSV: {error}", line=1) from None
    columns = _columns(source, header, mapping or {})
    result = ImportResult()
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.rejected.append((reader.line_num, f"not readable as CSV: {error}"))
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index].strip() if index is not None and index < len(row) else ""

        row_tags = [t.strip() for t in re.split(r"[;,]", cell("tags")) if t.strip()]
        contact = Contact(
            email=cell("email"),
            name=cell("name"),
            outlet=cell("outlet"),
            tags=row_tags + [t for t in tags or [] if t not in row_tags],
            notes=cell("notes"),
        )
        problem = contact_problem(contact)
        if problem is None and press.find(contact.email) is not None:
            problem = f"{contact.email} is already on the press list"
        if problem:
            result.rejected.append((line, problem))
            continue
        press.contacts.append(contact)
        result.added.append(contact)
    return result


def _columns(source: Path, header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    names = [h.strip().lower() for h in header]
    columns: dict[str, int] = {}
    for fieldname, column in mapping.items():
        if fieldname not in COLUMN_GUESSES:
            raise PressError(
                source,
                f"unknown field {fieldname!r} in the column mapping; "
                f"use {', '.join(COLUMN_GUESSES)}",
            )
        if column.strip().lower() not in names:
            raise PressError(
                source, f"no column {column!r} in the header row ({', '.join(header)})", line=1
            )
        columns[fieldname] = names.index(column.strip().lower())
    for fieldname, guesses in COLUMN_GUESSES.items():
        if fieldname not in columns:
            found = next((names.index(g) for g in guesses if g in names), None)
            if found is not None and found not in columns.values():
                columns[fieldname] = found
    if "email" not in columns:
        raise PressError(
            source, "no email column in the header row; name it with --map email=COLUMN", line=1
        )
    return columns

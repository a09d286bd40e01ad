"""Reading and writing the library: bundles, ``people.toml``, ``newsroom.toml``.

Rules this module keeps:

- Every write is atomic (temp file in the same folder, fsync, ``os.replace``);
  a bundle's two files are written as one transaction (see ``_commit_files``).
- Loading then saving with no edit writes nothing; saving twice writes the
  same bytes; keys we do not know are kept.
- Every bad input raises one ``BundleError`` naming the file and the line and
  column (syntax) or the key path (meaning). Nothing on disk is touched when
  loading fails.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import socket
import tempfile
import time as _time  # 'time' is datetime.time below
import tomllib
import unicodedata
from collections.abc import Iterator
from copy import deepcopy
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import tomli_w

from .model import (
    CHECK_SEVERITIES,
    SCHEMA_VERSION,
    Approval,
    Caption,
    Clearance,
    Contact,
    Dateline,
    Embargo,
    Event,
    Person,
    Picture,
    Quote,
    Release,
    Rules,
    Settings,
    Waiver,
    slug_problem,
)

RELEASE_FILE = "release.toml"
BODY_FILE = "body.md"
PEOPLE_FILE = "people.toml"
SETTINGS_FILE = "newsroom.toml"
STATE_DIR = ".newsroom"
JOURNAL_FILE = ".saving"
BOM = "\ufeff"


class BundleError(Exception):
    """A file that cannot be used as it is, with where and why."""

    def __init__(
        self,
        file: Path | str | None,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
    ) -> None:
        self.file = Path(file) if file is not None else None
        self.message = message
        self.line = line
        self.column = column
        self.key = key
        super().__init__(str(self))

    def __str__(self) -> str:
        where = str(self.file) if self.file is not None else ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        prefix = f"{where}: " if where else ""
        key = f"{self.key}: " if self.key else ""
        return f"{prefix}{key}{self.message}"


class ConflictError(BundleError):
    """The bundle changed on disk since it was loaded; nothing was written.

    ``theirs`` is what is on disk now, ``ours`` what the save would have
    written; ``diff()`` shows the two. The caller offers: reload, keep both
    (``Library.save_as``) or overwrite (``Library.save(..., force=True)``).
    """

    def __init__(
        self,
        directory: Path,
        slug: str,
        theirs: dict[str, bytes],
        ours: dict[str, bytes],
        message: str | None = None,
    ) -> None:
        self.slug = slug
        self.theirs = theirs
        self.ours = ours
        super().__init__(
            directory,
            message
            or "changed on disk since it was loaded (another editor or command "
            "saved it); nothing was written: reload it, save a copy under a new slug, "
            "or overwrite",
        )

    def diff(self) -> str:
        return files_diff(
            self.theirs, self.ours, old_label=f"{self.slug} on disk", new_label=f"{self.slug} yours"
        )


def files_diff(
    old: dict[str, bytes], new: dict[str, bytes], *, old_label: str = "old", new_label: str = "new"
) -> str:
    """A unified diff of two versions of a bundle's files (name -> bytes)."""
    import difflib

    out: list[str] = []
    for name in sorted(set(old) | set(new)):
        before = old.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        after = new.get(name, b"").decode("utf-8", "replace").splitlines(keepends=True)
        for line in difflib.unified_diff(
            before, after, f"{old_label}/{name}", f"{new_label}/{name}"
        ):
            out.append(line if line.endswith(("\n", "\r")) else line + "\n")
    return "".join(out)


# ---------------------------------------------------------------------------
# Atomic writes


def atomic_write(path: Path, data: bytes, *, sync: bool = True) -> None:
    """Replace ``path`` with ``data`` so a reader sees the old or the new file, never a mix.

    ``sync=False`` leaves out both fsyncs, for files derived from the library
    that can always be written again (exports): the caller syncs their folder
    once, after the last (``fsync_dir``).
    """
    temp_name = stage_write(path, data, sync=sync)
    try:
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    if sync:
        fsync_dir(path.parent)


def stage_write(path: Path, data: bytes, *, sync: bool = True) -> str:
    """``data`` in a temporary file beside ``path``, with ``path``'s mode (fsynced
    unless ``sync`` is false), ready to be renamed over it; its name. Nothing is
    left behind when this fails."""
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        copy_mode(path, temp_name)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    return temp_name


def copy_mode(original: Path, temp_name: str) -> None:
    try:
        mode = original.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(temp_name, mode)


def fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# Staging files and journals carry their writer (a hash of the host name and
# the pid), so a reader never sweeps up or replays a save still in progress.
_HOST_TAG = hashlib.sha1(socket.gethostname().encode("utf-8", "replace")).hexdigest()[:8]
_STAGED = re.compile(r"^\..+\.([0-9a-f]{8})-(\d+)\.[^.]*\.new$")
# A journal or staging file older than this belongs to a writer that died
# (or hung) whatever its pid says: pids are reused, other hosts cannot be asked.
_ABANDONED_AFTER = 60.0


def _commit_files(directory: Path, files: dict[str, bytes]) -> None:
    """Write several files of one folder as one transaction.

    Each new file is written beside its target and fsynced; then a journal
    naming them is written atomically; then each is renamed into place and the
    journal removed. A crash before the journal leaves the old files (the
    orphans are swept on the next load); a crash after it is rolled forward by
    ``_recover_interrupted_save``. Either way a reader gets all-old or all-new.
    """
    if len(files) == 1:
        ((name, data),) = files.items()
        atomic_write(directory / name, data)
        return
    staged: list[tuple[str, str]] = []
    tag = f"{_HOST_TAG}-{os.getpid()}"
    try:
        for name, data in files.items():
            fd, temp_name = tempfile.mkstemp(prefix=f".{name}.{tag}.", suffix=".new", dir=directory)
            staged.append((temp_name, name))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            copy_mode(directory / name, temp_name)
        journal = f"#writer\t{_HOST_TAG}\t{os.getpid()}\n" + "".join(
            f"{os.path.basename(t)}\t{n}\n" for t, n in staged
        )
        atomic_write(directory / JOURNAL_FILE, journal.encode())
    except BaseException:
        for temp_name, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp_name)
        raise
    for temp_name, name in staged:
        os.replace(temp_name, directory / name)
    fsync_dir(directory)
    os.unlink(directory / JOURNAL_FILE)
    fsync_dir(directory)


@contextlib.contextmanager
def _save_mutex(directory: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the bundle folder while saving.

    Taken by every save, so one process's conflict check and write cannot
    interleave with another's. The kernel drops it when the process dies (no
    stale mutex after a crash); nothing is written to the folder. Where the
    file system or platform has no ``flock`` the save goes ahead unguarded,
    as before (the edit lock and the conflict check still apply).
    """
    try:
        import fcntl

        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except (ImportError, OSError):
        yield
        return
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the flock


def _writer_gone(host_tag: str, pid: int, path: Path) -> bool:
    """Whether the process that wrote ``path`` (a journal or staging file) is gone."""
    if host_tag == _HOST_TAG and pid == os.getpid():
        return True  # our own save, interrupted by an exception
    try:
        age = _time.time() - path.stat().st_mtime
    except OSError:
        return True
    if age > _ABANDONED_AFTER:
        return True
    if host_tag != _HOST_TAG:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def _recover_interrupted_save(directory: Path) -> tuple[dict[str, Path], bool]:
    """Finish (or sweep up after) a save that a crash interrupted.

    Returns ``(overrides, busy)``: when a journal could not be rolled forward
    (a read-only library, or a save in progress in another process) the
    staged files stand in for their targets when reading, and ``busy`` says a
    live writer should be given a moment to finish.
    """
    journal = directory / JOURNAL_FILE
    try:
        entries = journal.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        entries = None
    except (OSError, UnicodeDecodeError):
        return {}, False
    pairs: list[tuple[str, str]] = []
    writer: tuple[str, int] | None = None
    for entry in entries or []:
        fields = entry.split("\t")
        if entry.startswith("#writer") and len(fields) == 3 and fields[2].isdigit():
            writer = (fields[1], int(fields[2]))
            continue
        temp_base, _, name = entry.partition("\t")
        if not name or "/" in temp_base or "/" in name or entry.startswith("#"):
            continue
        pairs.append((temp_base, name))
    overrides = {
        name: directory / temp_base for temp_base, name in pairs if (directory / temp_base).exists()
    }
    if writer is not None and not _writer_gone(writer[0], writer[1], journal):
        return overrides, True
    try:
        if entries is not None:
            for temp_base, name in pairs:
                with contextlib.suppress(FileNotFoundError):
                    os.replace(directory / temp_base, directory / name)
            fsync_dir(directory)
            journal.unlink()
        live_staging = False
        for orphan in directory.glob(".*.new"):
            match = _STAGED.match(orphan.name)
            if match and not _writer_gone(match.group(1), int(match.group(2)), orphan):
                live_staging = True  # another process is staging a save right now
                continue
            orphan.unlink()
        for orphan in directory.glob(".*.tmp"):
            # A journal being written always has staged files beside it; other
            # temp files carry no writer, so only old ones are surely orphans.
            is_journal = orphan.name.startswith(f".{JOURNAL_FILE}.")
            if (is_journal and not live_staging) or _writer_gone("", 0, orphan):
                orphan.unlink()
    except OSError:
        # A read-only library: leave it; read the staged files in their place.
        return overrides, False
    return {}, False


def _stamp(paths: list[Path]) -> list[tuple[int, int, int] | None]:
    stamps: list[tuple[int, int, int] | None] = []
    for path in paths:
        try:
            info = path.stat()
            stamps.append((info.st_ino, info.st_mtime_ns, info.st_size))
        except OSError:
            stamps.append(None)
    return stamps


def _read_bundle_files(directory: Path) -> tuple[bytes, bytes]:
    """``release.toml`` and ``body.md`` as of one moment: never one old and one new.

    Rolls an interrupted save forward first. If another process commits a
    save while we read, the files' inodes change and we read again.
    Raises ``FileNotFoundError`` naming the missing file.
    """
    paths = [directory / RELEASE_FILE, directory / BODY_FILE]
    attempts = 200
    for attempt in range(attempts):
        overrides, busy = _recover_interrupted_save(directory)
        if busy and attempt < attempts - 1:
            _time.sleep(0.01)
            continue
        before = _stamp(paths)
        data = []
        for path in paths:
            source = overrides.get(path.name)
            try:
                data.append(source.read_bytes() if source is not None else path.read_bytes())
            except FileNotFoundError:
                if source is None:
                    raise
                data.append(path.read_bytes())  # renamed into place meanwhile
        if overrides or (_stamp(paths) == before and not (directory / JOURNAL_FILE).exists()):
            break
        _time.sleep(0.001)
    return data[0], data[1]


# ---------------------------------------------------------------------------
# Reading TOML with errors that say where


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse_toml(path: Path, raw: bytes) -> tuple[dict[str, Any], bool]:
    """Parse ``raw`` (the bytes of ``path``); returns the table and whether it had a BOM."""
    text = _decode(path, raw)
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


def _decode(path: Path, raw: bytes) -> str:
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
        before = text[: text.index("\x00")]
        raise BundleError(
            path,
            "contains a NUL byte; this does not look like a text file",
            line=before.count("\n") + 1,
            column=len(before) - (before.rfind("\n") + 1) + 1,
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


class _Table:
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

    def _take(self, key: str, kind: type, default: Any) -> Any:
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
        return value

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

    def table(self, key: str) -> _Table:
        value = self.data.pop(key, {})
        return _Table(value, self.file, self.key_path(key))

    def tables(self, key: str) -> list[_Table]:
        values = self._take(key, list, [])
        return [
            _Table(value, self.file, f"{self.key_path(key)}[{index}]")
            for index, value in enumerate(values)
        ]

    def rest(self) -> dict[str, Any]:
        return self.data


def _check_schema(table: _Table) -> None:
    schema = table.integer("schema", SCHEMA_VERSION)
    if schema > SCHEMA_VERSION:
        raise table.error(
            "schema",
            f"schema {schema} is newer than this version of newsroom understands "
            f"(up to {SCHEMA_VERSION}); upgrade newsroom to open this file",
        )
    if schema < 1:
        raise table.error("schema", f"schema {schema} is not a valid schema version")


def _check_id(table: _Table, key: str, value: str) -> None:
    if not re.match(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$", value):
        raise table.error(
            key, f"{value!r} is not a valid id: use letters, digits, '-' and '_' (at most 64)"
        )


# ---------------------------------------------------------------------------
# Release <-> TOML


def release_from_toml(data: dict[str, Any], file: Path, slug: str, body: str) -> Release:
    root = _Table(data, file, "")
    _check_schema(root)
    # Status is derived from approvals and history, never read: drop any
    # hand-written one so it cannot mislead and is not written back.
    root.data.pop("status", None)
    release = Release(slug=slug, body=body)
    release.headline = root.text("headline")
    release.standfirst = root.text("standfirst")
    release.created = root.date("created")

    dateline = root.table("dateline")
    release.dateline = Dateline(
        place=dateline.text("place"), date=dateline.date("date"), extra=dateline.rest()
    )
    embargo = root.table("embargo")
    release.embargo = Embargo(
        until=embargo.datetime("until"), timezone=embargo.text("timezone"), extra=embargo.rest()
    )
    if release.embargo.timezone:
        # Export would otherwise fall back to the library's zone without a word.
        _check_timezone(embargo, release.embargo.timezone)
    contact = root.table("contact")
    release.contact = Contact(
        name=contact.text("name"),
        role=contact.text("role"),
        phone=contact.text("phone"),
        email=contact.text("email"),
        extra=contact.rest(),
    )
    release.notes_to_editors = root.texts("notes_to_editors")
    release.about = root.text("about")
    release.imprint = root.text("imprint")
    release.internal_notes = root.text("internal_notes")

    for table in root.tables("quotes"):
        quote_id = table.required_text("id")
        _check_id(table, "id", quote_id)
        if release.quote(quote_id):
            raise table.error("id", f"duplicate quote id {quote_id!r}; each quote needs its own")
        release.quotes.append(
            Quote(
                id=quote_id,
                speaker=table.text("speaker"),
                role=table.text("role"),
                intro=table.text("intro"),
                text=table.text("text"),
                attribution=table.text("attribution"),
                attribution_after=_attribution_after(table),
                extra=table.rest(),
            )
        )
    for table in root.tables("captions"):
        caption_id = table.required_text("id")
        _check_id(table, "id", caption_id)
        if release.caption(caption_id):
            raise table.error("id", f"duplicate caption id {caption_id!r}")
        release.captions.append(
            Caption(
                id=caption_id,
                text=table.text("text"),
                credit=table.text("credit"),
                file=table.text("file"),
                extra=table.rest(),
            )
        )
    for table in root.tables("media"):
        release.media.append(_picture_from_table(table, release))
    for table in root.tables("clearances"):
        release.clearances.append(
            Clearance(
                quote=table.required_text("quote"),
                by=table.required_text("by"),
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                digest=table.required_text("digest"),
                via=table.text("via"),
                note=table.text("note"),
                recorded_by=table.text("recorded_by"),
                signature=table.text("signature"),
                extra=table.rest(),
            )
        )
    for table in root.tables("approvals"):
        release.approvals.append(
            Approval(
                by=table.required_text("by"),
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                digest=table.required_text("digest"),
                role=table.text("role"),
                note=table.text("note"),
                signature=table.text("signature"),
                recorded_by=table.text("recorded_by"),
                via=table.text("via"),
                extra=table.rest(),
            )
        )
    for table in root.tables("waivers"):
        release.waivers.append(
            Waiver(
                check=table.required_text("check"),
                by=table.required_text("by"),
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                digest=table.required_text("digest"),
                reason=table.text("reason"),
                extra=table.rest(),
            )
        )
    for table in root.tables("history"):
        release.history.append(
            Event(
                at=table.datetime("at", required=True),  # type: ignore[arg-type]
                action=table.required_text("action"),
                by=table.text("by"),
                digest=table.text("digest"),
                note=table.text("note"),
                extra=table.rest(),
            )
        )
    release.extra = root.rest()
    return release


_PICTURE_TEXTS = ("caption", "creator", "credit", "copyright", "alt", "usage_terms", "sha256")


def _picture_from_table(table: _Table, release: Release) -> Picture:
    picture_id = table.required_text("id")
    _check_id(table, "id", picture_id)
    if release.picture(picture_id):
        raise table.error("id", f"duplicate picture id {picture_id!r}; each picture needs its own")
    file = table.required_text("file")
    # A file name inside the bundle's media/ folder, never a path.
    if not file or "/" in file or "\\" in file or file.startswith(".") or "\x00" in file:
        raise table.error("file", f"{file!r} is not a file name in media/ (no paths)")
    texts = {key: table.text(key) for key in _PICTURE_TEXTS}
    return Picture(
        id=picture_id,
        file=file,
        width=table.integer("width", 0),
        height=table.integer("height", 0),
        extra=table.rest(),
        **texts,
    )


def _attribution_after(table: _Table) -> int:
    value = table.integer("attribution_after", 0)
    if value < 0:
        raise table.error("attribution_after", "must be 0 (after the words) or a paragraph number")
    return value


def _compact(
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


def release_to_toml(release: Release) -> dict[str, Any]:
    data: dict[str, Any] = {"schema": SCHEMA_VERSION}
    data.update(
        _compact(
            {
                "headline": release.headline,
                "standfirst": release.standfirst,
                "created": release.created,
                "about": release.about,
                "imprint": release.imprint,
                "internal_notes": release.internal_notes,
                "notes_to_editors": release.notes_to_editors,
            },
            {},
        )
    )
    tables = {
        "dateline": _compact(
            {"place": release.dateline.place, "date": release.dateline.date},
            release.dateline.extra,
        ),
        "embargo": _compact(
            {"until": release.embargo.until, "timezone": release.embargo.timezone},
            release.embargo.extra,
        ),
        "contact": _compact(
            {
                "name": release.contact.name,
                "role": release.contact.role,
                "phone": release.contact.phone,
                "email": release.contact.email,
            },
            release.contact.extra,
        ),
    }
    data.update({name: table for name, table in tables.items() if table})
    arrays = {
        "quotes": [
            _compact(
                {
                    "id": q.id,
                    "speaker": q.speaker,
                    "role": q.role,
                    "intro": q.intro,
                    "text": q.text,
                    "attribution": q.attribution,
                    "attribution_after": q.attribution_after or None,
                },
                q.extra,
                keep=("id",),
            )
            for q in release.quotes
        ],
        "captions": [
            _compact(
                {"id": c.id, "text": c.text, "credit": c.credit, "file": c.file},
                c.extra,
                keep=("id",),
            )
            for c in release.captions
        ],
        "media": [
            _compact(
                {
                    "id": p.id,
                    "file": p.file,
                    **{k: getattr(p, k) for k in _PICTURE_TEXTS},
                    "width": p.width or None,
                    "height": p.height or None,
                },
                p.extra,
                keep=("id", "file"),
            )
            for p in release.media
        ],
        "clearances": [
            _compact(
                {
                    "quote": c.quote,
                    "by": c.by,
                    "at": c.at,
                    "digest": c.digest,
                    "via": c.via,
                    "note": c.note,
                    "recorded_by": c.recorded_by,
                    "signature": c.signature,
                },
                c.extra,
                keep=("quote", "by", "digest"),
            )
            for c in release.clearances
        ],
        "approvals": [
            _compact(
                {
                    "by": a.by,
                    "role": a.role,
                    "at": a.at,
                    "digest": a.digest,
                    "note": a.note,
                    "recorded_by": a.recorded_by,
                    "via": a.via,
                    "signature": a.signature,
                },
                a.extra,
                keep=("by", "digest"),
            )
            for a in release.approvals
        ],
        "waivers": [
            _compact(
                {"check": w.check, "by": w.by, "at": w.at, "digest": w.digest, "reason": w.reason},
                w.extra,
                keep=("check", "by", "digest"),
            )
            for w in release.waivers
        ],
        "history": [
            _compact(
                {"at": e.at, "action": e.action, "by": e.by, "digest": e.digest, "note": e.note},
                e.extra,
                keep=("action",),
            )
            for e in release.history
        ],
    }
    data.update({name: items for name, items in arrays.items() if items})
    for key, value in release.extra.items():
        data.setdefault(key, value)
    return data


def dumps_toml(data: dict[str, Any]) -> bytes:
    return tomli_w.dumps(data, multiline_strings=True).encode("utf-8")


# ---------------------------------------------------------------------------
# People and settings <-> TOML


def people_from_toml(data: dict[str, Any], file: Path) -> tuple[dict[str, Person], dict]:
    root = _Table(data, file, "")
    _check_schema(root)
    people_table = root.table("people")
    people: dict[str, Person] = {}
    for person_id in list(people_table.data):
        _check_id(people_table, person_id, person_id)
        entry = people_table.table(person_id)
        people[person_id] = Person(
            id=person_id,
            name=entry.required_text("name"),
            role=entry.text("role"),
            organisation=entry.text("organisation"),
            email=entry.text("email"),
            phone=entry.text("phone"),
            honorific=entry.text("honorific"),
            post_nominals=entry.text("post_nominals"),
            extra=entry.rest(),
        )
    return people, root.rest()


def people_to_toml(people: dict[str, Person], extra: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"schema": SCHEMA_VERSION}
    for key, value in extra.items():
        data.setdefault(key, value)
    data["people"] = {
        person.id: _compact(
            {
                "name": person.name,
                "role": person.role,
                "organisation": person.organisation,
                "email": person.email,
                "phone": person.phone,
                "honorific": person.honorific,
                "post_nominals": person.post_nominals,
            },
            person.extra,
            keep=("name",),
        )
        for person in people.values()
    }
    return data


def settings_from_toml(data: dict[str, Any], file: Path) -> Settings:
    root = _Table(data, file, "")
    _check_schema(root)
    settings = Settings()
    org = root.table("organisation")
    settings.organisation = org.text("name")
    settings.political = org.boolean("political", False)
    settings.timezone = org.text("timezone", "Europe/London")
    settings.website = org.text("website")
    settings.email = org.text("email")
    _check_timezone(org, settings.timezone)

    defaults = root.table("defaults")
    contact = defaults.table("contact")
    settings.default_contact = Contact(
        name=contact.text("name"),
        role=contact.text("role"),
        phone=contact.text("phone"),
        email=contact.text("email"),
        extra=contact.rest(),
    )
    settings.default_about = defaults.text("about")
    settings.default_imprint = defaults.text("imprint")
    settings.default_intro = defaults.text("intro", settings.default_intro)

    rules = root.table("rules")
    blocking = rules.texts("blocking_checks") if "blocking_checks" in rules.data else None
    settings.rules = Rules(
        approvers=rules.texts("approvers"),
        approver_roles=rules.texts("approver_roles"),
        approvals_required=rules.integer("approvals_required", 1),
        require_clearance=rules.boolean("require_clearance", True),
        require_signatures=rules.boolean("require_signatures", False),
        allowed_signers=rules.text("allowed_signers"),
        allow_recorded=rules.boolean("allow_recorded", True),
        blocking_checks=blocking,
        extra=rules.rest(),
    )
    if settings.rules.approvals_required < 1:
        raise rules.error("approvals_required", "must be at least 1")

    export = root.table("export")
    settings.width = export.integer("width", 72)
    if not 20 <= settings.width <= 200:
        raise export.error("width", f"{settings.width} is out of range (20 to 200)")
    settings.reply_to = export.text("reply_to")
    settings.press_list = export.texts("press_list")
    settings.from_address = export.text("from")

    checks = root.table("checks")
    # headline_max once lived in [rules]; a file written then still works.
    legacy_max = rules.integer("headline_max", 110)
    settings.headline_max = checks.integer("headline_max", legacy_max)
    settings.standfirst_max = checks.integer("standfirst_max", settings.standfirst_max)
    for key, value in list(checks.data.items()):
        if isinstance(value, str):
            severity = checks.text(key)
            if severity not in CHECK_SEVERITIES:
                raise checks.error(
                    key,
                    f"{severity!r} is not a severity; write one of "
                    + ", ".join(f'"{s}"' for s in CHECK_SEVERITIES),
                )
            settings.check_severity[key] = severity

    settings.table_extra = {
        name: table.rest()
        for name, table in (
            ("organisation", org),
            ("defaults", defaults),
            ("export", export),
            ("checks", checks),
        )
        if table.rest()
    }
    settings.extra = root.rest()
    return settings


def _check_timezone(table: _Table, name: str) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise table.error(
            "timezone", f"unknown timezone {name!r}; use an IANA name such as 'Europe/London'"
        ) from None


# ---------------------------------------------------------------------------
# The library


@dataclass
class Origin:
    """What was on disk when a release was loaded.

    Used to skip writes when nothing changed (so hand formatting survives a
    load/save) and to notice when someone else changed the files meanwhile.
    """

    toml_bytes: bytes
    body_bytes: bytes
    data: dict[str, Any]
    toml_bom: bool = False
    body_bom: bool = False
    newline: str = "\n"
    # A deep copy of the release as read or written: when the model still
    # equals it, the original bytes are kept (comments, key order, empty
    # keys, a hand-written status, mixed line ends all survive).
    release: Release | None = None


def _nfc(value: Any) -> Any:
    """Every string in a TOML value in NFC, so 'é' is stored one way whatever was typed."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: _nfc(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    return value


def _same_structure(a: Release, b: Release) -> bool:
    """Equal apart from the body (which lives in body.md)."""
    return replace(a, body="") == replace(b, body="")


def _detect_newline(text: str) -> str:
    if "\r\n" in text:
        return "\r\n"
    if "\r" in text:
        return "\r"
    return "\n"


@dataclass
class Library:
    """The ``drafts/`` folder: settings, people, and one bundle per release."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    people: dict[str, Person] = field(default_factory=dict)
    people_extra: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, Origin] = field(default_factory=dict, repr=False)
    people_origin: bytes | None = field(default=None, repr=False)

    # -- opening --------------------------------------------------------

    @classmethod
    def open(cls, root: Path | str) -> Library:
        root = Path(root)
        if not root.is_dir():
            raise BundleError(
                root,
                "no library here (expected a folder with newsroom.toml); "
                "create one with `newsroom init`",
            )
        library = cls(root=root)
        library.reload_settings()
        people_path = root / PEOPLE_FILE
        if people_path.exists():
            raw = people_path.read_bytes()
            data, _ = _parse_toml(people_path, raw)
            library.people, library.people_extra = people_from_toml(data, people_path)
            library.people_origin = raw
        return library

    # -- paths ------------------------------------------------------------

    def reload_settings(self) -> Settings:
        """Read ``newsroom.toml`` again (it may have been edited since).

        On a load error the settings in use stay as they were and the error
        (with file, line and column) is raised.
        """
        settings_path = self.root / SETTINGS_FILE
        settings = Settings()
        if settings_path.exists():
            data, _ = _parse_toml(settings_path, settings_path.read_bytes())
            settings = settings_from_toml(data, settings_path)
        self.settings = settings
        return settings

    def bundle_dir(self, slug: str) -> Path:
        problem = slug_problem(slug)
        if problem:
            raise BundleError(self.root / slug if "/" not in slug else None, problem)
        return self.root / slug

    def slugs(self) -> list[str]:
        """Every folder that holds a release.toml, sorted; hidden folders skipped."""
        found = []
        with os.scandir(self.root) as entries:
            for entry in entries:
                if entry.name.startswith(".") or not entry.is_dir():
                    continue
                if os.path.exists(os.path.join(entry.path, RELEASE_FILE)):
                    found.append(entry.name)
        return sorted(found)

    def exists(self, slug: str) -> bool:
        return (self.bundle_dir(slug) / RELEASE_FILE).exists()

    def _safe_dir(self, slug: str) -> Path:
        directory = self.bundle_dir(slug)
        if directory.is_symlink() or directory.resolve().parent != self.root.resolve():
            raise BundleError(
                directory,
                "is a link pointing outside the library; newsroom only opens bundles "
                "that live inside drafts/",
            )
        return directory

    # -- releases ---------------------------------------------------------

    def load(self, slug: str, *, validate: bool = True) -> Release:
        directory = self._safe_dir(slug)
        toml_path = directory / RELEASE_FILE
        body_path = directory / BODY_FILE
        if not directory.is_dir():
            raise BundleError(directory, f"no release called {slug!r} in {self.root}")
        for path in (toml_path, body_path):
            if path.is_symlink():
                raise BundleError(path, "is a link; newsroom only reads plain files inside drafts/")
        try:
            toml_bytes, body_bytes = _read_bundle_files(directory)
        except FileNotFoundError as error:
            if not str(error.filename or "").endswith(BODY_FILE):
                raise BundleError(toml_path, "missing; every bundle needs a release.toml") from None
            raise BundleError(
                body_path,
                "missing; every bundle needs a body.md next to its release.toml "
                "(an empty file will do)",
            ) from None
        except OSError as error:
            # A folder where a file belongs, no permission…: name the file, no errno.
            raise BundleError(
                Path(error.filename) if error.filename else directory,
                f"cannot be read ({error.strerror or error})",
            ) from None
        data, toml_bom = _parse_toml(toml_path, toml_bytes)
        body_text = _decode(body_path, body_bytes)
        body_bom = body_text.startswith(BOM)
        if body_bom:
            body_text = body_text[1:]
        newline = _detect_newline(body_text)
        body = body_text.replace("\r\n", "\n").replace("\r", "\n")
        release = release_from_toml(data, toml_path, slug, body)
        if validate:
            self.validate(release)
        self.origins[slug] = Origin(
            toml_bytes=toml_bytes,
            body_bytes=body_bytes,
            data=data,
            toml_bom=toml_bom,
            body_bom=body_bom,
            newline=newline,
            release=deepcopy(release),
        )
        return release

    def validate(self, release: Release) -> None:
        """Raise BundleError for references that point nowhere."""
        directory = self.root / release.slug
        toml_path = directory / RELEASE_FILE
        for index, quote in enumerate(release.quotes):
            if quote.speaker and quote.speaker not in self.people:
                raise BundleError(
                    toml_path,
                    f"no person {quote.speaker!r} in {PEOPLE_FILE} (quote {quote.id!r})",
                    key=f"quotes[{index}].speaker",
                )
        for number, kind, ref_id in release.references():
            lookup = {
                "quote": release.quote,
                "caption": release.caption,
                "picture": release.picture,
            }[kind]
            known = lookup(ref_id)
            if known is None:
                raise BundleError(
                    directory / BODY_FILE,
                    f"refers to {kind} {ref_id!r}, which {RELEASE_FILE} does not define",
                    line=number,
                    column=1,
                )

    def render_files(self, release: Release) -> dict[str, bytes]:
        """The bytes ``save`` would write for ``release``."""
        origin = self.origins.get(release.slug)
        snapshot = origin.release if origin is not None else None
        if snapshot is not None and _same_structure(release, snapshot):
            toml_bytes = origin.toml_bytes
        else:
            toml_bytes = dumps_toml(_nfc(release_to_toml(release)))
            if origin is not None and origin.toml_bom:
                toml_bytes = BOM.encode() + toml_bytes
        if snapshot is not None and release.body == snapshot.body:
            return {RELEASE_FILE: toml_bytes, BODY_FILE: origin.body_bytes}
        newline = origin.newline if origin else "\n"
        body = unicodedata.normalize("NFC", release.body)
        if newline != "\n":
            body = body.replace("\n", newline)
        if origin is not None and origin.body_bom:
            body = BOM + body
        return {RELEASE_FILE: toml_bytes, BODY_FILE: body.encode("utf-8")}

    def save(self, release: Release, *, force: bool = False) -> bool:
        """Write the bundle if anything changed. Returns whether anything was written.

        Raises ``ConflictError`` (nothing written) when the bundle changed on
        disk since it was loaded, unless ``force``. A failed write (disk full,
        read-only folder) raises ``BundleError`` and leaves the old files.
        """
        self.validate(release)
        directory = self._safe_dir(release.slug)
        directory.mkdir(parents=False, exist_ok=True)
        files = self.render_files(release)
        # The conflict check and the write are one step for every newsroom
        # process: the bundle folder is flock()ed from the read to the rename.
        with _save_mutex(directory):
            changed = {}
            on_disk_files: dict[str, bytes] = {}
            for name, data in files.items():
                try:
                    on_disk = (directory / name).read_bytes()
                    on_disk_files[name] = on_disk
                except FileNotFoundError:
                    on_disk = None
                if on_disk != data:
                    changed[name] = data
            if changed:
                # Another process editing this release holds its lock: refuse.
                # (Imported here: locks imports this module.)
                from .locks import ensure_unlocked

                ensure_unlocked(self.root, release.slug)
            if changed and not force and self.changed_on_disk(release.slug):
                raise ConflictError(directory, release.slug, on_disk_files, files)
            if changed:
                try:
                    _commit_files(directory, changed)
                except OSError as error:
                    raise BundleError(
                        directory,
                        f"could not save ({error.strerror or error}); "
                        "the files on disk are unchanged",
                    ) from None
        toml_bytes, body_bytes = files[RELEASE_FILE], files[BODY_FILE]
        previous = self.origins.get(release.slug)
        self.origins[release.slug] = Origin(
            toml_bytes=toml_bytes,
            body_bytes=body_bytes,
            data=release_to_toml(release),
            toml_bom=previous.toml_bom if previous else False,
            body_bom=previous.body_bom if previous else False,
            newline=previous.newline if previous else "\n",
            release=deepcopy(release),
        )
        return bool(changed)

    def save_as(self, release: Release, slug: str) -> Release:
        """Save a copy of ``release`` under a new slug ("keep both" after a conflict)."""
        directory = self.bundle_dir(slug)
        if directory.exists() or directory.is_symlink():
            raise BundleError(directory, f"a release called {slug!r} already exists")
        copy = replace(deepcopy(release), slug=slug)
        # The copy starts from nothing on disk: keep the original's BOM and
        # line ends, but no origin bytes to compare against.
        origin = self.origins.get(release.slug)
        directory.mkdir()
        if origin is not None:
            self.origins[slug] = replace(
                origin, toml_bytes=b"", body_bytes=b"", data={}, release=None
            )
        try:
            self.save(copy, force=True)
            self.copy_media(release.slug, slug)
        except BaseException:
            self.origins.pop(slug, None)
            shutil.rmtree(directory, ignore_errors=True)
            raise
        return copy

    def copy_media(self, source_slug: str, target_slug: str) -> None:
        """Copy a release's pictures (``media/``) into another bundle: a copy of a
        release must carry the files its ``[[media]]`` records name."""
        source = self.bundle_dir(source_slug) / "media"
        if source_slug == target_slug or not source.is_dir():
            return
        target = self.bundle_dir(target_slug) / "media"
        target.mkdir(exist_ok=True)
        for item in sorted(source.iterdir()):
            if item.is_file() and not item.is_symlink():
                shutil.copy2(item, target / item.name)

    def changed_on_disk(self, slug: str) -> bool:
        """Whether the bundle's files differ from what this library last loaded or saved."""
        origin = self.origins.get(slug)
        if origin is None:
            return False
        directory = self.root / slug
        try:
            return (directory / RELEASE_FILE).read_bytes() != origin.toml_bytes or (
                directory / BODY_FILE
            ).read_bytes() != origin.body_bytes
        except FileNotFoundError:
            return True

    def create(self, slug: str, headline: str, *, today: date | None = None) -> Release:
        """A new release prefilled from the library's defaults, saved to disk."""
        directory = self.bundle_dir(slug)
        if directory.exists():
            raise BundleError(directory, f"a release called {slug!r} already exists")
        defaults = self.settings
        release = Release(
            slug=slug,
            headline=headline,
            created=today or date.today(),
            contact=Contact(
                name=defaults.default_contact.name,
                role=defaults.default_contact.role,
                phone=defaults.default_contact.phone,
                email=defaults.default_contact.email,
            ),
            about=defaults.default_about,
            imprint=defaults.default_imprint,
        )
        directory.mkdir()
        try:
            self.save(release)
        except BaseException:
            for leftover in directory.iterdir():
                leftover.unlink()
            directory.rmdir()
            raise
        return release

    def load_all(self) -> tuple[list[Release], list[BundleError]]:
        releases, errors = [], []
        for slug in self.slugs():
            try:
                releases.append(self.load(slug))
            except BundleError as error:
                errors.append(error)
        return releases, errors

    # -- people -------------------------------------------------------------

    def save_people(self, *, force: bool = False) -> bool:
        """Write people.toml if the directory changed. Returns whether anything was written.

        If someone else saved people.toml since it was read, their changes and
        ours are merged person by person; the same person changed differently
        on both sides raises ``ConflictError`` (nothing written) unless ``force``.
        """
        from .tomledit import people_bytes

        path = self.root / PEOPLE_FILE
        try:
            on_disk: bytes | None = path.read_bytes()
        except FileNotFoundError:
            on_disk = None
        if self.people_origin is not None:
            previous, _ = _parse_toml(path, self.people_origin)
            if previous == people_to_toml(self.people, self.people_extra):
                return False
            if not force and on_disk is not None and on_disk != self.people_origin:
                ours = people_bytes(path, self.people_origin, self.people, self.people_extra)
                self._merge_people(path, previous, on_disk, ours)
        # Written onto the file as it is now, through tomlkit: the comments and
        # layout someone wrote by hand survive.
        data = people_bytes(path, on_disk, self.people, self.people_extra)
        try:
            atomic_write(path, data)
        except OSError as error:
            raise BundleError(
                path, f"could not save ({error.strerror or error}); the file is unchanged"
            ) from None
        self.people_origin = data
        return True

    def _merge_people(
        self, path: Path, base_data: dict[str, Any], on_disk: bytes, ours: bytes
    ) -> None:
        """Apply our changes since loading on top of what another process saved."""
        theirs_data, _ = _parse_toml(path, on_disk)
        theirs, theirs_extra = people_from_toml(theirs_data, path)
        base, base_extra = people_from_toml(base_data, path)
        merged = dict(theirs)
        for person_id in sorted(set(base) | set(self.people)):
            before, mine, other = (
                base.get(person_id),
                self.people.get(person_id),
                theirs.get(person_id),
            )
            if mine == before or mine == other:
                continue  # we did not touch this person, or both did the same
            if other != before:
                raise ConflictError(
                    path,
                    PEOPLE_FILE,
                    {PEOPLE_FILE: on_disk},
                    {PEOPLE_FILE: ours},
                    f"{person_id!r} was changed by someone else since it was loaded; "
                    "nothing was written: reload the people directory, or overwrite",
                )
            if mine is None:
                merged.pop(person_id, None)
            else:
                merged[person_id] = mine
        self.people = merged
        if self.people_extra == base_extra:
            self.people_extra = theirs_extra


def open_library(root: Path | str) -> Library:
    return Library.open(root)

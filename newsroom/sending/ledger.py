"""The send ledger, ``drafts/<slug>/sent.toml``, and the queue of scheduled sends.

One ``[[recipient]]`` entry per attempt's result, appended: ``sent`` (with the
Message-ID and time), ``failed`` (with the server's reply) or ``skipped``
(opted out). Entries are never rewritten, so the file is a log; whether a
contact still needs the release is read from their latest entry.

Each result is appended with a single ``write`` to the file opened with
``O_APPEND``, right after the server's answer: a crash or SIGKILL cannot
leave half an entry (the kernel finishes a write call before the process
dies), so the ledger is true to every recipient the server accepted. It is
not fsynced per recipient (that would cost more than the sending): a power
cut can lose or tear the last entries; a torn last entry is dropped when the
ledger is read, and those recipients get the release again. The end of a run,
and every change to the queue, replaces the whole file atomically and
fsyncs it.

``[[queued]]`` entries are sends scheduled with ``--at``. Claiming one (and
any sending at all) holds ``.sending``, an advisory lock (``flock``) in the
bundle: the kernel drops it when the process dies, so a SIGKILL never
leaves a claim behind. See docs/sending.md for what this does and does not
guarantee across machines.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import BundleError
from ..tomlio import parse_toml

LEDGER_FILE = "sent.toml"
LOCK_FILE = ".sending"
HEADER = "# The send ledger of this release, kept by newsroom: see docs/sending.md.\n"
SENT, FAILED, SKIPPED = "sent", "failed", "skipped"
QUEUED, DONE, CANCELLED = "queued", "done", "cancelled"


@dataclass
class Entry:
    email: str
    status: str
    at: datetime
    name: str = ""
    message_id: str = ""
    digest: str = ""
    reply: str = ""

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {"email": self.email, "status": self.status, "at": self.at}
        for key in ("name", "message_id", "digest", "reply"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        return data


@dataclass
class Queued:
    id: str
    at: datetime
    by: str = ""
    tags: list[str] = field(default_factory=list)
    state: str = QUEUED
    queued_at: datetime | None = None
    note: str = ""

    def to_toml(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "at": self.at,
            "state": self.state,
            "tags": list(self.tags),
        }
        if self.by:
            data["by"] = self.by
        if self.queued_at:
            data["queued_at"] = self.queued_at
        if self.note:
            data["note"] = self.note
        return data


@dataclass
class Ledger:
    path: Path
    entries: list[Entry] = field(default_factory=list)
    queue: list[Queued] = field(default_factory=list)
    _chunks: list[str] = field(default_factory=list, repr=False)
    _counts: dict[str, int] = field(default_factory=dict, repr=False)
    _counted: int = field(default=-1, repr=False)

    # -- reading ------------------------------------------------------

    def latest(self) -> dict[str, Entry]:
        """Each recipient's latest entry, by lower-cased address."""
        found: dict[str, Entry] = {}
        for entry in self.entries:
            found[entry.email.lower()] = entry
        return found

    def sent_count(self, email: str) -> int:
        return self.sent_counts().get(email.lower(), 0)

    def sent_counts(self) -> dict[str, int]:
        if self._counted != len(self.entries):  # entries only ever grow
            counts: dict[str, int] = {}
            for entry in self.entries:
                if entry.status == SENT:
                    counts[entry.email.lower()] = counts.get(entry.email.lower(), 0) + 1
            self._counts, self._counted = counts, len(self.entries)
        return self._counts

    def was_sent(self, email: str) -> bool:
        return self.sent_count(email) > 0

    def pending(self) -> list[Queued]:
        return [q for q in self.queue if q.state == QUEUED]

    # -- writing ------------------------------------------------------

    def append(self, entry: Entry) -> None:
        """Record one result: one append, in one write call."""
        if not self.path.exists():
            self.write(sync=False)  # the header and queue first
        text = _entry_text(entry)
        data = text.encode("utf-8")
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        try:
            written = os.write(fd, data)
        finally:
            os.close(fd)
        if written != len(data):  # a full disk: make the file whole again
            self.write(sync=True)
        self.entries.append(entry)
        self._chunks.append(text)
        if self._counted == len(self.entries) - 1:  # keep the counts in step
            self._counted += 1
            if entry.status == SENT:
                key = entry.email.lower()
                self._counts[key] = self._counts.get(key, 0) + 1

    def write(self, *, sync: bool = True) -> None:
        queue = "".join(_table_text("queued", q.to_toml()) for q in self.queue)
        text = HEADER + "schema = 1\n" + queue + "".join(self._chunks)
        _replace(self.path, text.encode("utf-8"), sync=sync)


def _value(value: Any) -> str:
    if isinstance(value, str):
        # JSON's escapes are TOML's; DEL must be escaped in TOML, not in JSON.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to the ledger")


def _table_text(name: str, data: dict[str, Any]) -> str:
    """One ``[[name]]`` table, always in that form (never inline), so appends stay valid."""
    lines = [f"\n[[{name}]]"] + [f"{key} = {_value(value)}" for key, value in data.items()]
    return "\n".join(lines) + "\n"


def _entry_text(entry: Entry) -> str:
    return _table_text("recipient", entry.to_toml())


def _replace(path: Path, data: bytes, *, sync: bool) -> None:
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            if sync:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def load(bundle: Path) -> Ledger:
    """The ledger of a bundle (empty when nothing was sent or queued). A ledger that
    cannot be read stops sending (BundleError): sending blind could send twice."""
    path = bundle / LEDGER_FILE
    ledger = Ledger(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return ledger
    try:
        data, _ = parse_toml(path, raw)
    except BundleError:
        data = _without_torn_tail(path, raw)
    if data.get("schema", 1) != 1:
        raise BundleError(
            path,
            f"schema {data.get('schema')!r} is not one this newsroom understands; upgrade newsroom",
            key="schema",
        )
    for index, item in enumerate(_tables(data, "recipient", path)):
        try:
            entry = Entry(
                email=str(item["email"]),
                status=str(item["status"]),
                at=item["at"],
                name=str(item.get("name", "")),
                message_id=str(item.get("message_id", "")),
                digest=str(item.get("digest", "")),
                reply=str(item.get("reply", "")),
            )
        except KeyError as error:
            raise BundleError(path, f"missing {error.args[0]}", key=f"recipient[{index}]") from None
        if not isinstance(entry.at, datetime) or entry.status not in (SENT, FAILED, SKIPPED):
            raise BundleError(
                path, "expected status sent/failed/skipped and a time", key=f"recipient[{index}]"
            )
        ledger.entries.append(entry)
        ledger._chunks.append(_entry_text(entry))
    for index, item in enumerate(_tables(data, "queued", path)):
        at = item.get("at")
        if not isinstance(at, datetime) or at.tzinfo is None or "id" not in item:
            raise BundleError(
                path, "a queued send needs an id and a time with an offset", key=f"queued[{index}]"
            )
        queued_at = item.get("queued_at")
        ledger.queue.append(
            Queued(
                id=str(item["id"]),
                at=at,
                by=str(item.get("by", "")),
                tags=[str(t) for t in item.get("tags", [])],
                state=str(item.get("state", QUEUED)),
                queued_at=queued_at if isinstance(queued_at, datetime) else None,
                note=str(item.get("note", "")),
            )
        )
    return ledger


def _without_torn_tail(path: Path, raw: bytes) -> dict[str, Any]:
    """The ledger without a last entry cut short by a power cut; else the parse error."""
    cut = raw.rfind(b"\n[[recipient]]")
    if cut < 0:
        return parse_toml(path, raw)[0]
    try:
        return parse_toml(path, raw[: cut + 1])[0]
    except BundleError:
        return parse_toml(path, raw)[0]  # damaged elsewhere: report where


def _tables(data: dict[str, Any], key: str, path: Path) -> list[dict[str, Any]]:
    items = data.get(key, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise BundleError(path, f"expected [[{key}]] tables", key=key)
    return items


def new_queue_id() -> str:
    return secrets.token_hex(6)


class Busy(Exception):
    """Another process is sending this release right now."""


@contextlib.contextmanager
def sending_lock(bundle: Path, *, wait: bool = False) -> Iterator[None]:
    """Hold the bundle's send lock; Busy when another process holds it (unless ``wait``)."""
    fd = os.open(bundle / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise Busy(f"{bundle.name} is being sent by another process") from None
        yield
    finally:
        os.close(fd)  # closing drops the lock


def summary(bundle: Path) -> str:
    """A few words for the library: 'sent 12', 'sent 12, 1 failed', 'queued 3 Dec 09:00'."""
    try:
        ledger = load(bundle)
    except BundleError:
        return "ledger unreadable"
    latest = ledger.latest().values()
    sent = sum(1 for e in latest if e.status == SENT)
    failed = sum(1 for e in latest if e.status == FAILED)
    parts = []
    if sent:
        parts.append(f"sent {sent}")
    if failed:
        parts.append(f"{failed} failed")
    pending = ledger.pending()
    if pending:
        first = min(q.at for q in pending)
        parts.append(f"queued {first:%-d %b %H:%M}")
    return ", ".join(parts)

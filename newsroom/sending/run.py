"""Sending a release: plan (who gets it), send (one message each, ledger after each),
queue (``--at``) and run what is due (``--due``).

Core module: no Textual, no Rich. Progress goes to a callback, so the CLI and
the TUI's worker show it their own way.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .. import press as press_module
from ..bundle import Library
from ..errors import BundleError
from ..model import Event, Release
from ..press import Contact
from . import ledger as ledger_module
from .config import SendError, SendSettings, send_settings
from .ledger import FAILED, SENT, SKIPPED, Entry, Ledger, Queued
from .message import Template, build_template
from .transport import ConnectionLost, Permanent, Temporary

SEND = "send"  # the history action (and git trailer) of a send run
QUEUE = "queue"


class Transport(Protocol):
    name: str

    def open(self) -> None: ...
    def send(self, sender: str, recipient: str, data: bytes) -> None: ...
    def close(self) -> None: ...


@dataclass
class Plan:
    release: Release
    digest: str
    tags: list[str]
    to_send: list[Contact] = field(default_factory=list)
    already: list[Contact] = field(default_factory=list)  # sent before (no --resend)
    opted_out: list[Contact] = field(default_factory=list)
    template: Template | None = None
    settings: SendSettings | None = None
    ledger: Ledger | None = None

    def first_message(self) -> bytes | None:
        if not self.to_send or self.template is None or self.ledger is None:
            return None
        contact = self.to_send[0]
        generation = self.ledger.sent_count(contact.email)
        return self.template.message_for(contact, self.template.message_id(contact, generation))


@dataclass
class Outcome:
    contact: Contact
    status: str  # sent, failed, skipped
    message_id: str = ""
    reply: str = ""
    attempts: int = 0


@dataclass
class Report:
    slug: str
    digest: str
    outcomes: list[Outcome] = field(default_factory=list)
    already: int = 0
    stopped: str = ""  # why the run stopped early (the server went away)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    def summary(self) -> str:
        parts = [f"sent {self.count(SENT)}"]
        if self.count(FAILED):
            parts.append(f"failed {self.count(FAILED)}")
        if self.count(SKIPPED):
            parts.append(f"skipped {self.count(SKIPPED)} (opted out)")
        if self.already:
            parts.append(f"{self.already} had it already")
        return ", ".join(parts)


def refusal(release: Release, library: Library) -> str | None:
    """The export gate, worded for sending."""
    from ..actions import publication_refusal

    reason = publication_refusal(release, library)
    if reason:
        return reason.split("; export with --draft")[0] + "; only an approved release is sent"
    return None


def plan(
    library: Library,
    slug: str,
    tags: list[str] | tuple[str, ...] = (),
    *,
    resend: bool = False,
    build: bool = True,
    release: Release | None = None,
) -> Plan:
    """Who would get the release now. Raises SendError when it may not be sent.

    ``release``: the object an editor holds (saved), so the send is recorded in
    it rather than behind its back; else the release is read from disk.
    """
    from ..digest import release_digest

    try:
        release = release if release is not None else library.load(slug)
    except BundleError as error:
        raise SendError(str(error)) from None
    reason = refusal(release, library)
    if reason:
        raise SendError(reason)
    try:
        # The send is recorded in the release: not while someone else edits it.
        from .. import locks

        locks.ensure_unlocked(library.root, slug)
        press = press_module.load(library.root, library.settings)
        settings = send_settings(library)
        ledger = ledger_module.load(library.root / slug)
    except BundleError as error:
        raise SendError(str(error)) from None
    digest = release_digest(release, library)
    result = Plan(release=release, digest=digest, tags=list(tags), settings=settings, ledger=ledger)
    chosen = press.selected(tags)
    if not chosen:
        where = f" tagged {', '.join(tags)}" if tags else ""
        raise SendError(
            f"no contacts{where} on the press list ({press.path.name}); "
            "add some with `newsroom press add`"
        )
    for contact in chosen:
        if contact.opted_out:
            result.opted_out.append(contact)
        elif ledger.was_sent(contact.email) and not resend:
            result.already.append(contact)
        else:
            result.to_send.append(contact)
    if build:
        result.template = build_template(release, library, settings, digest)
    return result


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def send(
    library: Library,
    the_plan: Plan,
    transport: Transport,
    *,
    by: str = "",
    progress: Callable[[Outcome, int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    record: bool = True,
) -> Report:
    """Send to everyone in the plan, one message each, the ledger written after each.

    Hold ``ledger.sending_lock`` around plan and send (``send_release`` does).
    Raises SendError when the server cannot be reached at the start (nothing
    sent, nothing recorded); a server lost mid-list ends the run with
    ``report.stopped`` set and the ledger true to what went out.
    """
    assert the_plan.template is not None and the_plan.ledger is not None
    assert the_plan.settings is not None
    template, ledger, settings = the_plan.template, the_plan.ledger, the_plan.settings
    report = Report(
        slug=the_plan.release.slug, digest=the_plan.digest, already=len(the_plan.already)
    )
    latest = ledger.latest()
    total = len(the_plan.to_send) + len(the_plan.opted_out)
    if the_plan.to_send:
        transport.open()  # SendError here: nothing sent, nothing recorded
    for contact in the_plan.opted_out:
        outcome = Outcome(contact, SKIPPED, reply=f"opted out {contact.opted_out}")
        report.outcomes.append(outcome)
        previous = latest.get(contact.key)
        if previous is None or previous.status != SKIPPED:  # once is enough
            ledger.append(
                Entry(
                    email=contact.email,
                    name=contact.name,
                    status=SKIPPED,
                    at=_now(),
                    digest=the_plan.digest,
                    reply=outcome.reply,
                )
            )
        if progress:
            progress(outcome, len(report.outcomes), total)
    interval = 60.0 / settings.per_minute if settings.per_minute else 0.0
    last = 0.0
    try:
        for contact in the_plan.to_send:
            generation = ledger.sent_count(contact.email)
            message_id = template.message_id(contact, generation)
            data = template.message_for(contact, message_id)
            outcome = Outcome(contact, SENT, message_id=message_id)
            lost = False
            for attempt in range(settings.retries + 1):
                if interval:
                    wait = last + interval - time.monotonic()
                    if wait > 0:
                        sleep(wait)
                    last = time.monotonic()
                outcome.attempts = attempt + 1
                try:
                    transport.send(template.sender, contact.email, data)
                    outcome.status, outcome.reply = SENT, ""
                    break
                except Permanent as failure:
                    outcome.status, outcome.reply, lost = FAILED, failure.reply, False
                    break
                except Temporary as failure:
                    outcome.status, outcome.reply = FAILED, failure.reply
                    lost = isinstance(failure, ConnectionLost)
                    if attempt < settings.retries:
                        sleep(settings.retry_delay * 2**attempt)
            if outcome.status == FAILED and lost:
                report.stopped = (
                    f"the mail server went away ({outcome.reply}); "
                    f"{report.count(SENT)} sent this run; run send again to "
                    "carry on"
                )
                break
            ledger.append(
                Entry(
                    email=contact.email,
                    name=contact.name,
                    status=outcome.status,
                    at=_now(),
                    message_id=message_id if outcome.status == SENT else "",
                    digest=the_plan.digest,
                    reply=outcome.reply,
                )
            )
            report.outcomes.append(outcome)
            if progress:
                progress(outcome, len(report.outcomes), total)
    finally:
        transport.close()
        ledger.write(sync=True)
    if record and report.count(SENT):
        record_send(library, the_plan.release, report, by=by, tags=the_plan.tags)
    return report


def record_send(
    library: Library, release: Release, report: Report, *, by: str, tags: list[str]
) -> None:
    """A ``send`` event in the release's history (the digest sent, who, how many), and
    the first send also counts as publication (status ``published``)."""
    from ..actions import record_publication

    note = report.summary() + (f" (tags: {', '.join(tags)})" if tags else "")
    record_publication(release, library, by, "email")
    release.history.append(Event(at=_now(), action=SEND, by=by, digest=report.digest, note=note))
    library.save(release)


# ---------------------------------------------------------------------------
# Scheduling


def parse_when(text: str, timezone: str) -> datetime:
    """``2026-12-03T09:00`` (in the library's zone), or with an offset; an aware datetime."""
    try:
        when = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
    except ValueError:
        raise SendError(f"--at {text!r}: give a date and time like 2026-12-03T09:00") from None
    if when.tzinfo is None:
        try:
            when = when.replace(tzinfo=ZoneInfo(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            when = when.replace(tzinfo=UTC)
    return when


def queue(
    library: Library,
    slug: str,
    when: datetime,
    tags: list[str],
    *,
    by: str,
    now: datetime | None = None,
) -> Queued:
    """Schedule a send. The release must be approved now (and is checked again when due)."""
    now = now or _now()
    if when <= now:
        raise SendError(f"--at {when.isoformat()} is in the past; send now without --at")
    plan(library, slug, tags, build=True)  # refuses what could not be sent
    bundle = library.root / slug
    with ledger_module.sending_lock(bundle, wait=True):
        ledger = ledger_module.load(bundle)
        item = Queued(
            id=ledger_module.new_queue_id(),
            at=when.replace(microsecond=0),
            by=by,
            tags=list(tags),
            queued_at=now,
        )
        ledger.queue.append(item)
        ledger.write()
    return item


def cancel(library: Library, slug: str) -> int:
    bundle = library.root / slug
    with ledger_module.sending_lock(bundle, wait=True):
        ledger = ledger_module.load(bundle)
        pending = ledger.pending()
        for item in pending:
            item.state = ledger_module.CANCELLED
        ledger.write()
    return len(pending)


@dataclass
class DueResult:
    slug: str
    queued: Queued
    report: Report | None = None
    error: str = ""


def run_due(
    library: Library,
    make_transport: Callable[[], Transport],
    *,
    by: str = "",
    now: datetime | None = None,
    progress: Callable[[Outcome, int, int], None] | None = None,
) -> list[DueResult]:
    """Send every queued send whose time has come, each claimed under the bundle's lock:
    a second process finds the lock held (and skips) or finds the entry done."""
    now = now or datetime.now(UTC)
    results: list[DueResult] = []
    for bundle in sorted(
        p for p in library.root.iterdir() if (p / ledger_module.LEDGER_FILE).is_file()
    ):
        try:
            waiting = [q for q in ledger_module.load(bundle).pending() if q.at <= now]
        except BundleError as error:
            results.append(DueResult(bundle.name, Queued("?", now), error=str(error)))
            continue
        if not waiting:
            continue
        try:
            with ledger_module.sending_lock(bundle):
                results.extend(_send_due(library, bundle.name, now, make_transport, by, progress))
        except ledger_module.Busy:
            continue  # another process has claimed it
    return results


def _send_due(
    library: Library,
    slug: str,
    now: datetime,
    make_transport: Callable[[], Transport],
    by: str,
    progress: Callable[[Outcome, int, int], None] | None,
) -> list[DueResult]:
    results = []
    bundle = library.root / slug
    # Read again under the lock: whoever held it before may have sent these.
    for item in [q for q in ledger_module.load(bundle).pending() if q.at <= now]:
        result = DueResult(slug, item)
        try:
            the_plan = plan(library, slug, item.tags)
            result.report = send(
                library, the_plan, make_transport(), by=by or item.by, progress=progress
            )
            state, note = ledger_module.DONE, result.report.summary()
            if result.report.stopped:
                state, note = ledger_module.QUEUED, result.report.stopped
        except SendError as error:
            result.error = str(error)
            # A release no longer approved stays queued and refused, never sent.
            state, note = ledger_module.QUEUED, str(error)
        ledger = ledger_module.load(bundle)
        for queued in ledger.queue:
            if queued.id == item.id:
                queued.state, queued.note = state, note[:300]
        ledger.write()
        results.append(result)
    return results


def send_release(
    library: Library,
    slug: str,
    transport: Transport,
    *,
    tags: list[str] | tuple[str, ...] = (),
    resend: bool = False,
    by: str = "",
    progress: Callable[[Outcome, int, int], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    release: Release | None = None,
) -> Report:
    """Plan and send under the bundle's send lock (Busy if another process is sending it)."""
    with ledger_module.sending_lock(library.root / slug):
        the_plan = plan(library, slug, tags, resend=resend, release=release)
        return send(library, the_plan, transport, by=by, progress=progress, sleep=sleep)

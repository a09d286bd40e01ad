"""The send ledger (sent.toml): appended entries read back exactly, a torn tail
dropped, a damaged file refused with its line, the send lock held once."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsroom.errors import BundleError
from newsroom.sending import ledger

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_entry = st.builds(
    ledger.Entry,
    email=st.emails(),
    status=st.sampled_from(["sent", "failed", "skipped"]),
    at=st.datetimes(timezones=st.just(UTC)).map(lambda d: d.replace(microsecond=0)),
    name=_text,
    message_id=_text,
    digest=_text,
    reply=_text,
)


@settings(max_examples=50, deadline=None)
@given(entries=st.lists(_entry, max_size=8))
def test_appended_entries_read_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, entries: list[ledger.Entry]
) -> None:
    bundle = tmp_path_factory.mktemp("bundle")
    book = ledger.load(bundle)
    book.queue.append(
        ledger.Queued(id="q1", at=datetime(2026, 12, 3, 9, tzinfo=UTC), tags=["health"])
    )
    book.write()
    for entry in entries:
        book.append(entry)
    again = ledger.load(bundle)
    assert again.entries == entries
    assert [q.id for q in again.queue] == ["q1"]
    assert again.sent_count("x@y.z") == 0
    for entry in entries:
        assert again.sent_count(entry.email) == sum(
            1 for e in entries if e.status == "sent" and e.email.lower() == entry.email.lower()
        )


def _two_sent(bundle: Path) -> bytes:
    book = ledger.load(bundle)
    for n in range(2):
        book.append(
            ledger.Entry(
                email=f"r{n}@example.org", status="sent", at=datetime(2026, 12, 3, 9, n, tzinfo=UTC)
            )
        )
    return (bundle / ledger.LEDGER_FILE).read_bytes()


def test_a_torn_last_entry_is_dropped(tmp_path: Path) -> None:
    raw = _two_sent(tmp_path)
    (tmp_path / ledger.LEDGER_FILE).write_bytes(raw[:-12])  # a power cut mid-append
    assert [e.email for e in ledger.load(tmp_path).entries] == ["r0@example.org"]


def test_damage_elsewhere_is_an_error_with_the_line(tmp_path: Path) -> None:
    raw = _two_sent(tmp_path)
    (tmp_path / ledger.LEDGER_FILE).write_bytes(raw.replace(b"schema = 1", b"schema = = 1"))
    with pytest.raises(BundleError) as caught:
        ledger.load(tmp_path)
    assert ":2:" in str(caught.value)


def test_the_send_lock_is_held_once(tmp_path: Path) -> None:
    with ledger.sending_lock(tmp_path):
        with pytest.raises(ledger.Busy):
            with ledger.sending_lock(tmp_path):
                pass
    with ledger.sending_lock(tmp_path):  # released with the first
        pass

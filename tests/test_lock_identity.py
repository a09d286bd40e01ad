"""A reused pid no longer makes a dead lock (or recovery file) look alive (issue 14).

The lock and the recovery file record the writer's start time (``/proc/<pid>/stat``)
and the machine's boot id beside the pid; a live process with the same pid but
another start time, or a lock written before the last boot, is recognised as gone.
Lock files written before these fields existed still read (the pid alone decides).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG

from newsroom import locks, recovery
from newsroom.bundle import Library
from newsroom.locks import LOCK_FILE, LockInfo

needs_proc = pytest.mark.skipif(
    locks.process_start(os.getpid()) is None, reason="no /proc: start times are unknown here"
)


@pytest.fixture
def live_process():
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child
    child.kill()
    child.wait()


def write_lock(root: Path, *, pid: int, started: int | None, boot: str = "") -> Path:
    path = root / SAMPLE_SLUG / LOCK_FILE
    info = LockInfo(
        user="alice",
        host=locks.current_host(),
        pid=pid,
        since=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        token="other",
        started=started,
        boot=boot,
    )
    path.write_bytes(info.to_json())
    return path


@needs_proc
def test_a_lock_records_the_start_time_and_boot_of_its_process(library_copy: Path) -> None:
    with locks.acquire(library_copy, SAMPLE_SLUG):
        data = json.loads((library_copy / SAMPLE_SLUG / LOCK_FILE).read_text("utf-8"))
    assert data["pid"] == os.getpid()
    assert data["started"] == locks.process_start(os.getpid())
    assert data["boot"] == locks.boot_id()


@needs_proc
def test_a_reused_pid_makes_the_lock_stale(library_copy: Path, live_process) -> None:
    # The live process has this pid, but started at another time: the writer is gone.
    real = locks.process_start(live_process.pid)
    assert real is not None
    write_lock(library_copy, pid=live_process.pid, started=real - 1)
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and holder.stale
    with pytest.raises(locks.LockedError):
        locks.acquire(library_copy, SAMPLE_SLUG)  # stale, but never taken silently
    lock = locks.acquire(library_copy, SAMPLE_SLUG, take_over=True)
    assert lock.held and lock.info.pid == os.getpid()
    lock.release()


@needs_proc
def test_the_same_process_with_its_start_time_is_alive(library_copy: Path, live_process) -> None:
    write_lock(
        library_copy,
        pid=live_process.pid,
        started=locks.process_start(live_process.pid),
        boot=locks.boot_id(),
    )
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and not holder.stale
    with pytest.raises(locks.LockedError, match="being edited"):
        locks.acquire(library_copy, SAMPLE_SLUG, take_over=True)


def test_a_lock_from_before_the_last_boot_is_stale(library_copy: Path, live_process) -> None:
    if not locks.boot_id():
        pytest.skip("this system has no boot id")
    write_lock(library_copy, pid=live_process.pid, started=None, boot="another-boot")
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and holder.stale


def test_an_old_lock_without_start_time_still_reads_and_is_respected(
    library_copy: Path, live_process
) -> None:
    path = library_copy / SAMPLE_SLUG / LOCK_FILE
    path.write_text(
        json.dumps(
            {
                "user": "bob",
                "host": locks.current_host(),
                "pid": live_process.pid,
                "since": "2026-11-25T09:30:00+00:00",
                "token": "old",
            }
        ),
        "utf-8",
    )
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and not holder.unreadable
    assert holder.user == "bob" and holder.started is None and not holder.stale
    with pytest.raises(locks.LockedError):
        locks.acquire(library_copy, SAMPLE_SLUG, take_over=True)


@needs_proc
def test_our_own_pid_from_an_earlier_process_is_not_mine(library_copy: Path) -> None:
    # A crashed process had our pid: its lock is not re-entered as ours, it is stale.
    write_lock(library_copy, pid=os.getpid(), started=locks.process_start(os.getpid()) - 1)
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and not holder.mine and holder.stale
    with pytest.raises(locks.LockedError):
        locks.acquire(library_copy, SAMPLE_SLUG)


@needs_proc
def test_a_recovery_file_whose_pid_was_reused_is_offered(library_copy: Path, live_process) -> None:
    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    release.body += "\nWords nobody saved.\n"
    path = recovery.checkpoint(library, release)
    assert path is not None
    data = json.loads(path.read_text("utf-8"))
    assert data["started"] == locks.process_start(os.getpid())
    # Make it look written by the live process's pid, at another start time.
    data["pid"] = live_process.pid
    data["started"] = locks.process_start(live_process.pid) - 1
    path.write_text(json.dumps(data), "utf-8")
    assert [r.slug for r in recovery.pending(library_copy)] == [SAMPLE_SLUG]
    # With its real start time the writer counts as running: not offered.
    data["started"] = locks.process_start(live_process.pid)
    path.write_text(json.dumps(data), "utf-8")
    assert recovery.pending(library_copy) == []

"""Edit locks: O_EXCL creation, who holds it, stale take-over, CLI refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import EARLY_SLUG, SAMPLE_SLUG, run_newsroom, snapshot_tree

from newsroom import locks
from newsroom.cli import main as cli_main
from newsroom.errors import BundleError
from newsroom.locks import LOCK_FILE, LockedError, LockInfo


def _dead_pid() -> int:
    """A pid that certainly belongs to no running process (a reaped child)."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def live_process():
    """Another live process on this host, to hold locks in tests."""
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield child
    child.kill()
    child.wait()


def write_lock(
    root: Path,
    slug: str,
    *,
    pid: int,
    host: str | None = None,
    user: str = "alice",
    token: str = "other",
) -> Path:
    path = root / slug / LOCK_FILE
    info = LockInfo(
        user=user,
        host=host or locks.current_host(),
        pid=pid,
        since=datetime(2026, 11, 25, 9, 30, tzinfo=UTC),
        token=token,
    )
    path.write_bytes(info.to_json())
    return path


def test_acquire_writes_who_where_which_process_and_when(library_copy: Path) -> None:
    lock = locks.acquire(library_copy, SAMPLE_SLUG)
    path = library_copy / SAMPLE_SLUG / LOCK_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["pid"] == os.getpid()
    assert data["host"] == locks.current_host()
    assert data["user"] == locks.current_user()
    assert datetime.fromisoformat(data["since"]).tzinfo is not None
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and holder.mine and not holder.stale
    lock.release()
    assert not path.exists()
    assert locks.holder(library_copy, SAMPLE_SLUG) is None


def test_lock_is_a_context_manager_and_reentrant_in_one_process(library_copy: Path) -> None:
    path = library_copy / SAMPLE_SLUG / LOCK_FILE
    with locks.acquire(library_copy, SAMPLE_SLUG) as outer:
        inner = locks.acquire(library_copy, SAMPLE_SLUG)
        assert not inner.owned
        inner.release()
        assert path.exists(), "the inner release must not drop the outer lock"
        assert outer.held
    assert not path.exists()


def test_lock_held_by_a_live_process_is_respected(library_copy: Path, live_process) -> None:
    path = write_lock(library_copy, SAMPLE_SLUG, pid=live_process.pid)
    before = path.read_bytes()
    with pytest.raises(LockedError) as caught:
        locks.acquire(library_copy, SAMPLE_SLUG, take_over=True)
    assert caught.value.holder.pid == live_process.pid
    assert "alice" in str(caught.value) and str(live_process.pid) in str(caught.value)
    assert path.read_bytes() == before
    with pytest.raises(LockedError):
        locks.ensure_unlocked(library_copy, SAMPLE_SLUG)


def test_lock_from_another_host_is_respected_even_if_old(library_copy: Path) -> None:
    path = write_lock(library_copy, SAMPLE_SLUG, pid=_dead_pid(), host="someone-elses-laptop")
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and not holder.stale  # we cannot ask another machine
    with pytest.raises(LockedError) as caught:
        locks.acquire(library_copy, SAMPLE_SLUG, take_over=True)
    assert "someone-elses-laptop" in str(caught.value)
    assert path.exists()


def test_stale_lock_is_recognised_and_taken_over_only_when_asked(library_copy: Path) -> None:
    dead = _dead_pid()
    path = write_lock(library_copy, SAMPLE_SLUG, pid=dead)
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and holder.stale
    with pytest.raises(LockedError) as caught:
        locks.acquire(library_copy, SAMPLE_SLUG)
    assert caught.value.holder.stale
    assert "no longer running" in str(caught.value)
    assert json.loads(path.read_text())["pid"] == dead
    lock = locks.acquire(library_copy, SAMPLE_SLUG, take_over=True)
    assert json.loads(path.read_text())["pid"] == os.getpid()
    lock.release()
    assert not path.exists()
    # Nothing left behind by the take-over.
    assert not list((library_copy / SAMPLE_SLUG).glob(".lock*"))


def test_release_does_not_remove_someone_elses_lock(library_copy: Path, live_process) -> None:
    lock = locks.acquire(library_copy, SAMPLE_SLUG)
    # Someone deleted our lock by hand and another process locked it.
    path = write_lock(library_copy, SAMPLE_SLUG, pid=live_process.pid)
    lock.release()
    assert path.exists()
    assert json.loads(path.read_text())["pid"] == live_process.pid


def test_unreadable_lock_is_respected_then_stale_after_a_grace(library_copy: Path) -> None:
    path = library_copy / SAMPLE_SLUG / LOCK_FILE
    path.write_bytes(b"\x00garbage")
    holder = locks.holder(library_copy, SAMPLE_SLUG)
    assert holder is not None and holder.unreadable and not holder.stale
    with pytest.raises(LockedError):
        locks.acquire(library_copy, SAMPLE_SLUG, take_over=True)
    assert path.read_bytes() == b"\x00garbage"
    # Seconds later it is crash debris: stale, and taken over only when asked.
    old = time.time() - locks.UNREADABLE_GRACE - 1
    os.utime(path, (old, old))
    with pytest.raises(LockedError, match="cannot read.*take the lock over"):
        locks.acquire(library_copy, SAMPLE_SLUG)
    with locks.acquire(library_copy, SAMPLE_SLUG, take_over=True) as lock:
        assert lock.held


def test_only_one_of_many_processes_gets_the_lock(library_copy: Path) -> None:
    script = (
        "import sys, time; from newsroom import locks\n"
        "try:\n"
        f"    lock = locks.acquire(sys.argv[1], {SAMPLE_SLUG!r})\n"
        "except locks.LockedError:\n"
        "    print('refused'); sys.exit(0)\n"
        # Held until every process has answered (not for a fixed time: on a busy
        # machine the last one may start after a timed hold ended).
        "print('got'); sys.stdout.flush(); sys.stdin.read(); lock.release()\n"
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(library_copy)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parent.parent,
        )
        for _ in range(6)
    ]
    results = [child.stdout.readline().strip() for child in children]
    for child in children:
        child.communicate(timeout=60)  # end of input: the holder lets go
    assert sorted(results).count("got") == 1, results
    assert not (library_copy / SAMPLE_SLUG / LOCK_FILE).exists()


def test_lock_on_a_missing_release_is_a_clear_error(library_copy: Path) -> None:
    with pytest.raises(BundleError, match="no release called"):
        locks.acquire(library_copy, "no-such-release")
    with pytest.raises(BundleError, match="looks like a path"):
        locks.acquire(library_copy, "../etc")


def test_hold_locks_for_the_duration_and_releases(library_copy: Path) -> None:
    path = library_copy / SAMPLE_SLUG / LOCK_FILE
    with locks.hold(library_copy, SAMPLE_SLUG) as lock:
        assert lock is not None and path.exists()
    assert not path.exists()
    with pytest.raises(RuntimeError), locks.hold(library_copy, SAMPLE_SLUG):
        raise RuntimeError("the command failed")
    assert not path.exists()
    with locks.hold(library_copy, "not-there-yet") as nothing:
        assert nothing is None


# -- the CLI -------------------------------------------------------------------


def test_cli_new_refuses_a_locked_slug_with_exit_2(
    library_copy: Path, live_process, capsys
) -> None:
    # Someone is creating this release in the editor: the folder and lock exist.
    (library_copy / "2026-11-25-new-thing").mkdir()
    write_lock(library_copy, "2026-11-25-new-thing", pid=live_process.pid, user="bob")
    before = snapshot_tree(library_copy)
    code = cli_main(
        ["--drafts", str(library_copy), "new", "2026-11-25-new-thing", "--headline", "Clash"]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "bob" in err and str(live_process.pid) in err
    assert snapshot_tree(library_copy) == before


def test_cli_write_command_refuses_in_a_subprocess(library_copy: Path, live_process) -> None:
    (library_copy / "2026-11-25-taken").mkdir()
    write_lock(library_copy, "2026-11-25-taken", pid=live_process.pid, user="carol")
    result = run_newsroom("new", "2026-11-25-taken", "--headline", "X", drafts=library_copy)
    assert result.returncode == 2
    assert "carol" in result.stderr and "being edited" in result.stderr
    assert "Traceback" not in result.stderr


def test_reading_commands_ignore_locks(library_copy: Path, live_process) -> None:
    write_lock(library_copy, SAMPLE_SLUG, pid=live_process.pid)
    write_lock(library_copy, EARLY_SLUG, pid=live_process.pid)
    result = run_newsroom("list", drafts=library_copy)
    assert result.returncode == 0, result.stderr
    assert SAMPLE_SLUG in result.stdout
    result = run_newsroom("show", SAMPLE_SLUG, drafts=library_copy)
    assert result.returncode == 0, result.stderr


def test_save_refuses_while_another_process_holds_the_lock(
    library_copy: Path, live_process
) -> None:
    """Defence in depth: every write path (CLI, importer, git sync) goes through save."""
    from newsroom.bundle import Library

    library = Library.open(library_copy)
    release = library.load(SAMPLE_SLUG)
    write_lock(library_copy, SAMPLE_SLUG, pid=live_process.pid, user="dana")
    before = snapshot_tree(library_copy / SAMPLE_SLUG)
    release.headline = "Sneaked in"
    with pytest.raises(LockedError, match="dana"):
        library.save(release)
    assert snapshot_tree(library_copy / SAMPLE_SLUG) == before
    # Our own lock does not stop us.
    (library_copy / SAMPLE_SLUG / LOCK_FILE).unlink()
    with locks.acquire(library_copy, SAMPLE_SLUG):
        assert library.save(release)


def test_cli_sign_off_commands_refuse_a_locked_release(
    library_copy: Path, live_process, capsys
) -> None:
    write_lock(library_copy, SAMPLE_SLUG, pid=live_process.pid, user="erin")
    before = snapshot_tree(library_copy / SAMPLE_SLUG)
    for args in (
        ["submit", SAMPLE_SLUG, "--as", "priya-raman"],
        ["approve", SAMPLE_SLUG, "--as", "priya-raman"],
        ["spike", SAMPLE_SLUG, "--as", "priya-raman"],
        ["request-changes", SAMPLE_SLUG, "--as", "priya-raman", "--note", "x"],
        ["clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor"],
    ):
        code = cli_main(["--drafts", str(library_copy), *args])
        err = capsys.readouterr().err
        assert code == 2, (args, err)
        assert "erin" in err, (args, err)
    assert snapshot_tree(library_copy / SAMPLE_SLUG) == before


def test_final_export_refuses_a_locked_release_before_writing(
    library_copy: Path, live_process, capsys, tmp_path: Path, monkeypatch
) -> None:
    """A final export records its publication in the release: that is a write."""
    monkeypatch.delenv("NEWSROOM_USER", raising=False)
    drafts = ["--drafts", str(library_copy)]
    for args in (
        ["clear", SAMPLE_SLUG, "okafor", "--by", "amira-okafor"],
        ["clear", SAMPLE_SLUG, "whitfield", "--by", "tom-whitfield"],
        ["approve", SAMPLE_SLUG, "--as", "david-osei"],
    ):
        assert cli_main([*drafts, *args]) == 0, capsys.readouterr().err
    write_lock(library_copy, SAMPLE_SLUG, pid=live_process.pid, user="frank")
    before = snapshot_tree(library_copy / SAMPLE_SLUG)
    out_file = tmp_path / "final.txt"
    code = cli_main([*drafts, "export", SAMPLE_SLUG, "-o", str(out_file)])
    err = capsys.readouterr().err
    assert code == 2 and "frank" in err, err
    assert not out_file.exists()
    assert snapshot_tree(library_copy / SAMPLE_SLUG) == before
    # A draft export writes nothing to the release: the lock does not matter.
    assert cli_main([*drafts, "export", "--draft", SAMPLE_SLUG, "-o", str(out_file)]) == 0

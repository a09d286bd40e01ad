"""Recovery files (autosave) and save conflicts."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE_SLUG, snapshot_tree

from newsroom import locks, recovery
from newsroom.bundle import Library
from newsroom.errors import BundleError, ConflictError
from newsroom.layout import BODY_FILE, RELEASE_FILE

REPO = Path(__file__).resolve().parent.parent


def _edit(library: Library, headline: str = "Edited headline", extra: str = "Typed line.\n"):
    release = library.load(SAMPLE_SLUG)
    release.headline = headline
    release.body = release.body + "\n" + extra
    return release


def _age(path: Path, seconds: float) -> None:
    """Move a file's mtime into the past (so a later file counts as newer)."""
    stamp = time.time() - seconds
    os.utime(path, (stamp, stamp))


def _foreign(path: Path, pid: int) -> Path:
    """Rewrite a recovery file as if another (finished) process had written it."""
    data = json.loads(path.read_text(encoding="utf-8"))
    data["pid"] = pid
    data["started"] = locks.process_start(pid)  # as that process would have written it
    target = path.with_name(path.name.replace(f".{os.getpid()}.", f".{pid}."))
    target.write_text(json.dumps(data), encoding="utf-8")
    path.unlink()
    return target


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


# -- writing -------------------------------------------------------------------


def test_checkpoint_writes_everything_unsaved_outside_the_bundle(library_copy: Path) -> None:
    library = Library.open(library_copy)
    bundle_before = snapshot_tree(library_copy / SAMPLE_SLUG)
    release = _edit(library)
    path = recovery.checkpoint(library, release)
    assert path is not None
    assert path.parent == library_copy / ".newsroom" / "recovery"
    assert path.name.startswith(f"{SAMPLE_SLUG}.") and path.name.endswith(f".{os.getpid()}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["slug"] == SAMPLE_SLUG and data["pid"] == os.getpid()
    assert "Edited headline" in data["files"][RELEASE_FILE]
    assert data["files"][BODY_FILE].endswith("Typed line.\n")
    assert data["files"] == {k: v.decode() for k, v in library.render_files(release).items()}
    # The bundle itself is untouched, and no temp file is left behind.
    assert snapshot_tree(library_copy / SAMPLE_SLUG) == bundle_before
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_recovery_folder_is_git_ignored(library_copy: Path) -> None:
    (library_copy / ".gitignore").write_text("*.bak", encoding="utf-8")
    library = Library.open(library_copy)
    recovery.checkpoint(library, _edit(library))
    assert (library_copy / ".newsroom" / ".gitignore").read_text().splitlines()[-1] == "*"
    lines = (library_copy / ".gitignore").read_text().splitlines()
    assert lines[0] == "*.bak" and ".newsroom/" in lines and "*/.lock" in lines
    recovery.checkpoint(library, _edit(library))
    assert (library_copy / ".gitignore").read_text().splitlines() == lines  # added once
    if subprocess.run(["git", "--version"], capture_output=True).returncode == 0:
        subprocess.run(["git", "init", "-q", str(library_copy)], check=True)
        status = subprocess.run(
            ["git", "-C", str(library_copy), "status", "--porcelain", "--untracked-files=all"],
            capture_output=True,
            text=True,
        )
        assert ".newsroom" not in status.stdout


def test_checkpoint_with_no_unsaved_edit_writes_nothing_and_clears(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = _edit(library)
    path = recovery.checkpoint(library, release)
    assert path is not None and path.exists()
    unchanged = library.load(SAMPLE_SLUG)
    assert recovery.checkpoint(library, unchanged) is None
    assert not path.exists()


def test_checkpoint_is_atomic_when_the_write_fails(library_copy: Path, monkeypatch) -> None:
    library = Library.open(library_copy)
    first = recovery.checkpoint(library, _edit(library, "First"))
    assert first is not None
    before = first.read_bytes()
    import newsroom.fsio as fsio

    real_fdopen = os.fdopen

    def full_disk(fd, *args, **kwargs):
        handle = real_fdopen(fd, *args, **kwargs)

        def write(_data):
            raise OSError(28, "No space left on device")

        handle.write = write
        return handle

    monkeypatch.setattr(fsio.os, "fdopen", full_disk)
    with pytest.raises(OSError):
        recovery.checkpoint(library, _edit(library, "Second"))
    monkeypatch.undo()
    assert first.read_bytes() == before
    assert [p.name for p in first.parent.iterdir()] == [first.name]


# -- offering at start-up ----------------------------------------------------------


def test_pending_offers_a_dead_processs_newer_edits(library_copy: Path) -> None:
    library = Library.open(library_copy)
    path = recovery.checkpoint(library, _edit(library))
    _age(library_copy / SAMPLE_SLUG / RELEASE_FILE, 60)
    _age(library_copy / SAMPLE_SLUG / BODY_FILE, 60)
    foreign = _foreign(path, _dead_pid())
    found = recovery.pending(library_copy)
    assert [r.path for r in found] == [foreign]
    assert found[0].slug == SAMPLE_SLUG
    assert found[0].based_on_disk(library)
    restored = found[0].release(Library.open(library_copy))
    assert restored.headline == "Edited headline"
    assert restored.body.endswith("Typed line.\n")


def test_pending_skips_a_running_editors_file(library_copy: Path) -> None:
    library = Library.open(library_copy)
    path = recovery.checkpoint(library, _edit(library))
    _age(library_copy / SAMPLE_SLUG / RELEASE_FILE, 60)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        _foreign(path, child.pid)
        assert recovery.pending(library_copy) == []
    finally:
        child.kill()
        child.wait()
    assert len(recovery.pending(library_copy)) == 1


def test_pending_skips_files_older_than_the_bundle(library_copy: Path) -> None:
    library = Library.open(library_copy)
    path = _foreign(recovery.checkpoint(library, _edit(library)), _dead_pid())
    _age(path, 120)  # the bundle was saved after the checkpoint
    for name in (RELEASE_FILE, BODY_FILE):
        _age(library_copy / SAMPLE_SLUG / name, 0)
    assert recovery.pending(library_copy) == []
    assert [r.path for r in recovery.pending(library_copy, include_older=True)] == [path]


def test_pending_skips_a_checkpoint_identical_to_the_bundle(library_copy: Path) -> None:
    library = Library.open(library_copy)
    release = _edit(library)
    path = _foreign(recovery.checkpoint(library, release), _dead_pid())
    library.save(release)  # crashed after the save but before clearing
    _age(library_copy / SAMPLE_SLUG / RELEASE_FILE, 60)
    _age(library_copy / SAMPLE_SLUG / BODY_FILE, 60)
    assert path.exists()
    assert recovery.pending(library_copy) == []


def test_unreadable_recovery_files_are_skipped_not_fatal(library_copy: Path) -> None:
    folder = recovery.recovery_dir(library_copy)
    (folder / f"{SAMPLE_SLUG}.host.1.json").write_bytes(b"{not json")
    (folder / f"{SAMPLE_SLUG}.host.2.json").write_bytes(b"\xff\xfe")
    (folder / "x.host.3.json").write_text('{"slug": "../etc", "files": {}}')
    assert recovery.pending(library_copy) == []
    assert len(recovery.all_files(library_copy)) == 3


# -- replaying ---------------------------------------------------------------------


def test_begin_replay_renames_so_a_crash_cannot_loop(library_copy: Path) -> None:
    library = Library.open(library_copy)
    path = _foreign(recovery.checkpoint(library, _edit(library)), _dead_pid())
    _age(library_copy / SAMPLE_SLUG / RELEASE_FILE, 60)
    _age(library_copy / SAMPLE_SLUG / BODY_FILE, 60)
    (found,) = recovery.pending(library_copy)
    replay = recovery.begin_replay(found)
    assert not path.exists() and replay.path.exists() and replay.replaying
    # A crash now: the next start does not offer it again...
    assert recovery.pending(library_copy) == []
    # ...but the words are still on disk, for a human to rescue.
    assert replay.path in recovery.all_files(library_copy)
    with pytest.raises(BundleError, match="already restored"):
        recovery.begin_replay(dataclasses.replace(replay, path=path))


def test_replay_in_a_subprocess_that_crashes_is_not_offered_again(library_copy: Path) -> None:
    library = Library.open(library_copy)
    _foreign(recovery.checkpoint(library, _edit(library)), _dead_pid())
    _age(library_copy / SAMPLE_SLUG / RELEASE_FILE, 60)
    _age(library_copy / SAMPLE_SLUG / BODY_FILE, 60)
    script = (
        "import os, sys; from newsroom import recovery\n"
        "(r,) = recovery.pending(sys.argv[1]); recovery.begin_replay(r)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    result = subprocess.run([sys.executable, "-c", script, str(library_copy)], cwd=REPO)
    assert result.returncode == -9
    assert recovery.pending(library_copy) == []


def test_restore_then_save_removes_recovery_files(library_copy: Path) -> None:
    library = Library.open(library_copy)
    _foreign(recovery.checkpoint(library, _edit(library)), _dead_pid())
    _age(library_copy / SAMPLE_SLUG / RELEASE_FILE, 60)
    _age(library_copy / SAMPLE_SLUG / BODY_FILE, 60)
    fresh = Library.open(library_copy)
    (found,) = recovery.pending(library_copy)
    replay = recovery.begin_replay(found)
    fresh.load(SAMPLE_SLUG)  # the editor opens the bundle (origins = disk)...
    restored = replay.release(fresh)  # ...and takes the recovered state as unsaved edits
    autosaver = recovery.Autosaver(fresh, SAMPLE_SLUG)
    assert autosaver.checkpoint(restored) is not None
    fresh.save(restored)
    autosaver.saved()
    assert recovery.all_files(library_copy) == []
    reloaded = Library.open(library_copy).load(SAMPLE_SLUG)
    assert reloaded.headline == "Edited headline"
    assert reloaded.body.endswith("Typed line.\n")


def test_discard_deletes_only_that_file(library_copy: Path) -> None:
    library = Library.open(library_copy)
    a = _foreign(recovery.checkpoint(library, _edit(library, "A")), _dead_pid())
    b = _foreign(recovery.checkpoint(library, _edit(library, "B")), _dead_pid())
    for name in (RELEASE_FILE, BODY_FILE):
        _age(library_copy / SAMPLE_SLUG / name, 60)
    found = recovery.pending(library_copy)
    assert {r.path for r in found} == {a, b}
    recovery.discard(found[0])
    assert len(recovery.pending(library_copy)) == 1


def test_diff_shows_what_would_be_restored(library_copy: Path) -> None:
    library = Library.open(library_copy)
    path = recovery.checkpoint(library, _edit(library, extra="A line only in the recovery.\n"))
    found = recovery.Recovery.from_file(path)
    text = recovery.diff(found, library)
    assert f"--- {SAMPLE_SLUG} on disk/{BODY_FILE}" in text
    assert "+A line only in the recovery." in text
    assert '+headline = "Edited headline"' in text


def test_based_on_disk_notices_a_later_save_by_someone_else(library_copy: Path) -> None:
    library = Library.open(library_copy)
    path = recovery.checkpoint(library, _edit(library))
    other = Library.open(library_copy)
    theirs = other.load(SAMPLE_SLUG)
    theirs.body += "\nTheir paragraph.\n"
    other.save(theirs)
    assert not recovery.Recovery.from_file(path).based_on_disk(library)


# -- the autosave clock --------------------------------------------------------------


def test_autosaver_writes_at_most_interval_after_a_change_even_while_typing(
    library_copy: Path,
) -> None:
    library = Library.open(library_copy)
    now = [100.0]
    autosaver = recovery.Autosaver(library, SAMPLE_SLUG, clock=lambda: now[0])
    assert autosaver.changed() == recovery.CHECKPOINT_AFTER < recovery.INTERVAL
    # Typing goes on: no new timer, and the first one is not pushed back.
    for _ in range(10):
        now[0] += 0.3
        assert autosaver.changed() is None
    assert autosaver.due == 100.0 + recovery.CHECKPOINT_AFTER
    release = _edit(library)
    assert autosaver.checkpoint(release) is not None
    assert autosaver.changed() == recovery.CHECKPOINT_AFTER  # the next change starts a new clock
    autosaver.discard()
    assert recovery.all_files(library_copy) == []


def test_clear_keeps_a_running_editors_file(library_copy: Path) -> None:
    library = Library.open(library_copy)
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        theirs = _foreign(recovery.checkpoint(library, _edit(library)), child.pid)
        mine = recovery.checkpoint(library, _edit(library, "mine"))
        assert recovery.clear(library_copy, SAMPLE_SLUG) == 1
        assert theirs.exists() and not mine.exists()
    finally:
        child.kill()
        child.wait()


def test_kill_mid_typing_keeps_everything_up_to_the_last_checkpoint(library_copy: Path) -> None:
    """A headless stand-in for the TUI: types, autosaves, is SIGKILLed."""
    script = (
        "import sys, time\n"
        "from newsroom.bundle import Library\n"
        "from newsroom import recovery\n"
        "library = Library.open(sys.argv[1]); release = library.load(sys.argv[2])\n"
        "saver = recovery.Autosaver(library, release.slug, interval=0.2)\n"
        "due = None\n"
        "for n in range(10**6):\n"
        "    release.body += f'word{n} '\n"
        "    delay = saver.changed()\n"
        "    if delay is not None: due = time.monotonic() + delay\n"
        "    if due is not None and time.monotonic() >= due:\n"
        "        saver.checkpoint(release); due = None\n"
        "        print(n, flush=True)\n"
        "    time.sleep(0.002)\n"  # the pace of the typing: part of what is tested
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script, str(library_copy), SAMPLE_SLUG],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert child.stdout is not None
    reported = [int(child.stdout.readline()) for _ in range(3)]
    child.kill()
    child.wait()
    (found,) = recovery.pending(library_copy, include_older=True)
    body = found.files[BODY_FILE].decode()
    # Every word typed up to the last checkpoint reported is there.
    assert f"word{reported[-1]} " in body
    assert all(f"word{n} " in body for n in range(reported[-1] + 1))


# -- conflicts -----------------------------------------------------------------------


def test_save_refuses_when_the_bundle_changed_on_disk(library_copy: Path) -> None:
    mine_library = Library.open(library_copy)
    mine = mine_library.load(SAMPLE_SLUG)
    theirs_library = Library.open(library_copy)
    theirs = theirs_library.load(SAMPLE_SLUG)
    theirs.headline = "Their headline"
    theirs_library.save(theirs)
    on_disk = snapshot_tree(library_copy / SAMPLE_SLUG)

    mine.headline = "My headline"
    with pytest.raises(ConflictError) as caught:
        mine_library.save(mine)
    assert snapshot_tree(library_copy / SAMPLE_SLUG) == on_disk
    assert isinstance(caught.value, BundleError)
    assert "changed on disk" in str(caught.value)
    diff = caught.value.diff()
    assert '-headline = "Their headline"' in diff and '+headline = "My headline"' in diff


def test_conflict_keep_both_saves_a_copy(library_copy: Path) -> None:
    library = Library.open(library_copy)
    mine = library.load(SAMPLE_SLUG)
    other = Library.open(library_copy)
    theirs = other.load(SAMPLE_SLUG)
    theirs.headline = "Theirs"
    other.save(theirs)
    mine.headline = "Mine"
    with pytest.raises(ConflictError):
        library.save(mine)
    copy = library.save_as(mine, "2026-11-24-lido-reopens-copy")
    assert copy.slug == "2026-11-24-lido-reopens-copy" and mine.slug == SAMPLE_SLUG
    assert Library.open(library_copy).load(copy.slug).headline == "Mine"
    assert Library.open(library_copy).load(SAMPLE_SLUG).headline == "Theirs"
    # "Keep both" keeps the pictures too: the copy's [[media]] files are there.
    for picture in copy.media:
        assert (library_copy / copy.slug / "media" / picture.file).read_bytes() == (
            library_copy / SAMPLE_SLUG / "media" / picture.file
        ).read_bytes()
    assert copy.media
    with pytest.raises(BundleError, match="already exists"):
        library.save_as(mine, SAMPLE_SLUG)


def test_conflict_overwrite_with_force_and_reload(library_copy: Path) -> None:
    library = Library.open(library_copy)
    mine = library.load(SAMPLE_SLUG)
    other = Library.open(library_copy)
    theirs = other.load(SAMPLE_SLUG)
    theirs.body = "Their body.\n"
    other.save(theirs)
    mine.headline = "Mine wins"
    library.save(mine, force=True)
    reloaded = Library.open(library_copy).load(SAMPLE_SLUG)
    assert reloaded.headline == "Mine wins" and reloaded.body != "Their body.\n"
    # After a save or a reload the library is in step again: no conflict.
    mine.standfirst = "Next edit"
    assert library.save(mine)


def test_deleted_bundle_is_a_conflict_too(library_copy: Path) -> None:
    library = Library.open(library_copy)
    mine = library.load(SAMPLE_SLUG)
    (library_copy / SAMPLE_SLUG / BODY_FILE).unlink()
    mine.headline = "Still here"
    with pytest.raises(ConflictError):
        library.save(mine)
    assert not (library_copy / SAMPLE_SLUG / BODY_FILE).exists()


def test_people_saved_by_two_processes_are_merged(library_copy: Path) -> None:
    from newsroom.model import Person

    mine = Library.open(library_copy)
    theirs = Library.open(library_copy)
    theirs.people["new-from-them"] = Person(id="new-from-them", name="Them")
    theirs.save_people()
    mine.people["new-from-me"] = Person(id="new-from-me", name="Me")
    assert mine.save_people()
    people = Library.open(library_copy).people
    assert {"new-from-them", "new-from-me", "amira-okafor"} <= set(people)


def test_people_changed_differently_on_both_sides_is_a_conflict(library_copy: Path) -> None:
    people_file = library_copy / "people.toml"
    mine = Library.open(library_copy)
    theirs = Library.open(library_copy)
    theirs.people["amira-okafor"].role = "Chair"
    theirs.save_people()
    on_disk = people_file.read_bytes()
    mine.people["amira-okafor"].role = "Treasurer"
    with pytest.raises(ConflictError, match="amira-okafor"):
        mine.save_people()
    assert people_file.read_bytes() == on_disk
    mine.save_people(force=True)
    assert Library.open(library_copy).people["amira-okafor"].role == "Treasurer"


def test_recovery_of_a_release_whose_bundle_was_deleted(library_copy: Path) -> None:
    import shutil

    library = Library.open(library_copy)
    _foreign(recovery.checkpoint(library, _edit(library)), _dead_pid())
    shutil.rmtree(library_copy / SAMPLE_SLUG)
    (found,) = recovery.pending(library_copy)
    assert not found.based_on_disk(library)
    found = recovery.begin_replay(found)
    fresh = Library.open(library_copy)
    restored = found.release(fresh)
    fresh.save_as(restored, SAMPLE_SLUG)  # the folder is gone: bring it back
    recovery.clear(library_copy, SAMPLE_SLUG)
    assert Library.open(library_copy).load(SAMPLE_SLUG).headline == "Edited headline"
    assert recovery.all_files(library_copy) == []


def test_autosaver_reports_a_full_disk_instead_of_raising(library_copy: Path, monkeypatch) -> None:
    import errno

    import newsroom.recovery as recovery_module

    library = Library.open(library_copy)
    autosaver = recovery.Autosaver(library, SAMPLE_SLUG)

    def full(path, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(recovery_module, "atomic_write", full)
    assert autosaver.checkpoint(_edit(library)) is None
    assert autosaver.error is not None and "No space left" in autosaver.error
    monkeypatch.undo()
    assert autosaver.checkpoint(_edit(library)) is not None
    assert autosaver.error is None

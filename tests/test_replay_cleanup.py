"""No ``.replay`` file is left in ``.newsroom/recovery/`` after a successful restore (issue 14).

``recovery.restore`` renames the file first (a crash while reading it cannot
loop), adopts the edits as this process's own recovery file, then removes the
``.replay`` file; ``clear`` removes a ``.replay`` file even when its writer's
pid has since been reused by a live process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from conftest import SAMPLE_SLUG

from newsroom import recovery
from newsroom.bundle import Library
from newsroom.layout import BODY_FILE, RELEASE_FILE


def _left_by_a_dead_editor(root: Path, pid: int | None = None) -> recovery.Recovery:
    library = Library.open(root)
    release = library.load(SAMPLE_SLUG)
    release.body += "\nTyped before the crash.\n"
    path = recovery.checkpoint(library, release)
    data = json.loads(path.read_text("utf-8"))
    if pid is None:
        child = subprocess.Popen([sys.executable, "-c", "pass"])
        child.wait()
        pid = child.pid
    data["pid"] = pid
    data["started"] = -1  # a process that is gone, whatever now has its pid
    target = path.with_name(path.name.replace(f".{os.getpid()}.", f".{pid}."))
    target.write_text(json.dumps(data), "utf-8")
    path.unlink()
    past = time.time() - 60
    for name in (RELEASE_FILE, BODY_FILE):
        os.utime(root / SAMPLE_SLUG / name, (past, past))
    (found,) = recovery.pending(root)
    return found


def test_restore_leaves_no_replay_file_and_keeps_the_edits_as_ours(library_copy: Path) -> None:
    found = _left_by_a_dead_editor(library_copy)
    library = Library.open(library_copy)
    library.load(SAMPLE_SLUG)
    release = recovery.restore(found, library)
    assert release.body.endswith("Typed before the crash.\n")
    files = recovery.all_files(library_copy)
    assert files == [recovery.recovery_path(library_copy, SAMPLE_SLUG)]
    assert not any(p.name.endswith(".replay") for p in files)
    adopted = recovery.Recovery.from_file(files[0])
    assert adopted.files[BODY_FILE].decode("utf-8").endswith("Typed before the crash.\n")


def test_restore_then_discard_leaves_nothing(library_copy: Path) -> None:
    found = _left_by_a_dead_editor(library_copy)
    library = Library.open(library_copy)
    library.load(SAMPLE_SLUG)
    recovery.restore(found, library)
    recovery.Autosaver(library, SAMPLE_SLUG).discard()
    assert recovery.all_files(library_copy) == []


def test_a_replay_file_whose_pid_now_names_a_live_process_is_cleared(library_copy: Path) -> None:
    # Restored by an older version (renamed, not adopted), and the writer's pid reused.
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        found = _left_by_a_dead_editor(library_copy, pid=live.pid)
        data = json.loads(found.path.read_text("utf-8"))
        data.pop("started")  # an old file: only the pid, which is alive
        found.path.write_text(json.dumps(data), "utf-8")
        replay = recovery.begin_replay(found)
        assert replay.path.exists()
        library = Library.open(library_copy)
        release = library.load(SAMPLE_SLUG)
        release.body += "\nSaved at last.\n"
        library.save(release)
        recovery.Autosaver(library, SAMPLE_SLUG).saved()
        assert recovery.all_files(library_copy) == []
    finally:
        live.kill()
        live.wait()


def test_a_crash_after_restoring_offers_the_adopted_edits(library_copy: Path) -> None:
    found = _left_by_a_dead_editor(library_copy)
    script = (
        "import sys; from newsroom import recovery; from newsroom.bundle import Library\n"
        "(r,) = recovery.pending(sys.argv[1]); lib = Library.open(sys.argv[1])\n"
        "lib.load(r.slug); recovery.restore(r, lib); print(recovery.recovery_path("
        "sys.argv[1], r.slug))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(library_copy)],
        check=True,
        capture_output=True,
        text=True,
    )
    assert not found.path.exists()
    (again,) = recovery.pending(library_copy)  # the restoring process is gone
    assert str(again.path) == done.stdout.strip()
    assert not again.replaying
    assert again.files[BODY_FILE].decode("utf-8").endswith("Typed before the crash.\n")

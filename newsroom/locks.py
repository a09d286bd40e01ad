"""Edit locks: one editor per release, as git's ``index.lock`` and Vim's swap files do.

A lock is the file ``drafts/<slug>/.lock``, created with ``O_CREAT | O_EXCL``
so exactly one process can create it, holding JSON: who (user), where (host),
which process (pid), since when, and a random token that tells our own lock
from a look-alike. Rules:

- A lock held by a live process, or by any process on another host, is
  respected: the second editor opens read-only, the CLI refuses (exit 2).
- A lock whose process is gone on this host is *stale*; it is only taken over
  when asked (``acquire(..., take_over=True)``), never silently.
- A process may hold its own lock again (re-entrant by pid and host), so the
  TUI can run the same code paths as the CLI.

Core module: no Textual, no Rich.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import getpass
import json
import os
import secrets
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import BundleError
from .fsio import atomic_write
from .model import slug_problem

LOCK_FILE = ".lock"
UNREADABLE_GRACE = 5.0  # seconds


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER") or f"uid {os.getuid()}"


def current_host() -> str:
    return socket.gethostname() or "localhost"


def _proc_stat(pid: int) -> list[bytes] | None:
    """The fields of ``/proc/<pid>/stat`` after the command name, or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            raw = handle.read()
        # The command name (field 2) may hold spaces and ')': split after the last ')'.
        return raw[raw.rindex(b")") + 2 :].split()
    except (OSError, ValueError):
        return None


def process_start(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot, from /proc), or None if unknown.

    Stored with a pid so a pid reused by another process after a crash is
    told apart from the process that wrote the lock.
    """
    fields = _proc_stat(pid)
    try:
        return int(fields[19]) if fields else None
    except (ValueError, IndexError):
        return None


@functools.cache
def boot_id() -> str:
    """This boot of this machine (Linux), or "" where the system does not say."""
    try:
        with open("/proc/sys/kernel/random/boot_id", encoding="ascii") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def process_alive(pid: int, started: int | None = None, boot: str = "") -> bool:
    """Whether ``pid`` names a running process on this machine.

    With ``started`` (and ``boot``) as recorded by the writer, a process that
    merely reuses the pid (after a reboot, or once pids wrapped round) counts
    as gone. Without them (files written by older versions) any process with
    that pid counts as alive: the safe side.
    """
    if pid <= 0:
        return False
    if boot and boot_id() and boot != boot_id():
        return False  # written before this machine last started
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        pass
    except OSError:
        return False
    fields = _proc_stat(pid)
    if fields and fields[0] in (b"Z", b"X"):
        return False  # exited; only its parent has not collected it yet
    if started is not None:
        now = process_start(pid)
        if now is not None and now != started:
            return False  # the pid belongs to another, later process
    return True


@dataclass(frozen=True)
class LockInfo:
    """Who holds a lock, as written in the lock file."""

    user: str
    host: str
    pid: int
    since: datetime
    token: str = ""
    path: Path | None = None
    unreadable: bool = False  # torn by a crash, or not written by newsroom
    started: int | None = None  # the holder's start time (process_start), when known
    boot: str = ""  # the boot id of the holder's machine, when known

    @property
    def local(self) -> bool:
        return self.host == current_host()

    @property
    def mine(self) -> bool:
        # Our pid alone is not enough: a crashed process may have had it before us.
        return (
            self.local
            and self.pid == os.getpid()
            and self.started in (None, process_start(self.pid))
        )

    @property
    def stale(self) -> bool:
        """The holder's process is gone. Only knowable on the same host.

        An unreadable lock is stale once it is a few seconds old: newsroom
        writes a lock's content straight after creating it.
        """
        if self.unreadable:
            return self.path is not None and time.time() - _mtime(self.path) > UNREADABLE_GRACE
        return self.local and not process_alive(self.pid, self.started, self.boot)

    def describe(self) -> str:
        """'alice on laptop (process 4242) since 2026-11-25 14:02 UTC'."""
        since = self.since.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"{self.user} on {self.host} (process {self.pid}) since {since}"

    def to_json(self) -> bytes:
        return json.dumps(
            {
                "user": self.user,
                "host": self.host,
                "pid": self.pid,
                "since": self.since.isoformat(timespec="seconds"),
                "token": self.token,
                **({"started": self.started} if self.started is not None else {}),
                **({"boot": self.boot} if self.boot else {}),
            },
            ensure_ascii=False,
        ).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes, path: Path) -> LockInfo:
        try:
            data: Any = json.loads(raw.decode("utf-8"))
            since = datetime.fromisoformat(str(data["since"]))
            if since.tzinfo is None:
                since = since.replace(tzinfo=UTC)
            return cls(
                user=str(data["user"]),
                host=str(data["host"]),
                pid=int(data["pid"]),
                since=since,
                token=str(data.get("token", "")),
                path=path,
                # Absent from locks written before issue 14: then the pid alone decides.
                started=int(data["started"]) if data.get("started") is not None else None,
                boot=str(data.get("boot", "")),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            # A lock we cannot read (torn by a crash, or hand-made) still
            # means "someone is editing"; treat it as held by an unknown
            # process on an unknown host, so it is respected, not stolen.
            return cls(
                user="someone",
                host="an unknown host",
                pid=0,
                since=datetime.fromtimestamp(_mtime(path), UTC),
                path=path,
                unreadable=True,
            )


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


class LockedError(BundleError):
    """The release is being edited by someone else.

    A ``BundleError``, so CLI commands that already turn ``BundleError`` into
    exit 2 report it with no extra code.
    """

    def __init__(self, holder: LockInfo, slug: str) -> None:
        self.holder = holder
        self.slug = slug
        if holder.unreadable:
            message = f"{slug!r} has a lock file newsroom cannot read (left by a crash?); " + (
                "open it in the editor to take the lock over, or delete it"
                if holder.stale
                else "try again in a few seconds"
            )
        elif holder.stale:
            message = (
                f"locked by {holder.describe()}, but that process is no longer running; "
                f"open it in the editor to take the lock over, or delete {holder.path}"
            )
        else:
            message = (
                f"{slug!r} is being edited by {holder.describe()}; "
                "try again when they have finished"
            )
        super().__init__(holder.path, message)


# What a library's own .gitignore (if it has one) must hold so that locks
# and recovery files never end up in a commit.
IGNORED = (".newsroom/", "*/.lock")


def ensure_gitignored(root: Path | str) -> None:
    """Add ``IGNORED`` lines missing from the library's ``.gitignore``, if it has one."""
    path = Path(root) / ".gitignore"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return
    present = {line.strip() for line in text.splitlines()}
    missing = [line for line in IGNORED if line not in present]
    if not missing:
        return
    addition = "# newsroom: locks and recovery files are private to this machine\n"
    addition += "".join(f"{line}\n" for line in missing)
    separator = "" if not text or text.endswith("\n") else "\n"
    with contextlib.suppress(OSError):
        atomic_write(path, (text + separator + addition).encode("utf-8"))


def lock_path(root: Path | str, slug: str) -> Path:
    problem = slug_problem(slug)
    if problem:
        raise BundleError(None, problem)
    return Path(root) / slug / LOCK_FILE


def holder(root: Path | str, slug: str) -> LockInfo | None:
    """Who holds the lock on ``slug``, or None when nobody does."""
    path = lock_path(root, slug)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise BundleError(path, f"cannot read the lock file: {error.strerror}") from None
    return LockInfo.from_json(raw, path)


class Lock:
    """A lock this process holds. Release it with ``release()`` or a ``with`` block."""

    def __init__(self, info: LockInfo, *, owned: bool = True) -> None:
        self.info = info
        self.path = info.path
        # False when re-entered: an outer holder will release it.
        self.owned = owned

    def __enter__(self) -> Lock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    @property
    def held(self) -> bool:
        current = _read(self.path)
        return current is not None and current.token == self.info.token

    def release(self) -> None:
        """Remove the lock file, but only if it is still ours."""
        if not self.owned or self.path is None:
            return
        self.owned = False
        current = _read(self.path)
        if current is not None and current.token == self.info.token:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


def _read(path: Path | None) -> LockInfo | None:
    if path is None:
        return None
    try:
        return LockInfo.from_json(path.read_bytes(), path)
    except OSError:
        return None


def _create(path: Path, info: LockInfo) -> bool:
    """Create the lock file; False when it already exists."""
    try:
        fd = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644
        )
    except FileExistsError:
        return False
    except OSError as error:
        failure = BundleError(path, f"cannot create the lock file: {error.strerror or error}")
        failure.errno = error.errno  # type: ignore[attr-defined]
        raise failure from None
    try:
        os.write(fd, info.to_json())
        os.fsync(fd)
    except OSError as error:
        os.close(fd)
        with contextlib.suppress(OSError):
            path.unlink()
        raise BundleError(path, f"cannot write the lock file: {error.strerror}") from None
    os.close(fd)
    return True


def acquire(root: Path | str, slug: str, *, take_over: bool = False) -> Lock:
    """Lock ``slug`` for editing by this process.

    Raises ``LockedError`` (with ``.holder``) when someone else holds it; a
    stale lock is replaced only with ``take_over=True``. Re-acquiring a lock
    this process already holds returns a non-owning ``Lock``.
    """
    path = lock_path(root, slug)
    if not path.parent.is_dir():
        raise BundleError(path.parent, f"no release called {slug!r} in {root}")
    info = LockInfo(
        user=current_user(),
        host=current_host(),
        pid=os.getpid(),
        since=datetime.now(UTC).replace(microsecond=0),
        token=secrets.token_hex(8),
        path=path,
        started=process_start(os.getpid()),
        boot=boot_id(),
    )
    ensure_gitignored(root)
    for _ in range(5):
        if _create(path, info):
            return Lock(info)
        current = _read(path)
        if current is None:
            continue  # released meanwhile: try again
        if current.mine:
            return Lock(current, owned=False)
        if not (take_over and current.stale):
            raise LockedError(current, slug)
        _break(path, current)
    current = _read(path)
    raise LockedError(current or info, slug)


def _break(path: Path, stale: LockInfo) -> None:
    """Move a stale lock aside, making sure it is the one we judged stale."""
    aside = path.with_name(f"{LOCK_FILE}.stale.{os.getpid()}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return
    moved = _read(aside)
    if moved is not None and moved.token != stale.token:
        # Another process took it over between our read and the rename: put
        # its live lock back (link fails if yet another lock appeared).
        with contextlib.suppress(OSError):
            os.link(aside, path)
    with contextlib.suppress(OSError):
        aside.unlink()


def ensure_unlocked(root: Path | str, slug: str) -> None:
    """Raise ``LockedError`` when another process holds the lock on ``slug``."""
    current = holder(root, slug)
    if current is not None and not current.mine:
        raise LockedError(current, slug)


@contextlib.contextmanager
def hold(root: Path | str, slug: str) -> Iterator[Lock | None]:
    """Hold the lock on ``slug`` for one write (a CLI command); released after.

    Raises ``LockedError`` when someone else holds it. When the bundle does
    not exist there is nothing to lock: yields None and lets the command
    report the missing release its own way.
    """
    path = lock_path(root, slug)
    if not path.parent.is_dir() or path.parent.is_symlink():
        yield None
        return
    try:
        lock = acquire(root, slug)
    except LockedError:
        raise
    except BundleError as error:
        # A read-only library cannot be locked; the write will fail with its
        # own clear message, so do not mask it with one about the lock.
        if getattr(error, "errno", None) in (errno.EROFS, errno.EACCES, errno.EPERM):
            yield None
            return
        raise
    try:
        yield lock
    finally:
        lock.release()


class LockedReleases(BundleError):
    """Several releases are held by other editors (``newsroom sync`` refuses)."""

    def __init__(self, refused: list[LockedError]) -> None:
        self.refused = refused
        super().__init__(None, "; ".join(str(error) for error in refused))


@contextlib.contextmanager
def hold_all(root: Path | str, slugs: list[str]) -> Iterator[list[Lock]]:
    """Hold the locks of every release in ``slugs`` for one command (``sync``).

    All or nothing: when any of them is held by someone else (or left by a
    process that is gone: never taken over silently) the locks taken so far
    are released and ``LockedReleases`` names each refused release.
    """
    taken: list[Lock] = []
    refused: list[LockedError] = []
    try:
        for slug in slugs:
            try:
                taken.append(acquire(root, slug))
            except LockedError as error:
                refused.append(error)
            except BundleError:
                pass  # cannot be locked (read-only folder, odd name): nor opened to edit
        if refused:
            raise LockedReleases(refused)
        yield taken
    finally:
        for lock in taken:
            lock.release()

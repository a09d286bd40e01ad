"""The editor's side of "never lose a word": the edit lock, autosave, recovery.

Thin glue over ``newsroom.locks`` and ``newsroom.recovery`` (core modules);
no Textual here, so the editor screen stays about screens.
"""

from __future__ import annotations

import copy
import threading

from .. import locks, recovery
from ..errors import BundleError
from ..model import Release


class Safekeeping:
    def __init__(self, library, slug: str) -> None:
        self.library = library
        self.slug = slug
        self.lock: locks.Lock | None = None
        # A lock left by a process that is gone: taken over only once the user says so.
        self.stale_holder: locks.LockInfo | None = None
        self.autosaver = recovery.Autosaver(library, slug)
        # The timer's checkpoint (a worker thread) and the last one on a hang-up
        # must not interleave: an older snapshot written last would lose words.
        self._checkpointing = threading.Lock()
        self._final = False

    def take_lock(self, *, take_over: bool = False) -> str | None:
        """Lock the release for this editor; the reason it is read-only, or None.

        A stale lock (its process gone on this host) is not taken unless
        ``take_over``: it sets ``stale_holder`` so the editor can ask first.
        """
        self.stale_holder = None
        try:
            self.lock = locks.acquire(self.library.root, self.slug, take_over=take_over)
        except locks.LockedError as error:
            if error.holder.stale:
                self.stale_holder = error.holder
                return (
                    f"{self.slug} was left locked by {error.holder.describe()}, "
                    "which is no longer running"
                )
            return str(error)
        except (BundleError, OSError):
            return None  # a read-only library: saving will say why it cannot
        return None

    def close(self) -> None:
        if self.lock is not None:
            try:
                self.lock.release()
            except OSError:
                pass
            self.lock = None

    def pending(self) -> recovery.Recovery | None:
        """The newest recovery file of an earlier session for this release."""
        try:
            found = [r for r in recovery.pending(self.library.root) if r.slug == self.slug]
        except (BundleError, OSError):
            return None
        return found[-1] if found else None

    def restore(self, found: recovery.Recovery) -> tuple[Release, bool]:
        """(the recovered release, whether the files on disk moved on since)."""
        moved_on = not found.based_on_disk(self.library)
        release = recovery.restore(found, self.library)  # renamed first: no loop
        # The restored edits are now this editor's own recovery file: a timer
        # checkpoint may be needed only after the next change.
        return release, moved_on

    def discard(self, found: recovery.Recovery) -> None:
        recovery.discard(found)

    def changed(self) -> float | None:
        """Seconds until a checkpoint is due, when one should be scheduled now."""
        return self.autosaver.changed()

    def checkpoint(self, release: Release) -> None:
        """Write the recovery file (call from a worker thread with a snapshot)."""
        with self._checkpointing:
            if self._final:
                return  # the hang-up checkpoint is newer
            try:
                self.autosaver.checkpoint(copy.deepcopy(release))
            except (BundleError, OSError):
                pass  # a full disk must not stop the typing; the save will say so

    def final_checkpoint(self, release: Release) -> bool:
        """The terminal went away: write ``release`` as it is in memory, now, for good.

        Later timer checkpoints are skipped. Returns whether a file was written.
        """
        with self._checkpointing:
            self._final = True
            try:
                return self.autosaver.checkpoint(copy.deepcopy(release)) is not None
            except (BundleError, OSError):
                return False

    def saved(self) -> None:
        try:
            self.autosaver.saved()
        except OSError:
            pass

    def discarded(self) -> None:
        try:
            self.autosaver.discard()
        except OSError:
            pass

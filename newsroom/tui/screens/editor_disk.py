"""The editor's watch on its files: when someone else changes them, ask.

``DiskWatch`` is a mixin of ``EditorScreen``. Once a second a thread worker
compares the files with what this editor loaded or saved (there is no
portable file-change event, so this is a clock, not a poll of our own state);
only a difference comes back to the UI thread, as a question.
"""

from __future__ import annotations

from textual import work

from ...errors import BundleError
from ...layout import BODY_FILE, RELEASE_FILE
from ..text import sanitise_release
from .choice import ChoiceDialog

DISK_CHECK_EVERY = 1.0  # seconds


class DiskWatch:
    """EditorScreen mixin: notice outside changes to release.toml and body.md."""

    # Set up by EditorScreen.__init__.
    _asking_disk: bool
    # Disk contents the user chose to keep their own version over.
    _declined: tuple[bytes, bytes] | None
    _saves: int  # saves finished so far: a check that overlapped one is stale

    def _disk_bytes(self) -> tuple[bytes, bytes] | None:
        directory = self.library.root / self.slug
        try:
            return ((directory / RELEASE_FILE).read_bytes(), (directory / BODY_FILE).read_bytes())
        except OSError:
            return None

    @work(thread=True, exclusive=True, group="disk-check")
    def _check_disk(self) -> None:
        if self._asking_disk or self.release is None or self.saving:
            return  # our own save is writing the files: its result tells
        if self.app.screen is not self:
            return  # a dialog is open (a conflict on save asks on its own)
        saves = self._saves
        if not self.library.changed_on_disk(self.slug):
            return
        on_disk = self._disk_bytes()
        if on_disk is not None and on_disk == self._declined:
            return
        self.app.call_from_thread(self._ask_about_disk, on_disk, saves)

    def _ask_about_disk(self, on_disk: tuple[bytes, bytes] | None, saves: int) -> None:
        if self._asking_disk or self.saving or saves != self._saves:
            return  # a save began or ended while the check ran: it saw our own write
        self._asking_disk = True
        mine = (
            "your unsaved changes will be lost" if self.unsaved else "you have no unsaved changes"
        )
        question = (
            f"{RELEASE_FILE} or {BODY_FILE} of {self.slug} changed on disk while it "
            f"was open. Reload it ({mine}), or keep yours (saving will then replace "
            "the version on disk)?"
        )

        def answered(answer: str | None) -> None:
            self._asking_disk = False
            if answer == "reload":
                self.reload()
            elif answer == "keep":
                self._declined = on_disk
                self.unsaved = True
                self._show_title()
                self.say("Kept your version; ctrl+s will replace the one on disk.")

        self.app.push_screen(
            ChoiceDialog(
                question, [("reload", "Reload from disk"), ("keep", "Keep mine")], id="disk-dialog"
            ),
            answered,
        )

    def reload(self) -> None:
        # On the UI thread: two small files, read once the user asked for them,
        # and the panes must show them before the next key is handled.
        try:
            release = self.library.load(self.slug)
        except BundleError as error:
            self._declined = self._disk_bytes()
            self.say(f"Could not reload, kept yours: {error}")
            return
        cleaned = sanitise_release(release)
        self._use(release)
        self.unsaved = bool(cleaned)
        self._declined = None
        self._show_title()
        self.say(
            "Reloaded from disk."
            + (" Removed control characters from: " + ", ".join(cleaned) if cleaned else "")
        )

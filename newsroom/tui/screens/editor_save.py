"""The editor's saving: a worker writes the files, and nothing is left unsaved unasked.

``Saving`` is a mixin of ``EditorScreen``. ctrl+s validates on the UI thread,
takes a snapshot of the release and hands it to a thread worker, so a slow
disk never stalls typing; the worker reports back with ``Saved``. Whatever
waits on a save (leaving the editor, quitting) runs only once it has landed,
and asks again if more was typed meanwhile.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from textual import work
from textual.message import Message

from ...errors import BundleError, ConflictError
from ...model import Release
from ..panes.drafting import DraftingPane
from .choice import ChoiceDialog


class Saving:
    """EditorScreen mixin: save in a worker; keep both; leave only when work is safe."""

    @dataclass
    class Saved(Message, bubble=False):
        """The save worker finished (for the editor only)."""

        edits: int  # the edit count the saved snapshot was taken at
        written: bool = False
        conflict: ConflictError | None = None
        error: str = ""

    # Set up by EditorScreen.__init__.
    saving: bool
    _saves: int
    _edits: int
    _save_again: bool
    _after_save: list[Callable[[], object]]

    def action_save(self, then: Callable[[], object] | None = None) -> bool:
        """Start a save; ``then`` runs once it has succeeded. Whether one started."""
        if self.release is None:
            return False
        if self.read_only:
            self.say(f"Not saved: {self.read_only}")
            return False
        problems = self.query_one(DraftingPane).problems
        if problems:
            field, problem = next(iter(problems.items()))
            self.say(f"Not saved: {problem} (field {field})")
            return False
        self.save_now(then=then)
        return True

    def save_now(self, *, force: bool = False, then: Callable[[], object] | None = None) -> None:
        """Save in a worker; if someone else changed the files meanwhile, ask what to do."""
        if then is not None:
            self._after_save.append(then)
        self.flush_edits()
        if self.saving:
            # One save at a time, in order: this one follows the one in flight.
            self._save_again = True
            return
        self.saving = True
        # A snapshot: the worker must not read a release the UI thread is editing.
        self._write(copy.deepcopy(self.release), force, self._edits)

    @work(thread=True, group="save")
    def _write(self, release: Release, force: bool, edits: int) -> None:
        try:
            written = self.library.save(release, force=force)
        except ConflictError as conflict:
            self.post_message(self.Saved(edits, conflict=conflict))
        except (BundleError, OSError) as error:
            self.post_message(self.Saved(edits, error=str(error)))
        else:
            self.post_message(self.Saved(edits, written=written))

    # Named, not @on(): Textual collects @on handlers only on its own classes.
    def on_saving_saved(self, message: Saved) -> None:
        self.saving = False
        self._saves += 1
        if message.conflict is not None or message.error:
            self._save_again = False
            self._after_save.clear()  # leaving waits for a save that did not happen
            if message.conflict is not None:
                self._conflict(message.conflict)
            else:
                self.say(f"Not saved: {message.error}")
            return
        self._declined = None
        if message.edits == self._edits:
            # Nothing typed since the snapshot: what is on disk is all of it.
            self.unsaved = False
            if self.keeper is not None:
                self.keeper.saved()
        self._show_title()
        self.refresh_panes()
        self.say("Saved." if message.written else "Saved (nothing had changed on disk).")
        if message.written:
            from ..gitcommit import commit_in_background

            # Commits when newsroom.toml says commit_on_save (in a thread).
            commit_in_background(self.app, self.slug, "save", save=True)
        if self._save_again:
            self._save_again = False
            self.save_now()
            return
        waiting, self._after_save = self._after_save, []
        for proceed in waiting:
            self.ask_then(proceed)  # asks again if more was typed meanwhile

    def _conflict(self, conflict: ConflictError) -> None:
        from .conflict import ConflictFlow

        flow = ConflictFlow(self, conflict)
        if self._declined is not None and self._disk_bytes() == self._declined:
            # "Keep mine" was chosen for exactly this version on disk:
            # straight to the diff, overwritten only once confirmed.
            flow.show_diff()
        else:
            self.say(f"Not saved: {self.slug} changed on disk since it was opened.")
            flow.ask()

    def save_copy(self, slug: str) -> None:
        """Keep both: save this version as a new release, then edit that one."""
        # On the UI thread: a rare, chosen step after a dialog, and the editor
        # switches to the copy only once it is safely on disk.
        try:
            self.library.save_as(self.release, slug)
        except (BundleError, OSError) as error:
            self.say(f"Not saved as {slug}: {error}")
            return
        self.unsaved = False
        if self.keeper is not None:
            self.keeper.saved()
        app, original = self.app, self.slug

        async def switch() -> None:
            # Once the dialogs are gone: close this editor (its lock goes), open the copy.
            await self.dismiss()
            app.open_release(slug)
            app.notify(
                f"Saved your version as {slug}; {original} on disk is theirs, unchanged.",
                markup=False,
            )

        app.call_later(switch)

    def pending_work(self) -> bool:
        """Whether leaving now could lose work: unsaved edits, or a save in flight."""
        self.flush_edits()
        return self.unsaved or self.saving

    def ask_then(self, proceed: Callable[[], object]) -> None:
        """Run ``proceed`` once unsaved work is saved or knowingly discarded."""
        self.flush_edits()
        if self.saving:
            # A save is in flight: go on once it has landed (or stay if it fails).
            self._after_save.append(proceed)
            return
        # Text typed into a field that cannot be applied (a date as 24/11/2026)
        # is work too, even though the release itself has not changed.
        problems = self.query_one(DraftingPane).problems if self.release else {}
        if not self.unsaved and not problems:
            proceed()
            return
        if self.unsaved:
            question = f"{self.slug} has unsaved changes."
        else:
            field, problem = next(iter(problems.items()))
            question = f"{self.slug}: what you typed in the {field} field is not saved ({problem})"

        def answered(answer: str | None) -> None:
            if answer == "save":
                self.action_save(then=proceed)
            elif answer == "discard":
                self.unsaved = False
                if self.keeper is not None:
                    self.keeper.discarded()
                proceed()

        self.app.push_screen(
            ChoiceDialog(
                question,
                [("save", "Save"), ("discard", "Discard"), ("cancel", "Cancel")],
                id="unsaved-dialog",
            ),
            answered,
        )

    # -- autosave ------------------------------------------------------------------

    def _checkpoint(self) -> None:
        if self.unsaved and self.release is not None and self.keeper is not None:
            # Copied here, on the UI thread: the worker gets a release nobody edits.
            self._write_checkpoint(copy.deepcopy(self.release))

    @work(thread=True, group="autosave")
    def _write_checkpoint(self, release: Release) -> None:
        if self.keeper is not None:
            self.keeper.checkpoint(release)

"""The editor's questions on opening a release: a stale lock, recovered edits.

``self`` in these functions is the EditorScreen; they only ask, and call the
Safekeeping glue (``editor.keeper``) with the answer.
"""

from __future__ import annotations

from ...errors import BundleError
from ...recovery import diff
from .choice import ChoiceDialog
from .diff_view import DiffDialog


def offer_take_over(self) -> None:
    """A lock left by a process that is gone: take it over only if the user says so."""
    holder = self.keeper.stale_holder if self.keeper else None
    if holder is None:
        return

    def answered(answer: str | None) -> None:
        if answer != "take-over":
            self.say(f"Read-only: {self.read_only}. Reopen it to take the lock over.")
            return
        self.read_only = self.keeper.take_lock(take_over=True) or ""
        self._show_title()
        if self.read_only:
            self.say(f"Read-only: {self.read_only}")
            return
        self.say(f"Took over the lock from {holder.describe()}.")
        offer_recovery(self)

    self.app.push_screen(
        ChoiceDialog(
            f"{self.slug} is locked by {holder.describe()}, but that process is no "
            "longer running (a crash, or a closed terminal?). Take the lock over and edit, "
            "or open it read-only?",
            [("take-over", "Take over"), ("read-only", "Open read-only")],
            id="stale-lock-dialog",
        ),
        answered,
    )


def offer_recovery(self) -> None:
    found = self.keeper.pending() if self.keeper else None
    if found is None:
        return
    moved_on = not found.based_on_disk(self.library)
    question = f"{self.slug} has {found.describe()}. Restore them?"
    if moved_on:
        question += (
            " The files on disk were saved since those edits were made: "
            "look at the diff before restoring."
        )

    def restore() -> None:
        try:
            release, moved = self.keeper.restore(found)  # renamed first: no loop
        except BundleError as error:
            self.say(f"Could not restore: {error}")
            return
        self._use(release)
        self.unsaved = True
        self._declined = None
        self._show_title()
        self.say(
            "Restored the unsaved edits; ctrl+s saves them."
            + (" The files changed on disk since: saving will ask first." if moved else "")
        )

    def show_diff() -> None:
        try:
            text = diff(found, self.library)
        except (BundleError, OSError) as error:
            text = f"(cannot compare: {error})"
        self.app.push_screen(
            DiffDialog(
                f"Unsaved edits of {self.slug} (- on disk now, + recovered)",
                text,
                [("restore", "Restore"), ("discard", "Discard them"), ("back", "Back")],
                id="recovery-diff",
            ),
            answered,
        )

    def answered(answer: str | None) -> None:
        if answer == "restore":
            restore()
        elif answer == "diff":
            show_diff()
        elif answer == "back":
            ask()
        elif answer == "discard":
            self.keeper.discard(found)
            self.say("Discarded the recovered edits.")

    def ask() -> None:
        self.app.push_screen(
            ChoiceDialog(
                question,
                [
                    ("restore", "Restore"),
                    ("diff", "Show diff…"),
                    ("discard", "Discard them"),
                    ("later", "Decide later"),
                ],
                id="recovery-dialog",
            ),
            answered,
        )

    ask()

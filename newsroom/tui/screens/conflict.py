"""Saving over someone else's change: reload, keep both, or overwrite after the diff.

``Library.save`` refuses when the bundle changed on disk since it was loaded
(``ConflictError``); this drives the editor's answer. Nothing is overwritten
until the user has seen the diff and confirmed.
"""

from __future__ import annotations

from ...errors import ConflictError
from ...model import slug_problem
from .choice import ChoiceDialog
from .diff_view import DiffDialog
from .form import Field, FormDialog, Values


def propose_slug(root, slug: str) -> str:
    """``<slug>-2`` (or -3, -4…): the first name not taken in the library."""
    base = slug[:76]
    number = 2
    while (root / f"{base}-{number}").exists():
        number += 1
    return f"{base}-{number}"


class ConflictFlow:
    """The dialogs after a refused save; ``editor`` is the EditorScreen."""

    def __init__(self, editor, conflict: ConflictError) -> None:
        self.editor = editor
        self.conflict = conflict

    @property
    def app(self):
        return self.editor.app

    def ask(self) -> None:
        slug = self.editor.slug
        question = (
            f"{slug} changed on disk since you opened it; nothing was saved. "
            "Reload their version (your changes are lost), keep both (save yours "
            "as a new release), or see the differences before overwriting theirs?"
        )
        self.app.push_screen(
            ChoiceDialog(
                question,
                [
                    ("reload", "Reload theirs"),
                    ("keep-both", "Keep both"),
                    ("diff", "Show diff…"),
                    ("cancel", "Cancel"),
                ],
                id="conflict-dialog",
            ),
            self._answered,
        )

    def _answered(self, answer: str | None) -> None:
        if answer == "reload":
            self.editor.reload()
        elif answer == "keep-both":
            self.keep_both()
        elif answer == "diff":
            self.show_diff()
        else:
            self.editor.say("Not saved: the version on disk is someone else's. ctrl+s asks again.")

    # -- overwrite, after the diff -------------------------------------------------

    def show_diff(self) -> None:
        title = (
            f"What overwriting would change in {self.editor.slug} "
            "(- on disk now, + yours). Overwrite their version?"
        )

        def confirmed(answer: str | None) -> None:
            if answer == "overwrite":
                self.editor.save_now(force=True)
            elif answer == "back":
                self.ask()
            else:
                self.editor.say("Not saved: nothing was overwritten.")

        self.app.push_screen(
            DiffDialog(
                title,
                self.conflict.diff(),
                [
                    ("overwrite", "Overwrite theirs"),
                    ("back", "Back"),
                    ("cancel", "Cancel"),
                ],
                id="conflict-diff",
            ),
            confirmed,
        )

    # -- keep both -----------------------------------------------------------------

    def keep_both(self) -> None:
        library = self.editor.library
        proposal = propose_slug(library.root, self.editor.slug)

        def validate(values: Values) -> str | None:
            slug = values["slug"].strip()
            problem = slug_problem(slug)
            if problem:
                return problem
            if (library.root / slug).exists():
                return f"a release called {slug!r} already exists"
            return None

        def chosen(values: Values | None) -> None:
            if values is None:
                self.ask()
                return
            self.editor.save_copy(values["slug"].strip())

        self.app.push_screen(
            FormDialog(
                f"Keep both: save your version of {self.editor.slug} as a new release; "
                "theirs stays as it is.",
                [Field("slug", "Slug for your copy", proposal)],
                validate=validate,
                ok_label="Save copy",
                id="keep-both-dialog",
            ),
            chosen,
        )

"""The library's commands on releases: new, duplicate, spike, export, send, history,
import and the press list. A mixin of ``LibraryScreen`` (library.py), which
holds the table, the filter and the search."""

from __future__ import annotations

import copy
from typing import Any

from ...errors import BundleError
from ...model import Release, slug_problem, slugify
from ..text import one_line
from .form import Field, FormDialog, Values
from .library_rows import Row


class LibraryActions:
    """``action_*`` methods for the library screen (see library.py for the keys)."""

    app: Any
    library: Any

    def say(self, text: str, *, lasting: bool = False) -> None:
        raise NotImplementedError  # LibraryScreen's

    def selected_row(self) -> Row | None:
        raise NotImplementedError  # LibraryScreen's

    def load_rows(self) -> Any:
        raise NotImplementedError  # LibraryScreen's

    def release_of(self, row: Row) -> Release | None:
        """The full release behind a row, read now (the table holds summaries only)."""
        # On the UI thread on purpose: one small bundle, and the dialog it feeds
        # must be in front before the next key, or letters typed for it would
        # run the library's one-letter commands.
        try:
            return self.library.load(row.slug)
        except BundleError as error:
            self.say(str(error))
            return None

    def _slug_form(self, title: str, headline: str, slug: str, ok: str) -> FormDialog:
        proposed = {"slug": slug}

        def follow(form: FormDialog, name: str, values: Values) -> None:
            # The slug follows the headline until someone edits it by hand.
            if name == "headline" and values["slug"] == proposed["slug"]:
                proposed["slug"] = slugify(values["headline"], prefix=self.app.today().isoformat())
                form.set_value("slug", proposed["slug"])

        def validate(values: Values) -> str | None:
            if not values["headline"].strip():
                return "A release needs a headline."
            problem = slug_problem(values["slug"])
            if problem:
                return problem
            if self.library.exists(values["slug"]):
                return f"A release called {values['slug']!r} already exists."
            return None

        return FormDialog(
            title,
            [
                Field("headline", "Headline", headline),
                Field("slug", "Slug (the folder name)", slug),
            ],
            validate=validate,
            on_change=follow,
            ok_label=ok,
            id="slug-form",
        )

    def action_new(self) -> None:
        slug = slugify("", prefix=self.app.today().isoformat())

        def created(values: Values | None) -> None:
            if not values:
                return
            try:
                self.library.create(
                    values["slug"], values["headline"].strip(), today=self.app.today()
                )
            except BundleError as error:
                self.say(str(error))
                return
            self._commit_new(values["slug"])
            # Straight to writing: the body, or the headline if none was given.
            self.app.open_release(values["slug"], cursor="auto")

        self.app.push_screen(self._slug_form("New release", "", slug, "Create"), created)

    def action_duplicate(self) -> None:
        row = self.selected_row()
        source = self.release_of(row) if row is not None and not row.error else None
        if source is None:
            return
        slug = slugify(source.headline, prefix=self.app.today().isoformat())
        if self.library.exists(slug):
            slug = f"{slug}-copy"[:80]

        def duplicated(values: Values | None) -> None:
            if not values:
                return
            release = copy.deepcopy(source)
            release.slug = values["slug"]
            release.headline = values["headline"].strip()
            release.created = self.app.today()
            # A copy starts afresh: nobody has cleared or approved it.
            release.approvals, release.clearances, release.history = [], [], []
            release.waivers = []
            try:
                self.library.save(release)
                self.library.copy_media(source.slug, release.slug)
            except (BundleError, OSError) as error:
                self.say(str(error))
                return
            self.say(f"Duplicated as {release.slug}.")
            self._commit_new(release.slug)
            self.load_rows()

        form = self._slug_form("Duplicate release", source.headline, slug, "Duplicate")
        self.app.push_screen(form, duplicated)

    def people_options(self) -> list[tuple[str, str]]:
        return [
            (one_line(p.name) or pid, pid)
            for pid, p in sorted(
                self.library.people.items(), key=lambda item: item[1].name.casefold()
            )
        ]

    def action_spike(self) -> None:
        row = self.selected_row()
        release = self.release_of(row) if row is not None and not row.error else None
        if release is None:
            return
        if self.app.user not in self.library.people:
            self.say(
                "Not spiked: newsroom does not know who you are (set NEWSROOM_USER, "
                "or restart to say)."
            )
            return

        def spiked(values: Values | None) -> None:
            if not values:
                return
            from ... import actions, workflow

            try:
                fresh = self.library.load(release.slug)
                actions.spike(
                    fresh, self.library, self.app.user, values["note"].strip(), now=self.app.clock()
                )
            except (BundleError, workflow.WorkflowError) as error:
                self.say(f"Not spiked: {error}")
                return
            self.say(f"Spiked {release.slug}.")
            self.load_rows()
            from ..gitcommit import commit_in_background

            event = fresh.history[-1]
            commit_in_background(self.app, release.slug, event.action, event.digest)

        def validate(values: Values) -> str | None:
            return None if values["note"].strip() else "Say why it is spiked."

        self.app.push_screen(
            FormDialog(
                f"Spike “{one_line(release.headline, 60)}”?",
                [Field("note", "Why (kept in the release's history)")],
                validate=validate,
                ok_label="Spike",
                id="spike-form",
            ),
            spiked,
        )

    def action_export(self) -> None:
        row = self.selected_row()
        release = self.release_of(row) if row is not None and not row.error else None
        if release is None:
            return
        from .export_dialog import ExportDialog

        self.app.push_screen(ExportDialog(release), lambda note: note and self.say(note))

    def _commit_new(self, slug: str) -> None:
        """Commit a new release ("Start SLUG") only with [git] commit_on_save = true."""
        from ..gitcommit import commit_in_background

        commit_in_background(self.app, slug, "create", save=True)

    def _sent_state(self, row: Row | None) -> str:
        """'Sent 12, queued 3 Dec 09:00' from the release's ledger, when it has one."""
        if row is None or not (self.library.root / row.slug / "sent.toml").exists():
            return ""
        from ...sending.ledger import summary

        state = summary(self.library.root / row.slug)
        return f"Press list: {state}" if state else ""

    def action_send(self) -> None:
        row = self.selected_row()
        if row is None or row.error:
            return
        from .send_dialog import SendDialog

        def sent(note: str | None) -> None:
            self.load_rows()
            if note:
                self.say(note)

        self.app.push_screen(SendDialog(row.slug), sent)

    def action_press_list(self) -> None:
        from .press_screen import PressScreen

        self.app.push_screen(PressScreen())

    def action_history(self) -> None:
        row = self.selected_row()
        if row is None or row.error:
            return
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen(row.slug))

    def action_import(self) -> None:
        from .import_screen import ImportScreen

        def imported(slug: str | None) -> None:
            if slug:
                self.load_rows()
                self.app.open_release(slug)

        self.app.push_screen(ImportScreen(), imported)

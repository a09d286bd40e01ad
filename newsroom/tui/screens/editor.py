"""The editor for one release: four panes in tabs and a live preview."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Header, Input, TabbedContent, TabPane, TextArea

from ...errors import BundleError, ConflictError
from ...layout import BODY_FILE, RELEASE_FILE
from ...model import Release, reference_line
from ..footer import PANES as PANE_KEYS
from ..footer import NewsroomFooter, RankedFooter
from ..layout import fits_side_by_side, preview_width
from ..messages import JumpTo, Notice, ReleaseEdited
from ..panes.approval import ApprovalPane
from ..panes.attribution import AttributionPane
from ..panes.details import DETAILS_WIDGETS, DetailsPane
from ..panes.drafting import DraftingPane
from ..panes.media import MediaPane
from ..panes.preview import PreviewPane
from ..panes.quotes import QuotesPane
from ..status import StatusLine
from ..text import sanitise_release
from .choice import ChoiceDialog

PANES = {
    "f2": "drafting",
    "f3": "quotes",
    "f4": "attribution",
    "f5": "approval",
    "f8": "details",
    "f9": "media",
}
# Composed on first use: while they are unseen, typing in the body does not pay
# for their widgets (every mounted widget costs a little on each keystroke).
LAZY_PANES = {
    "quotes": QuotesPane,
    "attribution": AttributionPane,
    "approval": ApprovalPane,
    "details": DetailsPane,
    "media": MediaPane,
}
MOUNTED_PANES = "QuotesPane, AttributionPane, ApprovalPane, DetailsPane, MediaPane"
PREVIEW_DELAY = 0.4  # seconds of quiet typing before the preview is rebuilt
DISK_CHECK_EVERY = 1.0


class EditorScreen(RankedFooter, Screen):
    LAZY_PANES = LAZY_PANES
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        # TextArea binds f5-f7, ctrl+k and ctrl+e itself; ours win inside the editor.
        # One footer entry for the pane keys; the tabs name the panes.
        Binding("f2", "pane('drafting')", "Drafting", priority=True, group=PANE_KEYS),
        Binding("f3", "pane('quotes')", "Quotes", priority=True, group=PANE_KEYS),
        Binding("f4", "pane('attribution')", "Attribution", priority=True, group=PANE_KEYS),
        Binding("f5", "pane('approval')", "Approval", priority=True, group=PANE_KEYS),
        Binding("f6", "toggle_preview", "Preview", priority=True),
        Binding("f7", "history", "History", priority=True, show=False),
        Binding("f8", "pane('details')", "Details", priority=True, group=PANE_KEYS),
        Binding("f9", "pane('media')", "Media", priority=True, group=PANE_KEYS),
        # Short labels for the footer; F1's help shows the tooltips.
        Binding(
            "ctrl+k",
            "insert_quote",
            "Quote",
            priority=True,
            tooltip="Insert a quote at the body's cursor",
        ),
        Binding(
            "ctrl+g",
            "insert_caption",
            "Caption",
            priority=True,
            tooltip="Insert a photo caption at the body's cursor",
        ),
        Binding("ctrl+e", "export", "Export", priority=True, show=False),
        Binding(
            "ctrl+r",
            "send",
            "Send",
            priority=True,
            show=False,
            tooltip="Send the approved release to the press list",
        ),
        Binding("escape", "back", "Back", tooltip="Back to the library"),
    ]
    PALETTE = [
        ("save", "Save", "Write release.toml and body.md"),
        ("pane('drafting')", "Drafting pane", "Headline, dateline, embargo, body"),
        ("pane('quotes')", "Quotes pane", "Create, edit and place quotes"),
        ("pane('attribution')", "Attribution pane", "People directory and speakers"),
        ("pane('approval')", "Approval pane", "Checks, clearances, approvals"),
        (
            "pane('details')",
            "Details pane",
            "Captions, notes to editors, media contact, about, imprint",
        ),
        ("pane('media')", "Media pane", "Pictures: add, credit, caption"),
        (
            "do('media', 'insert')",
            "Insert picture at cursor",
            "Place the picture chosen in the media pane",
        ),
        ("toggle_preview", "Show or hide the preview", "The plain-text export, live"),
        ("history", "History", "Who did what, and which version they approved"),
        ("insert_quote", "Insert quote at cursor", "Place a quote at the body's cursor"),
        ("insert_caption", "Insert caption at cursor", "Place a caption at the body's cursor"),
        ("export", "Export", "Any format, to a file or the clipboard"),
        ("send", "Send to the press list", "One message per journalist, now or later"),
        ("back", "Back to the library", "Asks first when there are unsaved changes"),
        ("app.settings", "Settings", "Edit newsroom.toml; the checks follow at once"),
        ("app.people", "People", "Add, edit and remove people in people.toml"),
        # The panes' own actions, so the palette reaches everything.
        ("do('quotes', 'new')", "New quote", "Words, speaker and introduction"),
        ("do('quotes', 'edit')", "Edit the selected quote", "In the quotes pane"),
        ("do('quotes', 'delete')", "Delete the selected quote", "Asks when the body places it"),
        ("do('details', \"captions('new')\")", "New caption", "Text and credit"),
        ("do('details', \"captions('edit')\")", "Edit the selected caption", "In the details pane"),
        (
            "do('details', \"captions('delete')\")",
            "Delete the selected caption",
            "Asks when the body places it",
        ),
        ("do('details', \"notes('add')\")", "Add a note to editors", "After the selected one"),
        ("do('details', \"notes('edit')\")", "Edit the selected note to editors", ""),
        ("do('details', \"notes('move(-1)')\")", "Move the note to editors up", ""),
        ("do('details', \"notes('move(1)')\")", "Move the note to editors down", ""),
        ("do('details', \"notes('remove')\")", "Remove the selected note to editors", ""),
        ("do('attribution', 'add')", "Add a person", "Saved to people.toml"),
        ("do('attribution', 'edit')", "Edit the selected person", "Saved to people.toml"),
        (
            "do('attribution', 'set_speaker')",
            "Make the person the speaker",
            "Of the quote chosen in the attribution pane",
        ),
        (
            "do('attribution', 'refresh_role')",
            "Refresh the quote's role",
            "From the people directory",
        ),
        ("do('approval', \"act('submit')\")", "Submit for review", "Runs the checks"),
        ("do('approval', \"act('clear')\")", "Record a clearance", "The speaker's OK"),
        ("do('approval', \"act('approve')\")", "Approve", "This exact version"),
        ("do('approval', \"act('request_changes')\")", "Request changes", "With a note"),
        (
            "do('approval', \"act('waive')\")",
            "Waive a blocking check",
            "As an approver, with a reason; any edit makes it stale",
        ),
    ]

    def __init__(self, slug: str, *, cursor: str = "headline") -> None:
        super().__init__(id="editor")
        self.slug = slug
        # Where the cursor starts: "headline", "body-end", or "auto" (the
        # headline while it is empty, else the end of the body).
        self.cursor = cursor
        self._before_preview = None  # what had focus before a full-width preview
        self.release: Release | None = None
        self._cleaned: list[str] = []
        self.unsaved = False
        self.read_only = ""  # why saving is refused (someone else holds the lock)
        self.keeper = None
        self._preview_due = True
        self._last_edit = 0.0
        self._asking_disk = False
        # Disk contents the user chose to keep their own version over.
        self._declined: tuple[bytes, bytes] | None = None
        # Lazy panes being mounted: a second caller awaits the same mount.
        self._pane_mounts: dict[str, AwaitMount] = {}

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        try:
            self.release = self.library.load(self.slug)
        except BundleError as error:
            yield Header()
            yield StatusLine(f"Cannot open {self.slug}: {error}", id="editor-message")
            yield NewsroomFooter()
            return
        release = self.release
        self._cleaned = sanitise_release(release)
        yield Header()
        with Horizontal(id="editor-main"):
            with TabbedContent(id="panes", initial="drafting"):
                with TabPane("Drafting F2", id="drafting"):
                    yield DraftingPane(release, self.library.settings.timezone, id="drafting-pane")
                # The other panes are mounted by pane() when first needed.
                yield TabPane("Quotes F3", id="quotes")
                yield TabPane("Attribution F4", id="attribution")
                yield TabPane("Approval F5", id="approval")
                yield TabPane("Details F8", id="details")
                yield TabPane("Media F9", id="media")
            yield PreviewPane(id="preview")
        yield StatusLine(id="editor-message")
        yield NewsroomFooter()

    def on_mount(self) -> None:
        if self.release is not None and self._cleaned:
            self.unsaved = True
        self._show_title()
        if self.release is None:
            return
        if self._cleaned:
            self.say(
                "Removed control characters (escape sequences) from: "
                + ", ".join(self._cleaned)
                + ". Save to keep the cleaned text."
            )
        from ..safekeeping import Safekeeping

        self.keeper = Safekeeping(self.library, self.slug)
        self.read_only = self.keeper.take_lock() or ""
        if self.read_only:
            self._show_title()
            self.say(f"Read-only: {self.read_only}")
            if self.keeper.stale_holder is not None:
                self.call_after_refresh(self._offer_take_over)
        else:
            self.call_after_refresh(self._offer_recovery)
        # Wide terminals show the preview beside the body from the start; f6
        # toggles it (below that width it replaces the panes while shown).
        self._fit_preview(show=self._side_by_side())
        self._place_cursor()
        self.set_interval(PREVIEW_DELAY / 2, self._preview_tick)
        self.set_interval(DISK_CHECK_EVERY, self._check_disk)

    # -- state -------------------------------------------------------------------

    def _show_title(self) -> None:
        self.title = "newsroom"
        marker = " ● unsaved changes" if self.unsaved else ""
        if self.read_only:
            marker += " (read-only)"
        self.sub_title = f"{self.slug}{marker}"

    def say(self, text: str) -> None:
        self.query_one("#editor-message", StatusLine).say(text)

    def _place_cursor(self) -> None:
        # set_focus, not focus(): focus() waits on the app's queue, and keys
        # typed while the screen opened would go to whatever had it first.
        headline = self.query_one("#headline", Input)
        if self.cursor == "headline" or (self.cursor == "auto" and not headline.value.strip()):
            self.set_focus(headline, scroll_visible=False)
            return
        body = self.query_one("#body", TextArea)
        self.set_focus(body, scroll_visible=False)
        body.move_cursor(body.document.end)

    @on(Notice)
    def _notice(self, message: Notice) -> None:
        self.say(message.text)

    @on(ReleaseEdited)
    def _edited(self, message: ReleaseEdited) -> None:
        message.stop()  # nothing above the editor listens
        # Sign-off actions save the release themselves; the people directory is
        # saved to people.toml at once and is not part of the release; anything
        # else is unsaved work.
        saved = message.what in {"workflow", "people"}
        unsaved = False if message.what == "workflow" else (self.unsaved or not saved)
        if self.unsaved != unsaved:
            self.unsaved = unsaved
            self._show_title()
        self._preview_due = True
        self._last_edit = monotonic()
        if not saved and self.keeper is not None and not self.read_only:
            delay = self.keeper.changed()
            if delay is not None:
                self.set_timer(delay, self._checkpoint)
        if message.what in {"quotes", "people", "speaker", "workflow"}:
            self.refresh_panes(exclude=None)

    def library_changed(self) -> None:
        """newsroom.toml or people.toml changed: checks and preview follow at once."""
        if self.release is None:
            return
        self._preview_due = True
        self.refresh_panes()
        if not self.is_current:
            self._library_changed = True  # the unmounted approval pane checks on return

    def on_screen_resume(self) -> None:
        if getattr(self, "_library_changed", False):
            self._library_changed = False
            self.refresh_panes()

    def refresh_panes(self, exclude=None) -> None:
        for pane in self.query(MOUNTED_PANES):
            if pane is not exclude:
                pane.refresh_from(self.release)
        if self.release is not None and self._mounted_pane(ApprovalPane) is None:
            # Its checks decide which sign-off commands the palette offers.
            self.call_later(self._approval_checks)

    async def _approval_checks(self) -> None:
        # display turns False once Textual starts closing or pruning the screen.
        if not (self.is_attached and self.is_current and self.display):
            return  # closing (saved on the way out): nothing will show the checks
        if self._mounted_pane(ApprovalPane) is None:
            (await self.pane("approval")).refresh_from(self.release)

    def _mounted_pane(self, kind):
        return next(iter(self.query(kind)), None)

    async def pane(self, name: str):
        """The pane called ``name``, composed and mounted first if need be."""
        kind = LAZY_PANES.get(name)
        if kind is None:
            return self.query_one(f"#{name}-pane")
        found = self._mounted_pane(kind)
        if found is None:
            # mount() registers the pane at once, so a second caller finds it.
            found = kind(self.release, id=f"{name}-pane")
            mounting = self.query_one(f"TabPane#{name}", TabPane).mount(found)
            self._pane_mounts[name] = mounting
            await mounting
        elif not found.is_mounted and name in self._pane_mounts:
            await self._pane_mounts[name]  # another caller is mounting it
        return found

    def _preview_tick(self) -> None:
        # Debounce: edits only set a flag and a time; the work waits for a pause
        # in typing, so it never competes with a burst of keystrokes.
        if not self._preview_due or self.release is None:
            return
        if monotonic() - self._last_edit < PREVIEW_DELAY:
            return
        self._preview_due = False
        self.query_one(DraftingPane).update_count()
        self.query_one(DraftingPane).update_references()
        # Hidden panes cost nothing: they catch up when shown.
        preview = self.query_one(PreviewPane)
        if preview.display:
            preview.request(self.release)
        approval = self._mounted_pane(ApprovalPane)
        if approval is not None and self.query_one(TabbedContent).active == "approval":
            approval.request_checks()

    @on(TabbedContent.TabActivated)
    async def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if self.release is None or event.pane.id not in LAZY_PANES:
            return
        pane = await self.pane(event.pane.id)
        if event.pane.id == "approval":
            pane.request_checks()

    # -- panes -------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.release is None and action not in {"back"}:
            return False
        if action == "do" and len(parameters) == 2 and parameters[0] == "approval":
            # Sign-off commands appear only when allowed (the pane says why not).
            name = str(parameters[1]).removeprefix("act('").removesuffix("')")
            approval = self._mounted_pane(ApprovalPane)
            return approval is not None and approval.allowed(name)
        return True

    async def action_do(self, pane: str, action: str) -> None:
        """Run a pane's action from the palette: show the pane, then act."""
        self.query_one(TabbedContent).active = pane
        await (await self.pane(pane)).run_action(action)

    async def action_pane(self, pane: str) -> None:
        tabs = self.query_one(TabbedContent)
        if self.has_class("-preview-full"):
            self._fit_preview(show=False)  # the panes come back in place of the preview
        tabs.active = pane
        if pane == "drafting":
            # F2 always lands in the body, wherever focus was: no tabbing
            # through the fields to start writing.
            self.query_one("#body", TextArea).focus()
            return
        (await self.pane(pane)).focus_first()

    def action_toggle_preview(self) -> None:
        self._fit_preview(show=not self.query_one(PreviewPane).display)

    def _side_by_side(self) -> bool:
        return fits_side_by_side(self.app.size.width, self.library.settings.width)

    def _fit_preview(self, *, show: bool) -> None:
        """Show the preview beside the panes when both fit, else instead of them."""
        preview = self.query_one(PreviewPane)
        full = show and not self._side_by_side()
        if full and not self.has_class("-preview-full"):
            self._before_preview = self.focused
        preview.display = show
        # Beside the panes: exactly the export's width; instead of them: all of it.
        preview.styles.width = "1fr" if full else preview_width(self.library.settings.width)
        self.set_class(full, "-preview-full")
        if full:
            preview.query_one("#preview-text").focus()  # so PageDown scrolls it
        elif self._before_preview is not None:
            if self._before_preview.is_attached:
                self._before_preview.focus()
            self._before_preview = None
        if show:
            self._preview_due = True

    def on_resize(self) -> None:
        preview = self.query_one(PreviewPane) if self.release is not None else None
        if preview is not None and preview.display:
            # Side by side no longer fits (or fits again): keep the body usable.
            if self.has_class("-preview-full") == (not self._side_by_side()):
                return
            self._fit_preview(show=self.has_class("-preview-full"))

    @on(JumpTo)
    async def _jump(self, message: JumpTo) -> None:
        if message.field in DETAILS_WIDGETS:
            self.query_one(TabbedContent).active = "details"
            (await self.pane("details")).query_one(f"#{message.field}").focus()
            return
        self.query_one(TabbedContent).active = "drafting"
        if message.line is not None:
            body = self.query_one("#body", TextArea)
            body.focus()
            body.move_cursor((max(0, message.line - 1), 0), center=True)
        elif message.field:
            try:
                self.query_one(f"#{message.field}").focus()
            except Exception:
                self.say(f"(no field called {message.field} on this screen)")

    # -- quotes and captions in the body ---------------------------------------------

    async def action_insert_quote(self) -> None:
        quotes = await self.pane("quotes")
        self._place("quote", quotes.selected_id(), quotes.new_quote)

    async def action_insert_caption(self) -> None:
        captions = (await self.pane("details")).captions
        self._place("caption", captions.selected_id(), captions.new_caption)

    def _place(self, kind: str, preferred: str | None, create) -> None:
        """Ask which quote or caption (or a new one), then place it at the cursor."""
        from .pick_quote import CaptionPicker, QuotePicker

        def picked(choice: str | None) -> None:
            if choice == "__new__":
                create(then=lambda ref_id: self.insert_reference(ref_id, kind))
            elif choice:
                self.insert_reference(choice, kind)

        picker = (
            QuotePicker(self.release, self.library.people, preferred)
            if kind == "quote"
            else CaptionPicker(self.release, preferred)
        )
        self.app.push_screen(picker, picked)

    def insert_reference(self, ref_id: str, kind: str = "quote") -> None:
        """Put ``{{< KIND ID >}}`` on its own line at the body cursor's line."""
        body = self.query_one("#body", TextArea)
        row = body.cursor_location[0]
        lines = body.text.split("\n")
        line = lines[row] if row < len(lines) else ""
        reference = reference_line(kind, ref_id)
        if not line.strip():
            # On a blank line: blank lines either side keep paragraphs apart.
            before = "" if row == 0 or not lines[row - 1].strip() else "\n"
            after = "" if row + 1 < len(lines) and not lines[row + 1].strip() else "\n"
            body.insert(f"{before}{reference}{after}", (row, 0))
            if row + 1 >= len(lines):
                body.insert("\n", body.cursor_location)
        else:
            before = "\n" if row > 0 and lines[row - 1].strip() else ""
            body.insert(f"{before}{reference}\n\n", (row, 0))
        self.query_one(TabbedContent).active = "drafting"
        body.focus()
        self.say(f"Placed {kind} {ref_id} at line {row + 1} of the body.")

    def remove_reference_lines(self, numbers: list[int]) -> None:
        """Delete whole body lines (numbered from 1), bottom first."""
        body = self.query_one("#body", TextArea)
        for number in sorted(numbers, reverse=True):
            row = number - 1
            if row + 1 < body.document.line_count:
                body.delete((row, 0), (row + 1, 0))
            else:
                body.delete((row, 0), (row, len(body.document.get_line(row))))

    # -- saving ------------------------------------------------------------------

    def _disk_bytes(self) -> tuple[bytes, bytes] | None:
        directory = self.library.root / self.slug
        try:
            return ((directory / RELEASE_FILE).read_bytes(), (directory / BODY_FILE).read_bytes())
        except OSError:
            return None

    def action_save(self) -> bool:
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
        return self.save_now()

    def save_now(self, *, force: bool = False) -> bool:
        """Save; if someone else changed the files meanwhile, ask what to do."""
        try:
            written = self.library.save(self.release, force=force)
        except ConflictError as conflict:
            from .conflict import ConflictFlow

            flow = ConflictFlow(self, conflict)
            if self._declined is not None and self._disk_bytes() == self._declined:
                # "Keep mine" was chosen for exactly this version on disk:
                # straight to the diff, overwritten only once confirmed.
                flow.show_diff()
            else:
                self.say(f"Not saved: {self.slug} changed on disk since it was opened.")
                flow.ask()
            return False
        except BundleError as error:
            self.say(f"Not saved: {error}")
            return False
        except OSError as error:
            self.say(f"Not saved: {error}")
            return False
        self._declined = None
        self.unsaved = False
        if self.keeper is not None:
            self.keeper.saved()
        self._show_title()
        self.refresh_panes()
        self.say("Saved." if written else "Saved (nothing had changed on disk).")
        if written:
            self._commit_save()
        return True

    def _commit_save(self) -> None:
        """Commit the save when newsroom.toml says commit_on_save (in a thread)."""
        from ..gitcommit import commit_in_background

        commit_in_background(self.app, self.slug, "save", save=True)

    def action_history(self) -> None:
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.slug))

    def save_copy(self, slug: str) -> None:
        """Keep both: save this version as a new release, then edit that one."""
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

    def ask_then(self, proceed: Callable[[], object]) -> None:
        """Run ``proceed`` once unsaved work is saved or knowingly discarded."""
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
                if self.action_save():
                    proceed()
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

    def action_back(self) -> None:
        self.ask_then(self.dismiss)

    def action_export(self) -> None:
        from .export_dialog import ExportDialog

        if self.unsaved:
            self.say("Save first: the export is made from what is on disk.")
            return
        self.app.push_screen(ExportDialog(self.release), lambda note: note and self.say(note))

    def action_send(self) -> None:
        from .send_dialog import SendDialog

        if self.unsaved:
            self.say("Save first: only what is saved (and approved) is sent.")
            return
        self.app.push_screen(
            SendDialog(self.slug, self.release), lambda note: note and self.say(note)
        )

    # -- autosave and recovery ------------------------------------------------------

    @work(thread=True, group="autosave")
    def _checkpoint(self) -> None:
        if self.unsaved and self.release is not None and self.keeper is not None:
            self.keeper.checkpoint(self.release)

    def on_unmount(self) -> None:
        if self.keeper is not None:
            self.keeper.close()

    def _offer_take_over(self) -> None:
        from .recovery_offer import offer_take_over

        offer_take_over(self)

    def _offer_recovery(self) -> None:
        from .recovery_offer import offer_recovery

        offer_recovery(self)

    def _use(self, release: Release) -> None:
        """Show ``release`` in every pane (after a reload or a restore)."""
        self.release = release
        self.query_one(DraftingPane).load(release)
        for pane in self.query(MOUNTED_PANES):
            pane.release = release
        self.refresh_panes()
        self._preview_due = True

    # -- changes made by someone else ----------------------------------------------

    @work(thread=True, exclusive=True, group="disk-check")
    def _check_disk(self) -> None:
        if self._asking_disk or self.release is None:
            return
        if self.app.screen is not self:
            return  # a dialog is open (a conflict on save asks on its own)
        if not self.library.changed_on_disk(self.slug):
            return
        on_disk = self._disk_bytes()
        if on_disk is not None and on_disk == self._declined:
            return
        self.app.call_from_thread(self._ask_about_disk)

    def _ask_about_disk(self) -> None:
        if self._asking_disk:
            return
        self._asking_disk = True
        on_disk = self._disk_bytes()
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

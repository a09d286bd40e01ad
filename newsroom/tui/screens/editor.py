"""The editor for one release: its panes in tabs and a live preview.

Saving lives in ``editor_save``, the watch on outside changes in
``editor_disk``, quote and caption lines in the body in ``editor_body``, the
preview's place and timing in ``editor_preview`` (mixins of ``EditorScreen``),
and the palette's commands in ``editor_palette``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Header, Input, TabbedContent, TabPane, TextArea

from ...errors import BundleError
from ...model import Release
from ..footer import PANES as PANE_KEYS
from ..footer import NewsroomFooter, RankedFooter
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
from .editor_body import BodyReferences
from .editor_disk import DISK_CHECK_EVERY, DiskWatch
from .editor_palette import EditorPalette
from .editor_preview import PreviewTiming
from .editor_save import Saving

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


class EditorScreen(
    Saving, DiskWatch, BodyReferences, PreviewTiming, EditorPalette, RankedFooter, Screen
):
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
        self._last_edit = 0.0
        self._preview_timer: Timer | None = None  # set while a preview rebuild waits
        self._edits = 0  # edits so far: a save knows whether more came after it
        self.saving = False
        self._saves = 0
        self._save_again = False
        self._after_save: list[Callable[[], object]] = []
        self._asking_disk = False
        self._declined: tuple[bytes, bytes] | None = None
        # Lazy panes being mounted: a second caller awaits the same mount.
        self._pane_mounts: dict[str, AwaitMount] = {}

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        # Read here, on the UI thread, on purpose (not a worker): two small files,
        # and the editor must exist once enter is handled, so that keys typed
        # straight after it land in the editor, not in the library's bindings.
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
        # The lock decides whether this editor may save: known before any edit.
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
        self.preview_soon()
        # A clock, not a poll of our own state: other programs change the files.
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
        self.note_edit(message.what)

    def note_edit(self, what: str) -> None:
        """The release changed in memory (``what`` names the part)."""
        # Sign-off actions save the release themselves; the people directory is
        # saved to people.toml at once and is not part of the release; anything
        # else is unsaved work.
        saved = what in {"workflow", "people"}
        unsaved = False if what == "workflow" else (self.unsaved or not saved)
        if not saved:
            self._edits += 1
        if self.unsaved != unsaved:
            self.unsaved = unsaved
            self._show_title()
        self.preview_soon(edited=True)
        if not saved and self.keeper is not None and not self.read_only:
            delay = self.keeper.changed()
            if delay is not None:
                self.set_timer(delay, self._checkpoint)
        if what in {"quotes", "people", "speaker", "workflow"}:
            self.refresh_panes(exclude=None)

    def flush_edits(self) -> None:
        """Take in body text typed but not yet reported (before a save or leaving)."""
        if self.release is not None and self.query_one(DraftingPane).sync_body():
            self.note_edit("body")

    def library_changed(self) -> None:
        """newsroom.toml or people.toml changed: checks and preview follow at once."""
        if self.release is None:
            return
        self.preview_soon()
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
        if self.release is not None and self.mounted_pane(ApprovalPane) is None:
            # Its checks decide which sign-off commands the palette offers.
            self.call_later(self._approval_checks)

    async def _approval_checks(self) -> None:
        # display turns False once Textual starts closing or pruning the screen.
        if not (self.is_attached and self.is_current and self.display):
            return  # closing (saved on the way out): nothing will show the checks
        if self.mounted_pane(ApprovalPane) is None:
            (await self.pane("approval")).refresh_from(self.release)

    def mounted_pane(self, kind):
        """The pane of this kind if it is mounted yet, else None (without mounting it)."""
        return next(iter(self.query(kind)), None)

    async def pane(self, name: str):
        """The pane called ``name``, composed and mounted first if need be."""
        kind = LAZY_PANES.get(name)
        if kind is None:
            return self.query_one(f"#{name}-pane")
        found = self.mounted_pane(kind)
        if found is None:
            # mount() registers the pane at once, so a second caller finds it.
            found = kind(self.release, id=f"{name}-pane")
            mounting = self.query_one(f"TabPane#{name}", TabPane).mount(found)
            self._pane_mounts[name] = mounting
            await mounting
        elif not found.is_mounted and name in self._pane_mounts:
            await self._pane_mounts[name]  # another caller is mounting it
        return found

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
        return True

    async def in_pane(self, name: str, act: Callable[[Any], object]) -> None:
        """Show pane ``name`` (mounted first if need be), then call ``act`` on it."""
        self.query_one(TabbedContent).active = name
        done = act(await self.pane(name))
        if inspect.isawaitable(done):
            await done

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

    def action_history(self) -> None:
        from .history import HistoryScreen

        self.app.push_screen(HistoryScreen(self.slug))

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
        self.preview_soon()

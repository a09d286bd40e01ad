"""Export dialog: one release in any format, to a file or (text) the clipboard.

The gate is ``actions.publication_refusal``, shared with ``newsroom export``:
a release that is not approved can only be exported as a marked draft, and a
final export records a ``publish`` event. Rendering and writing run in a
worker thread; the dialog reports back with a message and a notification.
"""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, RadioButton, RadioSet, Static

from ...export import EXTENSIONS, FORMATS
from ...model import Release
from ..text import one_line

FORMAT_LABELS = {
    "text": "Text",
    "md": "Markdown",
    "html": "HTML",
    "eml": "Email",
    "ninjs": "ninjs",
}


def default_destination(library_root: Path, slug: str, fmt: str) -> Path:
    """``exports/<slug><ext>`` beside the drafts folder, shown relative when it can be."""
    target = Path(library_root).resolve().parent / "exports" / f"{slug}{EXTENSIONS[fmt]}"
    try:
        return target.relative_to(Path.cwd())
    except ValueError:
        return target


class ExportDialog(ModalScreen[str | None]):
    """Choose format, destination and draft marking; dismisses with what was written."""

    DEFAULT_CSS = """
    ExportDialog .dialog { max-width: 96; }
    ExportDialog RadioSet { width: 100%; height: auto; layout: horizontal; }
    ExportDialog #export-gate { height: auto; margin-bottom: 1; color: $text-muted; }
    ExportDialog #export-gate.-refused { color: $text-warning; }
    ExportDialog #export-status { height: auto; margin-top: 1; }
    ExportDialog #export-status.-failed { color: $text-error; }
    ExportDialog .hint { color: $text-muted; height: auto; margin-top: 1; }
    ExportDialog #export-format > RadioButton { width: auto; margin-right: 1; }
    /* 24 lines: drop borders and spacing so the buttons stay on screen. */
    ExportDialog.-short .question { margin-bottom: 0; }
    ExportDialog.-short RadioSet, ExportDialog.-short Checkbox { border: none; }
    ExportDialog.-short Input { border: none; height: 1; }
    ExportDialog.-short #export-gate { margin-bottom: 0; }
    ExportDialog.-short #export-status { margin-top: 0; }
    ExportDialog.-short .hint { display: none; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "export", "Export", priority=True),
        Binding("ctrl+t", "copy", "Copy text", priority=True),
    ]

    def __init__(self, release: Release, fmt: str = "text") -> None:
        super().__init__(id="export-dialog")
        self.release = release
        self.fmt = fmt if fmt in FORMATS else "text"
        self.refusal: str | None = None
        self.busy = False
        self._auto_path = ""  # the destination we proposed; replaced only while unedited

    @property
    def library(self):
        return self.app.library

    # -- layout ----------------------------------------------------------------

    def compose(self) -> ComposeResult:
        release = self.release
        # Scrolls rather than clipping when a long reason meets a short terminal.
        with VerticalScroll(classes="dialog form", can_focus=False):
            yield Static(
                f"Export “{one_line(release.headline, 70)}”", markup=False, classes="question"
            )
            yield Label("Format")
            with RadioSet(id="export-format"):
                for fmt in FORMATS:
                    yield RadioButton(FORMAT_LABELS[fmt], value=fmt == self.fmt, id=f"fmt-{fmt}")
            yield Label("Write to file")
            self._auto_path = str(default_destination(self.library.root, release.slug, self.fmt))
            yield Input(self._auto_path, id="field-path")
            yield Checkbox("Mark as draft (DRAFT – NOT APPROVED)", id="export-draft")
            yield Static("", id="export-gate", markup=False)
            yield Static("", id="export-status", markup=False)
            yield Static(
                "ctrl+s export · ctrl+t copy the plain text · esc close",
                classes="hint",
                markup=False,
            )
            with Horizontal(classes="buttons"):
                yield Button("Export", id="ok", variant="primary")
                yield Button("Copy text", id="copy")
                yield Button("Close", id="cancel")

    def on_mount(self) -> None:
        from ... import actions

        self.refusal = actions.publication_refusal(self.release, self.library)
        draft = self.query_one("#export-draft", Checkbox)
        gate = self.query_one("#export-gate", Static)
        if self.refusal:
            # Not approved: a draft copy is all that may leave; say why.
            draft.value = True
            draft.disabled = True
            reason = self.refusal.split("; export with --draft")[0]
            gate.update(
                f"Marked as a draft because the release is not approved: {reason}. "
                "Nothing is recorded."
            )
            gate.add_class("-refused")
        else:
            self._explain_final()
        self.query_one("#field-path", Input).focus()

    def _explain_final(self) -> None:
        gate = self.query_one("#export-gate", Static)
        if self.query_one("#export-draft", Checkbox).value:
            gate.update("Approved. A draft copy is marked and records nothing.")
        else:
            gate.update(
                f"Approved. This final export records “publish” (format: {self.fmt}) "
                "in the release's history."
            )

    # -- choices ---------------------------------------------------------------

    @on(RadioSet.Changed, "#export-format")
    def _format_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        new = (event.pressed.id or "fmt-text").removeprefix("fmt-")
        old, self.fmt = self.fmt, new
        path_input = self.query_one("#field-path", Input)
        current = path_input.value
        # Follow the format unless the user typed a name of their own.
        if current == self._auto_path and current.endswith(EXTENSIONS[old]):
            self._auto_path = current[: -len(EXTENSIONS[old])] + EXTENSIONS[new]
            path_input.value = self._auto_path
        if not self.refusal:
            self._explain_final()

    @on(Checkbox.Changed, "#export-draft")
    def _draft_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        if not self.refusal:
            self._explain_final()

    @on(Input.Submitted, "#field-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#ok")
    def _ok_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_export()

    @on(Button.Pressed, "#copy")
    def _copy_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_copy()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    @property
    def draft(self) -> bool:
        return bool(self.refusal) or self.query_one("#export-draft", Checkbox).value

    # -- actions ---------------------------------------------------------------

    def action_cancel(self) -> None:
        if self.busy:
            self._status("Still writing; wait for it to finish.")
            return
        self.dismiss(None)

    def action_export(self) -> None:
        if self.busy:
            return
        raw = self.query_one("#field-path", Input).value.strip()
        if not raw:
            self._status("Give a file name.", failed=True)
            return
        target = Path(raw).expanduser()
        if target.is_dir():
            self._status(f"{target} is a folder; give a file name.", failed=True)
            return
        self._begin(f"Writing {target}…")
        self._write(self.fmt, target, self.draft, self.app.user)

    def action_copy(self) -> None:
        if self.busy:
            return
        self._begin("Preparing the plain text…")
        self._copy(self.draft)

    def _begin(self, text: str) -> None:
        self.busy = True
        for button in self.query(Button):
            button.disabled = button.id != "cancel"
        self._status(text)

    def _finish(self) -> None:
        self.busy = False
        for button in self.query(Button):
            button.disabled = False

    def _status(self, text: str, failed: bool = False) -> None:
        status = self.query_one("#export-status", Static)
        status.update(text)
        status.set_class(failed, "-failed")

    # -- work off the UI thread ------------------------------------------------

    @work(thread=True, exclusive=True, group="export")
    def _write(self, fmt: str, target: Path, draft: bool, user: str) -> None:
        try:
            note, published = self._write_now(fmt, target, draft, user)
        except Exception as error:  # the dialog must explain, never crash the app
            self.app.call_from_thread(self._failed, str(error) or type(error).__name__)
            return
        self.app.call_from_thread(self._written, note, published)

    def _write_now(self, fmt: str, target: Path, draft: bool, user: str) -> tuple[str, str]:
        """What to tell the user, and the digest of a newly recorded publication (or "")."""
        from ... import actions, locks
        from ...errors import BundleError
        from ...export import ExportError, render
        from ...fsio import atomic_write

        library, release = self.library, self.release
        if not draft:
            refusal = actions.publication_refusal(release, library)
            if refusal:
                raise ValueError(refusal.split("; export with --draft")[0])
            # A final export records itself: refuse before writing when another
            # process holds the release (our own editor's lock is ours).
            try:
                locks.ensure_unlocked(library.root, release.slug)
            except BundleError as error:
                raise ValueError(str(error)) from None
        try:
            output = render(release, library, fmt, draft=draft)
        except ExportError as error:
            raise ValueError(f"Cannot make the {fmt} export: {error}") from None
        data = output if isinstance(output, bytes) else output.encode("utf-8")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, data)
        except OSError as error:
            raise ValueError(f"Could not write {target}: {error.strerror or error}") from None
        if draft:
            return f"Wrote the draft {fmt} export to {target}.", ""
        by = user or self._publisher()
        try:
            recorded = actions.record_publication(release, library, by, fmt)
        except BundleError as error:
            raise ValueError(
                f"Wrote {target}, but the publication could not be recorded: {error}"
            ) from None
        done = "recorded “publish”" if recorded else "already recorded as published"
        published = release.history[-1].digest if recorded else ""
        return f"Wrote the final {fmt} export to {target} ({done}).", published

    def _publisher(self) -> str:
        from ...identity import IdentityError, resolve

        try:
            return resolve(self.library, required=False)
        except IdentityError:
            return ""

    @work(thread=True, exclusive=True, group="export")
    def _copy(self, draft: bool) -> None:
        from ...export import render

        try:
            text = render(self.release, self.library, "text", draft=draft)
        except Exception as error:
            self.app.call_from_thread(self._failed, f"Could not make the text: {error}")
            return
        self.app.call_from_thread(self._copied, str(text), draft)

    # -- back on the UI thread -------------------------------------------------

    def _written(self, note: str, published: str = "") -> None:
        if published:
            # In a git work tree the publication becomes a commit, as with the CLI.
            from ..gitcommit import commit_in_background

            commit_in_background(self.app, self.release.slug, "publish", published)
        self._finish()
        self.app.notify(note, title="Exported", markup=False)
        self.dismiss(note)

    def _failed(self, problem: str) -> None:
        self._finish()
        self._status(problem, failed=True)
        self.app.notify(problem, title="Export failed", severity="error", markup=False)

    def _copied(self, text: str, draft: bool) -> None:
        self._finish()
        self.app.copy_to_clipboard(text)
        kind = "draft " if draft else ""
        note = (
            f"Copied the {kind}plain-text export to the clipboard "
            f"({len(text.splitlines())} lines; records nothing)."
        )
        self._status(note)
        self.app.notify(note, title="Copied", markup=False)

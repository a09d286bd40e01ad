"""Send dialog: choose tags, see who gets the release and the first message as it
will be sent, then send now (in a worker, with a progress bar and a result per
recipient) or queue it for a time.

The core does the work (``newsroom.sending``): the same gate as export, the
same ledger as ``newsroom send``, so the CLI and the TUI never disagree about
who has had the release.
"""

from __future__ import annotations

from datetime import timedelta
from email import policy
from email.parser import BytesParser

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    DataTable,
    Input,
    Label,
    ProgressBar,
    SelectionList,
    Static,
)

from ...errors import BundleError
from ...press import load as load_press
from ...safety import strip_controls
from ..text import one_line


def readable(message: bytes) -> str:
    """The message as a reader sees it: the main headers, then the text."""
    parsed = BytesParser(policy=policy.default).parsebytes(message)
    lines = [
        f"{name}: {parsed[name]}"
        for name in ("From", "To", "Reply-To", "Subject", "Message-ID")
        if parsed[name]
    ]
    body = parsed.get_body(("plain",))
    text = body.get_content() if body is not None else ""
    return strip_controls("\n".join(lines) + "\n\n" + text.replace("\r\n", "\n"))


class SendDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    SendDialog .dialog { max-width: 110; }
    SendDialog SelectionList { height: auto; max-height: 6; }
    SendDialog #send-recipients { height: auto; max-height: 6; }
    SendDialog #send-preview { height: 12; border: round $primary-background; }
    SendDialog #send-results { height: auto; max-height: 10; }
    SendDialog #send-gate.-refused, SendDialog #send-status.-failed { color: $text-error; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "send", "Send", priority=True),
    ]

    def __init__(self, slug: str, release=None) -> None:  # type: ignore[no-untyped-def]
        super().__init__(id="send-dialog")
        self.slug = slug
        self.release = release  # the editor's (saved) release: the send is recorded in it
        self.plan = None
        self.busy = False
        self.refusal: str | None = None

    @property
    def library(self):
        return self.app.library

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog form", can_focus=False):
            yield Static(f"Send {self.slug} to the press list", markup=False, classes="question")
            yield Static("", id="send-gate", markup=False)
            yield Label("Tags (none chosen: everyone on the list)")
            yield SelectionList[str](id="send-tags")
            yield Static("", id="send-recipients", markup=False)
            yield Checkbox(
                "Send again to those who have it (a corrected version)", id="send-resend"
            )
            yield Label("The first message, as it will be sent")
            with VerticalScroll(id="send-preview"):
                yield Static("", id="send-message", markup=False)
            example = f"{self.app.today() + timedelta(days=1)}T09:00"
            yield Label(f"Send at (e.g. {example}, the library's time zone; empty: now)")
            yield Input("", id="send-at", placeholder="now")
            yield ProgressBar(id="send-progress", show_eta=False)
            yield DataTable(id="send-results", cursor_type="row")
            yield Static("", id="send-status", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Send", id="ok", variant="primary")
                yield Button("Close", id="cancel")

    def on_mount(self) -> None:
        # Wherever the dialog is opened from: [send] may have been edited by hand.
        self.app.reload_settings()
        try:
            press = load_press(self.library.root, self.library.settings)
            tags = press.all_tags()
        except BundleError as error:
            tags = []
            self._status(str(error), failed=True)
        self.query_one(SelectionList).add_options([(one_line(t), t) for t in tags])
        self.query_one("#send-results", DataTable).add_columns("Recipient", "Result", "Reply")
        self.replan()

    @on(SelectionList.SelectedChanged)
    def _tags_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        self.replan()

    @on(Checkbox.Changed, "#send-resend")
    def _resend_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.replan()

    @property
    def resend(self) -> bool:
        return self.query_one("#send-resend", Checkbox).value

    @property
    def tags(self) -> list[str]:
        return list(self.query_one(SelectionList).selected)

    def replan(self) -> None:
        from ...sending import SendError, plan

        gate = self.query_one("#send-gate", Static)
        try:
            self.plan = plan(
                self.library, self.slug, self.tags, resend=self.resend, release=self.release
            )
        except SendError as error:
            self.plan = None
            self.refusal = str(error)
            gate.update(self.refusal)
            gate.add_class("-refused")
            self.query_one("#ok", Button).disabled = True
            self.query_one("#send-recipients", Static).update("")
            self.query_one("#send-message", Static).update("")
            return
        self.refusal = None
        gate.remove_class("-refused")
        gate.update(
            "Approved: each recipient gets their own message; the ledger "
            "(sent.toml) records each one."
        )
        plan_ = self.plan
        lines = [f"to: {c.email}" for c in plan_.to_send[:50]]
        if len(plan_.to_send) > 50:
            lines.append(f"… and {len(plan_.to_send) - 50} more")
        lines += [f"has it already: {c.email}" for c in plan_.already[:20]]
        lines += [f"opted out, skipped: {c.email}" for c in plan_.opted_out[:20]]
        self.query_one("#send-recipients", Static).update(
            Text(f"{len(plan_.to_send)} to send\n" + "\n".join(one_line(x) for x in lines))
        )
        first = plan_.first_message()
        self.query_one("#send-message", Static).update(
            Text(readable(first)) if first else Text("Nobody left to send to.")
        )
        self.query_one("#ok", Button).disabled = not plan_.to_send

    def _status(self, text: str, *, failed: bool = False) -> None:
        status = self.query_one("#send-status", Static)
        status.update(text)
        status.set_class(failed, "-failed")

    @on(Button.Pressed, "#ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_send()

    @on(Button.Pressed, "#cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def action_cancel(self) -> None:
        if self.busy:
            self._status("Still sending: the rest would be left for the next send.")
            return
        self.dismiss(None)

    def action_send(self) -> None:
        if self.busy or self.plan is None or not self.plan.to_send:
            return
        at = self.query_one("#send-at", Input).value.strip()
        if at:
            self._queue(at)
            return
        self.busy = True
        self.query_one("#ok", Button).disabled = True
        self.query_one(ProgressBar).update(
            total=len(self.plan.to_send) + len(self.plan.opted_out), progress=0
        )
        self._status("Sending…")
        self._send(self.tags, self.app.user, self.resend)

    def _queue(self, at: str) -> None:
        from ...sending import SendError
        from ...sending.run import parse_when, queue

        try:
            when = parse_when(at, self.library.settings.timezone)
            item = queue(self.library, self.slug, when, self.tags, by=self.app.user)
        except (SendError, BundleError) as error:
            self._status(str(error), failed=True)
            return
        self.dismiss(
            f"Queued {self.slug} for {item.at.isoformat()}; `newsroom send --due` sends it."
        )

    @work(thread=True, exclusive=True, group="send")
    def _send(self, tags: list[str], by: str, resend: bool = False) -> None:
        from ...sending import Busy, SendError, send_release, send_settings
        from ...sending.transport import SMTPTransport

        app = self.app
        try:
            transport = SMTPTransport(send_settings(self.library))

            def progress(outcome, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
                app.call_from_thread(self._progress, outcome, done, total)

            report = send_release(
                self.library,
                self.slug,
                transport,
                tags=tags,
                by=by,
                resend=resend,
                release=self.release,
                progress=progress,
            )
        except (SendError, BundleError, Busy) as error:
            app.call_from_thread(self._done, None, str(error))
            return
        app.call_from_thread(self._done, report, "")

    def _progress(self, outcome, done: int, total: int) -> None:  # type: ignore[no-untyped-def]
        self.query_one(ProgressBar).update(total=total, progress=done)
        self.query_one("#send-results", DataTable).add_row(
            Text(one_line(outcome.contact.email)),
            Text(outcome.status),
            Text(one_line(outcome.reply)),
        )

    def _done(self, report, error: str) -> None:  # type: ignore[no-untyped-def]
        self.busy = False
        if report is None:
            self._status(error, failed=True)
            self.replan()
            return
        text = f"{self.slug}: {report.summary()}"
        if report.stopped:
            text += f". {report.stopped}"
        self._status(text, failed=bool(report.stopped or report.count("failed")))
        if report.count("sent"):
            from ..gitcommit import commit_in_background

            commit_in_background(self.app, self.slug, "send", report.digest)
        self.replan()

"""Approval pane: checks, clearances and approvals, sign-off actions, the diff."""

from __future__ import annotations

import copy
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Button, DataTable, Label, Select, Static, TextArea

from ...errors import BundleError
from ...model import Release
from ..messages import JumpTo, Notice, ReleaseEdited
from ..screens.form import Field, FormDialog, Values
from ..text import literal, one_line
from .signoff import Assessment, assess, jump_target

BUTTONS = [
    ("submit", "Submit for review"),
    ("clear", "Record clearance"),
    ("approve", "Approve"),
    ("record", "Record approval"),
    ("request_changes", "Request changes"),
    ("waive", "Waive check"),
]
# On the buttons, short enough that all six fit at 80 columns; the reasons
# under them use the full names.
SHORT = {
    "submit": "Submit",
    "clear": "Clearance",
    "record": "Record",
    "request_changes": "Request changes",
    "waive": "Waive",
}


class ApprovalPane(VerticalScroll, can_focus=False):
    """Scrolls as a whole on short terminals, where the diff would not fit."""

    BINDINGS = [
        Binding("u", "act('submit')", "Submit"),
        Binding("c", "act('clear')", "Clearance"),
        Binding("a", "act('approve')", "Approve"),
        Binding("r", "act('record')", "Record approval"),
        Binding("g", "act('request_changes')", "Request changes"),
        Binding("w", "act('waive')", "Waive"),
    ]

    @dataclass
    class Assessed(Message, bubble=False):
        """The checks worker's result, for this pane only."""

        assessment: Assessment

    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release
        self.assessment: Assessment | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="approval-top"):
            # Who is acting comes from the environment (see identity.py): shown, not chosen.
            yield Static("", id="acting-as", markup=False)
            yield Static("", id="approval-status", markup=False)
        yield Label("Checks (errors first; enter jumps to the place)", classes="pane-title")
        yield DataTable(id="check-table", cursor_type="row")
        # The chosen check in full: a long message is cut off in its table cell.
        yield Static("", id="check-detail", markup=False)
        yield Label("Clearances and approvals", classes="pane-title")
        yield DataTable(id="signoff-table", cursor_type="row")
        with Horizontal(classes="buttons", id="approval-buttons"):
            for name, label in BUTTONS:
                yield Button(SHORT.get(name, label), id=f"do-{name}", disabled=True, tooltip=label)
        yield Static("", id="action-reasons", markup=False)
        yield Label("", id="diff-label", classes="pane-title", markup=False)
        yield TextArea("", id="diff", read_only=True, soft_wrap=False, show_cursor=False)

    def on_mount(self) -> None:
        self.query_one("#check-table", DataTable).add_columns("Level", "Check", "Where", "Message")
        self.query_one("#signoff-table", DataTable).add_columns(
            "What", "Who", "When", "State", "Note"
        )
        self._show_identity()

    @property
    def library(self):
        return self.app.library

    def focus_first(self) -> None:
        self.query_one("#check-table", DataTable).focus()

    def _show_identity(self) -> None:
        person = self.library.people.get(self.app.user)
        who = (
            f"You are {one_line(person.name)} ({self.app.user}, {self.app.user_source})"
            if person
            else "newsroom does not know who you are"
        )
        key = getattr(self.app, "signing_key", None)
        signing = f"you sign with {key.path} ({key.source})" if key else "unsigned (no key)"
        self.query_one("#acting-as", Static).update(f"{who} · {signing}")

    def refresh_from(self, release: Release) -> None:
        self.release = release
        self._show_identity()
        self.request_checks()

    # -- assessment (thread worker) -----------------------------------------------

    def request_checks(self) -> None:
        if not self.is_mounted:
            return
        editor = self.screen
        read_only = getattr(editor, "read_only", "")
        self._assess(
            copy.deepcopy(self.release),
            self.app.user,
            bool(getattr(editor, "unsaved", False)),
            f"read-only: {read_only}" if read_only else "",
        )

    @work(thread=True, exclusive=True, group="assess")
    def _assess(self, release: Release, user: str, unsaved: bool, blocked: str) -> None:
        can_sign = getattr(self.app, "signing_key", None) is not None
        try:
            result = assess(
                release, self.library, user, unsaved, self.app.clock(), blocked, can_sign
            )
        except Exception as error:  # a half-made release must not break the pane
            self.app.call_from_thread(self.post_message, Notice(f"Checks could not run: {error}"))
            return
        self.post_message(self.Assessed(result))

    @on(Assessed)
    def _show(self, message: Assessed) -> None:
        message.stop()
        result = self.assessment = message.assessment
        counted = sum(
            1 for row in result.signoffs if row[0] == "approval" and row[3].startswith("valid")
        )
        needed = self.library.settings.rules.approvals_required
        self.query_one("#approval-status", Static).update(
            f"Status: {result.status} · approvals {counted}/{needed} · "
            f"digest {result.digest.removeprefix('sha256:')[:12]}"
        )
        checks = self.query_one("#check-table", DataTable)
        checks.clear()
        for index, row in enumerate(result.checks):
            level = "waived" if row.level == "error" and row.id in result.waived else row.level
            checks.add_row(level, row.id, literal(row.where), literal(row.message), key=str(index))
        if not result.checks:
            checks.add_row("ok", "—", "", "Every check passes.", key="none")
        signoffs = self.query_one("#signoff-table", DataTable)
        signoffs.clear()
        for what, who, when, state, note in result.signoffs:
            signoffs.add_row(what, literal(who), when, state, literal(one_line(note, 40)))
        reasons = []
        for name, label in BUTTONS:
            action = result.actions[name]
            self.query_one(f"#do-{name}", Button).disabled = not action.allowed
            if not action.allowed:
                reasons.append(f"{label}: {action.reason}")
        self.query_one("#action-reasons", Static).update("\n".join(reasons))
        self.query_one("#diff-label", Label).update(result.diff_label)
        diff = self.query_one("#diff", TextArea)
        if diff.text != result.diff:
            diff.load_text(result.diff)
        self.screen.refresh_bindings()

    @on(DataTable.RowHighlighted, "#check-table")
    def _check_in_full(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self.query_one("#check-detail", Static).update(self.check_detail(event.row_key.value))

    def check_detail(self, key: str | None) -> str:
        """The check under the cursor, whole: level, id, where and the message."""
        if self.assessment is None or key in (None, "none"):
            return ""
        index = int(str(key))
        if index >= len(self.assessment.checks):
            return ""
        row = self.assessment.checks[index]
        level = "waived" if row.level == "error" and row.id in self.assessment.waived else row.level
        where = f" ({one_line(row.where)})" if row.where else ""
        return f"{level} · {row.id}{where}: {one_line(row.message)}"

    @on(DataTable.RowSelected, "#check-table")
    async def _jump(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if self.assessment is None or event.row_key.value == "none":
            return
        result = self.assessment.checks[int(str(event.row_key.value))]
        field, line, quote = jump_target(result.where)
        if quote:
            self.screen.query_one("#panes").active = "quotes"
            quotes = await self.screen.pane("quotes")
            if self.release.quote(quote):
                quotes.select(quote)
            quotes.focus_first()
        elif field == "body":
            self.post_message(JumpTo(line=line))
        elif field:
            self.post_message(JumpTo(field=field))
        else:
            self.post_message(Notice(f"{result.id}: {result.message}"))

    # -- actions -----------------------------------------------------------------

    def allowed(self, name: str) -> bool:
        return bool(self.assessment and self.assessment.actions[name].allowed)

    def action_act(self, name: str) -> None:
        if not self.allowed(name):
            reason = self.assessment.actions[name].reason if self.assessment else "checking…"
            self.post_message(Notice(f"Not now: {reason}"))
            return
        if name == "submit":
            self._confirm_submit()
        elif name == "approve":
            self._ask_note(
                "Approve this version",
                "Note (optional)",
                False,
                lambda note: self.run_step(
                    "approve",
                    lambda wf, now: wf.approve(
                        self.release, self.library, self.app.user, note=note, now=now
                    ),
                ),
            )
        elif name == "record":
            self._ask_recorded()
        elif name == "request_changes":
            self._ask_note(
                "Request changes",
                "What needs to change",
                True,
                lambda note: self.run_step(
                    "request changes",
                    lambda wf, now: wf.request_changes(
                        self.release, self.library, self.app.user, note, now=now
                    ),
                ),
            )
        elif name == "clear":
            self._ask_clearance()
        elif name == "waive":
            from .waive import ask_waiver

            ask_waiver(self)

    def _confirm_submit(self) -> None:
        """u is one key away from typing: submitting asks first."""
        from ..screens.choice import ChoiceDialog

        def answered(answer: str | None) -> None:
            if answer == "submit":
                self.run_step(
                    "submit",
                    lambda wf, now: wf.submit(self.release, self.library, self.app.user, now=now),
                )

        self.app.push_screen(
            ChoiceDialog(
                f"Submit {self.release.slug} for review as it stands now?",
                [("submit", "Submit"), ("cancel", "Cancel")],
                id="submit-confirm",
            ),
            answered,
        )

    def _ask_note(self, title: str, label: str, required: bool, then) -> None:
        def done(values: Values | None) -> None:
            if values is not None:
                then(values["note"].strip())

        self.app.push_screen(
            FormDialog(
                title,
                [Field("note", label)],
                validate=(lambda v: None if v["note"].strip() else "Say what needs to change.")
                if required
                else None,
                id="note-form",
            ),
            done,
        )

    def record_clearance(self, quote_id: str | None = None) -> None:
        """Record a clearance from elsewhere (the quotes pane's c), saying why not."""
        editor = self.screen
        reason = ""
        if getattr(editor, "read_only", ""):
            reason = f"read-only: {editor.read_only}"
        elif getattr(editor, "unsaved", False):
            reason = "save first: sign-off is bound to what is on disk"
        elif self.app.user not in self.library.people:
            reason = "newsroom does not know who you are (set NEWSROOM_USER, or restart to say)"
        if reason:
            self.post_message(Notice(f"Not now: {reason}"))
            return
        self._ask_clearance(quote_id)

    def _ask_clearance(self, preferred: str | None = None) -> None:
        from ... import signoff, workflow

        waiting = [
            q
            for q in self.release.quotes
            if q.speaker
            and signoff.clearance_state(self.release, q, self.library) != workflow.CLEARED
        ]
        options = []
        for quote in waiting:
            person = self.library.people.get(quote.speaker)
            name = person.name if person else quote.speaker
            options.append((f"{quote.id} — {one_line(name)}: {one_line(quote.text, 40)}", quote.id))

        def speaker_of(quote_id: str) -> str:
            quote = self.release.quote(quote_id)
            return quote.speaker if quote else ""

        speakers = []
        for quote in waiting:
            person = self.library.people.get(quote.speaker)
            entry = (one_line(person.name if person else quote.speaker), quote.speaker)
            if entry not in speakers:
                speakers.append(entry)
        first = (
            preferred
            if preferred in {q.id for q in waiting}
            else (waiting[0].id if waiting else "")
        )

        def follow(form: FormDialog, name: str, values: Values) -> None:
            # The person who clears a quote is its speaker: follow the quote chosen.
            if name == "quote" and values["quote"]:
                form.query_one("#field-by", Select).value = speaker_of(values["quote"])

        def validate(values: Values) -> str | None:
            if not values["quote"]:
                return "Choose a quote."
            speaker = speaker_of(values["quote"])
            if values["by"] != speaker:
                person = self.library.people.get(speaker)
                return (
                    f"Only the speaker, {person.name if person else speaker}, can clear this quote."
                )
            return None

        def done(values: Values | None) -> None:
            if not values:
                return
            quote = self.release.quote(values["quote"])
            self.run_step(
                "record the clearance",
                lambda wf, now: wf.clear(
                    self.release,
                    self.library,
                    quote.id,
                    values["by"],
                    via=values["via"],
                    note=values["note"].strip(),
                    recorded_by=self.app.user,
                    now=now,
                ),
            )

        self.app.push_screen(
            FormDialog(
                "Record that the speaker cleared their words",
                [
                    Field("quote", "Quote", first, kind="select", options=options),
                    Field(
                        "by",
                        "Cleared by (the speaker)",
                        speaker_of(first) if first else "",
                        kind="select",
                        options=speakers,
                    ),
                    Field(
                        "via",
                        "How (channel)",
                        "email",
                        kind="select",
                        options=[(v, v) for v in workflow.CLEARANCE_VIA],
                    ),
                    Field("note", "Note (optional)"),
                ],
                validate=validate,
                on_change=follow,
                id="clear-form",
            ),
            done,
        )

    def _ask_recorded(self) -> None:
        """Record an approval someone gave by phone, email or in person: stored as theirs,
        recorded by you, and shown as recorded everywhere."""
        from ... import signoff, workflow

        options = [
            (one_line(p.name) or pid, pid)
            for pid, p in sorted(
                self.library.people.items(), key=lambda item: item[1].name.casefold()
            )
            if pid != self.app.user and signoff.may_approve(pid, self.library)
        ]

        def done(values: Values | None) -> None:
            if values:
                self.run_step(
                    "record the approval",
                    lambda wf, now: wf.approve(
                        self.release,
                        self.library,
                        values["person"],
                        recorded_by=self.app.user,
                        via=values["via"],
                        note=values["note"].strip(),
                        now=now,
                    ),
                )

        self.app.push_screen(
            FormDialog(
                "Record an approval given to you (it is kept as "
                "recorded by you, not as given in newsroom)",
                [
                    Field(
                        "person",
                        "Approved by",
                        options[0][1] if len(options) == 1 else "",
                        kind="select",
                        options=options,
                    ),
                    Field(
                        "via",
                        "Given via",
                        "phone",
                        kind="select",
                        options=[(v, v) for v in workflow.CLEARANCE_VIA],
                    ),
                    Field("note", "Note (what they said, when)"),
                ],
                validate=lambda v: None if v["person"] else "Choose who approved.",
                id="record-form",
            ),
            done,
        )

    def _ask_passphrase(self, problem: str, then) -> None:
        def done(values: Values | None) -> None:
            if values is not None:
                then(values["passphrase"])

        self.app.push_screen(
            FormDialog(
                problem,
                [Field("passphrase", "Passphrase", kind="password")],
                ok_label="Sign",
                id="passphrase-form",
            ),
            done,
        )

    def run_step(self, doing: str, step, passphrase: str | None = None) -> None:
        from ... import actions, workflow

        release = self.release
        before = (list(release.history), list(release.approvals), list(release.clearances))
        signed = _Signing(actions, getattr(self.app, "signing_key", None), passphrase)
        waivers = list(release.waivers)
        try:
            step(signed, self.app.clock())
        except workflow.NeedsPassphrase as error:
            release.history, release.approvals, release.clearances = before
            release.waivers = waivers
            self._ask_passphrase(
                f"{error}: its passphrase, to sign", lambda typed: self.run_step(doing, step, typed)
            )
            return
        except (workflow.WorkflowError, BundleError, OSError) as error:
            # Nothing was saved: take back what the step appended in memory.
            release.history, release.approvals, release.clearances = before
            release.waivers = waivers
            self.post_message(Notice(f"Could not {doing}: {error}"))
            self.request_checks()
            return
        said = "; ".join(signed.notes)
        self.post_message(Notice(f"Done: {doing}." + (f" ({said})" if said else "")))
        self.post_message(ReleaseEdited("workflow"))
        if len(release.history) > len(before[0]):
            # Saved; in a git work tree it also becomes a commit (in a thread).
            from ..gitcommit import commit_in_background

            event = release.history[-1]
            commit_in_background(
                self.app,
                release.slug,
                event.action,
                event.digest,
                approved_by=event.by if event.action == workflow.APPROVE else None,
                recorded_by=event.extra.get("recorded_by"),
                via=event.extra.get("via", ""),
            )

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        event.stop()
        name = (event.button.id or "").removeprefix("do-")
        self.action_act(name)


class _Signing:
    """The actions module, with approvals and clearances signed by the user's key.

    Every sign-off made in the pane goes through ``run_step`` and so through
    here: nobody has to remember to sign.
    """

    def __init__(self, actions, key, passphrase: str | None) -> None:
        from ...workflow import SignWith

        self._actions = actions
        self._sign = SignWith(key.path, passphrase, explicit=False) if key else None
        self.notes: list[str] = []

    def __getattr__(self, name: str):
        return getattr(self._actions, name)

    def approve(self, *args, **kwargs):
        return self._actions.approve(*args, key=self._sign, notes=self.notes, **kwargs)

    def clear(self, *args, **kwargs):
        return self._actions.clear(*args, sign=self._sign, notes=self.notes, **kwargs)

"""Drafting pane: the release's fields and its Markdown body."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from ...model import REFERENCE_PATTERN, Release
from ..messages import ReleaseEdited

WORDS_PER_MINUTE = 200
MAX_FLAGGED = 3  # unknown references listed under the body; the rest are counted

# (widget id, label, placeholder) for the one-line fields, in screen order.
LINE_FIELDS = [
    ("headline", "Headline", ""),
    ("standfirst", "Standfirst", "One sentence under the headline"),
    # Placeholders say what goes there; they are never a plausible value.
    ("place", "Dateline place", "Town or city"),
    ("date", "Dateline date", "YYYY-MM-DD"),
    ("embargo-date", "Embargo date", "YYYY-MM-DD (empty: no embargo)"),
    ("embargo-time", "Embargo time", "HH:MM"),
    ("embargo-zone", "Embargo timezone", "Europe/London"),
]
# Captions, notes to editors, contact, about and imprint: the details pane (F8).


def word_count(release: Release) -> int:
    """Words a reader meets: body prose plus the quotes it places."""
    words = 0
    for line in release.body.splitlines():
        match = REFERENCE_PATTERN.match(line)
        if match is None:
            words += len(line.split())
        elif match.group(1) == "quote":
            quote = release.quote(match.group(2))
            if quote is not None:
                words += len(quote.text.split())
    return words


def unknown_references(release: Release) -> list[str]:
    """One line per body line that places a quote or caption not in the release."""
    found = []
    for number, kind, ref_id in release.references():
        known = release.quote(ref_id) if kind == "quote" else release.caption(ref_id)
        if known is None and kind in {"quote", "caption"}:
            key = "ctrl+k" if kind == "quote" else "ctrl+g"
            found.append(
                f"Body line {number}: no {kind} called {ref_id!r} ({key} places one that exists)"
            )
    return found


def describe_count(words: int) -> str:
    minutes = max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0
    return f"{words} words · about {minutes} min to read"


def field_values(release: Release, default_zone: str) -> dict[str, str]:
    embargo_date = embargo_time = ""
    zone = release.embargo.timezone
    if release.embargo.until is not None:
        try:
            local = release.embargo.until.astimezone(ZoneInfo(zone or default_zone))
        except (ZoneInfoNotFoundError, ValueError, OSError):
            local = release.embargo.until
        embargo_date, embargo_time = local.date().isoformat(), local.strftime("%H:%M")
    return {
        "headline": release.headline,
        "standfirst": release.standfirst,
        "place": release.dateline.place,
        "date": release.dateline.date.isoformat() if release.dateline.date else "",
        "embargo-date": embargo_date,
        "embargo-time": embargo_time,
        "embargo-zone": zone,
    }


class BodyArea(TextArea):
    """The body's editor. Its own messages stop here: ``Changed`` and
    ``SelectionChanged`` would otherwise bubble through every container up to
    the app, on every keystroke, with nothing above listening. An edit is
    reported as one ``Edited`` posted straight to the drafting pane.
    """

    @dataclass
    class Edited(Message, bubble=False):
        """The body's text changed (read it from ``body`` when handled).

        A newer one still queued replaces an older: a burst of keystrokes the
        pane has not caught up with is copied into the release once.
        """

        body: BodyArea

        @property
        def control(self) -> BodyArea:
            return self.body

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BodyArea.Edited) and message.body is self.body

    # Every other editor has them; Textual's TextArea does not.
    BINDINGS = [
        Binding("ctrl+home", "document_start", "Start of the body", show=False),
        Binding("ctrl+end", "document_end", "End of the body", show=False),
        Binding("ctrl+shift+home", "document_start(True)", "Select to the start", show=False),
        Binding("ctrl+shift+end", "document_end(True)", "Select to the end", show=False),
    ]

    def action_document_start(self, select: bool = False) -> None:
        self.move_cursor(self.document.start, select=select)

    def action_document_end(self, select: bool = False) -> None:
        self.move_cursor(self.document.end, select=select)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        # Straight to the pane that owns the release: nothing in between listens.
        self.query_ancestor(DraftingPane).post_message(self.Edited(self))

    def on_text_area_selection_changed(self, event: TextArea.SelectionChanged) -> None:
        event.stop()

    # The cursor line is highlighted only while the body has focus: a body
    # that merely looks active drew typing meant for it into the headline.
    def on_focus(self) -> None:
        self.highlight_cursor_line = True

    def on_blur(self) -> None:
        self.highlight_cursor_line = False


class DraftingPane(Widget):
    """Edits go straight into the editor's release and are announced."""

    def __init__(self, release: Release, default_zone: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.release = release
        self.default_zone = default_zone
        self.problems: dict[str, str] = {}
        self._count = ""  # the word count as shown
        self.flagged = ""  # the unknown references as shown under the body

    def compose(self) -> ComposeResult:
        values = field_values(self.release, self.default_zone)
        with Horizontal(id="drafting-columns"):
            with VerticalScroll(id="drafting-fields", can_focus=False):
                for widget_id, label, placeholder in LINE_FIELDS:
                    yield Label(label, classes="field-label")
                    yield Input(
                        values[widget_id],
                        id=widget_id,
                        placeholder=placeholder,
                        compact=True,
                        select_on_focus=False,
                    )
                    # A field's error line is mounted under it by _set_problem
                    # when first needed: fewer widgets, cheaper keystrokes.
                yield Label("Internal notes (never published)", classes="field-label")
                yield TextArea(
                    self.release.internal_notes,
                    id="internal",
                    soft_wrap=True,
                    tab_behavior="focus",
                    classes="small-text",
                )
            with Vertical(id="body-column"):
                yield Label(
                    "Body (Markdown; ctrl+k places a quote, ctrl+g a caption)",
                    classes="field-label",
                )
                body = BodyArea.code_editor(
                    self.release.body,
                    language="markdown",
                    soft_wrap=True,
                    tab_behavior="focus",
                    theme="css",
                    id="body",
                    highlight_cursor_line=False,
                )
                yield body
                # #body-references, naming references to nothing, is mounted
                # under the body by update_references when first needed.
                self._count = describe_count(word_count(self.release))
                yield Static(self._count, id="word-count", markup=False)

    def on_mount(self) -> None:
        self._follow_theme(self.app.current_theme)
        self.app.theme_changed_signal.subscribe(self, self._follow_theme)

    def _follow_theme(self, theme) -> None:
        # The "css" TextArea theme takes the app's colours, but its syntax
        # colours are made for dark backgrounds; light themes get a light one.
        self.query_one("#body", TextArea).theme = "css" if theme.dark else "github_light"

    def load(self, release: Release) -> None:
        """Show another release (after a reload from disk)."""
        self.release = release
        for widget_id, value in field_values(release, self.default_zone).items():
            widget = self.query_one(f"#{widget_id}", Input)
            with widget.prevent(Input.Changed):
                widget.value = value
            self._set_problem(widget_id, "")
        for widget_id, text in (("internal", release.internal_notes), ("body", release.body)):
            area = self.query_one(f"#{widget_id}", TextArea)
            with area.prevent(TextArea.Changed):
                area.load_text(text)
        self.update_count()
        self.update_references()

    def update_count(self) -> None:
        count = describe_count(word_count(self.release))
        if count != self._count:
            self._count = count
            # One line of fixed height and full width: no layout pass needed.
            self.query_one("#word-count", Static).update(count, layout=False)

    def update_references(self) -> None:
        """Flag body lines that place a quote or caption the release does not have."""
        problems = unknown_references(self.release)
        text = "\n".join(problems[:MAX_FLAGGED])
        if len(problems) > MAX_FLAGGED:
            text += f"\n…and {len(problems) - MAX_FLAGGED} more (see the approval pane, F5)"
        if text == self.flagged:
            return
        self.flagged = text
        flag = next(iter(self.query("#body-references")), None)
        if flag is None:
            body = self.query_one("#body")
            body.parent.mount(
                Static(text, id="body-references", classes="field-error", markup=False), after=body
            )
        else:
            flag.update(text)
            flag.display = bool(text)

    def _announce(self, what: str) -> None:
        # Straight to the editor screen: nothing between the pane and it listens.
        self.screen.post_message(ReleaseEdited(what))

    def _set_problem(self, widget_id: str, problem: str) -> None:
        if problem:
            self.problems[widget_id] = problem
        else:
            self.problems.pop(widget_id, None)
        field = self.query_one(f"#{widget_id}", Input)
        error = next(iter(self.query(f"#{widget_id}-error")), None)
        if error is not None:
            error.update(problem)
            # Shown only while there is a problem (Textual's :empty means "no
            # displayed children", not "no text", so CSS cannot say this).
            error.display = bool(problem)
        elif problem:
            field.parent.mount(
                Static(problem, id=f"{widget_id}-error", classes="field-error", markup=False),
                after=field,
            )
        field.set_class(bool(problem), "-invalid")

    # -- edits -----------------------------------------------------------------

    @on(BodyArea.Edited)
    def _body_edited(self) -> None:
        if self.sync_body():
            self._announce("body")

    def sync_body(self) -> bool:
        """Copy the body's text into the release now; whether it had changed.

        Edits arrive as messages; a save or a quit calls this first so that
        keys already typed but not yet reported are never left out.
        """
        text = self.query_one("#body", BodyArea).text
        if text == self.release.body:
            return False
        self.release.body = text
        return True

    @on(TextArea.Changed, "#internal")
    def _internal_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        if event.text_area.text != self.release.internal_notes:
            self.release.internal_notes = event.text_area.text
            self._announce("internal")

    @on(Input.Changed)
    def _field_changed(self, event: Input.Changed) -> None:
        event.stop()
        widget_id = event.input.id or ""
        if widget_id.startswith("embargo-"):
            changed = self._apply_embargo()
        elif widget_id == "date":
            changed = self._apply_date(event.value)
        else:
            changed = self._apply_text(widget_id, event.value)
        if changed:
            self._announce(widget_id)

    def _apply_text(self, widget_id: str, value: str) -> bool:
        release = self.release
        targets = {
            "headline": (release, "headline"),
            "standfirst": (release, "standfirst"),
            "place": (release.dateline, "place"),
        }
        if widget_id not in targets:
            return False
        target, attribute = targets[widget_id]
        if getattr(target, attribute) == value:
            return False
        setattr(target, attribute, value)
        return True

    def _apply_date(self, value: str) -> bool:
        value = value.strip()
        try:
            parsed = date.fromisoformat(value) if value else None
        except ValueError:
            self._set_problem("date", "Not a date: write it as YYYY-MM-DD, e.g. 2026-11-24.")
            return False
        self._set_problem("date", "")
        if parsed == self.release.dateline.date:
            return False
        self.release.dateline.date = parsed
        return True

    def _apply_embargo(self) -> bool:
        raw_date = self.query_one("#embargo-date", Input).value.strip()
        raw_time = self.query_one("#embargo-time", Input).value.strip()
        zone_name = self.query_one("#embargo-zone", Input).value.strip()
        for widget_id in ("embargo-date", "embargo-time", "embargo-zone"):
            self._set_problem(widget_id, "")
        try:
            # A zone typed halfway ("Europe") names a folder: OSError, not NotFound.
            zone = ZoneInfo(zone_name or self.default_zone)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            self._set_problem(
                "embargo-zone", f"Unknown timezone; use a name such as {self.default_zone}."
            )
            return False
        until = None
        if raw_date or raw_time:
            try:
                day = date.fromisoformat(raw_date)
            except ValueError:
                self._set_problem("embargo-date", "Not a date: write it as YYYY-MM-DD.")
                return False
            try:
                clock = time.fromisoformat(raw_time) if raw_time else None
            except ValueError:
                clock = None
            if clock is None:
                self._set_problem("embargo-time", "Give a time as HH:MM, e.g. 00:01.")
                return False
            until = datetime.combine(day, clock, zone)
        embargo = self.release.embargo
        if until == embargo.until and zone_name == embargo.timezone:
            return False
        embargo.until, embargo.timezone = until, zone_name
        return True


def _focus_first(self: DraftingPane) -> None:
    self.query_one("#headline", Input).focus()


DraftingPane.focus_first = _focus_first  # type: ignore[attr-defined]

"""Import: paste a plain-text release, see what was recognised, create the bundle.

Left, the pasted text (a TextArea); right, the same account of what was
recognised that ``newsroom import`` prints, recomputed in a worker a moment
after typing stops. The headline and slug can be adjusted before Create,
which writes the bundle (and any new people) and dismisses with the slug.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Button, Footer, Header, Input, Label, Static, TextArea

from ...errors import BundleError
from ...importer import (
    MAX_BYTES,
    Correction,
    ImportResult,
    apply_corrections,
    create_bundle,
    export_for_check,
    import_text,
    lost_words,
)
from ...importer.corrections import BODY, MERGE, ROLE, SPEAKER, SPLIT, describe
from ...model import slug_problem, slugify
from ..text import literal
from .form import Field, FormDialog

# Recognise once typing pauses for this long (seconds).
DEBOUNCE = 0.3


class ImportScreen(Screen[str | None]):
    """Dismisses with the new release's slug, or None when cancelled."""

    DEFAULT_CSS = """
    ImportScreen #import-panes { height: 1fr; }
    ImportScreen #import-paste { width: 1fr; }
    ImportScreen #import-side { width: 1fr; padding: 0 1; }
    ImportScreen #import-recognised { height: 1fr; border: round $primary; }
    ImportScreen #import-buttons { height: auto; }
    ImportScreen #import-buttons Button { margin-right: 2; }
    ImportScreen #import-message { color: $warning; height: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "create", "Create"),
        Binding("ctrl+o", "correct", "Correct a quote"),
        Binding("escape", "cancel", "Cancel"),
    ]

    @dataclass
    class Recognised(Message, bubble=False):
        """A worker finished recognising ``text`` (for this screen only)."""

        text: str
        result: ImportResult | None
        problem: str

    def __init__(self, text: str = "") -> None:
        super().__init__(id="import")
        self._initial = text
        self._timer: Timer | None = None
        self.result: ImportResult | None = None
        self.result_text: str | None = None
        self._proposed_slug = ""
        self._proposed_headline = ""
        # Speaker, role and boundary corrections, applied to every fresh result.
        self.corrections: list[Correction] = []
        self.correction_problems: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="import-panes"):
            yield TextArea(self._initial, id="import-paste", soft_wrap=True)
            with Vertical(id="import-side"):
                with VerticalScroll(id="import-recognised"):
                    yield Static(
                        "Paste a press release on the left.", id="import-summary", markup=False
                    )
                yield Label("Headline")
                yield Input(id="import-headline")
                yield Label("Slug (the folder name)")
                yield Input(id="import-slug")
                with Horizontal(id="import-buttons"):
                    yield Button("Create", id="import-create", variant="primary")
                    yield Button("Cancel", id="import-cancel")
                yield Static("", id="import-message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Import a release"
        self.query_one("#import-paste", TextArea).focus()
        if self._initial:
            self.recognise(self._initial)

    # -- recognising as you type ----------------------------------------------

    @on(TextArea.Changed, "#import-paste")
    def _text_changed(self, event: TextArea.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        text = event.text_area.text
        self._timer = self.set_timer(DEBOUNCE, lambda: self.recognise(text))

    @work(thread=True, exclusive=True, group="import-recognise")
    def recognise(self, text: str) -> None:
        library = self.app.library
        if library is None:
            self.post_message(self.Recognised(text, None, "No library is open."))
            return
        if not text.strip():
            self.post_message(self.Recognised(text, None, ""))
            return
        if len(text.encode("utf-8")) > MAX_BYTES:
            self.post_message(
                self.Recognised(
                    text,
                    None,
                    f"This is larger than {MAX_BYTES // 1000} kB: paste one release at a time.",
                )
            )
            return
        try:
            result = import_text(
                text, library.people, today=self.app.today(), settings=library.settings
            )
        except Exception as error:  # a parser bug must not take the screen down
            self.post_message(self.Recognised(text, None, f"Could not read this text: {error}"))
            return
        self.post_message(self.Recognised(text, result, ""))

    @on(Recognised)
    def _recognised(self, message: Recognised) -> None:
        if message.text != self.query_one("#import-paste", TextArea).text:
            return  # typing moved on; a newer result is on its way
        self.result, self.result_text = message.result, message.text
        summary = self.query_one("#import-summary", Static)
        if message.result is None:
            summary.update(literal(message.problem or "Paste a press release on the left."))
            return
        self.correction_problems = apply_corrections(message.result, self.corrections)
        lines = message.result.summary_lines()
        lines += [f"Correction:  {c}" for c in self.correction_problems]
        summary.update(literal("\n".join(lines)))
        headline = message.result.release.headline
        slug = message.result.release.slug
        # Fields follow the text until someone edits them by hand.
        headline_input = self.query_one("#import-headline", Input)
        if headline_input.value == self._proposed_headline:
            headline_input.value = self._proposed_headline = headline
        slug_input = self.query_one("#import-slug", Input)
        if slug_input.value == self._proposed_slug:
            slug_input.value = self._proposed_slug = slug

    @on(Input.Changed, "#import-headline")
    def _headline_changed(self, event: Input.Changed) -> None:
        slug_input = self.query_one("#import-slug", Input)
        if event.value != self._proposed_headline and slug_input.value == self._proposed_slug:
            release = self.result.release if self.result else None
            day = release.dateline.date if release and release.dateline.date else self.app.today()
            slug_input.value = self._proposed_slug = slugify(event.value, prefix=day.isoformat())

    # -- creating ----------------------------------------------------------------

    def say(self, text: str) -> None:
        self.query_one("#import-message", Static).update(literal(text))

    @on(Button.Pressed, "#import-create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#import-cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_correct(self) -> None:
        """Correct one quote's speaker, role or boundaries before anything is written."""
        if self.result is None or not self.result.release.quotes:
            self.say("No quotes recognised yet: nothing to correct.")
            return
        self.app.push_screen(correction_form(self.result), self._corrected)

    def _corrected(self, values: dict[str, str] | None) -> None:
        if not values or self.result is None or self.result_text is None:
            return
        correction = Correction(values["kind"], values["quote"], values["value"].strip())
        self.corrections.append(correction)
        self.say(f"Corrected: {describe(correction)}")
        # Recognise again from the text, with every correction so far.
        self.recognise(self.result_text)

    def action_create(self) -> None:
        library = self.app.library
        if library is None:
            self.say("No library is open: nothing can be created.")
            return
        text = self.query_one("#import-paste", TextArea).text
        if not text.strip():
            self.say("Paste a press release first.")
            return
        if len(text.encode("utf-8")) > MAX_BYTES:
            self.say(f"This is larger than {MAX_BYTES // 1000} kB: paste one release at a time.")
            return
        headline = " ".join(self.query_one("#import-headline", Input).value.split())
        slug = self.query_one("#import-slug", Input).value.strip()
        if not headline:
            self.say("A release needs a headline.")
            return
        problem = slug_problem(slug)
        if problem:
            self.say(problem)
            return
        if library.exists(slug):
            self.say(f"A release called {slug!r} already exists.")
            return
        result = self.result
        if result is None or self.result_text != text:
            # Create pressed before the debounce fired: recognise now.
            result = import_text(
                text, library.people, today=self.app.today(), settings=library.settings
            )
            apply_corrections(result, self.corrections)
        lost = lost_words(result, export_for_check(result, library))
        if lost:
            self.say(
                "Not created: the import would lose words (starting at: "
                + " ".join(lost)
                + "). Please report this."
            )
            return
        result.release.headline = headline
        try:
            create_bundle(library, result, slug)
        except (BundleError, OSError) as error:
            self.say(f"Not created: {error}")
            return
        self.dismiss(slug)


def correction_form(result: ImportResult) -> FormDialog:
    quotes = []
    for report in result.quotes:
        who = report.speaker_name or "nobody"
        quotes.append((f"{report.quote_id} (line {report.line}): {who}", report.quote_id))
    kinds = [
        ("Speaker is… (name below)", SPEAKER),
        ("Role is… (below)", ROLE),
        ("Join the quote before", MERGE),
        ("Split after paragraph… (number below)", SPLIT),
        ("Not a quote: body text", BODY),
    ]

    def validate(values: dict[str, str]) -> str | None:
        if not values["quote"] or not values["kind"]:
            return "Choose a quote and a correction."
        if values["kind"] in {SPEAKER, SPLIT} and not values["value"].strip():
            return "This correction needs a value: a name or a paragraph number."
        return None

    return FormDialog(
        "Correct a quote",
        [
            Field("quote", "Quote", quotes[0][1], kind="select", options=quotes),
            Field("kind", "Correction", SPEAKER, kind="select", options=kinds),
            Field("value", "Name, role or paragraph number", ""),
        ],
        validate=validate,
        id="import-correction",
    )

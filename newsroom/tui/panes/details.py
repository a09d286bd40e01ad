"""Details pane (F8): captions, notes to editors, media contact, about and imprint:
everything published that is not the headline, dateline, body or quotes."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, TextArea

from ...model import Release
from ..messages import ReleaseEdited
from .captions import CaptionsPane
from .notes import NotesPane

# (widget id, label, Contact attribute) for the media contact's one-line fields.
CONTACT_FIELDS = [
    ("contact-name", "Media contact: name", "name"),
    ("contact-role", "Media contact: role", "role"),
    ("contact-phone", "Media contact: phone", "phone"),
    ("contact-email", "Media contact: email", "email"),
]
# (widget id, label, Release attribute) for the longer texts.
TEXT_FIELDS = [
    ("about", "About (the boilerplate under ENDS)", "about"),
    (
        "imprint",
        "Imprint (digital imprint, e.g. “Promoted by A on behalf of B, both at ADDRESS”)",
        "imprint",
    ),
]

# What a check's "jump to" may name here (the editor shows this pane for them).
DETAILS_WIDGETS = {w for w, _, _ in CONTACT_FIELDS + TEXT_FIELDS} | {"caption-table", "note-table"}


class DetailsPane(VerticalScroll):
    """Edits go straight into the editor's release and are announced."""

    # Parts with keys of their own, listed by F1 before the pane is first shown.
    PARTS = (CaptionsPane, NotesPane)

    def __init__(self, release: Release, **kwargs) -> None:
        super().__init__(can_focus=False, **kwargs)
        self.release = release

    def compose(self) -> ComposeResult:
        yield CaptionsPane(self.release, id="captions-part")
        yield NotesPane(self.release, id="notes-part")
        for widget_id, label, attribute in CONTACT_FIELDS:
            yield Label(label, classes="field-label")
            yield Input(
                getattr(self.release.contact, attribute),
                id=widget_id,
                compact=True,
                select_on_focus=False,
            )
        for widget_id, label, attribute in TEXT_FIELDS:
            yield Label(label, classes="field-label")
            yield TextArea(
                getattr(self.release, attribute),
                id=widget_id,
                soft_wrap=True,
                tab_behavior="focus",
                classes=f"details-{widget_id}",
            )

    @property
    def captions(self) -> CaptionsPane:
        return self.query_one(CaptionsPane)

    def focus_first(self) -> None:
        self.query_one("#caption-table").focus()

    def refresh_from(self, release: Release) -> None:
        """Show ``release`` (after a reload from disk, a restore or a save)."""
        self.release = release
        self.captions.refresh_from(release)
        self.query_one(NotesPane).refresh_from(release)
        for widget_id, _, attribute in CONTACT_FIELDS:
            widget = self.query_one(f"#{widget_id}", Input)
            value = getattr(release.contact, attribute)
            if widget.value != value:
                with widget.prevent(Input.Changed):
                    widget.value = value
        for widget_id, _, attribute in TEXT_FIELDS:
            area = self.query_one(f"#{widget_id}", TextArea)
            if area.text != getattr(release, attribute):
                with area.prevent(TextArea.Changed):
                    area.load_text(getattr(release, attribute))

    # -- edits -----------------------------------------------------------------

    @on(Input.Changed)
    def _contact_changed(self, event: Input.Changed) -> None:
        event.stop()
        attribute = dict((w, a) for w, _, a in CONTACT_FIELDS).get(event.input.id or "")
        if attribute and getattr(self.release.contact, attribute) != event.value:
            setattr(self.release.contact, attribute, event.value)
            self.screen.post_message(ReleaseEdited(event.input.id or "contact"))

    @on(TextArea.Changed)
    def _text_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        attribute = dict((w, a) for w, _, a in TEXT_FIELDS).get(event.text_area.id or "")
        if attribute and getattr(self.release, attribute) != event.text_area.text:
            setattr(self.release, attribute, event.text_area.text)
            self.screen.post_message(ReleaseEdited(attribute))

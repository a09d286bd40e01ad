"""Preview: the plain-text export exactly as it would be sent.

Rendering runs in a thread worker, never on the keystroke path; the editor
asks for it after a short pause in typing. The text is shown in a read-only
TextArea, so nothing in it is ever read as markup.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, TextArea

from ...model import Release
from .drafting import unknown_references


class PreviewPane(Vertical):
    @dataclass
    class Rendered(Message, bubble=False):
        """The worker's text, for this pane only."""

        text: str

    def compose(self) -> ComposeResult:
        yield Label("Preview — plain text as sent (f6 hides)", classes="pane-title")
        # Lines are already wrapped at the export width; soft wrap only
        # matters where the preview is narrower, and then no text is cut off.
        yield TextArea("", id="preview-text", read_only=True, soft_wrap=True, show_cursor=False)

    @property
    def text(self) -> str:
        return self.query_one("#preview-text", TextArea).text

    def request(self, release: Release) -> None:
        # A snapshot: the worker must not read a release the UI thread is editing.
        self._build_preview(copy.deepcopy(release))

    @work(thread=True, exclusive=True, group="preview")
    def _build_preview(self, release: Release) -> None:
        from ... import signoff, workflow
        from ...export import export_text

        library = self.app.library
        try:
            final = signoff.status(release, library) in {workflow.APPROVED, workflow.PUBLISHED}
            text = export_text(release, library, draft=not final)
        except Exception as error:  # a half-typed release must not kill the preview
            text = f"(The preview cannot be shown yet: {error})"
        # The export skips a reference to nothing; the preview says so instead.
        missing = unknown_references(release)
        if missing:
            text = "\n".join(f"(Not shown: {line})" for line in missing) + "\n\n" + text
        self.post_message(self.Rendered(text))

    def on_preview_pane_rendered(self, message: Rendered) -> None:
        area = self.query_one("#preview-text", TextArea)
        if area.text != message.text:
            scroll = area.scroll_offset
            area.load_text(message.text)
            area.scroll_to(scroll.x, scroll.y, animate=False)

"""Quotes and captions placed in the body: ``{{< quote ID >}}`` lines at the cursor.

``BodyReferences`` is a mixin of ``EditorScreen`` (ctrl+k, ctrl+g, and the
quotes and captions panes when a placed one is deleted).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import TabbedContent, TextArea

from ...model import reference_line


class BodyReferences:
    """EditorScreen mixin: put quote and caption lines into the body, take them out."""

    async def action_insert_quote(self) -> None:
        quotes = await self.pane("quotes")
        self._place("quote", quotes.selected_id(), quotes.new_quote)

    async def action_insert_caption(self) -> None:
        captions = (await self.pane("details")).captions
        self._place("caption", captions.selected_id(), captions.new_caption)

    def _place(self, kind: str, preferred: str | None, create: Callable[..., object]) -> None:
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

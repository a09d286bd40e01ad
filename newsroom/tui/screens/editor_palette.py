"""The editor's palette: every command calls a method of the editor or of a pane.

Pane commands go through ``EditorScreen.in_pane``, which shows the pane
(mounting it on first use) and then calls the pane's method on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

from ..commands import Command
from ..panes.approval import ApprovalPane
from ..panes.notes import NotesPane

# (pane, title, help, what to call on the pane), in the palette's order.
PaneAct = Callable[[Any], object]
PANE_ACTIONS: list[tuple[str, str, str, PaneAct]] = [
    ("quotes", "New quote", "Words, speaker and introduction", lambda p: p.action_new()),
    ("quotes", "Edit the selected quote", "In the quotes pane", lambda p: p.action_edit()),
    (
        "quotes",
        "Delete the selected quote",
        "Asks when the body places it",
        lambda p: p.action_delete(),
    ),
    ("details", "New caption", "Text and credit", lambda p: p.captions.action_new()),
    (
        "details",
        "Edit the selected caption",
        "In the details pane",
        lambda p: p.captions.action_edit(),
    ),
    (
        "details",
        "Delete the selected caption",
        "Asks when the body places it",
        lambda p: p.captions.action_delete(),
    ),
    (
        "details",
        "Add a note to editors",
        "After the selected one",
        lambda p: p.query_one(NotesPane).action_add(),
    ),
    (
        "details",
        "Edit the selected note to editors",
        "",
        lambda p: p.query_one(NotesPane).action_edit(),
    ),
    (
        "details",
        "Move the note to editors up",
        "",
        lambda p: p.query_one(NotesPane).action_move(-1),
    ),
    (
        "details",
        "Move the note to editors down",
        "",
        lambda p: p.query_one(NotesPane).action_move(1),
    ),
    (
        "details",
        "Remove the selected note to editors",
        "",
        lambda p: p.query_one(NotesPane).action_remove(),
    ),
    ("attribution", "Add a person", "Saved to people.toml", lambda p: p.action_add()),
    ("attribution", "Edit the selected person", "Saved to people.toml", lambda p: p.action_edit()),
    (
        "attribution",
        "Make the person the speaker",
        "Of the quote chosen in the attribution pane",
        lambda p: p.action_set_speaker(),
    ),
    (
        "attribution",
        "Refresh the quote's role",
        "From the people directory",
        lambda p: p.action_refresh_role(),
    ),
]
# Sign-off: (the approval pane's action name, title, help). Offered only when
# the pane's last checks allow it; the pane says why not otherwise.
SIGN_OFF = [
    ("submit", "Submit for review", "Runs the checks"),
    ("clear", "Record a clearance", "The speaker's OK"),
    ("approve", "Approve", "This exact version"),
    ("request_changes", "Request changes", "With a note"),
    ("waive", "Waive a blocking check", "As an approver, with a reason; any edit makes it stale"),
]


class EditorPalette:
    """Mixin for ``EditorScreen``: its palette, each command calling one of its methods."""

    def palette(self) -> Iterator[Command]:
        """What the palette offers in ``editor`` now."""
        editor: Any = self  # the screen this mixin is part of
        back = Command(
            "Back to the library", "Asks first when there are unsaved changes", editor.action_back
        )
        if editor.release is None:
            yield back  # the release could not be read: nothing else applies
            return
        app = editor.app
        pane = editor.action_pane
        yield Command("Save", "Write release.toml and body.md", editor.action_save)
        yield Command(
            "Drafting pane", "Headline, dateline, embargo, body", partial(pane, "drafting")
        )
        yield Command("Quotes pane", "Create, edit and place quotes", partial(pane, "quotes"))
        yield Command(
            "Attribution pane", "People directory and speakers", partial(pane, "attribution")
        )
        yield Command("Approval pane", "Checks, clearances, approvals", partial(pane, "approval"))
        yield Command(
            "Details pane",
            "Captions, notes to editors, media contact, about, imprint",
            partial(pane, "details"),
        )
        yield Command("Media pane", "Pictures: add, credit, caption", partial(pane, "media"))
        yield Command(
            "Insert picture at cursor",
            "Place the picture chosen in the media pane",
            partial(editor.in_pane, "media", lambda media: media.action_insert()),
        )
        yield Command(
            "Show or hide the preview", "The plain-text export, live", editor.action_toggle_preview
        )
        yield Command(
            "History", "Who did what, and which version they approved", editor.action_history
        )
        yield Command(
            "Insert quote at cursor",
            "Place a quote at the body's cursor",
            editor.action_insert_quote,
        )
        yield Command(
            "Insert caption at cursor",
            "Place a caption at the body's cursor",
            editor.action_insert_caption,
        )
        yield Command("Export", "Any format, to a file or the clipboard", editor.action_export)
        yield Command(
            "Send to the press list", "One message per journalist, now or later", editor.action_send
        )
        yield back
        yield Command(
            "Settings", "Edit newsroom.toml; the checks follow at once", app.action_settings
        )
        yield Command("People", "Add, edit and remove people in people.toml", app.action_people)
        # The panes' own actions, so the palette reaches everything.
        for name, title, help_text, act in PANE_ACTIONS:
            yield Command(title, help_text, partial(editor.in_pane, name, act))
        approval = editor.mounted_pane(ApprovalPane)
        for name, title, help_text in SIGN_OFF:
            if approval is not None and approval.allowed(name):
                act = partial(ApprovalPane.action_act, name=name)
                yield Command(title, help_text, partial(editor.in_pane, "approval", act))

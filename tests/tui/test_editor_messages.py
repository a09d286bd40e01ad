"""Issue 17: dataclass messages, body edits as messages, saving in a worker, palette calls."""

from __future__ import annotations

import asyncio
import dataclasses
import importlib
import inspect
import threading
import time
from pathlib import Path

from textual import events
from textual.message import Message
from textual.widgets import TextArea

import newsroom
from newsroom.bundle import Library
from newsroom.tui.commands import Command, NewsroomCommands
from newsroom.tui.messages import JumpTo, Notice, ReleaseEdited
from newsroom.tui.panes.drafting import BodyArea

from .conftest import LIDO, open_editor, settle, type_text, wait_until

TUI = Path(newsroom.__file__).parent / "tui"


def tui_messages() -> list[type[Message]]:
    found = []
    for path in sorted(TUI.rglob("*.py")):
        module = importlib.import_module(
            ".".join(path.relative_to(TUI.parent.parent).with_suffix("").parts)
        )
        for value in vars(module).values():
            if not inspect.isclass(value) or value.__module__ != module.__name__:
                continue
            for cls in (value, *vars(value).values()):
                if inspect.isclass(cls) and issubclass(cls, Message):
                    found.append(cls)
    return found


def test_every_message_of_ours_is_a_dataclass():
    # keyboard.TypedKey extends Textual's events.Key, whose own __init__ (not a
    # dataclass) sets up the key's aliases: it keeps a hand-written one.
    messages = [m for m in tui_messages() if not issubclass(m, events.Key)]
    assert len(messages) >= 12
    assert [m.__qualname__ for m in messages if not dataclasses.is_dataclass(m)] == []


def test_pane_messages_bubble_and_worker_results_stay_local():
    from newsroom.tui.panes.approval import ApprovalPane
    from newsroom.tui.panes.preview import PreviewPane
    from newsroom.tui.screens.editor import EditorScreen
    from newsroom.tui.screens.history import HistoryScreen
    from newsroom.tui.screens.import_screen import ImportScreen
    from newsroom.tui.screens.library import LibraryScreen
    from newsroom.tui.screens.library_search import Searched

    assert all(m.bubble for m in (ReleaseEdited, JumpTo, Notice))
    local = (
        PreviewPane.Rendered,
        ApprovalPane.Assessed,
        LibraryScreen.Loaded,
        Searched,
        HistoryScreen.Loaded,
        ImportScreen.Recognised,
        EditorScreen.Saved,
        BodyArea.Edited,
    )
    assert not any(m.bubble for m in local)


def test_a_newer_edit_replaces_an_older_one_of_the_same_kind():
    assert ReleaseEdited("body").can_replace(ReleaseEdited("body"))
    assert not ReleaseEdited("body").can_replace(ReleaseEdited("quotes"))
    assert not ReleaseEdited("body").can_replace(Notice("body"))
    body, other = BodyArea(), BodyArea()
    assert BodyArea.Edited(body).can_replace(BodyArea.Edited(body))
    assert not BodyArea.Edited(body).can_replace(BodyArea.Edited(other))


def test_no_repeating_timer_but_the_editors_disk_clock():
    uses = [
        f"{path.name}:{number}"
        for path in sorted(TUI.rglob("*.py"))
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if "set_interval(" in line
    ]
    assert len(uses) == 1 and uses[0].startswith("editor.py:"), uses


class SlowDisk:
    """Library.save held until ``release()``: the disk is slow."""

    def __init__(self, monkeypatch) -> None:
        self.started = threading.Event()
        self.gate = threading.Event()
        real = Library.save

        def save(library, release, **kwargs):
            self.started.set()
            self.gate.wait(60)
            return real(library, release, **kwargs)

        monkeypatch.setattr(Library, "save", save)

    def release(self) -> None:
        self.gate.set()


async def until(pilot, condition, timeout: float = 15.0) -> None:
    """Wait for ``condition`` without waiting on workers (one is held on purpose)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition never became true"
        await pilot.pause(0.02)


async def test_typing_goes_on_during_a_slow_save_and_stays_unsaved(make_app, drafts, monkeypatch):
    disk = SlowDisk(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            editor = await open_editor(pilot, LIDO)
            body = editor.query_one("#body", TextArea)
            body.focus()
            body.move_cursor((0, 0))
            await type_text(pilot, "First. ")
            await pilot.press("ctrl+s")
            await until(pilot, disk.started.is_set)
            # The save is stuck on the disk; the body still takes keys.
            await type_text(pilot, "Second. ")
            await until(pilot, lambda: body.text.startswith("First. Second. "))
            assert editor.saving and editor.unsaved
        finally:
            disk.release()
        await wait_until(pilot, lambda: not editor.saving)
        # What was saved is the snapshot taken at ctrl+s; what came after is unsaved.
        assert (drafts / LIDO / "body.md").read_text("utf-8").startswith("First. Hollinsbury")
        assert editor.unsaved and "unsaved" in editor.sub_title
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: not editor.saving and not editor.unsaved)
    assert (drafts / LIDO / "body.md").read_text("utf-8").startswith("First. Second. Hollinsbury")


async def test_quitting_while_a_save_is_on_its_way_waits_for_it(make_app, drafts, monkeypatch):
    disk = SlowDisk(monkeypatch)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            editor = await open_editor(pilot, LIDO)
            body = editor.query_one("#body", TextArea)
            body.focus()
            body.move_cursor((0, 0))
            await type_text(pilot, "Kept. ")
            await pilot.press("ctrl+s")
            await until(pilot, disk.started.is_set)
            await pilot.press("ctrl+q")
            for _ in range(5):
                await pilot.pause()
            assert app.return_code is None  # still here: the save has not landed
        finally:
            disk.release()
        deadline = time.monotonic() + 15
        while app.return_code is None:
            assert time.monotonic() < deadline, "the app never quit after the save"
            await asyncio.sleep(0.02)
    assert app.return_code == 0
    assert (drafts / LIDO / "body.md").read_text("utf-8").startswith("Kept. Hollinsbury")


async def test_palette_commands_are_calls_not_action_strings(make_app):
    app = make_app(user="priya-raman")
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot, LIDO)
        for screen in (app.screen_stack[-2], editor):
            commands = list(NewsroomCommands(screen)._commands())
            assert commands and all(isinstance(c, Command) for c in commands)
            assert all(callable(c.run) and not isinstance(c.run, str) for c in commands)
        # A pane action from the palette, as a person runs it: the note moves down.
        notes = list(editor.release.notes_to_editors)
        assert len(notes) > 1
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"move the note to editors down")
        await settle(pilot, 0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: editor.release.notes_to_editors[:2] == notes[1::-1])
        assert editor.unsaved

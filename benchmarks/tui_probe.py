"""One TUI measurement in a fresh process, for benchmarks/run.py.

    python benchmarks/tui_probe.py MODE ARGS...

Modes (the last line printed is a JSON report; "at" is time.time() when the
measured moment was reached, so the caller can time from process start):

    newsroom-first-frame DRAFTS N   the library screen showing all N rows
    bare-first-frame N              a bare app with N rows in a DataTable
    newsroom-filter DRAFTS N        keystrokes in the library filter
    newsroom-editor DRAFTS          keystrokes in the body of the 5,000-word release
    bare-editor DRAFTS              the same keystrokes in a bare TextArea

Headless ``App.run_test``; a frame counts as shown after ``pilot.pause()``
lets the app go idle with the rows in the table.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TIMEOUT = 600.0
FILTER_KEYS = ["l", "i", "d", "o", "backspace", "backspace", "backspace", "backspace"]
EDITOR_KEYS = list("the council ") * 2
KEY_GAP = 0.06  # seconds between keystrokes: brisk typing, so debounced work lands among them


def report(**values: object) -> None:
    values.setdefault("rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    print(json.dumps(values), flush=True)


async def wait_for(pilot, condition, what: str) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        await pilot.pause(0.01)


def library_table(app):
    from textual.widgets import DataTable

    from newsroom.tui.screens.library import LibraryScreen

    screen = app.screen
    if not isinstance(screen, LibraryScreen):
        return None
    try:
        return screen.query_one(DataTable)
    except Exception:
        return None


async def newsroom_first_frame(drafts: str, rows: int, then=None) -> None:
    from newsroom.tui.app import NewsroomApp

    app = NewsroomApp(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: (t := library_table(app)) is not None
                       and t.row_count >= rows, f"{rows} rows in the library table")
        await pilot.pause()
        at = time.time()
        if then is None:
            report(at=at, rows=library_table(app).row_count)
        else:
            await then(app, pilot)


async def bare_first_frame(rows: int) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            for name in ("Status", "Date", "Headline", "Speakers", "Approvals"):
                table.add_column(name)
            for number in range(rows):
                table.add_row("draft", "2026-11-24",
                              f"Residents urged to respond as the council consults {number}",
                              "Cllr Amira Okafor, Tom Whitfield", "0/1", key=str(number))

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.query_one(DataTable).row_count >= rows, "rows")
        await pilot.pause()
        report(at=time.time(), rows=app.query_one(DataTable).row_count)


async def newsroom_filter(drafts: str, rows: int) -> None:
    async def typing(app, pilot) -> None:
        table = library_table(app)
        await pilot.press("slash")
        await pilot.pause()
        times, counts = [], []
        for key in FILTER_KEYS:
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            times.append(time.perf_counter() - started)
            counts.append(table.row_count)
            await asyncio.sleep(KEY_GAP)
        report(at=time.time(), keystrokes=times, rows_after=counts)

    await newsroom_first_frame(drafts, rows, then=typing)


async def _type_into(pilot, area) -> list[float]:
    area.focus()
    area.move_cursor((area.document.line_count // 2, 0))
    await pilot.pause()
    times = []
    for key in EDITOR_KEYS:
        started = time.perf_counter()
        await pilot.press("space" if key == " " else key)
        await pilot.pause()
        times.append(time.perf_counter() - started)
        await asyncio.sleep(KEY_GAP)
    return times


async def newsroom_editor(drafts: str) -> None:
    from textual.widgets import TextArea

    from newsroom.bundle import Library
    from newsroom.tui.app import NewsroomApp

    slug = Library.open(drafts).slugs()[0]
    app = NewsroomApp(drafts)
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_for(pilot, lambda: library_table(app) is not None, "the library")
        app.open_release(slug)

        def body():
            try:
                return app.screen.query_one("#body", TextArea)
            except Exception:
                return None

        await wait_for(pilot, lambda: body() is not None, "the editor body")
        preview = app.screen.query_one("#preview")
        if not preview.display:
            await pilot.press("f6")
        await pilot.pause(0.5)  # first preview built
        times = await _type_into(pilot, body())
        report(at=time.time(), keystrokes=times, words=len(body().text.split()),
               preview=bool(preview.display))


async def bare_editor(drafts: str) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    from newsroom.bundle import Library

    library = Library.open(drafts)
    text = library.load(library.slugs()[0]).body

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield TextArea.code_editor(text, language="markdown", soft_wrap=True,
                                       tab_behavior="focus", theme="css", id="body")

    app = Bare()
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause(0.5)
        times = await _type_into(pilot, app.query_one(TextArea))
        report(at=time.time(), keystrokes=times, words=len(text.split()))


def main() -> int:
    mode, *args = sys.argv[1:]
    try:
        if mode == "newsroom-first-frame":
            asyncio.run(newsroom_first_frame(args[0], int(args[1])))
        elif mode == "bare-first-frame":
            asyncio.run(bare_first_frame(int(args[0])))
        elif mode == "newsroom-filter":
            asyncio.run(newsroom_filter(args[0], int(args[1])))
        elif mode == "newsroom-editor":
            asyncio.run(newsroom_editor(args[0]))
        elif mode == "bare-editor":
            asyncio.run(bare_editor(args[0]))
        else:
            report(error=f"unknown mode {mode}")
    except Exception as error:  # reported, so the table says why
        report(error=f"{type(error).__name__}: {error}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

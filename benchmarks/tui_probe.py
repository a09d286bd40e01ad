"""One TUI measurement in a fresh process, for benchmarks/run.py.

    python benchmarks/tui_probe.py MODE ARGS...

Modes (the last line printed is a JSON report; "at" is time.time() when the
measured moment was reached, so the caller can time from process start):

    newsroom-first-frame DRAFTS N   the library screen showing all N rows
    bare-first-frame N              a bare app with N rows in a DataTable
    newsroom-filter DRAFTS N        keystrokes in the library filter, key to frame
                                    (then the same keys timed the old pilot way)
    bare-filter N                   the same keys in a bare Input over a DataTable
                                    of N rows that filters nothing (Textual's floor)
    newsroom-search DRAFTS N        keystrokes in the library's full-text search mode
                                    (ctrl+f), key to the frame showing the hits
    newsroom-editor DRAFTS          keystrokes in the body of the 5,000-word release
    bare-editor DRAFTS              the same keystrokes in a bare TextArea

Headless ``App.run_test``; a first frame counts as shown after ``pilot.pause()``
lets the app go idle with the rows in the table.

Filter keystrokes are timed from the moment the key event is handed to the
app until the driver is given the frame that shows the result: ``FrameLog``
wraps ``App._display`` (the headless driver would skip the terminal output, so
it renders the update to the escape sequences a terminal driver would write,
then takes the time). The frames are replayed afterwards on a small virtual
screen, and a keystroke ends at the first frame after which the screen shows
the typed filter text and, in the table, exactly the matching rows (headline
column, every visible line) from the table's scroll position. Nothing but
rendering and a clock reading happens inside the timed window.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# As the newsroom command does: its Textual settings (the frame rate) are made
# before Textual is first imported. The bare apps (Textual's floors) get them too.
import newsroom.tui  # noqa: E402, F401

TIMEOUT = float(__import__("os").environ.get("PROBE_WAIT", 600))
FILTER_KEYS = ["l", "i", "d", "o", "backspace", "backspace", "backspace", "backspace"]
SEARCH_KEYS = [*"lido", *["backspace"] * 4, *"council", *["backspace"] * 7]
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
    from newsroom.tui.screens.library import LibraryScreen

    screen = app.screen
    if not isinstance(screen, LibraryScreen):
        return None
    try:
        return screen.query_one("#releases")  # has row_count, scroll_y, as DataTable had
    except Exception:
        return None


async def newsroom_first_frame(drafts: str, rows: int, then=None) -> None:
    from newsroom.tui.app import NewsroomApp

    app = NewsroomApp(drafts)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot,
            lambda: (t := library_table(app)) is not None and t.row_count >= rows,
            f"{rows} rows in the library table",
        )
        await pilot.pause()
        at = time.time()
        if then is None:
            report(at=at, rows=library_table(app).row_count)
        else:
            await then(app, pilot)


def fill_bare_table(table, rows: int) -> None:
    """The bare apps' table: the library's columns, ``rows`` plain rows added one by one."""
    for name in ("Status", "Date", "Headline", "Speakers", "Approvals"):
        table.add_column(name)
    for number in range(rows):
        table.add_row(
            "draft",
            "2026-11-24",
            f"Residents urged to respond as the council consults {number}",
            "Cllr Amira Okafor, Tom Whitfield",
            "0/1",
            key=str(number),
        )


async def bare_first_frame(rows: int) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield DataTable(cursor_type="row")

        def on_mount(self) -> None:
            fill_bare_table(self.query_one(DataTable), rows)

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.query_one(DataTable).row_count >= rows, "rows")
        await pilot.pause()
        report(at=time.time(), rows=app.query_one(DataTable).row_count)


# -- filter keystrokes, key to frame -------------------------------------------

TYPING_GAP = 0.15  # seconds from one key to the next (~7 keys/s, quick typing)
FRAME_WAIT = 5.0  # give up on a keystroke whose frame has not come after this long
_TOKEN = re.compile(
    r"\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|(\n)|(\r)|([^\x1b\n\r]+)"
)


class VirtualScreen:
    """What a terminal shows after the escape sequences written so far (text only)."""

    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.cells = [[" "] * width for _ in range(height)]
        self.x = self.y = 0

    def feed(self, data: str) -> None:
        from rich.cells import get_character_cell_size

        for match in _TOKEN.finditer(data):
            final, newline, ret, text = match.group(2, 3, 4, 5)
            if final == "H":  # cursor position: ESC [ row ; column H
                row, _, column = (match.group(1) or "1;1").partition(";")
                self.y, self.x = int(row or 1) - 1, int(column or 1) - 1
            elif newline:
                self.y, self.x = self.y + 1, 0
            elif ret:
                self.x = 0
            elif text:
                line = self.cells[self.y] if 0 <= self.y < self.height else None
                for char in text:
                    if line is not None and 0 <= self.x < self.width:
                        line[self.x] = char
                    self.x += get_character_cell_size(char) or 1
            # colours, cursor shape, hyperlinks: nothing to show

    def text(self, y: int, x: int = 0, end: int | None = None) -> str:
        return "".join(self.cells[y][x:end])


class FrameLog:
    """Every frame the app hands to its driver, with the time it was handed over.

    ``App._display`` is where a terminal driver gets the frame; headless, it
    returns before rendering the escape sequences, so this does that rendering
    (as a terminal driver's app would) and then reads the clock. ``state`` is
    called after the clock is read, for what the replay needs to know (the
    table's scroll position).
    """

    def __init__(self, app, state=lambda: None) -> None:
        from textual._compositor import CompositorUpdate

        self.frames: list[tuple[float, float, str, object]] = []
        self.state = state
        self.collections: list[tuple[str, int, float]] = []
        display = app._display

        def logged(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is None or app._batch_count or not app._running:
                return
            if isinstance(renderable, CompositorUpdate):
                data = renderable.render_segments(app.console)
            else:
                data = app.console._render_buffer(app.console.render(renderable))
            self.frames.append((time.perf_counter(), time.process_time(), data, self.state()))

        app._display = logged
        gc.callbacks.append(
            lambda phase, info: self.collections.append(
                (phase, info["generation"], time.perf_counter())
            )
        )

    def gc_time(self, start: float, end: float) -> float:
        """Seconds spent collecting garbage between two clock readings."""
        total, began = 0.0, None
        for phase, _generation, at in self.collections:
            if phase == "start":
                began = at
            elif began is not None:
                if start <= began and at <= end:
                    total += at - began
                began = None
        return total


def key_event(key: str):
    """The event ``Pilot.press`` would send for ``key``."""
    import unicodedata

    from textual import events
    from textual.keys import _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(key))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def typed_after(keys: list[str]) -> list[str]:
    """The filter's text after each of ``keys``."""
    text, after = "", []
    for key in keys:
        text = text[:-1] if key == "backspace" else text + key
        after.append(text)
    return after


def input_shows(screen: VirtualScreen, region, value: str, placeholder: str) -> bool:
    line = screen.text(region.y, region.x, region.right).rstrip()
    if value:
        return line == value
    return bool(line) and placeholder.startswith(line.rstrip("…"))


def table_shows(
    screen: VirtualScreen, region, headlines: list[str], top: int, step: int = 1
) -> bool:
    """Every visible line of the table shows the headline of the row due there (rows
    ``step`` lines apart: 2 when each has a snippet under it)."""
    header = screen.text(region.y, region.x, region.right)
    start, end = header.find("Headline"), header.find("Speakers")
    if start < 0 or end < 0:
        return False
    start, end = start + region.x, end + region.x
    for line in range(1, region.height):
        index, part = divmod(top + line - 1, step)
        if part:
            continue  # a snippet line
        shown = screen.text(region.y + line, start, end).strip()
        if index >= len(headlines):
            if shown:
                return False  # a row left over from before
            continue
        want = headlines[index]
        shown = shown.rstrip("…").rstrip()
        if not shown or not want.startswith(shown) or len(shown) < min(len(want), 12):
            return False
    return True


async def key_to_frame(app, pilot, log: FrameLog, keys: list[str], shows, settled=None) -> dict:
    """Send each key as the driver would; time it to the frame that ``shows`` the result.

    ``shows(screen, typed, state)`` says whether the virtual screen shows what
    the keystroke should lead to; frames are replayed after the keystroke (so
    no checking happens inside the timed window), from the first frame of the
    run, so the virtual screen holds everything written so far.

    With ``settled`` (the same signature), each key also waits for a later frame
    that the screen has settled in (the full-text search's ranked order, after
    its latest matches): its times are in ``settled``.
    """
    screen = VirtualScreen(*app.size)
    fed = 0
    result: dict[str, list] = {
        "keystrokes": [],
        "cpu": [],
        "gc": [],
        "frames": [],
        "settled": [],
    }
    for key, typed in zip(keys, typed_after(keys), strict=True):
        event = key_event(key)
        event.set_sender(app)
        started, cpu = time.perf_counter(), time.process_time()
        app._driver.send_message(event)
        found = None
        deadline = started + FRAME_WAIT
        await asyncio.sleep(TYPING_GAP)
        while found is None:
            while fed < len(log.frames):
                at, frame_cpu, data, state = log.frames[fed]
                fed += 1
                screen.feed(data)
                if at >= started and found is None and shows(screen, typed, state):
                    found = (at, frame_cpu, fed)
                    break
            if found is None:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"no frame showed the result of {key!r} ({typed!r})")
                await asyncio.sleep(0.05)
        at, frame_cpu, index = found
        result["keystrokes"].append(at - started)
        result["cpu"].append(frame_cpu - cpu)
        result["gc"].append(log.gc_time(started, at))
        result["frames"].append(sum(1 for f in log.frames[:index] if f[0] >= started))
        if settled is None:
            continue
        done = None
        # The frame that showed the result may show the settled state too.
        if settled(screen, typed, log.frames[index - 1][3]):
            done = at
        while done is None:
            while fed < len(log.frames):
                frame_at, _, data, state = log.frames[fed]
                fed += 1
                screen.feed(data)
                if settled(screen, typed, state):
                    done = frame_at
                    break
            if done is None:
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"no frame settled after {key!r} ({typed!r})")
                await asyncio.sleep(0.05)
        result["settled"].append(done - started)
    # Frames after the last keystroke's were fed to nothing: that is fine, the run ends.
    return result


async def newsroom_filter(drafts: str, rows: int) -> None:
    from textual.widgets import Input

    from newsroom.tui.app import NewsroomApp

    app = NewsroomApp(drafts)
    table_state = {"table": None}
    log = FrameLog(app, state=lambda: (t := table_state["table"]) and int(t.scroll_y))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot,
            lambda: (t := library_table(app)) is not None and t.row_count >= rows,
            f"{rows} rows in the library table",
        )
        table = table_state["table"] = library_table(app)
        screen = app.screen
        field = screen.query_one("#filter", Input)
        await pilot.press("slash")
        await pilot.pause()
        table_region, input_region = table.scrollable_content_region, field.content_region

        def headlines(typed: str) -> list[str]:
            needle = typed.casefold().strip()
            # Worked out here from the rows' fields, not with the screen's own matching.
            return [
                row.headline
                for row in screen.rows
                if not needle
                or any(needle in part.casefold() for part in (row.headline, row.slug, row.speakers))
            ]

        wanted = {typed: headlines(typed) for typed in ["", *typed_after(FILTER_KEYS)]}
        gc.freeze()  # the probe's own bookkeeping: no load on the app's collections

        def shows(virtual: VirtualScreen, typed: str, top) -> bool:
            return input_shows(virtual, input_region, typed, field.placeholder) and table_shows(
                virtual, table_region, wanted[typed], top or 0
            )

        frames = await key_to_frame(app, pilot, log, FILTER_KEYS, shows)
        await pilot.pause()
        # The old way, for comparison: Pilot's press + pause, which sleep in steps.
        pilot_times, counts = [], []
        for key in FILTER_KEYS:
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            pilot_times.append(time.perf_counter() - started)
            counts.append(table.row_count)
            await asyncio.sleep(KEY_GAP)
        report(
            at=time.time(),
            **frames,
            pilot_keystrokes=pilot_times,
            rows_after=counts,
            matches=[len(wanted[t]) for t in typed_after(FILTER_KEYS)],
        )


async def newsroom_search(drafts: str, rows: int) -> None:
    """Full-text search keystrokes: key to the frame whose table shows the hits, in the
    order an Archive in this process finds them (not the screen's own results):
    the latest matches or (for a search already ranked) the ranked ones; and key
    to the frame with the ranked order (``settled``).

    SEARCH_KEYS type "lido" (a rare word: a few hundred hits) and "council" (in
    most releases: ranking every match), deleting each: keystrokes that find
    nothing, a few, very many, and all rows back. A hit takes two lines (its
    snippet under it), so the headlines are on every other line.
    """
    from textual.widgets import Input

    from newsroom.search import Archive, QueryError
    from newsroom.search.query import as_you_type
    from newsroom.tui.app import NewsroomApp
    from newsroom.tui.screens.library_search import SEARCH_LIMIT

    app = NewsroomApp(drafts)
    table_state = {"table": None}
    log = FrameLog(app, state=lambda: (t := table_state["table"]) and int(t.scroll_y))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(
            pilot,
            lambda: (t := library_table(app)) is not None and t.row_count >= rows,
            f"{rows} rows in the library table",
        )
        table = table_state["table"] = library_table(app)
        screen = app.screen
        field = screen.query_one("#filter", Input)
        refresh_started = time.perf_counter()
        await pilot.press("ctrl+f")
        await wait_for(
            pilot,
            lambda: (
                screen.search.archive is not None and not any(w.is_running for w in app.workers)
            ),
            "the search index to be refreshed",
        )
        refresh_took = time.perf_counter() - refresh_started
        await pilot.pause()
        table_region, input_region = table.scrollable_content_region, field.content_region
        archive = Archive(drafts)
        by_slug = {row.slug: row for row in screen.rows}

        def headlines(typed: str, order: str) -> list[str]:
            if not typed.strip():
                return [row.headline for row in screen.rows]
            try:
                hits = archive.search(
                    as_you_type(typed), refresh=False, limit=SEARCH_LIMIT, snippets=0, order=order
                ).hits
            except QueryError:
                return []
            return [by_slug[hit.slug].headline for hit in hits]

        typed_all = ["", *typed_after(SEARCH_KEYS)]
        ranked = {typed: headlines(typed, "rank") for typed in typed_all}
        latest = {typed: headlines(typed, "latest") for typed in typed_all}
        gc.freeze()  # the probe's own bookkeeping: no load on the app's collections

        def ranked_shown(virtual: VirtualScreen, typed: str, top) -> bool:
            # Search mode: two lines a row throughout (the empty box's rows too).
            return input_shows(virtual, input_region, typed, field.placeholder) and table_shows(
                virtual, table_region, ranked[typed], top or 0, step=2
            )

        def shows(virtual: VirtualScreen, typed: str, top) -> bool:
            return ranked_shown(virtual, typed, top) or (
                input_shows(virtual, input_region, typed, field.placeholder)
                and table_shows(virtual, table_region, latest[typed], top or 0, step=2)
            )

        frames = await key_to_frame(app, pilot, log, SEARCH_KEYS, shows, ranked_shown)
        report(
            at=time.time(),
            **frames,
            refresh=refresh_took,
            typed=typed_after(SEARCH_KEYS),
            matches=[len(ranked[t]) for t in typed_after(SEARCH_KEYS)],
        )


async def bare_filter(rows: int) -> None:
    """Textual's floor: the same keys in an Input over N DataTable rows, filtering nothing."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield Input(placeholder="Type to filter by headline, slug or speaker…")
            yield DataTable(cursor_type="row", zebra_stripes=True)

        def on_mount(self) -> None:
            fill_bare_table(self.query_one(DataTable), rows)
            self.query_one(Input).focus()

    app = Bare()
    log = FrameLog(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: app.query_one(DataTable).row_count >= rows, "rows")
        await pilot.pause()
        field = app.query_one(Input)
        region = field.content_region

        def shows(virtual: VirtualScreen, typed: str, _state) -> bool:
            return input_shows(virtual, region, typed, field.placeholder)

        frames = await key_to_frame(app, pilot, log, FILTER_KEYS, shows)
        report(at=time.time(), **frames, rows=app.query_one(DataTable).row_count)


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
        report(
            at=time.time(),
            keystrokes=times,
            words=len(body().text.split()),
            preview=bool(preview.display),
        )


async def bare_editor(drafts: str) -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import TextArea

    from newsroom.bundle import Library

    library = Library.open(drafts)
    text = library.load(library.slugs()[0]).body

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield TextArea.code_editor(
                text,
                language="markdown",
                soft_wrap=True,
                tab_behavior="focus",
                theme="css",
                id="body",
            )

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
        elif mode == "newsroom-search":
            asyncio.run(newsroom_search(args[0], int(args[1])))
        elif mode == "bare-filter":
            asyncio.run(bare_filter(int(args[0])))
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

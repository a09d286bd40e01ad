"""ReleaseTable on its own: keys, mouse, replacing rows, literal text, drawing only what shows."""

from __future__ import annotations

import time
from dataclasses import dataclass

from rich.cells import cell_len
from textual.app import App, ComposeResult

from newsroom.tui.widgets.release_table import Column, ReleaseTable, fit

COLUMNS = [
    Column("status", "Status", 8),
    Column("headline", "Headline", 30),
    Column("speakers", "Speakers", 12),
]
WIDTH = sum(column.width + 2 for column in COLUMNS)  # 56: each column padded either side
HEIGHT = 12  # the header and 11 rows


@dataclass
class Item:
    slug: str
    status: str = "draft"
    headline: str = ""
    speakers: str = ""


def items(count: int, prefix: str = "r") -> list[Item]:
    return [Item(f"{prefix}{n:05d}", headline=f"Headline {n}") for n in range(count)]


class Host(App):
    """The table alone, filling a screen exactly its width (no scrollbar at first)."""

    CSS = "ReleaseTable { height: 1fr; scrollbar-size-vertical: 0; }"

    def __init__(self, rows: list[Item]) -> None:
        super().__init__()
        self.initial = rows
        self.highlighted: list[str | None] = []
        self.selected: list[str] = []

    def compose(self) -> ComposeResult:
        yield ReleaseTable(COLUMNS, id="table")

    def on_mount(self) -> None:
        table = self.query_one(ReleaseTable)
        table.replace_rows(self.initial)
        table.focus()

    def on_release_table_highlighted(self, message: ReleaseTable.Highlighted) -> None:
        self.highlighted.append(message.slug)

    def on_release_table_selected(self, message: ReleaseTable.Selected) -> None:
        self.selected.append(message.slug)


async def until(pilot, condition, what: str, deadline: float = 30.0) -> None:
    """Wait for ``condition`` (never a fixed sleep): CI is slow and busy."""
    end = time.monotonic() + deadline
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"gave up waiting for {what}")
        await pilot.pause(0.02)


def screen_lines(table: ReleaseTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def visible(table: ReleaseTable) -> range:
    top = int(table.scroll_y)
    return range(top, min(table.row_count, top + table.size.height - 1))


async def test_keys_move_the_cursor_and_keep_it_on_screen():
    app = Host(items(100))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        table = app.query_one(ReleaseTable)
        await pilot.pause()
        assert (table.cursor_index, table.current_slug) == (0, "r00000")
        await pilot.press("down", "down")
        assert table.cursor_index == 2
        await pilot.press("up")
        assert table.cursor_index == 1
        await pilot.press("up", "up")  # stops at the top
        assert table.cursor_index == 0
        await pilot.press("pagedown")
        assert table.cursor_index == HEIGHT - 1  # a page is the lines under the header
        await pilot.press("pagedown", "pageup")
        assert table.cursor_index == HEIGHT - 1
        await pilot.press("end")
        await pilot.pause()
        assert table.current_slug == "r00099"
        assert 99 in visible(table)
        assert screen_lines(table)[-1].lstrip().startswith("draft     Headline 99")
        await pilot.press("down")  # stops at the bottom
        assert table.cursor_index == 99
        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_index == 0 and table.scroll_y == 0
        await pilot.press("ctrl+end")
        assert table.cursor_index == 99
        await pilot.press("ctrl+home")
        assert table.cursor_index == 0
        await pilot.pause()
        # Each move said so; the first is the initial fill.
        assert app.highlighted[0] == "r00000"
        assert "r00099" in app.highlighted and app.highlighted[-1] == "r00000"
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == ["r00000"]


async def test_a_click_selects_the_row_and_a_second_click_opens_it():
    app = Host(items(30))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        table = app.query_one(ReleaseTable)
        await pilot.pause()
        # Line 0 is the header: clicking it changes nothing.
        await pilot.click("#table", offset=(12, 0))
        assert table.cursor_index == 0 and app.selected == []
        await pilot.click("#table", offset=(12, 4))  # the fourth row
        await pilot.pause()
        assert table.current_slug == "r00003" and app.selected == []
        await pilot.click("#table", offset=(12, 4))
        await pilot.pause()
        assert app.selected == ["r00003"]
        # Scrolled, a click picks the row drawn there, not the row at that index.
        await pilot.press("end")
        await pilot.pause()
        top = int(table.scroll_y)
        assert top > 0
        await pilot.click("#table", offset=(12, 1))
        await pilot.pause()
        assert table.cursor_index == top


async def test_the_mouse_highlights_the_row_under_it_until_a_key_is_pressed():
    app = Host(items(30))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        table = app.query_one(ReleaseTable)
        await pilot.pause()
        plain = table.render_line(3)
        await pilot.hover("#table", offset=(12, 3))
        await pilot.pause()
        assert table.hover_index == 2
        assert table.render_line(3).text == plain.text
        assert list(table.render_line(3)) != list(plain)  # another style
        await pilot.press("down")
        assert table.hover_index is None
        assert list(table.render_line(3)) == list(plain)


async def test_replacing_rows_keeps_the_cursor_on_the_same_release():
    app = Host(items(50))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        table = app.query_one(ReleaseTable)
        await pilot.pause()
        table.move_to("r00030")
        await pilot.pause()
        assert 30 in visible(table)
        every = list(table.rows)
        # Narrowed: the release is now fourth, and still under the cursor.
        table.replace_rows([row for row in every if row.slug.endswith("0")])
        await pilot.pause()
        assert table.row_count == 5
        assert (table.cursor_index, table.current_slug) == (3, "r00030")
        assert app.highlighted[-1] == "r00030"
        # Widened again: back at its own position, on screen.
        table.replace_rows(every)
        await pilot.pause()
        assert (table.cursor_index, table.current_slug) == (30, "r00030")
        assert 30 in visible(table)
        # Gone: the cursor goes to the top, and the table with it.
        table.replace_rows([row for row in every if row.slug != "r00030"])
        await pilot.pause()
        assert (table.cursor_index, table.current_slug) == (0, "r00000")
        assert table.scroll_y == 0
        # Nothing at all: no current release, and nothing drawn under the header.
        table.replace_rows([])
        await pilot.pause()
        assert table.current_slug is None and table.current_row is None
        assert app.highlighted[-1] is None
        assert all(not line.strip() for line in screen_lines(table)[1:])
        table.move_cursor(5)  # harmless on an empty table
        assert table.cursor_index == 0


async def test_untrusted_text_is_shown_literally_and_fits_its_cells():
    hostile = [
        Item("markup", headline="[bold]x[/bold] and [link=https://evil.example]y[/link]"),
        Item("emoji", headline=":smile: :thumbs_up:", speakers="[red]Cllr[/]"),
        Item("escape", headline="Lido \x1b[31mred\x1b[0m\x07 \x1b]0;pwned\x07ok\x9b2J"),
        Item("wide", headline="東京" * 20, speakers="🎉🎉🎉🎉🎉🎉🎉🎉"),
        Item("zero", headline="cafe\u0301 a\u200bb " + "x" * 40),
        Item("lines", headline="one\ntwo\tthree\r\nfour"),
    ]
    app = Host(hostile)
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        table = app.query_one(ReleaseTable)
        await pilot.pause()
        lines = screen_lines(table)
        assert "[bold]x[/bold] and [link=http…" in lines[1]
        assert ":smile: :thumbs_up:" in lines[2] and "[red]Cllr[/]" in lines[2]
        assert table.cells_of("markup")[1] == hostile[0].headline
        # Controls and escape sequences never reach the terminal.
        for y in range(table.size.height):
            text = table.render_line(y).text
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), repr(text)
        assert table.cells_of("escape")[1] == "Lido red ok"
        assert table.cells_of("lines")[1] == "one two three four"
        # Every line is exactly the table's width in cells, cut with an ellipsis:
        # wide characters count two, combining and zero-width ones none.
        for y in range(len(hostile) + 1):
            strip = table.render_line(y)
            assert strip.cell_length == WIDTH and cell_len(strip.text) == WIDTH, y
        wide = lines[4]
        assert "東京東京" in wide and "…" in wide
        assert cell_len(wide[: wide.index("…") + 1]) <= 1 + 10 + 1 + 30


def test_fit_measures_cells_not_characters():
    assert fit("abc", 5) == "abc  "
    assert fit("東京", 4) == "東京"
    assert fit("東京東京", 5) == "東京…"
    assert fit("東京東京", 6) == "東京… "  # a wide character is never split in half
    assert fit("cafe\u0301 ok", 7) == "cafe\u0301 ok"  # the accent takes no cell
    assert fit("abcdef", 4) == "abc…"
    assert fit("abcdef", 1) == "a"


class Counting(ReleaseTable):
    """Counts the rows it draws."""

    drawn: list[int] = []

    def render_line(self, y: int):
        if y:
            self.drawn.append(int(self.scroll_y) + y - 1)
        return super().render_line(y)


class CountingHost(Host):
    def compose(self) -> ComposeResult:
        yield Counting(COLUMNS, id="table")


async def test_ten_thousand_rows_draw_only_the_visible_lines():
    app = CountingHost(items(50))
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        table = app.query_one(Counting)
        await pilot.pause()
        table.drawn = []
        many = items(10_000, prefix="big")
        table.replace_rows(many)
        await until(pilot, lambda: table.drawn, "a frame")
        await pilot.pause()
        assert table.row_count == 10_000 and table.virtual_size.height == 10_001
        assert table.drawn and max(table.drawn) < HEIGHT  # the top of the list, nothing else
        assert len(table.drawn) < 4 * HEIGHT
        # Far down the list, again only what is on screen.
        table.drawn = []
        table.move_to("big09000")
        await until(pilot, lambda: table.drawn, "a frame")
        await pilot.pause()
        assert all(9000 - HEIGHT <= index <= 9000 for index in table.drawn), table.drawn
        assert screen_lines(table)[-1].lstrip().startswith("draft     Headline 9000")

"""The library's table of releases, drawn line by line (Textual's Line API).

A ``ScrollView`` whose ``render_line`` draws only the lines on screen: the
header, then the rows from the scroll position down. Rows are plain objects
(the library's ``Row``); each column names the attribute it shows. Replacing
every row is one list assignment, so a filter keystroke over 10,000 releases
costs what the visible lines cost, not what the library costs.

A table may show a second line under every row (``set_detail``): the
library's search puts each hit's snippet there, its matching words styled.
The line is asked of the row only when it is drawn, so a row may work it out
lazily.

Everything here is Textual's public API: no DataTable internals, nothing that
changes between minor releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..text import one_line

PADDING = 1  # blank cells either side of every column, as DataTable draws them
DETAIL_INDENT = 3  # cells before a row's second line


class TableRow(Protocol):
    """What the table needs of a row: a slug; each column reads an attribute by name."""

    slug: str


@dataclass(frozen=True)
class Column:
    key: str  # the row attribute shown
    label: str
    width: int  # cells of text, without the padding


def cell_text(value: object) -> str:
    """``value`` as one line of plain text: no controls, no escapes, no newlines."""
    return one_line(value if isinstance(value, str) else str(value))


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` terminal cells, cut with an ellipsis if too long.

    Measured in cells (``rich.cells``), so wide characters count twice and
    combining or zero-width ones not at all.
    """
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    if width < 2:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - 1).rstrip() + "…", width)


class ReleaseTable(ScrollView, can_focus=True):
    """Fixed columns with a header line, a row cursor, hover, and rows replaced in one step.

    Posts ``Highlighted`` when the row under the cursor may have changed and
    ``Selected`` on enter or a click on the cursor row.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "Select", show=False),
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First", show=False),
        Binding("end,ctrl+end", "last", "Last", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "release-table--header",
        "release-table--cursor",
        "release-table--hover",
        "release-table--even-row",
        "release-table--odd-row",
        "release-table--detail",
    }

    # DataTable's look, so the library reads as it always has.
    DEFAULT_CSS = """
    ReleaseTable {
        background: $surface;
        color: $foreground;
        height: auto;
        max-height: 100%;
        &:focus {
            background-tint: $foreground 5%;
            & > .release-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .release-table--header {
                background-tint: $foreground 5%;
            }
        }
        &:dark > .release-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .release-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .release-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .release-table--even-row {
            background: $surface-lighten-1 50%;
        }
        & > .release-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .release-table--hover {
            background: $block-hover-background;
        }
        & > .release-table--detail {
            color: $text-muted;
        }
    }
    """

    @dataclass
    class Highlighted(Message):
        """The cursor is on another row (or the rows under it were replaced)."""

        table: ReleaseTable
        index: int
        slug: str | None  # None when the table is empty

        @property
        def control(self) -> ReleaseTable:
            return self.table

    @dataclass
    class Selected(Message):
        """Enter, or a click on the cursor row: open this release."""

        table: ReleaseTable
        index: int
        slug: str

        @property
        def control(self) -> ReleaseTable:
            return self.table

    def __init__(
        self,
        columns: Sequence[Column] = (),
        *,
        zebra_stripes: bool = True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.zebra_stripes = zebra_stripes
        self._columns: tuple[Column, ...] = tuple(columns)
        self._detail: str | None = None  # the row attribute shown on a second line
        self._height = 1  # lines a row takes
        self._rows: list = []
        self._index: dict[str, int] | None = None  # slug -> position, made when asked
        self._cursor = 0
        self._hover: int | None = None  # the row under the mouse, while it moves there
        # Rendered rows: (row, strip) by (id(row), what changes its look). The row
        # is kept with its strip, so an id is never reused while it is a key.
        self._strips: LRUCache[tuple, tuple[object, Strip]] = LRUCache(1024)
        self._look: tuple = ()  # (focus, disabled) at the last render
        self._refresh_size()

    # -- reading ---------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def rows(self) -> Sequence:
        """The rows shown, in order (a read-only view: use ``replace_rows`` to change them)."""
        return tuple(self._rows)

    @property
    def cursor_index(self) -> int:
        """The position of the cursor row (0 when the table is empty)."""
        return self._cursor

    @property
    def hover_index(self) -> int | None:
        """The row under the mouse while it moves over the table, else None."""
        return self._hover

    @property
    def current_row(self) -> TableRow | None:
        return self._rows[self._cursor] if self._rows else None

    @property
    def current_slug(self) -> str | None:
        row = self.current_row
        return row.slug if row is not None else None

    def row_at(self, index: int) -> TableRow:
        return self._rows[index]

    def index_of(self, slug: str) -> int | None:
        """The position of the row for ``slug``, or None if it is not shown."""
        if self._index is None:
            self._index = {row.slug: position for position, row in enumerate(self._rows)}
        return self._index.get(slug)

    def cells_at(self, index: int) -> tuple[str, ...]:
        """The text of each cell of a row, in column order, as shown (before fitting)."""
        row = self._rows[index]
        return tuple(cell_text(getattr(row, column.key)) for column in self._columns)

    def cells_of(self, slug: str) -> tuple[str, ...]:
        index = self.index_of(slug)
        if index is None:
            raise KeyError(slug)
        return self.cells_at(index)

    # -- changing ----------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)
        self._strips.clear()
        self._refresh_size()
        self.refresh()

    def set_detail(self, key: str | None) -> None:
        """Show ``getattr(row, key)`` (a ``str`` or a ``rich.text.Text``) on a second
        line under every row, or no second line (None)."""
        if key == self._detail:
            return
        self._detail, self._height = key, (1 if key is None else 2)
        self._strips.clear()
        self._refresh_size()
        self._scroll_to_cursor()
        self.refresh()

    @property
    def detail(self) -> str | None:
        return self._detail

    def refresh_details(self) -> None:
        """Draw every row's second line again (what ``detail`` gives has changed)."""
        self._strips.clear()
        self.refresh()

    def replace_rows(
        self, rows: Sequence[TableRow], keep: str | None = None, *, top: bool = False
    ) -> None:
        """Show ``rows`` instead of what was shown, in one step.

        The cursor stays on the release it was on (or on ``keep``) if that is
        still shown; otherwise, or with ``top``, it goes to the first row and the
        table scrolls to the top. ``Highlighted`` is posted either way: the row
        under the cursor may be another release at the same position.
        """
        keep = None if top else keep if keep is not None else self.current_slug
        self._rows = list(rows)
        self._index = None
        cursor = 0
        if keep is not None:
            for position, row in enumerate(self._rows):
                if row.slug == keep:
                    cursor = position
                    break
        self._cursor = cursor
        self._hover = None
        self._refresh_size()
        if cursor == 0:
            self.scroll_to(0, 0, animate=False, force=True)
        else:
            self._scroll_to_cursor()
        self.refresh()
        if self.is_mounted:
            # The screen draws as soon as it is idle, and this table passes its
            # repaint on only when its own queue is next idle: often a frame
            # after the filter that asked for it. Asking the screen itself puts
            # the rows and the filter's text in the same frame.
            self.screen.refresh()
        self._post_highlighted()

    def move_cursor(self, index: int, scroll: bool = True) -> None:
        """Put the cursor on row ``index`` (clamped to the rows there are)."""
        index = max(0, min(index, len(self._rows) - 1))
        if index != self._cursor:
            old, self._cursor = self._cursor, index
            self._refresh_row(old)
            self._refresh_row(index)
            self._post_highlighted()
        if scroll:
            self._scroll_to_cursor()

    def move_to(self, slug: str) -> bool:
        """Put the cursor on the row for ``slug``; False if it is not shown."""
        index = self.index_of(slug)
        if index is None:
            return False
        self.move_cursor(index)
        return True

    # -- keys and mouse ---------------------------------------------------------

    @property
    def _page(self) -> int:
        return max(1, (self.scrollable_content_region.height - 1) // self._height)

    def _keyboard(self) -> None:
        self._set_hover(None)  # as DataTable: the keyboard hides the mouse's row

    def action_cursor_up(self) -> None:
        self._keyboard()
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._keyboard()
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self._keyboard()
        self.move_cursor(self._cursor - self._page)

    def action_page_down(self) -> None:
        self._keyboard()
        self.move_cursor(self._cursor + self._page)

    def action_first(self) -> None:
        self._keyboard()
        self.move_cursor(0)

    def action_last(self) -> None:
        self._keyboard()
        self.move_cursor(len(self._rows) - 1)

    def action_select(self) -> None:
        self._keyboard()
        if self._rows:
            self.post_message(self.Selected(self, self._cursor, self._rows[self._cursor].slug))

    def _row_under(self, event: events.MouseEvent) -> int | None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:
            return None  # outside, on the scrollbar, or on the header
        index = (int(self.scroll_y) + offset.y - 1) // self._height
        return index if index < len(self._rows) else None

    def on_mouse_move(self, event: events.MouseMove) -> None:
        self._set_hover(self._row_under(event))

    def on_leave(self, event: events.Leave) -> None:
        self._set_hover(None)

    def on_click(self, event: events.Click) -> None:
        index = self._row_under(event)
        if index is None:
            return
        event.stop()
        if index == self._cursor:
            self.post_message(self.Selected(self, index, self._rows[index].slug))
        else:
            self.move_cursor(index)

    # -- drawing -----------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # a theme or CSS change: every look may differ

    def render_lines(self, crop: Region) -> list[Strip]:
        # Focus changes the cursor's style: part of every cache key (a theme or
        # CSS change clears the cache instead, above).
        self._look = (self.has_focus, self.disabled)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        if y == 0:
            strip = self._header_strip()
        else:
            index, line = divmod(scroll_y + y - 1, self._height)
            if index >= len(self._rows):
                return Strip.blank(width, self.rich_style)
            strip = self._row_strip(index) if line == 0 else self._detail_strip(index)
        return strip.crop_extend(scroll_x, scroll_x + width, self.rich_style)

    def _header_strip(self) -> Strip:
        key = ("header", self._look)
        cached = self._strips.get(key)
        if cached is None:
            style = self.get_component_rich_style("release-table--header")
            cached = (None, self._line([column.label for column in self._columns], style))
            self._strips.set(key, cached)
        return cached[1]

    def _row_strip(self, index: int) -> Strip:
        row = self._rows[index]
        cursor = index == self._cursor
        hover = index == self._hover
        key = (id(row), index % 2 if self.zebra_stripes else 0, cursor, hover, self._look)
        cached = self._strips.get(key)
        if cached is None or cached[0] is not row:
            style = self._row_style(index, cursor, hover)
            cells = [cell_text(getattr(row, column.key)) for column in self._columns]
            cached = (row, self._line(cells, style))
            self._strips.set(key, cached)
        return cached[1]

    def _detail_strip(self, index: int) -> Strip:
        row = self._rows[index]
        cursor = index == self._cursor
        hover = index == self._hover
        key = ("detail", id(row), index % 2 if self.zebra_stripes else 0, cursor, hover, self._look)
        cached = self._strips.get(key)
        if cached is None or cached[0] is not row:
            style = self._row_style(index, cursor, hover)
            if not cursor:
                style += self.get_component_rich_style("release-table--detail")
            value = getattr(row, self._detail or "", "")
            text = value.copy() if isinstance(value, Text) else Text(cell_text(value))
            width = max(1, self.virtual_size.width - DETAIL_INDENT - PADDING)
            text.truncate(width, overflow="ellipsis", pad=True)
            segments = [Segment(" " * DETAIL_INDENT), *text.render(self.app.console)]
            segments.append(Segment(" " * PADDING))
            strip = Strip(segments).apply_style(style)
            cached = (row, strip)
            self._strips.set(key, cached)
        return cached[1]

    def _row_style(self, index: int, cursor: bool, hover: bool) -> Style:
        get = self.get_component_rich_style
        style = self.rich_style
        if self.zebra_stripes:
            style += get("release-table--odd-row" if index % 2 else "release-table--even-row")
        if hover:
            style += get("release-table--hover")
        if cursor:
            style += get("release-table--cursor")
        return style

    def _line(self, cells: list[str], style: Style) -> Strip:
        """One line of the table: each cell fitted to its column, padded, in one style."""
        pad = " " * PADDING
        text = "".join(
            pad + fit(cell, column.width) + pad
            for cell, column in zip(cells, self._columns, strict=True)
        )
        return Strip([Segment(text, style)], cell_len(text))

    # -- bookkeeping ---------------------------------------------------------------

    def _refresh_size(self) -> None:
        width = sum(column.width + 2 * PADDING for column in self._columns)
        self.virtual_size = Size(width, len(self._rows) * self._height + 1)  # + the header

    def _refresh_row(self, index: int | None) -> None:
        if index is None:
            return
        y = index * self._height - int(self.scroll_y) + 1
        if 1 - self._height < y < self.size.height:
            self.refresh(Region(0, y, self.size.width, self._height))

    def _set_hover(self, index: int | None) -> None:
        if index != self._hover:
            old, self._hover = self._hover, index
            self._refresh_row(old)
            self._refresh_row(index)

    def _scroll_to_cursor(self) -> None:
        top, height = int(self.scroll_y), self._height
        first = self._cursor * height  # the cursor row's first line
        if first < top:
            self.scroll_to(y=first, animate=False, force=True)
        elif first + height > top + self._page * height:
            self.scroll_to(y=first + height - self._page * height, animate=False, force=True)

    def _post_highlighted(self) -> None:
        self.post_message(self.Highlighted(self, self._cursor, self.current_slug))

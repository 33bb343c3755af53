"""Ranges of the file engine: xlwings' Range interface over openpyxl cells.

A range is a rectangle of one sheet, one-based and inclusive at both ends,
as Excel counts. Every call that reads or changes cells goes through the
book (``sheet.book``), which knows where the cached result of a formula
lives and counts the calls, so a test can see how often the add-in would
have talked to Excel.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Font as CellFont
from openpyxl.styles import PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from xlwings import base_classes

MAX_ROWS = 1_048_576
MAX_COLUMNS = 16_384
NOTE_AUTHOR = "excel-extract"


class Range(base_classes.Range):
    """A rectangle of cells on one sheet of a file-engine book."""

    def __init__(self, sheet: Any, top: int, left: int, bottom: int, right: int):
        self.sheet = sheet
        self.r0, self.c0 = min(top, bottom), min(left, right)
        self.r1, self.c1 = max(top, bottom), max(left, right)
        self.options = None  # set by xlwings.Range

    # -- where the range is ------------------------------------------------

    @property
    def api(self):
        return self.sheet.ws

    @property
    def coords(self):
        return self.sheet, self.r0, self.c0, *self.shape

    @property
    def row(self) -> int:
        return self.r0

    @property
    def column(self) -> int:
        return self.c0

    @property
    def shape(self) -> tuple[int, int]:
        return self.r1 - self.r0 + 1, self.c1 - self.c0 + 1

    def __len__(self) -> int:
        rows, columns = self.shape
        return rows * columns

    @property
    def max_cells_per_read(self):
        return None  # a file has no payload limit: never split a read

    @property
    def max_cells_per_write(self):
        return None

    def __call__(self, arg1: int, arg2: int | None = None) -> Range:
        if arg2 is None:
            arg1, arg2 = divmod(arg1 - 1, self.shape[1])
            arg1, arg2 = arg1 + 1, arg2 + 1
        row, column = self.r0 + arg1 - 1, self.c0 + arg2 - 1
        return Range(self.sheet, row, column, row, column)

    def get_address(self, row_absolute=True, col_absolute=True, external=False):
        address = self._a1(self.r0, self.c0, row_absolute, col_absolute)
        if self.shape != (1, 1):
            end = self._a1(self.r1, self.c1, row_absolute, col_absolute)
            address = f"{address}:{end}"
        if external:
            return f"[{self.sheet.book.name}]{_quoted(self.sheet.name)}!{address}"
        return address

    @property
    def address(self) -> str:
        return self.get_address()

    @staticmethod
    def _a1(row: int, column: int, row_absolute: bool, col_absolute: bool) -> str:
        col_mark = "$" if col_absolute else ""
        row_mark = "$" if row_absolute else ""
        return f"{col_mark}{get_column_letter(column)}{row_mark}{row}"

    def end(self, direction: str) -> Range:
        """The cell Ctrl+arrow goes to: the edge of a block of filled cells."""
        steps = {"up": (-1, 0), "down": (1, 0), "left": (0, -1), "right": (0, 1)}
        d_row, d_col = steps[direction.lower()]
        row, column = self.r0, self.c0
        if self._filled(row, column) and self._filled(row + d_row, column + d_col):
            while self._filled(row + d_row, column + d_col):
                row, column = row + d_row, column + d_col
            return Range(self.sheet, row, column, row, column)
        bottom, right = self.sheet.extent()
        while _inside(row + d_row, column + d_col):
            row, column = row + d_row, column + d_col
            if self._filled(row, column):
                return Range(self.sheet, row, column, row, column)
            if row > bottom or column > right:
                break  # nothing is filled beyond the used cells: jump to the edge
        row = {1: MAX_ROWS, -1: 1}.get(d_row, row)
        column = {1: MAX_COLUMNS, -1: 1}.get(d_col, column)
        return Range(self.sheet, row, column, row, column)

    def _filled(self, row: int, column: int) -> bool:
        if not _inside(row, column):
            return False
        return self.sheet.book.cell_value(self.sheet.ws, row, column) not in (None, "")

    # -- values --------------------------------------------------------------

    @property
    def raw_value(self):
        book, ws = self.sheet.book, self.sheet.ws
        book.count("read_values")
        rows = [
            [book.cell_value(ws, r, c) for c in range(self.c0, self.c1 + 1)]
            for r in range(self.r0, self.r1 + 1)
        ]
        return rows[0][0] if self.shape == (1, 1) else rows

    @raw_value.setter
    def raw_value(self, data) -> None:
        book, ws = self.sheet.book, self.sheet.ws
        book.count("write_values")
        for r, c, value in self._spread(data):
            book.store(ws, r, c, value)

    def _spread(self, data):
        """Each cell with its value: a scalar fills the range, as in Excel."""
        if not isinstance(data, (list, tuple)):
            for r, c in self._cells():
                yield r, c, data
            return
        rows = data if data and isinstance(data[0], (list, tuple)) else [data]
        for i, line in enumerate(rows):
            for j, value in enumerate(line):
                yield self.r0 + i, self.c0 + j, value

    def _cells(self):
        for r in range(self.r0, self.r1 + 1):
            for c in range(self.c0, self.c1 + 1):
                yield r, c

    @property
    def formula(self):
        book, ws = self.sheet.book, self.sheet.ws
        rows = [[book.cell_formula(ws, r, c) for c in range(self.c0, self.c1 + 1)]
                for r in range(self.r0, self.r1 + 1)]
        return rows[0][0] if self.shape == (1, 1) else rows

    @formula.setter
    def formula(self, value) -> None:
        self.raw_value = value

    @property
    def has_array(self) -> bool:
        return False

    def clear_contents(self) -> None:
        self.sheet.book.count("clear")
        for r, c in self._existing():
            self.sheet.book.store(self.sheet.ws, r, c, None)

    def clear_formats(self) -> None:
        self.sheet.book.count("clear")
        for r, c in self._existing():
            self.sheet.ws.cell(r, c).style = "Normal"

    def clear(self) -> None:
        self.sheet.book.count("clear")
        ws = self.sheet.ws
        for r, c in self._existing():
            self.sheet.book.store(ws, r, c, None)
            ws.cell(r, c).style = "Normal"
            ws.cell(r, c).comment = None

    def _existing(self):
        """The cells of the range that exist in the file (no new ones)."""
        return [key for key in self.sheet.existing_cells()
                if self.r0 <= key[0] <= self.r1
                and self.c0 <= key[1] <= self.c1]

    # -- looks ---------------------------------------------------------------

    @property
    def color(self):
        colors = {_fill_color(self.sheet.peek(r, c)) for r, c in self._cells()}
        if len(colors) != 1:
            return None
        (color,) = colors
        return color and tuple(int(color[i:i + 2], 16) for i in (0, 2, 4))

    @color.setter
    def color(self, color_or_rgb) -> None:
        self.sheet.book.count("color")
        hex_color = _hex(color_or_rgb)
        fill = PatternFill() if hex_color is None else PatternFill(
            fill_type="solid", start_color=hex_color, end_color=hex_color)
        for r, c in self._cells():
            self.sheet.ws.cell(r, c).fill = fill

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def number_format(self):
        formats = {_number_format(self.sheet.peek(r, c)) for r, c in self._cells()}
        return formats.pop() if len(formats) == 1 else None

    @number_format.setter
    def number_format(self, value: str) -> None:
        self.sheet.book.count("number_format")
        for r, c in self._cells():
            self.sheet.ws.cell(r, c).number_format = value

    @property
    def column_width(self):
        widths = {self.sheet.ws.column_dimensions[get_column_letter(c)].width
                  for c in range(self.c0, self.c1 + 1)}
        return widths.pop() if len(widths) == 1 else None

    @column_width.setter
    def column_width(self, value: float) -> None:
        self.sheet.book.count("column_width")
        for c in range(self.c0, self.c1 + 1):
            self.sheet.ws.column_dimensions[get_column_letter(c)].width = value

    @property
    def row_height(self):
        heights = {self.sheet.ws.row_dimensions[r].height
                   for r in range(self.r0, self.r1 + 1)}
        return heights.pop() if len(heights) == 1 else None

    @row_height.setter
    def row_height(self, value: float) -> None:
        self.sheet.book.count("row_height")
        for r in range(self.r0, self.r1 + 1):
            self.sheet.ws.row_dimensions[r].height = value

    # -- notes ---------------------------------------------------------------

    @property
    def note(self):
        cell = self.sheet.peek(self.r0, self.c0)
        return Note(self(1, 1)) if cell is not None and cell.comment else None

    def add_note(self, text: str) -> Note:
        self.sheet.book.count("add_note")
        lines = text.count("\n") + 1
        cell = self.sheet.ws.cell(self.r0, self.c0)
        cell.comment = Comment(text, NOTE_AUTHOR, height=24 + 16 * lines, width=280)
        return Note(self(1, 1))

    # -- layout: merged cells and hidden rows and columns ------------------

    @property
    def merge_cells(self):
        """True if every cell is merged, False if none is, None if some are."""
        self.sheet.book.count("merge_cells")
        merged = [m for m in self.sheet.ws.merged_cells.ranges
                  if not _apart(m, self)]
        if not merged:
            return False
        covered = sum(_overlap(m, self) for m in merged)
        return True if covered == len(self) else None

    @property
    def merge_area(self) -> Range:
        self.sheet.book.count("merge_area")
        for m in self.sheet.ws.merged_cells.ranges:
            if m.min_row <= self.r0 <= m.max_row and m.min_col <= self.c0 <= m.max_col:
                return Range(self.sheet, m.min_row, m.min_col, m.max_row, m.max_col)
        return self(1, 1)

    @property
    def row_hidden(self):
        states = {self.sheet.row_hidden(r) for r in range(self.r0, self.r1 + 1)}
        return states.pop() if len(states) == 1 else None

    @row_hidden.setter
    def row_hidden(self, value) -> None:
        for r in range(self.r0, self.r1 + 1):
            self.sheet.ws.row_dimensions[r].hidden = bool(value)

    @property
    def column_hidden(self):
        states = {self.sheet.column_hidden(c) for c in range(self.c0, self.c1 + 1)}
        return states.pop() if len(states) == 1 else None

    @column_hidden.setter
    def column_hidden(self, value) -> None:
        for c in range(self.c0, self.c1 + 1):
            self.sheet.ws.column_dimensions[get_column_letter(c)].hidden = bool(value)

    def get_special_cells(self, cell_type, value_type):
        if cell_type != "visible":
            raise NotImplementedError(
                f"the file engine finds only visible cells, not {cell_type!r}")
        self.sheet.book.count("special_cells")
        rows = _bands(r for r in range(self.r0, self.r1 + 1)
                      if not self.sheet.row_hidden(r))
        columns = _bands(c for c in range(self.c0, self.c1 + 1)
                         if not self.sheet.column_hidden(c))
        return [Range(self.sheet, r0, c0, r1, c1)
                for r0, r1 in rows for c0, c1 in columns]

    @property
    def name(self):
        return None

    @name.setter
    def name(self, value: str) -> None:
        where = f"={_quoted(self.sheet.name)}!{self.address}"
        self.sheet.book.names.add(value, where)

    @property
    def table(self):
        return None


class Font(base_classes.Font):
    """The font of a range: what the add-in sets is bold."""

    def __init__(self, rng: Range) -> None:
        self.rng = rng

    @property
    def api(self):
        return None

    @property
    def bold(self):
        sheet = self.rng.sheet
        states = {_bold(sheet.peek(r, c)) for r, c in self.rng._cells()}
        return states.pop() if len(states) == 1 else None

    @bold.setter
    def bold(self, value: bool) -> None:
        self.rng.sheet.book.count("font")
        ws = self.rng.sheet.ws
        for r, c in self.rng._cells():
            cell = ws.cell(r, c)
            cell.font = _font_with(cell.font, b=bool(value))

    @property
    def italic(self):
        cell = self.rng.sheet.peek(self.rng.r0, self.rng.c0)
        return bool(cell is not None and cell.font.i)

    @italic.setter
    def italic(self, value: bool) -> None:
        self.rng.sheet.book.count("font")
        ws = self.rng.sheet.ws
        for r, c in self.rng._cells():
            cell = ws.cell(r, c)
            cell.font = _font_with(cell.font, i=bool(value))


class Note(base_classes.Note):
    """The note (a comment, as Excel used to call it) on one cell."""

    def __init__(self, cell: Range) -> None:
        self.cell = cell

    @property
    def _comment(self):
        return self.cell.sheet.ws.cell(self.cell.r0, self.cell.c0).comment

    @property
    def api(self):
        return self._comment

    @property
    def text(self) -> str:
        return self._comment.text

    @text.setter
    def text(self, value: str) -> None:
        self.cell.add_note(value)

    @property
    def author(self) -> str:
        return self._comment.author

    @property
    def location(self) -> Range:
        return self.cell

    def delete(self) -> None:
        self.cell.sheet.ws.cell(self.cell.r0, self.cell.c0).comment = None


class FreezePanes(base_classes.FreezePanes):
    """Frozen rows and columns of a sheet."""

    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet

    def freeze_at(self, frozen_range: str) -> None:
        self.sheet.book.count("freeze")
        top_left = frozen_range.replace("$", "").split(":")[0]
        self.sheet.ws.freeze_panes = top_left

    def unfreeze(self) -> None:
        self.sheet.book.count("freeze")
        self.sheet.ws.freeze_panes = None


def _inside(row: int, column: int) -> bool:
    return 1 <= row <= MAX_ROWS and 1 <= column <= MAX_COLUMNS


def _quoted(sheet_name: str) -> str:
    if sheet_name.replace("_", "").isalnum():
        return sheet_name
    return "'" + sheet_name.replace("'", "''") + "'"


def _hex(color_or_rgb) -> str | None:
    """An xlwings color (RGB tuple, "#rrggbb" or Excel's BGR int) as RRGGBB."""
    if color_or_rgb is None:
        return None
    if isinstance(color_or_rgb, str):
        return color_or_rgb.lstrip("#").upper()
    if isinstance(color_or_rgb, int):
        blue, rest = divmod(color_or_rgb, 65536)
        green, red = divmod(rest, 256)
        return f"{red:02X}{green:02X}{blue:02X}"
    red, green, blue = color_or_rgb
    return f"{red:02X}{green:02X}{blue:02X}"


def _fill_color(cell) -> str | None:
    if cell is None:
        return None
    fill = cell.fill
    if fill is None or fill.fill_type != "solid":
        return None
    rgb = fill.fgColor.rgb
    return rgb[-6:].upper() if isinstance(rgb, str) else None


def _number_format(cell) -> str:
    return "General" if cell is None else cell.number_format


def _bold(cell) -> bool:
    return bool(cell is not None and cell.font.b)


def _font_with(font: CellFont | None, **changes) -> CellFont:
    changed = copy(font) if font is not None else CellFont()
    for key, value in changes.items():
        setattr(changed, key, value)
    return changed


def _apart(merged: CellRange, rng: Range) -> bool:
    return (merged.max_row < rng.r0 or merged.min_row > rng.r1
            or merged.max_col < rng.c0 or merged.min_col > rng.c1)


def _overlap(merged: CellRange, rng: Range) -> int:
    rows = min(merged.max_row, rng.r1) - max(merged.min_row, rng.r0) + 1
    columns = min(merged.max_col, rng.c1) - max(merged.min_col, rng.c0) + 1
    return rows * columns


def _bands(indices) -> list[tuple[int, int]]:
    """Runs of consecutive numbers as (first, last) pairs."""
    bands: list[tuple[int, int]] = []
    for i in indices:
        if bands and bands[-1][1] == i - 1:
            bands[-1] = (bands[-1][0], i)
        else:
            bands.append((i, i))
    return bands

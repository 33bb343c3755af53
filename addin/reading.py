"""Reading an open workbook (any xlwings engine) into sheet grids.

Each sheet's values come in one read of its used range. What a grid also
needs, its merged ranges and hidden rows and columns, is found by asking
whole blocks rather than cells: one question answers "no merges here" for
a whole sheet, and merged areas are narrowed down by halving the block, so
the number of calls grows with the number of merged areas, not of cells.
The add-in's own result sheets are never read as input.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from pathlib import Path
from typing import cast

import xlwings as xw

from extractor.grid import (
    Cell,
    CellError,
    MergedRange,
    SheetGrid,
    WorkbookGrids,
    is_blank,
)

from .marks import result_role

log = logging.getLogger(__name__)

ERROR_CODES = frozenset({
    "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!",
    "#BUSY!", "#UNKNOWN!", "#EXTERNAL!", "#PYTHON!",
})
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsm", ".xlsb": "xlsb", ".xls": "xls",
           ".xlam": "xlsm", ".ods": "ods", ".csv": "csv"}


def read_book(book: xw.Book, *, sheets: Iterable[str] = (),
              include_hidden: bool = False) -> WorkbookGrids:
    """The grids of every sheet of ``book`` (or of those named), in order.

    Result sheets the add-in wrote are left out. A hidden sheet's cells are
    read only with ``include_hidden``; its grid is there either way, so the
    report lists it.
    """
    wanted = {name.lower() for name in sheets}
    grids = []
    for sheet in book.sheets:
        if wanted and sheet.name.lower() not in wanted:
            continue
        if result_role(sheet) is not None:
            continue
        grids.append(read_sheet(sheet, include_hidden=include_hidden))
    fmt = FORMATS.get(Path(book.name).suffix.lower(), "xlsx")
    return WorkbookGrids(path=book.fullname, format=fmt, sheets=grids)


def read_sheet(sheet: xw.Sheet, *, include_hidden: bool = False) -> SheetGrid:
    """One sheet's values, merged ranges and hidden rows and columns."""
    visible = _visible(sheet.visible)
    grid = SheetGrid(name=sheet.name, rows=[], visible=visible)
    if not visible and not include_hidden:
        return grid
    used = sheet.used_range
    values = used.options(ndim=2, err_to_str=True).value
    top, left = used.row - 1, used.column - 1
    grid.rows = _rows(values, top, left)
    if not grid.rows:
        return grid
    grid.merged = merged_ranges(used)
    grid.hidden_rows, grid.hidden_cols = hidden_rows_and_columns(used)
    return grid


def merged_ranges(used: xw.Range) -> list[MergedRange]:
    """The merged areas inside ``used``, zero-based, found by halving."""
    sheet = used.sheet
    found: dict[tuple[int, int, int, int], MergedRange] = {}
    stack = [(used.row, used.column, used.row + used.shape[0] - 1,
              used.column + used.shape[1] - 1)]
    while stack:
        top, left, bottom, right = stack.pop()
        if _covering(found, top, left, bottom, right):
            continue
        state = sheet.range((top, left), (bottom, right)).merge_cells
        if state is False:
            continue
        if state is not True:  # some cells merged, some not: look at each half
            stack.extend(_halves(top, left, bottom, right))
            continue
        # All merged: the area at the top-left corner, then what lies beside it.
        area = _covering(found, top, left, top, left) or _area(sheet, top, left)
        found[area] = MergedRange(area[0] - 1, area[1] - 1, area[2] - 1, area[3] - 1)
        if area[3] < right:
            stack.append((top, area[3] + 1, min(bottom, area[2]), right))
        if area[2] < bottom:
            stack.append((area[2] + 1, left, bottom, right))
    return sorted(found.values(), key=lambda m: (m.first_row, m.first_col))


def hidden_rows_and_columns(used: xw.Range) -> tuple[frozenset[int], frozenset[int]]:
    """Zero-based hidden rows and columns of the used range, from its visible areas."""
    try:
        areas = cast(list, used.get_special_cells("visible"))
    except NotImplementedError:
        return frozenset(), frozenset()
    rows = set(range(used.row, used.row + used.shape[0]))
    columns = set(range(used.column, used.column + used.shape[1]))
    seen_rows: set[int] = set()
    seen_cols: set[int] = set()
    for area in areas:
        seen_rows.update(range(area.row, area.row + area.shape[0]))
        seen_cols.update(range(area.column, area.column + area.shape[1]))
    if not seen_rows:
        return frozenset(r - 1 for r in rows), frozenset()
    return (frozenset(r - 1 for r in rows - seen_rows),
            frozenset(c - 1 for c in columns - seen_cols))


def content_key(grids: WorkbookGrids) -> tuple:
    """What a sheet read consists of, for hashing: names, cells and layout."""
    return tuple(
        (g.name, g.visible, repr(g.rows), tuple(g.merged),
         tuple(sorted(g.hidden_rows)), tuple(sorted(g.hidden_cols)))
        for g in grids.sheets
    )


def _visible(state) -> bool:
    # Windows reports Excel's XlSheetVisibility: -1 visible, 0 hidden, 2 very hidden.
    return state is True or (not isinstance(state, bool) and state == -1)


def _rows(values, top: int, left: int) -> list[list[Cell]]:
    """Values from the used range, placed as from A1, trailing blank rows cut."""
    rows: list[list[Cell]] = [[] for _ in range(top)]
    for line in values or []:
        rows.append([None] * left + [_cell(v) for v in line])
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    return rows


def _cell(value) -> Cell:
    if isinstance(value, str) and value in ERROR_CODES:
        return CellError(value)
    if isinstance(value, (str, bool, int, float, dt.datetime, dt.date, dt.time)):
        return value
    if value is None:
        return None
    return str(value)


def _covering(found, top: int, left: int, bottom: int, right: int):
    """The found area that holds the whole block, if one does."""
    for area in found:
        first_row, first_col, last_row, last_col = area
        if first_row <= top and first_col <= left and bottom <= last_row \
                and right <= last_col:
            return area
    return None


def _area(sheet: xw.Sheet, row: int, column: int) -> tuple[int, int, int, int]:
    """One-based corners of the merged area around a cell."""
    area = sheet.range((row, column)).merge_area
    return (area.row, area.column, area.row + area.shape[0] - 1,
            area.column + area.shape[1] - 1)


def _halves(top: int, left: int, bottom: int, right: int):
    """Split rows first: merged areas mostly lie in few rows, across columns."""
    if bottom > top:
        middle = (top + bottom) // 2
        return [(top, left, middle, right), (middle + 1, left, bottom, right)]
    middle = (left + right) // 2
    return [(top, left, bottom, middle), (top, middle + 1, bottom, right)]

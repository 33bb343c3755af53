"""The xlwings writer: result sheet plans carried out in an open workbook.

It carries out the same :class:`~extractor.writers.plan.SheetPlan` as the
results-workbook writer, but every call goes to Excel, so it makes few:
the values of a sheet in one block, the fills as rectangles (the whole
block in its most common color, then runs of one color merged along rows
and down columns), formats and widths per column group. Cell notes, which
Excel takes one at a time, go only on doubtful values and at most
``MAX_NOTES`` a sheet. How many calls a sheet takes follows its columns and
where its colors change, not how many cells it has.

Only sheets the add-in made are replaced (see :mod:`addin.marks`); a
user's sheet with a result sheet's name is left alone and the new sheet
gets a free name such as "Loads (2)".
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import xlwings as xw
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from extractor.writers.plan import (
    BAND_COLORS,
    DERIVED_COLOR,
    Fill,
    PlanValue,
    SheetPlan,
)

from .marks import mark, result_sheets

log = logging.getLogger(__name__)

MAX_NOTES = 200


@dataclass(frozen=True, slots=True)
class Rect:
    """A block of cells of one fill, zero-based and inclusive; None is no fill."""

    top: int
    left: int
    bottom: int
    right: int
    color: str | None


def write_plans(book: xw.Book, plans: Sequence[SheetPlan],
                max_notes: int = MAX_NOTES) -> list[xw.Sheet]:
    """Add or replace the result sheets of ``plans`` in ``book``, in plan order."""
    owned = result_sheets(book)
    sheets = list(book.sheets)
    written = []
    for plan in plans:
        sheet = owned.get(plan.name)
        if sheet is None:
            sheet = _new_sheet(book, sheets, plan.name)
            sheets.append(sheet)
            mark(sheet, plan.name)
        else:
            sheet.clear()
        write_sheet(sheet, plan, max_notes)
        written.append(sheet)
    return written


def write_sheet(sheet: xw.Sheet, plan: SheetPlan, max_notes: int = MAX_NOTES) -> None:
    """Carry out one plan on an empty sheet: values, looks, notes, layout."""
    n_rows = len(plan.rows)
    width = max((len(row) for row in plan.rows), default=0)
    if n_rows and width:
        block = [[_excel_value(v) for v in row] + [None] * (width - len(row))
                 for row in plan.rows]
        _cells(sheet, 0, 0, n_rows - 1, width - 1).value = block
        _looks(sheet, plan, n_rows, width)
    _widths(sheet, plan.column_widths)
    if plan.freeze:
        sheet.freeze_panes.freeze_at(plan.freeze)
    _notes(sheet, plan, max_notes)


def fill_layout(fills: Sequence[Fill], n_rows: int,
                n_cols: int) -> tuple[str | None, list[Rect]]:
    """The base color of a block and the rectangles that differ from it.

    Painting the whole block in the base color, then each rectangle, gives
    every cell its fill. The base is the most common fill, no fill
    included; ties go to no fill, which needs no call.
    """
    grid: list[list[str | None]] = [[None] * n_cols for _ in range(n_rows)]
    for f in fills:
        grid[f.row][f.col] = f.color.upper()
    counts = Counter(color for row in grid for color in row)
    top = max(counts.values(), default=0)
    base = None if counts[None] == top else counts.most_common(1)[0][0]

    rects: list[Rect] = []
    open_: dict[tuple[int, int, str | None], int] = {}
    for r, row in enumerate(grid + [[base] * n_cols]):
        runs = set(_runs(row, base))
        for key in [k for k in open_ if k not in runs]:
            rects.append(Rect(open_.pop(key), key[0], r - 1, key[1], key[2]))
        for key in runs:
            open_.setdefault(key, r)
    return base, sorted(rects, key=lambda x: (x.top, x.left))


def _runs(row: list[str | None], base: str | None):
    """Runs of equal color that differ from the base: (first, last, color)."""
    start = 0
    for c in range(1, len(row) + 1):
        if c == len(row) or row[c] != row[start]:
            if row[start] != base:
                yield start, c - 1, row[start]
            start = c


def _looks(sheet: xw.Sheet, plan: SheetPlan, n_rows: int, width: int) -> None:
    for r in plan.bold_rows:
        if r < n_rows:
            _cells(sheet, r, 0, r, width - 1).font.bold = True
    for c, number_format in plan.formats.items():
        if n_rows > 1 and c < width:
            _cells(sheet, 1, c, n_rows - 1, c).number_format = number_format

    base, rects = fill_layout(plan.fills, n_rows, width)
    if base is not None:
        _cells(sheet, 0, 0, n_rows - 1, width - 1).color = "#" + base
    for rect in rects:
        color = None if rect.color is None else "#" + rect.color
        _cells(sheet, rect.top, rect.left, rect.bottom, rect.right).color = color


def _widths(sheet: xw.Sheet, widths: Sequence[float]) -> None:
    start = 0
    for c in range(1, len(widths) + 1):
        if c == len(widths) or widths[c] != widths[start]:
            _cells(sheet, 0, start, 0, c - 1).column_width = widths[start]
            start = c


def _notes(sheet: xw.Sheet, plan: SheetPlan, max_notes: int) -> None:
    """Notes on the doubtful values (neither green nor blue) and on the
    header, top rows first, up to the cap."""
    fills = {(f.row, f.col): f.color.upper() for f in plan.fills}
    sure = {BAND_COLORS["high"], DERIVED_COLOR}
    doubtful = sorted(key for key in plan.notes if fills.get(key) not in sure)
    for r, c in doubtful[:max_notes]:
        text = ILLEGAL_CHARACTERS_RE.sub("", plan.notes[(r, c)])
        sheet.range((r + 1, c + 1)).add_note(text)
    if len(doubtful) > max_notes:
        log.info("sheet %r: notes on the first %d of %d doubtful values",
                 sheet.name, max_notes, len(doubtful))


def _new_sheet(book: xw.Book, sheets: list[xw.Sheet], name: str) -> xw.Sheet:
    taken = {s.name.lower() for s in sheets}
    candidate, n = name, 2
    while candidate.lower() in taken:
        candidate, n = f"{name} ({n})", n + 1
    return book.sheets.add(candidate, after=sheets[-1])


def _cells(sheet: xw.Sheet, top: int, left: int, bottom: int, right: int) -> xw.Range:
    return sheet.range((top + 1, left + 1), (bottom + 1, right + 1))


def _excel_value(value: PlanValue) -> PlanValue:
    """Text goes in as text: an apostrophe stops Excel reading "1/2" as a date."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if text else None

"""The results workbook: the write-back plan carried out with XlsxWriter.

It reads back, in Excel and in openpyxl, as the plan says: values (text
always as text), bold header rows, fills, notes, number formats, wrapped
columns, widths and row heights, a frozen header row repeated on every
printed page, landscape pages one page wide, and each sheet marked as a
result sheet.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..package_xml import RESULT_MARK, RESULT_PREFIX, parse_ref
from ..report import Report
from .atomic import atomic_write
from .plan import RowFills, SheetPlan, build_plan

log = logging.getLogger(__name__)

NOTE_AUTHOR = "excel-extract"
NOTE_WIDTH = 280
LINE_HEIGHT = 15.0
CONSTANT_MEMORY_CELLS = 200_000
"""Above this many cells, rows are written to disk as they come."""

# The control characters an xlsx file cannot hold (tab and line breaks it can).
ILLEGAL_CHARACTERS_RE = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")

Look = tuple[bool, str | None, str | None, bool]
"""How a cell looks: bold, fill color (RRGGBB), number format, wrapped."""
PLAIN: Look = (False, None, None, False)


class Looks:
    """The workbook's cell formats, each made once, by look."""

    def __init__(self, workbook: xlsxwriter.Workbook) -> None:
        self.workbook = workbook
        self.formats: dict[Look, Format | None] = {PLAIN: None}

    def format(self, look: Look) -> Format | None:
        """The format of a look (None for the plain one), made on first use."""
        if look in self.formats:
            return self.formats[look]

        bold, fill, number_format, wrap = look
        properties: dict[str, object] = {"bold": bold}
        if fill is not None:
            properties.update(pattern=1, bg_color=f"#{fill}")
        if number_format is not None:
            properties["num_format"] = number_format
        if wrap:
            properties.update(text_wrap=True, valign="top")
        made = self.formats[look] = self.workbook.add_format(properties)
        return made


class ResultSheet(NamedTuple):
    """A worksheet being written, and the formats the workbook's sheets share."""

    ws: Worksheet
    looks: Looks


Rows = Callable[[int, int], None]
"""Told the rows written so far and the rows in all, as a workbook is written."""
PROGRESS_ROWS = 10_000  # rows between two calls of a ``Rows`` callback


def write_results_workbook(report: Report, path: Path | str,
                           on_rows: Rows | None = None) -> Path:
    """Write the result sheets of ``report`` to a new workbook at ``path``.

    The file is written atomically: a failure leaves no partial workbook and
    an existing file at ``path`` is replaced only once the new one is whole.
    ``on_rows`` is told how far the writing is, every ``PROGRESS_ROWS`` rows.
    """
    from ..pipeline import without_cycle_collection

    # a plan is many small objects and no cycles: the collector need not
    # walk the report again and again while they are made
    with without_cycle_collection():
        plans = build_plan(report)
        written = write_plan(plans, path, on_rows)
    log.info("wrote %s (%d sheets)", written, len(plans))
    return written


def write_plan(plans: Sequence[SheetPlan], path: Path | str,
               on_rows: Rows | None = None) -> Path:
    """Carry out sheet plans into a new workbook at ``path``, atomically."""
    return atomic_write(path, lambda tmp: _save(plans, tmp, on_rows))


def _save(plans: Sequence[SheetPlan], tmp: Path, on_rows: Rows | None) -> None:
    # a large workbook's rows go to disk as they are written instead of
    # staying in memory (they are written in order); a small one is made
    # whole in memory, with its texts shared, which is quicker
    cells = sum(len(row) for plan in plans for row in plan.rows)
    large = cells > CONSTANT_MEMORY_CELLS
    options = {"constant_memory": large, "in_memory": not large}
    total = sum(len(plan.rows) for plan in plans)
    done = 0
    with xlsxwriter.Workbook(str(tmp), options) as workbook:
        looks = Looks(workbook)
        for plan in plans:
            ws = workbook.add_worksheet(plan.name)
            told = None if on_rows is None else \
                (lambda r, before=done: on_rows(before + r, total))
            fill_sheet(ResultSheet(ws, looks), plan, told)
            mark_result_sheet(workbook, plan.name)
            done += len(plan.rows)


def mark_result_sheet(workbook: xlsxwriter.Workbook, name: str) -> None:
    """Name the sheet as ours, as the add-in does, so it is never read as input."""
    workbook.define_name(f"{name}!{RESULT_MARK}", f'="{RESULT_PREFIX}{name}"')


def fill_sheet(sheet: ResultSheet, plan: SheetPlan,
               on_row: Callable[[int], None] | None = None) -> None:
    """Write one plan into an empty worksheet: layout, then row by row.

    A row's notes are written with it: once a row is on disk, nothing more
    can be written to it. ``on_row`` is told the rows written, every
    ``PROGRESS_ROWS`` rows and at the end.
    """
    ws = sheet.ws
    _layout(ws, plan)
    cells = _Cells(sheet.looks, plan)
    heights = _row_heights(plan)
    notes: dict[int, list[tuple[int, str]]] = {}
    for (r, c), text in sorted(plan.notes.items()):
        notes.setdefault(r, []).append((c, text))

    for r in range(len(plan.rows)):
        if r in heights:
            ws.set_row(r, heights[r])
        cells.write_row(ws, r)
        for c, text in notes.pop(r, ()):
            ws.write_comment(r, c, *_note(text))
        if on_row is not None and not (r + 1) % PROGRESS_ROWS:
            on_row(r + 1)
    for r, below in sorted(notes.items()):  # notes on cells below the last row
        for c, text in below:
            ws.write_comment(r, c, *_note(text))
    if on_row is not None:
        on_row(len(plan.rows))


def _layout(ws: Worksheet, plan: SheetPlan) -> None:
    """Widths, frozen panes and the printed page."""
    for c, width in enumerate(plan.column_widths):
        ws.set_column(c, c, width)

    if plan.freeze:
        panes = parse_ref(plan.freeze)
        if panes and panes != (0, 0):
            ws.freeze_panes(*panes)
        ws.repeat_rows(0)

    # landscape, one page wide, as many pages long as it takes
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


class _Cells:
    """The cells of a plan with their formats.

    Cells look as the plan says: bold rows as wide as the sheet, number
    formats and wrapping down their columns below the header, fills where
    the plan puts them. An empty cell with a look is written, empty, so
    that the look shows.
    """

    def __init__(self, looks: Looks, plan: SheetPlan) -> None:
        self.looks, self.plan = looks, plan
        self.width = max((len(row) for row in plan.rows), default=0)
        self.styled = max([*plan.formats, *plan.wrap], default=-1) + 1
        self.fills_of, filled = _fills_by_row(plan)
        self.bold = set(plan.bold_rows)
        self.reach = max(self.width, self.styled, filled)
        self.kinds: dict[tuple[bool, bool], list[Look]] = {}

    def _kind(self, bold: bool, below_header: bool) -> list[Look]:
        """The looks of a row's cells before any fill: a row's depend only
        on whether it is bold and below the header."""
        if (bold, below_header) not in self.kinds:
            formats, wrap = self.plan.formats, self.plan.wrap
            self.kinds[bold, below_header] = [
                (bold, None, formats.get(c), c in wrap)
                if below_header
                else (bold, None, None, False)
                for c in range(self.reach)
            ]
        return self.kinds[bold, below_header]

    def write_row(self, ws: Worksheet, r: int) -> None:
        values = self.plan.rows[r]
        bold = r in self.bold
        looks = self._kind(bold, r > 0)
        fills = self.fills_of(r)
        reach = max(
            len(values),
            self.width if bold else 0,
            self.styled if r else 0,
            max(fills, default=-1) + 1,
        )
        format_of = self.looks.format
        for c in range(reach):
            look = looks[c]
            if c in fills:
                look = (look[0], fills[c], look[2], look[3])
            cell_format = format_of(look)
            value = values[c] if c < len(values) else None
            if type(value) is str and value:
                ws.write_string(r, c, _legal(value), cell_format)
            elif value is None or value == "":
                if cell_format is not None:
                    ws.write_blank(r, c, None, cell_format)
            else:
                _write_value(ws, r, c, value, cell_format)


def _fills_by_row(plan: SheetPlan) -> tuple[Callable[[int], dict[int, str]], int]:
    """The fill colors of a row by column, and how many columns have fills.

    Rows share a few looks (a record sheet's especially): each is made into
    a dict once."""
    fills = RowFills.of(plan.fills)
    made: dict[tuple[str | None, ...], dict[int, str]] = {
        look: {c: color.upper() for c, color in enumerate(look) if color is not None}
        for look in fills.looks()}
    return (lambda r: made.get(fills.of_row(r), {})), max(map(len, made), default=0)


def _write_value(
    ws: Worksheet, r: int, c: int, value: str | float, cell_format: Format | None
) -> None:
    """One value, by its type: text stays text even when it starts with "="
    or reads as a number; a number Excel cannot hold becomes ``#NUM!``."""
    if isinstance(value, str):
        ws.write_string(r, c, _legal(value), cell_format)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, cell_format)
    elif math.isfinite(value):
        ws.write_number(r, c, value, cell_format)
    else:
        ws.write_formula(r, c, "#NUM!", cell_format, "#NUM!")


def _legal(text: str) -> str:
    """The text without the control characters an xlsx file cannot hold."""
    return text if text.isprintable() else ILLEGAL_CHARACTERS_RE.sub("", text)


def _note(text: str) -> tuple[str, dict[str, object]]:
    text = _legal(text)
    lines = text.count("\n") + 1
    size = {"author": NOTE_AUTHOR, "width": NOTE_WIDTH, "height": 24 + 16 * lines}
    return text, size


def _row_heights(plan: SheetPlan) -> dict[int, float]:
    """Heights of the rows whose wrapped text takes more than one line."""
    heights: dict[int, float] = {}
    if not plan.wrap:
        return heights
    for r, row in enumerate(plan.rows[1:], start=1):
        lines = 1
        for c in plan.wrap:
            text = str(row[c]) if c < len(row) and row[c] is not None else ""
            width = plan.column_widths[c] if c < len(plan.column_widths) else 10
            lines = max(lines, -(-len(text) // max(1, int(width))))
        if lines > 1:
            heights[r] = LINE_HEIGHT * lines
    return heights

"""The results workbook: the write-back plan carried out with openpyxl."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..package_xml import RESULT_MARK
from ..report import Report
from .atomic import atomic_write
from .plan import PlanValue, SheetPlan, build_plan

log = logging.getLogger(__name__)

NOTE_AUTHOR = "excel-extract"
BOLD = Font(name="Calibri", size=11, bold=True)


def write_results_workbook(report: Report, path: Path | str) -> Path:
    """Write the result sheets of ``report`` to a new workbook at ``path``.

    The file is written atomically: a failure leaves no partial workbook and
    an existing file at ``path`` is replaced only once the new one is whole.
    """
    plans = build_plan(report)
    written = write_plan(plans, path)
    log.info("wrote %s (%d sheets)", written, len(plans))
    return written


def write_plan(plans: Sequence[SheetPlan], path: Path | str) -> Path:
    """Carry out sheet plans into a new workbook at ``path``, atomically."""
    return atomic_write(path, lambda tmp: _save(plans, tmp))


def _save(plans: Sequence[SheetPlan], tmp: Path) -> None:
    wb = Workbook()
    wb.remove(wb.active)
    for plan in plans:
        ws = wb.create_sheet(plan.name)
        fill_sheet(ws, plan)
        mark_result_sheet(ws, plan.name)
    wb.save(tmp)


def mark_result_sheet(ws: Worksheet, role: str) -> None:
    """Name the sheet as ours, as the add-in does, so it is never read as input."""
    ws.defined_names[RESULT_MARK] = DefinedName(
        RESULT_MARK, attr_text=f'"excel-extract:{role}"')


def fill_sheet(ws: Worksheet, plan: SheetPlan) -> None:
    """Write one plan into an empty worksheet: values, looks, notes."""
    for r, row in enumerate(plan.rows, start=1):
        for c, value in enumerate(row, start=1):
            _set_value(ws.cell(row=r, column=c), value)

    for r in plan.bold_rows:
        for cell in ws[r + 1]:
            cell.font = BOLD

    for f in plan.fills:
        ws.cell(row=f.row + 1, column=f.col + 1).fill = _solid(f.color.upper())

    for (r, c), text in plan.notes.items():
        ws.cell(row=r + 1, column=c + 1).comment = _note(text)

    _apply_layout(ws, plan)


@lru_cache(maxsize=64)
def _solid(color: str) -> PatternFill:
    """One fill object per color: openpyxl compares styles by value, slowly."""
    return PatternFill(fill_type="solid", start_color=color, end_color=color)


WRAP = Alignment(wrap_text=True, vertical="top")


LINE_HEIGHT = 15.0


def _apply_layout(ws: Worksheet, plan: SheetPlan) -> None:
    _wrap(ws, plan)

    for c, width in enumerate(plan.column_widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = width

    for c, number_format in plan.formats.items():
        for row in ws.iter_rows(min_row=2, min_col=c + 1, max_col=c + 1):
            row[0].number_format = number_format

    if plan.freeze:
        ws.freeze_panes = plan.freeze
        ws.print_title_rows = "1:1"

    # Print landscape, one page wide, as many pages long as it takes.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _set_value(cell: Cell, value: PlanValue) -> None:
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
    # Text read from a workbook must stay text, even when it starts with "=".
    cell.data_type = "s"


def _note(text: str) -> Comment:
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    lines = text.count("\n") + 1
    return Comment(text, NOTE_AUTHOR, height=24 + 16 * lines, width=280)


def _wrap(ws: Worksheet, plan: SheetPlan) -> None:
    """Wrap long text columns, and make each row tall enough for its lines."""
    if not plan.wrap:
        return
    for r, row in enumerate(plan.rows[1:], start=2):
        lines = 1
        for c in plan.wrap:
            ws.cell(row=r, column=c + 1).alignment = WRAP
            text = str(row[c]) if c < len(row) and row[c] is not None else ""
            width = plan.column_widths[c] if c < len(plan.column_widths) else 10
            lines = max(lines, -(-len(text) // max(1, int(width))))
        if lines > 1:
            ws.row_dimensions[r].height = LINE_HEIGHT * lines

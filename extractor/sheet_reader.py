"""The sheets of one open workbook read into grids, one at a time.

calamine lays a sheet out as one dense block from A1 to its furthest cell,
and a block too large for memory ends the process. So before calamine is
handed a sheet, the reach of its cells is bounded from the sheet XML (xlsx,
by a survey made ahead, see ``sheet_survey``) or the table XML (ods); a
sheet that reaches too far is read cell by cell (xlsx) or refused. What
calamine leaves out (error cells, hidden rows and columns, merges) is added
from the XML. A sheet that cannot be read is skipped with a finding while
the others are read.

The reader also notes what a user should know about the file: formulas
without results, error values, a workbook with no values at all.
"""

from __future__ import annotations

import logging
import time
import zipfile
from pathlib import Path

import python_calamine as calamine

from . import package_xml, xlsx_stream
from .engine_errors import RESAVE, engine_errors, one_line
from .errors import (
    EncryptedWorkbookError,
    LimitExceededError,
    TimeLimitError,
    UnsafeWorkbookError,
    WorkbookError,
)
from .grid import (
    Cell,
    CellError,
    MergedRange,
    SheetGrid,
    SourceFinding,
    a1,
    is_blank,
)
from .limits import Deadline, Limits
from .sheet_survey import Surveys

log = logging.getLogger(__name__)

SKIPPED = "sheet-skipped"
MAX_ERROR_FINDINGS = 10
XML_FORMATS = ("xlsx", "xlsm")
_RECALCULATE = "open and save the workbook in Excel to calculate them"


class SheetReader:
    """Reads the worksheets of one open workbook and collects findings."""

    def __init__(
        self,
        file: Path,
        fmt: str,
        limits: Limits,
        deadline: Deadline,
        book: calamine.CalamineWorkbook,
        zf: zipfile.ZipFile | None,
        parts: package_xml.BookParts | None,
        surveys: Surveys | None,
    ) -> None:
        self.file, self.fmt, self.limits, self.deadline = file, fmt, limits, deadline
        self.book, self.zf, self.surveys = book, zf, surveys
        self.parts = parts or package_xml.BookParts({})
        self.findings: list[SourceFinding] = []
        self.failures: list[WorkbookError] = []
        self.formulas = False
        self.ods: dict[str, package_xml.SheetFacts] = {}
        self.cells: xlsx_stream.Book | None = None
        if zf is not None and fmt in XML_FORMATS:
            self.cells = xlsx_stream.Book(zf, self.parts, deadline.check)
        elif zf is not None and fmt == "ods":
            self.ods = package_xml.ods_hidden(zf)

    def read(self, meta: calamine.SheetMetadata) -> SheetGrid:
        """One sheet as a grid; chart sheets and skipped sheets come empty."""
        started = time.perf_counter()
        kind = _enum_name(meta.typ).lower()
        visible = meta.visible == calamine.SheetVisibleEnum.Visible
        if meta.name in self.parts.results:
            kind = "results"
        grid = SheetGrid(name=meta.name, rows=[], visible=visible, kind=kind)
        if kind == "worksheet":
            try:
                with engine_errors(self.file, meta.name):
                    self._fill(grid)
            except (TimeLimitError, UnsafeWorkbookError, EncryptedWorkbookError):
                raise
            except WorkbookError as exc:
                self._skip(grid, exc)
        log.debug(
            "sheet %r: %s, %d rows, %.3f s",
            grid.name,
            grid.kind,
            grid.n_rows,
            time.perf_counter() - started,
        )
        return grid

    def finish(self, grids: list[SheetGrid], held: bool = False) -> None:
        """Findings about the workbook as a whole, once every sheet is read.

        ``held`` says that a sheet no longer in ``grids`` as read (one handed
        over and let go) held a value."""
        if self.parts.recalculate_on_open and self.formulas:
            if not any(f.rule == "no-cached-values" for f in self.findings):
                self.findings.append(_recalculate_on_open())
        if not self.failures and not held:
            self.findings.extend(no_data(grids))

    # -- one worksheet ------------------------------------------------------

    def _fill(self, grid: SheetGrid) -> None:
        part = self.parts.sheets.get(grid.name)
        if self.fmt in XML_FORMATS:
            if part is None:
                raise WorkbookError(
                    "the sheet's part cannot be found in the package; " + RESAVE,
                    path=str(self.file),
                    sheet=grid.name,
                )
            if not self._fits_calamine(part):
                self._read_cell_by_cell(grid, part)
                return

        try:
            sheet = self.book.get_sheet_by_name(grid.name)
        except calamine.CalamineError as exc:
            if part is None:
                raise
            # calamine refuses a whole sheet for one cell it does not know
            # (such as the error value #GETTING_DATA): read it without calamine
            self._read_cell_by_cell(grid, part, _refused(grid.name, exc))
            return
        if sheet.end is not None:
            self._check_cells(grid.name, sheet.end[0] + 1, sheet.end[1] + 1)
        grid.rows = sheet.to_python(skip_empty_area=False)

        facts = self._facts(grid.name, part)
        self._add_facts(grid, facts)
        grid.merged = _merged(sheet.merged_cell_ranges) or facts.merged

    def _fits_calamine(self, part: str) -> bool:
        """Whether the sheet's cells fit the cell limit as one block: from the
        survey's reach when that is within the limit, else from the cells."""
        assert self.surveys is not None and self.zf is not None
        limit = self.limits.max_cells_per_sheet
        reach = self.surveys.reach(part)
        if reach is not None and reach[0] * reach[1] <= limit:
            return True
        extent = package_xml.sheet_extent(self.zf, part, limit, self.deadline.check)
        return extent is not None and extent[0] * extent[1] <= limit

    def _facts(self, name: str, part: str | None) -> package_xml.SheetFacts:
        """What calamine leaves out of a sheet: from the survey of its part
        (xlsx) or from the tables of the package (ods)."""
        if part is not None and self.surveys is not None:
            return self.surveys.facts(part)
        return self.ods.get(name) or package_xml.SheetFacts()

    def _read_cell_by_cell(
        self, grid: SheetGrid, part: str, finding: SourceFinding | None = None
    ) -> None:
        assert self.cells is not None
        grid.rows = xlsx_stream.read_cells(
            self.cells,
            part,
            max_cells=self.limits.max_cells_per_sheet,
            path=self.file,
            sheet=grid.name,
        )
        facts = self._facts(grid.name, part)
        self._add_facts(grid, facts)
        grid.merged = facts.merged
        self.findings.append(finding or _sparse(grid))

    def _add_facts(self, grid: SheetGrid, facts: package_xml.SheetFacts) -> None:
        _put_errors(grid.rows, facts.errors)
        trim_trailing_rows(grid.rows)
        if facts.hidden_rows:
            grid.hidden_rows = _clamp(facts.hidden_rows, grid.n_rows)
        if facts.hidden_cols:
            grid.hidden_cols = _clamp(facts.hidden_cols, grid.n_cols)
        self.formulas = self.formulas or facts.formulas
        self.findings.extend(error_cells(grid.name, facts.errors))
        self.findings.extend(uncalculated(grid.name, facts.uncalculated))

    def _check_cells(self, sheet: str, rows: int, cols: int) -> None:
        check_cells(self.file, sheet, rows, cols, self.limits.max_cells_per_sheet)

    def _skip(self, grid: SheetGrid, exc: WorkbookError) -> None:
        grid.rows, grid.kind = [], "skipped"
        self.failures.append(exc)
        self.findings.append(
            SourceFinding(SKIPPED, "error", exc.message, cell=grid.name)
        )
        log.info("skipped: %s", exc)


def check_cells(file: Path, sheet: str, rows: int, cols: int, limit: int) -> None:
    """Raise LimitExceededError if a sheet spans more than ``limit`` cells."""
    if rows * cols > limit:
        raise LimitExceededError(
            f"the sheet spans {rows:,} rows by {cols:,} columns, more than "
            f"the limit of {limit:,} cells; delete the unused rows and "
            "columns or raise the limit (--max-cells)",
            path=str(file),
            sheet=sheet,
        )


# -- findings ---------------------------------------------------------------


def error_cells(sheet: str, errors: list[tuple[int, int, str]]) -> list[SourceFinding]:
    """One finding per error value, the first few of a sheet, then a count."""
    found = [
        SourceFinding(
            "error-cells",
            "warning",
            f"{sheet}!{a1(row, col)} holds {code}",
            cell=f"{sheet}!{a1(row, col)}",
            suggestion="correct the formula or what it refers to in Excel",
        )
        for row, col, code in sorted(errors)[:MAX_ERROR_FINDINGS]
    ]
    if len(errors) > MAX_ERROR_FINDINGS:
        more = len(errors) - MAX_ERROR_FINDINGS
        found.append(
            SourceFinding(
                "error-cells",
                "warning",
                f"{more:,} more cells of {sheet} hold error values",
                cell=sheet,
            )
        )
    return found


def uncalculated(sheet: str, cells: list[tuple[int, int]]) -> list[SourceFinding]:
    """A finding for a sheet whose formulas were saved without results."""
    if not cells:
        return []
    first = a1(*min(cells))
    count = "1 cell" if len(cells) == 1 else f"{len(cells):,} cells"
    return [
        SourceFinding(
            "no-cached-values",
            "warning",
            f"formulas in {sheet} have no cached results ({count}, the first "
            f"at {first}): they read as empty",
            cell=f"{sheet}!{first}",
            suggestion=_RECALCULATE,
        )
    ]


def no_data(grids: list[SheetGrid]) -> list[SourceFinding]:
    """A finding for a workbook in which no sheet holds a value."""
    if any(has_values(grid.rows) for grid in grids):
        return []
    if not grids:
        what = "it has no sheets"
    else:
        what = ", ".join(_emptiness(grid) for grid in grids)
    return [
        SourceFinding(
            "no-data",
            "warning",
            f"the workbook holds no values: {what}",
            suggestion="check that you chose the right file",
        )
    ]


def _emptiness(grid: SheetGrid) -> str:
    if grid.kind == "worksheet":
        return f"{grid.name!r} is empty"
    article = "an" if grid.kind[0] in "aeiou" else "a"
    return f"{grid.name!r} is {article} {grid.kind.replace('sheet', ' sheet')}"


def has_values(rows: list[list[Cell]]) -> bool:
    """Whether any cell of the rows holds a value."""
    return any(not is_blank(value) for row in rows for value in row)


def _recalculate_on_open() -> SourceFinding:
    return SourceFinding(
        "no-cached-values",
        "info",
        "the workbook was saved by a program that does not calculate formulas "
        "(it asks Excel to recalculate them on opening): formula results in it "
        "may be placeholders such as 0",
        suggestion=_RECALCULATE,
    )


def _refused(sheet: str, exc: Exception) -> SourceFinding:
    return SourceFinding(
        "cell-by-cell",
        "info",
        f"{sheet} was read cell by cell: the fast reader refused it "
        f"({one_line(exc)})",
        cell=sheet,
    )


def _sparse(grid: SheetGrid) -> SourceFinding:
    values = sum(1 for row in grid.rows for value in row if not is_blank(value))
    last = a1(grid.n_rows - 1, grid.n_cols - 1) if grid.rows else "A1"
    held = "1 value" if values == 1 else f"{values:,} values"
    return SourceFinding(
        "cell-by-cell",
        "info",
        f"{grid.name} has cells too far apart to lay out as one block (its "
        f"furthest value is at {last}; {held} in all); it was read cell by cell",
        cell=grid.name,
        suggestion="delete stray cells and formatting far from the tables to "
        "read it faster",
    )


# -- grids ------------------------------------------------------------------


def _put_errors(rows: list[list[Cell]], errors: list[tuple[int, int, str]]) -> None:
    """Write error cells back where calamine left empty text."""
    for row, col, code in errors:
        while len(rows) <= row:
            rows.append([])
        line = rows[row]
        if len(line) <= col:
            line.extend([""] * (col + 1 - len(line)))
        line[col] = CellError(code)


def trim_trailing_rows(rows: list[list[Cell]]) -> None:
    """Drop the rows at the end that hold nothing a reader would see."""
    end = len(rows)
    while end and all(is_blank(value) for value in rows[end - 1]):
        end -= 1
    del rows[end:]


def _clamp(spans: list[tuple[int, int]], size: int) -> frozenset[int]:
    """The indices in the spans that fall inside a grid of ``size``."""
    found: set[int] = set()
    for first, last in spans:
        found.update(range(first, min(last, size - 1) + 1))
    return frozenset(found)


def _merged(
    ranges: list[tuple[tuple[int, int], tuple[int, int]]] | None,
) -> list[MergedRange]:
    return [MergedRange(r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges or []]


def _enum_name(value: object) -> str:
    return str(value).rpartition(".")[2]

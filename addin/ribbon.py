"""The ribbon button: extract the workbook it was pressed in.

``extract_workbook()`` is what the add-in's Extract button runs (through
``excel_extract.main``). It reads every sheet of ``xw.Book.caller()``, runs
the same extraction as ``excel-extract run`` and adds the result sheets to
that workbook, or replaces the ones an earlier run added. It runs the same
in Excel and, through the file engine, on a file (``excel-extract
addin-run``).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import xlwings as xw

from extractor.pipeline import Settings, extract_grids
from extractor.report import Report
from extractor.writers.plan import build_plan

from .reading import read_book
from .writing import MAX_NOTES, write_plans

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Extraction:
    """What one press of the button did."""

    report: Report
    sheets: list[str]

    def summary(self) -> str:
        r = self.report
        return (f"excel-extract: {len(r.loads)} loads, {len(r.cables)} cables, "
                f"{len(r.buses)} buses from {len(r.sheets)} sheets "
                f"(confidence {r.confidence:.2f})")


def extract_workbook(settings: Settings | None = None,
                     max_notes: int = MAX_NOTES) -> Extraction:
    """Extract the calling workbook and write the result sheets into it."""
    book = xw.Book.caller()
    return extract_book(book, settings, max_notes)


def extract_book(book: xw.Book, settings: Settings | None = None,
                 max_notes: int = MAX_NOTES) -> Extraction:
    """Extract ``book`` and add or replace its result sheets."""
    settings = settings or Settings()
    app = book.app
    app.status_bar = "excel-extract: reading the sheets..."
    updating = app.screen_updating
    try:
        started = time.perf_counter()
        grids = read_book(book, sheets=settings.sheets,
                          include_hidden=settings.include_hidden_sheets)
        read_seconds = time.perf_counter() - started
        app.status_bar = "excel-extract: extracting..."
        report = extract_grids(grids, settings)
        report.performance.stages = {"read": round(read_seconds, 4),
                                     **report.performance.stages}
        app.screen_updating = False
        written = write_plans(book, build_plan(report), max_notes)
        if written:
            written[0].activate()
    finally:
        app.screen_updating = updating
        app.status_bar = False
    result = Extraction(report, [sheet.name for sheet in written])
    log.debug("%s: result sheets %s", book.name, ", ".join(result.sheets))
    return result


def main() -> None:
    """The entry point by the name xlwings' add-in template calls."""
    extract_workbook()

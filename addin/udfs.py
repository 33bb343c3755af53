"""Worksheet functions: the extraction as arrays, for formulas in cells.

``=EXTRACT_LOADS()``, ``=EXTRACT_CABLES()`` and ``=EXTRACT_BUSES()`` return
the records of the workbook the formula is in (or of the sheet named in
their argument) as a table with a header row, the same columns as the
result sheets. ``=CLASSIFY_SHEETS()`` returns each sheet's kind and
confidence. Excel does not let a function add sheets, so the colored result
sheets come from the ribbon button.

A function never raises: what went wrong comes back as one cell of text
starting with ``error:``. Recalculation is cheap: the sheets are read
(one block each) and extracted only when their content changed since the
last call, whatever function asked.

Arguments carry no type hints on purpose: xlwings reads a hint as the
converter to apply to the cell value.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence

import xlwings as xw

from extractor.errors import ExtractError
from extractor.pipeline import Settings, extract_grids
from extractor.records import Bus, Cable, Load, Record
from extractor.report import Report
from extractor.writers.plan import record_sheet

from .marks import result_role
from .reading import content_key, read_book

log = logging.getLogger(__name__)

CACHE_SIZE = 8
RECORD_TYPES: dict[str, type[Record]] = {"Loads": Load, "Cables": Cable,
                                         "Buses": Bus}

_cache: OrderedDict[str, Report] = OrderedDict()
_cache_lock = threading.Lock()


class FunctionError(Exception):
    """A problem a worksheet function reports as its result."""


@xw.func
@xw.arg("sheet", doc="name of the sheet to read; all sheets when omitted")
def EXTRACT_LOADS(sheet=None, caller=None):  # noqa: N802 - Excel's spelling
    """The loads of the workbook, or of one sheet, with a header row."""
    return _records("Loads", sheet, caller)


@xw.func
@xw.arg("sheet", doc="name of the sheet to read; all sheets when omitted")
def EXTRACT_CABLES(sheet=None, caller=None):  # noqa: N802
    """The cables of the workbook, or of one sheet, with a header row."""
    return _records("Cables", sheet, caller)


@xw.func
@xw.arg("sheet", doc="name of the sheet to read; all sheets when omitted")
def EXTRACT_BUSES(sheet=None, caller=None):  # noqa: N802
    """The buses (boards, switchboards) of the workbook, or of one sheet."""
    return _records("Buses", sheet, caller)


@xw.func
def CLASSIFY_SHEETS(caller=None):  # noqa: N802
    """Each sheet's name, kind of schedule and confidence, with a header row."""
    try:
        report = _report(None, caller)
    except FunctionError as exc:
        return [[f"error: {exc}"]]
    rows = [["Sheet", "Kind", "Confidence"]]
    rows += [[s.name, s.kind, s.confidence] for s in report.sheets]
    return rows


def clear_cache() -> None:
    """Forget every cached extraction."""
    with _cache_lock:
        _cache.clear()


def _records(kind: str, sheet, caller) -> list[list]:
    try:
        report = _report(sheet, caller)
    except FunctionError as exc:
        return [[f"error: {exc}"]]
    records: dict[str, Sequence[Record]] = {
        "Loads": report.loads, "Cables": report.cables, "Buses": report.buses}
    plan = record_sheet(kind, RECORD_TYPES[kind], records[kind])
    return [["" if value is None else value for value in row] for row in plan.rows]


def _report(sheet, caller) -> Report:
    """The report of the calling workbook's sheets, from the cache if unchanged."""
    try:
        book = _book(caller)
        names = _sheet_names(book, sheet)
        grids = read_book(book, sheets=names, include_hidden=bool(names))
        key = hashlib.sha256(repr(content_key(grids)).encode()).hexdigest()
        with _cache_lock:
            if key in _cache:
                _cache.move_to_end(key)
                return _cache[key]
        report = extract_grids(grids, Settings(include_hidden_sheets=bool(names)))
    except FunctionError:
        raise
    except ExtractError as exc:
        raise FunctionError(str(exc)) from exc
    except Exception as exc:  # a worksheet function must answer, not raise
        log.exception("worksheet function failed")
        raise FunctionError(f"{type(exc).__name__}: {exc}; press Extract on the "
                            "ribbon to see the full report") from exc
    with _cache_lock:
        _cache[key] = report
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return report


def _book(caller) -> xw.Book:
    if caller is not None:
        return caller.sheet.book
    try:
        return xw.Book.caller()
    except Exception as exc:
        raise FunctionError("no calling workbook; enter the function in a cell "
                            "of the workbook to extract") from exc


def _sheet_names(book: xw.Book, sheet) -> tuple[str, ...]:
    """The sheet asked for, by its exact name; () for all the user's sheets."""
    if sheet is None or sheet == "":
        return ()
    user_sheets = [s.name for s in book.sheets if result_role(s) is None]
    for name in user_sheets:
        if name.lower() == str(sheet).lower():
            return (name,)
    listed = ", ".join(user_sheets)
    raise FunctionError(f"sheet {sheet!r} not found; sheets are {listed}")

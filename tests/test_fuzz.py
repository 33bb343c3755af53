"""Random workbooks never break the reader or the pipeline.

Hypothesis writes workbooks of random layout and random values (text,
numbers, error values, dates, booleans, unicode); extraction must return a
Report or raise one of the product's own errors, and the cell-by-cell reader
(used for sheets too sparse for calamine) must read what calamine reads.
"""

from __future__ import annotations

import string
import tempfile
from datetime import date, datetime
from pathlib import Path
from unittest.mock import patch

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.errors import ExtractError
from extractor.grid import is_blank
from extractor.pipeline import extract_file
from extractor.report import Report
from extractor.sheet_reader import SheetReader
from extractor.sources import read_workbook

ERRORS = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20
) | st.sampled_from(["Tag", "Rated power (kW)", "Cable", "Size (mm²)", "From",
                     "To", "Voltage (V)", "P-101", "3x16", "SPARE", "TOTAL"])
VALUES = st.one_of(
    TEXT,
    st.integers(-10**9, 10**9),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.sampled_from(ERRORS),
    st.dates(date(1901, 1, 1), date(2099, 12, 31)),
    st.datetimes(datetime(1901, 1, 1), datetime(2099, 12, 31)).map(
        lambda d: d.replace(microsecond=0)),
)
CELLS = st.dictionaries(
    st.tuples(st.integers(1, 60), st.integers(1, 30)), VALUES, max_size=80)
SHEET_NAMES = st.text(
    alphabet=string.ascii_letters + string.digits + " 'ÄÖÜ()-_", min_size=1,
    max_size=20).filter(lambda s: s.strip() and not s.startswith("'")
                        and not s.endswith("'"))
LAYOUTS = st.lists(st.tuples(SHEET_NAMES, CELLS), min_size=1, max_size=3,
                   unique_by=lambda sheet: sheet[0].lower())
FAST = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
LONG = settings(max_examples=400, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def write(folder: Path, layout) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cells in layout:
        ws = wb.create_sheet(name)
        for (row, col), value in cells.items():
            ws.cell(row, col, value)
    path = folder / "random.xlsx"
    wb.save(path)
    return path


def extracts_or_refuses(layout) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), layout)
        try:
            report = extract_file(path, n_jobs=1)
        except ExtractError:
            return
        assert isinstance(report, Report)


def both_readers_agree(layout) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder), layout)
        fast = read_workbook(path)
        # a sheet whose reach cannot be bounded is read cell by cell
        with patch.object(SheetReader, "_fits_calamine", return_value=False):
            slow = read_workbook(path)
    assert values(slow) == values(fast)


def values(book) -> list[list[list[object]]]:
    """Each sheet's rows, blank text (calamine drops spaces) as ""."""
    return [[["" if is_blank(v) else v for v in row] for row in sheet.rows]
            for sheet in book.sheets]


@FAST
@given(LAYOUTS)
def test_random_workbooks_extract_or_raise_the_products_errors(layout):
    extracts_or_refuses(layout)


@FAST
@given(LAYOUTS)
def test_the_cell_by_cell_reader_reads_what_calamine_reads(layout):
    both_readers_agree(layout)


@pytest.mark.slow
@LONG
@given(LAYOUTS)
def test_many_random_workbooks(layout):
    extracts_or_refuses(layout)


@pytest.mark.slow
@LONG
@given(LAYOUTS)
def test_many_random_workbooks_in_both_readers(layout):
    both_readers_agree(layout)

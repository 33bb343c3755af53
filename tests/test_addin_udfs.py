"""Worksheet functions, called as Excel calls them: with the calling cell."""

from __future__ import annotations

import pytest
from workbooks import write_xlsx

from addin import udfs
from addin.file_engine import activated, mock_caller, open_book

LOADS = [["Tag", "Description", "Rated Power (kW)", "Voltage (V)"],
         ["P-101", "Raw water pump", 55, 400],
         ["P-102", "Booster pump", 7.5, 400]]
CABLES = [["Cable Tag", "From", "To", "Size", "Length (m)"],
          ["C-101", "MCC-01", "P-101", "3C x 95 sq.mm XLPE/SWA/PVC", 85]]


@pytest.fixture
def book(tmp_path):
    path = write_xlsx(tmp_path / "p.xlsx", {
        "Load List": LOADS, "Cable Schedule": CABLES, "Notes": [["see spec"]]})
    udfs.clear_cache()
    with activated():
        opened = open_book(path)
        yield opened
        opened.close()


@pytest.fixture
def caller(book):
    """The cell the formula is in, as xlwings hands it to the function."""
    return book.sheets["Notes"]["D2"]


def test_extract_loads_returns_a_table_with_a_header_row(caller):
    table = udfs.EXTRACT_LOADS("Load List", caller=caller)

    assert table[0][:4] == ["Sheet", "Row", "Confidence", "tag"]
    assert [row[3] for row in table[1:]] == ["P-101", "P-102"]
    assert [row[:2] for row in table[1:]] == [["Load List", 2], ["Load List", 3]]
    assert all(len(row) == len(table[0]) for row in table)
    assert None not in table[1]


def test_without_a_sheet_every_sheet_is_read(caller):
    cables = udfs.EXTRACT_CABLES(caller=caller)
    buses = udfs.EXTRACT_BUSES(caller=caller)

    assert [row[3] for row in cables[1:]] == ["C-101"]
    assert len(buses) == 1  # the header row alone
    assert udfs.EXTRACT_LOADS(caller=caller)[1][0] == "Load List"


def test_classify_sheets_gives_name_kind_and_confidence(caller):
    table = udfs.CLASSIFY_SHEETS(caller=caller)

    assert table[0] == ["Sheet", "Kind", "Confidence"]
    assert [row[:2] for row in table[1:]] == [
        ["Load List", "load_schedule"], ["Cable Schedule", "cable_schedule"],
        ["Notes", "other"]]
    assert all(0 <= row[2] <= 1 for row in table[1:])


def test_an_unknown_sheet_is_an_error_text_naming_the_sheets(caller):
    assert udfs.EXTRACT_LOADS("Load Lst", caller=caller) == [[
        "error: sheet 'Load Lst' not found; sheets are Load List, Cable Schedule, "
        "Notes"]]


def test_the_calling_book_is_found_without_a_caller_argument(book):
    with mock_caller(book):
        assert udfs.EXTRACT_LOADS("load list")[1][3] == "P-101"


def test_no_calling_workbook_is_an_error_text():
    assert udfs.CLASSIFY_SHEETS() == [[
        "error: no calling workbook; enter the function in a cell of the workbook "
        "to extract"]]


def test_recalculation_extracts_again_only_when_the_sheets_changed(caller, monkeypatch):
    runs = []
    extract = udfs.extract_grids
    def counted(grids, settings):
        runs.append(1)
        return extract(grids, settings)

    monkeypatch.setattr(udfs, "extract_grids", counted)

    udfs.EXTRACT_LOADS(caller=caller)
    udfs.EXTRACT_CABLES(caller=caller)
    udfs.CLASSIFY_SHEETS(caller=caller)
    assert len(runs) == 1
    caller.sheet.book.sheets["Load List"]["A3"].value = "P-202"
    assert udfs.EXTRACT_LOADS(caller=caller)[2][3] == "P-202"
    assert len(runs) == 2


def test_a_failure_inside_is_an_error_text(caller, monkeypatch):
    def broken(grids, settings):
        raise RuntimeError("boom")

    monkeypatch.setattr(udfs, "extract_grids", broken)

    assert udfs.EXTRACT_BUSES(caller=caller) == [[
        "error: RuntimeError: boom; press Extract on the ribbon to see the full "
        "report"]]

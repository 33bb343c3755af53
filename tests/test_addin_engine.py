"""The file engine: xlwings' own API on a workbook file, checked exactly."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
import xlsxwriter
import xlwings as xw
from workbooks import Sheet, write_xlsx

from addin.file_engine import ENGINE_NAME, activated, mock_caller, open_book
from addin.reading import read_book
from extractor.grid import CellError, MergedRange
from extractor.sources import read_workbook


@pytest.fixture
def book_file(tmp_path):
    """A workbook as Excel leaves one: cached formula results, merges, hidden parts."""
    path = tmp_path / "book.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Data")
    ws.write_row(0, 0, ["Tag", "kW", "Note", "Hidden", "Total"])
    ws.write_row(1, 0, ["P-101", 55, "duty"])
    ws.write_row(2, 0, ["P-102", 7.5, "standby"])
    ws.write_formula(3, 1, "=SUM(B2:B3)", None, 62.5)
    ws.write_formula(3, 2, "=1/0", None, "#DIV/0!")
    ws.write_formula(3, 4, '="x"&A2', None, "xP-101")
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.write_datetime(4, 0, dt.datetime(2024, 5, 17), day)
    ws.merge_range("A7:C7", "MOTOR DATA")
    ws.set_row(5, None, None, {"hidden": True})
    ws.set_column(3, 3, None, None, {"hidden": True})
    wb.add_worksheet("Spare").write("B3", "left alone")
    wb.close()
    return path


@pytest.fixture
def book(book_file):
    with activated():
        opened = open_book(book_file)
        yield opened
        opened.close()


def test_registers_once_as_an_xlwings_engine():
    with activated() as engine:
        assert engine.name == ENGINE_NAME
        assert xw.engines.active.name == ENGINE_NAME
        with activated():
            pass
    assert [e.name for e in xw.engines].count(ENGINE_NAME) == 1


def test_values_read_as_excel_shows_them(book):
    sheet = book.sheets["Data"]

    assert sheet.used_range.address == "$A$1:$E$7"
    assert sheet.used_range.value == [
        ["Tag", "kW", "Note", "Hidden", "Total"],
        ["P-101", 55.0, "duty", None, None],
        ["P-102", 7.5, "standby", None, None],
        [None, 62.5, None, None, "xP-101"],
        [dt.datetime(2024, 5, 17), None, None, None, None],
        [None, None, None, None, None],
        ["MOTOR DATA", None, None, None, None],
    ]
    assert sheet["C4"].options(err_to_str=True).value == "#DIV/0!"
    assert sheet["B4"].formula == "=SUM(B2:B3)"
    assert sheet["A2:B3"].options(ndim=2, numbers=int).value == [["P-101", 55],
                                                                  ["P-102", 8]]


def test_ranges_address_resize_and_expand(book):
    sheet = book.sheets[0]

    assert sheet["B2:C3"].shape == (2, 2)
    assert sheet[1:3, 0:2].address == "$A$2:$B$3"
    assert sheet["A1"].resize(2, 3).address == "$A$1:$C$2"
    assert sheet["A1"].offset(1, 1).address == "$B$2"
    assert sheet["A1"].expand("right").address == "$A$1:$E$1"
    assert sheet["A1"].expand("down").address == "$A$1:$A$3"  # A4 is empty
    assert sheet["A1:C3"].last_cell.address == "$C$3"
    assert sheet["B2"].get_address(False, False, external=True) == "[book.xlsx]Data!B2"


def test_writes_take_text_formulas_and_scalars_as_excel_does(book):
    sheet = book.sheets["Spare"]

    sheet["A1"].value = [["'=not a formula", "=B2*2", 3, None]]
    sheet["A5:B6"].value = "same"

    assert sheet["A1"].value == "=not a formula"
    assert sheet["B1"].formula == "=B2*2"
    assert sheet["B1"].value is None  # the engine does not calculate
    assert sheet["C1"].value == 3
    assert sheet["A5:B6"].value == [["same", "same"], ["same", "same"]]
    assert sheet["B3"].value == "left alone"


def test_colors_fonts_formats_widths_and_notes(book):
    cells = book.sheets["Spare"]["A1:B2"]

    cells.color = "#C6EFCE"
    cells.font.bold = True
    cells.number_format = "0.00"
    cells.column_width = 12.5
    cells[0, 0].add_note("cell: Data!A2")

    assert cells.color == (198, 239, 206)
    assert cells.font.bold is True
    assert cells.number_format == "0.00"
    assert cells.column_width == 12.5
    assert cells[0, 0].note.text == "cell: Data!A2"
    cells[1, 1].color = None
    assert cells.color is None
    assert cells[1, 1].color is None


def test_sheet_scoped_names(book):
    sheet = book.sheets["Spare"]

    sheet.names.add("_mark", '="excel-extract:Loads"')
    book.names.add("Total", "=Data!$B$4")

    assert [n.name for n in sheet.names] == ["Spare!_mark"]
    assert sheet.names["_mark"].refers_to == '="excel-extract:Loads"'
    assert [n.name for n in book.names] == ["Total", "Spare!_mark"]
    assert book.names["Total"].refers_to_range.value == 62.5
    assert list(book.sheets["Data"].names) == []


def test_merged_cells_and_hidden_rows_and_columns(book):
    sheet = book.sheets["Data"]

    assert sheet["A7:C7"].merge_cells is True
    assert sheet["A7:D7"].merge_cells is None
    assert sheet["A1:E5"].merge_cells is False
    assert sheet["B7"].merge_area.address == "$A$7:$C$7"
    areas = sheet.used_range.get_special_cells("visible")
    assert [a.address for a in areas] == ["$A$1:$C$5", "$E$1:$E$5", "$A$7:$C$7",
                                          "$E$7"]


def test_sheets_added_renamed_and_deleted(book):
    added = book.sheets.add("Loads", after=book.sheets[-1])
    default = book.sheets.add()

    assert [s.name for s in book.sheets] == ["Data", "Spare", "Sheet1", "Loads"]
    assert added.index == 4 and default.index == 3
    default.name = "Renamed"
    default.delete()
    assert [s.name for s in book.sheets] == ["Data", "Spare", "Loads"]
    with pytest.raises(ValueError, match="already present"):
        book.sheets.add("loads")


def test_save_keeps_formulas_and_their_cached_results(book, book_file, tmp_path):
    before = book_file.read_bytes()
    book.sheets["Spare"]["A1"].value = "new"

    book.save(tmp_path / "out.xlsx")

    assert book_file.read_bytes() == before
    formulas = openpyxl.load_workbook(tmp_path / "out.xlsx")["Data"]
    values = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["Data"]
    assert [formulas[a].value for a in ("B4", "C4", "E4")] == [
        "=SUM(B2:B3)", "=1/0", '="x"&A2']
    assert [values[a].value for a in ("B4", "C4", "E4")] == [62.5, "#DIV/0!", "xP-101"]
    assert values.parent["Spare"]["A1"].value == "new"


def test_book_caller_is_the_mocked_book_only_inside_the_block(book):
    with mock_caller(book):
        assert xw.Book.caller() == book
        assert xw.Book.caller().sheets[0].name == "Data"
    assert not hasattr(xw.Book, "_mock_caller")


def test_xw_book_opens_a_file_through_the_active_engine(book_file):
    with activated():
        opened = xw.Book(book_file)
        try:
            assert opened.app.engine.name == ENGINE_NAME
            assert opened.sheets[0]["A2"].value == "P-101"
        finally:
            opened.close()


def test_the_add_in_reads_the_grid_the_command_line_reads(book, book_file):
    mine = read_book(book, include_hidden=True)
    cli = read_workbook(book_file)

    assert [g.name for g in mine.sheets] == ["Data", "Spare"]
    data, reference = mine.sheets[0], cli.sheets[0]
    assert data.merged == reference.merged == [MergedRange(6, 0, 6, 2)]
    assert data.hidden_rows == reference.hidden_rows == frozenset({5})
    assert data.hidden_cols == reference.hidden_cols == frozenset({3})
    assert data.rows[3][2] == CellError("#DIV/0!")
    assert data.rows[1][:3] == ["P-101", 55.0, "duty"]
    assert data.rows[4][0] == dt.datetime(2024, 5, 17)


def test_every_merged_area_is_found_by_halving_blocks(tmp_path):
    merges = [("A1:C1", "LOAD DATA"), ("D1:D3", "kW"), ("E1:F2", "x"),
              ("G1:H1", "y"), ("A20:B21", "z"), ("F30:F40", "long")]
    calls = {}
    for n_rows in (45, 45 * 32):
        rows = [[f"r{r}c{c}" if r > 3 else None for c in range(8)]
                for r in range(n_rows)]
        path = write_xlsx(tmp_path / f"m{n_rows}.xlsx",
                          {"Board": Sheet(rows, merge=merges)})
        with activated():
            book = open_book(path)
            mine = read_book(book).sheets[0].merged
            calls[n_rows] = book.impl.calls["merge_cells"]
            book.close()
        assert mine == read_workbook(path).sheets[0].merged
        assert len(mine) == len(merges)

    # 32 times the cells: each area costs about two more questions per halving
    assert calls[45 * 32] - calls[45] <= 2 * len(merges) * 5

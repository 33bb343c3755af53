"""Reading workbook files into sheet grids: formats, layout facts, errors."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import struct
import zipfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from extractor import package_xml, sources
from extractor.errors import (
    EncryptedWorkbookError,
    InputError,
    LimitExceededError,
    WorkbookError,
)
from extractor.grid import CellError, MergedRange
from extractor.sources import Limits, detect_format, read_sheet_names, read_workbook
from corpus_path import CORPUS

SMDB = CORPUS / "autosld" / "SMDB Schedule.xlsx"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
END, FREE = 0xFFFFFFFE, 0xFFFFFFFF
MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"/>'
)


# -- building inputs ---------------------------------------------------------


def openpyxl_file(path: Path, build) -> Path:
    """Save a workbook that ``build`` fills in, starting from one sheet."""
    wb = openpyxl.Workbook()
    build(wb)
    wb.save(path)
    return path


def patch_member(path: Path, member: str, edit) -> None:
    """Rewrite one zip member in place through ``edit(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info, edit(data) if info.filename == member else data)


def add_member(path: Path, member: str, data: bytes) -> None:
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr(member, data)


def sheet_xml(rows_xml: str, extra: str = "", dimension: str = "A1:D9") -> bytes:
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    return (
        f'<?xml version="1.0"?><worksheet xmlns="{ns}">'
        f'<dimension ref="{dimension}"/><sheetData>{rows_xml}</sheetData>'
        f"{extra}</worksheet>"
    ).encode()


def scan(xml: bytes) -> package_xml.SheetFacts:
    """Scan sheet XML stored as the one member of an in-memory zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("sheet.xml", xml)
    with zipfile.ZipFile(buffer) as zf:
        return package_xml.scan_sheet(zf, "sheet.xml")


def ole_file(path: Path, names: list[str]) -> Path:
    """A minimal OLE compound file: a root entry and empty streams (<= 3)."""
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<II", header, 44, 1, 1)  # one FAT sector; directory at 1
    struct.pack_into("<IIIII", header, 56, 4096, END, 0, END, 0)
    struct.pack_into("<109I", header, 76, 0, *[FREE] * 108)
    fat = struct.pack("<128I", 0xFFFFFFFD, END, *[FREE] * 126)
    entries = [_ole_entry("Root Entry", 5)] + [_ole_entry(n, 2) for n in names]
    path.write_bytes(bytes(header) + fat + b"".join(entries).ljust(512, b"\0"))
    return path


def _ole_entry(name: str, kind: int) -> bytes:
    encoded = name.encode("utf-16-le") + b"\0\0"
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB3I", entry, 64, len(encoded), kind, 1, FREE, FREE, FREE)
    struct.pack_into("<I", entry, 116, END)
    return bytes(entry)


def ods_file(path: Path) -> Path:
    """An OpenDocument spreadsheet written by hand: one hidden row and column."""
    cell = '<table:table-cell office:value-type="{}" office:value="{}"/>'
    text = '<table:table-cell office:value-type="string"><text:p>{}</text:p>'
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
        "<office:body><office:spreadsheet>"
        '<table:table table:name="Loads">'
        '<table:table-column table:number-columns-repeated="2"/>'
        '<table:table-column table:visibility="collapse"/>'
        f"<table:table-row>{text.format('Tag')}</table:table-cell>"
        f"{text.format('kW')}</table:table-cell>"
        f"{text.format('Note')}</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell/>'
        "</table:table-row>"
        f'<table:table-row table:visibility="collapse">{text.format("P-1")}'
        f"</table:table-cell>{cell.format('float', '7.5')}</table:table-row>"
        "</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content)
        zf.writestr("META-INF/manifest.xml", MANIFEST)
    return path


def raised(exc_type, call, *args, **kwargs) -> str:
    with pytest.raises(exc_type) as info:
        call(*args, **kwargs)
    assert type(info.value) is exc_type
    return str(info.value)


# -- values and layout from xlsx --------------------------------------------


def test_values_keep_their_positions_and_trailing_empty_rows_go(tmp_path):
    def build(wb):
        ws = wb.active
        ws.title = "Loads"
        ws["B3"] = "Tag"
        ws["C3"] = "Rating (kW)"
        ws["B4"] = "P-101"
        ws["C4"] = 7.5
        ws["D4"] = True
        ws["E4"] = datetime(2024, 5, 1, 8, 30)
        ws["B9"] = " "  # whitespace only: trimmed with the empty rows

    book = read_workbook(openpyxl_file(tmp_path / "loads.xlsx", build))

    assert book.format == "xlsx"
    assert book.path == str(tmp_path / "loads.xlsx")
    sheet = book.sheets[0]
    assert (sheet.name, sheet.kind, sheet.visible) == ("Loads", "worksheet", True)
    assert sheet.rows == [
        ["", "", "", "", ""],
        ["", "", "", "", ""],
        ["", "Tag", "Rating (kW)", "", ""],
        ["", "P-101", 7.5, True, datetime(2024, 5, 1, 8, 30)],
    ]


def test_formula_errors_written_by_xlsxwriter_become_cell_errors(tmp_path):
    path = tmp_path / "errors.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Cables")
    ws.write("A1", "Cable")
    ws.write_formula("B3", "=A1+#REF!", None, "#REF!")
    ws.write_formula("C3", "=1/0", None, "#DIV/0!")
    ws.write_formula("D5", "=NA()", None, "#N/A")
    ws.write_formula("A2", "=2*3", None, 6)
    wb.close()
    with zipfile.ZipFile(path) as zf:
        xml = zf.read("xl/worksheets/sheet1.xml")
    assert b'<c r="B3" t="e"><f>A1+#REF!</f><v>#REF!</v></c>' in xml

    sheet = read_workbook(path).sheets[0]

    assert sheet.rows == [
        ["Cable", "", "", ""],
        [6.0, "", "", ""],
        ["", CellError("#REF!"), CellError("#DIV/0!"), ""],
        ["", "", "", ""],
        ["", "", "", CellError("#N/A")],
    ]


@pytest.mark.parametrize(
    ("cell_xml", "expected"),
    [
        ('<c r="B2" t="e"><v>#VALUE!</v></c>', [(1, 1, "#VALUE!")]),
        ('<c t="e" s="3" r="C2"><f>X1</f><v>#NAME?</v></c>', [(1, 2, "#NAME?")]),
        ("<c r='D2' t='e'><v>#NUM!</v></c>", [(1, 3, "#NUM!")]),
        ('<c r="B2" t="e"><f t="shared" si="0"/><v>#NULL!</v></c>', [(1, 1, "#NULL!")]),
        ('<c r="B2" t="e"/>', []),
        ('<c r="B2" t="s"><v>0</v></c><c r="C2"><is><t>t="e"</t></is></c>', []),
    ],
)
def test_error_cells_are_found_however_the_cell_is_written(cell_xml, expected):
    facts = scan(sheet_xml(f'<row r="2">{cell_xml}</row>'))

    assert facts.errors == expected


def test_prefixed_sheet_xml_gives_errors_hidden_rows_and_merges():
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    xml = (
        f'<x:worksheet xmlns:x="{ns}"><x:cols><x:col min="2" max="3" hidden="true"/>'
        '</x:cols><x:sheetData><x:row r="4" hidden="1"><x:c r="A4" t="e">'
        "<x:v>#REF!</x:v></x:c></x:row></x:sheetData><x:mergeCells>"
        '<x:mergeCell ref="A1:C1"/></x:mergeCells></x:worksheet>'
    )
    facts = scan(xml.encode())

    assert facts.errors == [(3, 0, "#REF!")]
    assert facts.hidden_rows == [(3, 3)]
    assert facts.hidden_cols == [(1, 2)]
    assert facts.merged == [MergedRange(0, 0, 0, 2)]


def test_hidden_rows_and_columns(tmp_path):
    def build(wb):
        ws = wb.active
        for row in range(1, 9):
            ws.append([f"r{row}", row, row * 2, row * 3, row * 4, row * 5])
        ws.row_dimensions[3].hidden = True
        ws.row_dimensions[7].hidden = True
        ws.column_dimensions["B"].hidden = True
        ws.column_dimensions.group("D", "E", hidden=True)

    sheet = read_workbook(openpyxl_file(tmp_path / "hidden.xlsx", build)).sheets[0]

    assert sheet.hidden_rows == frozenset({2, 6})
    assert sheet.hidden_cols == frozenset({1, 3, 4})
    assert sheet.value(2, 0) == "r3"


def test_hidden_columns_beyond_the_data_are_left_out(tmp_path):
    def build(wb):
        wb.active["A1"] = "only"
        wb.active.column_dimensions.group("C", "XFD", hidden=True)

    sheet = read_workbook(openpyxl_file(tmp_path / "cols.xlsx", build)).sheets[0]

    assert sheet.hidden_cols == frozenset()


def test_merged_ranges(tmp_path):
    def build(wb):
        ws = wb.active
        ws["A1"] = "Load schedule"
        ws.merge_cells("A1:D1")
        ws["B3"] = "Supply"
        ws.merge_cells("B3:C4")

    sheet = read_workbook(openpyxl_file(tmp_path / "merged.xlsx", build)).sheets[0]

    assert sorted(sheet.merged, key=lambda m: m.first_row) == [
        MergedRange(0, 0, 0, 3),
        MergedRange(2, 1, 3, 2),
    ]


def test_sheet_visibility_kinds_and_notes(tmp_path):
    path = tmp_path / "sheets.xlsx"
    wb = xlsxwriter.Workbook(path)
    wb.add_worksheet("Shown").write("A1", 1)
    wb.add_worksheet("Hidden").hide()
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=Shown!$A$1:$A$1"})
    wb.add_chartsheet("Chart").set_chart(chart)
    wb.close()
    patch_member(
        path,
        "xl/workbook.xml",
        lambda xml: xml.replace(
            b'name="Hidden" sheetId="2" state="hidden"',
            b'name="Hidden" sheetId="2" state="veryHidden"',
        ),
    )

    book = read_workbook(path)

    assert [(s.name, s.kind, s.visible, s.rows) for s in book.sheets] == [
        ("Shown", "worksheet", True, [[1.0]]),
        ("Hidden", "worksheet", False, []),
        ("Chart", "chartsheet", True, []),
    ]
    assert book.notes == [
        "sheet 'Hidden' is very hidden: Excel shows it only through VBA"
    ]
    assert read_sheet_names(path) == ["Shown", "Hidden", "Chart"]


def test_only_the_sheets_asked_for_are_read(tmp_path):
    def build(wb):
        wb.active.title = "A"
        wb.create_sheet("B")["A1"] = "b"
        wb.create_sheet("C")["A1"] = "c"

    path = openpyxl_file(tmp_path / "three.xlsx", build)

    book = read_workbook(path, sheets=["C", "B"])
    assert [(s.name, s.rows) for s in book.sheets] == [("B", [["b"]]), ("C", [["c"]])]
    message = raised(InputError, read_workbook, path, sheets=["Z"])
    assert message == (
        f"{path} [Z]: no sheet named 'Z'; the workbook has 'A', 'B', 'C'; check "
        "the sheet name"
    )


def test_scan_finds_everything_across_chunk_boundaries(tmp_path, monkeypatch):
    path = tmp_path / "long.xlsx"
    wb = xlsxwriter.Workbook(path)
    ws = wb.add_worksheet("Long")
    errors, hidden = [], set()
    for row in range(3000):
        ws.write_number(row, 0, row)
        ws.write_string(row, 1, "x" * (row % 40))
        if row % 97 == 5:
            ws.write_formula(
                row, 2, "=" + "+".join(["A1"] * (row % 60 + 1)), None, "#N/A"
            )
            errors.append((row, 2, "#N/A"))
        if row % 101 == 7:
            ws.set_row(row, None, None, {"hidden": True})
            hidden.add(row)
    wb.close()
    monkeypatch.setattr(package_xml, "CHUNK_BYTES", 1000)
    monkeypatch.setattr(package_xml, "LOOKBEHIND", 300)
    monkeypatch.setattr(package_xml, "LOOKAHEAD", 700)

    sheet = read_workbook(path).sheets[0]

    found = [
        (r, c, v.code)
        for r, line in enumerate(sheet.rows)
        for c, v in enumerate(line)
        if isinstance(v, CellError)
    ]
    assert found == errors
    assert sheet.hidden_rows == frozenset(hidden)
    assert sheet.n_rows == 3000


def test_xlsm_and_a_workbook_with_the_wrong_extension(tmp_path):
    path = openpyxl_file(tmp_path / "macros.xlsx", lambda wb: None)
    add_member(path, "xl/vbaProject.bin", b"\0" * 16)
    assert detect_format(path) == "xlsm"

    renamed = tmp_path / "really_xlsx.xls"
    openpyxl_file(renamed, lambda wb: wb.active.append(["kW", 3]))
    assert detect_format(renamed) == "xlsx"
    assert read_workbook(renamed).sheets[0].rows == [["kW", 3.0]]


def test_ods_values_and_hidden_rows_and_columns(tmp_path):
    path = ods_file(tmp_path / "loads.ods")

    book = read_workbook(path)

    assert book.format == "ods"
    sheet = book.sheets[0]
    assert sheet.rows == [
        ["Tag", "kW", "Note"],
        ["", "", ""],
        ["", "", ""],
        ["P-1", 7.5, ""],
    ]
    assert sheet.hidden_rows == frozenset({3})
    assert sheet.hidden_cols == frozenset({2})


# -- limits ------------------------------------------------------------------


def test_a_declared_dimension_over_the_cell_limit_is_only_a_hint(tmp_path):
    path = openpyxl_file(tmp_path / "wide.xlsx", lambda wb: wb.active.append([1]))
    patch_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(
            rb"<dimension [^>]*/>", b'<dimension ref="A1:XFD1048576"/>', xml
        ),
    )

    assert read_workbook(path).sheets[0].rows == [[1.0]]


def test_cell_limit_without_a_dimension_uses_the_cells_read(tmp_path):
    def build(wb):
        wb.active["J20"] = 1

    path = openpyxl_file(tmp_path / "nodim.xlsx", build)
    patch_member(
        path,
        "xl/worksheets/sheet1.xml",
        lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml),
    )

    with pytest.raises(LimitExceededError) as info:
        read_workbook(path, limits=Limits(max_cells_per_sheet=9))
    assert info.value.sheet == "Sheet"
    assert "1 value spread over 10 cells" in info.value.message
    assert read_workbook(path, limits=Limits(max_cells_per_sheet=10)).sheets


def test_inflated_size_and_file_size_limits(tmp_path):
    path = openpyxl_file(tmp_path / "small.xlsx", lambda wb: wb.active.append([1]))

    inflated = raised(
        LimitExceededError, read_workbook, path, limits=Limits(max_inflated_bytes=1000)
    )
    size = raised(
        LimitExceededError, read_workbook, path, limits=Limits(max_file_bytes=100)
    )

    assert re.fullmatch(
        rf"{re.escape(str(path))}: the package would inflate to [\d,]+ bytes, "
        r"more than the limit of 1,000; if you trust the file, raise the limit "
        r"\(--max-inflated-mb\)",
        inflated,
    )
    assert size.endswith("more than the limit of 100; raise the limit to read it")


def test_csv_cell_limit(tmp_path):
    path = tmp_path / "many.csv"
    path.write_text("a,b,c\n1,2,3\n4,5,6\n", encoding="utf-8")

    message = raised(
        LimitExceededError, read_workbook, path, limits=Limits(max_cells_per_sheet=8)
    )

    assert message == (
        f"{path}: the file holds more than the limit of 8 cells; raise the "
        "limit (--max-cells) or split the file"
    )


# -- delimited text ------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters(tmp_path, delimiter):
    lines = [
        ["Tag", "Voltage", "kW", "Note"],
        ["P-101", "400", "7.5", "a, b"],
        ["P-102", "230", "-0.5", "x"],
    ]
    text = "\n".join(delimiter.join(line) for line in lines) + "\n"
    if delimiter == ",":
        text = text.replace("a, b", '"a, b"')
    path = tmp_path / "loads.csv"
    path.write_text(text, encoding="utf-8")

    book = read_workbook(path)

    assert book.format == "csv"
    assert [s.name for s in book.sheets] == ["loads"]
    assert book.sheets[0].rows == [
        ["Tag", "Voltage", "kW", "Note"],
        ["P-101", 400.0, 7.5, "a, b"],
        ["P-102", 230.0, -0.5, "x"],
    ]


TIMES = "\u00d7"  # not in Windows-1252
CP1252_NOTE = "the file is not valid UTF-8; it was read as Windows-1252"


@pytest.mark.parametrize(
    ("encoding", "bom", "notes"),
    [
        ("utf-8", b"", []),
        ("utf-8", b"\xef\xbb\xbf", []),
        ("utf-16-le", b"\xff\xfe", []),
        ("utf-16-be", b"\xfe\xff", []),
        ("utf-16-le", b"", []),
        ("cp1252", b"", [CP1252_NOTE]),
    ],
)
def test_csv_encodings(tmp_path, encoding, bom, notes):
    text = f"Cable;Size;Ø\r\nC-1;4{TIMES}95 mm²;25\r\nC-2;3{TIMES}2,5 mm²;µ\r\n"
    if encoding == "cp1252":
        text = text.replace(TIMES, "x")
    path = tmp_path / "cables.csv"
    path.write_bytes(bom + text.encode(encoding))

    book = read_workbook(path)

    times = "x" if encoding == "cp1252" else TIMES
    assert book.sheets[0].rows == [
        ["Cable", "Size", "Ø"],
        ["C-1", f"4{times}95 mm²", 25.0],
        ["C-2", f"3{times}2,5 mm²", "µ"],
    ]
    assert book.notes == notes


def test_csv_late_invalid_utf8_falls_back_to_cp1252(tmp_path):
    path = tmp_path / "late.csv"
    path.write_bytes(b"a,b\n" + b"x,1\n" * 20000 + b"\xb5F,2\n")

    book = read_workbook(path)

    assert book.sheets[0].rows[-1] == ["µF", 2.0]
    assert book.notes == ["the file is not valid UTF-8; it was read as Windows-1252"]


def test_csv_comment_lines_leave_empty_rows_in_their_place(tmp_path):
    path = tmp_path / "Loads.csv"
    path.write_text(
        "#  Loads ,,,,\n#  Model 1 is constant PQ,,,,\n"
        "Name,Bus,kV,kW,Cable\nLOAD1,34,0.23,1,#12 AWG\n"
        "# not a comment once the table has started,,,,\n"
        "LOAD2,NULL,1e3,1.098,600V\n\n\n",
        encoding="utf-8",
    )

    sheet = read_workbook(path).sheets[0]

    assert sheet.rows == [
        [],
        [],
        ["Name", "Bus", "kV", "kW", "Cable"],
        ["LOAD1", 34.0, 0.23, 1.0, "#12 AWG"],
        ["# not a comment once the table has started", "", "", "", ""],
        ["LOAD2", "NULL", 1000.0, 1.098, "600V"],
    ]


def test_csv_header_starting_with_hash_is_kept(tmp_path):
    path = tmp_path / "numbered.csv"
    path.write_text("#,Load,kW\n1,Pump,7.5\n", encoding="utf-8")

    assert read_workbook(path).sheets[0].rows == [
        ["#", "Load", "kW"],
        [1.0, "Pump", 7.5],
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12.0),
        ("-0.5", -0.5),
        ("1e3", 1000.0),
        ("1.098", 1.098),
        (".5", 0.5),
        ("+3", 3.0),
        (" 4 ", 4.0),
        ("1,234", "1,234"),
        ("nan", "nan"),
        ("inf", "inf"),
        ("NULL", "NULL"),
        ("#12 AWG", "#12 AWG"),
        ("600V", "600V"),
        ("", ""),
        ("1e", "1e"),
        ("0x10", "0x10"),
        ("1_000", "1_000"),
    ],
)
def test_csv_numbers(text, expected):
    from extractor.csv_source import to_cell

    assert to_cell(text) == expected
    assert type(to_cell(text)) is type(expected)


def test_csv_sheet_selection_and_log_line(tmp_path, caplog):
    path = tmp_path / "loads.csv"
    path.write_text("Tag,kW\nP-1,3\n", encoding="utf-8")

    with caplog.at_level(logging.DEBUG, logger="extractor.sources"):
        book = read_workbook(path, sheets=["loads"])

    assert [s.name for s in book.sheets] == ["loads"]
    assert len(caplog.records) == 1
    assert re.fullmatch(
        rf"read {re.escape(str(path))} \(csv\): 1 sheets in \d+\.\d{{3}} s",
        caplog.records[0].getMessage(),
    )
    assert raised(InputError, read_workbook, path, sheets=["Loads"]) == (
        f"{path} [Loads]: no sheet named 'Loads'; the workbook has 'loads'; check "
        "the sheet name"
    )


def test_csv_single_column_and_tsv_and_txt(tmp_path):
    single = tmp_path / "tags.csv"
    single.write_text("Tag\nP-1\nP-2\n", encoding="utf-8")
    tabbed = tmp_path / "loads.tsv"
    tabbed.write_text("Tag\tkW\nP-1\t3\n", encoding="utf-8")
    text = tmp_path / "loads.txt"
    text.write_text("Tag|kW\nP-1|3\n", encoding="utf-8")

    assert read_workbook(single).sheets[0].rows == [["Tag"], ["P-1"], ["P-2"]]
    assert read_workbook(tabbed).sheets[0].rows == [["Tag", "kW"], ["P-1", 3.0]]
    assert read_workbook(text).sheets[0].rows == [["Tag", "kW"], ["P-1", 3.0]]
    assert read_sheet_names(text) == ["loads"]


def test_binary_named_csv_is_refused(tmp_path):
    path = tmp_path / "data.csv"
    path.write_bytes(b"Tag,kW\n\x00\x01\x02\x03\xff\xfe\x00\x00garbage")

    message = raised(WorkbookError, read_workbook, path)

    assert message == (
        f"{path}: the file looks like binary data of an unknown kind, not a "
        "workbook; check that you chose the right file"
    )


# -- recognising formats and refusing what is not a workbook -----------------


@pytest.mark.parametrize(
    ("name", "data", "kind", "advice"),
    [
        (
            "page.xls",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            "a web page (HTML)",
            "open it in Excel and save it as .xlsx, then try again",
        ),
        (
            "page.xlsx",
            b"\xef\xbb\xbf  <!DOCTYPE html><html></html>",
            "a web page (HTML)",
            "open it in Excel and save it as .xlsx, then try again",
        ),
        (
            "table.xls",
            b"<table><tr><td>1</td></tr></table>",
            "a web page (HTML)",
            "open it in Excel and save it as .xlsx, then try again",
        ),
        (
            "old.xls",
            b'<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook '
            b'xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
            "an Excel 2003 XML spreadsheet",
            "open it in Excel and save it as .xlsx, then try again",
        ),
        (
            "report.xls",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
            "a PDF document",
            "check that you chose the right file",
        ),
        (
            "loads.xlsx",
            b"Tag,kW\nP-1,3\n",
            "plain text",
            "if it holds comma- or tab-separated values, rename it to .csv and try "
            "again",
        ),
    ],
)
def test_text_and_other_files_saved_as_workbooks(tmp_path, name, data, kind, advice):
    path = tmp_path / name
    path.write_bytes(data)

    message = raised(WorkbookError, detect_format, path)

    assert message == f"{path}: the file looks like {kind}, not a workbook; {advice}"
    assert raised(WorkbookError, read_workbook, path) == message


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "spec.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")

    assert raised(WorkbookError, read_workbook, path) == (
        f"{path}: the file is a Word document, not a workbook; check that you "
        "chose the right file"
    )


def test_damaged_zip(tmp_path):
    good = openpyxl_file(tmp_path / "good.xlsx", lambda wb: wb.active.append([1]))
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good.read_bytes()[:300])
    garbage = tmp_path / "garbage.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 20)

    for path in (cut, garbage):
        message = raised(WorkbookError, read_workbook, path)
        assert message == (
            f"{path}: the file cannot be read as a workbook (File is not a zip "
            "file); open it in Excel and save it as .xlsx, then try again"
        )


def test_damaged_member_inside_a_zip(tmp_path):
    path = openpyxl_file(tmp_path / "bad.xlsx", lambda wb: wb.active.append([1]))
    patch_member(path, "xl/workbook.xml", lambda xml: xml[:40])

    message = raised(WorkbookError, read_workbook, path)

    assert message.startswith(f"{path}: the file cannot be read as a workbook (")
    assert message.endswith("); open it in Excel and save it as .xlsx, then try again")
    assert "\n" not in message


def test_ole_files(tmp_path):
    encrypted = ole_file(
        tmp_path / "locked.xlsx", ["EncryptionInfo", "EncryptedPackage"]
    )
    word = ole_file(tmp_path / "memo.xls", ["WordDocument"])
    fake_xls = ole_file(tmp_path / "empty.xls", ["Workbook"])

    assert raised(EncryptedWorkbookError, read_workbook, encrypted) == (
        f"{encrypted}: the workbook is password-protected; save an unprotected "
        "copy and try again"
    )
    assert raised(WorkbookError, detect_format, word) == (
        f"{word}: the file is a Word 97-2003 document, not a workbook; check that "
        "you chose the right file"
    )
    assert detect_format(fake_xls) == "xls"
    assert raised(WorkbookError, read_workbook, fake_xls) == (
        f"{fake_xls}: the workbook has no sheets in it; check that it opens in Excel"
    )


def test_password_error_from_calamine_means_encrypted(tmp_path, monkeypatch):
    path = openpyxl_file(tmp_path / "rc4.xlsx", lambda wb: wb.active.append([1]))

    @contextmanager
    def locked(file, fmt):
        raise python_calamine.PasswordError("workbook is password protected")
        yield

    monkeypatch.setattr(sources, "_open_calamine", locked)

    assert raised(EncryptedWorkbookError, read_workbook, path) == (
        f"{path}: the workbook is password-protected; save an unprotected copy and "
        "try again"
    )


def test_missing_path_directory_and_empty_file(tmp_path):
    missing = tmp_path / "nowhere.xlsx"
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")

    assert raised(InputError, read_workbook, missing) == (
        f"{missing}: file not found; check the path"
    )
    assert raised(InputError, read_workbook, tmp_path) == (
        f"{tmp_path}: this is a folder, not a file; give the path of a workbook in it"
    )
    assert raised(WorkbookError, read_workbook, empty) == (
        f"{empty}: the file is empty (0 bytes); check that it was saved completely "
        "and try again"
    )
    assert raised(InputError, read_sheet_names, missing).endswith("check the path")


def test_reading_leaves_the_file_untouched(tmp_path):
    path = openpyxl_file(tmp_path / "keep.xlsx", lambda wb: wb.active.append([1]))
    before = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)

    read_workbook(path)
    read_sheet_names(path)

    after = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    assert after == before


# -- the corpus --------------------------------------------------------------


@pytest.mark.skipif(not SMDB.exists(), reason="shared corpus not present")
def test_smdb_schedule_from_the_corpus():
    book = read_workbook(SMDB)

    sheets = {s.name: s for s in book.sheets}
    assert book.format == "xlsx"
    assert list(sheets) == ["SMDB-TWS-L09.12-02", "Template1"]
    assert sheets["Template1"].visible is False
    assert sheets["SMDB-TWS-L09.12-02"].visible is True
    assert sheets["SMDB-TWS-L09.12-02"].value(11, 2) == "DB-CPV-MAJ"
    assert read_sheet_names(SMDB) == ["SMDB-TWS-L09.12-02", "Template1"]


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not present")
def test_corpus_xls_is_recognised_from_its_ole_directory():
    path = CORPUS / "ieee37-microgrids" / "Line Data.xls"

    assert detect_format(path) == "xls"
    assert read_workbook(path).sheets[0].rows[2] == [
        "Node A",
        "Node B",
        "Length(ft.)",
        "Config.",
    ]

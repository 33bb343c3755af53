"""``excel-extract addin-run``: the ribbon button pressed on real workbooks."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
import xlwings
from workbooks import write_xlsx

from addin.file_engine import activated, open_book
from addin.marks import MARK
from extractor.cli import main
from corpus_path import CORPUS

CORPUS_BOOKS = sorted(CORPUS.glob("sld-design/*.xlsx")) + [
    CORPUS / "autosld" / "SMDB Schedule.xlsx"]
GREEN, BLUE = "C6EFCE", "BDD7EE"
RESULT_SHEETS = ["Loads", "Cables", "Buses", "Sheets", "Mapping", "Findings",
                 "Performance", "Legend"]
needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="corpus not present")
SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" \
    / "sample_project.xlsx"
SHEET_XML = "xl/worksheets/sheet1.xml"


@needs_corpus
@pytest.mark.parametrize("book", CORPUS_BOOKS, ids=lambda p: p.name)
def test_result_sheets_are_written_next_to_the_original_ones(book, tmp_path, capsys):
    before = book.read_bytes()
    out, headless = tmp_path / "out.xlsx", tmp_path / "headless.xlsx"

    assert main(["addin-run", str(book), "-o", str(out)]) == 0

    assert book.read_bytes() == before
    assert capsys.readouterr().out.splitlines()[-1] == f"wrote {out}"
    original = openpyxl.load_workbook(book, data_only=True)
    written = openpyxl.load_workbook(out, data_only=True)
    assert written.sheetnames == original.sheetnames + RESULT_SHEETS
    for name in original.sheetnames:
        assert _trimmed(written[name]) == _trimmed(original[name])
    assert main(["run", str(book), "-o", str(headless), "-q"]) == 0
    reference = openpyxl.load_workbook(headless)
    for name in RESULT_SHEETS:
        ws, ref = written[name], reference[name]
        assert ws.defined_names[MARK].attr_text == f'"excel-extract:{name}"'
        if name == "Performance":
            continue  # timings differ from run to run
        width = ref.max_column - (name == "Sheets")  # and so do a sheet's seconds
        assert _values(ws, width) == _values(ref, width)
        assert _fills(ws) == _fills(ref)
        notes = _notes(ws)
        assert notes.items() <= _notes(ref).items()
        assert all(_fills(ws).get(cell) not in (GREEN, BLUE) for cell in notes)


@needs_corpus
def test_a_second_run_replaces_its_sheets_and_not_the_users_loads(tmp_path):
    source = CORPUS / "sld-design" / "temp_AI_Extractor_Torture_Test_v2 (1).xlsx"
    book = tmp_path / "with-loads.xlsx"
    with activated():
        copy = open_book(source)
        copy.sheets.add("Loads", after=copy.sheets[-1])["A1"].value = "my loads"
        copy.save(book)
        copy.close()

    assert main(["addin-run", str(book), "-o", str(tmp_path / "once.xlsx"), "-q"]) == 0
    assert main(["addin-run", str(tmp_path / "once.xlsx"), "-o",
                 str(tmp_path / "twice.xlsx"), "-q"]) == 0

    once = openpyxl.load_workbook(tmp_path / "once.xlsx", data_only=True)
    twice = openpyxl.load_workbook(tmp_path / "twice.xlsx", data_only=True)
    expected = ["Loads_Mix", "Loads_FR", "Cable_Schedule_Variant", "BUS_DATA_VARIANT",
                "Inventory", "Loads", "Loads (2)", *RESULT_SHEETS[1:]]
    assert once.sheetnames == twice.sheetnames == expected
    assert _values(twice["Loads"]) == [["my loads"]]
    assert MARK not in twice["Loads"].defined_names
    for name in ["Loads (2)", "Cables", "Buses", "Findings", "Mapping"]:
        assert _values(twice[name]) == _values(once[name])
    assert twice["Loads (2)"].max_row == 9  # a header and 8 loads


def test_the_output_never_replaces_the_input(tmp_path, capsys):
    book = write_xlsx(tmp_path / "b.xlsx", {"Loads": [["Tag"], ["P-1"]]})
    before = book.read_bytes()

    assert main(["addin-run", str(book), "-o", str(book), "--force"]) == 7

    assert capsys.readouterr().err == (
        f"error: {book}: the output would overwrite the input; choose another path "
        "with -o\n")
    assert book.read_bytes() == before


def test_an_existing_output_needs_force(tmp_path, capsys):
    book = write_xlsx(tmp_path / "b.xlsx", {"Loads": [["Tag"], ["P-1"]]})
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")

    assert main(["addin-run", str(book), "-o", str(out)]) == 7

    assert out.read_bytes() == b"keep me"
    assert capsys.readouterr().err == (
        f"error: {out}: the file already exists; pass --force to replace it or "
        "choose another path\n")
    assert main(["addin-run", str(book), "-o", str(out), "--force", "-q"]) == 0
    assert openpyxl.load_workbook(out).sheetnames[-1] == "Legend"


def test_other_formats_are_sent_to_the_run_command(tmp_path, capsys):
    book = tmp_path / "loads.csv"
    book.write_text("Tag,kW\nP-1,5\n")

    assert main(["addin-run", str(book), "-o", str(tmp_path / "o.xlsx")]) == 4
    assert "use 'excel-extract run' on it" in capsys.readouterr().err


def test_parts_openpyxl_drops_are_named_in_a_warning(tmp_path, capsys):
    book = tmp_path / "macros.xlsm"
    wb = xlsxwriter.Workbook(book)
    ws = wb.add_worksheet("Loads")
    ws.write_row(0, 0, ["Tag", "kW"])
    ws.write_row(1, 0, ["P-1", 5])
    wb.add_vba_project(str(_template_vba(tmp_path)))
    wb.close()
    _add_custom_ribbon(book)

    assert main(["addin-run", str(book), "-o", str(tmp_path / "o.xlsx"), "-q"]) == 0

    assert capsys.readouterr().err == (
        f"warning: {tmp_path / 'o.xlsx'}: not carried over from {book}: VBA macros, "
        "a custom ribbon; press Extract in Excel to keep them\n")
    assert main(["addin-run", str(book), "-o", str(tmp_path / "o.xlsm"),
                 "--keep-vba", "-q"]) == 0
    assert capsys.readouterr().err == ""  # openpyxl then keeps the parts it skips
    parts = zipfile.ZipFile(tmp_path / "o.xlsm").namelist()
    assert {"xl/vbaProject.bin", "customUI/customUI.xml"} <= set(parts)


def test_a_macro_book_without_keep_vba_must_be_saved_as_xlsx(tmp_path, capsys):
    book = write_xlsx(tmp_path / "b.xlsx", {"Loads": [["Tag"], ["P-1"]]})

    assert main(["addin-run", str(book), "-o", str(tmp_path / "o.xlsm")]) == 7
    assert "the output must end in .xlsx" in capsys.readouterr().err


@pytest.mark.parametrize(("damage", "reason"), [
    ("flipped", "Error -3 while decompressing data: invalid distance too far back"),
    ("cut", "unclosed token: line 1, column 12691"),
])
def test_a_damaged_sheet_is_an_unreadable_workbook(damage, reason, tmp_path, capsys):
    damaged = {"flipped": _flipped_sheet, "cut": _cut_sheet}[damage]
    book = damaged(tmp_path / "damaged.xlsx")
    before = book.read_bytes()
    out = tmp_path / "out.xlsx"

    assert main(["addin-run", str(book), "-o", str(out)]) == 4

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: {book}: the file cannot be read as a workbook ({reason}); open it "
        "in Excel and save it as .xlsx, then try again\n")
    assert not out.exists()
    assert book.read_bytes() == before


def test_the_run_command_never_imports_xlwings(tmp_path):
    book = write_xlsx(tmp_path / "b.xlsx", {"Loads": [["Tag"], ["P-1"]]})
    code = ("import sys; from extractor.cli import main; "
            f"main(['run', {str(book)!r}, '-q']); print('xlwings' in sys.modules)")

    done = subprocess.run([sys.executable, "-c", code], capture_output=True,
                          text=True, check=True)

    assert done.stdout == "False\n"


def _values(ws, width: int | None = None) -> list[list]:
    """The rows as a reader sees them, empty text as an empty cell."""
    rows = [[None if v == "" else v for v in row]
            for row in ws.iter_rows(values_only=True)]
    if width is not None:
        rows = [row[:width] for row in rows]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    return rows


def _trimmed(ws) -> list[list]:
    """The values without the empty cells at the end of each row."""
    rows = _values(ws)
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return rows


def _padded(row: list, rows: list[list]) -> list:
    """A plan row as a reader sees it: empty text is an empty cell."""
    cells = [None if value == "" else value for value in row]
    return cells + [None] * (len(rows[0]) - len(row))


def _notes(ws) -> dict[tuple[int, int], str]:
    return {(c.row - 1, c.column - 1): c.comment.text
            for row in ws.iter_rows() for c in row if c.comment}


def _fills(ws) -> dict[tuple[int, int], str]:
    return {(c.row - 1, c.column - 1): c.fill.fgColor.rgb[-6:]
            for row in ws.iter_rows() for c in row if c.fill.fill_type == "solid"}


def _add_custom_ribbon(book: Path) -> None:
    """Give a workbook its own ribbon tab, as a part the package points to."""
    with zipfile.ZipFile(book) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    rel = (b'<Relationship Id="rIdUI" Target="customUI/customUI.xml" Type="http://'
           b'schemas.microsoft.com/office/2006/relationships/ui/extensibility"/>')
    with zipfile.ZipFile(book, "w") as zf:
        for info, data in members:
            if info.filename == "_rels/.rels":
                data = data.replace(b"</Relationships>", rel + b"</Relationships>")
            zf.writestr(info, data)
        zf.writestr("customUI/customUI.xml", b'<customUI xmlns="http://schemas.'
                    b'microsoft.com/office/2006/01/customui"/>')


def _flipped_sheet(path: Path) -> Path:
    """The sample workbook with 40 bytes flipped in the middle of the
    compressed data of its first sheet; the zip itself is still valid."""
    data = bytearray(SAMPLE.read_bytes())
    with zipfile.ZipFile(SAMPLE) as zf:
        info = zf.getinfo(SHEET_XML)
    # the data follows the 30-byte local header, the name and the extra field
    header = info.header_offset
    name_size = int.from_bytes(data[header + 26:header + 28], "little")
    extra_size = int.from_bytes(data[header + 28:header + 30], "little")
    middle = header + 30 + name_size + extra_size + info.compress_size // 2
    for i in range(middle - 20, middle + 20):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def _cut_sheet(path: Path) -> Path:
    """The sample workbook with the XML of its first sheet cut in half,
    written into a valid zip."""
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == SHEET_XML:
                part = part[:len(part) // 2]
            dst.writestr(info, part)
    return path


def _template_vba(tmp_path: Path) -> Path:
    """A real VBA project: the one of xlwings' quickstart workbook."""
    template = Path(xlwings.__file__).parent / "quickstart.xlsm"
    target = tmp_path / "vbaProject.bin"
    target.write_bytes(zipfile.ZipFile(template).read("xl/vbaProject.bin"))
    return target

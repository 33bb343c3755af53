"""Bad input gets a clear answer, and the input is never changed.

Every file here is built by the test: broken, disguised, hostile and odd but
valid workbooks. Failures must be one line naming the file, with the exit
code of their kind; odd files must be read, with findings saying what is
missing; nothing may exhaust memory or end the process.
"""

from __future__ import annotations

import hashlib
import io
import random
import re
import struct
import zipfile
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile
import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from extractor import package_xml
from extractor.cli import main
from extractor.commands.run import PARTIAL, exit_code
from extractor.errors import (
    EncryptedWorkbookError,
    InputError,
    LimitExceededError,
    TimeLimitError,
    UnsafeWorkbookError,
    WorkbookError,
)
from extractor.grid import CellError, SourceFinding
from extractor.report import Finding, Report
from extractor.sources import SKIPPED, Limits, read_workbook, using_limits

ERRORS = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
          "#GETTING_DATA"]
SHEET_XML = "xl/worksheets/sheet1.xml"
LAUGHS = b"<!DOCTYPE lolz [<!ENTITY lol \"lol\">" + b"".join(
    b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
    for i in range(1, 10)
) + b"]>"
EXTERNAL = b'<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


# -- building inputs ---------------------------------------------------------


def book(path: Path, build=None) -> Path:
    """An openpyxl workbook that ``build`` fills in."""
    wb = openpyxl.Workbook()
    if build:
        build(wb)
    wb.save(path)
    return path


def loads(wb) -> None:
    ws = wb.active
    ws.append(["Tag", "Description", "Rated power (kW)"])
    ws.append(["P-101", "Pump", 7.5])


def patch(path: Path, member: str, edit) -> Path:
    """Rewrite one zip member through ``edit(bytes) -> bytes``."""
    with zipfile.ZipFile(path) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in items:
            zf.writestr(info, edit(data) if info.filename == member else data)
    return path


def with_doctype(declaration: bytes, text_from: bytes, text_to: bytes):
    """An edit that declares entities and uses one in place of some text."""
    def edit(xml: bytes) -> bytes:
        start = xml.index(b"<", xml.index(b"?>") + 2) if xml.startswith(b"<?") else 0
        return (xml[:start] + declaration + xml[start:]).replace(text_from, text_to, 1)
    return edit


def encrypted(path: Path) -> Path:
    """A real password-protected workbook (agile encryption)."""
    plain = io.BytesIO()
    wb = openpyxl.Workbook()
    loads(wb)
    wb.save(plain)
    plain.seek(0)
    with open(path, "wb") as out:
        OOXMLFile(plain).encrypt("secret", out)
    return path


def zip_bomb(path: Path, megabytes: int) -> Path:
    """A workbook whose sheet inflates from a few kB to ``megabytes`` of zeros."""
    book(path, loads)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/media/zeros.bin", bytes(megabytes * 1024 * 1024))
    return path


def declared_huge(path: Path) -> Path:
    """Two small members that declare 3 GB each: no byte needs inflating."""
    book(path, loads)
    with zipfile.ZipFile(path, "a") as zf:
        for name in ("xl/media/a.bin", "xl/media/b.bin"):
            zf.writestr(name, b"x")
    data = bytearray(path.read_bytes())
    for name in (b"xl/media/a.bin", b"xl/media/b.bin"):
        for signature, offset in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):
            at = data.find(signature + b"", 0)
            while at >= 0:
                name_at = at + (46 if signature == b"PK\x01\x02" else 30)
                if data[name_at:name_at + len(name)] == name:
                    struct.pack_into("<I", data, at + offset, 3 * 1024**3)
                at = data.find(signature, at + 4)
    path.write_bytes(bytes(data))
    return path


def chart_only(path: Path) -> Path:
    def build(wb):
        data = wb.active
        data.append([1, 2, 3])
        chart = BarChart()
        chart.add_data(Reference(data, min_col=1, max_col=3, min_row=1))
        wb.create_chartsheet("Chart1").add_chart(chart)
        wb.remove(data)
    return book(path, build)


def uncalculated(path: Path) -> Path:
    def build(wb):
        loads(wb)
        wb.active["D2"] = "=C2*2"
        wb.active["D3"] = "=C3*2"
    return book(path, build)


def error_values(path: Path) -> Path:
    """Every error value Excel writes; openpyxl writes the last one as text."""
    def build(wb):
        ws = wb.active
        ws.append(["Tag", "Rated power (kW)"])
        for i, code in enumerate(ERRORS):
            ws.append([f"P-{i}", code])
    return patch(book(path, build), SHEET_XML, lambda xml: re.sub(
        rb'<c r="B9" t="inlineStr"><is><t>#GETTING_DATA</t></is></c>',
        b'<c r="B9" t="e"><v>#GETTING_DATA</v></c>', xml))


def corners(path: Path) -> Path:
    def build(wb):
        wb.active["A1"] = "Tag"
        wb.active["XFD1048576"] = "far"
    return book(path, build)


def formatted_to_the_end(path: Path) -> Path:
    def build(wb):
        loads(wb)
        wb.active["XFD1048576"].font = openpyxl.styles.Font(bold=True)
    path = book(path, build)
    return patch(path, SHEET_XML, lambda xml: re.sub(
        rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml))


def wide_header(path: Path) -> Path:
    def build(wb):
        wb.active.append([f"H{i}" for i in range(16_384)])
        wb.active.append(list(range(16_384)))
    return book(path, build)


def odd_sheet_name(path: Path) -> Path:
    def build(wb):
        loads(wb)
        wb.active.title = "Lasten 'A' (1)"
    path = book(path, build)
    return patch(path, "xl/workbook.xml", lambda xml: xml.replace(
        b"Lasten &apos;A&apos; (1)", "Lasten &apos;Ä&apos; [1]".encode()).replace(
        b"Lasten 'A' (1)", "Lasten 'Ä' [1]".encode()))


def two_sheets(path: Path) -> Path:
    """Loads, and a sheet of 1,600 numbers."""
    def build(wb):
        loads(wb)
        big = wb.create_sheet("Big")
        for row in range(40):
            big.append(list(range(40)))
    return book(path, build)


# Each entry: file name, builder (path -> path), exit code, message part.
FAILING = {
    "truncated": ("half.xlsx", lambda p: _cut(book(p.with_suffix(".src"), loads), p),
                  4, "the file cannot be read as a workbook (File is not a zip file)"),
    "random bytes": ("noise.xlsx",
                     lambda p: _write(p, random.Random(7).randbytes(4096)),
                     4, "looks like binary data of an unknown kind, not a workbook"),
    "zip, not a workbook": ("notes.xlsx", lambda p: _zip(p, {"notes.txt": b"hello"}),
                            4, "the file is a zip archive with no workbook in it"),
    "csv as xlsx": ("loads.xlsx", lambda p: _write(p, b"Tag,kW\nP-1,3\n"),
                    4, "looks like plain text, not a workbook; if it holds comma"),
    "html as xls": ("loads.xls", lambda p: _write(
        p, b"<html><body><table><tr><td>Tag</td></tr></table></body></html>"),
        4, "looks like a web page (HTML), not a workbook; open it in Excel and"),
    "encrypted": ("locked.xlsx", encrypted, 5, "the workbook is password-protected"),
    "zero bytes": ("empty.xlsx", lambda p: _write(p, b""), 4,
                   "the file is empty (0 bytes)"),
    "declared huge": ("huge.xlsx", declared_huge, 6,
                      "the package would inflate to 6,442,"),
    "laughs in a sheet": ("laughs.xlsx", lambda p: patch(book(p, loads), SHEET_XML,
        with_doctype(LAUGHS, b"<t>Pump</t>", b"<t>&lol9;</t>")),
        4, "declares a document type (entities)"),
    "external entity in the workbook": ("xxe.xlsx", lambda p: patch(
        book(p, loads), "xl/workbook.xml",
        with_doctype(EXTERNAL, b'name="Sheet"', b'name="&xxe;"')),
        4, "declares a document type (entities)"),
    "laughs in the styles": ("styles.xlsx", lambda p: patch(
        book(p, loads), "xl/styles.xml", with_doctype(LAUGHS, b"", b"")),
        4, "declares a document type (entities)"),
    "binary csv": ("data.csv", lambda p: _write(p, bytes(range(256)) * 8), 4,
                   "looks like binary data of an unknown kind"),
}
READABLE = {
    "xlsx as csv": ("loads.csv", lambda p: book(p, loads)),
    "empty workbook": ("blank.xlsx", book),
    "chart only": ("chart.xlsx", chart_only),
    "uncalculated": ("formulas.xlsx", uncalculated),
    "error values": ("errors.xlsx", error_values),
    "corners": ("corners.xlsx", corners),
    "formatted to the end": ("formatted.xlsx", formatted_to_the_end),
    "odd sheet name": ("names.xlsx", odd_sheet_name),
    "zip bomb within limits": ("bomb.xlsx", lambda p: zip_bomb(p, 32)),
    "utf-16 csv": ("u16.csv", lambda p: _write(
        p, "Tag;Leistung (kW)\nP-Ä1;7,5\n".encode("utf-16"))),
    "utf-16 csv without bom": ("u16le.csv", lambda p: _write(
        p, "Tag,kW\nP-1,3\n".encode("utf-16-le"))),
    "csv with a nul": ("nul.csv", lambda p: _write(p, b"Tag,kW\nP-1\x00,3\n")),
    "csv line of 100,000 fields": ("fields.csv", lambda p: _write(
        p, ",".join(f"f{i}" for i in range(100_000)).encode() + b"\n")),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _cut(source: Path, path: Path) -> Path:
    data = source.read_bytes()
    source.unlink()
    return _write(path, data[: len(data) // 2])


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def build(tmp_path: Path, entry) -> Path:
    name, builder = entry[0], entry[1]
    folder = tmp_path / "in"
    folder.mkdir(exist_ok=True)
    return builder(folder / name)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(path: Path, tmp_path: Path, *extra: str) -> int:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return main(["run", str(path), "-o", str(out / "r.xlsx"), "--force", "-q",
                 "--no-cache", *extra])


# -- failures: one line, the file named, an exit code per kind ---------------


@pytest.mark.parametrize("case", FAILING, ids=str)
def test_each_failure_is_one_line_with_its_exit_code(case, tmp_path, capsys):
    path = build(tmp_path, FAILING[case])
    before = digest(path)

    code = run(path, tmp_path)

    err = capsys.readouterr().err
    assert (code, err.count("\n")) == (FAILING[case][2], 1), err
    assert err.startswith(f"error: {path}")
    assert FAILING[case][3] in err
    assert "Traceback" not in err
    assert digest(path) == before
    assert not (tmp_path / "out" / "r.xlsx").exists()


def test_missing_path_and_folder_are_input_errors(tmp_path, capsys):
    assert run(tmp_path / "nowhere.xlsx", tmp_path) == 3
    assert run(tmp_path, tmp_path) == 3

    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"error: {tmp_path / 'nowhere.xlsx'}: file not found; check the path",
        f"error: {tmp_path}: this is a folder, not a file; give the path of a "
        "workbook in it",
    ]


def test_debug_shows_the_traceback(tmp_path):
    path = _write(tmp_path / "empty.xlsx", b"")

    with pytest.raises(WorkbookError):
        main(["run", str(path), "--debug", "--no-cache"])


def test_the_error_kinds_of_the_reader(tmp_path):
    cases = {
        "encrypted": EncryptedWorkbookError,
        "declared huge": LimitExceededError,
        "laughs in a sheet": UnsafeWorkbookError,
        "truncated": WorkbookError,
    }
    for case, kind in cases.items():
        path = build(tmp_path, FAILING[case])
        with pytest.raises(kind) as info:
            read_workbook(path)
        assert info.value.path == str(path)
    with pytest.raises(InputError):
        read_workbook(tmp_path / "nowhere.csv")


def test_no_entity_is_ever_expanded():
    for declaration in (LAUGHS, EXTERNAL):
        with pytest.raises(package_xml.UnsafeXmlError):
            package_xml.elements(declaration + b"<a>&lol9;</a>")
        with pytest.raises(package_xml.UnsafeXmlError):
            package_xml.refuse_doctype(b'<?xml version="1.0"?>' + declaration)


# -- odd but valid: read, with findings that say what is missing -------------


def rules(book) -> list[tuple[str, str, str | None]]:
    return [(f.rule, f.severity, f.cell) for f in book.findings]


def test_an_xlsx_saved_as_csv_is_read_as_a_workbook(tmp_path):
    grids = read_workbook(build(tmp_path, READABLE["xlsx as csv"]))

    assert grids.format == "xlsx"
    assert grids.sheets[0].rows[1] == ["P-101", "Pump", 7.5]


def test_an_empty_workbook_and_a_chart_only_workbook_say_so(tmp_path):
    empty = read_workbook(build(tmp_path, READABLE["empty workbook"]))
    chart = read_workbook(build(tmp_path, READABLE["chart only"]))

    assert [(f.rule, f.message) for f in empty.findings] == [
        ("no-data", "the workbook holds no values: 'Sheet' is empty")]
    assert [(s.name, s.kind) for s in chart.sheets] == [("Chart1", "chartsheet")]
    assert [(f.rule, f.message) for f in chart.findings] == [
        ("no-data", "the workbook holds no values: 'Chart1' is a chart sheet")]


def test_sheets_handed_over_are_not_kept_and_still_say_when_empty(tmp_path):
    """Read for extraction, sheet by sheet: the rows go to the caller only,
    and an empty workbook is still one."""
    empty = build(tmp_path, READABLE["empty workbook"])
    seen = []
    book = read_workbook(empty, on_sheet=seen.append)
    assert [(f.rule, f.message) for f in book.findings] == [
        ("no-data", "the workbook holds no values: 'Sheet' is empty")]

    full = build(tmp_path, READABLE["xlsx as csv"])
    seen = []
    book = read_workbook(full, on_sheet=seen.append)
    assert seen[0].rows[1] == ["P-101", "Pump", 7.5]
    assert [s.rows for s in book.sheets] == [[]]
    assert not book.findings


def test_formulas_never_calculated_are_a_finding(tmp_path):
    grids = read_workbook(build(tmp_path, READABLE["uncalculated"]))

    assert grids.findings[0] == SourceFinding(
        "no-cached-values", "warning",
        "formulas in Sheet have no cached results (2 cells, the first at D2): "
        "they read as empty", cell="Sheet!D2",
        suggestion="open and save the workbook in Excel to calculate them")
    assert grids.sheets[0].rows[1] == ["P-101", "Pump", 7.5]


def test_every_error_value_is_kept_and_reported(tmp_path):
    grids = read_workbook(build(tmp_path, READABLE["error values"]))

    column = [row[1] for row in grids.sheets[0].rows[1:]]
    assert column == [CellError(code) for code in ERRORS]
    assert [f.message for f in grids.findings] == [
        f"Sheet!B{row} holds {code}" for row, code in enumerate(ERRORS, start=2)
    ] + ["Sheet was read cell by cell: the fast reader refused it (Unsupported "
         "cell error value '#GETTING_DATA')"]
    assert [f.rule for f in grids.findings] == ["error-cells"] * 8 + ["cell-by-cell"]


def test_many_error_values_are_summed_up(tmp_path):
    def build_many(wb):
        for row in range(1, 26):
            wb.active.cell(row, 1, "#N/A")

    grids = read_workbook(book(tmp_path / "many.xlsx", build_many))

    assert len(grids.findings) == 11
    assert grids.findings[-1].message == "15 more cells of Sheet hold error values"


def test_cells_at_the_corners_of_a_sheet_are_read_cell_by_cell(tmp_path):
    grids = read_workbook(build(tmp_path, READABLE["corners"]))

    sheet = grids.sheets[0]
    assert (sheet.n_rows, sheet.n_cols) == (1_048_576, 16_384)
    assert sheet.value(0, 0) == "Tag"
    assert sheet.value(1_048_575, 16_383) == "far"
    assert sum(len(row) for row in sheet.rows) == 16_385
    assert rules(grids) == [("cell-by-cell", "info", "Sheet")]


def test_formatting_down_to_the_last_row_costs_nothing(tmp_path):
    grids = read_workbook(build(tmp_path, READABLE["formatted to the end"]))

    assert grids.sheets[0].rows == [["Tag", "Description", "Rated power (kW)"],
                                    ["P-101", "Pump", 7.5]]


def test_sixteen_thousand_header_columns(tmp_path):
    sheet = read_workbook(wide_header(tmp_path / "wide.xlsx")).sheets[0]

    assert (sheet.n_rows, sheet.n_cols) == (2, 16_384)
    assert sheet.rows[0][-1] == "H16383"


def test_unicode_quotes_and_brackets_in_sheet_names(tmp_path, capsys):
    path = build(tmp_path, READABLE["odd sheet name"])

    grids = read_workbook(path, sheets=["Lasten 'Ä' [1]"])

    assert [s.name for s in grids.sheets] == ["Lasten 'Ä' [1]"]
    assert grids.sheets[0].rows[1] == ["P-101", "Pump", 7.5]
    assert run(path, tmp_path, "--sheet", "Lasten 'Ä' [1]") == 0


def test_csv_in_utf16_with_a_nul_and_with_too_many_fields(tmp_path):
    bom = read_workbook(build(tmp_path, READABLE["utf-16 csv"]))
    plain = read_workbook(build(tmp_path, READABLE["utf-16 csv without bom"]))
    nul = read_workbook(build(tmp_path, READABLE["csv with a nul"]))
    wide = read_workbook(build(tmp_path, READABLE["csv line of 100,000 fields"]))

    assert bom.sheets[0].rows == [["Tag", "Leistung (kW)"], ["P-Ä1", "7,5"]]
    assert plain.sheets[0].rows == [["Tag", "kW"], ["P-1", 3.0]]
    assert nul.sheets[0].rows == [["Tag", "kW"], ["P-1", 3.0]]
    assert [(f.rule, f.message) for f in nul.findings] == [
        ("nul-characters", "the file holds a NUL character, which text files do "
         "not; left out")]
    assert len(wide.sheets[0].rows[0]) == 16_384
    assert [(f.rule, f.message) for f in wide.findings] == [
        ("columns-cut", "a line has more than 16,384 fields (at most 100,000); "
         "only the first 16,384 were read, as Excel would")]


NOTHING_FOUND = {"empty workbook", "chart only", "corners"}
NOTHING_FOUND_WARNING = (
    "no load list, cable schedule or board schedule found; check that this is "
    "the file meant, and see the Sheets sheet of the results for how each sheet "
    "was read (headers of your own can be taught with --vocabulary)")


@pytest.mark.parametrize("case", [c for c in READABLE if "100,000" not in c],
                         ids=str)
def test_odd_but_valid_files_succeed_on_the_command_line(case, tmp_path, capsys):
    path = build(tmp_path, READABLE[case])

    assert run(path, tmp_path) == 0
    err = capsys.readouterr().err
    if case in NOTHING_FOUND:
        assert err == (f"warning: {path}: {NOTHING_FOUND_WARNING}\n")
    else:
        assert err == ""
    assert (tmp_path / "out" / "r.xlsx").read_bytes()[:2] == b"PK"


# -- limits ------------------------------------------------------------------


def test_a_real_zip_bomb_is_refused_before_it_is_inflated(tmp_path, capsys):
    path = zip_bomb(tmp_path / "bomb.xlsx", 64)
    assert path.stat().st_size < 200_000

    assert run(path, tmp_path, "--max-inflated-mb", "16") == 6

    err = capsys.readouterr().err
    assert re.fullmatch(
        rf"error: {re.escape(str(path))}: the package would inflate to [\d,]+ "
        r"bytes, more than the limit of 16,777,216; if you trust the file, raise "
        r"the limit \(--max-inflated-mb\)\n", err)


def test_a_sheet_over_the_cell_limit_is_skipped_and_the_others_read(tmp_path):
    path = two_sheets(tmp_path / "two.xlsx")

    grids = read_workbook(path, limits=Limits(max_cells_per_sheet=1_000))

    assert [(s.name, s.kind, s.n_rows) for s in grids.sheets] == [
        ("Sheet", "worksheet", 2), ("Big", "skipped", 0)]
    assert grids.findings == [SourceFinding(
        SKIPPED, "error",
        "the sheet holds more values than the limit of 1,000 cells; delete what "
        "is not needed or raise the limit (--max-cells)", cell="Big")]


def test_when_no_sheet_can_be_read_the_limit_is_the_error(tmp_path, capsys):
    path = build(tmp_path, READABLE["corners"])

    assert run(path, tmp_path, "--max-cells", "1000") == 6

    assert capsys.readouterr().err == (
        f"error: {path} [Sheet]: the sheet's 2 values spread over 16,385 cells, "
        "more than the limit of 1,000 cells; delete what is not needed or raise "
        "the limit (--max-cells)\n")


def test_limits_in_force_apply_to_reads_given_none(tmp_path):
    path = two_sheets(tmp_path / "two.xlsx")

    with using_limits(Limits(max_cells_per_sheet=1_000)):
        assert read_workbook(path).sheets[1].kind == "skipped"
    assert read_workbook(path).sheets[1].kind == "worksheet"


def test_the_time_limit_stops_reading(tmp_path, capsys):
    path = book(tmp_path / "slow.xlsx", loads)

    with pytest.raises(TimeLimitError) as info:
        read_workbook(path, limits=Limits(max_seconds=1e-9))
    assert info.value.message == (
        "extraction took longer than the time limit of 1e-09 s; raise it (--timeout)")
    assert run(path, tmp_path, "--timeout", "0.000000001") == 6

    assert capsys.readouterr().err == (
        f"error: {path} [Sheet]: extraction took longer than the time limit of "
        "1e-09 s; raise it (--timeout) or read fewer sheets (--sheet)\n")


@pytest.mark.parametrize(("command", "option", "value", "message"), [
    ("run", "--max-cells", "0", "'0' is not a whole number above 0"),
    ("run", "--max-inflated-mb", "0.001", "'0.001' is not a whole number above 0"),
    ("batch", "--max-inflated-mb", "0.001", "'0.001' is not a whole number above 0"),
    ("run", "--jobs", "two", "'two' is not a whole number above 0"),
    ("run", "--timeout", "0", "'0' is not a number above 0"),
    ("batch", "--timeout", "-1", "'-1' is not a number above 0"),
])
def test_limit_flags_must_be_above_zero(capsys, command, option, value, message):
    with pytest.raises(SystemExit) as info:
        main([command, "x.xlsx", f"{option}={value}"])

    assert info.value.code == 2
    assert capsys.readouterr().err.endswith(
        f"excel-extract {command}: error: argument {option}: {message}\n")


def test_skipped_sheets_make_a_partial_success(capsys):
    report = Report(source="two.xlsx", findings=[
        Finding(rule=SKIPPED, severity="error", cell="Big", message="too big")])

    assert exit_code(report) == PARTIAL == 8
    assert exit_code(Report(source="one.xlsx")) == 0
    assert capsys.readouterr().err == (
        "warning: two.xlsx [Big]: too big\n"
        f"warning: two.xlsx: {NOTHING_FOUND_WARNING}\n"
        f"warning: one.xlsx: {NOTHING_FOUND_WARNING}\n")


# -- nothing is lost ---------------------------------------------------------


def test_no_input_is_ever_changed(tmp_path, capsys):
    inputs = [build(tmp_path, entry) for entry in (*FAILING.values(),
                                                   *READABLE.values())
              if entry[0] != "fields.csv"]
    before = {path: (digest(path), path.stat().st_mtime_ns) for path in inputs}

    for path in inputs:
        run(path, tmp_path)

    assert {path: (digest(path), path.stat().st_mtime_ns)
            for path in inputs} == before


def test_a_failed_run_leaves_an_existing_result_as_it_was(tmp_path, capsys):
    path = build(tmp_path, FAILING["truncated"])
    result = tmp_path / "out" / "r.xlsx"
    result.parent.mkdir()
    result.write_bytes(b"keep me")

    assert main(["run", str(path), "-o", str(result), "--no-cache"]) == 7
    assert run(path, tmp_path) == 4

    assert result.read_bytes() == b"keep me"
    assert sorted(p.name for p in result.parent.iterdir()) == ["r.xlsx"]
    assert "the file already exists; pass --force" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("maker", [wide_header, corners], ids=lambda f: f.__name__)
def test_wide_and_far_sheets_on_the_command_line(maker, tmp_path):
    assert run(maker(tmp_path / "sheet.xlsx"), tmp_path) == 0


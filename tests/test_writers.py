"""The write-back plan and the files that carry it out, checked exactly."""

from __future__ import annotations

import csv
import json
import pickle
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from extractor.errors import OutputError
from extractor.package_xml import book_parts
from extractor.records import Bus, Cable, FieldValue, Load
from extractor.report import (
    ColumnMapping,
    Finding,
    Performance,
    Report,
    SheetResult,
)
from extractor.writers import (
    BAND_COLORS,
    SheetPlan,
    atomic_write,
    band,
    build_plan,
    report_to_dict,
    write_csv,
    write_json_report,
    write_plan,
    write_results_workbook,
)
from extractor.writers import xlsx as xlsx_writer
from extractor.writers.plan import Fill, RowFills, fit_to_sheets

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
GREEN, AMBER, RED, BLUE = "C6EFCE", "FFEB9C", "FFC7CE", "BDD7EE"
SHEET_NAMES = [
    "Loads", "Cables", "Buses", "Sheets", "Mapping", "Findings", "Performance",
    "Legend",
]


def fv(value, confidence, cell=None, raw=None, source="cell", notes=()):
    return FieldValue(
        value=value, confidence=confidence, cell=cell, raw=raw, source=source,
        notes=list(notes),
    )


@pytest.fixture
def report() -> Report:
    pump = Load(
        sheet="Load List", row=9, confidence=0.93,
        tag=fv("P-101A", 0.98, "Load List!B9", "P-101A"),
        description=fv("Raw Water Pump A", 0.95, "Load List!C9", "Raw Water Pump A"),
        rated_power_kw=fv(55.0, 0.9, "Load List!D9", "55"),
        phases=fv(3, 0.7, "Load List!F9", "3Ph", notes=["read '3Ph' as 3"]),
        efficiency=fv(
            0.92, 0.5, "Load List!H9", "92", notes=["percent made a fraction"]
        ),
        source_bus=fv("MCC-01", 0.88, "Load List!A8", "MCC-01", source="section"),
    )
    mixer = Load(
        sheet="Load List", row=10, confidence=0.55,
        tag=fv("M-101", 0.97, "Load List!B10", "M-101"),
        description=fv("=SUM(A1:A2)", 0.9, "Load List!C10", "=SUM(A1:A2)"),
        rated_power_kw=fv(
            14.914, 0.72, "Load List!D10", "20 HP", notes=["converted from 20 hp"]
        ),
        voltage_v=fv(400, 0.6, None, None, "default", ["board voltage assumed"]),
    )
    cable = Cable(
        sheet="Cable Schedule", row=4, confidence=0.86,
        tag=fv("C-101", 0.99, "Cable Schedule!A4", "C-101"),
        from_ref=fv("MCC-01", 0.95, "Cable Schedule!B4", "MCC-01"),
        to_ref=fv("P-101A", 0.95, "Cable Schedule!C4", "P-101A"),
        cores=fv(3, 0.9, "Cable Schedule!D4", "3C x 95 sq.mm XLPE/SWA/PVC"),
        size_mm2=fv(95.0, 0.9, "Cable Schedule!D4", "3C x 95 sq.mm XLPE/SWA/PVC"),
        length_m=fv(85.0, 0.99, "Cable Schedule!F4", "85"),
    )
    bus = Bus(
        sheet="Board Schedule", row=5, confidence=0.9,
        tag=fv("MCC-01", 0.99, "Board Schedule!A5", "MCC-01"),
        voltage_v=fv(400.0, 0.9, "Board Schedule!C5", "400 V"),
        rated_current_a=fv(800, 0.95, "Board Schedule!E5", "800"),
    )
    return Report(
        source="sample_project.xlsx", format="xlsx", version="0.1.0",
        confidence=0.81,
        loads=[pump, mixer], cables=[cable], buses=[bus],
        sheets=[
            SheetResult(
                name="Load List", kind="load_schedule", confidence=0.92,
                evidence=["header 'Rated Power'", "units row"], header_rows=[7, 8],
                tables=1, loads=2, seconds=0.125,
            ),
            SheetResult(name="Revision History", kind="other", confidence=0.4),
        ],
        mappings=[
            ColumnMapping(
                sheet="Load List", table=0, column="D", header="Rated Power / kW",
                unit="kW", record="load", field="rated_power_kw", method="synonym",
                score=0.95, confidence=0.9, alternatives=["rated_power_kva 0.61"],
            ),
        ],
        findings=[
            Finding(
                rule="current_matches_power", severity="error",
                cell="Load List!I10", record="M-101", field="current_a",
                message="full-load current 12 A is far from 26.9 A",
                suggestion="check the rating",
            ),
            Finding(rule="spare_row", severity="warning", message="spare skipped"),
            Finding(rule="info_rule", severity="info", message="fyi"),
        ],
        performance=Performance(
            stages={"read": 0.25, "extract": 0.5}, total_seconds=0.8,
            cpu_seconds=0.7, peak_memory_mb=42.5, records_per_second=5.0,
            cells=1200, parallel="joblib/4",
        ),
    )


@pytest.fixture
def workbook(report, tmp_path):
    path = write_results_workbook(report, tmp_path / "out.results.xlsx")
    return openpyxl.load_workbook(path)


def values(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def fill_of(cell) -> str | None:
    if cell.fill.fill_type != "solid":
        return None
    return cell.fill.fgColor.rgb[-6:]


@pytest.mark.parametrize(
    ("confidence", "expected"),
    [(1.0, "high"), (0.85, "high"), (0.8499, "medium"), (0.6, "medium"),
     (0.5999, "low"), (0.0, "low")],
)
def test_band(confidence, expected):
    assert band(confidence) == expected


def test_band_colors():
    assert BAND_COLORS == {"high": GREEN, "medium": AMBER, "low": RED}


def test_plan_sheets_in_order(report):
    assert [p.name for p in build_plan(report)] == SHEET_NAMES


def test_plan_record_sheet(report):
    loads = build_plan(report)[0]

    assert loads.rows[0] == ["Sheet", "Row", "Confidence", *Load.field_names(),
                             "Source"]
    assert loads.rows[0][3:6] == ["tag", "description", "load_type"]
    assert loads.rows[1][:6] == ["Load List", 9, 0.93, "P-101A",
                                 "Raw Water Pump A", None]
    assert loads.rows[1][-1] == "Load List!B9"
    assert loads.freeze == "A2"
    assert len(loads.column_widths) == len(loads.rows[0])


def test_plan_record_fills_and_notes(report):
    loads = build_plan(report)[0]
    header = loads.rows[0]
    fills = {(f.row, f.col): f.color for f in loads.fills}
    col = header.index

    assert fills[(1, 2)] == GREEN
    assert fills[(2, 2)] == RED
    assert fills[(1, col("rated_power_kw"))] == GREEN
    assert fills[(1, col("phases"))] == AMBER
    assert fills[(1, col("efficiency"))] == RED
    assert (1, col("load_type")) not in fills
    assert loads.notes[(1, col("efficiency"))] == (
        "cell: Load List!H9\nraw: 92\nsource: cell, confidence 0.50\n"
        "note: percent made a fraction"
    )
    assert loads.notes[(2, col("voltage_v"))] == (
        "source: default, confidence 0.60\nnote: board voltage assumed"
    )


def test_workbook_sheet_names_and_headers(workbook):
    assert workbook.sheetnames == SHEET_NAMES
    assert values(workbook["Sheets"])[0] == [
        "Name", "Kind", "Confidence", "Visible", "Tables", "Header rows",
        "Loads", "Cables", "Buses", "Evidence", "Seconds",
    ]
    assert values(workbook["Mapping"])[0] == [
        "Sheet", "Table", "Column", "Header", "Unit", "Record", "Field",
        "Method", "Score", "Confidence", "Alternatives",
    ]
    assert values(workbook["Findings"])[0] == [
        "Rule", "Severity", "Cell", "Record", "Field", "Message", "Suggestion",
    ]
    for name in SHEET_NAMES[:7]:
        assert workbook[name].freeze_panes == "A2"
        assert workbook[name]["A1"].font.bold


def test_workbook_loads(workbook):
    ws = workbook["Loads"]
    rows = values(ws)
    col = rows[0].index

    assert rows[0][:4] == ["Sheet", "Row", "Confidence", "tag"]
    assert rows[0][-1] == "Source"
    assert rows[1][col("rated_power_kw")] == 55.0
    assert rows[2][col("rated_power_kw")] == 14.914
    assert rows[2][col("voltage_v")] == 400
    assert rows[2][col("description")] == "=SUM(A1:A2)"
    assert ws.cell(3, col("description") + 1).data_type == "s"
    assert rows[2][-1] == "Load List!B10"
    assert len(rows) == 3


def test_workbook_load_fills_and_comments(workbook):
    ws = workbook["Loads"]
    col = values(ws)[0].index

    def cell(row, name):
        return ws.cell(row, col(name) + 1)

    assert fill_of(ws["C2"]) == GREEN
    assert fill_of(ws["C3"]) == RED
    assert fill_of(cell(2, "tag")) == GREEN
    assert fill_of(cell(2, "phases")) == AMBER
    assert fill_of(cell(3, "rated_power_kw")) == AMBER
    assert fill_of(cell(2, "load_type")) is None
    assert fill_of(ws["A2"]) is None
    assert cell(2, "load_type").comment is None
    assert cell(3, "rated_power_kw").comment.text == (
        "cell: Load List!D10\nraw: 20 HP\nsource: cell, confidence 0.72\n"
        "note: converted from 20 hp"
    )
    assert cell(2, "source_bus").comment.text == (
        "cell: Load List!A8\nraw: MCC-01\nsource: section, confidence 0.88"
    )


def test_workbook_cables_and_buses(workbook):
    cables = values(workbook["Cables"])
    buses = values(workbook["Buses"])

    assert cables[0][3:7] == ["tag", "from_ref", "to_ref", "runs"]
    assert cables[1][:7] == ["Cable Schedule", 4, 0.86, "C-101", "MCC-01",
                             "P-101A", None]
    assert cables[1][-1] == "Cable Schedule!A4"
    assert buses[0] == ["Sheet", "Row", "Confidence", *Bus.field_names(), "Source"]
    assert buses[1] == ["Board Schedule", 5, 0.9, "MCC-01", None, 400, None,
                        800, None, None, "Board Schedule!A5"]


def test_workbook_sheets_and_mapping(workbook):
    sheets = values(workbook["Sheets"])
    mapping = values(workbook["Mapping"])

    assert sheets[1] == [
        "Load List", "load_schedule", 0.92, True, 1, "7, 8", 2, 0, 0,
        "header 'Rated Power'; units row", 0.125,
    ]
    assert sheets[2][:4] == ["Revision History", "other", 0.4, True]
    assert fill_of(workbook["Sheets"]["C2"]) == GREEN
    assert fill_of(workbook["Sheets"]["C3"]) == RED
    assert mapping[1] == [
        "Load List", 0, "D", "Rated Power / kW", "kW", "load", "rated_power_kw",
        "synonym", 0.95, 0.9, "rated_power_kva 0.61",
    ]
    assert fill_of(workbook["Mapping"]["J2"]) == GREEN


def test_workbook_findings(workbook):
    ws = workbook["Findings"]

    assert values(ws)[1] == [
        "current_matches_power", "error", "Load List!I10", "M-101", "current_a",
        "full-load current 12 A is far from 26.9 A", "check the rating",
    ]
    assert [fill_of(ws[f"B{r}"]) for r in (2, 3, 4)] == [RED, AMBER, None]


def test_workbook_performance(workbook):
    ws = workbook["Performance"]

    assert values(ws) == [
        ["Stage", "Seconds"], ["read", 0.25], ["extract", 0.5], ["total", 0.8],
        ["CPU", 0.7], [None, None], ["Measure", "Value"],
        ["peak memory MB", 42.5], ["records/s", 5.0], ["cells", 1200],
        ["parallel", "joblib/4"], ["cache", "off"],
    ]
    assert ws["A7"].font.bold


def test_workbook_legend(workbook):
    ws = workbook["Legend"]

    assert [ws[f"A{r}"].value for r in (1, 2, 3, 4, 5)] == [
        "Legend",
        "green: confidence >= 0.85, read cleanly",
        "amber: 0.6 to 0.85, check",
        "red: below 0.6, doubtful or unreadable",
        "blue: derived from other values of its row, confidence >= 0.85; the "
        "column header's note says how",
    ]
    assert [fill_of(ws[f"A{r}"]) for r in (2, 3, 4, 5)] == [GREEN, AMBER, RED, BLUE]
    assert "cell note" in ws["A7"].value
    assert ws.freeze_panes is None


def test_empty_report_still_has_every_sheet(tmp_path):
    path = write_results_workbook(Report(source="x.xlsx"), tmp_path / "e.xlsx")
    wb = openpyxl.load_workbook(path)

    assert wb.sheetnames == SHEET_NAMES
    assert values(wb["Buses"]) == [
        ["Sheet", "Row", "Confidence", *Bus.field_names(), "Source"]
    ]


def test_report_to_dict(report):
    data = report_to_dict(report)

    assert list(data) == [
        "source", "format", "version", "confidence", "loads", "cables", "buses",
        "sheets", "mappings", "findings", "performance",
    ]
    pump, mixer = data["loads"]
    assert list(pump) == [
        "sheet", "row", "confidence", "tag", "description", "rated_power_kw",
        "phases", "efficiency", "source_bus",
    ]
    assert pump["phases"] == {
        "value": 3, "confidence": 0.7, "cell": "Load List!F9", "raw": "3Ph",
        "source": "cell", "notes": ["read '3Ph' as 3"],
    }
    assert mixer["voltage_v"] == {
        "value": 400, "confidence": 0.6, "cell": None, "raw": None,
        "source": "default", "notes": ["board voltage assumed"],
    }
    assert data["buses"][0]["rated_current_a"]["value"] == 800


def test_write_json_report(report, tmp_path):
    path = write_json_report(report, tmp_path / "out.json")
    data = json.loads(path.read_text(encoding="utf-8"))

    assert data["source"] == "sample_project.xlsx"
    assert data["confidence"] == 0.81
    assert data["version"] == "0.1.0"
    assert data["cables"][0]["size_mm2"]["raw"] == "3C x 95 sq.mm XLPE/SWA/PVC"
    assert "runs" not in data["cables"][0]
    assert data["sheets"][0]["evidence"] == ["header 'Rated Power'", "units row"]
    assert data["sheets"][1]["kind"] == "other"
    assert data["mappings"][0]["field"] == "rated_power_kw"
    assert data["findings"][1] == {
        "rule": "spare_row", "severity": "warning", "cell": None, "record": None,
        "field": None, "message": "spare skipped", "suggestion": None,
    }
    assert data["performance"]["stages"] == {"read": 0.25, "extract": 0.5}
    assert list(tmp_path.iterdir()) == [path]


def test_write_csv(report, tmp_path):
    paths = write_csv(report, tmp_path, "sample")

    assert [p.name for p in paths] == [
        "sample.loads.csv", "sample.cables.csv", "sample.buses.csv",
    ]
    with paths[0].open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["sheet", "row", "confidence", *Load.field_names()]
    col = rows[0].index
    assert rows[1][:4] == ["Load List", "9", "0.93", "P-101A"]
    assert rows[2][col("rated_power_kw")] == "14.914"
    assert rows[2][col("load_type")] == ""
    assert len(rows) == 3
    assert paths[0].read_bytes().startswith(b"\xef\xbb\xbf")


def test_atomic_write_failure_leaves_nothing(tmp_path):
    def failing(tmp: Path) -> None:
        tmp.write_bytes(b"half a workbook")
        raise RuntimeError("writer broke")

    with pytest.raises(RuntimeError, match="writer broke"):
        atomic_write(tmp_path / "out.xlsx", failing)

    assert list(tmp_path.iterdir()) == []


def test_atomic_write_failure_keeps_existing_file(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def failing(tmp: Path) -> None:
        tmp.write_text("new and broken", encoding="utf-8")
        raise ValueError("no")

    with pytest.raises(ValueError):
        atomic_write(target, failing)

    assert target.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_write_replaces_existing_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old", encoding="utf-8")

    result = atomic_write(target, lambda tmp: tmp.write_text("new"))

    assert result == target
    assert target.read_text() == "new"
    assert list(tmp_path.iterdir()) == [target]


def test_atomic_write_missing_folder(tmp_path):
    target = tmp_path / "missing" / "out.xlsx"

    with pytest.raises(OutputError) as caught:
        atomic_write(target, lambda tmp: tmp.write_text("x"))

    assert caught.value.path == str(target)
    assert caught.value.message.startswith("cannot write out.xlsx: ")
    assert caught.value.message.endswith("close the file if it is open in Excel")


def test_results_workbook_failure_leaves_no_partial_file(
    report, tmp_path, monkeypatch
):
    def broken(ws, plan, on_row=None):
        raise RuntimeError(f"cannot fill {plan.name}")

    monkeypatch.setattr(xlsx_writer, "fill_sheet", broken)

    with pytest.raises(RuntimeError, match="cannot fill Loads"):
        write_results_workbook(report, tmp_path / "out.results.xlsx")

    assert list(tmp_path.iterdir()) == []


def test_large_sheets_keep_notes_for_values_worth_a_look(monkeypatch):
    from extractor.writers import plan as plan_module

    monkeypatch.setattr(plan_module, "MAX_NOTES", 2)
    clean = FieldValue(value="P-1", confidence=1.0, cell="L!A2", raw="P-1")
    converted = FieldValue(value=3.7285, confidence=0.9, cell="L!B2", raw="5 HP",
                           notes=["converted 5 HP to 3.7285 kW"])
    doubtful = FieldValue(value="TBA", confidence=0.2, cell="L!C2", raw="TBA")
    loads = [Load(sheet="L", row=2, tag=clean, rated_power_kw=converted,
                  description=doubtful)]

    sheet = plan_module.record_sheet("Loads", Load, loads)

    names = Load.field_names()
    noted = sorted(names[c - 3] for _, c in sheet.notes)
    assert noted == ["description", "rated_power_kw"]


def test_long_finding_texts_wrap(workbook):
    ws = workbook["Findings"]
    assert [ws.cell(row=2, column=c).alignment.wrap_text for c in (6, 7)] == [
        True, True]
    assert ws.cell(row=2, column=1).alignment.wrap_text is None


# -- the workbook file itself ---------------------------------------------------


def write_plans(tmp_path, plans) -> Path:
    return write_plan(plans, tmp_path / "plans.xlsx")


def test_text_is_escaped_kept_as_text_and_cleaned_of_control_characters(tmp_path):
    texts = ['a & b <c> "q" \'s\'', "line 1\nline 2", "  padded  ", "007",
             "=SUM(A1:A2)", "bell\x07 and\x1f unit", "Ω μ ²"]
    plan = SheetPlan("R&D 'x' y", [["Text"], *([t] for t in texts)])

    path = write_plans(tmp_path, [plan])

    ws = openpyxl.load_workbook(path)["R&D 'x' y"]
    read = [ws.cell(r, 1).value for r in range(2, len(texts) + 2)]
    cleaned = [t.replace("\x07", "").replace("\x1f", "") for t in texts]
    assert read == cleaned
    assert {ws.cell(r, 1).data_type for r in range(2, len(texts) + 2)} == {"s"}
    book = CalamineWorkbook.from_path(str(path))
    assert [row[0] for row in book.get_sheet_by_name("R&D 'x' y").to_python()[1:]] == (
        cleaned)


def test_numbers_booleans_and_numbers_excel_cannot_hold(tmp_path):
    row = [True, False, 0.1 + 0.2, -2.5e-7, 12345678901234567, 7, float("nan"),
           float("inf")]
    path = write_plans(tmp_path, [SheetPlan("N", [["h"] * len(row), row])])

    # Excel holds 16 significant digits; NaN and infinity show as #NUM!
    ws = openpyxl.load_workbook(path, data_only=True)["N"]
    assert [c.value for c in ws[2]] == [
        True, False, 0.3, -2.5e-7, 1.234567890123457e16, 7, "#NUM!", "#NUM!"]
    assert [c.data_type for c in ws[2]] == ["b", "b", "n", "n", "n", "n", "e", "e"]


def test_many_notes_on_two_sheets(tmp_path):
    first = SheetPlan("One", [["v"]] + [[n] for n in range(1500)],
                      notes={(r, 0): f"note {r}\nline 2" for r in range(1, 1501)})
    second = SheetPlan("Two", [["v"], [1]], notes={(1, 0): "only & one"})

    path = write_plans(tmp_path, [first, second])

    wb = openpyxl.load_workbook(path)
    assert wb["One"]["A1501"].comment.text == "note 1500\nline 2"
    assert sum(1 for row in wb["One"].iter_rows() for c in row if c.comment) == 1500
    assert wb["Two"]["A2"].comment.text == "only & one"
    assert {wb["One"]["A2"].comment.author, wb["Two"]["A2"].comment.author} == {
        "excel-extract"}


def test_notes_on_empty_cells_and_below_the_last_row(tmp_path):
    plan = SheetPlan("N", [["a", "b"], [1]], notes={(3, 0): "below", (1, 1): "empty",
                                                   (0, 0): "header"})

    path = write_plans(tmp_path, [plan])

    ws = openpyxl.load_workbook(path)["N"]
    assert [ws[ref].comment.text for ref in ("A1", "B2", "A4")] == [
        "header", "empty", "below"]


def shown_width(width: float) -> float:
    """A column's width as Excel shows it: in characters of 7 pixels, less
    the 5 pixels of padding Excel adds to every column."""
    return (round(width * 7) - 5) / 7


def test_number_formats_frozen_panes_page_setup_and_marks(tmp_path):
    plan = SheetPlan("F", [["a", "b", "c"], [1.23456, 2.5, 3]], freeze="B3",
                     formats={0: "0.000", 1: "0.00", 2: "General"},
                     column_widths=[9, 12, 30])
    other = SheetPlan("R&D 'x' y", [["x"]], freeze=None)

    path = write_plans(tmp_path, [plan, other])

    wb = openpyxl.load_workbook(path)
    ws = wb["F"]
    assert [ws.cell(2, c).number_format for c in (1, 2, 3)] == [
        "0.000", "0.00", "General"]
    assert ws.cell(1, 1).number_format == "General"
    assert ws.freeze_panes == "B3"
    assert [shown_width(ws.column_dimensions[c].width) for c in "ABC"] == [9, 12, 30]
    assert ws.print_title_rows == "$1:$1"
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb["R&D 'x' y"].freeze_panes is None
    assert wb["R&D 'x' y"].print_title_rows is None
    with zipfile.ZipFile(path) as zf:
        parts = book_parts(zf)
    assert parts.sheets == {"F": "xl/worksheets/sheet1.xml",
                            "R&D 'x' y": "xl/worksheets/sheet2.xml"}
    assert parts.results == frozenset({"F", "R&D 'x' y"})


@pytest.mark.parametrize("max_notes", [2_000, 10])
def test_records_kept_by_column_plan_as_the_records_made_from_them(
    max_notes, tmp_path, monkeypatch
):
    from workbooks import write_xlsx

    from extractor.blocks import RecordBlock
    from extractor.pipeline import extract_file
    from extractor.writers import plan as plan_module

    monkeypatch.setattr(plan_module, "MAX_NOTES", max_notes)
    rows = [["Tag", "Description", "Rated Power (kW)", "Voltage (V)", "Power Factor"]]
    rows += [[f"P-{i}", f"Pump {i}", 1.5 + i % 7, 400, 0.85 if i % 3 else "0,8?"]
             for i in range(300)]
    report = extract_file(write_xlsx(tmp_path / "loads.xlsx", {"Loads": rows}))
    made = pickle.loads(pickle.dumps(report))
    assert any(isinstance(p, RecordBlock) for p in report.pieces("load"))

    by_column = build_plan(report)[0]
    by_record = plan_module.record_sheet("Loads", Load, made.loads)

    assert by_column.rows == by_record.rows
    assert by_column.fills == by_record.fills
    assert by_column.notes == by_record.notes
    assert 0 < len(by_column.notes) <= 1500


def test_the_json_report_is_written_record_by_record_a_record_a_line(
        tmp_path, monkeypatch):
    """The streamed text reads back as the report's dict, for a report with
    records kept by column (made a few records at a time) and records of
    their own, notes, nulls and odd numbers included; a record a line."""
    from extractor.bench import write_schedules
    from extractor.pipeline import extract_file
    from extractor.writers import json_report

    monkeypatch.setattr(json_report, "CHUNK_RECORDS", 7)

    book = tmp_path / "schedules.xlsx"
    write_schedules(book, 600)
    report = extract_file(book, n_jobs=1)
    assert report.blocks("load") and report.blocks("cable")
    path = write_json_report(report, tmp_path / "report.json")
    text = path.read_text("utf-8")
    data = json.loads(text)
    assert data == report_to_dict(report)
    assert sum(bool(fv["notes"]) for record in data["loads"] for name, fv in
               record.items() if isinstance(fv, dict)) > 100
    assert any(fv["raw"] is None for record in data["loads"] for fv in
               record.values() if isinstance(fv, dict))
    assert len(data["loads"]) == 300 and data["loads"][0]["tag"]["cell"] == (
        "Load List 1!B7")

    lines = text.splitlines()
    first = lines.index('  "loads": [') + 1
    assert json.loads(lines[first].rstrip(",")) == data["loads"][0]
    assert lines[first + 300] == "  ],"
    assert lines[:2] == ["{", f'  "source": {json.dumps(str(book))},']


def test_odd_numbers_in_the_json_report(tmp_path):
    """Values a sheet can hold that JSON has no number for are written as
    Python's json module writes them, and read back by it."""
    report = Report(source="odd.xlsx", format="xlsx", loads=[
        Load(sheet="Loads", row=2, confidence=0.5,
             rated_power_kw=FieldValue(value=float("nan"), confidence=0.2),
             current_a=FieldValue(value=float("-inf"), confidence=0.2),
             power_factor=FieldValue(value=1e-7, confidence=0.2),
             description=FieldValue(value="é\n", confidence=0.2))])
    path = write_json_report(report, tmp_path / "odd.json")
    text = path.read_text("utf-8")
    assert '"value": NaN' in text and '"value": -Infinity' in text
    assert '"value": 1e-07' in text and '"value": "é\\n"' in text
    load = json.loads(text)["loads"][0]
    assert load["rated_power_kw"]["value"] != load["rated_power_kw"]["value"]
    assert load["current_a"]["value"] == float("-inf")
    assert load["description"]["value"] == "é\n"


def test_a_large_workbook_reads_back_as_a_small_one(report, tmp_path, monkeypatch):
    """Rows streamed to disk (a large workbook) or kept until the end (a
    small one): the same cells, fills and notes."""
    small = openpyxl.load_workbook(
        write_results_workbook(report, tmp_path / "small.xlsx"))
    monkeypatch.setattr(xlsx_writer, "CONSTANT_MEMORY_CELLS", 0)
    large = openpyxl.load_workbook(
        write_results_workbook(report, tmp_path / "large.xlsx"))
    assert small.sheetnames == large.sheetnames
    for name in small.sheetnames:
        assert values(small[name]) == values(large[name])
        looks = [[(fill_of(c), c.comment.text if c.comment else None, c.font.b)
                  for c in row] for ws in (small[name], large[name])
                 for row in ws.iter_rows()]
        half = len(looks) // 2
        assert looks[:half] == looks[half:]


def test_a_plan_longer_than_a_sheet_goes_on_to_sheets_of_its_kind():
    plan = SheetPlan(
        "Loads", [["Tag", "kW"], *[[f"P-{i}", i] for i in range(1, 8)]],
        fills=[Fill(0, 0, GREEN), Fill(1, 1, RED), Fill(4, 1, AMBER),
               Fill(7, 0, RED)],
        column_widths=[9.0, 8.0], notes={(4, 1): "cell: L!B4", (7, 0): "raw: p"},
    )

    parts = fit_to_sheets(plan, max_rows=4)

    assert [(p.name, p.rows) for p in parts] == [
        ("Loads", [["Tag", "kW"], ["P-1", 1], ["P-2", 2], ["P-3", 3]]),
        ("Loads 2", [["Tag", "kW"], ["P-4", 4], ["P-5", 5], ["P-6", 6]]),
        ("Loads 3", [["Tag", "kW"], ["P-7", 7]]),
    ]
    assert [p.fills for p in parts] == [
        [Fill(0, 0, GREEN), Fill(1, 1, RED)],
        [Fill(0, 0, GREEN), Fill(1, 1, AMBER)],
        [Fill(0, 0, GREEN), Fill(1, 0, RED)],
    ]
    assert [p.notes for p in parts] == [
        {}, {(1, 1): "cell: L!B4"}, {(1, 0): "raw: p"}]
    assert {(p.freeze, tuple(p.column_widths)) for p in parts} == {
        ("A2", (9.0, 8.0))}
    assert fit_to_sheets(plan, max_rows=8) == [plan]


def test_records_beyond_the_rows_of_a_sheet_are_on_the_next(tmp_path, monkeypatch):
    from extractor.pipeline import extract_file
    from extractor.writers import plan as plan_module

    report = extract_file(TEMPLATES / "sample_project.xlsx")
    monkeypatch.setattr(plan_module, "SHEET_ROWS", 11)

    book = openpyxl.load_workbook(write_results_workbook(report, tmp_path / "r.xlsx"))

    assert book.sheetnames == [
        "Loads", "Loads 2", "Loads 3", "Cables", "Cables 2", "Cables 3", "Buses",
        "Sheets", "Mapping", "Mapping 2", "Mapping 3", "Mapping 4", "Findings",
        "Findings 2", "Performance", "Performance 2", "Legend"]
    tags = [row[3] for name in ("Loads", "Loads 2", "Loads 3")
            for row in values(book[name])[1:]]
    assert tags == [load.get("tag") for load in report.loads]
    assert values(book["Loads 3"])[0] == values(book["Loads"])[0]
    assert book["Loads 3"]["D2"].value == report.loads[20].get("tag")
    assert fill_of(book["Loads 3"]["D2"]) == GREEN


def test_row_fills_read_as_fills_and_share_the_rows_alike():
    fills = RowFills([(), (None, None, GREEN, RED), (None, None, GREEN, RED),
                      (None, AMBER)])

    assert list(fills) == [Fill(1, 2, GREEN), Fill(1, 3, RED), Fill(2, 2, GREEN),
                           Fill(2, 3, RED), Fill(3, 1, AMBER)]
    assert fills == list(fills)
    assert fills.rows[1] is fills.rows[2]
    assert fills.looks() == {(), (None, None, GREEN, RED), (None, AMBER)}
    assert fills.of_row(9) == ()
    assert list(fills.part(3, 4)) == [Fill(1, 1, AMBER)]


def test_a_record_sheet_has_a_look_per_kind_of_row(report):
    loads = build_plan(report)[0]

    assert isinstance(loads.fills, RowFills)
    assert loads.fills.rows == [
        (), (None, None, GREEN, GREEN, GREEN, None, GREEN, None, None, AMBER, None,
             RED, None, None, None, GREEN),
        (None, None, RED, GREEN, GREEN, None, AMBER, None, AMBER)]


def test_a_sheet_of_many_values_worth_a_look_keeps_the_doubtful_notes_first(
        monkeypatch):
    from extractor.writers import plan as plan_module

    monkeypatch.setattr(plan_module, "MAX_NOTES", 2)
    monkeypatch.setattr(plan_module, "NOTE_LIMIT", 3)

    def load(row: int, confidence: float) -> Load:
        converted = FieldValue(value=7.457, confidence=confidence, cell=f"L!B{row}",
                               raw="10 HP", notes=["converted 10 HP to 7.457 kW"])
        return Load(sheet="L", row=row, rated_power_kw=converted)

    loads = [load(2, 0.95), load(3, 0.95), load(4, 0.5), load(5, 0.95), load(6, 0.7)]

    sheet = plan_module.record_sheet("Loads", Load, loads)

    # both doubtful values (rows 4 and 6), then the first converted one
    assert sorted(r for r, _ in sheet.notes) == [1, 3, 5]


def test_derived_values_are_blue_and_their_header_says_how(monkeypatch):
    from extractor.writers import plan as plan_module

    monkeypatch.setattr(plan_module, "MAX_NOTES", 1)

    def load(row: int, confidence: float) -> Load:
        derived = FieldValue(
            value=10.0, confidence=confidence, cell=f"L!C{row}", source="derived",
            notes=[f"S = P/(cosφ·η) from rated_power_kw (L!C{row}), "
                   f"power_factor (L!D{row})"])
        return Load(sheet="L", row=row, rated_power_kva=derived)

    sheet = plan_module.record_sheet("Loads", Load, [load(2, 0.95), load(3, 0.7)])

    c = sheet.rows[0].index("rated_power_kva")
    fills = RowFills.of(sheet.fills)
    assert [fills.of_row(r)[c] for r in (1, 2)] == [BLUE, AMBER]
    assert sheet.notes[0, c] == (
        "2 values derived from other values of their row (blue where the "
        "confidence is high):\nS = P/(cosφ·η) from rated_power_kw, power_factor")
    # the doubtful one keeps its note, the blue one has the header's
    assert sorted(sheet.notes) == [(0, c), (2, c)]


def test_writing_the_results_workbook_tells_the_rows_written(report, tmp_path,
                                                             monkeypatch):
    monkeypatch.setattr(xlsx_writer, "PROGRESS_ROWS", 2)
    told: list[tuple[int, int]] = []

    write_results_workbook(report, tmp_path / "out.results.xlsx",
                           lambda done, total: told.append((done, total)))

    total = sum(len(plan.rows) for plan in build_plan(report))
    assert told[-1] == (total, total)
    assert [done for done, _ in told] == sorted(done for done, _ in told)
    assert {t for _, t in told} == {total}
    assert (2, total) in told

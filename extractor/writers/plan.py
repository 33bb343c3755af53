"""The write-back plan: what the result sheets hold, before any file exists.

:func:`build_plan` turns a report into a list of :class:`SheetPlan`, one per
result sheet, in the order they appear: Loads, Cables, Buses, Sheets,
Mapping, Findings, Performance, Legend. A plan is plain data (cell values,
fills, notes, widths), so the file writer and the xlwings writer carry out
the same plan and tests can check it without opening a workbook.

Every value read from the input is filled by its confidence band, and its
cell note says where it came from, what was written there and what was done
to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal, Union

from ..records import Bus, Cable, FieldValue, Load, Record
from ..report import Finding, Report

PlanValue = Union[str, float, int, bool, None]
Band = Literal["high", "medium", "low"]

HIGH_CONFIDENCE = 0.85
MEDIUM_CONFIDENCE = 0.6

BAND_COLORS: dict[Band, str] = {
    "high": "C6EFCE",  # green
    "medium": "FFEB9C",  # amber
    "low": "FFC7CE",  # red
}
SEVERITY_COLORS: dict[str, str] = {
    "error": BAND_COLORS["low"],
    "warning": BAND_COLORS["medium"],
}
LEGEND_LINES: list[tuple[str, Band | None]] = [
    ("green: confidence >= 0.85, read cleanly", "high"),
    ("amber: 0.6 to 0.85, check", "medium"),
    ("red: below 0.6, doubtful or unreadable", "low"),
    ("", None),
    ("A cell note on a value holds its source cell, the raw text as written "
     "and what was done to it (on very large sheets only doubtful, converted "
     "or derived values carry one; the JSON report has every source cell).",
     None),
    ("Findings: red is an error, amber a warning.", None),
]

MIN_WIDTH = 8.0
MAX_WIDTH = 60.0


@dataclass(frozen=True, slots=True)
class Fill:
    """A solid background color for one cell, zero-based within the sheet."""

    row: int
    col: int
    color: str


@dataclass(slots=True)
class SheetPlan:
    """One result sheet: values by row, and how the cells look.

    ``rows[0]`` is the header row unless ``bold_rows`` says otherwise.
    ``notes`` maps a zero-based ``(row, col)`` to the text of a cell note.
    ``formats`` maps a zero-based column to an Excel number format.
    ``wrap`` lists zero-based columns of long text, wrapped within the width.
    """

    name: str
    rows: list[list[PlanValue]]
    fills: list[Fill] = field(default_factory=list)
    column_widths: list[float] = field(default_factory=list)
    freeze: str | None = "A2"
    notes: dict[tuple[int, int], str] = field(default_factory=dict)
    bold_rows: list[int] = field(default_factory=lambda: [0])
    formats: dict[int, str] = field(default_factory=dict)
    wrap: tuple[int, ...] = ()


def band(confidence: float) -> Band:
    """The confidence band: high from 0.85, medium from 0.6, low below."""
    if confidence >= HIGH_CONFIDENCE:
        return "high"
    if confidence >= MEDIUM_CONFIDENCE:
        return "medium"
    return "low"


def band_color(confidence: float) -> str:
    """The fill color (RRGGBB) of a confidence."""
    return BAND_COLORS[band(confidence)]


def build_plan(report: Report) -> list[SheetPlan]:
    """Plan every result sheet of a report, in the order they are written."""
    return [
        record_sheet("Loads", Load, report.loads),
        record_sheet("Cables", Cable, report.cables),
        record_sheet("Buses", Bus, report.buses),
        sheets_sheet(report),
        mapping_sheet(report),
        findings_sheet(report.findings),
        performance_sheet(report),
        legend_sheet(),
    ]


def record_sheet(
    name: str, record_type: type[Record], records: Sequence[Record]
) -> SheetPlan:
    """One row per record: where it is, its confidence, its fields, its source.

    A field's value goes in its own column, filled by the field's confidence
    band, with a note holding the source cell, the raw text and the notes.
    Fields that were not filled stay empty and unfilled. On a sheet of more
    than ``MAX_NOTES`` values only the values worth a look (doubtful,
    converted, derived or corrected) get a note: notes are costly to write
    and to open, and the JSON report keeps every source cell.
    """
    names = record_type.field_names()
    rows: list[list[PlanValue]] = [["Sheet", "Row", "Confidence", *names, "Source"]]
    fills: list[Fill] = []
    notes: dict[tuple[int, int], str] = {}

    for r, record in enumerate(records, start=1):
        row: list[PlanValue] = [record.sheet, record.row, record.confidence]
        fills.append(Fill(r, 2, band_color(record.confidence)))
        for c, field_name in enumerate(names, start=3):
            fv = getattr(record, field_name)
            row.append(None if fv is None else fv.value)
            if fv is not None:
                fills.append(Fill(r, c, band_color(fv.confidence)))
                notes[(r, c)] = field_note(fv)
        row.append(record_source(record))
        rows.append(row)
    if len(notes) > MAX_NOTES:
        notes = {rc: text for rc, text in notes.items()
                 if _worth_a_look(getattr(records[rc[0] - 1], names[rc[1] - 3]))}

    return _table(name, rows, fills, notes, formats={2: "0.00"})


MAX_NOTES = 2_000


def _worth_a_look(fv: FieldValue) -> bool:
    return fv.confidence < HIGH_CONFIDENCE or fv.source != "cell" or bool(fv.notes)


def field_note(fv: FieldValue) -> str:
    """The cell note of a field: source cell, raw text, how it was found."""
    lines = []
    if fv.cell:
        lines.append(f"cell: {fv.cell}")
    if fv.raw is not None:
        lines.append(f"raw: {fv.raw}")
    lines.append(f"source: {fv.source}, confidence {fv.confidence:.2f}")
    lines.extend(f"note: {note}" for note in fv.notes)
    return "\n".join(lines)


def record_source(record: Record) -> str:
    """Where a record starts: its first field's cell, else column A of its row."""
    for fv in record.fields().values():
        if fv.cell:
            return fv.cell
    return f"{record.sheet}!A{record.row}"


def sheets_sheet(report: Report) -> SheetPlan:
    """One row per input sheet: its kind, confidence, tables and counts."""
    rows: list[list[PlanValue]] = [[
        "Name", "Kind", "Confidence", "Visible", "Tables", "Header rows",
        "Loads", "Cables", "Buses", "Evidence", "Seconds",
    ]]
    fills = []
    for r, sheet in enumerate(report.sheets, start=1):
        rows.append([
            sheet.name, sheet.kind, sheet.confidence, sheet.visible, sheet.tables,
            ", ".join(str(h) for h in sheet.header_rows),
            sheet.loads, sheet.cables, sheet.buses,
            "; ".join(sheet.evidence), sheet.seconds,
        ])
        fills.append(Fill(r, 2, band_color(sheet.confidence)))
    return _table("Sheets", rows, fills, formats={2: "0.00", 10: "0.000"})


def mapping_sheet(report: Report) -> SheetPlan:
    """One row per input column: the field it was given, how, and how sure."""
    rows: list[list[PlanValue]] = [[
        "Sheet", "Table", "Column", "Header", "Unit", "Record", "Field",
        "Method", "Score", "Confidence", "Alternatives",
    ]]
    fills = []
    for r, m in enumerate(report.mappings, start=1):
        rows.append([
            m.sheet, m.table, m.column, m.header, m.unit, m.record, m.field,
            m.method, m.score, m.confidence, "; ".join(m.alternatives),
        ])
        fills.append(Fill(r, 9, band_color(m.confidence)))
    return _table("Mapping", rows, fills, formats={8: "0.00", 9: "0.00"})


def findings_sheet(findings: Iterable[Finding]) -> SheetPlan:
    """One row per finding, its severity cell red for errors, amber for warnings."""
    rows: list[list[PlanValue]] = [[
        "Rule", "Severity", "Cell", "Record", "Field", "Message", "Suggestion",
    ]]
    fills = []
    for r, f in enumerate(findings, start=1):
        rows.append([
            f.rule, f.severity, f.cell, f.record, f.field, f.message, f.suggestion,
        ])
        if f.severity in SEVERITY_COLORS:
            fills.append(Fill(r, 1, SEVERITY_COLORS[f.severity]))
    plan = _table("Findings", rows, fills)
    plan.wrap = (5, 6)
    return plan


def performance_sheet(report: Report) -> SheetPlan:
    """Seconds per stage and in total, then memory, throughput and workers."""
    perf = report.performance
    rows: list[list[PlanValue]] = [["Stage", "Seconds"]]
    rows.extend([stage, seconds] for stage, seconds in perf.stages.items())
    rows.append(["total", perf.total_seconds])
    rows.append(["CPU", perf.cpu_seconds])
    rows.append([])

    measures_at = len(rows)
    rows.append(["Measure", "Value"])
    rows.append(["peak memory MB", perf.peak_memory_mb])
    rows.append(["records/s", perf.records_per_second])
    rows.append(["cells", perf.cells])
    rows.append(["parallel", perf.parallel])
    rows.append(["cache", perf.cache])

    plan = _table("Performance", rows, [])
    plan.bold_rows = [0, measures_at]
    return plan


def legend_sheet() -> SheetPlan:
    """What the colors mean, each line filled with its color."""
    rows: list[list[PlanValue]] = [["Legend"]]
    fills = []
    for r, (text, line_band) in enumerate(LEGEND_LINES, start=1):
        rows.append([text] if text else [])
        if line_band is not None:
            fills.append(Fill(r, 0, BAND_COLORS[line_band]))
    return SheetPlan("Legend", rows, fills, column_widths=[90.0], freeze=None)


def column_widths(rows: Sequence[Sequence[PlanValue]]) -> list[float]:
    """A width per column from its longest text, kept between 8 and 60."""
    widths: list[float] = []
    for row in rows:
        for c, value in enumerate(row):
            text = "" if value is None else _display(value)
            need = max((len(line) for line in text.splitlines()), default=0) + 2
            if c == len(widths):
                widths.append(MIN_WIDTH)
            widths[c] = min(MAX_WIDTH, max(widths[c], float(need)))
    return widths


def _display(value: PlanValue) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def _table(
    name: str,
    rows: list[list[PlanValue]],
    fills: list[Fill],
    notes: dict[tuple[int, int], str] | None = None,
    formats: dict[int, str] | None = None,
) -> SheetPlan:
    return SheetPlan(
        name, rows, fills, column_widths(rows), freeze="A2",
        notes=notes or {}, formats=formats or {},
    )

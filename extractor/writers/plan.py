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

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from itertools import zip_longest
from operator import itemgetter
from typing import Literal, NamedTuple, Union

from ..blocks import FieldColumn, RecordBlock, Repeated, RowNote
from ..package_xml import MAX_ROWS
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
DERIVED_COLOR = "BDD7EE"  # blue: worked out from other values of the row
SEVERITY_COLORS: dict[str, str] = {
    "error": BAND_COLORS["low"],
    "warning": BAND_COLORS["medium"],
}
NOTE_LIMIT = 10_000
"""The most notes a record sheet gets: tens of thousands of notes make a
workbook slow to write and to open, and a file of millions Excel cannot."""
LEGEND_LINES: list[tuple[str, str | None]] = [
    ("green: confidence >= 0.85, read cleanly", BAND_COLORS["high"]),
    ("amber: 0.6 to 0.85, check", BAND_COLORS["medium"]),
    ("red: below 0.6, doubtful or unreadable", BAND_COLORS["low"]),
    ("blue: derived from other values of its row, confidence >= 0.85; the "
     "column header's note says how", DERIVED_COLOR),
    ("", None),
    ("A cell note on a value holds its source cell, the raw text as written "
     "and what was done to it (on very large sheets only doubtful, converted "
     f"or corrected values carry one, at most {NOTE_LIMIT:,} a sheet, the "
     "doubtful first; the JSON report has every source cell).",
     None),
    ("Findings: red is an error, amber a warning.", None),
]

MIN_WIDTH = 8.0
MAX_WIDTH = 60.0


class Fill(NamedTuple):
    """A solid background color for one cell, zero-based within the sheet."""

    row: int
    col: int
    color: str


class RowFills:
    """The fills of a sheet row by row, as a list of :class:`Fill` reads.

    Each row is a tuple of its cells' colors (None where a cell has no
    fill), one tuple shared by every row that looks the same: a record
    sheet's rows show a few looks however many there are, so a million
    rows cost a million references rather than a Fill a cell.
    """

    __slots__ = ("rows", "_looks")

    def __init__(self, rows: Iterable[tuple[str | None, ...]] = ()) -> None:
        self.rows: list[tuple[str | None, ...]] = []
        self._looks: dict[tuple[str | None, ...], tuple[str | None, ...]] = {}
        for colors in rows:
            self.add(colors)

    @classmethod
    def of(cls, fills: Iterable[Fill]) -> RowFills:
        """The same fills, row by row."""
        if isinstance(fills, RowFills):
            return fills
        by_row: dict[int, dict[int, str]] = {}
        for f in fills:
            by_row.setdefault(f.row, {})[f.col] = f.color
        made = cls()
        for r in range(max(by_row, default=-1) + 1):
            colors = by_row.get(r, {})
            made.add([colors.get(c) for c in range(max(colors, default=-1) + 1)])
        return made

    def add(self, colors: Sequence[str | None]) -> None:
        """The next row's colors, from its first column."""
        look = tuple(colors)
        self.rows.append(self._looks.setdefault(look, look))

    def of_row(self, r: int) -> tuple[str | None, ...]:
        return self.rows[r] if r < len(self.rows) else ()

    def looks(self) -> set[tuple[str | None, ...]]:
        """The distinct rows."""
        return set(self._looks.values())

    def part(self, start: int, stop: int) -> RowFills:
        """The header row's fills, then those of rows ``start`` to ``stop``."""
        return RowFills([self.of_row(0), *self.rows[start:stop]])

    def __iter__(self) -> Iterator[Fill]:
        for r, colors in enumerate(self.rows):
            for c, color in enumerate(colors):
                if color is not None:
                    yield Fill(r, c, color)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, RowFills):
            return self.rows == other.rows
        return isinstance(other, list) and list(self) == other

    def __repr__(self) -> str:
        return f"RowFills({len(self.rows)} rows, {len(self._looks)} looks)"


@dataclass(slots=True)
class SheetPlan:
    """One result sheet: values by row, and how the cells look.

    ``rows[0]`` is the header row unless ``bold_rows`` says otherwise.
    ``fills`` are a list of :class:`Fill`, or :class:`RowFills` for a
    record sheet.
    ``notes`` maps a zero-based ``(row, col)`` to the text of a cell note.
    ``formats`` maps a zero-based column to an Excel number format.
    ``wrap`` lists zero-based columns of long text, wrapped within the width.
    """

    name: str
    rows: list[list[PlanValue]]
    fills: list[Fill] | RowFills = field(default_factory=list)
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


def value_color(confidence: float, source: str) -> str:
    """The fill color of a field value: its confidence band's, or blue for a
    value derived from others of its row with high confidence."""
    if source == "derived" and confidence >= HIGH_CONFIDENCE:
        return DERIVED_COLOR
    return band_color(confidence)


def build_plan(report: Report) -> list[SheetPlan]:
    """Plan every result sheet of a report, in the order they are written."""
    plans = [
        _record_sheet("Loads", Load, report.pieces("load")),
        _record_sheet("Cables", Cable, report.pieces("cable")),
        _record_sheet("Buses", Bus, report.pieces("bus")),
        sheets_sheet(report),
        mapping_sheet(report),
        findings_sheet(report.findings),
        performance_sheet(report),
        legend_sheet(),
    ]
    return [part for plan in plans for part in fit_to_sheets(plan, SHEET_ROWS)]


SHEET_ROWS = MAX_ROWS
"""The rows a result sheet takes before the next one of its kind."""


def fit_to_sheets(plan: SheetPlan, max_rows: int) -> list[SheetPlan]:
    """The plan in worksheets of at most ``max_rows`` rows: the rows a sheet
    cannot hold go on to "Loads 2", "Loads 3" and so on, each under the
    header row again, with their fills and notes."""
    if len(plan.rows) <= max_rows:
        return [plan]
    per_part = max_rows - 1
    starts = range(1, len(plan.rows), per_part)
    all_fills = RowFills.of(plan.fills)
    fills = [all_fills.part(start, start + per_part) for start in starts]

    notes: list[dict[tuple[int, int], str]] = [{} for _ in starts]
    for (row, col), text in plan.notes.items():
        if row == 0:  # the header's notes, on every part's header
            for part_notes in notes:
                part_notes[0, col] = text
            continue
        part, r = _part_of(row, per_part)
        notes[part][r, col] = text
    return [
        replace(plan, name=plan.name if n == 0 else f"{plan.name} {n + 1}",
                rows=[plan.rows[0], *plan.rows[start:start + per_part]],
                fills=fills[n], notes=notes[n], bold_rows=[0])
        for n, start in enumerate(starts)
    ]


def _part_of(row: int, per_part: int) -> tuple[int, int]:
    """The part a row below the header goes to, and its row there."""
    return (row - 1) // per_part, (row - 1) % per_part + 1


def record_sheet(
    name: str, record_type: type[Record], records: Sequence[Record]
) -> SheetPlan:
    """One row per record: where it is, its confidence, its fields, its source.

    A field's value goes in its own column, filled by the field's confidence
    band, with a note holding the source cell, the raw text and the notes.
    Fields that were not filled stay empty and unfilled. On a sheet of more
    than ``MAX_NOTES`` values only the values worth a look (doubtful,
    converted, derived or corrected) get a note, at most ``NOTE_LIMIT``, the
    doubtful first: notes are costly to write and to open, and the JSON
    report keeps every source cell.
    """
    return _record_sheet(name, record_type, [list(records)])


def _record_sheet(
    name: str, record_type: type[Record], pieces: Sequence[RecordBlock | list[Record]]
) -> SheetPlan:
    """``record_sheet`` of records as a report keeps them: blocks, read by
    column with a field value made only for a note, and lists of records."""
    names = record_type.field_names()
    values = sum(_values_in(piece, names) for piece in pieces)
    sheet = _RecordRows(names, every_note=values <= MAX_NOTES)
    for piece in pieces:
        if isinstance(piece, RecordBlock):
            sheet.add_block(piece)
        else:
            sheet.add_records(piece)
    return _table(name, sheet.rows, sheet.fills, sheet.notes(), formats={2: "0.00"})


def _values_in(piece: RecordBlock | list[Record], names: list[str]) -> int:
    """How many field values a piece of a report's records holds."""
    if isinstance(piece, RecordBlock):
        columns = [piece.fields[n].values for n in names if n in piece.fields]
        return sum(len(values) - values.count(None) for values in columns)
    return sum(len(record.fields()) for record in piece)


class _RecordRows:
    """The rows, fills and noted values of a record sheet, record by record.

    With ``every_note`` false (a sheet of more than ``MAX_NOTES`` values),
    only the values worth a look are kept for a note, at most
    ``NOTE_LIMIT``: the doubtful ones first, then the others in order."""

    def __init__(self, names: list[str], every_note: bool = True) -> None:
        self.names = names
        self.every_note = every_note
        self.rows: list[list[PlanValue]] = [
            ["Sheet", "Row", "Confidence", *names, "Source"]
        ]
        self.fills = RowFills([()])
        self.filled: list[tuple[int, int, FieldValue | _BlockField]] = []
        self.doubtful: list[tuple[int, int, FieldValue | _BlockField]] = []
        # derived values by column: how many, and how they were worked out
        self.derived: dict[int, int] = {}
        self.hows: dict[int, dict[str, None]] = {}
        self._how_of: dict[tuple[str, ...], str] = {}

    def _derived(self, c: int, notes: Sequence[str]) -> None:
        """Count a derived value of column ``c`` and keep how it was made:
        its notes without the cells they name, worked out once for notes
        that differ only in their numbers (the rows of their cells)."""
        self.derived[c] = self.derived.get(c, 0) + 1
        key = tuple(note.translate(_NO_DIGITS) for note in notes)
        how = self._how_of.get(key)
        if how is None:
            how = self._how_of[key] = "; ".join(
                _CELL_REF.sub("", note.on(0) if type(note) is RowNote else note)
                for note in notes) or "derived"
        hows = self.hows.setdefault(c, {})
        if len(hows) < HOWS_SHOWN + 1:
            hows[how] = None

    def _note(self, r: int, c: int, field: FieldValue | _BlockField) -> None:
        if self.every_note:
            self.filled.append((r, c, field))
            return
        look = _worth_a_look(field)
        kept = self.doubtful if look == DOUBTFUL else self.filled if look else None
        if kept is not None and len(kept) < NOTE_LIMIT:
            kept.append((r, c, field))

    def add_records(self, records: Sequence[Record]) -> None:
        for record in records:
            r = len(self.rows)
            row: list[PlanValue] = [record.sheet, record.row, record.confidence]
            colors: list[str | None] = [None, None, band_color(record.confidence)]
            for c, field_name in enumerate(self.names, start=3):
                fv = getattr(record, field_name)
                row.append(None if fv is None else fv.value)
                colors.append(None if fv is None
                              else value_color(fv.confidence, fv.source))
                if fv is not None:
                    self._note(r, c, fv)
                    if fv.source == "derived":
                        self._derived(c, fv.notes)
            row.append(record_source(record))
            self.rows.append(row)
            self.fills.add(_trimmed(colors))

    def add_block(self, block: RecordBlock) -> None:
        columns = [(name, column, list(column.confidences),
                    _derived_flags(column.sources, len(block)))
                   for name, column in zip(self.names, map(block.fields.get,
                                                           self.names))
                   if column is not None]
        places = {name: c for c, name in enumerate(self.names, start=3)}
        colors: dict[tuple[float, bool], str] = {}  # a block's confidences are a few
        for i, sheet_row in enumerate(block.rows):
            r = len(self.rows)
            confidence = block.confidences[i] if block.confidences else 0.0
            row: list[PlanValue] = [block.sheet, sheet_row, confidence]
            row += [None] * len(self.names)
            row_colors: list[str | None] = [None] * len(row)
            row_colors[2] = band_color(confidence)
            source = None
            for field_name, column, confidences, flags in columns:
                value = column.values[i]
                if value is None:
                    continue
                c = places[field_name]
                row[c] = value
                derived = flags[i]
                look = (confidences[i], derived)
                color = colors.get(look)
                if color is None:
                    color = colors[look] = value_color(
                        confidences[i], "derived" if derived else "cell")
                row_colors[c] = color
                self._note(r, c, _BlockField(block, column, field_name, i))
                if derived:
                    self._derived(c, column.notes[i])
                source = source or block.cell(column, i)
            row.append(source or f"{block.sheet}!A{sheet_row}")
            self.rows.append(row)
            self.fills.add(_trimmed(row_colors))

    def notes(self) -> dict[tuple[int, int], str]:
        """The header's notes on derived values, then the values' notes."""
        others = self.filled[:max(0, NOTE_LIMIT - len(self.doubtful))] \
            if self.doubtful else self.filled
        notes = {(0, c): self._header_note(c) for c in sorted(self.derived)}
        notes.update(((r, c), field_note(_value(field)))
                     for r, c, field in sorted([*self.doubtful, *others],
                                               key=itemgetter(0, 1)))
        return notes

    def _header_note(self, c: int) -> str:
        count = self.derived[c]
        values = "1 value" if count == 1 else f"{count:,} values"
        hows = list(self.hows[c])
        lines = [f"{values} derived from other values of their row (blue where "
                 "the confidence is high):", *hows[:HOWS_SHOWN]]
        if len(hows) > HOWS_SHOWN:
            lines.append("and others (each value's note, or the JSON report, "
                         "says how)")
        return "\n".join(lines)


HOWS_SHOWN = 3  # the ways a column's values were derived that its header note gives
# a cell a note names, "(Load List!F7)", left out of a header note
_NO_DIGITS = str.maketrans("", "", "0123456789")
_CELL_REF = re.compile(r"\s*\((?:'[^']*'|[^()!']*)![A-Z]{1,3}\d+\)")


def _derived_flags(sources: str | list[str], n: int) -> Sequence[bool]:
    """Whether each of ``n`` values of a column with these sources is derived."""
    if isinstance(sources, str):
        return Repeated(sources == "derived", n)
    return [source == "derived" for source in sources]


def _trimmed(colors: list[str | None]) -> list[str | None]:
    """A row's colors without the unfilled cells at its end."""
    while colors and colors[-1] is None:
        colors.pop()
    return colors


class _BlockField(NamedTuple):
    """A field of a block's record, its value made only when asked for."""

    block: RecordBlock
    column: FieldColumn
    name: str
    i: int

    def value(self) -> FieldValue:
        fv = self.block.field_value(self.name, self.i)
        assert fv is not None
        return fv


def _value(field: FieldValue | _BlockField) -> FieldValue:
    return field.value() if isinstance(field, _BlockField) else field


MAX_NOTES = 2_000
DOUBTFUL, CHANGED = 2, 1


def _worth_a_look(field: FieldValue | _BlockField) -> int:
    """DOUBTFUL for a value of less than high confidence, CHANGED for one
    converted, derived or corrected, else 0 (read from its column for a
    block's value, which is not made for it)."""
    if isinstance(field, FieldValue):
        confidence, source, notes = field.confidence, field.source, field.notes
    else:
        column, i = field.column, field.i
        sources = column.sources
        source = sources if isinstance(sources, str) else sources[i]
        confidence, notes = column.confidences[i], column.notes[i]
    if confidence < HIGH_CONFIDENCE:
        return DOUBTFUL
    if source == "derived":
        return 0  # blue, and its column header's note says how
    return CHANGED if source != "cell" or notes else 0


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
            _header_rows(sheet.header_rows),
            sheet.loads, sheet.cables, sheet.buses,
            "; ".join(sheet.evidence), sheet.seconds,
        ])
        fills.append(Fill(r, 2, band_color(sheet.confidence)))
    return _table("Sheets", rows, fills, formats={2: "0.00", 10: "0.000"})


def _header_rows(rows: list[int]) -> PlanValue:
    """A sheet's header rows: a number for one table (so that a spreadsheet
    sees no number stored as text), a list in text for several."""
    if len(rows) == 1:
        return rows[0]
    return ", ".join(map(str, rows)) or None


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
    for r, (text, color) in enumerate(LEGEND_LINES, start=1):
        rows.append([text] if text else [])
        if color is not None:
            fills.append(Fill(r, 0, color))
    return SheetPlan("Legend", rows, fills, column_widths=[90.0], freeze=None)


def column_widths(rows: Sequence[Sequence[PlanValue]]) -> list[float]:
    """A width per column from its longest text, kept between 8 and 60."""
    widths = []
    for column in zip_longest(*rows):
        # columns repeat their values: each is measured once (by type too,
        # as True and 1 are equal but not written alike)
        values = {(type(v), v) for v in column if v is not None}
        longest = max((_text_width(v) for _, v in values), default=0)
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, float(longest + 2))))
    return widths


def _text_width(value: PlanValue) -> int:
    """How many characters the longest line of a value takes."""
    text = value if type(value) is str else _display(value)
    if text.isprintable():  # one line
        return len(text)
    return max((len(line) for line in text.splitlines()), default=0)


def _display(value: PlanValue) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return str(value)


def _table(
    name: str,
    rows: list[list[PlanValue]],
    fills: list[Fill] | RowFills,
    notes: dict[tuple[int, int], str] | None = None,
    formats: dict[int, str] | None = None,
) -> SheetPlan:
    return SheetPlan(
        name, rows, fills, column_widths(rows), freeze="A2",
        notes=notes or {}, formats=formats or {},
    )

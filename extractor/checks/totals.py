"""Totals rows against the values extracted above them, and derating columns.

``collect_totals`` runs on one table after its records are built. For each
totals row and each additive column (powers, currents, lengths, quantities,
and the per-phase power columns) that holds a number of the column's kind
on that row, it notes the total and the extracted values it covers:

* a **subtotal** ("Sub-total", "Sous-total") covers the rows since the last
  section heading or totals row;
* a **grand total** ("Grand total") covers every row above it in the table,
  back to an earlier grand total;
* a plain **total** is a subtotal when a section heading opened its rows
  and a grand total when subtotals came before it; when the other reading
  makes more of its columns add up, that reading is taken. A plain total
  right under a single other total, with no rows of its own ("Total of the
  building" under "Total"), may count more than the table and is not
  checked.

Spare rows inside the range count as covered: a number on them that no
record took is named in the finding, as the likely cause of a difference.
Under a header merged across the two halves of a panel schedule, the total
adds both halves, so the other half's numbers are counted too.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass

from .. import values as V
from ..build import parse_field
from ..grid import SheetGrid, a1, is_blank
from ..mapping import TableMapping
from ..blocks import RecordBlock
from ..records import Record
from ..report import Finding, Report
from ..tables import Column, Row, Table, is_placeholder
from .electrical import fmt
from .registry import Context, Rule, register

UNITS = {"rated_power_kw": "kW", "rated_power_kva": "kVA", "current_a": "A",
         "length_m": "m", "quantity": ""}
_DIMENSION = {"rated_power_kw": "power", "rated_power_kva": "apparent_power",
              "current_a": "current", "length_m": "length", "quantity": "count"}
ADDITIVE = tuple(_DIMENSION)
_SUB = re.compile(r"^\s*(sub[\s-]?total|sous[\s-]?total|zwischensumme)", re.I)
_GRAND = re.compile(r"^\s*(grand\s+total|total\s+g[eé]n[eé]ral|gesamtsumme)", re.I)
_DERATING = re.compile(r"derat|correction factor|grouping factor|rating factor|"
                       r"reduction factor|total factor|\bk\s*total\b|\bcf\b", re.I)
_OVERALL = re.compile(r"overall|total|combined|resultant|net\b", re.I)


@dataclass(slots=True)
class TotalRow:
    """One total of one column, and the extracted values it should equal."""

    sheet: str
    row: int
    """1-based row of the totals row."""
    cell: str
    """Sheet!A1 of the total."""
    record: str
    field: str
    column: str
    """The column's header text."""
    value: float
    """The total as written, in the field's unit."""
    scope: str
    """subtotal, grand total or total (the only one of its table)."""
    rows: list[int] = dataclasses.field(default_factory=list)
    """1-based data and spare rows the total covers."""
    parts: list[tuple[str, float]] = dataclasses.field(default_factory=list)
    """The extracted values it should equal, by cell."""
    missing: list[str] = dataclasses.field(default_factory=list)
    """Cells in the range with a number that no record took."""
    quantities: list[float] = dataclasses.field(default_factory=list)
    """The quantity of the record of each part (1 where none is given)."""

    @property
    def extracted(self) -> float:
        """The sum of the extracted values the total covers."""
        return sum(v for _, v in self.parts)

    @property
    def extracted_by_quantity(self) -> float:
        """The same sum with each value counted as many times as its quantity."""
        return sum(v * q for (_, v), q in zip(self.parts, self.quantities))

    def matches(self, relative: float = 0.001, absolute: float = 0.001) -> bool:
        """Equal within the larger of ``absolute`` and ``relative`` x total,
        summed once per row or once per unit of a quantity column."""
        allowed = max(absolute, relative * abs(self.value))
        return any(abs(self.value - s) <= allowed
                   for s in (self.extracted, self.extracted_by_quantity))


@dataclass(frozen=True, slots=True)
class Derating:
    """A derating (correction) factor written on a cable's row."""

    sheet: str
    row: int
    cell: str
    factor: float


@dataclass(slots=True)
class _Column:
    record: str
    field: str
    column: Column
    unit: str | None
    phase: bool = False
    others: tuple[int, ...] = ()


@dataclass(slots=True)
class _Reading:
    row: Row
    scope: str
    covers: list[int]
    other: tuple[str, list[int]] | None = None


def collect_totals(table: Table, grid: SheetGrid, mapping: TableMapping,
                   records: list[Record]) -> list[TotalRow]:
    """Every total of every additive column of the table's totals rows."""
    by_row = {(r.kind, r.row): r for r in records if r.sheet == table.sheet}
    columns = _columns(table, grid, mapping)
    out: list[TotalRow] = []
    for reading in _readings(table):
        chosen = _totals(table, grid, reading.row, reading.scope, reading.covers,
                         columns, by_row)
        if reading.other is not None:
            scope, covers = reading.other
            alt = _totals(table, grid, reading.row, scope, covers, columns, by_row)
            if sum(t.matches() for t in alt) > sum(t.matches() for t in chosen):
                chosen = alt
        out.extend(chosen)
    return out


def _columns(table: Table, grid: SheetGrid, mapping: TableMapping) -> list[_Column]:
    out = [_Column(rec, name, cand.column, cand.column.unit)
           for (rec, name), cand in mapping.fields.items() if name in ADDITIVE]
    for group in mapping.phase_groups:
        out.extend(_Column(group.record, group.field, col, col.unit or group.unit,
                           phase=True) for col in group.columns)
    own = {c.index for c in table.columns}
    for col in out:
        col.others = _merged_partners(grid, table, col.column.index, own)
    return sorted(out, key=lambda c: c.column.index)


def _merged_partners(grid: SheetGrid, table: Table, index: int,
                     own: set[int]) -> tuple[int, ...]:
    """Columns of another table under the same merged header as ``index``."""
    for m in grid.merged:
        in_header = any(m.first_row <= r <= m.last_row for r in table.header_rows)
        if in_header and m.first_col <= index <= m.last_col < m.first_col + 8:
            return tuple(c for c in range(m.first_col, m.last_col + 1)
                         if c != index and c not in own)
    return ()


def _readings(table: Table) -> Iterator[_Reading]:
    """Each totals row with the rows it covers (see the module docstring)."""
    segment: list[int] = []
    above: list[int] = []
    opened_by_section, totals_since_grand = False, 0
    for row in table.rows:
        if row.role == "section":
            segment, opened_by_section = [], True
        elif row.role in ("data", "spare"):
            segment.append(row.index)
            above.append(row.index)
        elif row.role == "total":
            reading = _reading(row, segment, above, opened_by_section,
                               totals_since_grand)
            if reading is not None:
                yield reading
            totals_since_grand += 1
            if _GRAND.match(row.label or ""):
                above, totals_since_grand = [], 0
            segment, opened_by_section = [], False


def _reading(row: Row, segment: list[int], above: list[int],
             opened_by_section: bool, earlier: int) -> _Reading | None:
    label = row.label or ""
    if _SUB.match(label):
        return _Reading(row, "subtotal", list(segment))
    if _GRAND.match(label):
        return _Reading(row, "grand total", list(above))
    if opened_by_section:
        return _Reading(row, "subtotal", list(segment), ("grand total", list(above)))
    if earlier == 0:
        return _Reading(row, "total", list(above))
    if earlier == 1 and not segment:
        return None
    return _Reading(row, "grand total", list(above), ("subtotal", list(segment)))


def _totals(table: Table, grid: SheetGrid, row: Row, scope: str,
            covers: list[int], columns: list[_Column], by_row: dict) -> list[TotalRow]:
    out = []
    for col in columns:
        total = _total(table, grid, row, scope, covers, col, by_row)
        if total is not None:
            out.append(total)
    return out


def _total(table: Table, grid: SheetGrid, row: Row, scope: str, covers: list[int],
           col: _Column, by_row: dict) -> TotalRow | None:
    value = _number(grid.value(row.index, col.column.index), col)
    if value is None:
        return None
    total = TotalRow(table.sheet, row.index + 1,
                     f"{table.sheet}!{a1(row.index, col.column.index)}", col.record,
                     col.field, col.column.header, value, scope,
                     rows=[r + 1 for r in covers])
    for r in covers:
        _cover(total, grid, r, col, by_row.get((col.record, r + 1)))
        _cover_partners(total, grid, r, col)
    if not total.parts and not total.missing and value == 0:
        return None
    return total


def _cover(total: TotalRow, grid: SheetGrid, r: int, col: _Column,
           record: Record | None) -> None:
    """Add row ``r``'s extracted value, or note a number no record took."""
    cell = f"{total.sheet}!{a1(r, col.column.index)}"
    written = _number(grid.value(r, col.column.index), col)
    if record is not None and col.phase and written is not None:
        total.parts.append((cell, written))
        total.quantities.append(_quantity(record, col))
        return
    fv = getattr(record, col.field, None) if record is not None else None
    if fv is not None and fv.cell == cell and _is_number(fv.value):
        total.parts.append((cell, float(fv.value)))
        total.quantities.append(_quantity(record, col))
    elif written is not None and written != 0:
        total.missing.append(cell)


def _quantity(record: Record | None, col: _Column) -> float:
    """How many identical units the record's row stands for."""
    if record is None or col.field == "quantity":
        return 1.0
    qty = record.get("quantity")
    return float(qty) if _is_number(qty) and qty > 0 else 1.0


def _cover_partners(total: TotalRow, grid: SheetGrid, r: int, col: _Column) -> None:
    for c in col.others:
        written = _number(grid.value(r, c), col)
        if written is not None:
            total.parts.append((f"{total.sheet}!{a1(r, c)}", written))
            total.quantities.append(1.0)


def _number(value, col: _Column) -> float | None:
    """The cell as a number of the column's kind (not "5 A" under kVA)."""
    if is_blank(value) or V.is_empty(value) or is_placeholder(value):
        return None
    if col.phase:
        dim = _DIMENSION[col.field]
        parsed = V.parse_quantity(value, dim, col.unit)
    else:
        parsed = parse_field(col.field, value, col.unit)
    if not parsed.ok or not _is_number(parsed.value):
        return None
    if parsed.dimension not in (None, _DIMENSION[col.field]):
        return None
    return float(parsed.value)  # type: ignore[arg-type]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def collect_derating(table: Table, grid: SheetGrid, mapping: TableMapping,
                     records: list[Record] | RecordBlock) -> list[Derating]:
    """The derating factor written on each cable's row, if the table has one."""
    col = _derating_column(table, mapping)
    if col is None:
        return []
    if isinstance(records, RecordBlock):
        rows = records.rows if records.kind == "cable" else []
    else:
        rows = [rec.row for rec in records
                if rec.kind == "cable" and rec.sheet == table.sheet]
    out = []
    for row in rows:
        factor = _factor(grid.value(row - 1, col))
        if factor is not None:
            cell = f"{table.sheet}!{a1(row - 1, col)}"
            out.append(Derating(table.sheet, row, cell, factor))
    return out


def _derating_column(table: Table, mapping: TableMapping) -> int | None:
    """The overall derating column; a single partial one (K1) only if alone."""
    used = {c.column.index for c in mapping.fields.values()}
    columns = [c for c in table.columns
               if c.index not in used and _DERATING.search(c.header)]
    overall = [c for c in columns if _OVERALL.search(c.header)]
    if overall:
        return overall[0].index
    return columns[0].index if len(columns) == 1 else None


def _factor(value) -> float | None:
    """A factor as a fraction: 0.8, or 80 % -> 0.8; None if not one."""
    parsed = V.parse_number(value)
    if not parsed.ok or not _is_number(parsed.value):
        return None
    factor = float(parsed.value) / (100 if parsed.unit == "%" else 1)  # type: ignore
    return factor if 0 < factor <= 1.5 else None


@register
class TotalsRule(Rule):
    id = "totals"
    severity = "warning"
    explanation = ("Where a table has a totals row, the extracted values of the "
                   "rows it covers add up to it.")

    def check(self, report: Report, context: Context) -> list[Finding]:
        settings = context.settings
        return [self._mismatch(t) for t in context.totals
                if not t.matches(settings.totals_relative_tolerance,
                                 settings.totals_absolute_tolerance)]

    def _mismatch(self, t: TotalRow) -> Finding:
        unit = f" {UNITS.get(t.field, '')}".rstrip()
        span = f"rows {t.rows[0]}-{t.rows[-1]}" if t.rows else "no rows"
        hint = (f"; {', '.join(t.missing)} hold numbers no record took"
                if t.missing else "")
        return Finding(
            rule=self.id, severity=self.severity, cell=t.cell, record=None,
            field=t.field,
            message=f"the {t.scope} {fmt(t.value)}{unit} of {t.column!r} "
            f"({span}) differs from the sum of the {len(t.parts)} extracted "
            f"values, {fmt(t.extracted)}{unit} (difference "
            f"{fmt(t.value - t.extracted)}{unit}){hint}",
            suggestion="look for rows the extraction skipped or read wrongly, "
            "or a total in the sheet that misses rows")

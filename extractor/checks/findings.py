"""Findings back onto the records: the cells involved lose confidence.

A field a finding names keeps its value; its confidence is capped (0.3 for
an error, 0.55 for a warning, unchanged for information) so that the
result sheets colour it, and a note says which rule found what.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Union

from ..blocks import FieldColumn, RecordBlock
from ..records import RECORD_TYPES, FieldValue, Record, _own_fields, label_of
from ..report import Finding, Report

CONFIDENCE_CAP = {"error": 0.3, "warning": 0.55}


def apply_findings(report: Report, findings: list[Finding] | None = None) -> None:
    """Mark the fields of ``findings`` (default: all of the report's)."""
    touched: dict[int, Record] = {}
    index = _FieldIndex(report)
    for finding in report.findings if findings is None else findings:
        for target in _targets(index, finding):
            if isinstance(target, _InBlock):
                target.mark(finding)
                continue
            record, fv = target
            _mark(fv, finding)
            touched[id(record)] = record
    for record in touched.values():
        record.confidence = record_confidence(record)
    for kind in ("load", "cable", "bus"):
        for block in report.blocks(kind):
            if not block.settled:
                block.confidences = block_confidences(block)
                block.settled = True
            elif block.touched:
                order = _own_fields(RECORD_TYPES[block.kind])
                for i in block.touched:
                    block.confidences[i] = block.record_confidence(i, order)
            block.touched.clear()


def record_confidence(record: Record) -> float:
    """The mean confidence of the record's fields, as records are built."""
    confs = [fv.confidence for fv in record.fields().values()]
    return round(sum(confs) / len(confs), 3) if confs else 0.0


def block_confidences(block: RecordBlock) -> list[float]:
    """:func:`record_confidence` of every record of a block."""
    return block.record_confidences(order=_own_fields(RECORD_TYPES[block.kind]))


def _mark(fv: FieldValue, finding: Finding) -> None:
    cap = CONFIDENCE_CAP.get(finding.severity)
    if cap is not None:
        fv.confidence = min(fv.confidence, cap)
    note = f"{finding.severity} {finding.rule}: {finding.message}"
    if note not in fv.notes:
        fv.notes.append(note)


class _InBlock:
    """A field of one record of a block."""

    __slots__ = ("block", "name", "i")

    def __init__(self, block: RecordBlock, name: str, i: int) -> None:
        self.block, self.name, self.i = block, name, i

    def label(self) -> str:
        """As :meth:`Record.label`, from the block's columns."""
        block, i = self.block, self.i
        tag, description = (None if values is None else values[i] for values
                            in map(block.values, ("tag", "description")))
        return label_of(tag, description, block.sheet, block.rows[i])

    def mark(self, finding: Finding) -> None:
        """As :func:`_mark`, in the block."""
        confidence = self.block.fields[self.name].confidences[self.i]
        cap = CONFIDENCE_CAP.get(finding.severity)
        if cap is not None:
            confidence = min(confidence, cap)
        note = f"{finding.severity} {finding.rule}: {finding.message}"
        self.block.mark(self.name, self.i, confidence, note)


Target = Union[tuple[Record, FieldValue], _InBlock]


class _FieldIndex:
    """Each field name's filled fields by cell and by record label.

    Built once per field name, so that marking many findings on many
    records does not scan every record for every finding. Marking changes
    only confidences and notes, never a cell or a label, so it stays true.
    A block's fields are found from the cell's row, not listed one by one.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self.pieces = [p for kind in ("load", "cable", "bus")
                       for p in report.pieces(kind)]
        self._by_cell: dict[str, dict[str | None, list]] = {}
        self._by_label: dict[str, dict[str, list]] = {}
        self._rows: dict[int, dict[int, int]] = {}
        self._cells: dict[int, dict[str, list[int]]] = {}

    def at_cell(self, name: str, cell: str) -> list[Target]:
        out: list[Target] = []
        for piece in self.pieces:
            if isinstance(piece, RecordBlock):
                out += self._block_at(piece, name, cell)
            else:
                out += self._records_by_cell(name).get(cell, [])
        return out

    def with_label(self, name: str, label: str) -> list[Target]:
        if name not in self._by_label:
            by_label: dict[str, list] = {}
            for piece in self.pieces:
                if isinstance(piece, RecordBlock):
                    values = piece.values(name) or []
                    for i, value in enumerate(values):
                        if value is not None:
                            target = _InBlock(piece, name, i)
                            by_label.setdefault(target.label(), []).append(target)
                    continue
                for rec in piece:
                    fv = getattr(rec, name, None)
                    if fv is not None:
                        by_label.setdefault(rec.label(), []).append((rec, fv))
            self._by_label[name] = by_label
        return self._by_label[name].get(label, [])

    def _records_by_cell(self, name: str) -> dict[str | None, list]:
        if name not in self._by_cell:
            by_cell: dict[str | None, list] = {}
            for piece in self.pieces:
                if isinstance(piece, RecordBlock):
                    continue
                for rec in piece:
                    fv = getattr(rec, name, None)
                    if fv is not None:
                        by_cell.setdefault(fv.cell, []).append((rec, fv))
            self._by_cell[name] = by_cell
        return self._by_cell[name]

    def _block_at(self, block: RecordBlock, name: str, cell: str) -> list[Target]:
        column = block.fields.get(name)
        if column is None:
            return []
        if isinstance(column.cells, str):
            sheet, _, where = cell.rpartition("!")
            if sheet != block.sheet or not where.startswith(column.cells):
                return []
            digits = where[len(column.cells):]
            if not digits.isdigit():
                return []
            i = self._row_index(block).get(int(digits))
            hit = i is not None and column.values[i] is not None
            return [_InBlock(block, name, i)] if hit else []  # type: ignore[arg-type]
        if column.cells is None:
            return []
        at = self._cell_index(column).get(cell, ())
        return [_InBlock(block, name, i) for i in at]

    def _cell_index(self, column: FieldColumn) -> dict[str, list[int]]:
        """The records of a column whose cells are listed one by one, by
        cell, for those with a value."""
        if id(column) not in self._cells:
            by_cell: dict[str, list[int]] = {}
            for i, (value, at) in enumerate(zip(column.values, column.cells)):
                if value is not None:
                    by_cell.setdefault(at, []).append(i)
            self._cells[id(column)] = by_cell
        return self._cells[id(column)]

    def _row_index(self, block: RecordBlock) -> dict[int, int]:
        if id(block) not in self._rows:
            self._rows[id(block)] = {row: i for i, row in enumerate(block.rows)}
        return self._rows[id(block)]


def _label(target: Target) -> str:
    return target.label() if isinstance(target, _InBlock) else target[0].label()


def _targets(index: _FieldIndex, finding: Finding) -> Iterator[Target]:
    """The field a finding is about: same field and cell, or same record."""
    if finding.field is None:
        return
    at_cell = index.at_cell(finding.field, finding.cell) \
        if finding.cell is not None else []
    if at_cell:
        named = [t for t in at_cell if _label(t) == finding.record]
        yield from named or at_cell
        return
    if finding.cell is None and finding.record is not None:
        yield from index.with_label(finding.field, finding.record)

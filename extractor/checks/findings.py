"""Findings back onto the records: the cells involved lose confidence.

A field a finding names keeps its value; its confidence is capped (0.3 for
an error, 0.55 for a warning, unchanged for information) so that the
result sheets colour it, and a note says which rule found what.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..records import FieldValue, Record
from ..report import Finding, Report

CONFIDENCE_CAP = {"error": 0.3, "warning": 0.55}


def apply_findings(report: Report, findings: list[Finding] | None = None) -> None:
    """Mark the fields of ``findings`` (default: all of the report's)."""
    touched: dict[int, Record] = {}
    index = _FieldIndex(report)
    for finding in report.findings if findings is None else findings:
        for record, fv in _targets(index, finding):
            _mark(fv, finding)
            touched[id(record)] = record
    for record in touched.values():
        record.confidence = record_confidence(record)


def record_confidence(record: Record) -> float:
    """The mean confidence of the record's fields, as records are built."""
    confs = [fv.confidence for fv in record.fields().values()]
    return round(sum(confs) / len(confs), 3) if confs else 0.0


def _mark(fv: FieldValue, finding: Finding) -> None:
    cap = CONFIDENCE_CAP.get(finding.severity)
    if cap is not None:
        fv.confidence = min(fv.confidence, cap)
    note = f"{finding.severity} {finding.rule}: {finding.message}"
    if note not in fv.notes:
        fv.notes.append(note)


class _FieldIndex:
    """Each field name's filled fields by cell and by record label.

    Built once per field name, so that marking many findings on many
    records does not scan every record for every finding. Marking changes
    only confidences and notes, never a cell or a label, so it stays true.
    """

    def __init__(self, report: Report) -> None:
        self.report = report
        self._by_name: dict[str, tuple[dict, dict]] = {}

    def of(self, name: str) -> tuple[dict[str | None, list], dict[str, list]]:
        if name not in self._by_name:
            by_cell: dict[str | None, list] = {}
            by_label: dict[str, list] = {}
            for kind in ("load", "cable", "bus"):
                for rec in self.report.records(kind):
                    fv = getattr(rec, name, None)
                    if fv is not None:
                        by_cell.setdefault(fv.cell, []).append((rec, fv))
                        by_label.setdefault(rec.label(), []).append((rec, fv))
            self._by_name[name] = (by_cell, by_label)
        return self._by_name[name]


def _targets(index: _FieldIndex,
             finding: Finding) -> Iterator[tuple[Record, FieldValue]]:
    """The field a finding is about: same field and cell, or same record."""
    if finding.field is None:
        return
    by_cell, by_label = index.of(finding.field)
    at_cell = by_cell.get(finding.cell, []) if finding.cell is not None else []
    if at_cell:
        named = [(r, f) for r, f in at_cell if r.label() == finding.record]
        yield from named or at_cell
        return
    if finding.cell is None and finding.record is not None:
        yield from by_label.get(finding.record, [])

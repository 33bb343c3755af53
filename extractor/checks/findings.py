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
    for finding in report.findings if findings is None else findings:
        for record, fv in _targets(report, finding):
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


def _targets(report: Report, finding: Finding) -> Iterator[tuple[Record, FieldValue]]:
    """The field a finding is about: same field and cell, or same record."""
    if finding.field is None:
        return
    fields = [(rec, fv) for kind in ("load", "cable", "bus")
              for rec in report.records(kind)
              if (fv := getattr(rec, finding.field, None)) is not None]
    at_cell = [(rec, fv) for rec, fv in fields
               if finding.cell is not None and fv.cell == finding.cell]
    if at_cell:
        named = [(r, f) for r, f in at_cell if r.label() == finding.record]
        yield from named or at_cell
        return
    if finding.cell is None and finding.record is not None:
        yield from ((r, f) for r, f in fields if r.label() == finding.record)

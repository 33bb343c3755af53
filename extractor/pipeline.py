"""The orchestrator: a workbook in, a report out.

read -> tables -> classification -> column mapping -> records -> report.
Each sheet is independent once read.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .build import build_records
from .classify import Evidence, Verdict, classify
from .grid import SheetGrid, WorkbookGrids
from .mapping import TableMapping, assign, candidates
from .overrides import Corrections, apply_columns, apply_kind
from .records import Record
from .report import ColumnMapping, Finding, Performance, Report, SheetResult
from .tables import Table, find_tables
from .vocabulary import Vocabulary, shipped_vocabulary

log = logging.getLogger(__name__)

KIND_ORDER = ("feeder_schedule", "load_schedule", "cable_schedule",
              "bus_schedule", "other")


@dataclass(slots=True)
class Settings:
    """What a user can change about an extraction."""

    vocabulary_files: tuple[Path, ...] = ()
    disabled_classifiers: frozenset[str] = frozenset()
    include_hidden_sheets: bool = False
    sheets: tuple[str, ...] = ()
    corrections: Corrections = field(default_factory=Corrections)

    def vocabulary(self) -> Vocabulary:
        if not self.vocabulary_files:
            return shipped_vocabulary()
        return Vocabulary.load(self.vocabulary_files)


@dataclass(slots=True)
class SheetOutcome:
    """Everything one sheet yields."""

    result: SheetResult
    records: list[Record] = field(default_factory=list)
    mappings: list[ColumnMapping] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    cells: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def extract_file(path: str | Path, settings: Settings | None = None) -> Report:
    """Read a workbook file and extract everything in it."""
    from .sources import read_workbook

    settings = settings or Settings()
    start = time.perf_counter()
    grids = read_workbook(str(path), sheets=list(settings.sheets) or None)
    read_seconds = time.perf_counter() - start
    report = extract_grids(grids, settings)
    report.performance.stages = {"read": round(read_seconds, 4),
                                 **report.performance.stages}
    report.performance.total_seconds = round(time.perf_counter() - start, 4)
    _finish_performance(report)
    return report


def extract_grids(grids: WorkbookGrids, settings: Settings | None = None) -> Report:
    """Extract from sheets already read (a file, or the open workbook)."""
    settings = settings or Settings()
    start = time.perf_counter()
    vocab = settings.vocabulary()
    report = Report(source=grids.path, format=grids.format, version=__version__)
    for note in grids.notes:
        report.findings.append(Finding(rule="source", severity="info", message=note))
    totals: dict[str, float] = {}
    for grid in grids.sheets:
        outcome = process_sheet(grid, vocab, settings)
        _merge(report, outcome)
        for stage, secs in outcome.seconds.items():
            totals[stage] = totals.get(stage, 0.0) + secs
        report.performance.cells += outcome.cells
    report.performance.stages = {k: round(v, 4) for k, v in totals.items()}
    report.performance.total_seconds = round(time.perf_counter() - start, 4)
    report.confidence = _overall(report)
    _finish_performance(report)
    log.info("%s: %d loads, %d cables, %d buses from %d sheets (confidence %.2f)",
             grids.path, len(report.loads), len(report.cables), len(report.buses),
             len(report.sheets), report.confidence)
    return report


def process_sheet(grid: SheetGrid, vocab: Vocabulary,
                  settings: Settings) -> SheetOutcome:
    """Find, classify, map and read every table of one sheet."""
    t0 = time.perf_counter()
    result = SheetResult(name=grid.name, visible=grid.visible)
    outcome = SheetOutcome(result, cells=sum(len(r) for r in grid.rows))
    if not grid.visible and not settings.include_hidden_sheets:
        result.evidence = ["hidden sheet: not extracted"]
        return outcome
    if grid.kind != "worksheet":
        result.evidence = [f"{grid.kind}: no cells to read"]
        return outcome
    tables = find_tables(grid, vocab)
    t1 = time.perf_counter()
    verdicts = []
    for table in tables:
        mapping = candidates(table, grid, vocab)
        if settings.corrections:
            apply_columns(table, mapping, _column_values(grid, table),
                          settings.corrections)
        verdict = classify(Evidence(table, grid, mapping, grid.name.lower()),
                           settings.disabled_classifiers)
        verdict = apply_kind(grid.name, verdict, settings.corrections)
        assign(mapping, verdict.records)
        records = build_records(table, grid, mapping, verdict) if verdict.records else []
        verdicts.append((table, verdict, records))
        outcome.records.extend(records)
        outcome.mappings.extend(_mappings(table, mapping, verdict))
    t2 = time.perf_counter()
    _summarise(result, verdicts)
    outcome.findings.extend(_unreadable(outcome.records))
    outcome.seconds = {"tables": t1 - t0, "map_and_build": t2 - t1}
    result.seconds = round(t2 - t0, 4)
    log.info("sheet %r: %s (%.2f), %d loads, %d cables, %d buses, %.3f s",
             grid.name, result.kind, result.confidence, result.loads, result.cables,
             result.buses, result.seconds)
    return outcome


def _column_values(grid: SheetGrid, table: Table):
    rows = [r.index for r in table.rows if r.role == "data"][:60]
    return lambda col: [v for v in (grid.value(r, col) for r in rows)
                        if v not in (None, "")]


def _summarise(result: SheetResult, verdicts) -> None:
    result.tables = len(verdicts)
    result.header_rows = [t.header_rows[0] + 1 for t, _, _ in verdicts]
    for _, _, records in verdicts:
        for rec in records:
            if rec.kind == "load":
                result.loads += 1
            elif rec.kind == "cable":
                result.cables += 1
            else:
                result.buses += 1
    if not verdicts:
        result.kind, result.confidence = "other", 0.6
        result.evidence = ["no table with a recognisable header"]
        return
    best = max(verdicts, key=lambda v: (len(v[2]), v[1].kind != "other",
                                        v[1].confidence))
    table, verdict = best[0], best[1]
    result.kind = verdict.kind  # type: ignore[assignment]
    result.confidence = round(verdict.confidence, 3)
    where = f"table at row {table.header_rows[0] + 1}"
    result.evidence = [where] + verdict.evidence


def _mappings(table: Table, mapping: TableMapping,
              verdict: Verdict) -> list[ColumnMapping]:
    chosen = {c.column.index: c for c in mapping.fields.values()}
    grouped = {c.index: g for g in mapping.phase_groups for c in g.columns}
    out = []
    for col in table.columns:
        from .grid import column_letter

        row = ColumnMapping(sheet=table.sheet, table=table.index,
                            column=column_letter(col.index), header=col.header,
                            unit=col.unit)
        cand = chosen.get(col.index)
        if cand is not None:
            row.record, row.field, row.method = cand.record, cand.field, cand.method
            row.score, row.confidence = cand.score, cand.confidence
        elif col.index in grouped:
            g = grouped[col.index]
            row.record, row.field, row.method = g.record, g.field, "per-phase"
            row.score = row.confidence = 0.85
        row.alternatives = [
            f"{c.record}.{c.field} ({c.confidence:.2f})"
            for c in mapping.candidates.get(col.index, [])[:3] if c is not cand
        ]
        out.append(row)
    return out


def _unreadable(records: list[Record]) -> list[Finding]:
    out = []
    for rec in records:
        for name, fv in rec.fields().items():
            if any(n.startswith("could not read") for n in fv.notes):
                out.append(Finding(
                    rule="unreadable-value", severity="warning", cell=fv.cell,
                    record=rec.label(), field=name,
                    message=f"{fv.raw!r} cannot be read as {name}; kept as text",
                    suggestion="correct the cell or map the column to another field",
                ))
    return out


def _merge(report: Report, outcome: SheetOutcome) -> None:
    report.sheets.append(outcome.result)
    report.mappings.extend(outcome.mappings)
    report.findings.extend(outcome.findings)
    for rec in outcome.records:
        report.records(rec.kind).append(rec)


def _overall(report: Report) -> float:
    confs = [r.confidence for k in ("load", "cable", "bus") for r in report.records(k)]
    return round(sum(confs) / len(confs), 3) if confs else 0.0


def _finish_performance(report: Report) -> None:
    perf: Performance = report.performance
    n = len(report.loads) + len(report.cables) + len(report.buses)
    if perf.total_seconds > 0:
        perf.records_per_second = round(n / perf.total_seconds, 1)
    try:
        import resource

        usage = resource.getrusage(resource.RUSAGE_SELF)
        perf.peak_memory_mb = round(usage.ru_maxrss / 1024, 1)
        perf.cpu_seconds = round(usage.ru_utime + usage.ru_stime, 3)
    except ImportError:  # pragma: no cover - not on POSIX
        pass

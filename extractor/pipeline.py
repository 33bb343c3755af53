"""The orchestrator: a workbook in, a report out.

read -> tables -> classification -> column mapping -> records -> report.
Each sheet is independent once read.
"""

from __future__ import annotations

import gc
import logging
import queue
import re
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .blocks import FieldColumn, RecordBlock, raw_text
from .build import build_records
from .build_columns import build_blocks
from .checks import (
    CheckSettings,
    Derating,
    TotalRow,
    collect_derating,
    collect_totals,
    run_checks,
    settle,
)
from .classify import Evidence, Verdict, classify
from .grid import SheetGrid, SourceFinding, WorkbookGrids
from .limits import Deadline, Limits, check_deadline, deadline_in_force
from .mapping import TableMapping, assign, candidates, column_samples
from .overrides import Corrections, apply_columns, apply_kind
from .records import RECORD_TYPES, FieldValue, Record, _own_fields
from .report import ColumnMapping, Finding, Performance, Report, SheetResult
from .tables import Table, find_tables
from .vocabulary import Vocabulary, load_vocabulary, user_vocabulary_file

if TYPE_CHECKING:
    from .resources import Usage

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Settings:
    """What a user can change about an extraction."""

    vocabulary_files: tuple[Path, ...] = ()
    disabled_classifiers: frozenset[str] = frozenset()
    include_hidden_sheets: bool = False
    sheets: tuple[str, ...] = ()
    corrections: Corrections = field(default_factory=Corrections)
    checks: CheckSettings = field(default_factory=CheckSettings)
    limits: Limits = field(default_factory=Limits)
    # The user's own vocabulary (what `learn` stored), when there is one;
    # a Path, so that a report cache keys it by its content.
    user_vocabulary: Path | None = field(default_factory=user_vocabulary_file)

    def vocabulary(self) -> Vocabulary:
        """The shipped vocabulary, the user's own file, then the files given."""
        own = (self.user_vocabulary,) if self.user_vocabulary else ()
        return load_vocabulary((*own, *self.vocabulary_files))


@dataclass(slots=True)
class SheetOutcome:
    """Everything one sheet yields."""

    result: SheetResult
    # records in row order; a large plain table's come as one block
    records: list[Record | RecordBlock] = field(default_factory=list)
    mappings: list[ColumnMapping] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    cells: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    totals: list[TotalRow] = field(default_factory=list)
    derating: list[Derating] = field(default_factory=list)


def extract_file(path: str | Path, settings: Settings | None = None, *,
                 n_jobs: int | None = None) -> Report:
    """Read a workbook file and extract everything in it.

    ``n_jobs`` None decides from the workbook's size whether its sheets are
    worth a pool of processes (see :mod:`extractor.parallel`); 1 keeps them
    in this process, more asks for that many processes.
    """
    from .resources import ResourceMonitor

    settings = settings or Settings()
    with ResourceMonitor() as monitor, without_cycle_collection():
        start = time.perf_counter()
        report = _extract_file(Path(path), settings, n_jobs)
        report.performance.total_seconds = round(time.perf_counter() - start, 4)
    _finish_performance(report, monitor.usage)
    _log_report(report)
    return report


def extract_grids(grids: WorkbookGrids, settings: Settings | None = None, *,
                  n_jobs: int | None = None) -> Report:
    """Extract from sheets already read (a file, or the open workbook).

    ``n_jobs`` as for :func:`extract_file`; here the size that decides is
    the number of cells, since the values are already in memory.
    """
    from .parallel import plan, sheets_from_grids
    from .resources import ResourceMonitor

    settings = settings or Settings()
    cells = sum(len(row) for grid in grids.sheets for row in grid.rows)
    choice = plan(sheets=len(grids.sheets), cells=cells, n_jobs=n_jobs)
    with ResourceMonitor() as monitor, without_cycle_collection():
        start = time.perf_counter()
        if choice.parallel:
            outcomes = sheets_from_grids(grids.sheets, settings, choice.n_jobs)
        else:
            outcomes = _process_each(grids.sheets, settings)
        report = _report(grids.path, grids.format, grids.notes, outcomes, settings,
                         grids.findings)
        report.performance.total_seconds = round(time.perf_counter() - start, 4)
    report.performance.parallel = choice.reason
    _finish_performance(report, monitor.usage)
    _log_report(report)
    return report


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Hold off Python's cycle collector while a workbook is extracted.

    An extraction makes millions of objects that live until it ends (the
    cells, then the records) and no cycles among them; the collector would
    walk them all again and again as they are made. Reference counting
    still frees everything as soon as it is let go.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _extract_file(path: Path, settings: Settings, n_jobs: int | None) -> Report:
    """A worker per sheet for large workbooks, this process for the rest."""
    from .parallel import plan, plan_file, sheets_from_file

    layout = plan_file(path, settings.sheets, n_jobs)
    if layout.plan.parallel:
        results = sheets_from_file(path, layout, settings)
        report = _report(str(path), results[0].format,
                         [note for r in results for note in r.notes],
                         [r.outcome for r in results], settings,
                         [f for r in results for f in r.findings])
        report.performance.parallel = layout.plan.reason
        return report

    deadline = Deadline(settings.limits.max_seconds, str(path))
    ahead = _ReadAhead(path, settings)
    vocab = settings.vocabulary()
    outcomes = []
    with deadline_in_force(deadline), ahead:
        for grid in ahead.sheets():
            check_deadline(grid.name)
            outcomes.append(process_sheet(grid, vocab, settings))
    grids = ahead.book
    assert grids is not None
    report = _report(grids.path, grids.format, grids.notes, outcomes, settings,
                     grids.findings)
    report.performance.stages = {"read": round(ahead.seconds, 4),
                                 **report.performance.stages}
    report.performance.parallel = plan(
        sheets=len(outcomes), file_bytes=layout.size, n_jobs=1).reason + (
        "; each sheet worked on while the next is read" if len(outcomes) > 1 else "")
    return report


class _ReadAhead:
    """The sheets of a workbook file, read in a thread of their own.

    calamine parses a sheet without holding Python's lock, so the sheet
    before it is worked on meanwhile: on two cores reading and extracting
    overlap. A sheet is handed over as soon as it is read; an error in
    reading is raised where the sheets are taken; leaving early stops the
    reading.
    """

    def __init__(self, path: Path, settings: Settings) -> None:
        self.path, self.settings = path, settings
        self.book: WorkbookGrids | None = None
        self.seconds = 0.0
        self._queue: queue.Queue = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._read, name="excel-extract read",
                                        daemon=True)

    def __enter__(self) -> _ReadAhead:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        while self._thread.is_alive():  # let a reader waiting to hand over go
            try:
                self._queue.get(timeout=0.05)
            except queue.Empty:
                pass
        self._thread.join()

    def sheets(self) -> Iterator[SheetGrid]:
        while True:
            kind, item = self._queue.get()
            if kind == "sheet":
                yield item
            elif kind == "error":
                raise item
            else:
                self.book = item
                return

    def _read(self) -> None:
        from .sources import read_workbook

        started = time.perf_counter()
        try:
            book = read_workbook(str(self.path), sheets=list(self.settings.sheets)
                                 or None, limits=self.settings.limits,
                                 on_sheet=self._hand_over)
        except _Stopped:
            return
        except BaseException as exc:  # raised again where the sheets are taken
            self._put(("error", exc))
            return
        self.seconds = time.perf_counter() - started
        self._put(("done", book))

    def _hand_over(self, grid: SheetGrid) -> None:
        self._put(("sheet", grid))

    def _put(self, item: tuple) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.05)
                return
            except queue.Full:
                continue
        raise _Stopped


class _Stopped(Exception):
    """The sheets are no longer wanted."""


def _process_each(sheets: list[SheetGrid], settings: Settings,
                  deadline: Deadline | None = None) -> list[SheetOutcome]:
    """Process sheets in this process. The deadline (the time limit of the
    whole extraction) is checked before each sheet."""
    vocab = settings.vocabulary()
    waiting = deque(sheets)
    outcomes = []
    with deadline_in_force(deadline):
        while waiting:
            grid = waiting.popleft()
            check_deadline(grid.name)
            outcomes.append(process_sheet(grid, vocab, settings))
    return outcomes


def _report(source: str, fmt: str, notes: list[str],
            outcomes: list[SheetOutcome], settings: Settings,
            source_findings: list[SourceFinding] | tuple = ()) -> Report:
    """One report from the outcomes of every sheet, in workbook order,
    checked against the engineering rules."""
    report = Report(source=source, format=fmt, version=__version__)
    for note in notes:
        report.findings.append(Finding(rule="source", severity="info", message=note))
    for found in source_findings:
        report.findings.append(Finding(
            rule=found.rule, severity=found.severity,  # type: ignore[arg-type]
            cell=found.cell, message=found.message, suggestion=found.suggestion))
    totals: dict[str, float] = {}
    for outcome in outcomes:
        _merge(report, outcome)
        for stage, secs in outcome.seconds.items():
            totals[stage] = totals.get(stage, 0.0) + secs
        report.performance.cells += outcome.cells
    started = time.perf_counter()
    run_checks(report, settings.checks,
               totals=[t for o in outcomes for t in o.totals],
               derating=[d for o in outcomes for d in o.derating])
    totals["checks"] = time.perf_counter() - started
    report.performance.stages = {k: round(v, 4) for k, v in totals.items()}
    return report


def _log_report(report: Report) -> None:
    log.info("%s: %d loads, %d cables, %d buses from %d sheets (confidence %.2f, "
             "%.2f s, %s)", report.source, report.count("load"),
             report.count("cable"), report.count("bus"), len(report.sheets), report.confidence,
             report.performance.total_seconds, report.performance.parallel)


def process_sheet(grid: SheetGrid, vocab: Vocabulary,
                  settings: Settings) -> SheetOutcome:
    """Find, classify, map and read every table of one sheet."""
    t0 = time.perf_counter()
    result = SheetResult(name=grid.name, visible=grid.visible)
    outcome = SheetOutcome(result, cells=sum(map(len, grid.rows)))
    if not grid.visible and not settings.include_hidden_sheets:
        result.evidence = ["hidden sheet: not extracted"]
        return outcome
    if grid.kind == "results":
        result.evidence = ["a result sheet of excel-extract: not read"]
        return outcome
    if grid.kind != "worksheet":
        result.evidence = [f"{grid.kind}: no cells to read"]
        return outcome
    tables = find_tables(grid, vocab)
    t1 = time.perf_counter()
    verdicts = []
    unreadable: list[Finding] = []
    for table in tables:
        mapping = candidates(table, grid, vocab)
        if settings.corrections:
            apply_columns(table, mapping, column_samples(table, grid),
                          settings.corrections)
        verdict = classify(Evidence(table, grid, mapping, grid.name.lower()),
                           settings.disabled_classifiers)
        verdict = apply_kind(grid.name, verdict, settings.corrections,
                             vocab.sheet_kinds)
        assign(mapping, verdict.records)
        blocks = build_blocks(table, grid, mapping, verdict) if verdict.records \
            else None
        records: list[Record | RecordBlock] = list(
            blocks if blocks is not None else
            build_records(table, grid, mapping, verdict) if verdict.records else [])
        outcome.findings.extend(_units_assumed(table, mapping, records))
        if blocks is not None:
            # a total row needs the records it adds up; most tables have none
            if any(row.role == "total" for row in table.rows):
                outcome.totals += collect_totals(
                    table, grid, mapping, [r for b in blocks for r in b.records()])
            for block in blocks:
                outcome.derating += collect_derating(table, grid, mapping, block)
                settle(block, settings.checks)
        else:
            outcome.totals += collect_totals(table, grid, mapping, records)
            outcome.derating += collect_derating(table, grid, mapping, records)
        verdicts.append((table, verdict, records))
        unreadable += _unreadable(records)
        outcome.records.extend(records)
        outcome.mappings.extend(_mappings(table, mapping, verdict))
        if records:
            outcome.findings.extend(_gaps(table))
    t2 = time.perf_counter()
    _summarise(result, verdicts)
    outcome.findings.extend(unreadable)
    outcome.seconds = {"tables": t1 - t0, "map_and_build": t2 - t1}
    result.seconds = round(t2 - t0, 4)
    log.info("sheet %r: %s (%.2f), %d loads, %d cables, %d buses, %.3f s",
             grid.name, result.kind, result.confidence, result.loads, result.cables,
             result.buses, result.seconds)
    return outcome


def _summarise(result: SheetResult, verdicts) -> None:
    result.tables = len(verdicts)
    result.header_rows = [t.header_rows[0] + 1 for t, _, _ in verdicts]
    for _, _, records in verdicts:
        for rec in records:
            n = len(rec) if isinstance(rec, RecordBlock) else 1
            if rec.kind == "load":
                result.loads += n
            elif rec.kind == "cable":
                result.cables += n
            else:
                result.buses += n
    if not verdicts:
        result.kind, result.confidence = "other", 0.6
        result.evidence = ["no table with a recognisable header"]
        return
    best = max(verdicts, key=lambda v: (_count(v[2]), v[1].kind != "other",
                                        v[1].confidence))
    table, verdict = best[0], best[1]
    result.kind = verdict.kind  # type: ignore[assignment]
    result.confidence = round(verdict.confidence, 3)
    where = f"table at row {table.header_rows[0] + 1}"
    result.evidence = [where] + verdict.evidence


def _count(records: list[Record | RecordBlock]) -> int:
    return sum(len(r) if isinstance(r, RecordBlock) else 1 for r in records)


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


_ASSUMED_UNIT = {"rated_power_kw": "kW", "rated_power_kva": "kVA", "voltage_v": "V",
                 "current_a": "A", "rated_current_a": "A", "length_m": "m",
                 "short_circuit_ka": "kA"}
_OTHER_UNIT = {"kW": "MW", "kVA": "MVA", "V": "kV", "A": "kA", "m": "km", "kA": "A"}
_LETTER = re.compile(r"[^\W\d_]")


ASSUMED_UNIT_CONFIDENCE = 0.75
"""The most confidence a value read in a unit written nowhere keeps: its
cell is amber, to be checked."""


def _units_assumed(table: Table, mapping: TableMapping,
                   records: list[Record | RecordBlock]) -> list[Finding]:
    """A quantity column whose unit is written nowhere (not in its header, a
    units row, a unit column or its cells) is read in the field's unit, and
    the engineer is told so: power-system data often means MW or km. Its
    values keep at most ASSUMED_UNIT_CONFIDENCE, with a note."""
    from .grid import a1, column_letter

    out = []
    for (record, name), cand in mapping.fields.items():
        col = cand.column
        unit = _ASSUMED_UNIT.get(name)
        if unit is None or col.unit or col.index in mapping.unit_columns:
            continue
        if re.search(rf"(?<![^\W\d_]){re.escape(unit)}(?![^\W\d_])", col.header):
            continue  # written in a form the unit reader missed: "(kA/1s)"
        found = _from_column(records, record, name, table.sheet,
                             column_letter(col.index))
        raws = _raws(*found)
        if not raws or any(_LETTER.search(raw) for raw in raws):
            continue
        _cap(*found, f"the column names no unit; read as {unit}")
        out.append(Finding(
            rule="unit-assumed", severity="info",
            cell=f"{table.sheet}!{a1(table.header_rows[-1], col.index)}",
            field=name,
            message=f"{col.header!r} names no unit; its values are read as {unit}",
            suggestion=f"if they are in {_OTHER_UNIT[unit]} or another unit, write "
            f"it in the header, e.g. '{col.header} ({_OTHER_UNIT[unit]})'"))
    return out


def _gaps(table: Table) -> list[Finding]:
    """Data read on below a long run of blank rows: the engineer is told, as
    the rows may have been meant as a table of their own."""
    from .grid import a1

    header = table.header_rows[-1] + 1
    return [Finding(
        rule="table-gap", severity="info",
        cell=f"{table.sheet}!{a1(below, table.columns[0].index)}",
        message=f"rows {first + 1} to {below} are blank, yet row {below + 1} goes "
        f"on in the columns of the table headed at row {header}: read as part of it",
        suggestion="if the rows below the gap are a table of their own, give them "
        "a header row") for first, below in table.gaps]


def _from_column(records: list[Record | RecordBlock], kind: str, name: str,
                 sheet: str, letter: str) -> tuple[list[FieldColumn], list[FieldValue]]:
    """A field's values that come from one column: the block columns that
    hold them, and the field values of records kept one by one."""
    prefix = f"{sheet}!{letter}"
    columns, values = [], []
    for rec in records:
        if rec.kind != kind:
            continue
        if isinstance(rec, RecordBlock):
            column = rec.fields.get(name)
            if column is not None and column.cells == letter:
                columns.append(column)
            continue
        fv = getattr(rec, name, None)
        if fv is not None and (fv.cell or "").rstrip("0123456789") == prefix:
            values.append(fv)
    return columns, values


def _raws(columns: list[FieldColumn], values: list[FieldValue]) -> list[str]:
    """The raw texts of the values of :func:`_from_column`."""
    out = [raw_text(raw) or "" for column in columns
           for value, raw in zip(column.values, column.raws) if value is not None]
    return out + [fv.raw or "" for fv in values]


def _cap(columns: list[FieldColumn], values: list[FieldValue], note: str) -> None:
    """Cap the confidence of the values of :func:`_from_column` at
    ASSUMED_UNIT_CONFIDENCE, with a note."""
    cap = ASSUMED_UNIT_CONFIDENCE
    for column in columns:
        column.confidences = [c if v is None else min(c, cap) for v, c
                              in zip(column.values, column.confidences)]
        column.notes = [n if v is None else (*n, note) for v, n
                        in zip(column.values, column.notes)]
    for fv in values:
        fv.confidence = min(fv.confidence, cap)
        fv.notes.append(note)


def _unreadable(records: list[Record | RecordBlock]) -> list[Finding]:
    """A finding for each value of one table's records that could not be
    read, row by row: on a row, the load's before its cable's, and a
    record's in the order of its fields, however the records are kept."""
    found: list[tuple[int, int, Finding]] = []
    for rec in records:
        rank = _KIND_RANK[rec.kind]
        if isinstance(rec, RecordBlock):
            found += [(row, rank, f) for row, f in _unreadable_in_block(rec)]
            continue
        found += [(rec.row, rank, _unreadable_finding(fv, rec.label(), name))
                  for name, fv in rec.fields().items()
                  if fv.notes and any(n.startswith("could not read") for n in fv.notes)]
    return [f for _, _, f in sorted(found, key=itemgetter(0, 1))]


_KIND_RANK = {"load": 0, "cable": 1, "bus": 2}


def _unreadable_in_block(block: RecordBlock) -> list[tuple[int, Finding]]:
    """As for records, with each finding's sheet row."""
    found = []
    order = {name: k for k, name in enumerate(_own_fields(RECORD_TYPES[block.kind]))}
    for name, column in block.fields.items():
        # the notes of a column are mostly the same few, shared
        unread = {notes for notes in set(map(tuple, column.notes))
                  if any(n.startswith("could not read") for n in notes)}
        if unread:
            found += [(i, order[name], name) for i, notes
                      in enumerate(map(tuple, column.notes)) if notes in unread]
    out = []
    for i, _, name in sorted(found):
        fv = block.field_value(name, i)
        assert fv is not None
        out.append((block.rows[i], _unreadable_finding(fv, block.record(i).label(),
                                                        name)))
    return out


def _unreadable_finding(fv: FieldValue, label: str, name: str) -> Finding:
    return Finding(
        rule="unreadable-value", severity="warning", cell=fv.cell, record=label,
        field=name, message=f"{fv.raw!r} cannot be read as {name}; kept as text",
        suggestion="correct the cell or map the column to another field")


def _merge(report: Report, outcome: SheetOutcome) -> None:
    report.sheets.append(outcome.result)
    report.mappings.extend(outcome.mappings)
    report.findings.extend(outcome.findings)
    for rec in outcome.records:
        if isinstance(rec, RecordBlock):
            report.add(rec.kind, rec)
        else:
            report.add(rec.kind, [rec])


def _finish_performance(report: Report, usage: Usage) -> None:
    """Records per second, CPU time and peak memory of the whole extraction.

    CPU time and peak memory include the worker processes of a parallel run.
    In a parallel run the stage times are summed over the workers.
    """
    perf: Performance = report.performance
    n = sum(report.count(kind) for kind in ("load", "cable", "bus"))
    if perf.total_seconds > 0:
        perf.records_per_second = round(n / perf.total_seconds, 1)
    perf.cpu_seconds = round(usage.cpu_seconds, 3)
    perf.peak_memory_mb = usage.peak_memory_mb

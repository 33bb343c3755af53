"""Sheets of one workbook in parallel, where that pays.

Sheets are independent once read, so a large workbook is split by sheet
over a pool of worker processes (joblib's loky backend). Each worker reads
its own sheet from the file and processes it, and sends back only what the
sheet yields: pickling raw rows to a worker costs as much as the second core
gains. A pool costs a few tenths of a second to start, so small workbooks
stay sequential; :func:`plan` decides from the file size, the number of
cells and the number of sheets, and says why in ``Performance.parallel``.
"""

from __future__ import annotations

import logging
import os
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ExtractError

if TYPE_CHECKING:
    from .grid import SheetGrid, SourceFinding
    from .pipeline import Settings, SheetOutcome

log = logging.getLogger(__name__)

# Below these a pool (0.25-0.45 s to start) costs more than a second core saves.
MIN_PARALLEL_BYTES = 8_000_000
MIN_PARALLEL_CELLS = 1_500_000
# With two cores, reading one sheet at a time already keeps both busy
# (calamine, and the survey of the next sheet beside it): measured on a
# 2-core machine, two workers took 1.1x (10 MB) and 1.6x (50 MB) the time of
# one process, and twice its memory.
MIN_PARALLEL_CORES = 4
MB = 1_000_000


@dataclass(frozen=True, slots=True)
class Plan:
    """How many processes to use, and why, in words for the report."""

    n_jobs: int
    reason: str

    @property
    def parallel(self) -> bool:
        return self.n_jobs > 1


def cpu_count() -> int:
    """The cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def plan(*, sheets: int, file_bytes: int | None = None, cells: int | None = None,
         n_jobs: int | None = None) -> Plan:
    """Decide between one process and several for one workbook.

    ``n_jobs`` None decides from the size: several processes only for a
    workbook of ``MIN_PARALLEL_BYTES`` (or ``MIN_PARALLEL_CELLS`` cells when
    the size on disk is not known) with two sheets or more, on a machine of
    ``MIN_PARALLEL_CORES`` cores or more. ``n_jobs`` 1 is
    always sequential; more than 1 asks for that many processes whatever
    the size. No more processes than sheets or cores are used.
    """
    size = _size_words(file_bytes, cells, sheets)
    if n_jobs is None:
        big = (file_bytes >= MIN_PARALLEL_BYTES if file_bytes is not None
               else (cells or 0) >= MIN_PARALLEL_CELLS)
        if big and sheets > 1 and cpu_count() < MIN_PARALLEL_CORES:
            return Plan(1, f"sequential: {size}; with {cpu_count()} cores one "
                        "process reading sheet after sheet is faster")
        wanted = cpu_count() if big else 1
    else:
        wanted = cpu_count() if n_jobs < 0 else n_jobs
    workers = max(1, min(wanted, sheets, cpu_count() if n_jobs is None else wanted))
    if workers == 1:
        return Plan(1, f"sequential: {size}")
    return Plan(workers, f"{workers} processes: {size}")


def _size_words(file_bytes: int | None, cells: int | None, sheets: int) -> str:
    noun = "sheet" if sheets == 1 else "sheets"
    if file_bytes is not None:
        mb = file_bytes / MB
        return f"{mb:.1f} MB, {sheets} {noun}" if mb >= 1 else (
            f"{mb:.2f} MB, {sheets} {noun}")
    return f"{cells or 0:,} cells, {sheets} {noun}"


@dataclass(frozen=True, slots=True)
class FileLayout:
    """A workbook file's plan, and its sheets when they were listed for it."""

    plan: Plan
    size: int
    names: tuple[str, ...] = ()
    weights: tuple[int, ...] = ()


def plan_file(path: str | Path, wanted: Sequence[str] = (),
              n_jobs: int | None = None) -> FileLayout:
    """Decide how to extract a workbook file, listing its sheets only if needed.

    Small files, CSV files and ``n_jobs`` 1 are planned sequential without
    opening the file; the plan's reason is then completed by the caller
    once the sheets are counted.
    """
    try:
        size = os.stat(path).st_size
    except OSError:
        return FileLayout(Plan(1, "sequential"), 0)  # reading will say what is wrong
    if n_jobs == 1 or (n_jobs is None and size < MIN_PARALLEL_BYTES):
        return FileLayout(Plan(1, "sequential"), size)
    names, weights = _sheets(Path(path))
    if not names or any(name not in names for name in wanted):
        return FileLayout(Plan(1, "sequential"), size)  # reading will report it
    if wanted:
        weights = [w for name, w in zip(names, weights) if name in wanted]
        names = [name for name in names if name in wanted]
    choice = plan(sheets=len(names), file_bytes=size, n_jobs=n_jobs)
    return FileLayout(choice, size, tuple(names), tuple(weights))


def _sheets(path: Path) -> tuple[list[str], list[int]]:
    """Sheet names in workbook order and their uncompressed sizes.

    Only zip packages (xlsx, xlsm, xlsb, ods) are split; a file that cannot
    be listed here is read sequentially, where its problem is reported.
    """
    from .sources import WORKBOOK_SUFFIXES, read_sheet_names

    if WORKBOOK_SUFFIXES.get(path.suffix.lower()) in (None, "xls"):
        return [], []
    try:
        names = read_sheet_names(path)
        return names, _part_sizes(path, names)
    except (ExtractError, OSError, zipfile.BadZipFile, KeyError):
        return [], []


def _part_sizes(path: Path, names: list[str]) -> list[int]:
    from . import package_xml

    with zipfile.ZipFile(path) as zf:
        parts = package_xml.sheet_parts(zf)
        sizes = {info.filename: info.file_size for info in zf.infolist()}
    return [sizes.get(parts.get(name) or "", 0) for name in names]


@dataclass(slots=True)
class SheetRead:
    """What a worker sends back for one sheet: compact, no cell values."""

    outcome: SheetOutcome
    format: str
    notes: list[str]
    findings: list[SourceFinding]


def sheets_from_file(path: str | Path, layout: FileLayout,
                     settings: Settings) -> list[SheetRead]:
    """Read and process each sheet of the layout in a worker of its own.

    Returns the results in workbook order. The heaviest sheets are handed
    out first so that the workers finish together.
    """
    names = layout.names
    order = _heaviest_first(len(names), layout.weights)
    jobs = [(_sheet_from_file, (str(path), names[i], settings)) for i in order]
    return _in_order(order, _run(jobs, layout.plan.n_jobs))


def sheets_from_grids(grids: Sequence[SheetGrid], settings: Settings,
                      n_jobs: int) -> list[SheetOutcome]:
    """Process sheets already read (the add-in's values) in worker processes."""
    weights = [sum(len(row) for row in grid.rows) for grid in grids]
    order = _heaviest_first(len(grids), weights)
    jobs = [(_sheet_from_grid, (grids[i], settings)) for i in order]
    return _in_order(order, _run(jobs, n_jobs))


def _heaviest_first(count: int, weights: Sequence[int]) -> list[int]:
    if len(weights) != count:
        return list(range(count))
    return sorted(range(count), key=lambda i: -weights[i])


def _in_order(order: list[int], results: list) -> list:
    out: list[Any] = [None] * len(order)
    for i, result in zip(order, results):
        out[i] = result
    return out


def _run(jobs: list[tuple[Callable[..., Any], tuple]], n_jobs: int) -> list:
    from joblib import Parallel, delayed

    log.debug("%d sheets over %d processes", len(jobs), n_jobs)
    results = Parallel(n_jobs=n_jobs, backend="loky", batch_size=1)(
        delayed(fn)(*args) for fn, args in jobs
    )
    return [_reraise(result) for result in results]


# -- in the worker ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Failure:
    """A product error from a worker, carried back whole.

    The product's errors take their context as keyword arguments, which
    pickling an exception loses; this keeps the path, sheet and cell.
    """

    kind: type[ExtractError]
    message: str
    path: str | None
    sheet: str | None
    cell: str | None


def _reraise(result: Any) -> Any:
    if isinstance(result, _Failure):
        raise result.kind(result.message, path=result.path, sheet=result.sheet,
                          cell=result.cell)
    return result


def _sheet_from_file(path: str, name: str, settings: Settings) -> Any:
    from .pipeline import process_sheet, without_cycle_collection
    from .sources import read_workbook

    try:
        with without_cycle_collection():
            started = time.perf_counter()
            book = read_workbook(path, sheets=[name], limits=settings.limits)
            read_seconds = time.perf_counter() - started
            outcome = process_sheet(book.sheets.pop(), settings.vocabulary(),
                                    settings)
            outcome.seconds = {"read": read_seconds, **outcome.seconds}
            return SheetRead(outcome, book.format, book.notes, book.findings)
    except ExtractError as exc:
        return _Failure(type(exc), exc.message, exc.path, exc.sheet, exc.cell)


def _sheet_from_grid(grid: SheetGrid, settings: Settings) -> Any:
    from .pipeline import process_sheet, without_cycle_collection

    try:
        with without_cycle_collection():
            return process_sheet(grid, settings.vocabulary(), settings)
    except ExtractError as exc:
        return _Failure(type(exc), exc.message, exc.path, exc.sheet, exc.cell)

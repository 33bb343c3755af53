"""Many workbooks at once: a worker per file, locally or on a Dask cluster.

:func:`find_inputs` turns folders (searched recursively), glob patterns and
file names into a list of workbooks; :func:`plan_outputs` gives each its
results workbook, in an output folder or next to it, never over an input.
:func:`run_batch` extracts them over joblib (loky processes, or a Dask
cluster through joblib's dask backend) and hands back one small
:class:`FileResult` per file as each finishes. A file that fails is a
result like any other: it never stops the batch. Each result has a status:
``ok``; ``partial`` when some sheets could not be read and were skipped;
``skipped`` when its results workbook exists and ``force`` was not given;
``failed``.
"""

from __future__ import annotations

import csv
import glob
import json
import logging
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import takewhile
from pathlib import Path
from typing import TYPE_CHECKING

from .engine_errors import one_line
from .errors import (
    PARTIAL,
    ConfigurationError,
    ExtractError,
    InputError,
    OutputError,
)
from .sources import WORKBOOK_SUFFIXES

if TYPE_CHECKING:
    from .pipeline import Settings

log = logging.getLogger(__name__)

INPUT_SUFFIXES = frozenset(WORKBOOK_SUFFIXES) | {".csv"}
RESULTS_SUFFIX = ".results.xlsx"
DASK_CONNECT_SECONDS = 10
SUMMARY_COLUMNS = ("path", "status", "loads", "cables", "buses", "confidence",
                   "seconds", "error", "output", "cache")
STATUSES = ("failed", "partial", "skipped", "ok")  # the worst first
RESULTS_EXIST = "the results file already exists; pass --force to replace it"


@dataclass(slots=True)
class FileResult:
    """What one file of a batch gave, or why it failed or was skipped.

    ``error`` says why a file failed or was skipped, and which sheets of a
    partial one could not be read; ``skipped_sheets`` holds those sheets
    with the reason of each.
    """

    path: str
    status: str = "ok"
    loads: int = 0
    cables: int = 0
    buses: int = 0
    confidence: float = 0.0
    seconds: float = 0.0
    error: str = ""
    output: str = ""
    cache: str = ""
    exit_code: int = 0
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    @property
    def records(self) -> int:
        return self.loads + self.cables + self.buses


@dataclass(slots=True)
class Job:
    """One file to extract and where its results go."""

    path: Path
    output: Path | None
    error: str = ""
    exit_code: int = 0


def find_inputs(arguments: Sequence[str | Path]) -> tuple[list[Path], list[Job]]:
    """Workbooks named by folders, globs and files, each once, in order.

    A folder is searched recursively for workbook and CSV files, leaving out
    results workbooks, Excel's lock files and hidden files. Returns the
    files found and, as failed jobs, the arguments that named nothing.
    """
    found: dict[Path, Path] = {}
    missing: list[Job] = []
    for argument in arguments:
        matches = list(_expand(str(argument)))
        if not matches:
            message = ("no workbook matches this pattern" if glob.has_magic(
                str(argument)) else "file not found; check the path")
            missing.append(Job(Path(argument), None, message, InputError.exit_code))
        for path in matches:
            found.setdefault(path.resolve(), path)
    return list(found.values()), missing


def _expand(argument: str) -> Iterator[Path]:
    path = Path(argument).expanduser()
    if glob.has_magic(argument):
        for name in sorted(glob.glob(str(path), recursive=True)):
            match = Path(name)
            if match.is_dir():
                yield from _workbooks_in(match)
            elif _is_input(match):
                yield match
    elif path.is_dir():
        yield from _workbooks_in(path)
    elif path.exists():
        yield path  # named on purpose: tried whatever its suffix
    return


def roots(arguments: Sequence[str | Path]) -> list[Path]:
    """The folders whose structure the results keep: each folder named, and
    the fixed part of each glob pattern (``project`` of ``project/**/*.xlsx``)."""
    found = []
    for argument in map(str, arguments):
        path = Path(argument).expanduser()
        if glob.has_magic(argument):
            fixed = takewhile(lambda part: not glob.has_magic(part), path.parts)
            found.append(Path(*fixed))
        elif path.is_dir():
            found.append(path)
    return found


def _workbooks_in(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if path.is_file() and _is_input(path):
            yield path


def _is_input(path: Path) -> bool:
    name = path.name.lower()
    return (path.suffix.lower() in INPUT_SUFFIXES and not name.startswith("~$")
            and not name.endswith(RESULTS_SUFFIX))


def plan_outputs(inputs: Sequence[Path], outdir: Path | None,
                 roots: Sequence[Path] = ()) -> list[Job]:
    """A results workbook for each input.

    In ``outdir`` the folder structure below each root (the folders given)
    is kept, so equal names in different folders do not collide; without it
    the results go next to each input. Names that would still collide get
    the input's suffix, then a number.
    """
    taken: set[Path] = {path.resolve() for path in inputs}
    jobs = []
    for path in inputs:
        folder = path.parent
        if outdir is not None:
            folder = outdir / _relative_folder(path, roots)
        output = _free_name(folder, path, taken)
        taken.add(output.resolve())
        jobs.append(Job(path, output))
    return jobs


def _relative_folder(path: Path, roots: Sequence[Path]) -> Path:
    resolved = path.resolve()
    for root in roots:
        try:
            return resolved.parent.relative_to(root.resolve())
        except ValueError:
            continue
    return Path()


def _free_name(folder: Path, path: Path, taken: set[Path]) -> Path:
    candidates = [path.stem + RESULTS_SUFFIX, path.name + RESULTS_SUFFIX]
    candidates += [f"{path.stem}-{n}{RESULTS_SUFFIX}" for n in range(2, 10_000)]
    for name in candidates:
        if (folder / name).resolve() not in taken:
            return folder / name
    raise OutputError("no free name for the results", path=str(path))


# -- running ----------------------------------------------------------------


def run_batch(jobs: Sequence[Job], settings: Settings, *, n_jobs: int = -1,
              scheduler: str | None = None, use_cache: bool = True,
              cache_folder: Path | None = None, force: bool = False,
              on_result: Callable[[FileResult], None] | None = None,
              ) -> list[FileResult]:
    """Extract every job's file and write its results; results in job order.

    ``n_jobs`` processes (-1: one per core) run the files, or the workers of
    the Dask scheduler at ``scheduler`` (``tcp://host:8786``), which must
    see the same paths. ``on_result`` is called in this process as each
    file finishes, in the order they finish. A job whose results workbook
    exists is skipped unless ``force`` is given.
    """
    from .cache import cache_dir

    folder = cache_folder or cache_dir()
    results: dict[int, FileResult] = {}
    runnable = []
    for i, job in enumerate(jobs):
        settled = _settled(job, force)
        if settled is None:
            runnable.append((i, job))
        else:
            results[i] = settled
            _report(settled, on_result)

    calls = ((i, job, settings, use_cache, folder, force) for i, job in runnable)
    for i, result in _map(_extract_numbered, calls, len(runnable), n_jobs,
                          scheduler):
        results[i] = result
        _report(result, on_result)
    return [results[i] for i in range(len(jobs))]


def _settled(job: Job, force: bool) -> FileResult | None:
    """The result of a job known before it runs: failed if its file was not
    found, skipped if its results exist; None if it has to run."""
    if job.error:
        return FileResult(str(job.path), "failed", error=job.error,
                          exit_code=job.exit_code)
    if job.output is not None and job.output.exists() and not force:
        return FileResult(str(job.path), "skipped", error=RESULTS_EXIST,
                          output=str(job.output))
    return None


def _report(result: FileResult,
            on_result: Callable[[FileResult], None] | None) -> None:
    if result.error:
        log.info("%s: %s: %s", result.path, result.status, result.error)
    else:
        log.info("%s: %d records in %.2f s", result.path, result.records,
                 result.seconds)
    if on_result is not None:
        on_result(result)


def _map(fn: Callable, calls: Iterable[tuple], count: int, n_jobs: int,
         scheduler: str | None) -> Iterator:
    """``fn`` over ``calls`` in worker processes, results as they finish."""
    if count == 0:
        return
    if scheduler is None and (n_jobs == 1 or count == 1):
        for call in calls:
            yield fn(*call)
        return

    from joblib import Parallel, delayed, parallel_config

    tasks = (delayed(fn)(*call) for call in calls)
    if scheduler is None:
        yield from Parallel(n_jobs=min(n_jobs, count) if n_jobs > 0 else n_jobs,
                            backend="loky", batch_size=1,
                            return_as="generator_unordered")(tasks)
        return

    with _dask_client(scheduler) as client, parallel_config(backend="dask"):
        log.info("batch on the Dask cluster at %s (%d workers)", scheduler,
                 len(client.scheduler_info()["workers"]))
        yield from Parallel(n_jobs=-1, batch_size=1,
                            return_as="generator_unordered")(tasks)


def _dask_client(scheduler: str):
    """A client of the Dask scheduler at ``scheduler``, or a clear error."""
    try:
        from dask.distributed import Client
    except ImportError as exc:
        raise ConfigurationError(
            "a batch on a Dask cluster needs dask.distributed; install it with "
            'pip install "excel-extract[cluster]"') from exc
    try:
        return Client(scheduler, timeout=DASK_CONNECT_SECONDS)
    except (OSError, ValueError, TypeError) as exc:  # a time-out is an OSError
        raise ConfigurationError(
            f"cannot reach the Dask scheduler at {scheduler!r} ({one_line(exc)}); "
            "check the address (like tcp://10.0.0.5:8786) and that the scheduler "
            "is running") from exc


def _extract_numbered(i: int, *args) -> tuple[int, FileResult]:
    return i, extract_one(*args)


def extract_one(job: Job, settings: Settings, use_cache: bool = True,
                cache_folder: Path | None = None,
                force: bool = False) -> FileResult:
    """Extract one file and write its results workbook; never raises.

    A file whose results exist is skipped unless ``force`` is given, and
    one with sheets that could not be read is partial. The product's own
    errors give their message and exit code; anything else is reported as
    an internal error with its last traceback line.
    """
    from .cache import cached_extract

    settled = _settled(job, force)
    if settled is not None:
        return settled
    started = time.perf_counter()
    result = FileResult(str(job.path))
    try:
        _check_output(job)
        report = cached_extract(job.path, settings, use_cache=use_cache, n_jobs=1,
                                folder=cache_folder)
        if job.output is not None:
            from .writers.xlsx import write_results_workbook

            job.output.parent.mkdir(parents=True, exist_ok=True)
            write_results_workbook(report, job.output)
            result.output = str(job.output)
        result.loads, result.cables = report.count("load"), report.count("cable")
        result.buses, result.confidence = report.count("bus"), report.confidence
        result.cache = report.performance.cache
        _mark_skipped_sheets(result, report)
    except ExtractError as exc:
        result.status, result.error, result.exit_code = "failed", exc.message, \
            exc.exit_code
    except Exception as exc:  # one broken file must not stop the batch
        log.debug("internal error on %s", job.path, exc_info=True)
        last = traceback.format_exception_only(exc)[-1].strip()
        result.status, result.exit_code = "failed", 1
        result.error = f"internal error ({last}); rerun the file alone with --debug"
    result.seconds = round(time.perf_counter() - started, 3)
    return result


def _check_output(job: Job) -> None:
    if job.output is not None and job.output.resolve() == job.path.resolve():
        raise OutputError("the results would overwrite the input",
                          path=str(job.output))


def _mark_skipped_sheets(result: FileResult, report) -> None:
    """Make the result partial if some sheets could not be read, naming them."""
    from .sheet_reader import SKIPPED

    skipped = [(f.cell or "", f.message) for f in report.findings
               if f.rule == SKIPPED]
    if not skipped:
        return
    named = ", ".join(f"{sheet!r} ({reason})" for sheet, reason in skipped)
    count = "1 sheet" if len(skipped) == 1 else f"{len(skipped)} sheets"
    result.status, result.exit_code = "partial", PARTIAL
    result.skipped_sheets = skipped
    result.error = f"skipped {count} that could not be read: {named}"


# -- the summary -------------------------------------------------------------


def write_summary(results: Sequence[FileResult], path: Path) -> Path:
    """One row per file as CSV, or a list of objects as JSON, by suffix."""
    from .writers.atomic import atomic_write

    rows = [{name: getattr(r, name) for name in SUMMARY_COLUMNS} for r in results]
    if path.suffix.lower() == ".json":
        text = json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
        return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))

    def write_csv(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=SUMMARY_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)

    return atomic_write(path, write_csv)


def totals(results: Sequence[FileResult]) -> dict[str, int]:
    """Files of each status and records over a batch."""
    return {
        "files": len(results),
        **{status: sum(1 for r in results if r.status == status)
           for status in ("ok", "partial", "skipped", "failed")},
        "loads": sum(r.loads for r in results),
        "cables": sum(r.cables for r in results),
        "buses": sum(r.buses for r in results),
    }


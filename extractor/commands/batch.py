"""``excel-extract batch``: every workbook in folders and globs, in parallel."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Self

from ..cli import EXIT_CODES
from ..errors import BATCH_FAILED, PARTIAL
from .run import (
    add_check_arguments,
    add_limit_arguments,
    check_settings,
    limits,
    skipped_sheet_warning,
)

TABLE_ROWS = 40
STYLES = {"ok": "green", "partial": "yellow", "skipped": "blue", "failed": "red"}


def add_parser(sub, common) -> None:
    """Register the command."""
    batch = sub.add_parser(
        "batch", help="extract many workbooks, a process per file",
        description="Extract every workbook named: folders are searched "
        "recursively for .xlsx, .xlsm, .xlsb, .xls, .ods and .csv files, and "
        "glob patterns (quote them; ** descends into folders) are expanded. "
        "Each file's results workbook goes into OUTDIR, keeping the folders "
        "below each folder or pattern named, or next to the file. A file that "
        "fails is reported and the batch goes on. A file with sheets that "
        "could not be read is partial: the other sheets are extracted and a "
        "warning names each skipped sheet. A file whose results workbook "
        "exists is skipped, unless --force is given. The exit code is 9 if "
        "any file failed, else 8 if any was partial, else 0 (skipped files "
        "are no failure).",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batch.add_argument("paths", nargs="+", metavar="PATH",
                       help="a workbook, a folder or a glob pattern")
    batch.add_argument("-o", "--outdir", type=Path,
                       help="folder for the results workbooks (default: next to "
                       "each input)")
    batch.add_argument("--jobs", type=int, default=-1, metavar="N",
                       help="processes to use (default: one per core)")
    batch.add_argument("--summary", type=Path, metavar="FILE",
                       help="write one row per file to FILE (.csv or .json)")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on the Dask cluster at ADDRESS "
                       "(e.g. tcp://10.0.0.5:8786); its workers must see the paths")
    batch.add_argument("--no-cache", action="store_true",
                       help="extract again files extracted before")
    batch.add_argument("--no-xlsx", action="store_true",
                       help="write no results workbooks (summary only)")
    batch.add_argument("--vocabulary", type=Path, action="append", default=[],
                       metavar="FILE", help="extra header synonyms (TOML); repeatable")
    batch.add_argument("--include-hidden", action="store_true",
                       help="also extract hidden sheets")
    batch.add_argument("--force", action="store_true",
                       help="replace existing results workbooks")
    add_check_arguments(batch)
    add_limit_arguments(batch)
    common(batch)
    batch.set_defaults(func=_batch)


def _batch(args: argparse.Namespace) -> int:
    from ..batch import find_inputs, plan_outputs, roots, run_batch, write_summary
    from ..errors import ConfigurationError, InputError
    from ..pipeline import Settings

    if args.jobs == 0:
        raise ConfigurationError("--jobs must be a positive number, or -1 for "
                                 "one per core")
    if args.outdir is not None and args.outdir.exists() and not args.outdir.is_dir():
        raise ConfigurationError("the output folder is a file; choose a folder",
                                 path=str(args.outdir))
    if args.summary and args.summary.suffix.lower() not in (".csv", ".json"):
        raise ConfigurationError("the summary is written as .csv or .json; name "
                                 "a file ending in one of them",
                                 path=str(args.summary))
    inputs, missing = find_inputs(args.paths)
    if not inputs:
        raise InputError("no workbook found in " + ", ".join(args.paths)
                         + "; check the paths and patterns")
    jobs = plan_outputs(inputs, None if args.no_xlsx else args.outdir,
                        roots(args.paths))
    if args.no_xlsx:
        for job in jobs:
            job.output = None
    jobs += missing
    settings = Settings(checks=check_settings(args),
                        vocabulary_files=tuple(args.vocabulary),
                        include_hidden_sheets=args.include_hidden,
                        limits=limits(args))

    started = time.perf_counter()
    with _Progress(len(jobs), quiet=args.quiet) as progress:
        results = run_batch(jobs, settings, n_jobs=args.jobs,
                            scheduler=args.scheduler, use_cache=not args.no_cache,
                            force=args.force, on_result=progress.advance)
    seconds = time.perf_counter() - started

    if args.summary:
        write_summary(results, args.summary)
    _print_warnings(results)
    if not args.quiet:
        _print_summary(results, seconds, args.summary)
    else:
        for result in results:
            if result.failed:
                print(f"error: {result.path}: {result.error}", file=sys.stderr)
    return batch_exit_code(results)


def batch_exit_code(results) -> int:
    """BATCH_FAILED if any file failed, else PARTIAL if any was read in part,
    else 0; skipped files count as done."""
    if any(r.failed for r in results):
        return BATCH_FAILED
    if any(r.status == "partial" for r in results):
        return PARTIAL
    return 0


def _print_warnings(results) -> None:
    """The warning ``run`` prints for each sheet it skipped, for every file."""
    for result in results:
        for sheet, reason in result.skipped_sheets:
            print(skipped_sheet_warning(result.path, sheet, reason), file=sys.stderr)


class _Progress:
    """Files done, records, errors and time left, on the terminal only."""

    def __init__(self, total: int, quiet: bool) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(stderr=True)
        self.records = self.errors = 0
        self.bar = Progress(
            TextColumn("[bold]extracting"), BarColumn(), MofNCompleteColumn(),
            TextColumn("files, {task.fields[records]:,} records, "
                       "{task.fields[errors]} errors"),
            TimeElapsedColumn(), TextColumn("elapsed,"), TimeRemainingColumn(),
            TextColumn("left"),
            console=console, disable=quiet or not console.is_terminal,
        )
        self.task = self.bar.add_task("files", total=total, records=0, errors=0)

    def __enter__(self) -> Self:
        self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.stop()

    def advance(self, result) -> None:
        self.records += result.records
        self.errors += 1 if result.failed else 0
        self.bar.update(self.task, advance=1, records=self.records,
                        errors=self.errors)


def _print_summary(results, seconds: float, summary: Path | None) -> None:
    """A table of the files, the worst first, then each failure's reason and
    the totals."""
    from rich.console import Console
    from rich.table import Table

    from ..batch import STATUSES, totals

    console = Console()
    table = Table(title="batch", title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("status")
    for name in ("loads", "cables", "buses", "conf.", "s"):
        table.add_column(name, justify="right")
    shown = sorted(results, key=lambda r: STATUSES.index(r.status))[:TABLE_ROWS]
    for r in shown:
        status = f"[{STYLES[r.status]}]{r.status}"
        if r.cache == "hit":
            status += " (cached)"
        table.add_row(r.path, status, str(r.loads), str(r.cables), str(r.buses),
                      f"{r.confidence:.2f}", f"{r.seconds:.2f}")
    console.print(table)
    if len(results) > len(shown):
        where = f" (all in {summary})" if summary else ""
        console.print(f"... {len(results) - len(shown)} more files{where}",
                      highlight=False)
    for r in results:
        if r.failed:
            console.print(f"error: {r.path}: {r.error}", soft_wrap=True,
                          highlight=False, markup=False)
    t = totals(results)
    rate = t["files"] / seconds if seconds > 0 else 0.0
    console.print(
        f"{t['files']} files: {_counts(t)}; {t['loads']} loads, "
        f"{t['cables']} cables, {t['buses']} buses; {seconds:.1f} s "
        f"({rate:.1f} files/s)", soft_wrap=True, highlight=False,
    )
    if t["skipped"]:
        files = "1 file" if t["skipped"] == 1 else f"{t['skipped']} files"
        console.print(f"skipped {files} whose results exist; pass --force to "
                      "replace them", soft_wrap=True, highlight=False)
    if summary:
        console.print(f"wrote {summary}", soft_wrap=True, highlight=False)


def _counts(t: dict[str, int]) -> str:
    """Files ok and failed, with those partial or skipped when there are any."""
    counts = [f"{t['ok']} ok"]
    counts += [f"{t[status]} {status}" for status in ("partial", "skipped")
               if t[status]]
    return ", ".join(counts + [f"{t['failed']} failed"])

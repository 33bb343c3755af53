"""``excel-extract run``: one workbook in, a results workbook out."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from ..cli import EXIT_CODES, positive
from ..errors import PARTIAL, OutputError, TimeLimitError
from ..limits import MB, Limits

OPTION_OF = {"xlsx": "-o", "json": "--json"}  # the option that names each output


def add_parser(sub, common) -> None:
    """Register the command."""
    run = sub.add_parser(
        "run", help="extract one workbook and write a results workbook",
        description="Extract one workbook. The results workbook is written next "
        "to the input (BOOK.results.xlsx) unless -o is given; the input is "
        "never modified.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument("book", type=Path, help="the workbook (.xlsx .xlsm .xlsb .xls .ods) or "
                     "delimited text file (.csv .tsv .txt) to read")
    run.add_argument("-o", "--output", type=Path,
                     help="results workbook to write (default: next to BOOK)")
    run.add_argument("--json", type=Path, metavar="REPORT.json",
                     help="also write the full report as JSON")
    run.add_argument("--csv", type=Path, metavar="FOLDER",
                     help="also write BOOK.loads.csv, BOOK.cables.csv and "
                     "BOOK.buses.csv into this folder")
    run.add_argument("--no-xlsx", action="store_true",
                     help="do not write the results workbook")
    run.add_argument("--vocabulary", type=Path, action="append", default=[],
                     metavar="FILE", help="extra header synonyms (TOML); repeatable")
    run.add_argument("--corrections", type=Path, metavar="RESULTS.xlsx",
                     help="apply the fields and kinds corrected on the Mapping "
                     "and Sheets sheets of an earlier results workbook of BOOK")
    run.add_argument("--sheet", action="append", default=[], metavar="NAME",
                     help="read only this sheet; repeatable")
    run.add_argument("--include-hidden", action="store_true",
                     help="also extract hidden sheets")
    add_check_arguments(run)
    run.add_argument("--force", action="store_true",
                     help="overwrite existing result files")
    run.add_argument("--no-cache", action="store_true",
                     help="extract again even if this workbook was extracted "
                     "before with the same settings")
    run.add_argument("--jobs", type=positive(int), metavar="N",
                     help="processes for the sheets (default: decided by size)")
    add_limit_arguments(run)
    common(run)
    run.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from ..pipeline import Settings

    book: Path = args.book
    outputs = _outputs(args)
    settings = Settings(checks=check_settings(args),
                        vocabulary_files=tuple(args.vocabulary),
                        include_hidden_sheets=args.include_hidden,
                        sheets=tuple(args.sheet), limits=limits(args))
    if args.corrections:
        settings.corrections = _corrections(args.corrections, book, settings, args)
    report = _extract(book, settings, args)
    written = _write(report, outputs, args)
    if not args.quiet:
        from ..summary import print_summary

        print_summary(report, written)
    return exit_code(report)


def _extract(book: Path, settings, args: argparse.Namespace):
    """The report of ``book``; a time-out also suggests reading fewer sheets,
    which ``run`` can do and other commands with a time limit cannot."""
    from ..cache import cached_extract

    try:
        return cached_extract(book, settings, use_cache=not args.no_cache,
                              n_jobs=args.jobs)
    except TimeLimitError as exc:
        raise TimeLimitError(f"{exc.message} or read fewer sheets (--sheet)",
                             path=exc.path, sheet=exc.sheet, cell=exc.cell) from exc


def _corrections(results: Path, book: Path, settings, args):
    """The corrections in a results workbook: the rows of its Mapping and
    Sheets sheets that differ from an extraction of BOOK without them."""
    from ..errors import ConfigurationError
    from ..learn import corrections_in

    if not results.is_file():
        raise ConfigurationError("corrections workbook not found; check the path",
                                 path=str(results))
    return corrections_in(results, book, settings, lambda path, s: _extract(
        path, s, args)).corrections()


def exit_code(report) -> int:
    """0, or PARTIAL (with a line per skipped sheet) if some sheets were not read.

    A workbook read without a single load, cable or bus gets a warning too:
    the file may not be the one meant, or its tables need a vocabulary.
    """
    from ..sheet_reader import SKIPPED

    skipped = [f for f in report.findings if f.rule == SKIPPED]
    for finding in skipped:
        print(skipped_sheet_warning(report.source, finding.cell, finding.message),
              file=sys.stderr)
    if not any(report.count(kind) for kind in ("load", "cable", "bus")):
        print(f"warning: {report.source}: no load list, cable schedule or board "
              "schedule found; check that this is the file meant, and see the "
              "Sheets sheet of the results for how each sheet was read (headers "
              "of your own can be taught with --vocabulary)", file=sys.stderr)
    return PARTIAL if skipped else 0


def skipped_sheet_warning(source: str, sheet: str, reason: str) -> str:
    """The line that warns of a sheet skipped because it could not be read."""
    return f"warning: {source} [{sheet}]: {reason}"


def add_check_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the engineering checks, read by :func:`check_settings`."""
    parser.add_argument("--settings", type=Path, metavar="FILE",
                        help="a TOML settings file with a [checks] table")
    parser.add_argument("--disable-rule", action="append", default=[], metavar="ID",
                        help="switch off an engineering rule (see `rules`); "
                        "repeatable")
    parser.add_argument("--apply-defaults", action="store_true",
                        help="fill a missing power factor or efficiency with the "
                        "typical value of the load type (marked as defaulted)")


def add_limit_arguments(run: argparse.ArgumentParser) -> None:
    """The size and time limits of a workbook, read by :func:`limits`."""
    default = Limits()
    run.add_argument("--max-cells", type=positive(int), metavar="N",
                     default=default.max_cells_per_sheet,
                     help="skip a sheet that spans more than N cells "
                     f"(default: {default.max_cells_per_sheet:,})")
    run.add_argument("--max-inflated-mb", type=positive(int), metavar="MB",
                     default=default.max_inflated_bytes // MB,
                     help="refuse a workbook that unzips to more than MB "
                     f"megabytes (default: {default.max_inflated_bytes // MB:,})")
    run.add_argument("--timeout", type=positive(float), metavar="SECONDS",
                     help="stop extracting a workbook that takes longer: "
                     "reading, and between sheets (default: no limit)")


def limits(args: argparse.Namespace) -> Limits:
    return replace(Limits(), max_cells_per_sheet=args.max_cells,
                   max_inflated_bytes=args.max_inflated_mb * MB,
                   max_seconds=args.timeout)


def check_settings(args: argparse.Namespace):
    """The engineering checks as the settings file and flags set them."""
    from dataclasses import replace

    from ..checks import CheckSettings, load_check_settings, with_disabled

    checks = load_check_settings(args.settings) if args.settings else CheckSettings()
    checks = with_disabled(checks, args.disable_rule)
    if args.apply_defaults:
        checks = replace(checks, apply_defaults=True)
    return checks


def _outputs(args: argparse.Namespace) -> dict[str, Path]:
    """The result files to write, checked before anything is extracted."""
    book: Path = args.book
    out: dict[str, Path] = {}
    if not args.no_xlsx:
        out["xlsx"] = args.output or book.with_name(book.stem + ".results.xlsx")
    if args.json:
        out["json"] = args.json
    for kind, path in out.items():
        _check_output_file(kind, path, book, args.force)
    if args.csv:
        _check_csv_folder(args.csv)
    return out


def _check_output_file(kind: str, path: Path, book: Path, force: bool) -> None:
    """Refuse to write over the input, over a folder or over an existing file
    (unless forced), or into a folder that does not exist; each message
    names the option that gave the path."""
    option = OPTION_OF[kind]
    if path.resolve() == book.resolve():
        raise OutputError(f"the {kind} output would overwrite the input; "
                          f"choose another path with {option}", path=str(path))
    if path.is_dir():
        raise OutputError(f"this is a folder, not a file; give {option} the path "
                          "of a file", path=str(path))
    if path.exists() and not force:
        raise OutputError("the file already exists; pass --force to replace it "
                          f"or choose another path with {option}", path=str(path))
    if not path.parent.is_dir():
        raise OutputError("the folder does not exist; create it or choose "
                          f"another path with {option}", path=str(path))


def _check_csv_folder(folder: Path) -> None:
    """Refuse a --csv path that is a file, or lies below one."""
    existing = next(p for p in (folder, *folder.parents) if p.exists())
    if not existing.is_dir():
        raise OutputError("this is a file, not a folder; give --csv a folder "
                          "(it is created if missing)", path=str(existing))


def _write(report, outputs: dict[str, Path], args) -> list[Path]:
    written = []
    try:
        if "xlsx" in outputs:
            from ..writers.xlsx import write_results_workbook

            with _WritingProgress(args.quiet) as progress:
                written.append(write_results_workbook(report, outputs["xlsx"],
                                                      progress.rows))
        if "json" in outputs:
            from ..writers.json_report import write_json_report

            write_json_report(report, outputs["json"])
            written.append(outputs["json"])
        if args.csv:
            from ..writers.csv_export import write_csv

            args.csv.mkdir(parents=True, exist_ok=True)
            written.extend(write_csv(report, args.csv, Path(args.book).stem))
    except OSError as exc:
        raise OutputError(f"cannot write results: {exc.strerror or exc}; check "
                          "the folder is writable",
                          path=str(exc.filename or "")) from exc
    return written


class _WritingProgress:
    """Rows of the results workbook written and time left, on a terminal
    (a large workbook's results take minutes); nothing elsewhere or with
    --quiet, where rich is not even imported."""

    def __init__(self, quiet: bool) -> None:
        self.bar = None if quiet or not sys.stderr.isatty() else _rows_bar()
        self.task = None if self.bar is None else self.bar.add_task("rows", total=None)

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def rows(self, done: int, total: int) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=done, total=total)


def _rows_bar():
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]writing results"), BarColumn(), MofNCompleteColumn(),
        TextColumn("rows,"), TimeRemainingColumn(), TextColumn("left"),
        console=Console(stderr=True), transient=True)

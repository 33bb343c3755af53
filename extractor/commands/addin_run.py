"""``excel-extract addin-run``: the add-in's Extract button, pressed on a file.

Runs the ribbon entry point (``addin.ribbon.extract_workbook``) through the
file engine and saves the workbook with its result sheets as a new file.
xlwings is imported only when the command runs, so the other commands
never load it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..cli import EXIT_CODES


def add_parser(sub, common) -> None:
    """Register the command."""
    cmd = sub.add_parser(
        "addin-run", help="add the result sheets to a copy of a workbook, as the "
        "Excel add-in does",
        description="Run the Excel add-in's Extract button on a workbook file "
        "without Excel: the result sheets (Loads, Cables, Buses, Sheets, "
        "Mapping, Findings, Performance, Legend) are added next to the "
        "original sheets and the workbook is saved as OUT. BOOK is never "
        "modified. Reads .xlsx and .xlsm.", epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("book", type=Path, help="the .xlsx or .xlsm workbook to read")
    cmd.add_argument("-o", "--output", type=Path, required=True, metavar="OUT",
                     help="the workbook to write (not BOOK)")
    cmd.add_argument("--force", action="store_true", help="replace an existing OUT")
    cmd.add_argument("--keep-vba", action="store_true",
                     help="keep the macros of an .xlsm (OUT must end in .xlsm)")
    cmd.add_argument("--vocabulary", type=Path, action="append", default=[],
                     metavar="FILE", help="extra header synonyms (TOML); repeatable")
    cmd.add_argument("--include-hidden", action="store_true",
                     help="also extract hidden sheets")
    common(cmd)
    cmd.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    from addin.headless import run_on_file

    from ..pipeline import Settings

    settings = Settings(vocabulary_files=tuple(args.vocabulary),
                        include_hidden_sheets=args.include_hidden)
    done = run_on_file(args.book, args.output, settings=settings,
                       keep_vba=args.keep_vba, force=args.force)
    if done.lost or done.notes:
        parts = ", ".join(done.lost + done.notes)
        print(f"warning: {args.output}: not carried over from {args.book}: "
              f"{parts}; press Extract in Excel to keep them", file=sys.stderr)
    if not args.quiet:
        print(done.extraction.summary())
        print(f"result sheets: {', '.join(done.extraction.sheets)}")
        print(f"wrote {done.output}")
    return 0

"""``excel-extract cache info`` and ``cache clear``: the stored reports."""

from __future__ import annotations

import argparse
from datetime import datetime

from ..cli import EXIT_CODES


def add_parser(sub, common) -> None:
    """Register the command."""
    cache = sub.add_parser(
        "cache", help="show or clear the cache of extracted reports",
        description="Reports are kept so that a workbook extracted once with "
        "the same settings and version is not extracted again. They live in "
        "the platform's cache folder, or in $EXCEL_EXTRACT_CACHE_DIR.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = cache.add_subparsers(dest="action", required=True, metavar="ACTION")
    info = action.add_parser(
        "info", help="where the cache is and what it holds",
        description="Show the cache folder, how many reports it holds, their "
        "size and dates, and the workbooks the benchmark generated there.")
    common(info)
    info.set_defaults(func=_info)
    clear = action.add_parser(
        "clear", help="remove every stored report",
        description="Remove every stored report and the workbooks the "
        "benchmark generated; the next extraction of each workbook reads it "
        "again.")
    common(clear)
    clear.set_defaults(func=_clear)


def _info(args: argparse.Namespace) -> int:
    from ..cache import ReportCache

    info = ReportCache().info()
    print(f"folder: {info.folder}")
    print(f"entries: {info.entries}")
    print(f"size: {info.total_bytes / 1024 / 1024:.1f} MB")
    if info.oldest is not None and info.newest is not None:
        print(f"oldest: {_when(info.oldest)}")
        print(f"newest: {_when(info.newest)}")
    if info.bench_files:
        print(f"benchmark workbooks: {info.bench_files}, "
              f"{info.bench_bytes / 1024 / 1024:.1f} MB")
    return 0


def _clear(args: argparse.Namespace) -> int:
    from ..cache import ReportCache

    store = ReportCache()
    reports, workbooks = store.clear()
    if not args.quiet:
        also = f" and {workbooks} benchmark workbooks" if workbooks else ""
        print(f"removed {reports} reports{also} from {store.folder}")
    return 0


def _when(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).isoformat(sep=" ", timespec="seconds")

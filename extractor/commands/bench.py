"""``excel-extract bench``: extraction against python-calamine, by file size."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..cli import EXIT_CODES


def add_parser(sub, common) -> None:
    """Register the command."""
    bench = sub.add_parser(
        "bench", help="measure extraction against reading with python-calamine",
        description="Generate load and cable schedule workbooks of the given "
        "sizes (kept for the next run) or take --files, then time reading "
        "every sheet with python-calamine and the full extraction, each the "
        "median of --runs runs in fresh processes. Writes report.md, "
        "bench.json and bench.png into --out.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    bench.add_argument("--sizes", default="0.1,1,10,50,100", metavar="MB,MB",
                       help="workbook sizes in MB (default: 0.1,1,10,50,100)")
    bench.add_argument("--files", nargs="+", type=Path, metavar="BOOK",
                       help="measure these workbooks instead of generated ones")
    bench.add_argument("--runs", type=int, default=3, metavar="N",
                       help="runs per figure; the median is shown (default: 3)")
    bench.add_argument("--out", type=Path, default=Path("bench"), metavar="FOLDER",
                       help="where the report goes (default: bench/)")
    bench.add_argument("--workbooks", type=Path, metavar="FOLDER",
                       help="where generated workbooks are kept (default: the "
                       "cache folder)")
    bench.add_argument("--sheets", type=int, default=250, metavar="N",
                       help="also measure a tender package of N sheets of 200 rows "
                       "each (default: 250; 0 to skip)")
    bench.add_argument("--layouts", type=int, default=200_000, metavar="ROWS",
                       help="also measure schedules of ROWS rows in other layouts: "
                       "cable descriptions, a load list with its cables, a unit "
                       "column (default: 200000; 0 to skip)")
    bench.add_argument("--no-batch", action="store_true",
                       help="skip the batch throughput measurement")
    common(bench)
    bench.set_defaults(func=_bench)


def _bench(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .. import bench
    from ..cache import bench_dir
    from ..errors import ConfigurationError, InputError

    if args.runs < 1:
        raise ConfigurationError("--runs must be 1 or more")
    console = Console(stderr=True, quiet=args.quiet)
    if args.files:
        files = args.files
        for path in files:
            if not path.is_file():
                raise InputError("file not found; check the path", path=str(path))
    else:
        sizes = _sizes(args.sizes)
        folder = args.workbooks or bench_dir()
        files = []
        for size in sizes:
            if not bench.workbook_path(folder, size).exists():
                console.print(f"generating a {size:g} MB workbook in {folder}",
                              highlight=False)
            files.append(bench.generate(folder, size))
        if args.sheets > 0:
            if not bench.package_path(folder, args.sheets).exists():
                console.print(f"generating a workbook of {args.sheets} sheets in "
                              f"{folder}", highlight=False)
            files.append(bench.generate_package(folder, args.sheets))
        if args.layouts > 0:
            for layout in bench.LAYOUTS:
                if not bench.layout_path(folder, layout, args.layouts).exists():
                    console.print(f"generating a {layout} workbook of "
                                  f"{args.layouts:,} rows in {folder}", highlight=False)
                files.append(bench.generate_layout(folder, layout, args.layouts))

    result = bench.run(files, args.runs, batch=not args.no_batch,
                       progress=lambda text: console.print(text, highlight=False))
    written = bench.save(result, args.out)
    if not args.quiet:
        print(bench.markdown(result))
        for path in written:
            print(f"wrote {path}")
    return 0


def _sizes(text: str) -> list[float]:
    from ..errors import ConfigurationError

    try:
        sizes = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(size <= 0 for size in sizes):
        raise ConfigurationError(f"--sizes {text!r} is not a list of sizes in MB; "
                                 "write them like 0.1,1,10")
    return sizes

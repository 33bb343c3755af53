"""``excel-extract generate``: messy workbooks with their truth, from a seed."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ConfigurationError, OutputError

GENERATE_HELP = """\
Each workbook holds one to three schedules (load, cable, feeder, board) and
up to two look-alike sheets that are no schedule (meter time series, cable
catalogue, price list, drawing register, tag list without ratings), written
the ways engineers write them: title blocks, grouped headers with a units
row, English, French or German headers, units in headers, values or a unit
column, board section rows, totals, spares, hidden rows, repeated page
headers, two tables on a sheet, per-phase columns and cable descriptions in
many forms. expected.toml holds their counts, sheet kinds, spot checks and
the features each workbook shows; `excel-extract eval FOLDER` scores them.

The same seed writes the same labels byte for byte and the same workbooks."""


def add_parser(sub, common) -> None:
    """Register the command."""
    cmd = sub.add_parser(
        "generate", help="write labelled synthetic workbooks for eval",
        description="Write N realistic, messy workbooks and an expected.toml "
        "with their truth into FOLDER.", epilog=GENERATE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("folder", type=Path, help="folder to write into (created)")
    cmd.add_argument("--count", type=int, default=40, metavar="N",
                     help="number of workbooks (default 40)")
    cmd.add_argument("--seed", type=int, default=0, metavar="S",
                     help="random seed (default 0)")
    cmd.add_argument("--force", action="store_true",
                     help="replace an existing expected.toml and workbooks")
    common(cmd)
    cmd.set_defaults(func=_generate)


def _generate(args: argparse.Namespace) -> int:
    from ..generate import generate_set

    if args.count < 1:
        raise ConfigurationError(f"--count must be 1 or more, not {args.count}")
    labels = args.folder / "expected.toml"
    if labels.exists() and not args.force:
        raise OutputError("the folder already holds labels; pass --force to "
                          "replace them or choose another folder", path=str(labels))
    try:
        written = generate_set(args.folder, args.count, args.seed)
    except OSError as exc:
        raise OutputError(f"cannot write: {exc.strerror or exc}; check the folder "
                          "is writable", path=str(exc.filename or args.folder)) from exc
    if not args.quiet:
        print(f"wrote {len(written) - 1} workbooks and {labels}")
    return 0

"""``excel-extract eval``: score extraction against labelled workbooks."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from ..cli import positive
from ..errors import ConfigurationError

SCORE_HELP = """\
The labels are in the format of expected.toml: per workbook the record
counts (exact, or [low, high]), the kind of named sheets and spot checks of
named records. Three accuracies are pooled over every check of the set:

  sheet kinds    labelled sheets given the labelled kind
  record counts  loads, cables and buses counts equal to the label or inside
                 its range (also shown per kind)
  spot fields    fields of spot-checked records read with the labelled value
                 (all of a spot's fields miss when its record is not found)

The overall score is the mean of these three accuracies (a measure the labels
never check is left out). The last line printed is "score X", X rounded down
to three decimals.

exit codes:
  0  the score reaches --min-score
  1  the score is below --min-score
  2  usage error: labels missing or not valid TOML, folder missing"""


def add_parser(sub, common) -> None:
    """Register the command."""
    cmd = sub.add_parser(
        "eval", help="score extraction against labelled workbooks",
        description="Extract every workbook named in a label file and score "
        "the results against the labels.", epilog=SCORE_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("folder", type=Path, help="folder the label paths start from")
    cmd.add_argument("--expected", type=Path, metavar="LABELS.toml",
                     help="label file (default: FOLDER/expected.toml)")
    cmd.add_argument("--min-score", type=float, default=0.0, metavar="X",
                     help="exit 1 when the overall score is below X (default 0)")
    cmd.add_argument("--jobs", type=positive(int), default=1, metavar="N",
                     help="workbooks extracted in parallel (default 1)")
    cmd.add_argument("--vocabulary", type=Path, action="append", default=[],
                     metavar="FILE", help="extra header synonyms (TOML); repeatable")
    cmd.add_argument("--no-user-vocabulary", action="store_true",
                     help="leave out your own (learned) vocabulary")
    cmd.add_argument("--all", action="store_true",
                     help="list every workbook, not only those with misses")
    common(cmd)
    cmd.set_defaults(func=_eval)


def _eval(args: argparse.Namespace) -> int:
    from ..evaluate import evaluate, read_labels
    from ..pipeline import Settings

    if not args.folder.is_dir():
        raise ConfigurationError("folder not found; give the folder the label "
                                 "paths start from", path=str(args.folder))
    labels = read_labels(args.expected or args.folder / "expected.toml")
    settings = Settings(vocabulary_files=tuple(args.vocabulary))
    if args.no_user_vocabulary:
        settings.user_vocabulary = None
    result = evaluate(args.folder, labels, settings, jobs=max(1, args.jobs))
    _print(result, args)
    return 0 if result.score >= args.min_score else 1


def _print(result, args: argparse.Namespace) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False)
    shown = result.checks if args.all else result.failed
    if shown and not args.quiet:
        table = Table(title="workbooks with misses" if not args.all else "workbooks",
                      title_justify="left", show_lines=True)
        table.add_column("workbook", overflow="fold")
        table.add_column("verdict")
        table.add_column("misses", overflow="fold")
        for check in shown:
            table.add_row(check.path, "pass" if check.passed else "miss",
                          "\n".join(check.misses))
        console.print(table)
    if not args.quiet:
        passed = len(result.checks) - len(result.failed)
        console.print(f"{passed} of {len(result.checks)} workbooks without a miss")
        for name, measure in result.measures().items():
            console.print(_line(name, measure))
            if name == "record counts":
                for kind in ("loads", "cables", "buses"):
                    console.print(_line(f"  {kind}", result.counts_of(kind)))
    print(f"score {_floor(result.score):.3f}")


def _line(name: str, measure) -> str:
    if measure.accuracy is None:
        return f"{name:<14} -      (not checked)"
    return (f"{name:<14} {_floor(measure.accuracy):.3f}  "
            f"({measure.ok}/{measure.total})")


def _floor(value: float) -> float:
    return math.floor(value * 1000 + 1e-9) / 1000

"""``excel-extract learn``: keep an engineer's corrections for next time."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import ConfigurationError

LEARN_HELP = """\
Change a column's Record and Field on the Mapping sheet (or clear both), or
a sheet's Kind on the Sheets sheet, save, then run learn. A row that differs
from a fresh extraction of the workbook is a correction. A corrected header
becomes a synonym of its new field and a corrected kind is kept under
[sheet_kinds], so the next workbook with that header or sheet name is read
right by itself. Without --vocabulary the corrections go to your own
vocabulary, which every extraction reads:
  $EXCEL_EXTRACT_CONFIG_DIR/vocabulary.toml, or the platform's configuration
  folder (platformdirs.user_config_dir("excel-extract")).
The file is readable TOML; share it with a team through --vocabulary."""


def add_parser(sub, common) -> None:
    """Register the command."""
    cmd = sub.add_parser(
        "learn", help="store the corrections of a results workbook",
        description="Read the corrections made in a results workbook and store "
        "them in a vocabulary file.", epilog=LEARN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmd.add_argument("results", type=Path, metavar="RESULTS.xlsx",
                     help="results workbook with a corrected Mapping or Sheets sheet")
    cmd.add_argument("--vocabulary", type=Path, metavar="FILE",
                     help="vocabulary file to store into (default: your own)")
    cmd.add_argument("--book", type=Path, metavar="BOOK",
                     help="the workbook the results came from (default: "
                     "BOOK.* next to BOOK.results.xlsx)")
    common(cmd)
    cmd.set_defaults(func=_learn)


def _learn(args: argparse.Namespace) -> int:
    from ..learn import corrections_in, learn, results_rows, source_of
    from ..pipeline import Settings
    from ..vocabulary import user_vocabulary_path

    results: Path = args.results
    if not results.is_file():
        raise ConfigurationError("results workbook not found; check the path",
                                 path=str(results))
    book = args.book or source_of(results)
    if book is None:
        results_rows(results)  # a file that is no results workbook is told so
        raise ConfigurationError("cannot find the workbook these results came "
                                 "from; pass --book BOOK", path=str(results))
    target = args.vocabulary or user_vocabulary_path()
    settings = Settings()
    if args.vocabulary and args.vocabulary.is_file():
        settings.vocabulary_files = (args.vocabulary,)
    learned = corrections_in(results, book, settings)
    if not (learned.columns or learned.kinds):
        print(f"no corrections in {results}: it agrees with a fresh extraction "
              f"of {book}")
        return 0
    headers, kinds, skipped = learn(learned, target)
    if not args.quiet:
        for c in learned.columns:
            print(f"{c.sheet!r} column {c.header!r}: {c.target or 'no field'} "
                  f"(was {c.was or 'no field'})")
        for sheet, (kind, was) in learned.kinds.items():
            print(f"sheet {sheet!r}: {kind} (was {was})")
        for note in skipped:
            print(f"not stored: {note}")
    print(f"learned {headers} header(s) and {kinds} sheet kind(s) into {target}")
    return 0

"""The command line: ``excel-extract run BOOK`` and friends.

A thin layer over the library: it parses arguments, sets up logging, runs
the pipeline, writes the results and prints a short summary. Errors of the
product's own kinds are one line each, with an exit code per kind.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys

from . import __version__
from .errors import ExtractError

COMMANDS = ["run", "batch", "rules", "eval", "generate", "learn", "cache", "bench",
            "addin_run"]

EXIT_CODES = """exit codes:
  0  success
  1  unexpected internal error (rerun with --debug and report it)
  2  usage or configuration error
  3  input not found or not a file
  4  unreadable or unsupported workbook
  5  password-protected workbook
  6  a size limit was exceeded
  7  a result file could not be written
  8  partial success: some sheets could not be read (see the findings);
     in a batch: no file failed, but some were read in part
  9  some files in a batch failed"""


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``excel-extract`` command.

    Without ``argv`` (the command itself, arguments from ``sys.argv``) the
    process is about to end: the objects left are frozen, which spares it
    the cycle collection Python makes over all of them at exit (tens of
    milliseconds after an extraction). Called with ``argv`` (in tests, from
    other code) nothing is frozen.
    """
    parser = _parser()
    args = parser.parse_args(argv)
    _logging(args)
    try:
        return args.func(args)
    except ExtractError as exc:
        if getattr(args, "debug", False):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if argv is None:
            gc.freeze()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="excel-extract",
        description="Extract loads, cables and buses from electrical "
        "engineering workbooks (xlsx, xlsm, xlsb, xls, ods, csv).",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=__version__)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"extractor.commands.{name}")
        module.add_parser(sub, common)
    return parser


def common(p: argparse.ArgumentParser) -> None:
    """Options every command takes."""
    p.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    p.add_argument("-v", "--verbose", action="count", default=0,
                   help="log each workbook and sheet (-vv for details)")
    p.add_argument("--debug", action="store_true",
                   help="show tracebacks of errors")


def _logging(args: argparse.Namespace) -> None:
    level = logging.WARNING
    if getattr(args, "verbose", 0) == 1:
        level = logging.INFO
    elif getattr(args, "verbose", 0) > 1:
        level = logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def positive(kind):
    """An argparse type: a number of ``kind`` (int or float) above zero."""
    what = "a whole number" if kind is int else "a number"

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            value = 0
        if not value > 0:
            raise argparse.ArgumentTypeError(f"{text!r} is not {what} above 0")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its messages
    return parse


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

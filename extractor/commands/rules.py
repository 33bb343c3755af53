"""``excel-extract rules``: list the engineering rules and what they check."""

from __future__ import annotations

import argparse


def add_parser(sub, common) -> None:
    """Register the command."""
    rules = sub.add_parser(
        "rules", help="list the engineering rules (switch one off with "
        "--disable-rule ID on run, or [checks] disabled = [...] in a settings file)",
        description="List every engineering rule: its id, severity and what it "
        "checks. Switch a rule off with `run --disable-rule ID` or in a settings "
        "file given with `run --settings FILE`:\n\n  [checks]\n  disabled = "
        "[\"voltage-drop\"]\n  voltage_drop_other_pct = 4.0",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(rules)
    rules.set_defaults(func=_rules)


def _rules(args: argparse.Namespace) -> int:
    from ..checks import format_rules

    print(format_rules())
    return 0

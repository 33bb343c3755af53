"""``excel-extract learn``."""

from __future__ import annotations


def add_parser(sub, common) -> None:
    """Register the command."""
    cmd = sub.add_parser("learn", help="(being built)")
    common(cmd)
    cmd.set_defaults(func=lambda args: 2)

"""The short terminal summary of one extraction."""

from __future__ import annotations

from pathlib import Path

from .blocks import RecordBlock
from .records import Record
from .report import Report


def print_summary(report: Report, written: list[Path]) -> None:
    """Sheets with their kind and counts, totals, and where results went."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{Path(report.source).name}", title_justify="left")
    for name in ("sheet", "kind", "kind confidence", "loads", "cables", "buses"):
        table.add_column(name, justify="right" if name not in ("sheet", "kind")
                         else "left")
    for sheet in report.sheets:
        table.add_row(sheet.name, sheet.kind, f"{sheet.confidence:.2f}",
                      str(sheet.loads), str(sheet.cables), str(sheet.buses))
    console.print(table)
    doubtful = sum(_doubtful(piece) for k in ("load", "cable", "bus")
                   for piece in report.pieces(k))
    console.print(
        f"{report.count('load')} loads, {report.count('cable')} cables, "
        f"{report.count('bus')} buses; mean record confidence "
        f"{report.confidence:.2f}; "
        f"{doubtful} doubtful values; {len(report.findings)} findings; "
        f"extracted in {report.performance.total_seconds:.2f} s",
        soft_wrap=True, highlight=False,
    )
    for path in written:
        console.print(f"wrote {path}", soft_wrap=True, highlight=False)


def _doubtful(records: RecordBlock | list[Record]) -> int:
    """How many values have a confidence below 0.6."""
    if isinstance(records, RecordBlock):
        return sum(1 for column in records.fields.values()
                   for value, conf in zip(column.values, column.confidences)
                   if value is not None and conf < 0.6)
    return sum(1 for r in records for fv in r.fields().values() if fv.confidence < 0.6)

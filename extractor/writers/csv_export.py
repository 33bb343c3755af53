"""Records as CSV: one file per record kind, values only.

The files are UTF-8 with a byte-order mark, so Excel reads "mm²" and "cos φ"
correctly when the file is opened by double-click.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Sequence
from pathlib import Path

from ..records import Bus, Cable, Load, Record
from ..report import Report
from .atomic import atomic_write

log = logging.getLogger(__name__)

CSV_KINDS: list[tuple[str, type[Record]]] = [
    ("loads", Load), ("cables", Cable), ("buses", Bus),
]


def write_csv(report: Report, folder: Path | str, stem: str) -> list[Path]:
    """Write ``<stem>.loads.csv``, ``.cables.csv`` and ``.buses.csv`` in ``folder``.

    Each has the columns sheet, row, confidence and then every field of its
    record type; a field that was not filled is an empty cell. Files are
    written even when there are no records of a kind, with the header only.
    """
    paths = []
    for kind, record_type in CSV_KINDS:
        path = Path(folder) / f"{stem}.{kind}.csv"
        rows = csv_rows(record_type, getattr(report, kind))
        paths.append(atomic_write(path, lambda tmp, rows=rows: _write(tmp, rows)))
        log.info("wrote %s (%d records)", path, len(rows) - 1)
    return paths


def csv_rows(record_type: type[Record], records: Sequence[Record]) -> list[list]:
    """The header row, then one row of values per record."""
    names = record_type.field_names()
    rows: list[list] = [["sheet", "row", "confidence", *names]]
    for record in records:
        values = [record.get(name) for name in names]
        rows.append([record.sheet, record.row, record.confidence, *values])
    return rows


def _write(tmp: Path, rows: list[list]) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)

"""Records as CSV: one file per record kind, values only.

The files are UTF-8 with a byte-order mark, so Excel reads "mm²" and "cos φ"
correctly when the file is opened by double-click. Records kept by column
are written row by row from their columns, without making them.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Iterator
from pathlib import Path

from ..blocks import RecordBlock
from ..records import Bus, Cable, Load, Record
from ..report import Report
from .atomic import atomic_write

log = logging.getLogger(__name__)

CSV_KINDS: list[tuple[str, str, type[Record]]] = [
    ("load", "loads", Load), ("cable", "cables", Cable), ("bus", "buses", Bus),
]


def write_csv(report: Report, folder: Path | str, stem: str) -> list[Path]:
    """Write ``<stem>.loads.csv``, ``.cables.csv`` and ``.buses.csv`` in ``folder``.

    Each has the columns sheet, row, confidence and then every field of its
    record type; a field that was not filled is an empty cell. Files are
    written even when there are no records of a kind, with the header only.
    """
    paths = []
    for kind, plural, record_type in CSV_KINDS:
        path = Path(folder) / f"{stem}.{plural}.csv"
        rows = csv_rows(record_type, report.pieces(kind))
        paths.append(atomic_write(path, lambda tmp, rows=rows: _write(tmp, rows)))
        log.info("wrote %s (%d records)", path, report.count(kind))
    return paths


def csv_rows(record_type: type[Record],
             pieces: list[RecordBlock | list[Record]]) -> Iterator[list]:
    """The header row, then one row of values per record."""
    names = record_type.field_names()
    yield ["sheet", "row", "confidence", *names]
    for piece in pieces:
        if isinstance(piece, RecordBlock):
            yield from _block_rows(piece, names)
            continue
        for record in piece:
            values = [record.get(name) for name in names]
            yield [record.sheet, record.row, record.confidence, *values]


def _block_rows(block: RecordBlock, names: list[str]) -> Iterator[list]:
    n = len(block)
    confidences = block.confidences or [0.0] * n
    empty = [None] * n
    columns = [block.values(name) or empty for name in names]
    for i, row in enumerate(block.rows):
        yield [block.sheet, row, confidences[i], *(column[i] for column in columns)]


def _write(tmp: Path, rows: Iterator[list]) -> None:
    with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)

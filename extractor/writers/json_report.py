"""The report as JSON: every record with its provenance, then the rest.

A record's fields that were not filled are left out; a filled field keeps
all its keys, so a null ``raw`` or ``cell`` still says "nothing was read".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

from ..blocks import RecordBlock, RowNote, raw_text
from ..records import RECORD_TYPES, Record, _own_fields
from ..report import Report
from .atomic import atomic_write

log = logging.getLogger(__name__)

RECORD_KEYS = {"sheet", "row", "confidence"}
CHUNK_RECORDS = 2048
"""Records of a block made column by column at once."""


def report_to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data, records first."""
    return {
        "source": report.source,
        "format": report.format,
        "version": report.version,
        "confidence": report.confidence,
        "loads": [record_to_dict(r) for r in report.loads],
        "cables": [record_to_dict(r) for r in report.cables],
        "buses": [record_to_dict(r) for r in report.buses],
        "sheets": [s.model_dump(mode="json") for s in report.sheets],
        "mappings": [m.model_dump(mode="json") for m in report.mappings],
        "findings": [f.model_dump(mode="json") for f in report.findings],
        "performance": report.performance.model_dump(mode="json"),
    }


def record_to_dict(record: Record) -> dict[str, Any]:
    """sheet, row, confidence, then each filled field with all its keys."""
    out = record.model_dump(mode="json", include=RECORD_KEYS)
    for name, fv in record.fields().items():
        out[name] = fv.model_dump(mode="json")
    return out


def write_json_report(report: Report, path: Path | str) -> Path:
    """Write the report as UTF-8 JSON at ``path``, atomically.

    The data of :func:`report_to_dict`, a record (sheet, mapping, finding)
    a line, written record by record: a large report's records are never
    all held as dicts at once, and those kept by column are read from their
    columns.
    """
    from ..pipeline import without_cycle_collection

    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="\n") as out:
            _write_report(report, out)

    # the dicts of the records have no cycles: the collector need not walk
    # the report again and again while they are made
    with without_cycle_collection():
        written = atomic_write(path, write)

    log.info("wrote %s", written)
    return written


def _write_report(report: Report, out: TextIO) -> None:
    head = {"source": report.source, "format": report.format,
            "version": report.version, "confidence": report.confidence}
    out.write("{\n")
    for key, value in head.items():
        out.write(f"  {_dumps(key)}: {_dumps(value)},\n")
    for key, kind in (("loads", "load"), ("cables", "cable"), ("buses", "bus")):
        out.write(f"  {_dumps(key)}: ")
        _write_list(out, _record_dicts(report, kind))
        out.write(",\n")
    tail = {
        "sheets": [s.model_dump(mode="json") for s in report.sheets],
        "mappings": [m.model_dump(mode="json") for m in report.mappings],
        "findings": [f.model_dump(mode="json") for f in report.findings],
    }
    for key, items in tail.items():
        out.write(f"  {_dumps(key)}: ")
        _write_list(out, iter(items))
        out.write(",\n")
    performance = json.dumps(report.performance.model_dump(mode="json"), indent=2,
                             ensure_ascii=False).replace("\n", "\n  ")
    out.write(f'  "performance": {performance}\n}}\n')


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _write_list(out: TextIO, items: Iterator[dict[str, Any]]) -> None:
    """A list at the second level of indentation, one item a line.

    Each item is compact JSON from the standard encoder, which runs in C
    only when it does not indent: a large report has millions of fields."""
    first = next(items, None)
    if first is None:
        out.write("[]")
        return
    out.write("[\n    ")
    out.write(_dumps(first))
    for item in items:
        out.write(",\n    ")
        out.write(_dumps(item))
    out.write("\n  ]")


def _record_dicts(report: Report, kind: str) -> Iterator[dict[str, Any]]:
    """:func:`record_to_dict` of each record of a kind, in order."""
    for piece in report.pieces(kind):
        if isinstance(piece, RecordBlock):
            yield from _block_dicts(piece)
        else:
            yield from map(record_to_dict, piece)


def _block_dicts(block: RecordBlock) -> Iterator[dict[str, Any]]:
    """:func:`record_to_dict` of each record of a block, made column by
    column, a chunk of records at a time."""
    names = [n for n in _own_fields(RECORD_TYPES[block.kind]) if n in block.fields]
    confidences = block.confidences or [0.0] * len(block)
    for start in range(0, len(block), CHUNK_RECORDS):
        stop = min(start + CHUNK_RECORDS, len(block))
        columns = [(name, _column_dicts(block, name, start, stop)) for name in names]
        for i in range(start, stop):
            out: dict[str, Any] = {"sheet": block.sheet, "row": block.rows[i],
                                   "confidence": confidences[i]}
            for name, fields in columns:
                field_dict = fields[i - start]
                if field_dict is not None:
                    out[name] = field_dict
            yield out


def _column_dicts(block: RecordBlock, name: str, start: int,
                  stop: int) -> list[dict[str, Any] | None]:
    """One field of records ``start`` to ``stop`` as :meth:`FieldValue.model_dump`
    gives it, None where a record has none."""
    column = block.fields[name]
    sources, values = column.sources, column.values
    dicts: list[dict[str, Any] | None] = []
    for i in range(start, stop):
        value = values[i]
        if value is None:
            dicts.append(None)
            continue
        row = block.rows[i]
        dicts.append({
            "value": value, "confidence": column.confidences[i],
            "cell": block.cell(column, i), "raw": raw_text(column.raws[i]),
            "source": sources if isinstance(sources, str) else sources[i],
            "notes": [n.on(row) if type(n) is RowNote else n
                      for n in column.notes[i]]})
    return dicts

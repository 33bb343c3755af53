"""The report as JSON: every record with its provenance, then the rest.

A record's fields that were not filled are left out; a filled field keeps
all its keys, so a null ``raw`` or ``cell`` still says "nothing was read".
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from collections.abc import Iterator
from typing import Any, TextIO

from ..blocks import RecordBlock
from ..records import RECORD_TYPES, Record, _own_fields
from ..report import Report
from .atomic import atomic_write

log = logging.getLogger(__name__)

RECORD_KEYS = {"sheet", "row", "confidence"}


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
    """Write the report as indented UTF-8 JSON at ``path``, atomically.

    The same text as ``json.dumps(report_to_dict(report), indent=2)``,
    written record by record: a large report's records are never all held
    as dicts at once, and those kept by column are read from their columns.
    """
    def write(tmp: Path) -> None:
        with tmp.open("w", encoding="utf-8", newline="\n") as out:
            _write_report(report, out)

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
    """A list at the second level of indentation, as json.dumps lays it out."""
    first = next(items, None)
    if first is None:
        out.write("[]")
        return
    out.write("[\n")
    out.write(_indented(first))
    for item in items:
        out.write(",\n")
        out.write(_indented(item))
    out.write("\n  ]")


def _indented(item: dict[str, Any]) -> str:
    text = json.dumps(item, indent=2, ensure_ascii=False)
    return "    " + text.replace("\n", "\n    ")


def _record_dicts(report: Report, kind: str) -> Iterator[dict[str, Any]]:
    """:func:`record_to_dict` of each record of a kind, in order."""
    for piece in report.pieces(kind):
        if isinstance(piece, RecordBlock):
            yield from _block_dicts(piece)
        else:
            for record in piece:
                yield record_to_dict(record)


def _block_dicts(block: RecordBlock) -> Iterator[dict[str, Any]]:
    """:func:`record_to_dict` of each record of a block, from its columns."""
    names = [n for n in _own_fields(RECORD_TYPES[block.kind]) if n in block.fields]
    for i, row in enumerate(block.rows):
        out: dict[str, Any] = {
            "sheet": block.sheet, "row": row,
            "confidence": block.confidences[i] if block.confidences else 0.0}
        for name in names:
            fv = block.field_value(name, i)
            if fv is not None:
                out[name] = {"value": fv.value, "confidence": fv.confidence,
                             "cell": fv.cell, "raw": fv.raw, "source": fv.source,
                             "notes": fv.notes}
        yield out

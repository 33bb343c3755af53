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

from ..blocks import RecordBlock, RowNote, raw_text
from ..records import RECORD_TYPES, Record, _own_fields
from ..report import Report
from .atomic import atomic_write

log = logging.getLogger(__name__)

RECORD_KEYS = {"sheet", "row", "confidence"}
CHUNK_RECORDS = 2048
"""Records of a block whose text is made field by field at once."""


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
        _write_list(out, _record_texts(report, kind))
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


def _write_list(out: TextIO, items: Iterator[dict[str, Any]] | Iterator[str]) -> None:
    """A list at the second level of indentation, as json.dumps lays it out;
    its items are dicts, or texts already laid out by :func:`_record_text`."""
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


def _indented(item: dict[str, Any] | str) -> str:
    if isinstance(item, str):
        return item
    text = json.dumps(item, indent=2, ensure_ascii=False)
    return "    " + text.replace("\n", "\n    ")


_string = getattr(json.encoder, "c_encode_basestring", None) or \
    json.encoder.py_encode_basestring


def _scalar(value: Any) -> str:
    """A field's value, confidence, cell, raw or source as json.dumps writes it."""
    kind = type(value)
    if kind is str:
        return _string(value)
    if kind is float:
        if value != value:
            return "NaN"
        if value in (float("inf"), float("-inf")):
            return "Infinity" if value > 0 else "-Infinity"
        return float.__repr__(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    return json.dumps(value, ensure_ascii=False)


def _record_text(sheet: str, row: int, confidence: float,
                 fields: Iterator[str]) -> str:
    """One record as :func:`record_to_dict` then json.dumps would lay it out
    in the list of its kind, its fields laid out by :func:`_field_text`."""
    return (f'    {{\n      "sheet": {_string(sheet)},\n      "row": {row},\n'
            f'      "confidence": {_scalar(confidence)}{"".join(fields)}\n    }}')


def _field_text(name: str, value: Any, confidence: str, cell: str | None,
                raw: str | None, source: str, notes: list[str] | tuple[str, ...]) -> str:
    """A filled field of a record, its confidence already written.

    The JSON encoder indents in Python, one call per item; a large report
    has millions of field values, so the layout is written directly."""
    if notes:
        listed = ",\n          ".join(map(_string, notes))
        notes_text = f"[\n          {listed}\n        ]"
    else:
        notes_text = "[]"
    return (f',\n      "{name}": {{\n        "value": {_scalar(value)},\n'
            f'        "confidence": {confidence},\n'
            f'        "cell": {_scalar(cell)},\n        "raw": {_scalar(raw)},\n'
            f'        "source": {_string(source)},\n        "notes": {notes_text}\n'
            '      }')


def _record_texts(report: Report, kind: str) -> Iterator[str]:
    """Each record of a kind as :func:`_record_text` lays it out, in order."""
    for piece in report.pieces(kind):
        if isinstance(piece, RecordBlock):
            yield from _block_texts(piece)
            continue
        for record in piece:
            yield _record_text(record.sheet, record.row, record.confidence, (
                _field_text(name, fv.value, _scalar(fv.confidence), fv.cell, fv.raw,
                            fv.source, fv.notes)
                for name, fv in record.fields().items()))


def _block_texts(block: RecordBlock) -> Iterator[str]:
    """Each record of a block as :func:`_record_text` lays it out, its
    fields written column by column."""
    names = [n for n in _own_fields(RECORD_TYPES[block.kind]) if n in block.fields]
    confidences = block.confidences or [0.0] * len(block)
    written: dict[float, str] = {}  # a block has few distinct confidences
    for start in range(0, len(block), CHUNK_RECORDS):
        stop = min(start + CHUNK_RECORDS, len(block))
        columns = [_column_texts(block, name, start, stop, written) for name in names]
        for i in range(start, stop):
            yield _record_text(block.sheet, block.rows[i], confidences[i],
                               [texts[i - start] for texts in columns
                                if texts[i - start]])


def _column_texts(block: RecordBlock, name: str, start: int, stop: int,
                  written: dict[float, str]) -> list[str]:
    """Records' :func:`_field_text` of one field, "" where they have none."""
    column = block.fields[name]
    texts = []
    sources = column.sources
    values = column.values
    for i in range(start, stop):
        value = values[i]
        if value is None:
            texts.append("")
            continue
        confidence = column.confidences[i]
        conf_text = written.get(confidence)
        if conf_text is None:
            conf_text = written[confidence] = _scalar(confidence)
        row = block.rows[i]
        texts.append(_field_text(
            name, value, conf_text, block.cell(column, i), raw_text(column.raws[i]),
            sources if isinstance(sources, str) else sources[i],
            [n.on(row) if type(n) is RowNote else n for n in column.notes[i]]))
    return texts

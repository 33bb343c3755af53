"""The report as JSON: every record with its provenance, then the rest.

A record's fields that were not filled are left out; a filled field keeps
all its keys, so a null ``raw`` or ``cell`` still says "nothing was read".
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from ..records import Record
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
    """Write the report as indented UTF-8 JSON at ``path``, atomically."""
    text = json.dumps(report_to_dict(report), indent=2, ensure_ascii=False)
    written = atomic_write(
        path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8")
    )
    log.info("wrote %s", written)
    return written

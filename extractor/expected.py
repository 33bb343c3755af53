"""Labels of what a careful engineer reads from a workbook, and the check.

The label format is that of ``expected.toml``: per workbook the record
counts (a number, or ``[low, high]``), the kind of named sheets, and spot
checks naming one record and some of its field values. Keys the check does
not know (``why``, ``features``, anything added later) are ignored.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .records import Record
from .report import Report

REL_TOL = 1e-3


@dataclass(slots=True)
class Check:
    """The misses of one workbook against its label."""

    path: str
    misses: list[str] = field(default_factory=list)
    counts_ok: int = 0
    counts_total: int = 0
    kinds_ok: int = 0
    kinds_total: int = 0
    spots_ok: int = 0
    spots_total: int = 0
    fields_ok: int = 0
    fields_total: int = 0
    count_results: dict[str, bool] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return not self.misses


def load_labels(path: str | Path) -> list[dict]:
    """The ``[[workbook]]`` entries of a label file."""
    with open(path, "rb") as fh:
        return list(tomllib.load(fh).get("workbook", []))


def check_report(report: Report, label: dict) -> Check:
    """Compare a report with one workbook's label."""
    check = Check(label["path"])
    for kind in ("loads", "cables", "buses"):
        if kind not in label:
            continue
        check.counts_total += 1
        got = len(getattr(report, kind))
        ok = _count_ok(got, label[kind])
        check.count_results[kind] = ok
        if ok:
            check.counts_ok += 1
        else:
            check.misses.append(f"{kind}: {got}, expected {label[kind]}")
    kinds = {s.name: s.kind for s in report.sheets}
    for sheet, want in label.get("sheets", {}).items():
        check.kinds_total += 1
        if kinds.get(sheet) == want:
            check.kinds_ok += 1
        else:
            check.misses.append(f"sheet {sheet!r}: {kinds.get(sheet)}, expected {want}")
    for spot in label.get("spot", []):
        _check_spot(check, report, spot)
    return check


def _check_spot(check: Check, report: Report, spot: dict) -> None:
    """One spot: the record must be found and each named field must agree.

    Every named field is one field check (all missed when the record is not
    found); a spot that names no field is one check of the match alone.
    """
    check.spots_total += 1
    fields = spot.get("fields", {})
    check.fields_total += max(1, len(fields))
    records = report.records(spot["kind"])
    rec = find_record(records, str(spot["match"]), spot.get("prefix", False))
    if rec is None:
        check.misses.append(f"{spot['kind']} {spot['match']!r} not found")
        return
    missed = _field_misses(rec, spot)
    check.misses.extend(missed)
    check.spots_ok += int(not missed)
    check.fields_ok += max(1, len(fields)) - len(missed)


def _count_ok(got: int, want) -> bool:
    if isinstance(want, list):
        return want[0] <= got <= want[1]
    return got == want


def find_record(records: list[Record], match: str, prefix: bool = False):
    """The record named by tag, description, source bus or FROM->TO."""
    want = _norm(match)
    for name in ("tag", "description", "source_bus"):
        for rec in records:
            value = rec.get(name)
            if value is None:
                continue
            text = _norm(_text(value))
            if text == want or (prefix and text.startswith(want)):
                return rec
    for rec in records:
        ends = f"{_text(rec.get('from_ref'))}->{_text(rec.get('to_ref'))}"
        if _norm(ends) == want:
            return rec
    return None


def _field_misses(rec: Record, spot: dict) -> list[str]:
    misses = []
    for name, want in spot.get("fields", {}).items():
        got = rec.get(name)
        if not _same(got, want):
            misses.append(f"{spot['kind']} {spot['match']!r}.{name}: {got!r}, "
                          f"expected {want!r}")
    return misses


def _same(got, want) -> bool:
    if isinstance(want, (int, float)) and not isinstance(want, bool):
        if isinstance(got, str):
            try:
                got = float(got)
            except ValueError:
                return False
        if not isinstance(got, (int, float)) or isinstance(got, bool):
            return False
        return math.isclose(got, want, rel_tol=REL_TOL, abs_tol=1e-9)
    return _norm(_text(got)) == _norm(str(want))


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()

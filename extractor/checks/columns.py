"""All records of one kind, read field by field, for rules that read them all.

A rule reads a column of values, picks the few records that may break it
and makes only those into records to word its finding. Records kept in
blocks are read from their lists; other records value by value. A finding
marks a field in place, in a block or on the record.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import repeat
from typing import Any, TypeVar

from ..blocks import RecordBlock, construct
from ..records import RECORD_TYPES, FieldValue, Record, Value
from ..report import Report

LABEL_FIELDS = ("tag", "description")
"""The fields :meth:`Record.label` reads."""

T = TypeVar("T")
R = TypeVar("R", bound=Record)


class KindColumns:
    """The records of one kind of a report, by index across all of them."""

    def __init__(self, report: Report, kind: str) -> None:
        self.kind = kind
        self.pieces = [p for p in report.pieces(kind) if len(p)]
        self.starts: list[int] = []
        total = 0
        for piece in self.pieces:
            self.starts.append(total)
            total += len(piece)
        self.size = total
        self._values: dict[str, list[Any]] = {}
        self._kept: dict[str, Any] = {}

    def __len__(self) -> int:
        return self.size

    def values(self, name: str) -> list[Any]:
        """The field's value for every record, None where it has none."""
        if name not in self._values:
            out: list[Any] = []
            for piece in self.pieces:
                if isinstance(piece, RecordBlock):
                    got = piece.values(name)
                    out += got if got is not None else [None] * len(piece)
                else:
                    out += [rec.get(name) for rec in piece]
            self._values[name] = out
        return self._values[name]

    def numbers(self, name: str) -> list[float | None]:
        """The field's value where it is a number (not a bool), as a float."""
        key = f"{name} as numbers"
        if key not in self._values:
            from .electrical import numbers

            self._values[key] = numbers(self.values(name))
        return self._values[key]

    def kept(self, name: str, make: Callable[[], T]) -> T:
        """What ``make`` works out from the columns, made once and kept for
        the other rules that need it."""
        if name not in self._kept:
            self._kept[name] = make()
        return self._kept[name]  # type: ignore[no-any-return]

    def _locate(self, index: int) -> tuple[RecordBlock | list[Record], int]:
        k = bisect_right(self.starts, index) - 1
        return self.pieces[k], index - self.starts[k]

    def record(self, index: int) -> Record:
        """The record: itself if kept as one, else made from its block (a
        copy, for reading)."""
        piece, i = self._locate(index)
        return piece.record(i) if isinstance(piece, RecordBlock) else piece[i]

    def record_with(self, index: int, *names: str) -> Record:
        """The record with only the fields ``names`` and those of its label:
        enough to word a finding, for a fraction of the cost of the whole
        record. A record kept as one is itself."""
        piece, i = self._locate(index)
        if not isinstance(piece, RecordBlock):
            return piece[i]
        model = RECORD_TYPES[piece.kind]
        data: dict[str, Any] = {
            "sheet": piece.sheet, "row": piece.rows[i],
            "confidence": piece.confidences[i] if piece.confidences else 0.0}
        data.update(dict.fromkeys(model.field_names()))
        for name in (*LABEL_FIELDS, *names):
            if name in piece.fields:
                data[name] = piece.field_value(name, i)
        return construct(model, data)

    def sheet_names(self) -> set[str]:
        """The sheets the records are on."""
        out: set[str] = set()
        for piece in self.pieces:
            if isinstance(piece, RecordBlock):
                out.add(piece.sheet)
            else:
                out.update(rec.sheet for rec in piece)
        return out

    def sheets(self) -> list[str]:
        """The sheet of every record."""
        out: list[str] = []
        for piece in self.pieces:
            if isinstance(piece, RecordBlock):
                out += repeat(piece.sheet, len(piece))
            else:
                out += [rec.sheet for rec in piece]
        return out

    def sheet_rows(self) -> list[int]:
        """The 1-based sheet row of every record."""
        out: list[int] = []
        for piece in self.pieces:
            out += piece.rows if isinstance(piece, RecordBlock) else [
                rec.row for rec in piece]
        return out

    def sources(self, name: str) -> list[str | None]:
        """Where the field's value came from (cell, derived, ...), None where
        the record has no value."""
        out: list[str | None] = []
        for piece in self.pieces:
            if not isinstance(piece, RecordBlock):
                fvs = [getattr(rec, name, None) for rec in piece]
                out += [None if fv is None else fv.source for fv in fvs]
                continue
            column = piece.fields.get(name)
            if column is None:
                out += [None] * len(piece)
            elif isinstance(column.sources, str):
                source = column.sources
                out += [None if v is None else source for v in column.values]
            else:
                out += [None if v is None else s
                        for v, s in zip(column.values, column.sources)]
        return out

    def field_value(self, index: int, name: str) -> FieldValue | None:
        piece, i = self._locate(index)
        if isinstance(piece, RecordBlock):
            return piece.field_value(name, i)
        return getattr(piece[i], name, None)

    def records(self, indexes: list[int]) -> Iterator[tuple[int, Record]]:
        for index in indexes:
            yield index, self.record(index)


def sketch(model: type[R], values: dict[str, Value]) -> R:
    """A record holding only ``values``, without cells: for the functions
    written for records to read values taken from columns."""
    data: dict[str, Any] = {"sheet": "", "row": 0, "confidence": 0.0}
    data.update(dict.fromkeys(model.field_names()))
    data.update({name: FieldValue(value, 1.0) for name, value in values.items()
                 if value is not None})
    return construct(model, data)  # type: ignore[return-value]

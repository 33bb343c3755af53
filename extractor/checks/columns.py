"""All records of one kind, read field by field, for rules that read them all.

A rule reads a column of values, picks the few records that may break it
and makes only those into records to word its finding. Records kept in
blocks are read from their lists; other records value by value. A finding
marks a field in place, in a block or on the record.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterator
from typing import Any

from ..blocks import RecordBlock
from ..records import FieldValue, Record
from ..report import Report


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
        return [float(v) if type(v) in (float, int) else None
                for v in self.values(name)]

    def forget(self, name: str) -> None:
        """Read the field afresh next time (it was filled in)."""
        self._values.pop(name, None)

    def _locate(self, index: int) -> tuple[RecordBlock | list[Record], int]:
        k = bisect_right(self.starts, index) - 1
        return self.pieces[k], index - self.starts[k]

    def record(self, index: int) -> Record:
        """The record: itself if kept as one, else made from its block (a
        copy, for reading)."""
        piece, i = self._locate(index)
        return piece.record(i) if isinstance(piece, RecordBlock) else piece[i]

    def field_value(self, index: int, name: str) -> FieldValue | None:
        piece, i = self._locate(index)
        if isinstance(piece, RecordBlock):
            return piece.field_value(name, i)
        return getattr(piece[i], name, None)

    def records(self, indexes: list[int]) -> Iterator[tuple[int, Record]]:
        for index in indexes:
            yield index, self.record(index)

    def where(self, keep: Callable[..., bool], *names: str) -> list[int]:
        """The indexes of the records whose values of ``names`` pass ``keep``."""
        columns = [self.values(n) for n in names]
        return [i for i, row in enumerate(zip(*columns)) if keep(*row)]

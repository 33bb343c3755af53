"""Records kept by column: a block of one kind of record from one table.

A schedule of a hundred thousand rows would need millions of
:class:`FieldValue` objects, one per cell, most of which nobody reads. A
:class:`RecordBlock` keeps each field as lists (a value, a confidence, the
cell value as read and the notes per record) and makes a record, with its
field values, only when one is asked for. The checks read the lists
directly; a finding marks a field in place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from operator import add
from typing import Any

from .records import RECORD_TYPES, FieldValue, Record, _own_fields
from .tables import text_of

NO_NOTES: tuple[str, ...] = ()


class Repeated(Sequence):
    """One value ``n`` times, read as a list is, in the space of one: the
    confidences and notes of a column read cell for cell alike. A block
    that changes one of them makes the list first (:meth:`FieldColumn.own`)."""

    __slots__ = ("value", "n")

    def __init__(self, value: Any, n: int) -> None:
        self.value, self.n = value, n

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self.value] * len(range(*i.indices(self.n)))
        if not -self.n <= i < self.n:
            raise IndexError("index out of range")
        return self.value

    def __iter__(self) -> Iterator[Any]:
        return repeat(self.value, self.n)

    def count(self, value: Any) -> int:
        return self.n if value is self.value or value == self.value else 0

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Repeated | list):
            return len(other) == self.n and list(self) == list(other)
        return NotImplemented

    def __repr__(self) -> str:
        return f"Repeated({self.value!r}, {self.n})"

    def __reduce__(self):
        return Repeated, (self.value, self.n)


class RowNote(str):
    """A note that names cells of its own row: "{row}" stands for the row
    number until the field value is made. A derived value's note names its
    inputs' cells; a block keeps one such note for all its rows."""

    def on(self, row: int) -> str:
        return self.format(row=row)


@dataclass(slots=True)
class FieldColumn:
    """One field of a block: a value per record, None where it has none.

    ``cells`` is a column letter when every value comes from that column of
    the record's row, else a cell address (or None) per record. ``raws``
    holds the cells as read; the raw text is made from them when asked.
    ``sources`` is one source for all, or one per record.
    """

    values: list[Any]
    confidences: list[float] | Repeated
    raws: list[Any]
    notes: list[tuple[str, ...] | list[str]] | Repeated
    cells: str | list[str | None] | None
    sources: str | list[str] = "cell"

    def own(self) -> None:
        """Make the confidences and notes lists of their own, to be changed."""
        if not isinstance(self.confidences, list):
            self.confidences = list(self.confidences)
        if not isinstance(self.notes, list):
            self.notes = list(self.notes)

    def take(self, keep: list[int]) -> FieldColumn:
        """The column of the records at ``keep`` only."""
        cells = self.cells if not isinstance(self.cells, list) else [
            self.cells[i] for i in keep]
        sources = self.sources if isinstance(self.sources, str) else [
            self.sources[i] for i in keep]
        return FieldColumn([self.values[i] for i in keep],
                           [self.confidences[i] for i in keep],
                           [self.raws[i] for i in keep],
                           [self.notes[i] for i in keep], cells, sources)


@dataclass(slots=True)
class RecordBlock:
    """Records of one kind from one table, field by field."""

    kind: str
    sheet: str
    rows: list[int]  # 1-based sheet row of each record
    fields: dict[str, FieldColumn] = field(default_factory=dict)
    confidences: list[float] = field(default_factory=list)
    # filled in by the checks: the loads' derived values are in, and the
    # record confidences are those of the finished records (no mark since)
    derived: bool = False
    settled: bool = False
    # records whose fields were marked since their confidence was settled
    touched: set[int] = field(default_factory=set)
    # the findings of the rules on single records, by rule, until the checks
    # of the whole report take them
    findings: dict[str, list] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def values(self, name: str) -> list[Any] | None:
        """The values of a field, None for a field no record has."""
        column = self.fields.get(name)
        return None if column is None else column.values

    def field_value(self, name: str, i: int) -> FieldValue | None:
        column = self.fields.get(name)
        if column is None or column.values[i] is None:
            return None
        sources = column.sources
        return FieldValue(
            value=column.values[i], confidence=column.confidences[i],
            cell=self.cell(column, i),
            raw=raw_text(column.raws[i]),
            source=sources if isinstance(sources, str) else sources[i],  # type: ignore[arg-type]
            notes=[n.on(self.rows[i]) if type(n) is RowNote else n
                   for n in column.notes[i]])

    def cell(self, column: FieldColumn, i: int) -> str | None:
        """The cell a column's value of record ``i`` came from."""
        cells = column.cells
        if isinstance(cells, str):
            return f"{self.sheet}!{cells}{self.rows[i]}"
        return None if cells is None else cells[i]

    def mark(self, name: str, i: int, confidence: float, note: str | None) -> None:
        """Lower a field's confidence and add a note to it, in place."""
        column = self.fields[name]
        column.own()
        column.confidences[i] = confidence
        self.touched.add(i)
        if note is not None and note not in column.notes[i]:
            column.notes[i] = (*column.notes[i], note)

    def record_confidences(self, order: tuple[str, ...] | None = None) -> list[float]:
        """Each record's mean field confidence, the fields summed in
        ``order`` (as records are built when None)."""
        n = len(self.rows)
        sums: list[float] = [0.0] * n
        counts: list[int] = [0] * n
        columns = [self.fields[name] for name in order or self.fields
                   if name in self.fields]
        if all(_full_and_uniform(c) for c in columns):
            total = sum(c.confidences[0] for c in columns) if n else 0.0
            return [round(total / len(columns), 3) if columns else 0.0] * n
        for column in columns:
            if None in column.values:
                confs = [c if v is not None else 0.0
                         for v, c in zip(column.values, column.confidences)]
                filled = [v is not None for v in column.values]
            else:
                confs, filled = column.confidences, [1] * n
            sums = list(map(add, sums, confs))
            counts = list(map(add, counts, filled))
        return [round(s / c, 3) if c else 0.0 for s, c in zip(sums, counts)]

    def record_confidence(self, i: int, order: tuple[str, ...]) -> float:
        """One record's mean field confidence, the fields summed in ``order``."""
        confs = [column.confidences[i] for column in
                 (self.fields[name] for name in order if name in self.fields)
                 if column.values[i] is not None]
        return round(sum(confs) / len(confs), 3) if confs else 0.0

    def take(self, keep: list[int]) -> RecordBlock:
        """The block of the records at ``keep`` only."""
        if len(keep) == len(self.rows):
            return self
        return RecordBlock(self.kind, self.sheet, [self.rows[i] for i in keep],
                           {n: c.take(keep) for n, c in self.fields.items()},
                           [self.confidences[i] for i in keep]
                           if self.confidences else [])

    def record(self, i: int) -> Record:
        """The record at ``i``, with its field values."""
        model = RECORD_TYPES[self.kind]
        data: dict[str, Any] = {
            "sheet": self.sheet, "row": self.rows[i],
            "confidence": self.confidences[i] if self.confidences else 0.0}
        data.update(dict.fromkeys(_own_fields(model)))
        for name in self.fields:
            data[name] = self.field_value(name, i)
        return construct(model, data)

    def records(self) -> list[Record]:
        return [self.record(i) for i in range(len(self.rows))]


def _full_and_uniform(column: FieldColumn) -> bool:
    """Every record has the field, all with one confidence."""
    confs = column.confidences
    return bool(confs) and None not in column.values \
        and confs.count(confs[0]) == len(confs)


def construct(model: type[Record], data: dict[str, Any]) -> Record:
    """A record from values already of their types, without validation.

    ``model_construct`` does the same for any model but costs tens of
    microseconds a record; a block may make a hundred thousand.
    """
    record = model.__new__(model)
    object.__setattr__(record, "__dict__", data)
    object.__setattr__(record, "__pydantic_fields_set__", set(data))
    object.__setattr__(record, "__pydantic_extra__", None)
    object.__setattr__(record, "__pydantic_private__", None)
    return record


def raw_text(value: Any) -> str | None:
    """The raw text of a cell value, as a field value keeps it."""
    if value is None or isinstance(value, str):
        return value
    return text_of(value)

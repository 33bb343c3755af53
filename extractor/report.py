"""The report: records, per-sheet results, mappings, findings and timings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from .records import Bus, Cable, Load, Record

if TYPE_CHECKING:
    from .blocks import RecordBlock

SheetKind = Literal[
    "load_schedule", "cable_schedule", "feeder_schedule", "bus_schedule", "other"
]
Severity = Literal["error", "warning", "info"]


class ColumnMapping(BaseModel):
    """How one column of a table was given a field, or why it was not."""

    model_config = ConfigDict(extra="forbid")

    sheet: str
    table: int = Field(description="Index of the table in its sheet, from 0")
    column: str = Field(description="Column letter, e.g. 'D'")
    header: str = Field(description="The header text, rows joined by ' / '")
    unit: str | None = None
    record: str | None = Field(None, description="load, cable or bus")
    field: str | None = None
    method: str = Field("none", description="exact, synonym, fuzzy, user, none")
    score: float = 0.0
    confidence: float = 0.0
    alternatives: list[str] = Field(default_factory=list)


class SheetResult(BaseModel):
    """What was found on one sheet."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kind: SheetKind = "other"
    confidence: float = 0.0
    visible: bool = True
    evidence: list[str] = Field(default_factory=list)
    header_rows: list[int] = Field(
        default_factory=list, description="1-based header rows of each table"
    )
    tables: int = 0
    loads: int = 0
    cables: int = 0
    buses: int = 0
    seconds: float = 0.0


class Finding(BaseModel):
    """A problem found in the input or the records."""

    model_config = ConfigDict(extra="forbid")

    rule: str
    severity: Severity = "warning"
    cell: str | None = Field(None, description="Sheet!A1")
    record: str | None = None
    field: str | None = None
    message: str
    suggestion: str | None = None


class Performance(BaseModel):
    """Where the time and memory went."""

    model_config = ConfigDict(extra="forbid")

    stages: dict[str, float] = Field(default_factory=dict, description="seconds")
    total_seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_memory_mb: float = 0.0
    records_per_second: float = 0.0
    cells: int = 0
    parallel: str = Field("sequential", description="processes used, and why")
    cache: str = Field("off", description="hit, stored or off")


class Report(BaseModel):
    """Everything extracted from one workbook."""

    model_config = ConfigDict(extra="forbid")

    source: str
    format: str = ""
    version: str = ""
    confidence: float = 0.0
    loads: list[Load] = Field(default_factory=list)
    cables: list[Cable] = Field(default_factory=list)
    buses: list[Bus] = Field(default_factory=list)
    sheets: list[SheetResult] = Field(default_factory=list)
    mappings: list[ColumnMapping] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    performance: Performance = Field(default_factory=Performance)

    # Records still kept by column (see blocks.py), by field name: the
    # field's list is made from them the first time it is read.
    _pieces: dict[str, list[RecordBlock | list[Record]]] = PrivateAttr(
        default_factory=dict)

    def records(self, kind: str) -> list:
        return getattr(self, _FIELD[kind])

    def add(self, kind: str, records: RecordBlock | list[Record]) -> None:
        """Add records of one kind after those already there; a block stays
        a block until the records are read."""
        name = _FIELD[kind]
        pending = self._pieces.get(name)
        if pending is None and isinstance(records, list):
            self.__dict__[name].extend(records)
            return
        if pending is None:
            pending = self._pieces[name] = [self.__dict__.pop(name)]
        pending.append(records)

    def count(self, kind: str) -> int:
        """How many records of a kind there are, without making them."""
        name = _FIELD[kind]
        if name in self._pieces:
            return sum(len(piece) for piece in self._pieces[name])
        return len(self.__dict__[name])

    def pieces(self, kind: str) -> list[RecordBlock | list[Record]]:
        """The records of a kind as they are kept: blocks and lists, in order."""
        name = _FIELD[kind]
        return list(self._pieces.get(name) or [self.__dict__[name]])

    def blocks(self, kind: str) -> list[RecordBlock]:
        """The blocks of a kind whose records have not been made yet."""
        return [piece for piece in self._pieces.get(_FIELD[kind], [])
                if not isinstance(piece, list)]

    def materialize(self) -> None:
        """Make every record kept by column."""
        for name in list(self._pieces):
            getattr(self, name)

    def __getattr__(self, name: str) -> Any:
        pieces = self.__pydantic_private__.get("_pieces") if \
            self.__pydantic_private__ else None
        if pieces and name in pieces:
            made: list[Record] = []
            for piece in pieces.pop(name):
                made.extend(piece if isinstance(piece, list) else piece.records())
            self.__dict__[name] = made
            ordered = {k: self.__dict__[k] for k in type(self).model_fields
                       if k in self.__dict__}
            self.__dict__.clear()
            self.__dict__.update(ordered)
            return made
        return super().__getattr__(name)

    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        self.materialize()
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        self.materialize()
        return super().model_dump_json(**kwargs)

    def model_copy(self, **kwargs: Any) -> Report:
        self.materialize()
        return super().model_copy(**kwargs)

    def __eq__(self, other: object) -> bool:
        self.materialize()
        if isinstance(other, Report):
            other.materialize()
        return super().__eq__(other)


_FIELD = {"load": "loads", "cable": "cables", "bus": "buses"}

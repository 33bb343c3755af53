"""The report: records, per-sheet results, mappings, findings and timings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .records import Bus, Cable, Load

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

    def records(self, kind: str) -> list:
        return {"load": self.loads, "cable": self.cables, "bus": self.buses}[kind]

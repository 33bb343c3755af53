"""Typed records: Load, Cable and Bus, each field with its provenance.

Every field of a record is a :class:`FieldValue`: the value in the unit its
name gives, the confidence in it, the cell it came from, the raw text and a
note of anything done to it (a unit converted, per-phase values summed).
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any, ClassVar, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

Value = Union[float, int, str, bool, None]
Source = Literal["cell", "section", "header", "derived", "default", "override"]


@dataclasses.dataclass(slots=True)
class FieldValue:
    """One field's value and where it came from.

    A plain slotted dataclass, not a model: a large schedule holds millions
    of them, and each is built from values already checked by the parsers.
    ``confidence`` is in [0, 1]; ``cell`` is ``Sheet!A1``; ``raw`` is the
    text as written.
    """

    value: Value
    confidence: float
    cell: str | None = None
    raw: str | None = None
    source: Source = "cell"
    notes: list[str] = dataclasses.field(default_factory=list)

    def model_copy(self, update: dict[str, Any] | None = None) -> FieldValue:
        """A copy with some attributes changed (notes are copied, not shared)."""
        changes = {"notes": list(self.notes), **(update or {})}
        return dataclasses.replace(self, **changes)

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        """The attributes as a plain dict, as the JSON report writes them."""
        return {f.name: getattr(self, f.name) if f.name != "notes"
                else list(self.notes) for f in dataclasses.fields(self)}


def _f(description: str) -> FieldValue | None:
    return Field(None, description=description)  # type: ignore[return-value]


class Record(BaseModel):
    """What every record has besides its fields."""

    model_config = ConfigDict(extra="forbid")

    kind: ClassVar[str] = "record"
    sheet: str
    row: int = Field(description="1-based row of the record in its sheet")
    confidence: float = Field(0.0, ge=0.0, le=1.0)

    @classmethod
    def field_names(cls) -> list[str]:
        return list(_own_fields(cls))

    def fields(self) -> dict[str, FieldValue]:
        """The fields that were filled, by name."""
        out = {}
        for name in _own_fields(type(self)):
            fv = getattr(self, name)
            if fv is not None:
                out[name] = fv
        return out

    def get(self, name: str) -> Value:
        fv = getattr(self, name, None)
        return fv.value if isinstance(fv, FieldValue) else None

    def label(self) -> str:
        """A short human name for messages and spot checks."""
        return label_of(self.get("tag"), self.get("description"), self.sheet,
                        self.row)


def label_of(tag: Value, description: Value, sheet: str, row: int) -> str:
    """A record's label: its tag, else its description, else where it is."""
    for value in (tag, description):
        if value not in (None, ""):
            return str(value)
    return f"{sheet}!row {row}"


@cache
def _own_fields(model: type[Record]) -> tuple[str, ...]:
    """A record type's fields besides sheet, row and confidence, in order.

    Asked for per record and per field, so worked out once per type.
    """
    return tuple(n for n in model.model_fields if n not in Record.model_fields)


class Load(Record):
    kind: ClassVar[str] = "load"
    tag: FieldValue | None = _f("Equipment or circuit tag")
    description: FieldValue | None = _f("What the load is")
    load_type: FieldValue | None = _f("Motor, lighting, heater, feeder, ...")
    rated_power_kw: FieldValue | None = _f("Rated active power, kW, > 0")
    rated_power_kva: FieldValue | None = _f("Rated apparent power, kVA, > 0")
    voltage_v: FieldValue | None = _f("Nominal voltage, V (line-to-line)")
    phases: FieldValue | None = _f("Number of phases, 1 or 3")
    power_factor: FieldValue | None = _f("cos phi, in (0, 1]")
    efficiency: FieldValue | None = _f("Efficiency as a fraction, in (0, 1]")
    demand_factor: FieldValue | None = _f("Demand or load factor, in (0, 1]")
    duty: FieldValue | None = _f("Continuous, intermittent, standby")
    starting_method: FieldValue | None = _f("DOL, star-delta, VFD, soft starter")
    source_bus: FieldValue | None = _f("Board or bus that feeds the load")
    current_a: FieldValue | None = _f("Full-load current, A")
    quantity: FieldValue | None = _f("Number of identical units")


class Cable(Record):
    kind: ClassVar[str] = "cable"
    tag: FieldValue | None = _f("Cable tag")
    from_ref: FieldValue | None = _f("Where the cable starts (board, bus, node)")
    to_ref: FieldValue | None = _f("Where the cable ends (load, board, node)")
    runs: FieldValue | None = _f("Number of parallel runs, whole, >= 1")
    cores: FieldValue | None = _f("Number of cores, whole, >= 1")
    size_mm2: FieldValue | None = _f("Conductor cross-section, mm2, > 0")
    conductor: FieldValue | None = _f("Conductor material: Cu or Al")
    insulation: FieldValue | None = _f("Insulation: XLPE, PVC, EPR, ...")
    armour: FieldValue | None = _f("Armour: SWA, AWA, none, ...")
    length_m: FieldValue | None = _f("Route length, m, > 0")
    voltage_rating: FieldValue | None = _f("Cable voltage grade, as written")
    installation: FieldValue | None = _f("Installation method: tray, duct, ...")
    spec_text: FieldValue | None = _f("The cable description as written")


class Bus(Record):
    kind: ClassVar[str] = "bus"
    tag: FieldValue | None = _f("Board, bus or node name")
    description: FieldValue | None = _f("What the board is")
    voltage_v: FieldValue | None = _f("Nominal voltage, V")
    phases: FieldValue | None = _f("Number of phases, 1 or 3")
    rated_current_a: FieldValue | None = _f("Busbar rating, A")
    short_circuit_ka: FieldValue | None = _f("Short-circuit rating, kA")
    parent_bus: FieldValue | None = _f("Upstream board or bus")


RECORD_TYPES: dict[str, type[Record]] = {"load": Load, "cable": Cable, "bus": Bus}

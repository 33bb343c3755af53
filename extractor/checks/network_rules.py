"""Rules across records: references, duplicate tags, the bus hierarchy.

Each reads the name columns of a kind (see :mod:`columns`) and makes only
the records it has a finding on.
"""

from __future__ import annotations

from ..records import Record, Value
from ..report import Finding, Report
from ..tables import text_of
from .columns import KindColumns
from .links import Names
from .registry import Context, Rule, register

_REFERENCES = {"cable": ("from_ref", "to_ref"), "load": ("source_bus",)}


@register
class UnknownReference(Rule):
    id = "unknown-reference"
    severity = "warning"
    explanation = ("A cable's from/to and a load's source bus name a bus or load "
                   "of the workbook (checked only when it lists buses).")

    def check(self, report: Report, context: Context) -> list[Finding]:
        if not report.count("bus"):
            return []
        names = context.names
        out = []
        for kind, fields in _REFERENCES.items():
            columns = context.columns(kind)
            found = sorted((index, place, name) for place, name in enumerate(fields)
                           for index in _unknown(columns, name, names))
            for index, _, name in found:
                value = columns.values(name)[index]
                out.append(self._unknown(columns.record_with(index, name), name,
                                         value, names))
        return out

    def _unknown(self, rec: Record, name: str, value, names: Names) -> Finding:
        near = names.nearest(value)
        hint = f"; the nearest names are {', '.join(near)}" if near else ""
        return self.finding(
            rec, name, f"{text_of(value)!r} names no bus or load of the "
            f"workbook{hint}",
            "correct the name, or add the board to the bus schedule")


@register
class DuplicateTag(Rule):
    id = "duplicate-tag"
    severity = "warning"
    explanation = "A tag is used once per kind of record (load, cable, bus)."

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for kind in ("load", "cable", "bus"):
            columns = context.columns(kind)
            keys = context.names.column_keys(columns, "tag")
            again = _given_twice(keys)
            if not again:
                continue
            sources = columns.sources("tag")
            first: dict[str, int] = {}
            for index in [i for i, key in enumerate(keys) if key in again]:
                key = keys[index]
                if sources[index] != "cell":
                    continue
                if key in first:
                    out.append(self._again(columns.record_with(index, "tag"), kind,
                                           columns.record_with(first[key], "tag")))
                else:
                    first[key] = index
        return out

    def _again(self, rec: Record, kind: str, first: Record) -> Finding:
        where = first.tag.cell or f"{first.sheet} row {first.row}"  # type: ignore
        return self.finding(
            rec, "tag", f"{kind} tag {text_of(rec.get('tag'))!r} is already used "
            f"at {where}",
            "give each one its own tag, or remove the repeated row")


@register
class BusParent(Rule):
    id = "bus-parent"
    severity = "warning"
    explanation = "A bus's upstream bus is itself a bus of the workbook."

    def check(self, report: Report, context: Context) -> list[Finding]:
        buses, names = context.columns("bus"), context.names
        out = []
        for index, parent in enumerate(buses.values("parent_bus")):
            if names.key(parent) and not names.is_bus(parent):
                out.append(self._one(buses.record_with(index, "parent_bus"), parent,
                                     names.nearest(parent)))
        return out

    def _one(self, bus: Record, parent: Value, near: list[str]) -> Finding:
        """A likely misspelling is a warning; a supply from outside, info."""
        said = f"upstream bus {text_of(parent)!r} is not in the workbook"
        if not near:
            return self.finding(bus, "parent_bus",
                                f"{said}: fed from outside this workbook",
                                "add the upstream board if it belongs here",
                                severity="info")
        return self.finding(bus, "parent_bus",
                            f"{said}; the nearest names are {', '.join(near)}",
                            "correct the name, or add the upstream board")


@register
class BusCycle(Rule):
    id = "bus-cycle"
    severity = "error"
    explanation = "Following upstream buses never leads back to the same bus."

    def check(self, report: Report, context: Context) -> list[Finding]:
        buses = context.columns("bus")
        parent_of = _parents(buses, context.names)
        out: list[Finding] = []
        walked: set[int] = set()
        for index in range(len(buses)):
            chain = _cycle_from(index, parent_of, walked)
            if chain:
                out.append(self._cycle([buses.record_with(i, "parent_bus")
                                        for i in chain]))
        return out

    def _cycle(self, chain: list[Record]) -> Finding:
        path = " -> ".join(b.label() for b in [*chain, chain[0]])
        return self.finding(
            chain[0], "parent_bus", f"the bus hierarchy loops: {path}",
            "correct the upstream bus of one of them")


def _given_twice(keys: list[str | None]) -> set[str]:
    """The keys at two places or more."""
    last = dict(zip(keys, range(len(keys))))
    first = dict(zip(reversed(keys), range(len(keys) - 1, -1, -1)))
    return {key for key, index in last.items()
            if key is not None and first[key] != index}


def _unknown(columns: KindColumns, name: str, names: Names) -> list[int]:
    """The records whose reference ``name``, written (not derived), names no
    bus or load."""
    buses, loads = names.buses, names.loads
    keys = names.column_keys(columns, name)
    return [index for index, (key, source)
            in enumerate(zip(keys, columns.sources(name)))
            if key and source not in (None, "derived")
            and key not in buses and key not in loads]


def _parents(buses: KindColumns, names: Names) -> dict[int, int]:
    """The upstream bus of each bus that names exactly one, by index."""
    out = {}
    for index, parent in enumerate(buses.values("parent_bus")):
        found = names.bus_index(parent)
        if found is not None:
            out[index] = found
    return out


def _cycle_from(bus: int, parent_of: dict[int, int], walked: set[int]) -> list[int]:
    """The loop first reached by walking up from ``bus``, starting where it
    closes; empty where the walk ends or meets a bus ``walked`` before (its
    loop, if any, was found then)."""
    seen: dict[int, int] = {}  # bus: its place on the walk
    current: int | None = bus
    while current is not None and current not in seen and current not in walked:
        seen[current] = len(seen)
        current = parent_of.get(current)
    walked.update(seen)
    if current is None or current not in seen:
        return []
    return list(seen)[seen[current]:]

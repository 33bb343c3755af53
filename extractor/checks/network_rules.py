"""Rules across records: references, duplicate tags, the bus hierarchy."""

from __future__ import annotations

from ..records import Bus, Record
from ..report import Finding, Report
from ..tables import text_of
from .links import Names, name_key
from .registry import Context, Rule, register

_REFERENCES = {"cable": ("from_ref", "to_ref"), "load": ("source_bus",)}


@register
class UnknownReference(Rule):
    id = "unknown-reference"
    severity = "warning"
    explanation = ("A cable's from/to and a load's source bus name a bus or load "
                   "of the workbook (checked only when it lists buses).")

    def check(self, report: Report, context: Context) -> list[Finding]:
        if not report.buses:
            return []
        names = context.names
        out = []
        for kind, fields in _REFERENCES.items():
            for rec in report.records(kind):
                for name in fields:
                    fv = getattr(rec, name)
                    if fv is None or fv.source == "derived":
                        continue
                    if name_key(fv.value) and not names.is_known(fv.value):
                        out.append(self._unknown(rec, name, fv.value, names))
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
            first: dict[str, Record] = {}
            for rec in report.records(kind):
                fv = rec.tag  # type: ignore[attr-defined]
                key = name_key(fv.value) if fv and fv.source == "cell" else None
                if key is None:
                    continue
                if key in first:
                    out.append(self._again(rec, kind, first[key]))
                else:
                    first[key] = rec
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
        out = []
        for bus in report.buses:
            parent = bus.get("parent_bus")
            if name_key(parent) and not context.names.is_bus(parent):
                out.append(self._one(bus, parent, context.names.nearest(parent)))
        return out

    def _one(self, bus: Bus, parent: object, near: list[str]) -> Finding:
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
        parent_of = _parents(report.buses, context.names)
        out: list[Finding] = []
        reported: set[int] = set()
        for bus in report.buses:
            chain = _cycle_from(bus, parent_of)
            if chain and not reported & {id(b) for b in chain}:
                reported |= {id(b) for b in chain}
                out.append(self._cycle(chain))
        return out

    def _cycle(self, chain: list[Bus]) -> Finding:
        path = " -> ".join(b.label() for b in [*chain, chain[0]])
        return self.finding(
            chain[0], "parent_bus", f"the bus hierarchy loops: {path}",
            "correct the upstream bus of one of them")


def _parents(buses: list[Bus], names: Names) -> dict[int, Bus]:
    out = {}
    for bus in buses:
        parent = names.bus(bus.get("parent_bus"))
        if parent is not None:
            out[id(bus)] = parent
    return out


def _cycle_from(bus: Bus, parent_of: dict[int, Bus]) -> list[Bus]:
    """The loop reached by walking up from ``bus``, starting where it closes."""
    seen: list[Bus] = []
    current: Bus | None = bus
    while current is not None and all(current is not b for b in seen):
        seen.append(current)
        current = parent_of.get(id(current))
    if current is None:
        return []
    start = next(i for i, b in enumerate(seen) if b is current)
    return seen[start:]

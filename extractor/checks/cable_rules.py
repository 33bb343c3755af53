"""Rules on cables against the loads they feed: ampacity and voltage drop.

A cable feeds the load on its own row of a feeder schedule, or the load its
``to_ref`` names (see :mod:`links`). The load's current is its written
``current_a`` or the one :func:`derive.derive` filled in.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..records import Cable, Load
from ..report import Finding, Report
from . import data
from .ampacity import Basis, basis, rating
from .electrical import fmt, load_type, number, phase_count, usable, voltage_drop_pct
from .registry import Context, Rule, register

LOW_VOLTAGE_LIMIT = 1000.0
"""IEC 60364 covers a.c. installations up to 1000 V; above, other tables apply."""


@dataclass(slots=True)
class Circuit:
    """A cable, the load it feeds and the load's current."""

    cable: Cable
    load: Load
    current: float
    size: float
    runs: int


def circuits(report: Report, context: Context) -> Iterator[Circuit]:
    """Every cable with a known load current, size and whole number of runs."""
    for cable in report.cables:
        load = context.names.load_for(cable)
        if load is None:
            continue
        current, size = usable(load, "current_a"), usable(cable, "size_mm2")
        runs = number(cable, "runs")
        runs = 1.0 if runs is None else runs
        if current is None or size is None or not runs.is_integer() or runs < 1:
            continue
        yield Circuit(cable, load, current, size, int(runs))


def _runs(n: int) -> str:
    return f"{n} run" if n == 1 else f"{n} runs"


@register
class CableAmpacity(Rule):
    id = "cable-ampacity"
    severity = "error"
    explanation = ("A low-voltage cable carries its load's current: the IEC "
                   "60364-5-52 Annex B rating × derating × parallel runs is not "
                   "less.")

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for circuit in circuits(report, context):
            if (number(circuit.load, "voltage_v") or 0) > LOW_VOLTAGE_LIMIT:
                continue
            b = basis(circuit.cable, circuit.load, context.settings.assume_copper)
            found = rating(b, circuit.size)
            if found is None:
                out.append(self._unchecked(circuit, b))
                continue
            factor, where = _derating(circuit.cable, context)
            capacity = found[0] * factor * circuit.runs
            if circuit.current > capacity:
                out.append(self._overload(circuit, b, found, factor, where, capacity))
        return out

    def _overload(self, c: Circuit, b: Basis, found: tuple[float, str],
                  factor: float, where: str, capacity: float) -> Finding:
        amps, table = found
        source = c.load.current_a.source if c.load.current_a else "cell"
        derived = " (derived)" if source == "derived" else ""
        assumed = f"; {'; '.join(b.assumed)}" if b.assumed else ""
        return self.finding(
            c.cable, "size_mm2",
            f"{fmt(c.size)} mm² × {_runs(c.runs)} ({b.describe()}) carries "
            f"{fmt(capacity, 1)} A (table {table}: {fmt(amps)} A × derating "
            f"{fmt(factor, 2)} {where} × {_runs(c.runs)}) but the load "
            f"{c.load.label()} draws {fmt(c.current, 1)} A{derived}{assumed}",
            "choose a larger size or more runs, or check the installation "
            "method, the derating and the load's current")

    def _unchecked(self, c: Circuit, b: Basis) -> Finding:
        why = (f"{', '.join(b.missing)} not written" if b.missing else
               f"no rating for {fmt(c.size)} mm² ({b.describe()}) in the tables")
        return self.finding(
            c.cable, "size_mm2",
            f"the rating of the cable for {c.load.label()} "
            f"({fmt(c.current, 1)} A) was not checked: {why}",
            "fill in the conductor, insulation and installation columns to "
            "have the rating checked", severity="info")


def _derating(cable: Cable, context: Context) -> tuple[float, str]:
    given = context.derating.get((cable.sheet, cable.row))
    if given is None:
        return 1.0, "(none given)"
    return given.factor, f"({given.cell})"


@register
class VoltageDrop(Rule):
    id = "voltage-drop"
    severity = "warning"
    explanation = ("The voltage drop along a cable, after IEC 60364-5-52 Annex G, "
                   "stays within the limit: 3 % lighting, 5 % other (settings).")

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for c in circuits(report, context):
            finding = self._one(c, context)
            if finding is not None:
                out.append(finding)
        return out

    def _one(self, c: Circuit, context: Context) -> Finding | None:
        length, volts = usable(c.cable, "length_m"), usable(c.load, "voltage_v")
        phases, _ = phase_count(c.load)
        b = basis(c.cable, c.load, context.settings.assume_copper)
        if length is None or volts is None or phases is None or b.conductor is None:
            return None
        limits = data.cable_data()["voltage_drop"]
        pf = usable(c.load, "power_factor")
        assumed = [b.conductor_note] if b.conductor_note else []
        if pf is None:
            pf = limits["power_factor"]
            assumed.append(f"cos φ {fmt(pf)} assumed (none given)")
        drop = voltage_drop_pct(c.current, length, c.size, b.conductor, pf, volts,
                                phases, c.runs)
        kind, limit = _limit(c.load, context)
        if drop <= limit:
            return None
        said = f"; {'; '.join(assumed)}" if assumed else ""
        return self.finding(
            c.cable, "length_m",
            f"voltage drop {fmt(drop, 2)} % over {fmt(length)} m exceeds the "
            f"{fmt(limit)} % limit for {kind} (I = {fmt(c.current, 1)} A, "
            f"{fmt(c.size)} mm² {b.conductor} × {_runs(c.runs)}, cos φ {fmt(pf)}, "
            f"U = {fmt(volts)} V, {phases}-phase){said}",
            "choose a larger size or check the length; the limits are set in "
            "the check settings")


def _limit(load: Load, context: Context) -> tuple[str, float]:
    shipped = data.cable_data()["voltage_drop"]
    settings = context.settings
    if load_type(load)[0] == "lighting":
        return "lighting", settings.voltage_drop_lighting_pct or shipped["lighting_pct"]
    return "other uses", settings.voltage_drop_other_pct or shipped["other_pct"]

"""Rules on cables against the loads they feed: ampacity and voltage drop.

A cable feeds the load on its own row of a feeder schedule, or the load its
``to_ref`` names (see :mod:`links`). The load's current is its written
``current_a`` or the one :func:`derive.derive` filled in.

The rules read whole columns and work on records by index (see
:mod:`columns`). What rests on text (the ampacity basis, the load's type)
is worked out once per distinct set of the values it reads; only a cable
with a finding is made into a record, to word it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..records import Cable, Load, Record
from ..report import Finding, Report
from . import data
from .ampacity import Basis, basis, rating
from .columns import sketch
from .electrical import (
    fmt,
    load_type,
    numbers,
    phase_count,
    usable_numbers,
    voltage_drop_pct,
)
from .registry import Context, Rule, register

if TYPE_CHECKING:
    from .totals import Derating

LOW_VOLTAGE_LIMIT = 1000.0
"""IEC 60364 covers a.c. installations up to 1000 V; above, other tables apply."""

_BASIS_TEXTS = ("conductor", "spec_text", "insulation", "voltage_rating",
                "installation")
"""The cable's text fields :func:`ampacity.basis` reads, besides its cores."""


@dataclass(slots=True)
class Circuit:
    """A cable, the load it feeds (by index of their kind) and the load's current."""

    cable: int
    load: int
    current: float
    size: float
    runs: int


@dataclass(slots=True)
class Circuits:
    """The cables with a known load current, size and whole number of runs:
    a list per item of :class:`Circuit`, so that none need be made."""

    cables: list[int] = field(default_factory=list)
    loads: list[int] = field(default_factory=list)
    currents: list[float] = field(default_factory=list)
    sizes: list[float] = field(default_factory=list)
    runs: list[int] = field(default_factory=list)

    def __iter__(self) -> Iterator[tuple[int, int, float, float, int]]:
        return zip(self.cables, self.loads, self.currents, self.sizes, self.runs)

    def add(self, cable: int, load: int, current: float, size: float,
            runs: int) -> None:
        self.cables.append(cable)
        self.loads.append(load)
        self.currents.append(current)
        self.sizes.append(size)
        self.runs.append(runs)


def circuits(context: Context) -> Circuits:
    """Every cable with a known load current, size and whole number of runs."""
    return context.columns("cable").kept("circuits", lambda: _circuits(context))


def _circuits(context: Context) -> Circuits:
    cables, loads = context.columns("cable"), context.columns("load")
    currents = usable_numbers("current_a", loads.values("current_a"))
    sizes = usable_numbers("size_mm2", cables.values("size_mm2"))
    runs = numbers(cables.values("runs"))
    fed = context.names.loads_fed(cables)
    found = [(cable, load, currents[load], size, n)
             for cable, (load, size, n) in enumerate(zip(fed, sizes, runs))
             if load is not None and size is not None and currents[load] is not None
             and (n is None or (n.is_integer() and n >= 1))]
    out = Circuits()
    if found:
        cables_, loads_, currents_, sizes_, runs_ = map(list, zip(*found))
        out = Circuits(cables_, loads_, currents_, sizes_,
                       [1 if n is None else int(n) for n in runs_])
    return out


class _Bases:
    """The ampacity basis of each circuit, and the load's phases.

    A basis reads five texts and the cores of the cable and the phases and
    voltage of the load; it is worked out once for each distinct set of
    them, from a record holding only those values. The texts are compared
    as they are: a value that is not text is not read, whatever it is.
    """

    def __init__(self, context: Context) -> None:
        cables, loads = context.columns("cable"), context.columns("load")
        self._texts = [cables.values(n) for n in _BASIS_TEXTS]
        self._cores = numbers(cables.values("cores"))
        self._given = numbers(loads.values("phases"))
        self._volts = usable_numbers("voltage_v", loads.values("voltage_v"))
        self._assume_copper = context.settings.assume_copper
        self._bases: dict[tuple, Basis] = {}
        self._phases: dict[tuple, int | None] = {}
        self._ratings: dict[tuple, tuple[float, str] | None] = {}
        self._per_circuit: tuple[list[Basis], list[int | None]] | None = None

    @classmethod
    def of_circuits(cls, context: Context) -> _Bases:
        """The bases of the report's circuits, shared by the rules."""
        return context.columns("cable").kept("ampacity bases", lambda: cls(context))

    def per_circuit(self, circuits: Circuits) -> tuple[list[Basis], list[int | None]]:
        """The basis and the load's phases of each circuit, in order.

        The values a basis reads are grouped first, the cable's and the
        load's each into one tuple, so that the many circuits with the same
        values cost a lookup each."""
        if self._per_circuit is None:
            cable_side = list(zip(*self._texts, self._cores))
            load_side = list(zip(self._given, self._volts))
            bases: list[Basis] = []
            phases: list[int | None] = []
            known: dict[tuple, Basis] = {}
            for cable, load in zip(circuits.cables, circuits.loads):
                key = (cable_side[cable], load_side[load])
                found = known.get(key)
                if found is None:
                    found = known[key] = self.of(cable, load)
                bases.append(found)
                phases.append(self.phases(load))
            self._per_circuit = (bases, phases)
        return self._per_circuit

    def of(self, cable: int, load: int) -> Basis:
        conductor, spec, insulation, grade, installation = self._texts
        key = (conductor[cable], spec[cable], insulation[cable], grade[cable],
               installation[cable], self._cores[cable], self._given[load],
               self._volts[load])
        found = self._bases.get(key)
        if found is None:
            values = {**dict(zip(_BASIS_TEXTS, key)), "cores": key[5]}
            found = self._bases[key] = basis(sketch(Cable, values),
                                             self._load(key[6], key[7]),
                                             self._assume_copper)
        return found

    def phases(self, load: int) -> int | None:
        """The load's phases, given or assumed from its voltage."""
        key = (self._given[load], self._volts[load])
        if key not in self._phases:
            self._phases[key] = phase_count(self._load(*key))[0]
        return self._phases[key]

    def rating(self, b: Basis, size: float) -> tuple[float, str] | None:
        """:func:`ampacity.rating`, once per table column and size."""
        if b.missing:
            return None
        key = (b.conductor, b.insulation, b.loaded, b.method, size)
        if key not in self._ratings:
            self._ratings[key] = rating(b, size)
        return self._ratings[key]

    @staticmethod
    def _load(phases: float | None, volts: float | None) -> Load:
        return sketch(Load, {"phases": phases, "voltage_v": volts})


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
        cables, loads = context.columns("cable"), context.columns("load")
        volts = numbers(loads.values("voltage_v"))
        sheets, rows = cables.sheets(), cables.sheet_rows()
        bases = _Bases.of_circuits(context)
        every = circuits(context)
        per_circuit, _ = bases.per_circuit(every)
        derating = context.derating
        out = []
        for b, circuit in zip(per_circuit, every):
            cable, load, current, size, runs = circuit
            if (volts[load] or 0) > LOW_VOLTAGE_LIMIT:
                continue
            found = bases.rating(b, size)
            if found is None:
                out.append(self._unchecked(
                    Circuit(*circuit), b, cables.record_with(cable, "size_mm2"),
                    loads.record_with(load)))
                continue
            factor, where = _derating(
                derating.get((sheets[cable], rows[cable])) if derating else None)
            capacity = found[0] * factor * runs
            if current > capacity:
                given = loads.field_value(load, "current_a")
                out.append(self._overload(
                    Circuit(*circuit), b, found, factor, where, capacity,
                    cables.record_with(cable, "size_mm2"), loads.record_with(load),
                    given.source if given is not None else "cell"))
        return out

    def _overload(self, c: Circuit, b: Basis, found: tuple[float, str],
                  factor: float, where: str, capacity: float, cable: Record,
                  load: Record, source: str) -> Finding:
        """``source`` is where the load's current came from."""
        amps, table = found
        derived = " (derived)" if source == "derived" else ""
        assumed = f"; {'; '.join(b.assumed)}" if b.assumed else ""
        return self.finding(
            cable, "size_mm2",
            f"{fmt(c.size)} mm² × {_runs(c.runs)} ({b.describe()}) carries "
            f"{fmt(capacity, 1)} A (table {table}: {fmt(amps)} A × derating "
            f"{fmt(factor, 2)} {where} × {_runs(c.runs)}) but the load "
            f"{load.label()} draws {fmt(c.current, 1)} A{derived}{assumed}",
            "choose a larger size or more runs, or check the installation "
            "method, the derating and the load's current")

    def _unchecked(self, c: Circuit, b: Basis, cable: Record, load: Record) -> Finding:
        why = (f"{', '.join(b.missing)} not written" if b.missing else
               f"no rating for {fmt(c.size)} mm² ({b.describe()}) in the tables")
        return self.finding(
            cable, "size_mm2",
            f"the rating of the cable for {load.label()} "
            f"({fmt(c.current, 1)} A) was not checked: {why}",
            "fill in the conductor, insulation and installation columns to "
            "have the rating checked", severity="info")


def _derating(given: Derating | None) -> tuple[float, str]:
    """The factor written on the cable's row and where, if any."""
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
        cables, loads = context.columns("cable"), context.columns("load")
        lengths = usable_numbers("length_m", cables.values("length_m"))
        volts = usable_numbers("voltage_v", loads.values("voltage_v"))
        factors = usable_numbers("power_factor", loads.values("power_factor"))
        assumed_pf = data.cable_data()["voltage_drop"]["power_factor"]
        bases, limits = _Bases.of_circuits(context), _Limits(context)
        lowest = min(limits.lighting[1], limits.other[1])
        every = circuits(context)
        per_circuit, per_phases = bases.per_circuit(every)
        out = []
        for b, phases, circuit in zip(per_circuit, per_phases, every):
            cable, load, current, size, runs = circuit
            length, u = lengths[cable], volts[load]
            if length is None or u is None or phases is None or b.conductor is None:
                continue
            pf = factors[load]
            drop = voltage_drop_pct(current, length, size, b.conductor,
                                    assumed_pf if pf is None else pf, u, phases,
                                    runs)
            if drop <= lowest:
                continue
            kind, limit = limits.of(load)
            if drop > limit:
                out.append(self._finding(
                    Circuit(*circuit), b, drop, kind, limit, length, u, phases, pf,
                    assumed_pf, cables.record_with(cable, "length_m")))
        return out

    def _finding(self, c: Circuit, b: Basis, drop: float, kind: str, limit: float,
                 length: float, volts: float, phases: int, pf: float | None,
                 assumed_pf: float, cable: Record) -> Finding:
        assumed = [b.conductor_note] if b.conductor_note else []
        if pf is None:
            pf = assumed_pf
            assumed.append(f"cos φ {fmt(pf)} assumed (none given)")
        said = f"; {'; '.join(assumed)}" if assumed else ""
        return self.finding(
            cable, "length_m",
            f"voltage drop {fmt(drop, 2)} % over {fmt(length)} m exceeds the "
            f"{fmt(limit)} % limit for {kind} (I = {fmt(c.current, 1)} A, "
            f"{fmt(c.size)} mm² {b.conductor} × {_runs(c.runs)}, cos φ {fmt(pf)}, "
            f"U = {fmt(volts)} V, {phases}-phase){said}",
            "choose a larger size or check the length; the limits are set in "
            "the check settings")


class _Limits:
    """The voltage-drop limit of each load: lighting or other uses.

    The type is read from the type, the description and the tag, in that
    order (:func:`electrical.load_type`); it is worked out once for each
    type and description and, where those name no type, each tag.
    """

    def __init__(self, context: Context) -> None:
        shipped = data.cable_data()["voltage_drop"]
        settings = context.settings
        self.lighting = ("lighting", settings.voltage_drop_lighting_pct
                         or shipped["lighting_pct"])
        self.other = ("other uses", settings.voltage_drop_other_pct
                      or shipped["other_pct"])
        loads = context.columns("load")
        self._columns = [loads.values(n) for n in ("load_type", "description", "tag")]
        self._said: dict[tuple, tuple[str, str | None]] = {}
        self._by_tag: dict[str | None, str] = {}

    def of(self, load: int) -> tuple[str, float]:
        """The kind of use and its limit in %."""
        return self.lighting if self._kind(load) == "lighting" else self.other

    def _kind(self, load: int) -> str:
        type_, description, tag = [v if isinstance(v, str) else None
                                   for v in (col[load] for col in self._columns)]
        key = (type_, description)
        if key not in self._said:
            self._said[key] = load_type(sketch(Load, {"load_type": type_,
                                                      "description": description}))
        kind, said = self._said[key]
        if said is None:
            if tag not in self._by_tag:
                self._by_tag[tag] = load_type(sketch(Load, {"tag": tag}))[0]
            kind = self._by_tag[tag]
        return kind

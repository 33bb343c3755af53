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

from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple

from ..records import Cable, Load, Record
from ..report import Finding, Report
from . import data
from .ampacity import Basis, basis, rating
from .columns import sketch
from .electrical import (
    LOAD_TYPE_FIELDS,
    fmt,
    numbers,
    phase_count,
    type_named,
    usable_numbers,
    voltage_drops,
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


class PerCircuit(NamedTuple):
    """The ampacity basis of each circuit, as an index into ``bases`` (the
    distinct ones), and the phases of each circuit's load."""

    groups: list[int]
    bases: list[Basis]
    phases: list[int | None]


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
        self._per_circuit: PerCircuit | None = None

    @classmethod
    def of_circuits(cls, context: Context) -> _Bases:
        """The bases of the report's circuits, shared by the rules."""
        return context.columns("cable").kept("ampacity bases", lambda: cls(context))

    def per_circuit(self, circuits: Circuits) -> PerCircuit:
        """The basis and the load's phases of each circuit, in order.

        The cables with the same values a basis reads are one group, and so
        are the loads; a basis is worked out once per pair of groups that
        some circuit joins, the phases once per group of loads."""
        if self._per_circuit is None:
            cable_group = _groups(zip(*self._texts, self._cores))
            load_group = _groups(zip(self._given, self._volts))
            pairs = [(cable_group[cable], load_group[load])
                     for cable, load in zip(circuits.cables, circuits.loads)]
            groups = _groups(pairs)
            # any circuit of a group stands for it: all read the same values
            some = dict(zip(groups, zip(circuits.cables, circuits.loads)))
            bases = [self.of(*some[group]) for group in range(len(some))]
            loads = [pair[1] for pair in pairs]
            phases_of = {group: self.phases(load) for group, load
                         in dict(zip(loads, circuits.loads)).items()}
            self._per_circuit = PerCircuit(groups, bases,
                                           [phases_of[group] for group in loads])
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

    def ratings(self, per: PerCircuit, sizes: list[float]
                ) -> list[tuple[float, str] | None]:
        """:func:`ampacity.rating` of each circuit, once per table column and
        size."""
        pairs = list(zip(per.groups, sizes))
        found = {(group, size): self._rating(per.bases[group], size)
                 for group, size in set(pairs)}
        return [found[pair] for pair in pairs]

    def _rating(self, b: Basis, size: float) -> tuple[float, str] | None:
        if b.missing:
            return None
        key = (b.conductor, b.insulation, b.loaded, b.method, size)
        if key not in self._ratings:
            self._ratings[key] = rating(b, size)
        return self._ratings[key]

    @staticmethod
    def _load(phases: float | None, volts: float | None) -> Load:
        return sketch(Load, {"phases": phases, "voltage_v": volts})


def _groups(rows: Iterable[Hashable]) -> list[int]:
    """Each row's group: rows alike are one group, numbered from 0 in the
    order they first come."""
    ids: dict[Hashable, int] = {}
    return [ids.setdefault(row, len(ids)) for row in rows]


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
        bases = _Bases.of_circuits(context)
        every = circuits(context)
        per = bases.per_circuit(every)
        factors = _factors(context, every)
        sheets = cables.sheets()
        out = []
        checked: dict[str, int] = {}  # low-voltage circuits of each cable sheet
        unchecked: dict[tuple[str, str], list[tuple[Circuit, Basis]]] = {}
        for i, (found, factor, (cable, load, current, size, runs)) in enumerate(
                zip(bases.ratings(per, every.sizes), factors, every)):
            if (volts[load] or 0) > LOW_VOLTAGE_LIMIT:
                continue
            checked[sheets[cable]] = checked.get(sheets[cable], 0) + 1
            if found is not None and current <= found[0] * factor[0] * runs:
                continue
            b = per.bases[per.groups[i]]
            if found is None:
                unchecked.setdefault((sheets[cable], _why(b, size)), []).append(
                    (Circuit(cable, load, current, size, runs), b))
                continue
            given = loads.field_value(load, "current_a")
            out.append(self._overload(
                Circuit(cable, load, current, size, runs), b, found, *factor,
                found[0] * factor[0] * runs, cables.record_with(cable, "size_mm2"),
                loads.record_with(load), given.source if given is not None else "cell"))
        for (sheet, why), circuits_ in unchecked.items():
            if len(circuits_) > 1 and len(circuits_) == checked[sheet]:
                first = cables.field_value(circuits_[0][0].cable, "size_mm2")
                out.append(self._none_checked(sheet, why, len(circuits_),
                                              first.cell if first else None))
                continue
            out += [self._unchecked(c, why, cables.record_with(c.cable, "size_mm2"),
                                    loads.record_with(c.load)) for c, _ in circuits_]
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

    def _unchecked(self, c: Circuit, why: str, cable: Record, load: Record) -> Finding:
        return self.finding(
            cable, "size_mm2",
            f"the rating of the cable for {load.label()} "
            f"({fmt(c.current, 1)} A) was not checked: {why}", UNCHECKED_ADVICE,
            severity="info")

    def _none_checked(self, sheet: str, why: str, count: int,
                      cell: str | None) -> Finding:
        """One finding for a sheet none of whose cables could be checked for
        one reason (a column the table lacks, not a cell left blank), at the
        first cable's size."""
        return Finding(
            rule=self.id, severity="info", cell=cell,
            message=f"the ratings of the {count:,} cables on {sheet!r} were not "
            f"checked: {why}", suggestion=UNCHECKED_ADVICE)


UNCHECKED_ADVICE = ("fill in the conductor, insulation and installation columns "
                    "to have the rating checked")


def _why(b: Basis, size: float) -> str:
    """Why a cable's rating could not be looked up."""
    if b.missing:
        return f"{', '.join(b.missing)} not written"
    return f"no rating for {fmt(size)} mm² ({b.describe()}) in the tables"


NO_DERATING = (1.0, "(none given)")


def _factors(context: Context, every: Circuits) -> list[tuple[float, str]]:
    """The derating factor written on each circuit's cable row and where,
    if any."""
    derating = context.derating
    if not derating:
        return [NO_DERATING] * len(every.cables)
    cables = context.columns("cable")
    sheets, rows = cables.sheets(), cables.sheet_rows()
    return [_derating(derating.get((sheets[cable], rows[cable])))
            for cable in every.cables]


def _derating(given: Derating | None) -> tuple[float, str]:
    """The factor written on the cable's row and where, if any."""
    if given is None:
        return NO_DERATING
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
        per = bases.per_circuit(every)
        conductors = [b.conductor for b in per.bases]
        # the circuits with all a drop needs, and what it needs
        known = [(i, length, u, phases, conductors[group])
                 for i, (cable, load, group, phases) in enumerate(
                     zip(every.cables, every.loads, per.groups, per.phases))
                 if (length := lengths[cable]) is not None
                 and (u := volts[load]) is not None and phases is not None
                 and conductors[group] is not None]
        if not known:
            return []
        which, lengths_, volts_, phases_, conductors_ = map(list, zip(*known))
        pfs = [factors[every.loads[i]] for i in which]
        drops = voltage_drops(
            [every.currents[i] for i in which], lengths_,
            [every.sizes[i] for i in which], conductors_,
            [assumed_pf if pf is None else pf for pf in pfs], volts_, phases_,
            [every.runs[i] for i in which])
        out = []
        for k, drop in enumerate(drops):
            if drop <= lowest:
                continue
            i = which[k]
            cable, load = every.cables[i], every.loads[i]
            kind, limit = limits.of(load)
            if drop > limit:
                out.append(self._finding(
                    Circuit(cable, load, every.currents[i], every.sizes[i],
                            every.runs[i]), per.bases[per.groups[i]], drop, kind,
                    limit, lengths_[k], volts_[k], phases_[k], pfs[k], assumed_pf,
                    cables.record_with(cable, "length_m")))
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
    order (:func:`electrical.load_type`).
    """

    def __init__(self, context: Context) -> None:
        shipped = data.cable_data()["voltage_drop"]
        settings = context.settings
        self.lighting = ("lighting", settings.voltage_drop_lighting_pct
                         or shipped["lighting_pct"])
        self.other = ("other uses", settings.voltage_drop_other_pct
                      or shipped["other_pct"])
        loads = context.columns("load")
        self._columns = [loads.values(n) for n in LOAD_TYPE_FIELDS]

    def of(self, load: int) -> tuple[str, float]:
        """The kind of use and its limit in %."""
        return self.lighting if self._kind(load) == "lighting" else self.other

    def _kind(self, load: int) -> str:
        """The type the first of the type, description and tag that names
        one names (:func:`electrical.load_type`), else ``general``."""
        for column in self._columns:
            value = column[load]
            if isinstance(value, str):
                kind = type_named(value)
                if kind is not None:
                    return kind
        return "general"

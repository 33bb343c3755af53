"""Classification of tables and sheets, with the evidence behind each verdict.

Each classifier is a small registered object that looks at the candidate
mapping of a table (before fields are assigned) and either claims the table
for its kind, with a confidence and reasons, or passes. The first claim in
registry order wins; a table nobody claims is ``other``. Look-alikes (time
series, catalogues, tag lists without ratings) fail the claims because they
lack what the kind needs: an identifier and a rating for loads, two ends or
a size for cables, a board name and a rating for buses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from .grid import SheetGrid
from .mapping import TableMapping, value_fit
from .tables import Table
from .vocabulary import normalize_header

_BUS_WORDS = re.compile(
    r"\b(bus|busbar|board|panel|switchboard|swbd|mcc|node|substation|"
    r"tableaux?|verteiler\w*|schaltanlagen?)\b"
)
_BUS_HEADER = re.compile(r"\b(bus|busbar|board|switchboard|swbd|panel|tableau|"
                         r"verteiler\w*|schaltanlage|sammelschiene)\b")
_GENERATOR_WORDS = re.compile(
    r"\b(generators?|gensets?|gen|dg|dg set|alternators?)\b")
_PRICE_HEADER = re.compile(
    r"\b(price|unit price|unit rate|cost|amount|currency|usd|eur|gbp|inr)\b")
_ENGINE_HEADER = re.compile(r"\b(fuel|fuel type|prime mover|engine)\b")
LOAD_RATINGS = ("rated_power_kw", "rated_power_kva", "current_a")
LOAD_POWER = ("rated_power_kw", "rated_power_kva")
CABLE_BODY = ("size_mm2", "spec_text", "cores", "insulation", "armour", "runs",
              "length_m", "conductor")


@dataclass(slots=True)
class Verdict:
    """A kind, how sure, and why."""

    kind: str
    confidence: float
    evidence: list[str] = field(default_factory=list)

    @property
    def records(self) -> tuple[str, ...]:
        return {
            "load_schedule": ("load",),
            "cable_schedule": ("cable",),
            "feeder_schedule": ("load", "cable"),
            "bus_schedule": ("bus",),
        }.get(self.kind, ())


@dataclass(slots=True)
class Evidence:
    """What the classifiers look at."""

    table: Table
    grid: SheetGrid
    mapping: TableMapping
    sheet_words: str

    def best(self, record: str, name: str, min_fit: float = 0.5):
        """The strongest candidate column for a field, or None."""
        best = None
        for cands in self.mapping.candidates.values():
            for c in cands:
                if c.record == record and c.field == name and c.fit >= min_fit:
                    if best is None or c.confidence > best.confidence:
                        best = c
        return best

    def has_phase_power(self) -> bool:
        return any(g.record == "load" for g in self.mapping.phase_groups)


class Classifier:
    """Base: ``judge`` returns a verdict or None."""

    name = "classifier"
    kind = "other"

    def judge(self, ev: Evidence) -> Verdict | None:
        raise NotImplementedError


_NOT_TIMES = frozenset({str, float, int, bool, type(None)})


class TimeSeries(Classifier):
    """Meter logs: a column of many timestamps is never a schedule."""

    name, kind = "time-series", "other"

    def judge(self, ev):
        lines = [ev.grid.rows[r.index] for r in ev.table.rows[:200]
                 if r.role == "data" and 0 <= r.index < ev.grid.n_rows]
        lines = [line for line in lines if not _NOT_TIMES.issuperset(map(type, line))]
        if not lines:
            return None
        for col in ev.table.columns:
            c = col.index
            stamps = [line[c] for line in lines if 0 <= c < len(line)
                      and isinstance(line[c], (date, datetime))]
            if len(set(stamps)) >= 10:
                return Verdict("other", 0.9, [
                    f"column {col.header!r} holds {len(set(stamps))} timestamps: "
                    "a time series, not a schedule"])
        return None


class GeneratorList(Classifier):
    """Generators are sources of power, not loads, whatever their kVA."""

    name, kind = "generator-list", "other"

    def judge(self, ev):
        for col in ev.table.columns:
            header = normalize_header(col.header)
            if _ENGINE_HEADER.search(header):
                return Verdict("other", 0.8, [
                    f"column {col.header!r}: a list of generators, not loads"])
        first = ev.table.columns[0]
        if _GENERATOR_WORDS.search(normalize_header(first.header)):
            return Verdict("other", 0.8, [
                f"rows named under {first.header!r}: generators, not loads"])
        names = _row_names(ev)
        generators = [n for n in names if _GENERATOR_WORDS.search(n.lower())]
        if names and len(generators) >= 0.6 * len(names):
            return Verdict("other", 0.7, [
                f"{len(generators)} of {len(names)} rows name generators"])
        return None


class FeederOrCableWithEnds(Classifier):
    """Two ends named per row: a cable schedule, or a feeder schedule."""

    name, kind = "cable-ends", "cable_schedule"

    def judge(self, ev):
        start, end = ev.best("cable", "from_ref"), ev.best("cable", "to_ref")
        if not (start and end) or start.column is end.column:
            return None
        if min(start.score, end.score) < 0.95:
            return None
        reasons = [f"from {start.column.header!r}", f"to {end.column.header!r}"]
        rating = _load_rating(ev, LOAD_POWER)
        if rating:
            return Verdict("feeder_schedule", 0.85, reasons + [rating])
        conf = min(0.95, 0.6 + 0.1 * _count(ev, "cable", CABLE_BODY))
        return Verdict("cable_schedule", conf, reasons)


class BusList(Classifier):
    """Boards or buses named in the first column, with ratings."""

    name, kind = "bus-list", "bus_schedule"

    def judge(self, ev):
        tag = ev.best("bus", "tag", 0.7)
        if tag is None:
            return None
        header = normalize_header(tag.column.header)
        named = bool(_BUS_HEADER.search(header))
        by_sheet = bool(_BUS_WORDS.search(ev.sheet_words))
        facts = [n for n in ("voltage_v", "rated_current_a", "short_circuit_ka",
                             "parent_bus") if ev.best("bus", n, 0.6)]
        first = tag.column in (ev.table.columns[0], _leading_column(ev))
        if named and (facts or first) and (first or not _load_rating(ev)):
            return Verdict("bus_schedule", 0.9, [
                f"board names under {tag.column.header!r}"] + facts)
        if by_sheet and facts and not _load_rating(ev):
            return Verdict("bus_schedule", 0.7, [
                f"sheet name {ev.table.sheet!r} names buses"] + facts)
        return None


class Catalogue(Classifier):
    """Price lists and cable catalogues: rows of products, not of a plant."""

    name, kind = "catalogue", "other"

    def judge(self, ev):
        for col in ev.table.columns:
            if _PRICE_HEADER.search(normalize_header(col.header)):
                return Verdict("other", 0.8, [
                    f"column {col.header!r}: a price list, not a schedule"])
        names = _row_names(ev)
        if names and value_fit("spec_text", names) >= 0.6:
            return Verdict("other", 0.75, [
                f"rows named by cable descriptions such as {names[0]!r}: "
                "a cable catalogue, not loads"])
        return None


class LoadList(Classifier):
    """An identifier and a rating per row: loads, or feeders with cables."""

    name, kind = "load-list", "load_schedule"

    def judge(self, ev):
        rating = _load_rating(ev)
        ident = _identifier(ev)
        if not (rating and ident):
            return None
        extras = _count(ev, "load", ("power_factor", "efficiency", "voltage_v",
                                     "phases", "demand_factor", "starting_method"))
        cable = _count(ev, "cable", CABLE_BODY)
        conf = min(0.97, 0.65 + 0.07 * extras)
        reasons = [rating, ident]
        if cable >= 2 and (ev.best("cable", "size_mm2") or ev.best("cable", "spec_text")
                           or ev.best("cable", "cores")):
            return Verdict("feeder_schedule", conf, reasons + [
                f"{cable} cable columns on the same rows"])
        return Verdict("load_schedule", conf, reasons)


class CableList(Classifier):
    """Tagged cables with a size or a specification."""

    name, kind = "cable-list", "cable_schedule"

    def judge(self, ev):
        tag = ev.best("cable", "tag", 0.7)
        body = [n for n in ("size_mm2", "spec_text", "cores")
                if ev.best("cable", n, 0.6)]
        if tag and body and tag.score >= 0.85:
            return Verdict("cable_schedule", 0.75, [
                f"cable tags under {tag.column.header!r}"] + body)
        return None


REGISTRY: list[Classifier] = [
    TimeSeries(), GeneratorList(), FeederOrCableWithEnds(), BusList(), Catalogue(),
    LoadList(), CableList(),
]


def classify(ev: Evidence, disabled: frozenset[str] = frozenset()) -> Verdict:
    """The first claim of the registered classifiers, or ``other``."""
    for clf in REGISTRY:
        if clf.name in disabled:
            continue
        verdict = clf.judge(ev)
        if verdict is not None:
            return verdict
    return Verdict("other", 0.6, ["no identifier with ratings, ends or sizes"])


def _leading_column(ev: Evidence):
    """The first column that is not a running number (S.No., Item, Pos.)."""
    rows = [r.index for r in ev.table.rows if r.role == "data"][:30]
    for col in ev.table.columns:
        values = [ev.grid.value(r, col.index) for r in rows]
        values = [v for v in values if v not in (None, "")]
        if not values or not all(_is_running_number(v) for v in values):
            return col
    return ev.table.columns[0]


def _is_running_number(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer() and 0 <= value < 10000
    return isinstance(value, str) and value.strip().rstrip(".").isdigit()


def _load_rating(ev: Evidence, names=LOAD_RATINGS) -> str | None:
    for name in names:
        cand = ev.best("load", name, 0.5)
        if cand and cand.score >= 0.75:
            return f"{name} from {cand.column.header!r}"
    if ev.has_phase_power():
        return "power per phase"
    return None


def _identifier(ev: Evidence) -> str | None:
    for name in ("tag", "description", "source_bus"):
        cand = ev.best("load", name, 0.5)
        if cand and cand.score >= 0.8:
            return f"{name} from {cand.column.header!r}"
    return None


NAMED_ROWS = 500
"""Rows whose names are read to judge a table; a longer table is sampled
evenly, as its kind shows on every part of it."""


def _row_names(ev: Evidence) -> list[str]:
    """The text naming each data row (of a sample of a long table): its
    description, else its tag."""
    cand = ev.best("load", "description") or ev.best("load", "tag")
    if cand is None:
        return []
    rows = [r.index for r in ev.table.rows if r.role == "data"]
    step = max(1, -(-len(rows) // NAMED_ROWS))
    values = [ev.grid.value(r, cand.column.index) for r in rows[::step]]
    return [v for v in values if isinstance(v, str) and v.strip()]


def _count(ev: Evidence, record: str, names) -> int:
    return sum(1 for n in names if ev.best(record, n, 0.5))

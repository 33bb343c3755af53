"""Column mapping: each table column to at most one canonical field.

A column's header is scored against the vocabulary; the unit written in the
header or a units row steers the choice between fields of different
dimensions (a "Rated power" column in kVA is apparent power); the values
under the header confirm or weaken the match. Fields are then assigned
greedily, best first, one field per column and one column per field.
Per-phase columns (R/Y/B, L1/L2/L3, Ph-1/Ph-2/Ph-3) are kept as a group
whose values are summed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from . import values as V
from .grid import CellError, SheetGrid, is_blank
from .tables import Column, Table, is_placeholder, text_of
from .vocabulary import Match, Vocabulary, normalize_header

SAMPLE_ROWS = 60

FIELD_DIMENSION = {
    "rated_power_kw": "power",
    "rated_power_kva": "apparent_power",
    "voltage_v": "voltage",
    "current_a": "current",
    "rated_current_a": "current",
    "length_m": "length",
    "size_mm2": "area",
    "short_circuit_ka": "short_circuit",
    "power_factor": "fraction",
    "efficiency": "fraction",
    "demand_factor": "fraction",
}
UNIT_DIMENSION = {
    "W": "power", "kW": "power", "MW": "power", "HP": "power",
    "VA": "apparent_power", "kVA": "apparent_power", "MVA": "apparent_power",
    "V": "voltage", "kV": "voltage", "A": "current", "mA": "current",
    "kA": "short_circuit", "m": "length", "km": "length", "ft": "length",
    "mm": "length", "mm2": "area", "kcmil": "area", "%": "fraction",
    "pu": "per_unit", "kvar": "reactive", "Mvar": "reactive", "s": "time",
}
UNIT_FALLBACK = {
    "power": [("load", "rated_power_kw")],
    "apparent_power": [("load", "rated_power_kva")],
    "voltage": [("load", "voltage_v"), ("bus", "voltage_v")],
    "current": [("bus", "rated_current_a")],
    "short_circuit": [("bus", "short_circuit_ka")],
    "length": [("cable", "length_m")],
    "area": [("cable", "size_mm2")],
}
# A power unit alone says what a column holds ("Rating (kW)"); a unit of
# voltage, current or length could belong to several fields.
UNIT_SCORE = {"power": 0.8, "apparent_power": 0.8}
TEXT_FIELDS = {
    "tag", "description", "source_bus", "from_ref", "to_ref", "parent_bus",
    "load_type", "duty", "starting_method", "conductor", "insulation",
    "armour", "installation", "voltage_rating", "spec_text",
}
NAME_FIELDS = {"tag", "description", "source_bus", "from_ref", "to_ref",
               "parent_bus"}
RATINGS = frozenset({"rated_power_kw", "rated_power_kva", "current_a"})
_TOTAL_WORDS = re.compile(r"\b(total|totale|gesamt|summe|sum|cumul|overall)\b")
_SERIAL = re.compile(r"^\(?\d{1,4}[).:]?$")
_VETO = {
    "size_mm2": re.compile(r"\b(ecc|earth|cpc|pe|ground|gland|min|minimum)\b"),
    "spec_text": re.compile(r"\b(ecc|earth|cpc|pe|gland)\b"),
    "cores": re.compile(r"\b(ecc|earth|cpc)\b"),
}
_PHASE = re.compile(
    r"^(?:(?:ph(?:ase)?|l)\s*-?\s*([123])|([ryb])\s*-?\s*ph(?:ase)?|"
    r"phase\s+([abc])|([abc]))\b",
    re.I,
)


@dataclass(slots=True)
class Candidate:
    """One way to read a column, with the evidence for it."""

    column: Column
    record: str
    field: str
    score: float
    method: str
    fit: float = 0.0

    @property
    def confidence(self) -> float:
        return round(self.score * (0.55 + 0.45 * self.fit), 3)


@dataclass(slots=True)
class PhaseGroup:
    """Two or three per-phase columns of one quantity."""

    record: str
    field: str
    columns: list[Column]
    unit: str | None


@dataclass(slots=True)
class TableMapping:
    """The chosen field of each column, and what else was considered."""

    fields: dict[tuple[str, str], Candidate] = field(default_factory=dict)
    phase_groups: list[PhaseGroup] = field(default_factory=list)
    unit_columns: dict[int, int] = field(default_factory=dict)
    candidates: dict[int, list[Candidate]] = field(default_factory=dict)

    def column_of(self, record: str, name: str) -> Column | None:
        cand = self.fields.get((record, name))
        return cand.column if cand else None

    def has(self, record: str, name: str, min_fit: float = 0.0) -> bool:
        cand = self.fields.get((record, name))
        return cand is not None and cand.fit >= min_fit


def candidates(table: Table, grid: SheetGrid, vocab: Vocabulary) -> TableMapping:
    """Every plausible field of every column, scored, before assignment."""
    mapping = TableMapping()
    samples = column_samples(table, grid)
    mapping.unit_columns = _unit_columns(table, samples)
    unit_cols = set(mapping.unit_columns.values())
    for col in table.columns:
        if col.index in unit_cols:
            continue
        values = samples.get(col.index, [])
        unit = col.unit or _unit_from_unit_column(mapping, col, samples)
        found = [c for m in _matches(vocab, col)
                 if (c := _candidate(col, m, unit, values)) is not None]
        found += _unit_fallbacks(col, unit, values, found)
        found = [c for c in found if c.score >= 0.55]
        mapping.candidates[col.index] = sorted(found, key=lambda c: -c.confidence)
    mapping.phase_groups = _phase_groups(table, samples)
    return mapping


def assign(mapping: TableMapping, records: tuple[str, ...]) -> TableMapping:
    """Choose one field per column and one column per field."""
    pool = [c for cands in mapping.candidates.values() for c in cands
            if c.record in records]
    pool.sort(key=lambda c: (-c.confidence, c.method != "exact", c.column.index))
    grouped = {c.index for g in mapping.phase_groups if g.record in records
               for c in g.columns}
    used_cols: set[int] = set(grouped)
    mapping.fields = {}
    for cand in pool:
        key = (cand.record, cand.field)
        if key in mapping.fields or cand.column.index in used_cols:
            continue
        if cand.fit < 0.3 or (cand.field in TEXT_FIELDS and cand.score < 0.72):
            continue
        mapping.fields[key] = cand
        used_cols.add(cand.column.index)
    mapping.phase_groups = [
        g for g in mapping.phase_groups
        if g.record in records and (g.record, g.field) not in mapping.fields
    ]
    return mapping


# -- evidence --------------------------------------------------------------


def column_samples(table: Table, grid: SheetGrid) -> dict[int, list]:
    """The values of the first data rows, by column, without empty cells."""
    rows = [r.index for r in table.rows if r.role == "data"][:SAMPLE_ROWS]
    out: dict[int, list] = {}
    for col in table.columns:
        vals = [grid.value(r, col.index) for r in rows]
        out[col.index] = [v for v in vals if not _says_nothing(v)]
    return out


def _says_nothing(value) -> bool:
    """Empty cells, dashes and error values tell nothing about a column."""
    return is_blank(value) or is_placeholder(value) or isinstance(value, CellError)


def _matches(vocab: Vocabulary, col: Column) -> list[Match]:
    best: dict[tuple[str, str], Match] = {}
    texts = [col.header] + col.parts[-1:]
    for i, text in enumerate(texts):
        for m in vocab.matches(text):
            score = m.score if i == 0 else m.score * 0.95
            key = (m.record, m.field)
            if key not in best or best[key].score < score:
                best[key] = Match(m.record, m.field, score, m.method, m.synonym)
    return list(best.values())


def _candidate(col: Column, m: Match, unit: str | None, values: list):
    name, score = m.field, m.score
    veto = _VETO.get(name)
    if veto and veto.search(normalize_header(col.header)):
        return None
    dim = UNIT_DIMENSION.get(unit or "")
    fdim = FIELD_DIMENSION.get(name)
    if dim and name in ("rated_power_kw", "rated_power_kva"):
        if dim == "power":
            name = "rated_power_kw"
        elif dim == "apparent_power":
            name = "rated_power_kva"
        fdim = FIELD_DIMENSION[name]
    if dim in ("per_unit", "reactive", "time") and fdim:
        score *= 0.3
    elif dim and fdim == dim:
        score = min(1.0, score + 0.1)
    elif dim and fdim and not (dim == "current" and fdim == "short_circuit"):
        score *= 0.35
    elif dim and name in TEXT_FIELDS and dim not in ("fraction",):
        score *= 0.6
    if name in RATINGS and _TOTAL_WORDS.search(normalize_header(col.header)):
        score *= 0.85  # "Total kW" beside "Unit kW": the rating is per unit
    cand = Candidate(col, m.record, name, round(score, 3), m.method)
    cand.fit = value_fit(name, values, unit, m.record)
    return cand


def _unit_fallbacks(col, unit, values, found) -> list[Candidate]:
    dim = UNIT_DIMENSION.get(unit or "")
    out = []
    have = {(c.record, c.field) for c in found}
    for record, name in UNIT_FALLBACK.get(dim or "", []):
        if (record, name) not in have:
            score = UNIT_SCORE.get(dim or "", 0.7)
            cand = Candidate(col, record, name, score, "unit")
            cand.fit = value_fit(name, values, unit, record)
            out.append(cand)
    return out


def value_fit(name: str, values: list, unit: str | None = None,
              record: str = "load") -> float:
    """The share of sample values that read as this field expects."""
    if not values:
        return 0.5
    check = _FIT_CHECKS.get(name, _fits_text)
    good = sum(1 for v in values if _fits(check, v, unit))
    fit = good / len(values)
    if name == "tag" and fit and record != "bus":
        texts = [text_of(v) for v in values]
        distinct = len(set(texts)) / len(texts)
        serial = sum(1 for t in texts if _SERIAL.match(t)) / len(texts)
        fit *= (0.5 + 0.5 * distinct) * (1 - 0.6 * serial)
    return round(fit, 3)


def _fits(check, value, unit) -> bool:
    """``check(value, unit)``, each distinct cell worked out once: the
    tables of a workbook (and its sheets) repeat their values."""
    try:
        return _fits_once(check, type(value), value, unit)
    except TypeError:  # a value that cannot be a key
        return check(value, unit)


@lru_cache(maxsize=1 << 12)
def _fits_once(check, kind: type, value, unit) -> bool:
    return check(value, unit)


def _fits_number(dimension: str):
    def check(value, unit) -> bool:
        if type(value) is float and math.isfinite(value):
            return True  # any number is a quantity, in the unit it names
        parsed = V.parse_quantity(value, dimension, unit)
        return parsed.ok and isinstance(parsed.value, (int, float))
    return check


def _fits_voltage(value, unit) -> bool:
    parsed = V.parse_quantity(value, "voltage", unit)
    return parsed.ok and isinstance(parsed.value, (int, float)) and (
        100 <= parsed.value <= 800_000 or (unit is None and 0.1 <= parsed.value <= 800)
    )


def _fits_fraction(value, unit) -> bool:
    parsed = V.parse_fraction(value, unit)
    return parsed.ok and isinstance(parsed.value, (int, float)) and (
        0 < parsed.value <= 1.2
    )


def _fits_phases(value, unit) -> bool:
    return V.parse_phases(value).ok


def _fits_count(value, unit) -> bool:
    parsed = V.parse_integer(value)
    return parsed.ok and isinstance(parsed.value, (int, float)) and (
        0 < parsed.value <= 200
    )


def _fits_size(value, unit) -> bool:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return 0 < value <= 2000
    return V.parse_cable_spec(value) is not None


_CABLE_BUILD = re.compile(
    r"\b(xlpe|pvc|epr|hepr|lszh|ls0h|lsoh|lsf|frls|swa|awa|sta|"
    r"armou?red|unarmou?red)\b", re.I)


def _fits_spec(value, unit) -> bool:
    """A whole description ("4C x 16 XLPE") or its construction ("XLPE/SWA")."""
    if not isinstance(value, str):
        return False
    spec = V.parse_cable_spec(value)
    if spec is None:
        return bool(_CABLE_BUILD.search(value))
    return spec.cores is not None or "awg" in value.lower()


_LETTERS = re.compile(r"[^\W\d_].*[^\W\d_]")


def _fits_text(value, unit) -> bool:
    return isinstance(value, str) and bool(_LETTERS.search(value))


_CONDUCTOR_WORDS = re.compile(
    r"\b(cu|al|alu|copper|aluminium|aluminum|cuivre|kupfer)\b", re.I)


def _fits_conductor(value, unit) -> bool:
    """A conductor material ("Cu", "Copper"), not a size written as text."""
    return isinstance(value, str) and bool(_CONDUCTOR_WORDS.search(value))


def _fits_any(value, unit) -> bool:
    return not isinstance(value, bool) and bool(text_of(value))


def _fits_name(value, unit) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return float(value).is_integer()
    return bool(text_of(value)) and not V.parse_number(value).ok


_FIT_CHECKS = {
    "rated_power_kw": _fits_number("power"),
    "rated_power_kva": _fits_number("apparent_power"),
    "current_a": _fits_number("current"),
    "rated_current_a": _fits_number("current"),
    "length_m": _fits_number("length"),
    "short_circuit_ka": _fits_number("short_circuit"),
    "voltage_v": _fits_voltage,
    "power_factor": _fits_fraction,
    "efficiency": _fits_fraction,
    "demand_factor": _fits_fraction,
    "phases": _fits_phases,
    "cores": _fits_count,
    "runs": _fits_count,
    "quantity": _fits_count,
    "size_mm2": _fits_size,
    "spec_text": _fits_spec,
    "voltage_rating": _fits_any,
    "conductor": _fits_conductor,
    "tag": _fits_name,
    "source_bus": _fits_name,
    "from_ref": _fits_name,
    "to_ref": _fits_name,
    "parent_bus": _fits_name,
}


# -- units and phases ------------------------------------------------------


def _unit_columns(table: Table, samples: dict[int, list]) -> dict[int, int]:
    """A 'Unit' column supplies the unit of the numeric column left of it.

    Under a group heading ("Rating / Unit") its own header part counts.
    """
    out = {}
    names = ("unit", "units", "uom", "einheit", "unite")
    for i, col in enumerate(table.columns):
        own = col.parts[-1] if col.parts else col.header
        if not {normalize_header(col.header), normalize_header(own)} & set(names):
            continue
        vals = samples.get(col.index, [])
        if vals and all(isinstance(v, str) and V.normalize_unit(v) for v in vals):
            if i > 0:
                out[table.columns[i - 1].index] = col.index
    return out


def _unit_from_unit_column(mapping, col, samples) -> str | None:
    unit_col = mapping.unit_columns.get(col.index)
    if unit_col is None:
        return None
    units = {V.normalize_unit(v) for v in samples.get(unit_col, [])}
    return units.pop() if len(units) == 1 else None


def _phase_groups(table: Table, samples: dict[int, list]) -> list[PhaseGroup]:
    """Per-phase columns of power, found by their phase labels."""
    by_key: dict[str, list[Column]] = {}
    for col in table.columns:
        for part in (col.parts[-1] if col.parts else "", col.header):
            label = _phase_label(part)
            if label:
                unit = col.unit or _values_unit(samples.get(col.index, []))
                dim = UNIT_DIMENSION.get(unit or "")
                if dim in ("power", "apparent_power"):
                    by_key.setdefault(dim, []).append(col)
                break
    groups = []
    for dim, cols in by_key.items():
        if 2 <= len(cols) <= 3:
            name = "rated_power_kw" if dim == "power" else "rated_power_kva"
            groups.append(PhaseGroup("load", name, cols, cols[0].unit))
    return groups


def _phase_label(text: str) -> str | None:
    norm = " ".join(re.sub(r"[()\[\]_]", " ", text).split())
    m = _PHASE.match(norm)
    if not m:
        return None
    rest = norm[m.end():].strip(" -:,;").lower()
    if rest and not V.normalize_unit(rest) and rest not in ("load", "power"):
        return None
    return next(g for g in m.groups() if g)


def _values_unit(values: list) -> str | None:
    units = set()
    for v in values:
        if isinstance(v, str):
            parsed = V.parse_quantity(v, "apparent_power")
            if parsed.ok and parsed.unit:
                units.add(parsed.unit)
    return units.pop() if len(units) == 1 else None

"""The electrical formulas of the checks, and how a record's values are read.

Currents: I = P / (√3 · U · cos φ · η) for three phases, with U the
line-to-line voltage, and I = P / (U · cos φ · η) for one phase, with U the
voltage as written (phase to neutral, or line to line for a load across two
lines). Voltage drop, after IEC 60364-5-52 Annex G:
ΔU % = b · I · L · (R cos φ + X sin φ) / U · 100, with b = √3 for three
phases (U line to line) and 2 for one phase (U phase to neutral).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache
from typing import Any

from ..records import FieldValue, Load, Record
from . import data

SQRT3 = math.sqrt(3)
_FRACTIONS = ("power_factor", "efficiency", "demand_factor")


def number(record: Record, name: str) -> float | None:
    """The field's value if it is a number (bools are not), else None."""
    value = record.get(name)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def usable(record: Record, name: str) -> float | None:
    """A number fit to calculate with: fractions in (0, 1], others > 0."""
    value = number(record, name)
    if value is None or value <= 0:
        return None
    if name in _FRACTIONS and value > 1:
        return None
    return value


def numbers(values: list[Any]) -> list[float | None]:
    """:func:`number` of each value of a column."""
    kinds = set(map(type, values))
    if kinds == {float}:
        return values
    if kinds <= {float, int, type(None)}:
        return [None if v is None else float(v) for v in values]
    return [v if type(v) is float else None if v is None else _number_of(v)
            for v in values]


def _number_of(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def usable_numbers(name: str, values: list[Any]) -> list[float | None]:
    """:func:`usable` of each value of a column of the field ``name``."""
    if name in _FRACTIONS:
        return [None if v is None or v <= 0 or v > 1 else v for v in numbers(values)]
    return [None if v is None or v <= 0 else v for v in numbers(values)]


def phase_count(load: Load) -> tuple[int | None, str | None]:
    """The load's phases, or one assumed from its voltage with a note why."""
    given = number(load, "phases")
    if given in (1.0, 2.0, 3.0):
        return int(given), None  # type: ignore[arg-type]
    volts = usable(load, "voltage_v")
    if volts is None:
        return None, None
    phases = 3 if volts >= 380 or round(volts) == 208 else 1
    return phases, f"phases not given: {phases}-phase assumed from {volts:g} V"


def current_from_power(p_kw: float, u_v: float, pf: float, eff: float,
                       phases: int) -> float:
    """Full-load current in A from rated power in kW."""
    k = SQRT3 if phases == 3 else 1.0
    return p_kw * 1000 / (k * u_v * pf * eff)


def current_from_apparent(s_kva: float, u_v: float, phases: int) -> float:
    """Current in A from apparent power in kVA: I = S / (√3 · U) or S / U."""
    k = SQRT3 if phases == 3 else 1.0
    return s_kva * 1000 / (k * u_v)


def apparent_power(p_kw: float, pf: float, eff: float) -> float:
    """Apparent power drawn, kVA: S = P_in / cos φ with P_in = P / η."""
    return p_kw / (pf * eff)


def active_power(s_kva: float, pf: float, eff: float) -> float:
    """Rated power, kW, from apparent power: the inverse, P = S · cos φ · η."""
    return s_kva * pf * eff


def voltage_drop_pct(current_a: float, length_m: float, size_mm2: float,
                     conductor: str, pf: float, u_v: float, phases: int,
                     runs: int = 1) -> float:
    """ΔU in % of U for ``runs`` parallel conductors of ``size_mm2`` each."""
    return voltage_drops([current_a], [length_m], [size_mm2], [conductor], [pf],
                         [u_v], [phases], [runs])[0]


def voltage_drops(currents: list[float], lengths: list[float], sizes: list[float],
                  conductors: list[str], pfs: list[float], volts: list[float],
                  phases: list[int], runs: list[int]) -> list[float]:
    """:func:`voltage_drop_pct` of many circuits, an item of each list each."""
    cable = data.cable_data()
    resistivity = cable["resistivity"]
    x_per_m = cable["reactance"]["ohm_per_m"]
    out = []
    for current_a, length_m, size_mm2, conductor, pf, u_v, n, k in zip(
            currents, lengths, sizes, conductors, pfs, volts, phases, runs):
        r_per_m = resistivity[conductor] / size_mm2
        sin_phi = math.sqrt(max(0.0, 1 - pf * pf))
        b = SQRT3 if n == 3 else 2.0
        per_run = current_a / k
        out.append(b * per_run * length_m * (r_per_m * pf + x_per_m * sin_phi)
                   / u_v * 100)
    return out


@lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(folded.lower().replace("_", " ").split())


def plain(text: object) -> str:
    """Lower case without accents, for matching words."""
    return _plain(str(text))


@lru_cache(maxsize=1)
def _type_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """One pattern per load type, matching any of its words as a whole word."""
    out = []
    for kind, entry in data.load_types().items():
        words = "|".join(re.escape(plain(w)) for w in entry["words"])
        out.append((kind, re.compile(rf"(?<!\w)(?:{words})(?!\w)")))
    return out


@lru_cache(maxsize=65536)
def _type_of(text: str) -> str | None:
    for kind, pattern in _type_patterns():
        if pattern.search(text):
            return kind
    return None


LOAD_TYPE_FIELDS = ("load_type", "description", "tag")
"""The fields a load's type is read from, in order."""


def load_type(load: Load) -> tuple[str, str | None]:
    """The load's type from data/load_defaults.toml and the word that said so.

    The type field is read first, then the description, then the tag; a
    load no word matches is ``general``.
    """
    for name in LOAD_TYPE_FIELDS:
        value = load.get(name)
        if not isinstance(value, str):
            continue
        kind = type_named(value)
        if kind is not None:
            return kind, f"{name} {value!r}"
    return "general", None


def type_named(text: str) -> str | None:
    """The load type a word of ``text`` names, if any."""
    return _type_of(plain(text))


def describe(name: str, fv: FieldValue) -> str:
    """An input of a calculation as notes name it: field (cell or source)."""
    where = fv.cell if fv.cell else fv.source
    return f"{name} ({where})"


def fmt(value: float, digits: int = 3) -> str:
    """A number for a message: thousands separated, trailing zeros dropped."""
    text = f"{value:,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text

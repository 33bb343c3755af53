"""Rules on single values: ranges, whole counts, nominal and plausible voltages.

A value outside its range is reported on its cell and kept as written.
"""

from __future__ import annotations

from ..records import Record
from ..report import Finding, Report
from . import data
from .electrical import fmt
from .registry import Context, Rule, register

_UNITS = {"rated_power_kw": "kW", "rated_power_kva": "kVA", "voltage_v": "V",
          "current_a": "A", "length_m": "m", "size_mm2": "mm²",
          "rated_current_a": "A", "short_circuit_ka": "kA"}
_SPOKEN = {"rated_power_kw": "rated power", "rated_power_kva": "apparent power",
           "voltage_v": "voltage", "current_a": "current", "length_m": "length",
           "size_mm2": "size", "rated_current_a": "rated current",
           "short_circuit_ka": "short-circuit rating"}


def _spoken(name: str) -> str:
    return _SPOKEN.get(name, name.replace("_", " "))


def _quantity(name: str, value: float) -> str:
    unit = _UNITS.get(name, "")
    return f"{_spoken(name)} {fmt(value)} {unit}".strip()


class _FractionRange(Rule):
    """A fraction of one, in (0, 1]."""

    field_name = ""
    kinds = ("load",)
    per_record = True
    hint = ""

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for kind in self.kinds:
            cols = context.columns(kind)
            values = cols.numbers(self.field_name)
            bad = [i for i, v in enumerate(values)
                   if v is not None and not 0 < v <= 1]
            for i, rec in cols.records(bad):
                said = f"{_spoken(self.field_name)} {fmt(values[i])}"  # type: ignore[arg-type]
                out.append(self.finding(
                    rec, self.field_name, f"{said} is outside (0, 1]",
                    f"correct the cell; {self.hint}"))
        return out


@register
class PowerFactorRange(_FractionRange):
    id = "power-factor-range"
    severity = "error"
    explanation = "A power factor (cos φ) lies in (0, 1]."
    field_name = "power_factor"
    hint = "cos φ lies above 0 and at most 1, leading or lagging"


@register
class EfficiencyRange(_FractionRange):
    id = "efficiency-range"
    severity = "error"
    explanation = "An efficiency lies in (0, 1] (100 % at most)."
    field_name = "efficiency"
    hint = "an efficiency lies above 0 and at most 100 % (0.92 or 92 %)"


@register
class DemandFactorRange(_FractionRange):
    id = "demand-factor-range"
    severity = "error"
    explanation = "A demand or load factor lies in (0, 1]."
    field_name = "demand_factor"
    hint = "a demand factor is the share of the rated power drawn, at most 1"


_POSITIVE = {
    "load": ("rated_power_kw", "rated_power_kva", "voltage_v", "current_a"),
    "cable": ("length_m", "size_mm2"),
    "bus": ("voltage_v", "rated_current_a", "short_circuit_ka"),
}


@register
class PositiveValue(Rule):
    id = "positive-value"
    severity = "error"
    kinds = tuple(_POSITIVE)
    per_record = True
    explanation = ("Powers, voltages, currents, lengths and sizes are positive; "
                   "a negative one is an error, a zero one a warning.")

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for kind, names in _POSITIVE.items():
            cols = context.columns(kind)
            bad = sorted((i, k) for k, name in enumerate(names)
                         for i, v in enumerate(cols.numbers(name))
                         if v is not None and v <= 0)
            for i, k in bad:
                value = cols.numbers(names[k])[i]
                out.append(self._one(cols.record(i), names[k], value))  # type: ignore[arg-type]
        return out

    def _one(self, rec: Record, name: str, value: float) -> Finding:
        said = _quantity(name, value)
        if value == 0:
            return self.finding(rec, name, f"{said} is zero",
                                "fill in the value, or mark the row as spare",
                                severity="warning")
        return self.finding(rec, name, f"{said} is negative",
                            "correct the cell; the value is a magnitude and "
                            "cannot be below zero")


_COUNTS = {"cable": ("cores", "runs"), "load": ("quantity",)}


@register
class WholeCount(Rule):
    id = "whole-count"
    severity = "error"
    kinds = tuple(_COUNTS)
    per_record = True
    explanation = "Cores, parallel runs and quantities are whole numbers, 1 or more."

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for kind, names in _COUNTS.items():
            cols = context.columns(kind)
            bad = sorted((i, k) for k, name in enumerate(names)
                         for i, v in enumerate(cols.numbers(name))
                         if v is not None and not (v.is_integer() and v >= 1))
            for i, k in bad:
                name = names[k]
                value: float = cols.numbers(name)[i]  # type: ignore[assignment]
                problem = ("is not a whole number" if not value.is_integer()
                           else "is less than 1")
                out.append(self.finding(
                    cols.record(i), name, f"{fmt(value)} {name} {problem}",
                    f"correct the cell; {name} is a count of 1 or more"))
        return out


def _nearest(volts: float, values: list[float]) -> float:
    return min(values, key=lambda v: abs(v - volts))


def _close(volts: float, listed: float, tolerance: float) -> bool:
    return abs(volts - listed) <= tolerance * listed


@register
class NominalVoltage(Rule):
    id = "nominal-voltage"
    severity = "warning"
    kinds = ("load", "bus")
    per_record = True
    explanation = ("A voltage is a nominal voltage of IEC 60038 (within 1 %); "
                   "the legacy 220/380/415/440 V are noted for information.")

    def check(self, report: Report, context: Context) -> list[Finding]:
        table = data.voltage_data()
        settings = context.settings
        tolerance = settings.voltage_tolerance or table["tolerance"]
        nominal = sorted([*table["nominal"], *settings.extra_nominal_voltages])
        out = []
        off: dict[float, bool] = {}  # by voltage: schedules repeat a few
        for kind in self.kinds:
            cols = context.columns(kind)
            values = cols.numbers("voltage_v")
            for volts in set(values):
                if volts is not None and volts > 0 and volts not in off:
                    off[volts] = not _close(volts, _nearest(volts, nominal),
                                            tolerance)
            bad = [i for i, v in enumerate(values) if v is not None and off.get(v)]
            for i, rec in cols.records(bad):
                out.append(self._finding(rec, values[i], nominal,  # type: ignore[arg-type]
                                         table["legacy"], tolerance))
        return out

    def _finding(self, rec: Record, volts: float, nominal: list[float],
                 legacy: list[float], tolerance: float) -> Finding:
        said, near = f"{fmt(volts)} V", _nearest(volts, nominal)
        old = _nearest(volts, legacy)
        if _close(volts, old, tolerance):
            return self.finding(
                rec, "voltage_v",
                f"{said} is a legacy nominal voltage (IEC 60038 before 1983); "
                f"the nominal value today is {fmt(near)} V",
                "nothing to do if the site runs at this voltage; new designs "
                f"use {fmt(near)} V", severity="info")
        in_kv = _nearest(volts * 1000, nominal)
        if _close(volts * 1000, in_kv, tolerance):
            return self.finding(
                rec, "voltage_v",
                f"{said} is not a nominal voltage of IEC 60038, but {fmt(volts)} kV "
                "would be", "check the unit of the column: kV read as V?")
        return self.finding(
            rec, "voltage_v",
            f"{said} is not a nominal voltage of IEC 60038; the nearest is "
            f"{fmt(near)} V",
            "check the cell and its unit, or add the site voltage to "
            "extra_nominal_voltages in the settings")


@register
class VoltageForPower(Rule):
    id = "voltage-for-power"
    severity = "warning"
    kinds = ("load",)
    per_record = True
    explanation = ("A load's power is plausible for its voltage (a 2,500 kW load "
                   "at 230 V or a 9.5 kW load at 11 kV is not).")

    def check(self, report: Report, context: Context) -> list[Finding]:
        cols = context.columns("load")
        levels: dict[float, dict | None] = {}
        bad = []
        for i, (volts, kw, kva) in enumerate(zip(cols.numbers("voltage_v"),
                                                 cols.numbers("rated_power_kw"),
                                                 cols.numbers("rated_power_kva"))):
            power = kw or kva
            if not volts or not power or volts <= 0 or power <= 0:
                continue
            if volts not in levels:
                levels[volts] = _level(volts)
            level = levels[volts]
            if level is not None and not level["min_kw"] <= power <= level["max_kw"]:
                bad.append((i, "rated_power_kw" if kw else "rated_power_kva",
                            power, volts, level))
        return [self._finding(cols.record(i), name, power, volts, level)
                for i, name, power, volts, level in bad]

    def _finding(self, load, name: str, power: float, volts: float,
                 level: dict) -> Finding:
        unit = _UNITS[name]
        return self.finding(
            load, "voltage_v",
            f"{fmt(power)} {unit} at {fmt(volts)} V is implausible: loads at "
            f"{level['name']} are usually {fmt(level['min_kw'])} to "
            f"{fmt(level['max_kw'])} {unit}",
            "check the voltage and the power of this row for a wrong unit "
            "or a value from another row")


def _level(volts: float) -> dict | None:
    for level in data.voltage_data()["levels"]:
        if level["min_v"] < volts <= level["max_v"]:
            return level
    return None

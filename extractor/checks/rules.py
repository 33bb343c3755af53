"""Rules on single values: ranges, whole counts, nominal and plausible voltages.

A value outside its range is reported on its cell and kept as written.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..records import Record
from ..report import Finding, Report
from . import data
from .electrical import fmt, number
from .registry import Context, Rule, register

_UNITS = {"rated_power_kw": "kW", "rated_power_kva": "kVA", "voltage_v": "V",
          "current_a": "A", "length_m": "m", "size_mm2": "mm²",
          "rated_current_a": "A", "short_circuit_ka": "kA"}
_SPOKEN = {"rated_power_kw": "rated power", "rated_power_kva": "apparent power",
           "voltage_v": "voltage", "current_a": "current", "length_m": "length",
           "size_mm2": "size", "rated_current_a": "rated current",
           "short_circuit_ka": "short-circuit rating"}


def _records(report: Report, kinds: tuple[str, ...]) -> Iterator[Record]:
    for kind in kinds:
        yield from report.records(kind)


def _spoken(name: str) -> str:
    return _SPOKEN.get(name, name.replace("_", " "))


def _quantity(name: str, value: float) -> str:
    unit = _UNITS.get(name, "")
    return f"{_spoken(name)} {fmt(value)} {unit}".strip()


class _FractionRange(Rule):
    """A fraction of one, in (0, 1]."""

    field_name = ""
    kinds: tuple[str, ...] = ("load",)
    hint = ""

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for rec in _records(report, self.kinds):
            value = number(rec, self.field_name)
            if value is not None and not 0 < value <= 1:
                said = f"{_spoken(self.field_name)} {fmt(value)}"
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
    explanation = ("Powers, voltages, currents, lengths and sizes are positive; "
                   "a negative one is an error, a zero one a warning.")

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for kind, names in _POSITIVE.items():
            for rec in report.records(kind):
                for name in names:
                    value = number(rec, name)
                    if value is not None and value <= 0:
                        out.append(self._one(rec, name, value))
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
    explanation = "Cores, parallel runs and quantities are whole numbers, 1 or more."

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for kind, names in _COUNTS.items():
            for rec in report.records(kind):
                for name in names:
                    value = number(rec, name)
                    if value is None or (value.is_integer() and value >= 1):
                        continue
                    problem = ("is not a whole number" if not value.is_integer()
                               else "is less than 1")
                    out.append(self.finding(
                        rec, name, f"{fmt(value)} {name} {problem}",
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
    explanation = ("A voltage is a nominal voltage of IEC 60038 (within 1 %); "
                   "the legacy 220/380/415/440 V are noted for information.")

    def check(self, report: Report, context: Context) -> list[Finding]:
        table = data.voltage_data()
        settings = context.settings
        tolerance = settings.voltage_tolerance or table["tolerance"]
        nominal = sorted([*table["nominal"], *settings.extra_nominal_voltages])
        out = []
        for rec in _records(report, ("load", "bus")):
            volts = number(rec, "voltage_v")
            if volts is None or volts <= 0:
                continue
            near = _nearest(volts, nominal)
            if _close(volts, near, tolerance):
                continue
            out.append(self._finding(rec, volts, nominal, table["legacy"],
                                     tolerance))
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
    explanation = ("A load's power is plausible for its voltage (a 2,500 kW load "
                   "at 230 V or a 9.5 kW load at 11 kV is not).")

    def check(self, report: Report, context: Context) -> list[Finding]:
        out = []
        for load in report.loads:
            volts = number(load, "voltage_v")
            name = "rated_power_kw" if number(load, "rated_power_kw") else (
                "rated_power_kva")
            power = number(load, name)
            if not volts or not power or volts <= 0 or power <= 0:
                continue
            level = _level(volts)
            if level is not None and not level["min_kw"] <= power <= level["max_kw"]:
                out.append(self._finding(load, name, power, volts, level))
        return out

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

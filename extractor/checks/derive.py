"""Derived values: what a schedule implies but does not write.

For each load, in this order, and only where the field is empty:

* ``power_factor`` and ``efficiency`` from the typical values of its type
  (``data/load_defaults.toml``), only when the settings ask for defaults;
  marked ``source="default"``;
* ``current_a``: from a written apparent power, I = S / (√3 · U) (three
  phases) or S / U (one phase); otherwise from the rated power,
  I = P / (√3 · U · cos φ · η) or P / (U · cos φ · η);
* ``rated_power_kva``: S = P_in / cos φ with P_in = P / η. The rated power
  of a motor is its shaft output, so the power it draws is P / η; for other
  loads the sheet gives η = 1 (or none, taken as 1) and S = P / cos φ;
* ``rated_power_kw`` where only kVA is given: P = S · cos φ · η, the
  inverse of the above.

A derived field is marked ``source="derived"``, names its inputs and their
cells in a note, and has the confidence of its least sure input times 0.95
(times 0.9 more for each assumption, such as an efficiency not given).
Values outside their range (a power factor of 1.02) are not used: the
range rules report them and nothing is derived from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import FieldValue, Load
from ..report import Report
from . import data
from .electrical import (
    active_power,
    apparent_power,
    current_from_apparent,
    current_from_power,
    describe,
    load_type,
    phase_count,
    usable,
)
from .settings import CheckSettings

DERIVED_FACTOR = 0.95
ASSUMPTION_FACTOR = 0.9
DEFAULT_CONFIDENCE = 0.5
GENERAL_DEFAULT_CONFIDENCE = 0.35


@dataclass(slots=True)
class _Inputs:
    """The fields a calculation used, and what it had to assume."""

    load: Load
    names: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)

    def use(self, name: str) -> float:
        value = usable(self.load, name)
        if value is None:
            raise ValueError(f"{name} of {self.load.label()} is not usable")
        self.names.append(name)
        return value

    def efficiency(self) -> float:
        if usable(self.load, "efficiency") is not None:
            return self.use("efficiency")
        self.assumed.append("efficiency not given: taken as 1")
        return 1.0

    def value(self, number: float, formula: str) -> FieldValue:
        fvs = [getattr(self.load, n) for n in self.names]
        conf = min(fv.confidence for fv in fvs) * DERIVED_FACTOR
        conf *= ASSUMPTION_FACTOR ** len(self.assumed)
        pairs = zip(self.names, fvs, strict=True)
        inputs = ", ".join(describe(n, fv) for n, fv in pairs)
        notes = [f"{formula} from {inputs}"] + self.assumed
        return FieldValue(value=round(number, 3), confidence=round(conf, 3),
                          source="derived", notes=notes)


def derive(report: Report, settings: CheckSettings | None = None) -> None:
    """Fill the missing values of every load that its other values imply."""
    settings = settings or CheckSettings()
    for load in report.loads:
        if getattr(settings, "apply_defaults", False):
            apply_defaults(load)
        _current(load)
        _apparent_power(load)
        _active_power(load)


def apply_defaults(load: Load) -> None:
    """Typical power factor and efficiency where the load gives none."""
    kind, why = load_type(load)
    entry = data.load_types()[kind]
    conf = DEFAULT_CONFIDENCE if why else GENERAL_DEFAULT_CONFIDENCE
    reason = f"a {kind} load by its {why}" if why else "no load type recognised"
    for name in ("power_factor", "efficiency"):
        if getattr(load, name) is not None:
            continue
        note = (f"typical {name.replace('_', ' ')} {entry[name]:g} for {reason} "
                "(data/load_defaults.toml); not from the sheet")
        setattr(load, name, FieldValue(value=float(entry[name]), confidence=conf,
                                       source="default", notes=[note]))


def _current(load: Load) -> None:
    if load.current_a is not None or usable(load, "voltage_v") is None:
        return
    phases, assumed = phase_count(load)
    if phases is None:
        return
    inputs = _Inputs(load)
    kva = load.rated_power_kva
    if kva is not None and kva.source != "derived" and usable(load, "rated_power_kva"):
        s, u = inputs.use("rated_power_kva"), inputs.use("voltage_v")
        current = current_from_apparent(s, u, phases)
        formula = "I = S/(√3·U)" if phases == 3 else "I = S/U"
    elif usable(load, "rated_power_kw") and usable(load, "power_factor"):
        p, u = inputs.use("rated_power_kw"), inputs.use("voltage_v")
        pf, eff = inputs.use("power_factor"), inputs.efficiency()
        current = current_from_power(p, u, pf, eff, phases)
        formula = ("I = P/(√3·U·cosφ·η)" if phases == 3
                   else "I = P/(U·cosφ·η)")
    else:
        return
    if assumed:
        inputs.assumed.append(assumed)
    else:
        inputs.names.append("phases")
    load.current_a = inputs.value(current, formula)


def _apparent_power(load: Load) -> None:
    if load.rated_power_kva is not None:
        return
    if usable(load, "rated_power_kw") is None or usable(load, "power_factor") is None:
        return
    inputs = _Inputs(load)
    p, pf = inputs.use("rated_power_kw"), inputs.use("power_factor")
    eff = inputs.efficiency()
    load.rated_power_kva = inputs.value(apparent_power(p, pf, eff), "S = P/(cosφ·η)")


def _active_power(load: Load) -> None:
    if load.rated_power_kw is not None:
        return
    if usable(load, "rated_power_kva") is None or usable(load, "power_factor") is None:
        return
    inputs = _Inputs(load)
    s, pf = inputs.use("rated_power_kva"), inputs.use("power_factor")
    eff = inputs.efficiency()
    load.rated_power_kw = inputs.value(active_power(s, pf, eff), "P = S·cosφ·η")

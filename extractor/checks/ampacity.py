"""A cable's current-carrying capacity from IEC 60364-5-52 Annex B.

What the schedule writes is read into the terms of the tables: conductor
(Cu or Al), insulation (PVC at 70 °C, or XLPE/EPR at 90 °C), reference
method (from the installation text, ``data/cable_data.toml``) and the
number of loaded conductors (2 for one phase, 3 for three). Whatever had to
be assumed is said, so a finding can name it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..records import Cable, Load
from . import data
from .electrical import number, phase_count, plain

_AL = re.compile(r"\b(al|alu|alum|aluminium|aluminum)\b")
_CU = re.compile(r"\b(cu|copper|cuivre|kupfer)\b")
_XLPE = re.compile(r"xlpe|xlp\b|\bepr\b|hepr|\bx-?90\b|\bpex\b|\bvpe\b")
_PVC = re.compile(r"\bpvc\b|\bv-?7[05]\b")


@dataclass(slots=True)
class Basis:
    """What the table lookup rests on, and what was assumed for it."""

    conductor: str | None = None
    insulation: str | None = None
    method: str | None = None
    loaded: int | None = None
    conductor_note: str | None = None
    assumed: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def describe(self) -> str:
        return (f"{self.conductor} {self.insulation}, method {self.method}, "
                f"{self.loaded} loaded conductors")


def basis(cable: Cable, load: Load | None, assume_copper: bool = True) -> Basis:
    """Read conductor, insulation, method and loading of a cable."""
    out = Basis()
    out.conductor = conductor_of(cable)
    if out.conductor is None and assume_copper:
        out.conductor = "Cu"
        out.conductor_note = "copper assumed (no conductor material written)"
        out.assumed.append(out.conductor_note)
    out.insulation = insulation_of(cable)
    out.method = method_of(cable)
    out.loaded, note = loaded_conductors(cable, load)
    if note:
        out.assumed.append(note)
    for name in ("conductor", "insulation", "method"):
        if getattr(out, name) is None:
            out.missing.append(name)
    return out


def _texts(cable: Cable, names: tuple[str, ...]) -> str:
    parts = [cable.get(n) for n in names]
    return " ".join(plain(p) for p in parts if isinstance(p, str))


def conductor_of(cable: Cable) -> str | None:
    """Cu or Al from the conductor field or the cable description."""
    text = _texts(cable, ("conductor", "spec_text", "insulation"))
    if _AL.search(text):
        return "Al"
    if _CU.search(text):
        return "Cu"
    return None


def insulation_of(cable: Cable) -> str | None:
    """XLPE (XLPE, EPR: 90 °C) or PVC (70 °C), or None when not written."""
    text = _texts(cable, ("insulation", "spec_text", "voltage_rating"))
    if _XLPE.search(text):
        return "XLPE"
    if _PVC.search(text):
        return "PVC"
    return None


def method_of(cable: Cable) -> str | None:
    """The reference method the installation text means, or None."""
    text = cable.get("installation")
    if not isinstance(text, str) or not text.strip():
        return None
    cores = number(cable, "cores")
    single = cores == 1
    for rule in data.installation_rules():
        match = rule.pattern.search(text)
        if match is None:
            continue
        if rule.multicore == "as written":
            return match.group(1).upper()
        return rule.single_core if single else rule.multicore
    return None


def loaded_conductors(cable: Cable, load: Load | None) -> tuple[int, str | None]:
    """2 for a single-phase circuit, 3 for a three-phase one."""
    if load is not None:
        phases, assumed = phase_count(load)
        if phases is not None:
            loaded = 3 if phases == 3 else 2
            note = f"{loaded} loaded conductors ({assumed})" if assumed else None
            return loaded, note
    cores = number(cable, "cores")
    if cores == 2:
        return 2, "2 loaded conductors assumed from 2 cores"
    if cores is not None and cores.is_integer() and cores >= 3:
        return 3, None
    return 3, "3 loaded conductors assumed (phases not known)"


def rating(b: Basis, size_mm2: float) -> tuple[float, str] | None:
    """The tabulated current in A and the table it comes from, or None."""
    if b.missing:
        return None
    key = (b.conductor, b.insulation, b.loaded, b.method)
    column = data.ampacity_tables().get(key)  # type: ignore[arg-type]
    if column is None:
        return None
    for size, amps in column.by_size.items():
        if abs(size - size_mm2) < 1e-6:
            return amps, column.table
    return None

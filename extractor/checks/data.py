"""The shipped data tables of the checks, read once.

``data/iec60364_ampacity.toml`` (current-carrying capacities),
``data/nominal_voltages.toml`` (IEC 60038 and plausible powers),
``data/load_defaults.toml`` (typical power factor and efficiency) and
``data/cable_data.toml`` (resistivity, reactance, voltage-drop limits and
installation methods).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

AmpacityKey = tuple[str, str, int, str]
"""(conductor Cu/Al, insulation PVC/XLPE, loaded conductors, method)."""


@dataclass(frozen=True, slots=True)
class Ampacity:
    """One column of a table of the standard: size in mm² -> amperes."""

    table: str
    by_size: dict[float, float]


@dataclass(frozen=True, slots=True)
class InstallationRule:
    """An installation text pattern and the reference methods it means."""

    pattern: re.Pattern[str]
    multicore: str
    single_core: str


def _read(name: str) -> dict:
    text = resources.files("extractor").joinpath(f"data/{name}").read_text("utf-8")
    return tomllib.loads(text)


@lru_cache(maxsize=1)
def ampacity_tables() -> dict[AmpacityKey, Ampacity]:
    """Every tabulated column, keyed by conductor, insulation, loading, method."""
    out: dict[AmpacityKey, Ampacity] = {}
    for table in _read("iec60364_ampacity.toml")["table"]:
        for i, method in enumerate(table["methods"], start=1):
            by_size = {float(row[0]): float(row[i]) for row in table["rows"]
                       if not math.isnan(row[i])}
            key = (table["conductor"], table["insulation"], table["loaded"], method)
            out[key] = Ampacity(table["name"], by_size)
    return out


@lru_cache(maxsize=1)
def voltage_data() -> dict:
    """Nominal, legacy and plausible-power data by voltage."""
    data = _read("nominal_voltages.toml")
    nominal = sorted(v for values in data["nominal"].values() for v in values)
    return {"tolerance": data["tolerance"], "nominal": nominal,
            "legacy": sorted(data["legacy"]["values"]), "levels": data["level"]}


@lru_cache(maxsize=1)
def load_types() -> dict[str, dict]:
    """Typical power factor and efficiency by load type, in file order."""
    return _read("load_defaults.toml")["types"]


@lru_cache(maxsize=1)
def cable_data() -> dict:
    """Resistivity, reactance and voltage-drop limits."""
    return _read("cable_data.toml")


@lru_cache(maxsize=1)
def installation_rules() -> tuple[InstallationRule, ...]:
    """The installation text patterns, in the order they are tried."""
    return tuple(
        InstallationRule(re.compile(item["pattern"], re.I), item["multicore"],
                         item["single_core"])
        for item in cable_data()["installation"]
    )

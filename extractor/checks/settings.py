"""What a user can change about the engineering checks.

Settings come from code, from the ``[checks]`` table of a TOML settings
file, or from the command line (rules switched off by id)::

    [checks]
    disabled = ["nominal-voltage", "voltage-drop"]
    apply_defaults = true
    voltage_drop_lighting_pct = 3.0
    voltage_drop_other_pct = 5.0
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

from ..errors import ConfigurationError


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """Switches and limits of the checks; the defaults suit most schedules."""

    apply_defaults: bool = False
    """Fill a missing power factor or efficiency from the typical values."""
    disabled_rules: frozenset[str] = frozenset()
    voltage_drop_lighting_pct: float | None = None
    """Limit for lighting circuits; None takes the shipped 3 %."""
    voltage_drop_other_pct: float | None = None
    """Limit for other circuits; None takes the shipped 5 %."""
    voltage_tolerance: float | None = None
    """How far (a fraction) a voltage may sit from a nominal one."""
    extra_nominal_voltages: tuple[float, ...] = ()
    """Site voltages (V) to accept besides those of IEC 60038."""
    totals_relative_tolerance: float = 0.001
    totals_absolute_tolerance: float = 0.001
    assume_copper: bool = True
    """Take a cable whose conductor is not written as copper (and say so)."""


def load_check_settings(path: str | Path) -> CheckSettings:
    """The ``[checks]`` table of a TOML settings file as settings."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"cannot read the settings file: {exc}; fix or remove it",
            path=str(path)) from exc
    table = data.get("checks", {})
    if not isinstance(table, dict):
        raise ConfigurationError("[checks] must be a table", path=str(path))
    return settings_from_mapping(table, str(path))


def settings_from_mapping(table: dict, where: str = "settings") -> CheckSettings:
    """Settings from a plain mapping, every key checked."""
    from .registry import validate_rule_ids

    known = {f.name for f in fields(CheckSettings)} | {"disabled"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigurationError(
            f"unknown check setting(s) {', '.join(unknown)}; use one of: "
            f"{', '.join(sorted(known - {'disabled_rules'}))}", path=where)
    values = {k: v for k, v in table.items() if k not in ("disabled",
                                                           "disabled_rules")}
    if "extra_nominal_voltages" in values:
        values["extra_nominal_voltages"] = tuple(values["extra_nominal_voltages"])
    disabled = list(table.get("disabled", [])) + list(table.get("disabled_rules", []))
    validate_rule_ids(disabled, where)
    try:
        return CheckSettings(disabled_rules=frozenset(disabled), **values)
    except TypeError as exc:
        raise ConfigurationError(f"invalid check settings: {exc}", path=where) from exc


def with_disabled(settings: CheckSettings | None, ids) -> CheckSettings:
    """The settings with more rules switched off (e.g. from a CLI flag)."""
    from .registry import validate_rule_ids

    settings = settings or CheckSettings()
    ids = list(ids)
    validate_rule_ids(ids, "command line")
    return replace(settings, disabled_rules=settings.disabled_rules | set(ids))

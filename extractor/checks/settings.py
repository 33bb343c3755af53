"""What a user can change about the engineering checks.

Settings come from code, from the ``[checks]`` table of a TOML settings
file, or from the command line (rules switched off by id)::

    [checks]
    disabled = ["nominal-voltage", "voltage-drop"]
    apply_defaults = true
    voltage_drop_lighting_pct = 3.0
    voltage_drop_other_pct = 5.0

Every value is checked, by type and range, when the settings are made: a
settings file with a wrong value is an error before any workbook is read.
"""

from __future__ import annotations

import tomllib
from dataclasses import fields, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, StrictBool, StrictFloat, StrictStr, ValidationError
from pydantic.dataclasses import dataclass

from ..errors import ConfigurationError

TABLE = "checks"
"""The one table of a settings file."""
RULE_KEYS = ("disabled", "disabled_rules")
"""The names a settings file may give the rules it switches off."""

Volts = Annotated[StrictFloat, Field(gt=0, le=1_000_000, allow_inf_nan=False)]
"""A system voltage in V, up to the 1,000 kV of the highest voltage level."""


@dataclass(frozen=True, slots=True)
class CheckSettings:
    """Switches and limits of the checks; the defaults suit most schedules.

    Each field's description says what it takes; an error quotes it.
    """

    apply_defaults: StrictBool = Field(False, description="true or false")
    """Fill a missing power factor or efficiency from the typical values."""
    disabled_rules: frozenset[StrictStr] = Field(
        frozenset(), description="a list of rule ids (see 'excel-extract rules')")
    """Rules switched off, by id; a settings file names them ``disabled``."""
    voltage_drop_lighting_pct: StrictFloat | None = Field(
        None, gt=0, le=100, allow_inf_nan=False,
        description="a number of percent above 0 and at most 100")
    """Limit for lighting circuits; None takes the shipped 3 %."""
    voltage_drop_other_pct: StrictFloat | None = Field(
        None, gt=0, le=100, allow_inf_nan=False,
        description="a number of percent above 0 and at most 100")
    """Limit for other circuits; None takes the shipped 5 %."""
    voltage_tolerance: StrictFloat | None = Field(
        None, gt=0, le=0.1, allow_inf_nan=False,
        description="a fraction above 0 and at most 0.1 (0.01 is 1 %)")
    """How far a voltage may sit from a nominal one; None takes the shipped 1 %.
    IEC 60038 lets a supply stray up to 10 % from nominal: no wider band."""
    extra_nominal_voltages: tuple[Volts, ...] = Field(
        (), description="a list of voltages in V, each above 0 and at most "
        "1,000,000")
    """Site voltages (V) to accept besides those of IEC 60038."""
    totals_relative_tolerance: StrictFloat = Field(
        0.001, ge=0, le=0.1, allow_inf_nan=False,
        description="a fraction from 0 to 0.1 (0.001 is 0.1 %)")
    """How far a totals row may sit from the sum, as a fraction of it: room
    for rounding; a sum 10 % off is a mismatch to report."""
    totals_absolute_tolerance: StrictFloat = Field(
        0.001, ge=0, allow_inf_nan=False,
        description="a number of 0 or more, in the unit of the totalled column")
    """How far a totals row may sit from the sum, in the column's unit."""
    assume_copper: StrictBool = Field(True, description="true or false")
    """Take a cable whose conductor is not written as copper (and say so)."""


def load_check_settings(path: str | Path) -> CheckSettings:
    """The ``[checks]`` table of a TOML settings file as settings."""
    try:
        data = tomllib.loads(Path(path).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(
            f"cannot read the settings file: {exc}; fix or remove it",
            path=str(path)) from exc

    _reject_other_tables(data, str(path))
    table = data.get(TABLE, {})
    if not isinstance(table, dict):
        raise ConfigurationError(f"[{TABLE}] must be a table", path=str(path))
    return settings_from_mapping(table, str(path))


def _reject_other_tables(data: dict[str, Any], where: str) -> None:
    """Raise a ConfigurationError naming what the file holds besides [checks]."""
    others = [key for key in data if key != TABLE]
    tables = [f"[{key}]" for key in others if isinstance(data[key], dict)]
    if tables:
        raise ConfigurationError(
            f"unknown table(s) {', '.join(tables)}; put the settings under "
            f"[{TABLE}]", path=where)
    if others:
        raise ConfigurationError(
            f"setting(s) {', '.join(others)} outside any table; put them under "
            f"[{TABLE}]", path=where)


def settings_from_mapping(table: dict, where: str = "settings") -> CheckSettings:
    """Settings from a plain mapping, every key and value checked."""
    known = {f.name for f in fields(CheckSettings)} | {"disabled"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise ConfigurationError(
            f"unknown check setting(s) {', '.join(unknown)}; use one of: "
            f"{', '.join(sorted(known - {'disabled_rules'}))}", path=where)

    values = {k: v for k, v in table.items() if k not in RULE_KEYS}
    values["disabled_rules"] = _rule_ids(table, where)
    return _checked(values, where)


def _rule_ids(table: dict, where: str) -> list[str]:
    """The rules the mapping switches off, in its order, each id checked."""
    from .registry import validate_rule_ids

    ids: list[str] = []
    for key in RULE_KEYS:
        if key in table:
            _checked({"disabled_rules": table[key]}, where, named=key)
            ids += table[key]
    validate_rule_ids(ids, where)
    return ids


def _checked(values: dict, where: str, named: str | None = None) -> CheckSettings:
    """Settings from values, or a ConfigurationError on the first wrong one.

    ``named`` is the name the user gave the one setting in ``values``.
    """
    try:
        return CheckSettings(**values)
    except ValidationError as exc:
        name = exc.errors()[0]["loc"][0]
        expected = CheckSettings.__pydantic_fields__[name].description
        raise ConfigurationError(
            f"{TABLE}.{named or name} must be {expected}, not {values[name]!r}",
            path=where) from exc


def with_disabled(settings: CheckSettings | None, ids) -> CheckSettings:
    """The settings with more rules switched off (e.g. from a CLI flag)."""
    from .registry import validate_rule_ids

    settings = settings or CheckSettings()
    ids = list(ids)
    validate_rule_ids(ids, "command line")
    return replace(settings, disabled_rules=settings.disabled_rules | set(ids))

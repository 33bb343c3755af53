"""Derived values: currents and powers worked by hand, defaults only on request."""

from __future__ import annotations

import math

import pytest

from extractor.checks import CheckSettings, derive
from extractor.pipeline import extract_file
from extractor.records import FieldValue, Load
from extractor.report import Report
from corpus_path import CORPUS

approx = pytest.approx
TORTURE = CORPUS / "sld-design" / "temp_AI_Extractor_Torture_Test_v2 (1).xlsx"


def fv(value, cell: str | None = None, confidence: float = 1.0) -> FieldValue:
    return FieldValue(value=value, confidence=confidence, cell=cell)


def load(row: int = 2, **values) -> Load:
    """A load on sheet L whose fields sit in columns C, D, E, ... of its row."""
    fields = {}
    for i, (name, value) in enumerate(values.items()):
        fields[name] = value if isinstance(value, FieldValue) else fv(
            value, f"L!{chr(67 + i)}{row}")
    return Load(sheet="L", row=row, **fields)


def derived(*loads: Load, **settings) -> Report:
    report = Report(source="test", loads=list(loads))
    derive(report, CheckSettings(**settings))
    return report


def test_three_phase_motor_current_and_apparent_power() -> None:
    # I = P / (√3 · U · cos φ · η) = 30 000 / (1.7321 × 400 × 0.85 × 0.90)
    #   = 30 000 / 530.01 = 56.603 A
    # S = P / (cos φ · η) = 30 / (0.85 × 0.90) = 30 / 0.765 = 39.216 kVA
    motor = load(rated_power_kw=30.0, voltage_v=400.0, phases=3,
                 power_factor=0.85, efficiency=0.9)
    derived(motor)

    assert motor.current_a.value == approx(56.603, abs=1e-3)
    assert motor.rated_power_kva.value == approx(39.216, abs=1e-3)
    assert motor.current_a.source == "derived"
    assert motor.current_a.cell is None
    assert motor.current_a.notes == [
        "I = P/(√3·U·cosφ·η) from rated_power_kw (L!C2), voltage_v (L!D2), "
        "power_factor (L!F2), efficiency (L!G2), phases (L!E2)"
    ]
    assert motor.rated_power_kva.notes == [
        "S = P/(cosφ·η) from rated_power_kw (L!C2), power_factor (L!F2), "
        "efficiency (L!G2)"
    ]


def test_single_phase_current_uses_the_voltage_as_written() -> None:
    # I = P / (U · cos φ · η) = 2 000 / (230 × 0.95 × 1.0) = 2 000 / 218.5
    #   = 9.153 A
    lights = load(rated_power_kw=2.0, voltage_v=230.0, phases=1,
                  power_factor=0.95, efficiency=1.0)
    derived(lights)

    assert lights.current_a.value == approx(9.153, abs=1e-3)
    assert lights.current_a.notes[0].startswith("I = P/(U·cosφ·η) from ")


def test_confidence_is_the_least_sure_input_times_095() -> None:
    motor = load(rated_power_kw=fv(30.0, "L!C2", 0.9), voltage_v=fv(400.0, "L!D2", 0.6),
                 phases=fv(3, "L!E2", 1.0), power_factor=fv(0.85, "L!F2", 0.8),
                 efficiency=fv(0.9, "L!G2", 1.0))
    derived(motor)

    assert motor.current_a.confidence == approx(0.6 * 0.95)
    assert motor.rated_power_kva.confidence == approx(0.8 * 0.95)


def test_current_from_apparent_power_and_active_power_from_it() -> None:
    # I = S / (√3 · U) = 50 000 / (1.7321 × 400) = 72.169 A
    # P = S · cos φ · η = 50 × 0.8 × 1 = 40 kW (η not given: taken as 1)
    board = load(rated_power_kva=50.0, voltage_v=400.0, phases=3, power_factor=0.8)
    derived(board)

    assert board.current_a.value == approx(72.169, abs=1e-3)
    assert board.current_a.notes == [
        "I = S/(√3·U) from rated_power_kva (L!C2), voltage_v (L!D2), phases (L!E2)"]
    assert board.rated_power_kw.value == approx(40.0)
    assert board.rated_power_kw.notes == [
        "P = S·cosφ·η from rated_power_kva (L!C2), power_factor (L!F2)",
        "efficiency not given: taken as 1",
    ]
    assert board.rated_power_kw.confidence == approx(0.95 * 0.9)


def test_phases_assumed_from_the_voltage_are_noted() -> None:
    # 400 V without a phase count: three-phase assumed.
    # I = 11 000 / (1.7321 × 400 × 0.86 × 0.92) = 11 000 / 548.16 = 20.067 A
    pump = load(rated_power_kw=11.0, voltage_v=400.0, power_factor=0.86,
                efficiency=0.92)
    derived(pump)

    assert pump.current_a.value == approx(
        11000 / (math.sqrt(3) * 400 * 0.86 * 0.92), abs=1e-3)
    assert pump.current_a.value == approx(20.067, abs=1e-3)
    assert pump.current_a.notes[1:] == [
        "phases not given: 3-phase assumed from 400 V"]
    assert pump.current_a.confidence == approx(0.95 * 0.9)


def test_a_written_value_is_never_replaced() -> None:
    motor = load(rated_power_kw=30.0, voltage_v=400.0, phases=3, power_factor=0.85,
                 efficiency=0.9, current_a=60.0, rated_power_kva=40.0)
    derived(motor)

    assert motor.current_a == fv(60.0, "L!H2")
    assert motor.rated_power_kva == fv(40.0, "L!I2")


def test_nothing_is_derived_from_a_value_out_of_range() -> None:
    lights = load(rated_power_kw=2.1, voltage_v=230.0, phases=1, power_factor=1.02)
    derived(lights)

    assert lights.current_a is None
    assert lights.rated_power_kva is None
    assert lights.power_factor.value == 1.02


def test_without_a_power_factor_nothing_is_derived_by_default() -> None:
    pump = load(description="Cooling water pump", rated_power_kw=15.0,
                voltage_v=400.0, phases=3)
    derived(pump)

    assert pump.current_a is None
    assert pump.power_factor is None


def test_defaults_fill_power_factor_and_efficiency_when_asked() -> None:
    # motor: cos φ 0.85, η 0.9 (data/load_defaults.toml)
    # I = 15 000 / (1.7321 × 400 × 0.85 × 0.9) = 15 000 / 530.01 = 28.301 A
    pump = load(description="Cooling water pump", rated_power_kw=15.0,
                voltage_v=400.0, phases=3)
    derived(pump, apply_defaults=True)

    assert pump.power_factor == FieldValue(
        value=0.85, confidence=0.5, source="default",
        notes=["typical power factor 0.85 for a motor load by its description "
               "'Cooling water pump' (data/load_defaults.toml); not from the sheet"])
    assert pump.efficiency.value == 0.9
    assert pump.efficiency.source == "default"
    assert pump.current_a.value == approx(28.301, abs=1e-3)
    assert pump.current_a.confidence == approx(0.5 * 0.95)
    assert "power_factor (default)" in pump.current_a.notes[0]


@pytest.mark.parametrize(
    ("description", "power_factor", "efficiency"),
    [("Lighting Row-2", 0.95, 1.0), ("Immersion heater", 1.0, 1.0),
     ("HVAC AHU-2", 0.85, 0.9), ("UPS Rack-B", 0.95, 0.94),
     ("Éclairage-Couloir", 0.95, 1.0), ("Small power sockets", 0.9, 1.0),
     ("Unknown thing", 0.85, 1.0)],
)
def test_default_by_load_type(description, power_factor, efficiency) -> None:
    item = load(description=description, rated_power_kw=1.0)
    derived(item, apply_defaults=True)

    assert (item.power_factor.value, item.efficiency.value) == (
        power_factor, efficiency)


def test_general_defaults_are_less_sure() -> None:
    item = load(description="Unknown thing", rated_power_kw=1.0)
    derived(item, apply_defaults=True)

    assert item.power_factor.confidence == 0.35
    assert "no load type recognised" in item.power_factor.notes[0]


def test_a_written_power_factor_is_kept_when_defaults_apply() -> None:
    lights = load(description="Lighting", rated_power_kw=2.1, power_factor=1.02)
    derived(lights, apply_defaults=True)

    assert lights.power_factor.value == 1.02
    assert lights.power_factor.source == "cell"
    assert lights.efficiency.source == "default"


@pytest.mark.skipif(not TORTURE.exists(), reason="corpus not present")
def test_torture_workbook_currents() -> None:
    report = extract_file(TORTURE)
    derive(report)
    by_tag = {ld.get("tag"): ld for ld in report.loads}

    # L-012, Compressor C: 15 kW, 415 V, 3-phase, cos φ 0.83, η 0.89
    # I = 15 000 / (1.7321 × 415 × 0.83 × 0.89) = 15 000 / 530.98 = 28.250 A
    assert by_tag["L-012"].current_a.value == approx(28.250, abs=1e-3)
    # L-013, UPS Rack-B: 3 kW, 230 V, 1-phase, cos φ 0.99, η 1
    # I = 3 000 / (230 × 0.99) = 3 000 / 227.7 = 13.175 A
    assert by_tag["L-013"].current_a.value == approx(13.175, abs=1e-3)
    # L-011 has cos φ 1.02: no current is derived from it
    assert by_tag["L-011"].current_a is None
    assert by_tag["L-011"].power_factor.value == 1.02

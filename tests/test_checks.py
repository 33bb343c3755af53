"""Engineering rules: ranges, voltages, cables, references, totals, findings."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from extractor.build import build_records
from extractor.checks import (
    CheckSettings,
    Derating,
    apply_findings,
    collect_derating,
    collect_totals,
    format_rules,
    list_rules,
    load_check_settings,
    run_checks,
    run_rules,
    with_disabled,
)
from extractor.checks.ampacity import Basis, method_of, rating
from extractor.checks.electrical import voltage_drop_pct
from extractor.classify import Evidence, classify
from extractor.errors import ConfigurationError
from extractor.grid import is_blank
from extractor.mapping import assign, candidates
from extractor.pipeline import extract_file
from extractor.records import Bus, Cable, FieldValue, Load
from extractor.report import Finding, Report
from extractor.sources import read_workbook
from extractor.tables import find_tables
from extractor.vocabulary import shipped_vocabulary
from corpus_path import CORPUS

approx = pytest.approx
TORTURE = CORPUS / "sld-design" / "temp_AI_Extractor_Torture_Test_v2 (1).xlsx"
SPOT_LOADS = CORPUS / "ieee37-microgrids" / "Spot Loads.xls"
SMDB = CORPUS / "autosld" / "SMDB Schedule.xlsx"
PANEL = CORPUS / "autosld" / "DB-PLANTROOM.xlsx"
TERRACE = CORPUS / "nilm" / "terracemachine.xlsx"
needs_corpus = pytest.mark.skipif(not TORTURE.exists(), reason="corpus not present")


# ---- helpers ----------------------------------------------------------------


def fields(sheet: str, row: int, values: dict) -> dict[str, FieldValue]:
    """FieldValues in columns B, C, D, ... of the row, in the order given."""
    out = {}
    for i, (name, value) in enumerate(values.items()):
        cell = f"{sheet}!{chr(66 + i)}{row}"
        out[name] = FieldValue(value=value, confidence=1.0, cell=cell)
    return out


def load(row: int = 2, sheet: str = "Loads", **values) -> Load:
    return Load(sheet=sheet, row=row, **fields(sheet, row, values))


def cable(row: int = 2, sheet: str = "Cables", **values) -> Cable:
    return Cable(sheet=sheet, row=row, **fields(sheet, row, values))


def bus(row: int = 2, sheet: str = "Buses", **values) -> Bus:
    return Bus(sheet=sheet, row=row, **fields(sheet, row, values))


def report_of(*records) -> Report:
    report = Report(source="test")
    for rec in records:
        report.records(rec.kind).append(rec)
    return report


def check(report: Report, rule: str, settings: CheckSettings | None = None,
          **context) -> list[Finding]:
    """Derive, run every rule, keep the findings of one rule."""
    found = run_checks(report, settings, **context)
    return [f for f in found if f.rule == rule]


def motor_30kw(**extra) -> Load:
    # I = 30 000 / (√3 × 400 × 0.85 × 0.90) = 30 000 / 530.01 = 56.603 A
    return load(tag="M-1", rated_power_kw=30.0, voltage_v=400.0, phases=3,
                power_factor=0.85, efficiency=0.9, **extra)


def heater_9kw() -> Load:
    # I = 9 000 / (230 × 1.0 × 1.0) = 39.130 A
    return load(tag="H-1", description="Water heater", rated_power_kw=9.0,
                voltage_v=230.0, phases=1, power_factor=1.0, efficiency=1.0)


def write_book(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, line in enumerate(rows):
            for c, value in enumerate(line):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def rewrite_without_row(source: Path, path: Path, sheet: str, drop: int) -> Path:
    """The workbook's values written again, row ``drop`` (0-based) left out."""
    grids = read_workbook(str(source))
    book = xlsxwriter.Workbook(str(path))
    for grid in grids.sheets:
        skip = drop if grid.name == sheet else None

        def shift(r: int, skip=skip) -> int:
            return r - 1 if skip is not None and r > skip else r

        out = book.add_worksheet(grid.name)
        covered = set()
        for m in grid.merged:
            if skip is not None and m.first_row <= skip <= m.last_row:
                continue
            covered |= {(r, c) for r in range(m.first_row, m.last_row + 1)
                        for c in range(m.first_col, m.last_col + 1)}
            out.merge_range(shift(m.first_row), m.first_col, shift(m.last_row),
                            m.last_col, grid.value(m.first_row, m.first_col))
        for r, line in enumerate(grid.rows):
            for c, value in enumerate(line):
                if r != skip and (r, c) not in covered and not is_blank(value):
                    out.write(shift(r), c, value)
    book.close()
    return path


def sheet_facts(path: Path) -> tuple[list, list]:
    """Totals and derating of every table, as the pipeline will collect them."""
    vocab = shipped_vocabulary()
    totals, derating = [], []
    for grid in read_workbook(str(path)).sheets:
        for table in find_tables(grid, vocab):
            mapping = candidates(table, grid, vocab)
            verdict = classify(Evidence(table, grid, mapping, grid.name.lower()))
            assign(mapping, verdict.records)
            records = (build_records(table, grid, mapping, verdict)
                       if verdict.records else [])
            totals += collect_totals(table, grid, mapping, records)
            derating += collect_derating(table, grid, mapping, records)
    return totals, derating


# ---- the torture workbook -----------------------------------------------------


@needs_corpus
def test_torture_workbook_findings_sit_on_their_cells() -> None:
    report = extract_file(TORTURE)
    findings = run_checks(report)
    by_cell = {(f.rule, f.cell): f for f in findings}

    pf = by_cell["power-factor-range", "Loads_Mix!E3"]
    assert (pf.severity, pf.record, pf.field) == ("error", "L-011", "power_factor")
    assert pf.message == "power factor 1.02 is outside (0, 1]"
    length = by_cell["positive-value", "Cable_Schedule_Variant!F4"]
    assert (length.severity, length.record, length.field) == (
        "error", "C-012", "length_m")
    assert length.message == "length -5 m is negative"
    cores = by_cell["whole-count", "Cable_Schedule_Variant!E4"]
    assert (cores.severity, cores.record, cores.field) == ("error", "C-012", "cores")
    assert cores.message == "3.5 cores is not a whole number"
    assert report.findings[-len(findings):] == findings


@needs_corpus
def test_torture_workbook_keeps_the_values_as_written() -> None:
    report = extract_file(TORTURE)
    run_checks(report)
    lighting = next(ld for ld in report.loads if ld.get("tag") == "L-011")
    c012 = next(c for c in report.cables if c.get("tag") == "C-012")

    assert lighting.power_factor.value == 1.02
    assert lighting.power_factor.confidence <= 0.3
    assert lighting.power_factor.notes[-1] == (
        "error power-factor-range: power factor 1.02 is outside (0, 1]")
    assert c012.length_m.value == -5.0
    assert c012.length_m.confidence <= 0.3
    assert c012.cores.value == 3.5
    assert c012.cores.confidence <= 0.3


@needs_corpus
def test_torture_workbook_voltage_findings() -> None:
    report = extract_file(TORTURE)
    findings = run_checks(report)
    implausible = [f for f in findings if f.rule == "voltage-for-power"]
    legacy = [f for f in findings if f.rule == "nominal-voltage"]

    assert [(f.cell, f.message) for f in implausible] == [(
        "Loads_Mix!D6", "9.5 kW at 11,000 V is implausible: loads at medium "
        "voltage 7.2 kV to 36 kV are usually 150 to 100,000 kW")]
    assert {f.severity for f in legacy} == {"info"}
    assert "Loads_Mix!D2" in {f.cell for f in legacy}


@needs_corpus
def test_torture_workbook_unknown_board() -> None:
    report = extract_file(TORTURE)
    findings = [f for f in run_checks(report) if f.rule == "unknown-reference"]

    assert [(f.cell, f.record) for f in findings] == [
        ("Loads_FR!H3", "L-016"), ("Loads_FR!H4", "L-017")]
    assert findings[0].message.startswith(
        "'DB-2' names no bus or load of the workbook; the nearest names are ")


# ---- ranges -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "rule", "message"),
    [("power_factor", 0.0, "power-factor-range", "power factor 0 is outside (0, 1]"),
     ("efficiency", 1.05, "efficiency-range", "efficiency 1.05 is outside (0, 1]"),
     ("demand_factor", 1.2, "demand-factor-range",
      "demand factor 1.2 is outside (0, 1]")],
)
def test_fractions_out_of_range(name, value, rule, message) -> None:
    found = check(report_of(load(tag="L-1", **{name: value})), rule)

    assert [(f.cell, f.severity, f.message) for f in found] == [
        ("Loads!C2", "error", message)]


@pytest.mark.parametrize("value", [0.01, 0.5, 1.0, 1])
def test_fractions_in_range(value) -> None:
    report = report_of(load(tag="L-1", power_factor=value, efficiency=value,
                            demand_factor=value))
    assert [f for f in run_checks(report) if f.rule.endswith("-range")] == []


def test_zero_is_a_warning_and_negative_an_error() -> None:
    found = check(report_of(cable(tag="C-1", size_mm2=0.0, length_m=-12.5)),
                  "positive-value")

    assert [(f.field, f.severity, f.message) for f in found] == [
        ("length_m", "error", "length -12.5 m is negative"),
        ("size_mm2", "warning", "size 0 mm² is zero"),
    ]


@pytest.mark.parametrize(
    ("values", "expected"),
    [({"cores": 4, "runs": 2}, []),
     ({"cores": 3.5}, [("cores", "3.5 cores is not a whole number")]),
     ({"runs": 0}, [("runs", "0 runs is less than 1")])],
)
def test_whole_counts(values, expected) -> None:
    found = check(report_of(cable(tag="C-1", **values)), "whole-count")
    assert [(f.field, f.message) for f in found] == expected


# ---- voltages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("volts", "severity", "message"),
    [(400.0, None, None), (230.0, None, None), (401.0, None, None),
     (11000.0, None, None), (4160.0, None, None), (13800.0, None, None),
     (690.0, None, None), (24.0, None, None),
     (415.0, "info", "415 V is a legacy nominal voltage (IEC 60038 before 1983); "
      "the nominal value today is 400 V"),
     (420.0, "warning", "420 V is not a nominal voltage of IEC 60038; the "
      "nearest is 400 V"),
     (9500.0, "warning", "9,500 V is not a nominal voltage of IEC 60038; the "
      "nearest is 10,000 V"),
     (11.0, "warning", "11 V is not a nominal voltage of IEC 60038, but 11 kV "
      "would be")],
)
def test_nominal_voltage(volts, severity, message) -> None:
    found = check(report_of(bus(tag="B-1", voltage_v=volts)), "nominal-voltage")
    assert [(f.severity, f.message) for f in found] == (
        [(severity, message)] if severity else [])


def test_site_voltages_can_be_accepted() -> None:
    settings = CheckSettings(extra_nominal_voltages=(420.0,))
    report = report_of(bus(tag="B-1", voltage_v=420.0))
    assert check(report, "nominal-voltage", settings) == []


@pytest.mark.parametrize(
    ("kw", "volts", "flagged"),
    [(2500.0, 230.0, True), (9.5, 11000.0, True), (15.0, 400.0, False),
     (3.0, 230.0, False), (2000.0, 11000.0, False), (30.0, 3300.0, True)],
)
def test_voltage_for_power(kw, volts, flagged) -> None:
    found = check(report_of(load(tag="L-1", rated_power_kw=kw, voltage_v=volts)),
                  "voltage-for-power")
    assert bool(found) is flagged
    if flagged:
        assert found[0].cell == "Loads!D2"


# ---- ampacity -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("installation", "cores", "method"),
    [("Tray", 4, "E"), ("Cable ladder", 3, "E"), ("tray", 1, "F"),
     ("Free air", 1, "F"), ("Conduit", 3, "B2"), ("conduit", 1, "B1"),
     ("Trunking", 4, "B2"), ("Buried", 4, "D2"), ("Direct in ground", 3, "D2"),
     ("Duct", 4, "D1"), ("Buried in duct", 3, "D1"), ("Clipped direct", 2, "C"),
     ("Unperforated tray", 4, "C"), ("Method B1", 3, "B1"), ("e", 4, "E"),
     ("", 3, None), ("See drawing", 3, None)],
)
def test_installation_text_to_method(installation, cores, method) -> None:
    assert method_of(cable(installation=installation, cores=cores)) == method


@pytest.mark.parametrize(
    ("key", "size", "amps", "table"),
    [(("Cu", "PVC", 2, "A1"), 1.5, 14.5, "B.52.2"),
     (("Al", "PVC", 2, "B2"), 6, 30, "B.52.2"),
     (("Cu", "XLPE", 2, "C"), 300, 693, "B.52.3"),
     (("Cu", "PVC", 3, "C"), 10, 57, "B.52.4"),
     (("Al", "PVC", 3, "D2"), 16, 53, "B.52.4"),
     (("Cu", "XLPE", 3, "B2"), 16, 80, "B.52.5"),
     (("Al", "XLPE", 3, "D2"), 95, 172, "B.52.5"),
     (("Cu", "PVC", 3, "F"), 25, 110, "B.52.10"),
     (("Al", "PVC", 2, "E"), 2.5, 23, "B.52.11"),
     (("Cu", "XLPE", 3, "E"), 95, 298, "B.52.12"),
     (("Al", "XLPE", 2, "F"), 300, 613, "B.52.13")],
)
def test_tabulated_ratings(key, size, amps, table) -> None:
    conductor, insulation, loaded, method = key
    basis = Basis(conductor, insulation, method, loaded)
    assert rating(basis, size) == (amps, table)


@pytest.mark.parametrize(
    ("key", "size"),
    [(("Al", "PVC", 3, "D2"), 10), (("Cu", "PVC", 2, "F"), 16),
     (("Al", "XLPE", 3, "A1"), 1.5), (("Cu", "PVC", 3, "C"), 400)],
)
def test_sizes_the_standard_does_not_give(key, size) -> None:
    conductor, insulation, loaded, method = key
    assert rating(Basis(conductor, insulation, method, loaded), size) is None


def test_copper_three_phase_within_its_rating() -> None:
    # 10 mm² Cu PVC, 4 cores, clipped direct: method C, 3 loaded conductors,
    # table B.52.4: 57 A >= 56.603 A drawn by the 30 kW motor.
    feeder = cable(tag="C-1", to_ref="M-1", size_mm2=10.0, cores=4,
                   insulation="PVC", installation="Clipped direct")
    assert check(report_of(motor_30kw(), feeder), "cable-ampacity") == []


def test_copper_three_phase_overloaded_by_its_derating() -> None:
    # 57 A x 0.9 (written on the row) x 1 run = 51.3 A < 56.603 A
    feeder = cable(tag="C-1", to_ref="M-1", size_mm2=10.0, cores=4,
                   insulation="PVC", installation="Clipped direct")
    derating = [Derating("Cables", 2, "Cables!J2", 0.9)]
    found = check(report_of(motor_30kw(), feeder), "cable-ampacity",
                  derating=derating)

    assert [(f.cell, f.severity, f.record, f.field) for f in found] == [
        ("Cables!D2", "error", "C-1", "size_mm2")]
    assert found[0].message == (
        "10 mm² × 1 run (Cu PVC, method C, 3 loaded conductors) carries 51.3 A "
        "(table B.52.4: 57 A × derating 0.9 (Cables!J2) × 1 run) but the load "
        "M-1 draws 56.6 A (derived); copper assumed (no conductor material "
        "written)")


def test_aluminium_single_phase_overloaded() -> None:
    # 6 mm² Al PVC, 2 cores in conduit: method B2, 2 loaded conductors,
    # table B.52.2: 30 A < 39.130 A drawn by the 9 kW heater at 230 V.
    feeder = cable(tag="C-2", to_ref="H-1", size_mm2=6.0, cores=2,
                   conductor="Al", insulation="PVC", installation="Conduit")
    found = check(report_of(heater_9kw(), feeder), "cable-ampacity")

    assert len(found) == 1
    assert found[0].message.startswith(
        "6 mm² × 1 run (Al PVC, method B2, 2 loaded conductors) carries 30 A "
        "(table B.52.2: 30 A × derating 1 (none given) × 1 run) but the load H-1 "
        "draws 39.1 A (derived)")


def test_aluminium_three_phase_buried_overloaded() -> None:
    # 110 kW, 400 V, cos φ 0.9, η 0.95:
    # I = 110 000 / (1.7321 × 400 × 0.9 × 0.95) = 110 000 / 592.36 = 185.70 A
    # 95 mm² Al XLPE, 4 cores, direct buried: D2, table B.52.5: 172 A < 185.70 A
    pump = load(tag="P-1", rated_power_kw=110.0, voltage_v=400.0, phases=3,
                power_factor=0.9, efficiency=0.95)
    feeder = cable(tag="C-3", to_ref="P-1", size_mm2=95.0, cores=4,
                   conductor="Aluminium", insulation="XLPE/SWA/PVC",
                   installation="Direct buried")
    found = check(report_of(pump, feeder), "cable-ampacity")

    assert pump.current_a.value == approx(185.697, abs=1e-3)
    assert [f.message.split(" but ")[0] for f in found] == [
        "95 mm² × 1 run (Al XLPE, method D2, 3 loaded conductors) carries 172 A "
        "(table B.52.5: 172 A × derating 1 (none given) × 1 run)"]


@pytest.mark.parametrize(("runs", "flagged"), [(2, False), (1, True)])
def test_parallel_runs_multiply(runs, flagged) -> None:
    # 95 mm² Cu XLPE multicore on tray: E, table B.52.12, 298 A per run;
    # 2 runs: 596 A >= 500 A; 1 run: 298 A < 500 A.
    board = load(tag="DB-1", voltage_v=400.0, phases=3, current_a=500.0)
    feeder = cable(tag="C-4", to_ref="DB-1", runs=runs, cores=4, size_mm2=95.0,
                   conductor="Cu", insulation="XLPE", installation="Cable tray")
    found = check(report_of(board, feeder), "cable-ampacity")
    assert bool(found) is flagged


def test_a_cable_with_zero_runs_is_not_rated_as_one_run() -> None:
    board = load(tag="DB-1", voltage_v=400.0, phases=3, current_a=500.0)
    feeder = cable(tag="C-4", to_ref="DB-1", runs=0, cores=4, size_mm2=95.0,
                   conductor="Cu", insulation="XLPE", installation="Cable tray")
    found = run_checks(report_of(board, feeder))
    assert [f.rule for f in found] == ["whole-count"]


def test_feeder_row_links_cable_and_load_by_row() -> None:
    motor = load(row=7, sheet="Feeders", tag="M-1", rated_power_kw=30.0,
                 voltage_v=400.0, phases=3, power_factor=0.85, efficiency=0.9)
    feeder = cable(row=7, sheet="Feeders", size_mm2=6.0, cores=4, conductor="Cu",
                   insulation="PVC", installation="Tray")
    found = check(report_of(motor, feeder), "cable-ampacity")
    # 6 mm² Cu PVC on tray: E, B.52.10, 43 A < 56.6 A
    assert [f.cell for f in found] == ["Feeders!B7"]


def test_missing_insulation_is_said_not_guessed() -> None:
    feeder = cable(tag="C-1", to_ref="M-1", size_mm2=10.0, cores=4,
                   installation="Tray")
    found = check(report_of(motor_30kw(), feeder), "cable-ampacity")

    assert [(f.severity, f.message) for f in found] == [(
        "info", "the rating of the cable for M-1 (56.6 A) was not checked: "
        "insulation not written")]


def test_a_sheet_none_of_whose_cables_has_an_insulation_gets_one_finding() -> None:
    motors = [load(row=r, tag=f"M-{r}", rated_power_kw=30.0, voltage_v=400.0,
                   phases=3, power_factor=0.85, efficiency=0.9) for r in (2, 3, 4)]
    feeders = [cable(row=r, tag=f"C-{r}", to_ref=f"M-{r}", size_mm2=10.0, cores=4,
                     installation="Tray") for r in (2, 3, 4)]

    found = check(report_of(*motors, *feeders), "cable-ampacity")

    assert [(f.severity, f.cell, f.record, f.field, f.message) for f in found] == [(
        "info", "Cables!D2", None, None, "the ratings of the 3 cables on 'Cables' "
        "were not checked: insulation not written")]


def test_cables_whose_insulation_is_blank_among_others_are_named_each() -> None:
    motors = [load(row=r, tag=f"M-{r}", rated_power_kw=30.0, voltage_v=400.0,
                   phases=3, power_factor=0.85, efficiency=0.9) for r in (2, 3, 4)]
    feeders = [cable(row=r, tag=f"C-{r}", to_ref=f"M-{r}", size_mm2=10.0, cores=4,
                     installation="Tray", **({"insulation": "XLPE"} if r == 4 else {}))
               for r in (2, 3, 4)]

    found = check(report_of(*motors, *feeders), "cable-ampacity")

    assert [(f.record, f.message) for f in found] == [
        (f"C-{r}", f"the rating of the cable for M-{r} (56.6 A) was not checked: "
         "insulation not written") for r in (2, 3)]


def test_medium_voltage_cables_are_not_checked_against_iec_60364() -> None:
    motor = load(tag="M-2", voltage_v=11000.0, phases=3, current_a=300.0)
    feeder = cable(tag="C-5", to_ref="M-2", size_mm2=16.0, cores=3,
                   insulation="XLPE", installation="Tray")
    assert check(report_of(motor, feeder), "cable-ampacity") == []


# ---- voltage drop -------------------------------------------------------------


def test_voltage_drop_formula_by_hand() -> None:
    # ΔU% = b · I · L · (ρ/S · cos φ + λ · sin φ) / U · 100
    # Cu, 1 phase: 2 × 9.1533 × 40 × (0.0225/1.5 × 0.95 + 0.00008 × 0.31225)
    #   / 230 × 100 = 732.27 × 0.0142750 / 230 × 100 = 4.545 %
    assert voltage_drop_pct(9.1533, 40, 1.5, "Cu", 0.95, 230, 1) == approx(
        4.545, abs=1e-3)
    # Al, 1 phase, cos φ 1: 2 × 39.130 × 30 × 0.036/6 / 230 × 100 = 6.125 %
    assert voltage_drop_pct(39.130, 30, 6, "Al", 1.0, 230, 1) == approx(
        6.125, abs=1e-3)
    # Cu, 3 phases: √3 × 56.603 × 50 × (0.0225/10 × 0.85 + 0.00008 × 0.52678)
    #   / 400 × 100 = 4 901.9 × 0.0019546 / 400 × 100 = 2.395 %
    assert voltage_drop_pct(56.603, 50, 10, "Cu", 0.85, 400, 3) == approx(
        2.395, abs=1e-3)
    # Al, 3 phases: √3 × 185.70 × 120 × (0.036/95 × 0.9 + 0.00008 × 0.43589)
    #   / 400 × 100 = 38 596 × 0.00037593 / 400 × 100 = 3.627 %
    assert voltage_drop_pct(185.70, 120, 95, "Al", 0.9, 400, 3) == approx(
        3.627, abs=1e-3)
    # two runs halve the current in each
    assert voltage_drop_pct(185.70, 120, 95, "Al", 0.9, 400, 3, runs=2) == approx(
        3.627 / 2, abs=1e-3)


def test_lighting_circuit_over_3_percent() -> None:
    lights = load(tag="LT-1", description="Lighting Row-2", rated_power_kw=2.0,
                  voltage_v=230.0, phases=1, power_factor=0.95)
    feeder = cable(tag="C-6", to_ref="LT-1", size_mm2=1.5, cores=2, conductor="Cu",
                   insulation="PVC", installation="Conduit", length_m=40.0)
    found = check(report_of(lights, feeder), "voltage-drop")

    assert [(f.cell, f.severity) for f in found] == [("Cables!I2", "warning")]
    assert found[0].message == (
        "voltage drop 4.54 % over 40 m exceeds the 3 % limit for lighting "
        "(I = 9.2 A, 1.5 mm² Cu × 1 run, cos φ 0.95, U = 230 V, 1-phase)")


def test_short_lighting_circuit_is_within_its_limit() -> None:
    # 25 m: 4.545 % × 25 / 40 = 2.84 % <= 3 %
    lights = load(tag="LT-1", description="Lighting", rated_power_kw=2.0,
                  voltage_v=230.0, phases=1, power_factor=0.95)
    feeder = cable(tag="C-6", to_ref="LT-1", size_mm2=1.5, cores=2, conductor="Cu",
                   insulation="PVC", installation="Conduit", length_m=25.0)
    assert check(report_of(lights, feeder), "voltage-drop") == []


def test_aluminium_single_phase_over_5_percent() -> None:
    feeder = cable(tag="C-2", to_ref="H-1", size_mm2=6.0, cores=2, conductor="Al",
                   insulation="PVC", installation="Conduit", length_m=30.0)
    found = check(report_of(heater_9kw(), feeder), "voltage-drop")

    assert [f.message for f in found] == [
        "voltage drop 6.12 % over 30 m exceeds the 5 % limit for other uses "
        "(I = 39.1 A, 6 mm² Al × 1 run, cos φ 1, U = 230 V, 1-phase)"]


@pytest.mark.parametrize(("limit", "flagged"), [(None, False), (2.0, True)])
def test_three_phase_copper_against_the_configured_limit(limit, flagged) -> None:
    # 2.395 % (worked above): within the 5 % default, over a 2 % limit
    feeder = cable(tag="C-1", to_ref="M-1", size_mm2=10.0, cores=4, conductor="Cu",
                   insulation="PVC", installation="Clipped direct", length_m=50.0)
    settings = CheckSettings(voltage_drop_other_pct=limit)
    found = check(report_of(motor_30kw(), feeder), "voltage-drop", settings)

    assert [f.message.split(" (")[0] for f in found] == (
        ["voltage drop 2.4 % over 50 m exceeds the 2 % limit for other uses"]
        if flagged else [])


def test_aluminium_three_phase_with_assumed_power_factor() -> None:
    # I written: 185.70 A; cos φ not given: 0.8 (Annex G), sin φ 0.6
    # √3 × 185.70 × 120 × (0.036/95 × 0.8 + 0.00008 × 0.6) / 400 × 100
    #   = 38 597 × 0.00035116 / 400 × 100 = 3.388 %
    pump = load(tag="P-1", voltage_v=400.0, phases=3, current_a=185.70)
    feeder = cable(tag="C-3", to_ref="P-1", size_mm2=95.0, cores=4, conductor="Al",
                   insulation="XLPE", installation="Buried", length_m=120.0)
    found = check(report_of(pump, feeder), "voltage-drop",
                  CheckSettings(voltage_drop_other_pct=3.0))

    assert [f.message for f in found] == [
        "voltage drop 3.39 % over 120 m exceeds the 3 % limit for other uses "
        "(I = 185.7 A, 95 mm² Al × 1 run, cos φ 0.8, U = 400 V, 3-phase); "
        "cos φ 0.8 assumed (none given)"]


# ---- references and the bus hierarchy --------------------------------------------


def network() -> list:
    return [
        bus(row=2, tag="MDB-1"),
        bus(row=3, tag="DB-1", parent_bus="MDB-1"),
        bus(row=4, tag="DB-2", parent_bus="MDB 9"),
        load(row=2, tag="L-1", source_bus="db 1"),
        load(row=3, tag="L-2", source_bus="DB-7"),
        cable(row=2, tag="C-1", from_ref="MDB-1", to_ref="L-1"),
        cable(row=3, tag="C-2", from_ref="MDB-1", to_ref="Pump 9"),
    ]


def test_unknown_references() -> None:
    found = check(report_of(*network()), "unknown-reference")

    assert [(f.cell, f.field) for f in found] == [
        ("Cables!D3", "to_ref"), ("Loads!C3", "source_bus")]
    assert found[1].message.startswith("'DB-7' names no bus or load of the "
                                       "workbook; the nearest names are DB-1")


def test_references_are_not_checked_without_buses() -> None:
    records = [r for r in network() if r.kind != "bus"]
    assert check(report_of(*records), "unknown-reference") == []


def test_missing_parent_bus() -> None:
    found = check(report_of(*network()), "bus-parent")
    assert [(f.cell, f.severity, f.message.split(";")[0]) for f in found] == [
        ("Buses!C4", "warning", "upstream bus 'MDB 9' is not in the workbook")]


def test_a_parent_like_no_bus_is_a_supply_from_outside() -> None:
    buses = [bus(row=2, tag="MSB", parent_bus="Utility intake"),
             bus(row=3, tag="MCC-1", parent_bus="MSB")]
    found = check(report_of(*buses), "bus-parent")
    assert [(f.severity, f.message) for f in found] == [
        ("info", "upstream bus 'Utility intake' is not in the workbook: fed from "
                 "outside this workbook")]


def test_bus_cycle_is_reported_once() -> None:
    buses = [bus(row=2, tag="A", parent_bus="C"), bus(row=3, tag="B", parent_bus="A"),
             bus(row=4, tag="C", parent_bus="B"), bus(row=5, tag="D", parent_bus="A")]
    found = check(report_of(*buses), "bus-cycle")

    assert [(f.severity, f.message) for f in found] == [
        ("error", "the bus hierarchy loops: A -> C -> B -> A")]


def test_a_bus_fed_by_itself_is_a_cycle() -> None:
    found = check(report_of(bus(tag="A", parent_bus="a")), "bus-cycle")
    assert [f.message for f in found] == ["the bus hierarchy loops: A -> A"]


def test_duplicate_tags_per_kind() -> None:
    records = [load(row=2, tag="P-1"), load(row=3, tag="p 1"), cable(row=2, tag="P-1"),
               load(row=4, tag="P-2")]
    found = check(report_of(*records), "duplicate-tag")

    assert [(f.cell, f.message) for f in found] == [
        ("Loads!B3", "load tag 'p 1' is already used at Loads!B2")]


# ---- totals -----------------------------------------------------------------------


@needs_corpus
def test_spot_loads_per_phase_totals_add_up() -> None:
    totals, _ = sheet_facts(SPOT_LOADS)

    assert [(t.cell, t.field, t.value, len(t.parts)) for t in totals] == [
        ("Sheet1!C29", "rated_power_kw", 727.0, 25),
        ("Sheet1!E29", "rated_power_kw", 639.0, 25),
        ("Sheet1!G29", "rated_power_kw", 1091.0, 25),
    ]
    assert [t.extracted for t in totals] == [727.0, 639.0, 1091.0]
    assert run_rules(extract_file(SPOT_LOADS), totals=totals) == []


@needs_corpus
def test_smdb_total_connected_load_adds_up() -> None:
    totals, _ = sheet_facts(SMDB)

    assert [(t.cell, t.scope, t.rows[0], t.rows[-1], len(t.parts)) for t in totals] == [
        ("SMDB-TWS-L09.12-02!Q26", "total", 11, 24, 14)]
    assert totals[0].value == approx(235.0762)
    assert totals[0].extracted == approx(235.0762)
    assert [f for f in run_rules(extract_file(SMDB), totals=totals)
            if f.rule == "totals"] == []


@needs_corpus
@pytest.mark.parametrize(
    ("source", "sheet", "drop", "message"),
    [(SMDB, "SMDB-TWS-L09.12-02", 14,
      "the total 235.076 kW of 'Connected Load / TCL (kW)' (rows 11-23) differs "
      "from the sum of the 13 extracted values, 225.076 kW (difference 10 kW)"),
     (SPOT_LOADS, "Sheet1", 7,
      "the total 727 kW of 'Ph-1 KW' (rows 4-27) differs from the sum of the 24 "
      "extracted values, 642 kW (difference 85 kW)")],
)
def test_a_removed_row_gives_exactly_one_totals_finding(
        tmp_path, source, sheet, drop, message) -> None:
    path = rewrite_without_row(source, tmp_path / "removed.xlsx", sheet, drop)
    totals, _ = sheet_facts(path)
    found = [f for f in run_rules(extract_file(path), totals=totals)
             if f.rule == "totals"]

    assert [(f.severity, f.message) for f in found] == [("warning", message)]


def sectioned(rows_of_b: list[list]) -> list[list]:
    return [["Tag", "Description", "Rated power (kW)", "Voltage (V)"],
            ["MDB-1", None, None, None],
            ["L-1", "Pump 1", 10, 400], ["L-2", "Pump 2", 5, 400],
            ["Sub-total", None, 15, None],
            ["MDB-2", None, None, None], *rows_of_b,
            ["Sub-total", None, 5, None],
            ["Grand total", None, 20, None]]


def test_subtotals_and_grand_total(tmp_path) -> None:
    rows = [["L-3", "Fan 1", 2, 400], ["L-4", "Fan 2", 3, 400]]
    totals, _ = sheet_facts(write_book(tmp_path / "s.xlsx", {"Loads": sectioned(rows)}))

    assert [(t.cell, t.scope, t.rows, t.extracted) for t in totals] == [
        ("Loads!C5", "subtotal", [3, 4], 15.0),
        ("Loads!C9", "subtotal", [7, 8], 5.0),
        ("Loads!C10", "grand total", [3, 4, 7, 8], 20.0),
    ]


def test_a_row_missing_under_a_subtotal(tmp_path) -> None:
    path = write_book(tmp_path / "s.xlsx",
                      {"Loads": sectioned([["L-4", "Fan 2", 3, 400]])})
    totals, _ = sheet_facts(path)
    found = run_rules(extract_file(path), totals=totals)

    assert [(f.cell, f.message) for f in found if f.rule == "totals"] == [
        ("Loads!C8", "the subtotal 5 kW of 'Rated power (kW)' (rows 7-7) differs "
         "from the sum of the 1 extracted values, 3 kW (difference 2 kW)"),
        ("Loads!C9", "the grand total 20 kW of 'Rated power (kW)' (rows 3-7) "
         "differs from the sum of the 3 extracted values, 18 kW (difference 2 kW)"),
    ]


def test_plain_totals_after_sections_then_a_total_of_totals(tmp_path) -> None:
    rows = [["Tag", "Description", "Rated power (kW)", "Voltage (V)"],
            ["MDB-1", None, None, None], ["L-1", "Pump 1", 10, 400],
            ["Total", None, 10, None],
            ["MDB-2", None, None, None], ["L-2", "Fan 1", 4, 400],
            ["Total", None, 4, None],
            ["Total", None, 14, None]]
    totals, _ = sheet_facts(write_book(tmp_path / "t.xlsx", {"Loads": rows}))

    assert [(t.scope, t.rows, t.matches()) for t in totals] == [
        ("subtotal", [3], True), ("subtotal", [6], True),
        ("grand total", [3, 6], True)]


@needs_corpus
def test_a_building_total_under_the_table_total_is_not_checked() -> None:
    totals, _ = sheet_facts(TERRACE)
    assert [(t.cell, t.value, t.matches()) for t in totals] == [
        ("Sheet1!D9", 27.45, True)]


@needs_corpus
def test_panel_schedule_total_adds_both_halves() -> None:
    totals, _ = sheet_facts(PANEL)
    phase_a = next(t for t in totals if t.cell == "Main Sheet!E32")

    # 646 VA (E11) + 360 VA (F11) + zeros = 1 006 VA against 997 VA written
    assert [cell for cell, _ in phase_a.parts][:2] == [
        "Main Sheet!E11", "Main Sheet!F11"]
    assert phase_a.extracted == approx(1.006)
    assert not phase_a.matches()
    assert all(t.matches() for t in totals if t is not phase_a)


def test_numbers_no_record_took_are_named(tmp_path) -> None:
    rows = [["Tag", "Description", "Rated power (kW)", "Voltage (V)"],
            ["L-1", "Pump 1", 10, 400], ["Spare", None, 4, None],
            ["Total", None, 14, None]]
    path = write_book(tmp_path / "m.xlsx", {"Loads": rows})
    totals, _ = sheet_facts(path)
    found = run_rules(extract_file(path), totals=totals)

    assert totals[0].missing == ["Loads!C3"]
    assert found[0].message.endswith("; Loads!C3 hold numbers no record took")


def test_derating_column_is_collected(tmp_path) -> None:
    rows = [["Cable tag", "From", "To", "Size (mm2)", "Cores", "Insulation",
             "Installation", "Length (m)", "Derating factor"],
            ["C-1", "MDB-1", "L-1", 10, 4, "PVC", "Clipped direct", 20, 0.9],
            ["C-2", "MDB-1", "L-2", 2.5, 4, "XLPE", "Tray", 35, "80%"],
            ["C-3", "MDB-1", "L-3", 2.5, 4, "XLPE", "Tray", 35, "n/a"]]
    _, derating = sheet_facts(write_book(tmp_path / "d.xlsx", {"Cables": rows}))

    assert derating == [Derating("Cables", 2, "Cables!I2", 0.9),
                        Derating("Cables", 3, "Cables!I3", 0.8)]


# ---- findings back on the fields ----------------------------------------------------


def test_findings_cap_confidence_and_add_notes() -> None:
    item = load(tag="L-1", power_factor=1.02, voltage_v=420.0)
    report = report_of(item)
    report.findings = [
        Finding(rule="r1", severity="error", cell="Loads!C2", record="L-1",
                field="power_factor", message="bad"),
        Finding(rule="r2", severity="warning", cell="Loads!D2", record="L-1",
                field="voltage_v", message="odd"),
        Finding(rule="r3", severity="info", cell="Loads!D2", record="L-1",
                field="voltage_v", message="fyi"),
    ]
    apply_findings(report)
    apply_findings(report)

    assert (item.power_factor.confidence, item.power_factor.notes) == (
        0.3, ["error r1: bad"])
    assert (item.voltage_v.confidence, item.voltage_v.notes) == (
        0.55, ["warning r2: odd", "info r3: fyi"])
    assert item.tag.confidence == 1.0
    assert item.confidence == approx((1.0 + 0.3 + 0.55) / 3, abs=1e-3)


def test_a_finding_on_another_record_at_the_same_cell_is_kept_apart() -> None:
    first, second = load(row=2, tag="A", power_factor=2.0), load(row=3, tag="B")
    report = report_of(first, second)
    report.findings = [Finding(rule="r", severity="error", cell="Loads!C3",
                               record="B", field="power_factor", message="x")]
    apply_findings(report)
    assert first.power_factor.confidence == 1.0


# ---- the registry and settings ------------------------------------------------------


def test_rules_are_listed_in_order_with_explanations() -> None:
    rules = list_rules()

    assert [r.id for r in rules] == [
        "power-factor-range", "efficiency-range", "demand-factor-range",
        "positive-value", "whole-count", "nominal-voltage", "voltage-for-power",
        "cable-ampacity", "voltage-drop", "unknown-reference", "duplicate-tag",
        "bus-parent", "bus-cycle", "totals"]
    assert all(r.explanation and r.severity in ("error", "warning") for r in rules)
    assert format_rules().splitlines()[0] == (
        "power-factor-range   error    A power factor (cos φ) lies in (0, 1].")


def test_rules_switched_off_by_id() -> None:
    report = report_of(load(tag="L-1", power_factor=1.5, efficiency=1.5))
    found = run_rules(report, {"power-factor-range"})
    assert [f.rule for f in found] == ["efficiency-range"]

    settings = CheckSettings(disabled_rules=frozenset({"efficiency-range"}))
    assert [f.rule for f in run_rules(report, {"power-factor-range"}, settings)] == []


def test_an_unknown_rule_id_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError) as caught:
        run_rules(report_of(), {"power-factor"})
    assert str(caught.value) == (
        "settings: unknown rule 'power-factor'; did you mean power-factor-range, "
        "demand-factor-range, whole-count? 'excel-extract rules' lists them all")


def test_settings_file(tmp_path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('[checks]\ndisabled = ["voltage-drop"]\napply_defaults = true\n'
                    "voltage_drop_lighting_pct = 4.0\n", "utf-8")
    settings = load_check_settings(path)

    assert settings == CheckSettings(apply_defaults=True,
                                     disabled_rules=frozenset({"voltage-drop"}),
                                     voltage_drop_lighting_pct=4.0)
    more = with_disabled(settings, ["totals"])
    assert more.disabled_rules == {"voltage-drop", "totals"}


@pytest.mark.parametrize(
    ("text", "error"),
    [('[checks]\ndisabled = ["no-such-rule"]\n', "unknown rule 'no-such-rule'"),
     ("[checks]\nvoltage_drop = 3\n", "unknown check setting(s) voltage_drop"),
     ("[checks\n", "cannot read the settings file")],
)
def test_bad_settings_files(tmp_path, text, error) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigurationError, match=error.replace("(", r"\(").replace(
            ")", r"\)")):
        load_check_settings(path)

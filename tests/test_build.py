"""Values as engineers write them, read from real workbooks into records."""

from __future__ import annotations

import pytest
from workbooks import built_records, read_values, write_xlsx

from extractor.pipeline import extract_file
from extractor.records import Cable, Load, Record
from extractor.report import Report


def extract(tmp_path, rows: list[list], name: str = "Loads") -> Report:
    return extract_file(write_xlsx(tmp_path / "book.xlsx", {name: rows}))


def build(tmp_path, rows: list[list], name: str = "Loads") -> list[Record]:
    """The records as built from the sheet, before the engineering checks."""
    return built_records(write_xlsx(tmp_path / "book.xlsx", {name: rows}), name)


def only_load(tmp_path, header: list[str], row: list) -> Load:
    [load] = build(tmp_path, [["Tag", "Description", *header],
                              ["P-101", "Feed pump", *row]])
    assert isinstance(load, Load)
    return load


# -- power, voltage and current, with and without units ------------------------


@pytest.mark.parametrize(("header", "cell", "field", "value", "notes"), [
    ("Power", "1893.42 kW", "rated_power_kw", 1893.42, []),
    ("Power", "646 VA", "rated_power_kva", 0.646,
     ["VA is a unit of apparent_power, not power", "converted 646 VA to 0.646 kVA"]),
    ("Power", "37", "rated_power_kw", 37.0, []),
    ("Power", "1,250.5", "rated_power_kw", 1250.5, []),
    ("Power", "50 HP", "rated_power_kw", 37.2849936,
     ["converted 50 HP to 37.2849936 kW"]),
    ("Power", "1.2 MW", "rated_power_kw", 1200.0, ["converted 1.2 MW to 1200 kW"]),
    ("Power (HP)", 50, "rated_power_kw", 37.2849936,
     ["converted 50 HP to 37.2849936 kW"]),
    ("Power (W)", 2500, "rated_power_kw", 2.5, ["converted 2500 W to 2.5 kW"]),
    ("Power (MW)", 1.2, "rated_power_kw", 1200.0, ["converted 1.2 MW to 1200 kW"]),
    ("Rated Power (kVA)", 40, "rated_power_kva", 40.0, []),
    ("Power", "2 MVA", "rated_power_kva", 2000.0,
     ["MVA is a unit of apparent_power, not power", "converted 2 MVA to 2000 kVA"]),
    ("Power", "1,893.42 kW", "rated_power_kw", 1893.42, []),
    ("Motor Rating (kW)", "7.5", "rated_power_kw", 7.5, []),
])
def test_power_forms(tmp_path, header, cell, field, value, notes):
    load = only_load(tmp_path, [header], [cell])

    fv = getattr(load, field)
    assert fv.value == pytest.approx(value, rel=1e-12)
    assert (fv.cell, fv.raw, fv.notes) == ("Loads!C2", str(cell), notes)
    assert load.get("rated_power_kw" if field.endswith("kva") else "rated_power_kva") \
        is None


@pytest.mark.parametrize(("header", "cell", "field", "value"), [
    ("Voltage", "415 V", "voltage_v", 415.0),
    ("Voltage", "11kV", "voltage_v", 11000.0),
    ("Voltage", "415", "voltage_v", 415.0),
    ("Voltage (kV)", 0.415, "voltage_v", 415.0),
    ("Voltage (kV)", 11, "voltage_v", 11000.0),
    ("Voltage", "230/400 V", "voltage_v", 400.0),
    ("Current", "63A", "current_a", 63.0),
    ("FLC (A)", "12.5", "current_a", 12.5),
    ("PF", "0.85", "power_factor", 0.85),
    ("Efficiency (%)", 92, "efficiency", 0.92),
    ("Efficiency", "92%", "efficiency", 0.92),
])
def test_voltage_current_and_fraction_forms(tmp_path, header, cell, field, value):
    load = only_load(tmp_path, ["kW", header], [11, cell])

    fv = getattr(load, field)
    assert fv.value == pytest.approx(value, rel=1e-12)
    assert (fv.cell, fv.raw) == ("Loads!D2", str(cell))


@pytest.mark.parametrize(("cell", "phases"), [
    (3, 3), ("3", 3), ("3Ph", 3), ("Three", 3), ("TPN", 3), ("1~", 1), ("1 Ph", 1),
    ("Single", 1), ("RYB", 3),
])
def test_phase_forms(tmp_path, cell, phases):
    load = only_load(tmp_path, ["kW", "Phases"], [11, cell])

    assert load.phases.value == phases
    assert load.phases.cell == "Loads!D2"


def test_unit_from_a_units_row(tmp_path):
    rows = [["Tag", "Description", "Rated Power", "Voltage", "Current"],
            ["", "", "kVA", "kV", "A"],
            ["T-1", "Transformer feeder", 1600, 11, 84]]

    [load] = build(tmp_path, rows)

    assert (load.get("rated_power_kva"), load.get("voltage_v"), load.get("current_a")) \
        == (1600.0, 11000.0, 84.0)
    assert load.get("rated_power_kw") is None
    assert load.voltage_v.notes == ["converted 11 kV to 11000 V"]


# -- empty and unreadable cells ---------------------------------------------------


def test_empty_looking_cells_leave_the_field_absent(tmp_path):
    rows = [["Tag", "Description", "kW", "PF", "Voltage"],
            ["P-1", "Pump 1", 11, 0.85, 415],
            ["P-2", "Pump 2", 11, "NA", "-"],
            ["P-3", "Pump 3", 11, "-", "N/A"],
            ["P-4", "Pump 4", 11, "NULL", "  "],
            ["P-5", "Pump 5", 11, "   ", "--"]]

    loads = build(tmp_path, rows)

    assert [sorted(r.fields()) for r in loads] == [
        ["description", "power_factor", "rated_power_kw", "tag", "voltage_v"],
        *[["description", "rated_power_kw", "tag"]] * 4]
    report = extract(tmp_path, rows)
    assert [f for f in report.findings if f.rule == "unreadable-value"] == []


def test_unreadable_value_is_kept_as_text_and_reported(tmp_path):
    rows = [["Tag", "Description", "kW", "Voltage"],
            ["P-1", "Pump 1", 11, 415],
            ["P-2", "Pump 2", "TBA", 415],
            ["P-3", "Pump 3", 7.5, 415]]

    report = extract(tmp_path, rows)

    assert [r.get("rated_power_kw") for r in report.loads] == [11.0, "TBA", 7.5]
    fv = report.loads[1].rated_power_kw
    assert fv.confidence < 0.6
    assert (fv.cell, fv.raw) == ("Loads!C3", "TBA")
    assert fv.notes == ["no number in 'TBA'",
                        "could not read 'TBA' as rated_power_kw; kept as text"]
    [finding] = [f for f in report.findings if f.rule == "unreadable-value"]
    assert (finding.cell, finding.record, finding.field, finding.severity) == (
        "Loads!C3", "P-2", "rated_power_kw", "warning")
    assert finding.message == "'TBA' cannot be read as rated_power_kw; kept as text"


# -- per-phase columns -------------------------------------------------------------


@pytest.mark.parametrize("phase_headers", [
    ["R-Ph kW", "Y-Ph kW", "B-Ph kW"],
    ["Ph-1 (kW)", "Ph-2 (kW)", "Ph-3 (kW)"],
    ["L1 kW", "L2 kW", "L3 kW"],
])
def test_per_phase_columns_are_summed(tmp_path, phase_headers):
    rows = [["Circuit", "Description", *phase_headers],
            ["C1", "Lighting", 1.2, 1.1, 1.3],
            ["C2", "Sockets", 2, None, 1]]

    first, second = build(tmp_path, rows)

    assert first.rated_power_kw.value == pytest.approx(3.6)
    assert (first.rated_power_kw.cell, first.rated_power_kw.raw) == (
        "Loads!C2", "1.2 + 1.1 + 1.3")
    assert first.rated_power_kw.source == "derived"
    assert first.rated_power_kw.notes == ["sum of phases C2, D2, E2"]
    assert second.rated_power_kw.value == 3.0
    assert second.rated_power_kw.notes == ["sum of phases C3, E3"]


# -- cables: lengths with units and cable descriptions -----------------------------


CABLE_ROWS = [
    ["Cable Tag", "From", "To", "Cable Size", "Length", "Units"],
    ["C-1", "MCC-1", "P-1", "3C x 240", 120, "m"],
    ["C-2", "MCC-1", "P-2", "1 x 4c 16mm²", 1.2, "km"],
    ["C-3", "MCC-1", "P-3", "2 x 4C 240", 300, "ft"],
    ["C-4", "MCC-1", "P-4", "4c_70", 50, "m"],
    ["C-5", "DB-1", "L-1", "#12 AWG", 30, "m"],
]


def test_cable_specs_and_lengths_with_a_unit_column(tmp_path):
    cables = build(tmp_path, CABLE_ROWS, "Cables")

    assert all(isinstance(c, Cable) for c in cables)
    got = [(c.get("tag"), c.get("runs"), c.get("cores"), c.get("size_mm2"),
            c.get("length_m")) for c in cables]
    assert got == [("C-1", 1, 3, 240.0, 120.0), ("C-2", 1, 4, 16.0, 1200.0),
                   ("C-3", 2, 4, 240.0, 91.44), ("C-4", 1, 4, 70.0, 50.0),
                   ("C-5", None, None, 3.31, 30.0)]
    second = cables[1]
    assert second.length_m.notes == ["converted 1.2 km to 1200 m"]
    assert (second.cores.cell, second.cores.source, second.cores.raw) == (
        "Cables!D3", "derived", "1 x 4c 16mm²")
    assert second.spec_text.value == "1 x 4c 16mm²"
    assert cables[0].size_mm2.notes == ["size read from '3C x 240'"]


@pytest.mark.parametrize(("header", "cell", "length"), [
    ("Length (m)", 120, 120.0),
    ("Length (km)", 1.2, 1200.0),
    ("Length (ft)", 100, 30.48),
    ("Length", "250 m", 250.0),
    ("Length", "0.5 km", 500.0),
])
def test_length_units_from_header_or_cell(tmp_path, header, cell, length):
    rows = [["Cable Tag", "From", "To", "Size (mm²)", header],
            ["C-1", "MCC-1", "P-1", 16, cell]]

    [cable] = build(tmp_path, rows, "Cables")

    assert cable.length_m.value == pytest.approx(length)
    assert cable.length_m.cell == "Cables!E2"


def test_cable_specification_in_one_column(tmp_path):
    rows = [["Cable No", "From", "To", "Cable Specification", "Length (m)"],
            ["C-1", "MCC-1", "P-1", "2 x 4C x 240 sq.mm XLPE/SWA/PVC 0.6/1 kV", 85]]

    [cable] = build(tmp_path, rows, "Cables")

    assert read_values(cable) == {
        "tag": "C-1", "from_ref": "MCC-1", "to_ref": "P-1", "runs": 2, "cores": 4,
        "size_mm2": 240.0, "insulation": "XLPE", "armour": "SWA", "length_m": 85.0,
        "voltage_rating": "0.6/1 kV",
        "spec_text": "2 x 4C x 240 sq.mm XLPE/SWA/PVC 0.6/1 kV"}


# -- headers in other languages -----------------------------------------------------


def test_french_headers(tmp_path):
    rows = [["Repère", "Désignation", "Puissance (kW)", "Tension (V)", "Cos φ"],
            ["M-1", "Pompe", 11, 400, 0.85],
            ["M-2", "Ventilateur", 5.5, 400, 0.8]]

    assert [read_values(r) for r in build(tmp_path, rows, "Charges")] == [
        {"tag": "M-1", "description": "Pompe", "rated_power_kw": 11.0,
         "voltage_v": 400.0, "power_factor": 0.85},
        {"tag": "M-2", "description": "Ventilateur", "rated_power_kw": 5.5,
         "voltage_v": 400.0, "power_factor": 0.8}]
    assert extract(tmp_path, rows, "Charges").sheets[0].kind == "load_schedule"


def test_german_headers(tmp_path):
    rows = [["Kennzeichen", "Bezeichnung", "Leistung (kW)", "Spannung (V)", "Phasen"],
            ["M1", "Pumpe", 11, 400, 3],
            ["M2", "Lüfter", 5.5, 400, 3]]

    assert [read_values(r) for r in build(tmp_path, rows, "Verbraucher")] == [
        {"tag": "M1", "description": "Pumpe", "rated_power_kw": 11.0,
         "voltage_v": 400.0, "phases": 3},
        {"tag": "M2", "description": "Lüfter", "rated_power_kw": 5.5,
         "voltage_v": 400.0, "phases": 3}]
    report = extract(tmp_path, rows, "Verbraucher")
    mapped = {m.header: (m.field, m.method) for m in report.mappings}
    assert mapped["Bezeichnung"] == ("description", "synonym")
    assert mapped["Spannung (V)"] == ("voltage_v", "synonym")


def test_a_quantity_without_a_written_unit_is_said_to_be_assumed(tmp_path):
    path = tmp_path / "Load.csv"
    path.write_text("id;node;pLoad;qLoad\nLoad1;Bus 3;3;1\nLoad2;Bus 6;2;1\n",
                    encoding="utf-8")

    report = extract_file(path)

    assert [ld.get("rated_power_kw") for ld in report.loads] == [3.0, 2.0]
    assert [(ld.rated_power_kw.confidence, ld.rated_power_kw.notes)
            for ld in report.loads] == [
        (0.75, ["the column names no unit; read as kW"])] * 2
    assumed = [(f.cell, f.severity, f.message, f.suggestion)
               for f in report.findings if f.rule == "unit-assumed"]
    assert assumed == [(
        "Load!C1", "info", "'pLoad' names no unit; its values are read as kW",
        "if they are in MW or another unit, write it in the header, "
        "e.g. 'pLoad (MW)'")]


def test_loads_after_a_long_blank_gap_are_read_and_the_gap_is_told(tmp_path):
    header = ["Tag", "Description", "Rated Power (kW)", "Voltage (V)", "Power Factor"]
    pumps = [[f"P-{i}", f"Pump {i}", 10 + i, 400, 0.85] for i in range(4)]
    rows = [header, *pumps[:2], *[[] for _ in range(8)], *pumps[2:]]

    report = extract(tmp_path, rows)

    assert [(ld.get("tag"), ld.row) for ld in report.loads] == [
        ("P-0", 2), ("P-1", 3), ("P-2", 12), ("P-3", 13)]
    gaps = [(f.cell, f.severity, f.message) for f in report.findings
            if f.rule == "table-gap"]
    assert gaps == [("Loads!A12", "info", "rows 4 to 11 are blank, yet row 12 goes on "
                     "in the columns of the table headed at row 1: read as part of it")]


def test_a_large_column_without_a_written_unit_is_amber_as_a_small_one(tmp_path):
    rows = [["Tag", "Description", "Power", "Voltage (V)"]]
    rows += [[f"P-{i}", f"Pump {i}", 1.5 + i % 7, 400] for i in range(300)]

    report = extract(tmp_path, rows)

    assert report.blocks("load")
    confidences = {piece.fields["rated_power_kw"].confidences[0]
                   for piece in report.blocks("load")}
    assert confidences == {0.75}
    assert report.loads[0].rated_power_kw.notes == [
        "the column names no unit; read as kW"]

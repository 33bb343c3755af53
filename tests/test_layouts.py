"""Whole workbooks in the layouts engineers send, extracted end to end."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import openpyxl
import pytest
from openpyxl.styles import Font
from workbooks import (
    CABLE_HEADER,
    CABLES,
    GROUPED,
    LOAD_HEADER,
    PANEL,
    PUMPS,
    SCHEDULE,
    Sheet,
    read_values,
    write_xlsx,
)

from extractor.pipeline import extract_file
from extractor.records import Record
from extractor.report import Report


def extract(tmp_path, sheets: dict[str, Sheet | list[list]]) -> Report:
    return extract_file(write_xlsx(tmp_path / "book.xlsx", sheets))


def cells(record: Record) -> dict:
    return {name: fv.cell for name, fv in record.fields().items()
            if fv.cell is not None}


def sheet(report: Report, name: str):
    return next(s for s in report.sheets if s.name == name)


# -- where the header is -------------------------------------------------------


def test_header_on_row_1(tmp_path):
    report = extract(tmp_path, {"Loads": [LOAD_HEADER, *PUMPS]})

    assert [read_values(r) for r in report.loads] == [
        {"tag": "P-101", "description": "Cooling water pump", "rated_power_kw": 37.0,
         "voltage_v": 415.0},
        {"tag": "P-102", "description": "Fire water pump", "rated_power_kw": 55.0,
         "voltage_v": 415.0},
        {"tag": "L-201", "description": "Lighting panel", "rated_power_kw": 2.5,
         "voltage_v": 230.0}]
    assert cells(report.loads[0]) == {
        "tag": "Loads!A2", "description": "Loads!B2", "rated_power_kw": "Loads!C2",
        "voltage_v": "Loads!D2"}
    assert [r.row for r in report.loads] == [2, 3, 4]
    assert sheet(report, "Loads").header_rows == [1]


def test_header_on_row_7_under_a_title_block(tmp_path):
    rows = [["Project:", "Alpha Gas Plant"], ["Doc No:", "AGP-EL-LL-001"],
            ["Date:", date(2024, 3, 1)], [], ["ELECTRICAL LOAD LIST"], [],
            LOAD_HEADER, *PUMPS]

    report = extract(tmp_path, {"Loads": rows})

    assert [r.get("tag") for r in report.loads] == ["P-101", "P-102", "L-201"]
    first = report.loads[0]
    assert first.rated_power_kw.cell == "Loads!C8"
    assert first.rated_power_kw.raw == "37"
    assert first.description.raw == "Cooling water pump"
    assert first.source_bus is None
    result = sheet(report, "Loads")
    assert (result.kind, result.header_rows, result.loads) == ("load_schedule", [7], 3)


# -- header blocks of several rows ---------------------------------------------


def test_group_cells_and_units_row_give_fields_and_units(tmp_path):
    report = extract(tmp_path, {"Motors": GROUPED})

    assert [read_values(r) for r in report.loads] == [
        {"tag": "P-101", "description": "Feed pump", "rated_power_kva": 400.0,
         "voltage_v": 11000.0, "current_a": 21.0, "efficiency": 0.95, "phases": 3},
        {"tag": "P-102", "description": "Booster pump", "rated_power_kva": 500.0,
         "voltage_v": 11000.0, "current_a": 26.2, "efficiency": 0.96, "phases": 3}]
    volts = report.loads[0].voltage_v
    assert (volts.cell, volts.raw) == ("Motors!D4", "11")
    assert volts.notes == ["converted 11 kV to 11000 V"]
    mapped = {m.column: (m.header, m.unit, m.field) for m in report.mappings}
    assert mapped["C"] == ("MOTOR DATA / Rated Power", "kVA", "rated_power_kva")
    assert mapped["D"] == ("MOTOR DATA / Voltage", "kV", "voltage_v")
    assert sheet(report, "Motors").header_rows == [1]


# -- what the body rows are ----------------------------------------------------


def test_sections_feed_the_rows_under_them(tmp_path):
    report = extract(tmp_path, {"Loads": SCHEDULE})

    assert [(r.row, r.get("tag"), r.get("rated_power_kw")) for r in report.loads] == [
        (4, "P-101", 11.0), (5, "P-102", 15.0), (7, "P-103", 5.5), (10, "F-201", 7.5)]
    buses = [r.source_bus for r in report.loads]
    assert [(b.value, b.source, b.cell) for b in buses] == [
        ("MCC-01", "section", "Loads!B3"), ("MCC-01", "section", "Loads!B3"),
        ("MCC-01", "section", "Loads!B3"), ("MCC-02", "section", "Loads!B9")]
    assert buses[0].raw == "MCC-01 (Process)"
    assert buses[0].notes == ["from the section row above"]
    assert sheet(report, "Loads").loads == 4


def test_merged_section_rows_name_the_board(tmp_path):
    rows = [[*LOAD_HEADER, "Remarks"], [],
            ["P-1", "Pump 1", 11, 415, "duty"], ["P-2", "Pump 2", 11, 415, "standby"],
            [], ["F-1", "Fan", 4, 415]]
    merged = Sheet(rows, merge=[("A2:E2", "Switchboard: SB-01"),
                                ("A5:E5", "MCC-03 (Fed from SB-01)")])

    report = extract(tmp_path, {"Loads": merged})

    assert [(r.get("tag"), r.source_bus.value, r.source_bus.cell)
            for r in report.loads] == [("P-1", "SB-01", "Loads!A2"),
                                       ("P-2", "SB-01", "Loads!A2"),
                                       ("F-1", "MCC-03", "Loads!A5")]
    assert report.loads[2].source_bus.raw == "MCC-03 (Fed from SB-01)"


def test_repeated_page_headers_are_not_records(tmp_path):
    field = ["Tag", "Description", "Rated Power", "Voltage", "Efficiency"]
    units = [None, None, "kW", "V", "%"]
    page = Sheet([[None] * 5, field, units,
                  ["P-1", "Pump 1", 11, 415, 91], ["P-2", "Pump 2", 15, 415, 92],
                  [None] * 5, field, units,
                  ["P-3", "Pump 3", 22, 415, 93]],
                 merge=[("C1:E1", "MOTOR DATA"), ("C6:E6", "MOTOR DATA")])

    report = extract(tmp_path, {"Loads": page})

    assert [(r.row, r.get("tag"), r.get("efficiency")) for r in report.loads] == [
        (4, "P-1", 0.91), (5, "P-2", 0.92), (9, "P-3", 0.93)]
    assert sheet(report, "Loads").tables == 1


def test_hidden_rows_are_not_records(tmp_path):
    report = extract(tmp_path, {"Loads": Sheet([LOAD_HEADER, *PUMPS], hidden=[3])})

    assert [r.get("tag") for r in report.loads] == ["P-101", "L-201"]


# -- several tables in one sheet -----------------------------------------------


def test_stacked_load_and_cable_tables(tmp_path):
    rows = [LOAD_HEADER, *PUMPS, [], [], CABLE_HEADER, *CABLES]

    report = extract(tmp_path, {"Schedules": rows})

    assert [r.get("tag") for r in report.loads] == ["P-101", "P-102", "L-201"]
    assert [read_values(c) for c in report.cables] == [
        {"tag": "C-101", "from_ref": "MCC-01", "to_ref": "P-101", "size_mm2": 16.0,
         "cores": 4, "length_m": 45.0},
        {"tag": "C-102", "from_ref": "MCC-01", "to_ref": "P-102", "size_mm2": 25.0,
         "cores": 4, "length_m": 60.0}]
    assert report.cables[0].tag.cell == "Schedules!A8"
    result = sheet(report, "Schedules")
    assert (result.tables, result.header_rows) == (2, [1, 7])
    assert (result.kind, result.loads, result.cables) == ("load_schedule", 3, 2)
    kinds = {(m.table, m.column): m.record for m in report.mappings}
    assert kinds[(0, "A")] == "load"
    assert kinds[(1, "A")] == "cable"


def test_side_by_side_tables(tmp_path):
    rows = [[*LOAD_HEADER, None, *CABLE_HEADER],
            [*PUMPS[0], None, *CABLES[0]],
            [*PUMPS[1], None, *CABLES[1]]]

    report = extract(tmp_path, {"Both": rows})

    assert [r.get("tag") for r in report.loads] == ["P-101", "P-102"]
    assert [r.get("tag") for r in report.cables] == ["C-101", "C-102"]
    assert cells(report.cables[1])["to_ref"] == "Both!H3"
    assert cells(report.loads[1])["voltage_v"] == "Both!D3"
    assert sheet(report, "Both").header_rows == [1, 1]


def test_panel_schedule_every_described_circuit_is_a_load(tmp_path):
    report = extract(tmp_path, {"LP-2A": PANEL})

    got = [(r.get("tag"), r.get("description"), r.get("rated_power_kva"),
            r.get("phases")) for r in report.loads]
    assert got == [
        ("1", "Lighting Office 101", 0.646, 1),
        ("3", "Lighting Corridor", 0.54, 1),
        ("5", "AHU-1", 4.5, 3),
        ("2", "Receptacles Office 101", 1.2, 1),
        ("4", "Receptacles Corridor", 0.72, 1),
        ("6", "Water Heater", 1.6, 2)]
    ahu = report.loads[2].rated_power_kva
    assert (ahu.cell, ahu.raw, ahu.source) == (
        "LP-2A!I7", "1500 VA + 1500 VA + 1500 VA", "derived")
    assert ahu.notes[-2:] == [
        "plus 1500 VA from LP-2A!E8, row 8 of the same circuit",
        "plus 1500 VA from LP-2A!G9, row 9 of the same circuit"]
    bus = report.loads[0].source_bus
    assert (bus.value, bus.cell, bus.source) == ("LP-2A", "LP-2A!B1", "header")
    assert sheet(report, "LP-2A").kind == "load_schedule"


# -- used ranges far larger than the table --------------------------------------


def test_a_stray_value_at_the_corner_of_a_huge_used_range(tmp_path):
    far = Sheet([["Project:", "Beta"], [], LOAD_HEADER, *PUMPS], far=("HU2500", "x"))

    report = extract(tmp_path, {"Loads": far})

    assert [(r.row, r.get("tag")) for r in report.loads] == [
        (4, "P-101"), (5, "P-102"), (6, "L-201")]
    assert report.performance.cells >= 2500


def test_a_formatted_cell_far_away(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Loads"
    for row in [LOAD_HEADER, *PUMPS]:
        ws.append(row)
    ws.cell(row=2500, column=229).font = Font(bold=True)
    wb.save(tmp_path / "formatted.xlsx")

    report = extract_file(tmp_path / "formatted.xlsx")

    assert [r.get("tag") for r in report.loads] == ["P-101", "P-102", "L-201"]
    assert report.loads[2].rated_power_kw.cell == "Loads!C4"


# -- look-alikes that are not schedules ----------------------------------------


def meter_log() -> list[list]:
    start = datetime(2024, 1, 1)
    rows = [["Timestamp", "Energy (kWh)", "Power (kW)", "PF"]]
    for hour in range(24):
        rows.append([start + timedelta(hours=hour), 1000 + 5 * hour, 5 + hour, 0.92])
    return rows


LOOK_ALIKES = {
    "Meter": meter_log(),
    "Cable Catalogue": [
        ["Size (mm²)", "Current Rating (A)", "Resistance (ohm/km)",
         "Reactance (ohm/km)"],
        [16, 87, 1.15, 0.08], [25, 114, 0.727, 0.08], [35, 141, 0.524, 0.078]],
    "Cable Range": [
        ["Item Code", "Description", "Size (mm²)", "Cores", "Current Rating (A)"],
        ["CB-16-4", "4C 16 XLPE/SWA", 16, 4, 87],
        ["CB-25-4", "4C 25 XLPE/SWA", 25, 4, 114]],
    "Prices": [
        ["Item", "Description", "Qty", "Unit Price", "Amount"],
        [1, "MCCB 250A 3P", 2, 450.0, 900.0], [2, "Contactor 32A", 5, 60.0, 300.0]],
    "Drawings": [
        ["Drawing No", "Title", "Rev", "Date", "Status"],
        ["E-001", "Single Line Diagram", "B", date(2024, 1, 10), "IFC"],
        ["E-002", "Lighting Layout", "A", date(2024, 1, 12), "IFR"]],
    "Tags": [
        ["Tag", "Description", "Area", "P&ID"],
        ["P-101", "Feed pump", "Area 1", "PID-001"],
        ["F-201", "Exhaust fan", "Area 2", "PID-003"]],
    "Generators": [
        ["Generator", "kVA", "kV", "Fuel"],
        ["G-1", 2000, 11, "Diesel"], ["G-2", 1500, 0.415, "Gas"]],
    "Gensets": [
        ["Tag", "Description", "Rating (kVA)", "Voltage (kV)"],
        ["G-1", "Standby diesel generator", 2000, 11],
        ["G-2", "Emergency generator", 500, 0.415]],
}


def test_look_alike_sheets_are_other(tmp_path):
    report = extract(tmp_path, LOOK_ALIKES)

    assert {s.name: s.kind for s in report.sheets} == dict.fromkeys(LOOK_ALIKES,
                                                                    "other")
    assert (report.loads, report.cables, report.buses) == ([], [], [])
    evidence = {s.name: s.evidence for s in report.sheets}
    assert evidence["Meter"][-1] == (
        "column 'Timestamp' holds 24 timestamps: a time series, not a schedule")
    assert evidence["Generators"][-1] == (
        "column 'Fuel': a list of generators, not loads")
    assert evidence["Gensets"][-1] == "2 of 2 rows name generators"
    assert evidence["Drawings"] == ["no table with a recognisable header"]
    assert evidence["Prices"][-1] == "column 'Unit Price': a price list, not a schedule"
    assert evidence["Cable Range"][-1] == (
        "rows named by cable descriptions such as '4C 16 XLPE/SWA': "
        "a cable catalogue, not loads")
    assert evidence["Tags"][-1] == "no identifier with ratings, ends or sizes"


# -- feeder schedules ------------------------------------------------------------


FEEDERS = [
    ["Board:", "MCC-01"],
    [],
    ["Tag", "Description", "kW", "Voltage (V)", "Cable Size", "Cable Spec",
     "Length (m)"],
    ["P-101", "Feed pump", 37, 415, "3C x 240", "XLPE/SWA/PVC", 120],
    ["P-102", "Booster pump", 11, 415, "1 x 4c 16mm²", "XLPE/SWA/PVC", 80],
    ["F-201", "Exhaust fan", 7.5, 415, "2 x 4C 240", "PVC", 50],
]


def test_feeder_schedule_gives_a_load_and_its_cable_per_row(tmp_path):
    report = extract(tmp_path, {"Feeders": FEEDERS})

    assert [read_values(r) for r in report.loads] == [
        {"tag": "P-101", "description": "Feed pump", "rated_power_kw": 37.0,
         "voltage_v": 415.0, "source_bus": "MCC-01"},
        {"tag": "P-102", "description": "Booster pump", "rated_power_kw": 11.0,
         "voltage_v": 415.0, "source_bus": "MCC-01"},
        {"tag": "F-201", "description": "Exhaust fan", "rated_power_kw": 7.5,
         "voltage_v": 415.0, "source_bus": "MCC-01"}]
    assert [read_values(c) for c in report.cables] == [
        {"from_ref": "MCC-01", "to_ref": "P-101", "runs": 1, "cores": 3,
         "size_mm2": 240.0, "insulation": "XLPE", "armour": "SWA", "length_m": 120.0,
         "spec_text": "XLPE/SWA/PVC"},
        {"from_ref": "MCC-01", "to_ref": "P-102", "runs": 1, "cores": 4,
         "size_mm2": 16.0, "insulation": "XLPE", "armour": "SWA", "length_m": 80.0,
         "spec_text": "XLPE/SWA/PVC"},
        {"from_ref": "MCC-01", "to_ref": "F-201", "runs": 2, "cores": 4,
         "size_mm2": 240.0, "insulation": "PVC", "length_m": 50.0,
         "spec_text": "PVC"}]
    first = report.cables[0]
    assert cells(first) == {
        "from_ref": "Feeders!B1", "to_ref": "Feeders!A4", "runs": "Feeders!E4",
        "cores": "Feeders!E4", "size_mm2": "Feeders!E4", "insulation": "Feeders!F4",
        "armour": "Feeders!F4", "length_m": "Feeders!G4", "spec_text": "Feeders!F4"}
    assert first.to_ref.notes == ["the load this row feeds"]
    assert sheet(report, "Feeders").kind == "feeder_schedule"


def test_feeder_schedule_with_a_fed_from_column(tmp_path):
    rows = [["Feeder No", "Load Description", "Rating (kW)", "Fed From",
             "Cable Size (mm²)", "No of Cores", "Cable Length (m)"],
            ["F1", "Feed pump", 37, "MCC-01", 240, 3, 120],
            ["F2", "Booster pump", 11, "MCC-02", 16, 4, 80]]

    report = extract(tmp_path, {"Feeders": rows})

    assert [(r.get("tag"), r.get("rated_power_kw"), r.get("source_bus"))
            for r in report.loads] == [("F1", 37.0, "MCC-01"), ("F2", 11.0, "MCC-02")]
    assert [(c.get("from_ref"), c.get("to_ref"), c.get("cores"), c.get("size_mm2"))
            for c in report.cables] == [("MCC-01", "F1", 3, 240.0),
                                        ("MCC-02", "F2", 4, 16.0)]
    assert report.cables[1].from_ref.cell == "Feeders!D3"


# -- sheet kinds, confidences and evidence ---------------------------------------


BOARDS = [["Board", "Description", "Voltage (V)", "Rating (A)", "Fault Level (kA)",
           "Fed From"],
          ["MDB-1", "Main distribution board", 415, 3200, 50, "TX-1"],
          ["MCC-1", "Motor control centre", 415, 1600, 50, "MDB-1"]]


def test_sheet_kinds_confidences_and_evidence(tmp_path):
    report = extract(tmp_path, {
        "Loads": [LOAD_HEADER, *PUMPS],
        "Cables": [CABLE_HEADER, *CABLES],
        "Feeders": FEEDERS,
        "Boards": BOARDS,
    })

    got = {s.name: (s.kind, s.confidence, s.evidence) for s in report.sheets}
    assert got == {
        "Loads": ("load_schedule", 0.72, [
            "table at row 1", "rated_power_kw from 'kW'", "tag from 'Tag'"]),
        "Cables": ("cable_schedule", 0.9, [
            "table at row 1", "from 'From'", "to 'To'"]),
        "Feeders": ("feeder_schedule", 0.72, [
            "table at row 3", "rated_power_kw from 'kW'", "tag from 'Tag'",
            "3 cable columns on the same rows"]),
        "Boards": ("bus_schedule", 0.9, [
            "table at row 1", "board names under 'Board'", "voltage_v",
            "rated_current_a", "short_circuit_ka", "parent_bus"]),
    }
    assert all(0.0 <= s.confidence <= 1.0 for s in report.sheets)
    assert [read_values(b) for b in report.buses] == [
        {"tag": "MDB-1", "description": "Main distribution board", "voltage_v": 415.0,
         "rated_current_a": 3200.0, "short_circuit_ka": 50.0, "parent_bus": "TX-1"},
        {"tag": "MCC-1", "description": "Motor control centre", "voltage_v": 415.0,
         "rated_current_a": 1600.0, "short_circuit_ka": 50.0, "parent_bus": "MDB-1"}]
    assert 0.0 < report.confidence <= 1.0


def test_error_values_do_not_hide_the_rest_of_a_table(tmp_path):
    import xlsxwriter

    path = tmp_path / "errors.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Loads")
    sheet.write_row(0, 0, ["Tag", "Description", "kW", "Voltage"])
    sheet.write_row(1, 0, ["P-8", "Pump 8", 7.5, 400])
    sheet.write_row(2, 0, ["P-9", "Pump 9"])
    sheet.write_formula(2, 2, "=1/0", None, "#DIV/0!")
    sheet.write(2, 3, 400)
    sheet.write_row(3, 0, ["P-10", "Pump 10"])
    sheet.write_formula(3, 2, "=#REF!", None, "#REF!")
    sheet.write(3, 3, 400)
    book.close()

    report = extract_file(path)

    assert [s.kind for s in report.sheets] == ["load_schedule"]
    assert [(ld.get("tag"), ld.get("rated_power_kw")) for ld in report.loads] == [
        ("P-8", 7.5), ("P-9", "#DIV/0!"), ("P-10", "#REF!")]
    assert report.loads[1].rated_power_kw.confidence == 0.0


def test_a_header_on_two_lines_without_merged_cells(tmp_path):
    import xlsxwriter

    path = tmp_path / "two_lines.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Loads")
    sheet.write(0, 0, "Load List - Area 100")
    sheet.write_row(2, 0, ["Tag", "Load", "Rated", "Rated", "Power", "Supply"])
    sheet.write_row(3, 0, ["No.", "Description", "Power (kW)", "Voltage (V)",
                           "Factor", "Board"])
    sheet.write_row(4, 0, ["P-1", "Pump 1", 15, 400, 0.85, "MCC-1"])
    sheet.write_row(5, 0, ["F-1", "Fan 1", 5.5, 400, 0.8, "MCC-2"])
    book.close()

    report = extract_file(path)

    assert [(s.kind, s.header_rows) for s in report.sheets] == [
        ("load_schedule", [3])]
    assert [(m.header, m.field) for m in report.mappings] == [
        ("Tag / No.", "tag"), ("Load / Description", "description"),
        ("Rated / Power (kW)", "rated_power_kw"),
        ("Rated / Voltage (V)", "voltage_v"), ("Power / Factor", "power_factor"),
        ("Supply / Board", "source_bus")]
    assert [(ld.get("tag"), ld.get("rated_power_kw"), ld.get("power_factor"))
            for ld in report.loads] == [("P-1", 15.0, 0.85), ("F-1", 5.5, 0.8)]


def test_a_board_named_in_the_title_feeds_the_loads(tmp_path):
    import xlsxwriter

    path = tmp_path / "mcc3.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Schedule")
    sheet.write(1, 1, "MCC-3 LOAD SCHEDULE")
    sheet.write_row(4, 1, ["Equipment Tag", "Description", "Rating (kW)"])
    sheet.write_row(5, 1, ["P-301A", "Cooling Water Pump A", 37])
    sheet.write_row(6, 1, ["AG-301", "Agitator", 5.5])
    book.close()

    report = extract_file(path)

    bus = report.loads[0].source_bus
    assert (bus.value, bus.cell, bus.source, bus.confidence) == (
        "MCC-3", "Schedule!B2", "header", 0.6)
    assert [ld.get("source_bus") for ld in report.loads] == ["MCC-3", "MCC-3"]


@pytest.mark.parametrize(("headers", "rows", "chosen"), [
    (["Tag", "Description", "Unit kW", "Qty", "Total kW"],
     [["P-1", "Pump", 7.5, 2, 15], ["F-1", "Fan", 2.2, 1, 2.2]], "Unit kW"),
    (["BMK", "Verbraucher", "Anzahl", "Leistung je Stück [kW]",
      "Leistung gesamt [kW]"],
     [["P-1", "Pumpe", 2, 7.5, 15], ["F-1", "Lüfter", 1, 2.2, 2.2]],
     "Leistung je Stück [kW]"),
])
def test_the_rating_is_per_unit_beside_a_total(tmp_path, headers, rows, chosen):
    import xlsxwriter

    path = tmp_path / "qty.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Loads")
    sheet.write_row(0, 0, headers)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, row)
    book.close()

    report = extract_file(path)

    power = [m.header for m in report.mappings if m.field == "rated_power_kw"]
    assert power == [chosen]
    assert [ld.get("rated_power_kw") for ld in report.loads] == [7.5, 2.2]


@pytest.mark.parametrize("spacer", [None, "x"])
def test_a_spacer_column_does_not_split_a_table(tmp_path, spacer):
    import xlsxwriter

    path = tmp_path / "spacer.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Loads")
    sheet.write_row(0, 0, ["Tag", "Description", None, "kW", "Voltage", "PF"])
    sheet.write_row(1, 0, ["P-1", "Pump 1", spacer, 15, 400, 0.85])
    sheet.write_row(2, 0, ["P-2", "Pump 2", spacer, 22, 400, 0.86])
    book.close()

    report = extract_file(path)

    assert [(s.kind, s.tables) for s in report.sheets] == [("load_schedule", 1)]
    assert [(ld.get("tag"), ld.get("rated_power_kw"), ld.get("power_factor"))
            for ld in report.loads] == [("P-1", 15.0, 0.85), ("P-2", 22.0, 0.86)]

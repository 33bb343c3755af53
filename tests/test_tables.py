"""Finding tables and the role of every row, on workbooks written here."""

from __future__ import annotations

from datetime import date

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
    read_sheet,
    write_xlsx,
)

from extractor.grid import a1, column_letter
from extractor.tables import Table, find_tables, section_name
from extractor.vocabulary import shipped_vocabulary


def tables_of(tmp_path, sheet: Sheet | list[list], name: str = "Loads") -> list[Table]:
    path = write_xlsx(tmp_path / "book.xlsx", {name: sheet})
    return find_tables(read_sheet(path, name), shipped_vocabulary())


def roles(table: Table) -> list[tuple[int, str]]:
    """(1-based row, role) of every body row."""
    return [(row.index + 1, row.role) for row in table.rows]


def columns(table: Table) -> list[tuple[str, str, str | None]]:
    """(column letter, combined header, unit) of every column."""
    return [(column_letter(c.index), c.header, c.unit) for c in table.columns]


def header_rows(table: Table) -> list[int]:
    return [r + 1 for r in table.header_rows]


# -- where the header is -------------------------------------------------------


def test_header_on_the_first_row(tmp_path):
    [table] = tables_of(tmp_path, [LOAD_HEADER, *PUMPS])

    assert header_rows(table) == [1]
    assert table.units_row is None
    assert columns(table) == [("A", "Tag", None), ("B", "Description", None),
                              ("C", "kW", "kW"), ("D", "Voltage (V)", "V")]
    assert roles(table) == [(2, "data"), (3, "data"), (4, "data")]
    assert table.metadata == {}


def test_header_on_row_7_under_a_title_block(tmp_path):
    rows = [["Project:", "Alpha Gas Plant"],
            ["Doc No:", "AGP-EL-LL-001"],
            ["Date:", date(2024, 3, 1)],
            [],
            ["ELECTRICAL LOAD LIST"],
            [],
            LOAD_HEADER, *PUMPS]

    [table] = tables_of(tmp_path, rows)

    assert header_rows(table) == [7]
    assert roles(table) == [(8, "data"), (9, "data"), (10, "data")]
    assert table.metadata == {"project": "Alpha Gas Plant",
                              "doc no": "AGP-EL-LL-001", "date": "2024-03-01"}


# -- header blocks of several rows ---------------------------------------------


def test_merged_group_cells_and_a_units_row_make_one_header(tmp_path):
    [table] = tables_of(tmp_path, GROUPED)

    assert header_rows(table) == [1, 2, 3]
    assert table.units_row == 2
    assert columns(table) == [
        ("A", "Tag", None), ("B", "Description", None),
        ("C", "MOTOR DATA / Rated Power", "kVA"), ("D", "MOTOR DATA / Voltage", "kV"),
        ("E", "MOTOR DATA / Current", "A"), ("F", "ELECTRICAL / Efficiency", "%"),
        ("G", "ELECTRICAL / Phases", None)]
    assert roles(table) == [(4, "data"), (5, "data")]


def test_one_merged_group_over_part_of_the_header(tmp_path):
    sheet = Sheet([[], ["Tag", "Description", "Rated Power", "Voltage", "FLC"],
                   ["", "", "kW", "V", "A"], ["M-1", "Mixer", 7.5, 400, 14.2]],
                  merge=[("C1:E1", "MOTOR DATA")])

    [table] = tables_of(tmp_path, sheet)

    assert header_rows(table) == [1, 2, 3]
    assert [c.header for c in table.columns] == [
        "Tag", "Description", "MOTOR DATA / Rated Power", "MOTOR DATA / Voltage",
        "MOTOR DATA / FLC"]


def test_headers_merged_down_beside_a_group(tmp_path):
    sheet = Sheet([[None] * 6,
                   [None, None, "Rated Power", "Voltage", "Efficiency", None],
                   [None, None, "kW", "kV", "%", None],
                   ["P-1", "HP pump", 250, 6.6, 95, "duty"]],
                  merge=[("A1:A3", "Tag"), ("B1:B3", "Description"),
                         ("C1:E1", "MOTOR DATA"), ("F1:F3", "Remarks")])

    [table] = tables_of(tmp_path, sheet)

    assert (header_rows(table), table.units_row) == ([1, 2, 3], 2)
    assert columns(table) == [
        ("A", "Tag", None), ("B", "Description", None),
        ("C", "MOTOR DATA / Rated Power", "kW"), ("D", "MOTOR DATA / Voltage", "kV"),
        ("E", "MOTOR DATA / Efficiency", "%"), ("F", "Remarks", None)]
    assert roles(table) == [(4, "data")]


def test_a_title_merged_across_the_table_is_not_a_group(tmp_path):
    sheet = Sheet([[], [*LOAD_HEADER, "Remarks"], [*PUMPS[0], "duty"]],
                  merge=[("A1:E1", "LOAD LIST - AREA 100")])

    [table] = tables_of(tmp_path, sheet)

    assert header_rows(table) == [2]
    assert [c.header for c in table.columns] == [*LOAD_HEADER, "Remarks"]


# -- what the body rows are ----------------------------------------------------


def test_sections_totals_spares_notes_and_template_rows(tmp_path):
    [table] = tables_of(tmp_path, SCHEDULE)

    assert roles(table) == [
        (2, "incomer"), (3, "section"), (4, "data"), (5, "data"), (7, "data"),
        (8, "total"), (9, "section"), (10, "data"), (11, "spare"), (12, "spare"),
        (13, "blank"), (14, "blank"), (15, "total"), (17, "note"), (18, "note"),
        (20, "note")]
    labels = {r.index + 1: r.label for r in table.rows if r.label}
    assert labels == {2: "INCOMER from TX-1", 3: "MCC-01", 8: "Sub-total MCC-01",
                      9: "MCC-02", 11: "SPARE", 12: "Space", 15: "TOTAL",
                      17: "Notes: 1. All motors are TEFC, IP55.",
                      18: "2. Ratings are shaft output.",
                      20: "Legend: DOL = direct on line, "
                          "VFD = variable frequency drive"}


@pytest.mark.parametrize(("text", "name"), [
    ("MCC-01", "MCC-01"),
    ("MCC-02 (Utility)", "MCC-02"),
    ("Switchboard: SB-01", "SB-01"),
    ("Fed from - PMCC-3", "PMCC-3"),
    ("PANEL-A", "PANEL-A"),
    ("AREA 200 - UTILITIES", "AREA 200 - UTILITIES"),
    ("  DB-L1   [lighting] ", "DB-L1"),
])
def test_section_names(text, name):
    assert section_name(text) == name


def test_header_blocks_repeated_per_page_are_header_rows(tmp_path):
    group = [None] * 5
    field = ["Tag", "Description", "Rated Power", "Voltage", "Efficiency"]
    units = [None, None, "kW", "V", "%"]
    sheet = Sheet([group, field, units,
                   ["P-1", "Pump 1", 11, 415, 91], ["P-2", "Pump 2", 15, 415, 92],
                   group, field, units,
                   ["P-3", "Pump 3", 22, 415, 93]],
                  merge=[("C1:E1", "MOTOR DATA"), ("C6:E6", "MOTOR DATA")])

    [table] = tables_of(tmp_path, sheet)

    assert header_rows(table) == [1, 2, 3]
    assert roles(table) == [(4, "data"), (5, "data"), (6, "header"), (7, "header"),
                            (8, "header"), (9, "data")]


def test_a_repeated_single_header_row(tmp_path):
    [table] = tables_of(tmp_path, [LOAD_HEADER, PUMPS[0], LOAD_HEADER, PUMPS[1]])

    assert roles(table) == [(2, "data"), (3, "header"), (4, "data")]


def test_hidden_rows_keep_their_own_role(tmp_path):
    sheet = Sheet([LOAD_HEADER, *PUMPS], hidden=[3])

    [table] = tables_of(tmp_path, sheet)

    assert roles(table) == [(2, "data"), (3, "hidden"), (4, "data")]


def test_long_blank_gap_ends_the_table(tmp_path):
    rows = [LOAD_HEADER, PUMPS[0], *[[] for _ in range(6)], ["stray text", 1]]

    [table] = tables_of(tmp_path, rows)

    assert roles(table) == [(2, "data")]
    assert table.gaps == []


def test_data_in_the_same_columns_after_a_long_gap_goes_on_with_the_table(tmp_path):
    rows = [LOAD_HEADER, PUMPS[0], *[[] for _ in range(8)], PUMPS[1], PUMPS[2]]

    [table] = tables_of(tmp_path, rows)

    assert roles(table) == [(2, "data"), (11, "data"), (12, "data")]
    assert table.gaps == [(2, 10)]  # 0-based: first blank row, row read after


def test_a_title_after_a_long_gap_still_ends_the_table(tmp_path):
    rows = [LOAD_HEADER, PUMPS[0], *[[] for _ in range(8)], ["Future loads"], PUMPS[1]]

    [table] = tables_of(tmp_path, rows)

    assert roles(table) == [(2, "data")]
    assert table.gaps == []


# -- several tables in one sheet -----------------------------------------------


def test_two_tables_stacked_are_found_separately(tmp_path):
    rows = [LOAD_HEADER, *PUMPS, [], [], CABLE_HEADER, *CABLES]

    loads, cables = tables_of(tmp_path, rows)

    assert header_rows(loads) == [1]
    assert roles(loads) == [(2, "data"), (3, "data"), (4, "data")]
    assert header_rows(cables) == [7]
    assert [c.header for c in cables.columns] == CABLE_HEADER
    assert roles(cables) == [(8, "data"), (9, "data")]
    assert (loads.index, cables.index) == (0, 1)


def test_two_tables_side_by_side_split_at_the_empty_column(tmp_path):
    rows = [[*LOAD_HEADER, None, *CABLE_HEADER],
            [*PUMPS[0], None, *CABLES[0]],
            [*PUMPS[1], None, *CABLES[1]],
            [None] * 5 + ["C-103", "MCC-01", "L-201", 2.5, 3, 20]]

    loads, cables = tables_of(tmp_path, rows)

    assert [letter for letter, _, _ in columns(loads)] == ["A", "B", "C", "D"]
    assert [letter for letter, _, _ in columns(cables)] == ["F", "G", "H", "I", "J",
                                                            "K"]
    assert roles(loads) == [(2, "data"), (3, "data")]
    assert roles(cables) == [(2, "data"), (3, "data"), (4, "data")]


def test_panel_schedule_halves_are_two_tables(tmp_path):
    left, right = tables_of(tmp_path, PANEL, "LP-2A")

    assert columns(left) == [
        ("A", "CKT", None), ("B", "Circuit Description", None), ("C", "Trip", None),
        ("D", "Poles", None), ("E", "A", None), ("G", "B", None), ("I", "C", None)]
    assert columns(right) == [
        ("F", "A", None), ("H", "B", None), ("J", "C", None), ("K", "Poles", None),
        ("L", "Trip", None), ("M", "Circuit Description", None), ("N", "CKT", None)]
    assert header_rows(left) == header_rows(right) == [4]
    assert roles(left) == [(5, "data"), (6, "data"), (7, "data"), (8, "data"),
                           (9, "data"), (10, "spare")]
    assert roles(right) == [(5, "data"), (6, "data"), (7, "data"), (8, "data"),
                            (9, "spare"), (10, "blank")]
    assert left.metadata == {"panel": "LP-2A", "voltage": "208/120 V"}


# -- sheets whose used range is far larger than the table ----------------------


def test_a_stray_value_at_row_2500_column_229(tmp_path):
    sheet = Sheet([LOAD_HEADER, *PUMPS], far=(a1(2499, 228), "x"))
    path = write_xlsx(tmp_path / "far.xlsx", {"Loads": sheet})
    grid = read_sheet(path, "Loads")

    [table] = find_tables(grid, shipped_vocabulary())

    assert (grid.n_rows, grid.n_cols) == (2500, 229)
    assert roles(table) == [(2, "data"), (3, "data"), (4, "data")]


def test_a_formatted_empty_cell_far_away(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Loads"
    for row in [LOAD_HEADER, *PUMPS]:
        ws.append(row)
    ws.cell(row=2500, column=229).font = Font(bold=True)
    wb.save(tmp_path / "formatted.xlsx")

    [table] = find_tables(read_sheet(tmp_path / "formatted.xlsx", "Loads"),
                          shipped_vocabulary())

    assert header_rows(table) == [1]
    assert roles(table) == [(2, "data"), (3, "data"), (4, "data")]


def test_a_sheet_without_a_header_has_no_table(tmp_path):
    rows = [["Drawing No", "Title", "Rev"], ["E-001", "Single line diagram", "B"]]

    assert tables_of(tmp_path, rows) == []


def test_rows_after_a_long_gap_that_start_in_another_column_end_the_table(tmp_path):
    shifted = [[None, *row] for row in PUMPS[1:]]
    rows = [LOAD_HEADER, PUMPS[0], *[[] for _ in range(8)], *shifted]

    [table] = tables_of(tmp_path, rows)

    assert roles(table) == [(2, "data")]
    assert table.gaps == []

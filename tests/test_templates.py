"""The committed templates and sample project: present, current, consistent."""

from __future__ import annotations

import math
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from extractor.records import Bus, Cable, Load

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
sys.path.insert(0, str(TEMPLATES))
import build_templates  # noqa: E402

FILES = [
    "load_schedule_template.xlsx", "cable_schedule_template.xlsx",
    "bus_schedule_template.xlsx", "sample_project.xlsx",
]
SAMPLE_SHEETS = [
    "Load List", "Cable Schedule", "Board Schedule", "Revision History",
    "Cable Catalogue",
]
LOAD_HEADER = [
    "Item", "Tag No.", "Equipment Description", "Rated Power", "Voltage",
    "Phase", "Power Factor", "Efficiency", "FLC", "Qty", "Duty", "Starter",
    "Load Factor", "Remarks",
]


@pytest.fixture(scope="module")
def sample():
    return openpyxl.load_workbook(TEMPLATES / "sample_project.xlsx")


def rows_of(ws, first: int) -> list[tuple]:
    return [
        row for row in ws.iter_rows(min_row=first, values_only=True)
        if any(v is not None for v in row)
    ]


def load_rows(ws) -> list[tuple]:
    return [r for r in rows_of(ws, 9) if isinstance(r[0], int) and r[1] != "-"]


@pytest.mark.parametrize("name", FILES)
def test_file_exists_and_opens(name):
    wb = openpyxl.load_workbook(TEMPLATES / name)
    assert wb.sheetnames


def test_committed_files_match_the_script(tmp_path):
    built = build_templates.build_all(tmp_path)

    assert [p.name for p in built] == FILES
    for path in built:
        with zipfile.ZipFile(path) as new, \
                zipfile.ZipFile(TEMPLATES / path.name) as old:
            assert new.namelist() == old.namelist()
            for member in new.namelist():
                assert new.read(member) == old.read(member), (path.name, member)


def test_build_is_reproducible(tmp_path):
    first = build_templates.build_all(tmp_path / "a")
    second = build_templates.build_all(tmp_path / "b")

    assert [p.read_bytes() for p in first] == [p.read_bytes() for p in second]


@pytest.mark.parametrize(
    ("name", "record"),
    [("load_schedule_template.xlsx", Load), ("cable_schedule_template.xlsx", Cable),
     ("bus_schedule_template.xlsx", Bus)],
)
def test_template_columns_follow_the_records(name, record):
    columns = {
        "load_schedule_template.xlsx": build_templates.LOAD_COLUMNS,
        "cable_schedule_template.xlsx": build_templates.CABLE_COLUMNS,
        "bus_schedule_template.xlsx": build_templates.BUS_COLUMNS,
    }[name]
    ws = openpyxl.load_workbook(TEMPLATES / name).active

    assert [c.field for c in columns] == record.field_names()
    assert [c.value for c in ws[7]] == [c.title for c in columns]
    assert [c.value for c in ws[8]] == [c.unit for c in columns]
    assert ws["A2"].value == "Project:"
    assert ws.freeze_panes == "B9"
    assert rows_of(ws, 9) == []


def test_load_template_headers_units_and_lists():
    ws = openpyxl.load_workbook(TEMPLATES / "load_schedule_template.xlsx").active
    lists = {
        str(dv.sqref): dv.formula1
        for dv in ws.data_validations.dataValidation if dv.type == "list"
    }

    assert ws.title == "Load Schedule"
    assert ws["A1"].value == "ELECTRICAL LOAD SCHEDULE"
    assert [ws["D7"].value, ws["D8"].value] == ["Rated Power", "kW"]
    assert lists["K9:K33"] == '"Continuous,Intermittent,Standby"'
    assert lists["G9:G33"] == '"1,3"'


def test_sample_sheets(sample):
    assert sample.sheetnames == SAMPLE_SHEETS


def test_load_list_layout(sample):
    ws = sample["Load List"]

    assert [ws[f"A{r}"].value for r in (1, 2, 3, 4)] == [
        "PROJECT:", "DOCUMENT NO.:", "REVISION:", "DATE:",
    ]
    assert ws["C2"].value == "NGW-E-LL-0001"
    assert [c.value for c in ws[7]] == LOAD_HEADER
    assert [c.value for c in ws[8]][3:9] == ["kW", "V", "-", "-", "%", "A"]
    assert ws["D6"].value == "MOTOR DATA"
    assert "D6:I6" in {str(r) for r in ws.merged_cells.ranges}


def test_load_list_sections_spares_and_totals(sample):
    rows = rows_of(sample["Load List"], 9)
    column_a = [r[0] for r in rows]
    descriptions = [r[2] for r in rows]

    sections = [a for a in column_a if isinstance(a, str) and "-" in a
                and not a[0].isdigit()]
    assert sections == ["MCC-01", "MCC-02 (Utility)", "PDB-1"]
    assert descriptions.count("SPARE") == 3
    assert [d for d in descriptions if d and "TOTAL" in d] == [
        "SUB-TOTAL MCC-01", "SUB-TOTAL MCC-02", "SUB-TOTAL PDB-1", "TOTAL",
    ]
    assert len(load_rows(sample["Load List"])) == 24
    assert "Notes:" in column_a


def test_load_list_mixed_value_forms(sample):
    rows = {r[1]: r for r in load_rows(sample["Load List"])}

    assert rows["M-101"][3] == "20 HP"
    assert rows["P-105"][3] == "15 kW"
    assert rows["C-201A"][7] == 92
    assert rows["C-201B"][7] == 0.92
    assert {r[5] for r in rows.values()} == {3, "3Ph", "TPN", "1~", "1Ph"}


def test_load_currents_follow_power(sample):
    for row in load_rows(sample["Load List"]):
        tag, kw, volts, phases, pf, eff, flc = (
            row[1], _kw(row[3]), row[4], row[5], row[6], row[7], row[8]
        )
        eff = 1.0 if eff == "-" else (eff / 100 if eff > 1 else eff)
        single = str(phases).startswith("1")
        factor = 1.0 if single else math.sqrt(3)
        expected = kw * 1000 / (factor * volts * pf * eff)
        assert flc == pytest.approx(expected, abs=0.051), tag


def test_cables_connect_boards_and_loads(sample):
    loads = {r[1] for r in load_rows(sample["Load List"])}
    boards = {r[0] for r in rows_of(sample["Board Schedule"], 4)}
    cables = rows_of(sample["Cable Schedule"], 4)

    assert {c[1] for c in cables} <= boards
    assert {c[2] for c in cables} <= loads | boards
    assert loads <= {c[2] for c in cables}
    assert {"3C x 95 sq.mm XLPE/SWA/PVC", "1 x 4c 16mm\u00b2", "2 x 4C 240",
            "4c_70"} <= {c[3] for c in cables}
    assert all(isinstance(c[5], (int, float)) and c[5] > 0 for c in cables)


def test_boards_have_known_parents(sample):
    boards = rows_of(sample["Board Schedule"], 4)
    tags = {b[0] for b in boards}

    assert [b[0] for b in boards] == ["HVS-01", "MSB", "MCC-01", "MCC-02", "PDB-1"]
    assert {b[6] for b in boards[1:]} <= tags
    assert boards[0][2] == "11 kV"


def _kw(value) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    number, unit = re.fullmatch(r"([\d.]+)\s*(kW|HP)", value).groups()
    return float(number) * (0.7457 if unit == "HP" else 1.0)

"""Workbooks the tests write themselves, to be read back by the product."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol

from extractor.build import build_records
from extractor.classify import Evidence, classify
from extractor.grid import SheetGrid
from extractor.mapping import assign, candidates
from extractor.records import Record
from extractor.sources import read_workbook
from extractor.tables import find_tables
from extractor.vocabulary import shipped_vocabulary


@dataclass
class Sheet:
    """One sheet to write: rows from A1, plus merged blocks and hidden rows.

    ``merge`` holds (range, text) pairs such as ("C7:E7", "MOTOR DATA");
    ``hidden`` holds 1-based row numbers, as Excel shows them; ``far`` is a
    cell and value written far from the table, stretching the used range.
    """

    rows: list[list]
    merge: list[tuple[str, str]] = field(default_factory=list)
    hidden: list[int] = field(default_factory=list)
    far: tuple[str, object] | None = None


def write_xlsx(path: Path, sheets: dict[str, Sheet | list[list]]) -> Path:
    """Write the sheets with XlsxWriter; numbers stay numbers, text stays text."""
    book = xlsxwriter.Workbook(path)
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    for name, spec in sheets.items():
        sheet = spec if isinstance(spec, Sheet) else Sheet(spec)
        ws = book.add_worksheet(name)
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if isinstance(value, datetime):
                    ws.write_datetime(r, c, value, stamp)
                elif isinstance(value, date):
                    ws.write_datetime(r, c, value, day)
                elif value is not None:
                    ws.write(r, c, value)
        for where, text in sheet.merge:
            ws.merge_range(where, text)
        for number in sheet.hidden:
            ws.set_row(number - 1, None, None, {"hidden": True})
        if sheet.far is not None:
            ws.write(*xl_cell_to_rowcol(sheet.far[0]), sheet.far[1])
    book.close()
    return path


def read_sheet(path: Path, name: str) -> SheetGrid:
    """The grid of one sheet, as the pipeline reads it."""
    return read_workbook(path, sheets=[name]).sheets[0]


def built_records(path: Path, name: str) -> list[Record]:
    """The records of every table of one sheet, as built, before any checks."""
    grid = read_sheet(path, name)
    vocab = shipped_vocabulary()
    records: list[Record] = []
    for table in find_tables(grid, vocab):
        mapping = candidates(table, grid, vocab)
        verdict = classify(Evidence(table, grid, mapping, name.lower()))
        assign(mapping, verdict.records)
        records += build_records(table, grid, mapping, verdict)
    return records


def read_values(record: Record) -> dict:
    """The fields read from cells, by name; values worked out later are left out."""
    return {name: fv.value for name, fv in record.fields().items()
            if fv.cell is not None}


# -- layouts several test modules share ----------------------------------------


LOAD_HEADER = ["Tag", "Description", "kW", "Voltage (V)"]
PUMPS = [["P-101", "Cooling water pump", 37, 415],
         ["P-102", "Fire water pump", 55, 415],
         ["L-201", "Lighting panel", 2.5, 230]]
CABLE_HEADER = ["Cable No", "From", "To", "Size (mm²)", "Cores", "Length (m)"]
CABLES = [["C-101", "MCC-01", "P-101", 16, 4, 45],
          ["C-102", "MCC-01", "P-102", 25, 4, 60]]


GROUPED = Sheet(
    [[],
     ["Tag", "Description", "Rated Power", "Voltage", "Current", "Efficiency",
      "Phases"],
     ["-", "-", "kVA", "kV", "A", "%", "-"],
     ["P-101", "Feed pump", 400, 11, 21, 95, 3],
     ["P-102", "Booster pump", 500, 11, 26.2, 96, 3]],
    merge=[("C1:E1", "MOTOR DATA"), ("F1:G1", "ELECTRICAL")],
)


SCHEDULE = Sheet(
    [["Item", "Tag No.", "Description", "kW", "Volts", "Spare?"],
     [1, "INCOMER from TX-1", None, 500, 415],
     [None, "MCC-01 (Process)"],
     [2, "P-101", "Feed pump", 11, 415],
     [3, "P-102", "Booster pump", 15, 415],
     [],
     [4, "P-103", "Drain pump", 5.5, 415],
     [None, "Sub-total MCC-01", None, 31.5],
     [None, "MCC-02"],
     [5, "F-201", "Exhaust fan", 7.5, 415],
     [6, "SPARE"],
     [7, "Space", None, None, None],
     [8],
     [None, None, None, None, None, False],
     [None, "TOTAL", None, 39],
     [],
     ["Notes: 1. All motors are TEFC, IP55."],
     ["2. Ratings are shaft output."],
     [],
     ["Legend:", "DOL = direct on line, VFD = variable frequency drive"]],
)


PANEL_HEADER = ["CKT", "Circuit Description", "Trip", "Poles", "A", None, "B", None,
                "C", None, "Poles", "Trip", "Circuit Description", "CKT"]
PANEL = Sheet(
    [["Panel:", "LP-2A"],
     ["Voltage:", "208/120 V"],
     [],
     PANEL_HEADER,
     [1, "Lighting Office 101", 20, 1, "646 VA", "1200 VA", None, None, None, None,
      1, 20, "Receptacles Office 101", 2],
     [3, "Lighting Corridor", 20, 1, None, None, "540 VA", "720 VA", None, None,
      1, 20, "Receptacles Corridor", 4],
     [5, "AHU-1", 30, 3, None, None, None, None, "1500 VA", "800 VA",
      2, 20, "Water Heater", 6],
     [7, "--", "--", "--", "1500 VA", "800 VA", None, None, None, None,
      "--", "--", "--", 8],
     [9, "--", "--", "--", None, None, "1500 VA", None, None, None,
      1, 20, "Spare", 10],
     [11, "Space", None, None, None, None, None, None, None, None,
      None, None, None, 12]],
    merge=[("E4:F4", "A"), ("G4:H4", "B"), ("I4:J4", "C")],
)

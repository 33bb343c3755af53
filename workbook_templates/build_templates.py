"""Build the blank schedule templates and the sample project workbook.

Run from the repository root::

    python workbook_templates/build_templates.py [OUT_DIR]

It writes load_schedule_template.xlsx, cable_schedule_template.xlsx,
bus_schedule_template.xlsx and sample_project.xlsx into OUT_DIR (by default
the folder of this script). The output is the same byte for byte on every
run, so the committed files change only when this script does.

Each template has a title block, a header row of field titles with a units
row below it, empty boxed rows to fill in, and drop-down lists where a field
takes one of a few values. The columns follow the fields of the extractor's
Load, Cable and Bus records, in the same order.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from sample_project import build_sample_project
from template_style import (
    BODY_FONT,
    BOX,
    LABEL_FONT,
    TITLE_FONT,
    UNDERLINE,
    header_row,
    landscape,
    new_workbook,
    save_reproducible,
    set_widths,
    style_range,
)

HERE = Path(__file__).resolve().parent
HEADER_ROW = 7
EMPTY_ROWS = 25


@dataclass(frozen=True)
class Column:
    """One template column: the record field it holds and how it looks."""

    field: str
    title: str
    unit: str
    width: float
    choices: tuple[str, ...] = ()
    bounds: tuple[str, float, float] | None = None  # type, minimum, maximum


LOAD_COLUMNS = [
    Column("tag", "Tag", "-", 12),
    Column("description", "Description", "-", 34),
    Column("load_type", "Load Type", "-", 13, ("Motor", "Lighting", "Heater",
           "Small power", "HVAC", "UPS", "Feeder", "Other")),
    Column("rated_power_kw", "Rated Power", "kW", 10, bounds=("decimal", 0, 100_000)),
    Column("rated_power_kva", "Apparent Power", "kVA", 10,
           bounds=("decimal", 0, 100_000)),
    Column("voltage_v", "Voltage", "V", 9, bounds=("decimal", 0, 1_000_000)),
    Column("phases", "Phases", "-", 8, ("1", "3")),
    Column("power_factor", "Power Factor", "p.u.", 9, bounds=("decimal", 0, 1)),
    Column("efficiency", "Efficiency", "%", 10, bounds=("decimal", 0, 100)),
    Column("demand_factor", "Demand Factor", "p.u.", 9, bounds=("decimal", 0, 1)),
    Column("duty", "Duty", "-", 13, ("Continuous", "Intermittent", "Standby")),
    Column("starting_method", "Starting Method", "-", 14,
           ("DOL", "Star-Delta", "VFD", "Soft Starter", "N/A")),
    Column("source_bus", "Fed From", "-", 12),
    Column("current_a", "Full Load Current", "A", 10, bounds=("decimal", 0, 100_000)),
    Column("quantity", "Qty", "No.", 6, bounds=("whole", 1, 1000)),
]

CABLE_COLUMNS = [
    Column("tag", "Cable Tag", "-", 12),
    Column("from_ref", "From", "-", 12),
    Column("to_ref", "To", "-", 12),
    Column("runs", "Runs", "No.", 6, bounds=("whole", 1, 20)),
    Column("cores", "Cores", "No.", 7, bounds=("whole", 1, 61)),
    Column("size_mm2", "Size", "mm\u00b2", 8, ("1.5", "2.5", "4", "6", "10",
           "16", "25", "35", "50", "70", "95", "120", "150", "185", "240", "300",
           "400", "500", "630")),
    Column("conductor", "Conductor", "-", 10, ("Cu", "Al")),
    Column("insulation", "Insulation", "-", 10, ("XLPE", "PVC", "EPR", "LSZH")),
    Column("armour", "Armour", "-", 9, ("SWA", "AWA", "STA", "None")),
    Column("length_m", "Length", "m", 9, bounds=("decimal", 0, 100_000)),
    Column("voltage_rating", "Voltage Grade", "kV", 12, ("0.6/1", "1.9/3.3",
           "3.8/6.6", "6.35/11", "12.7/22", "19/33")),
    Column("installation", "Installation", "-", 15, ("Cable tray", "Ladder",
           "Duct", "Buried direct", "Clipped direct", "Conduit")),
    Column("spec_text", "Cable Description", "-", 34),
]

BUS_COLUMNS = [
    Column("tag", "Board Tag", "-", 12),
    Column("description", "Description", "-", 36),
    Column("voltage_v", "Voltage", "V", 10, bounds=("decimal", 0, 1_000_000)),
    Column("phases", "Phases", "-", 8, ("1", "3")),
    Column("rated_current_a", "Busbar Rating", "A", 11, bounds=("decimal", 0, 100_000)),
    Column("short_circuit_ka", "Fault Rating", "kA", 10, bounds=("decimal", 0, 300)),
    Column("parent_bus", "Fed From", "-", 12),
]

TEMPLATES = [
    ("load_schedule_template.xlsx", "Load Schedule", "ELECTRICAL LOAD SCHEDULE",
     LOAD_COLUMNS),
    ("cable_schedule_template.xlsx", "Cable Schedule", "CABLE SCHEDULE",
     CABLE_COLUMNS),
    ("bus_schedule_template.xlsx", "Bus Schedule", "SWITCHBOARD / BUS SCHEDULE",
     BUS_COLUMNS),
]
TITLE_BLOCK = ["Project:", "Document No.:", "Revision:", "Date:"]
SIGN_OFF = ["Prepared:", "Checked:", "Approved:"]


def build_all(out_dir: Path = HERE) -> list[Path]:
    """Write the three templates and the sample project; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for filename, sheet, title, columns in TEMPLATES:
        wb = new_workbook()
        build_template(wb.create_sheet(sheet), title, columns)
        paths.append(save_reproducible(wb, out_dir / filename))
    sample = build_sample_project()
    paths.append(save_reproducible(sample, out_dir / "sample_project.xlsx"))
    return paths


def build_template(ws: Worksheet, title: str, columns: list[Column]) -> None:
    """A blank schedule: title block, header and units rows, empty rows."""
    _title_block(ws, title, len(columns))
    header_row(ws, HEADER_ROW, [c.title for c in columns])
    header_row(ws, HEADER_ROW + 1, [c.unit for c in columns])
    ws.row_dimensions[HEADER_ROW].height = 26

    first, last = HEADER_ROW + 2, HEADER_ROW + 1 + EMPTY_ROWS
    last_col = get_column_letter(len(columns))
    style_range(ws, f"A{first}:{last_col}{last}", border=BOX, font=BODY_FONT)
    for index, column in enumerate(columns, start=1):
        _validate(ws, column, f"{get_column_letter(index)}{first}", last)

    set_widths(ws, [c.width for c in columns])
    ws.freeze_panes = f"B{first}"
    landscape(ws, f"{HEADER_ROW}:{HEADER_ROW + 1}")


def _title_block(ws: Worksheet, title: str, width: int) -> None:
    ws["A1"] = title
    ws["A1"].font = TITLE_FONT
    for row, label in enumerate(TITLE_BLOCK, start=2):
        _labelled_blank(ws, row, 1, label)
    sign_col = max(5, width - 3)
    for row, label in enumerate(SIGN_OFF, start=2):
        _labelled_blank(ws, row, sign_col, label)


def _labelled_blank(ws: Worksheet, row: int, col: int, label: str) -> None:
    ws.cell(row=row, column=col, value=label).font = LABEL_FONT
    ws.merge_cells(start_row=row, start_column=col + 1, end_row=row,
                   end_column=col + 2)
    for c in (col + 1, col + 2):
        ws.cell(row=row, column=c).border = UNDERLINE


def _validate(ws: Worksheet, column: Column, first: str, last_row: int) -> None:
    ref = f"{first}:{first.rstrip('0123456789')}{last_row}"
    if column.choices:
        dv = DataValidation(type="list", formula1=f'"{",".join(column.choices)}"',
                            allow_blank=True)
        dv.error = f"Pick one of: {', '.join(column.choices)}"
    elif column.bounds:
        kind, low, high = column.bounds
        dv = DataValidation(type=kind, operator="between", formula1=f"{low:.10g}",
                            formula2=f"{high:.10g}", allow_blank=True)
        dv.error = f"{column.title} must be between {low:.10g} and {high:.10g}"
    else:
        return
    dv.errorTitle = column.title
    dv.showErrorMessage = True
    ws.add_data_validation(dv)
    dv.add(ref)


def main(argv: list[str] | None = None) -> int:
    """Command line entry: build everything into OUT_DIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=HERE)
    args = parser.parse_args(argv)
    for path in build_all(args.out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

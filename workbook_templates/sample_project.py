"""The sample project workbook: a messy but consistent set of schedules.

It reads like documents from three authors of one water treatment project:
a load list with a title block, a grouped two-row header and a units row,
board sections, spares, subtotals and notes; a cable schedule whose cable
descriptions are written four different ways; a board schedule; and two
sheets that are neither (revision history, a cable catalogue).

The numbers hang together. Full-load currents are P / (sqrt(3) U pf eff)
(P / (U pf eff) for single-phase loads), every cable runs from a board in
the board schedule to a load in the load list or to another board, and each
cable is the smallest catalogue size that carries 1.25 times its current
with at most 3 % voltage drop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from template_style import (
    BODY_FONT,
    BOLD_FONT,
    BOX,
    CENTER,
    GROUP_FILL,
    ITALIC_FONT,
    LABEL_FONT,
    LEFT,
    SECTION_FILL,
    TITLE_FONT,
    TOTAL_BORDER,
    UNDERLINE,
    header_row,
    landscape,
    new_workbook,
    set_widths,
    style_range,
)

PROJECT = "Northgate Water Treatment Works - Stage 2 Upgrade"
ISSUE_DATE = date(2024, 3, 18)
HP_TO_KW = 0.7457
SQRT3 = math.sqrt(3)
MAX_DROP = 0.03
SIZING_MARGIN = 1.25

# size mm2, rating on tray A, rating buried A, R dc 20 C ohm/km, X ohm/km
CATALOGUE: list[tuple[float, int, int, float, float]] = [
    (1.5, 25, 27, 12.1, 0.100), (2.5, 33, 36, 7.41, 0.100),
    (4, 43, 47, 4.61, 0.095), (6, 56, 59, 3.08, 0.090),
    (10, 78, 79, 1.83, 0.085), (16, 104, 102, 1.15, 0.085),
    (25, 132, 131, 0.727, 0.080), (35, 164, 157, 0.524, 0.080),
    (50, 199, 185, 0.387, 0.080), (70, 255, 226, 0.268, 0.078),
    (95, 309, 271, 0.193, 0.078), (120, 359, 308, 0.153, 0.077),
    (150, 414, 347, 0.124, 0.077), (185, 474, 392, 0.0991, 0.077),
    (240, 559, 454, 0.0754, 0.076), (300, 645, 510, 0.0601, 0.076),
]
R90_FACTOR = 1.28  # 20 C dc to 90 C ac resistance, copper


@dataclass(frozen=True)
class SampleLoad:
    """One load row and the cable that feeds it."""

    tag: str
    description: str
    kw: float
    phases: str | int
    pf: float
    eff: float | None
    duty: str
    starter: str
    load_factor: float
    length_m: float
    installation: str
    form: str
    qty: int = 1
    remarks: str = ""
    kw_text: str | None = None
    eff_shown: float | None = None

    @property
    def single_phase(self) -> bool:
        return str(self.phases) in ("1~", "1Ph", "1")

    @property
    def volts(self) -> int:
        return 230 if self.single_phase else 400

    @property
    def current_a(self) -> float:
        """Full-load current of one unit, A."""
        va = self.kw * 1000 / (self.pf * (self.eff or 1.0))
        return va / self.volts if self.single_phase else va / (SQRT3 * self.volts)

    @property
    def cores(self) -> int:
        if self.single_phase:
            return 3
        return 4 if self.starter in ("VFD", "VSD") or self.phases == "TPN" else 3


@dataclass(frozen=True)
class Feeder:
    """The cable that feeds a board from its parent."""

    tag: str
    spec: str
    length_m: float
    installation: str
    remarks: str | None = None


@dataclass(frozen=True)
class Board:
    """One switchboard, as the board schedule lists it."""

    tag: str
    section: str
    description: str
    voltage: str | int
    phases: str | int
    rating_a: int
    fault_ka: float
    parent: str
    location: str
    feeder: Feeder | None = None
    incoming: str = "-"


BOARDS = [
    Board("HVS-01", "", "11 kV Intake Switchboard", "11 kV", 3, 630, 25,
          "Utility intake", "HV Switchroom", incoming="Utility 11 kV feeder"),
    Board("MSB", "", "Main LV Switchboard", "400 V", "3Ph+N", 2500, 50, "HVS-01",
          "LV Switchroom", incoming="via TX-01, 1600 kVA 11/0.415 kV Dyn11"),
    Board("MCC-01", "MCC-01", "Process Motor Control Centre", 400, 3, 800, 50,
          "MSB", "Filter Building MCC Room",
          Feeder("C-001", "2 x 4C 240", 35, "Ladder", "Bottom entry")),
    Board("MCC-02", "MCC-02 (Utility)", "Utility Motor Control Centre", "400V", 3,
          630, 36, "MSB", "Pump House",
          Feeder("C-002", "2 x 4C x 185 sq.mm XLPE/SWA/PVC", 60, "Ladder")),
    Board("PDB-1", "PDB-1", "Lighting & Small Power Distribution Board",
          "400/230 V", "TPN", 160, 25, "MSB", "Admin Building",
          Feeder("C-003", "4c_70", 85, "Buried direct", "Via duct bank DB-2")),
]

L = SampleLoad
LOADS: dict[str, list[SampleLoad]] = {
    "MCC-01": [
        L("P-101A", "Raw Water Intake Pump A", 55, 3, 0.87, 0.94, "Duty",
          "Soft Starter", 0.85, 220, "Buried direct", "sqmm"),
        L("P-101B", "Raw Water Intake Pump B", 55, 3, 0.87, 0.94, "Standby",
          "Soft Starter", 0.85, 225, "Buried direct", "sqmm"),
        L("P-102A", "Filter Feed Pump A", 37, 3, 0.86, 0.935, "Duty", "VFD", 0.8,
          60, "Cable tray", "sqmm"),
        L("P-102B", "Filter Feed Pump B", 37, 3, 0.86, 0.935, "Standby", "VFD",
          0.8, 64, "Cable tray", "sqmm"),
        L("M-101", "Flash Mixer Drive", round(20 * HP_TO_KW, 3), 3, 0.85, 0.91,
          "Duty", "DOL", 0.75, 45, "Cable tray", "runs", kw_text="20 HP",
          remarks="Rating from vendor data sheet"),
        L("P-103", "Filter Backwash Pump", 75, 3, 0.88, 0.945, "Intermittent",
          "Soft Starter", 0.6, 80, "Ladder", "sqmm"),
        L("B-101A", "Air Scour Blower A", 30, 3, 0.86, 0.93, "Intermittent",
          "VFD", 0.7, 70, "Cable tray", "mm2sup", kw_text="30 kW"),
        L("B-101B", "Air Scour Blower B", 30, 3, 0.86, 0.93, "Standby", "VFD",
          0.7, 72, "Cable tray", "mm2sup"),
        L("P-105", "Sludge Transfer Pump", 15, 3, 0.85, 0.92, "Duty", "DOL", 0.8,
          110, "Buried direct", "sqmm", kw_text="15 kW"),
    ],
    "MCC-02": [
        L("P-201A", "Treated Water Pump A", 90, "3Ph", 0.88, 0.95, "Duty", "VSD",
          0.9, 150, "Ladder", "mm2sup", remarks="Changed to VSD at Rev C"),
        L("P-201B", "Treated Water Pump B", 90, "3Ph", 0.88, 0.95, "Standby",
          "VSD", 0.9, 155, "Ladder", "mm2sup", remarks="Changed to VSD at Rev C"),
        L("C-201A", "Service Air Compressor A", 22, "3Ph", 0.86, 0.92, "Duty",
          "SS", 0.75, 40, "Cable tray", "full", eff_shown=92),
        L("C-201B", "Service Air Compressor B", 22, "3Ph", 0.86, 0.92, "Standby",
          "SS", 0.75, 42, "Cable tray", "full"),
        L("F-201", "Chemical Building Exhaust Fan", 5.5, 3, 0.82, 0.89, "Duty",
          "DOL", 0.9, 55, "Conduit", "mm2sup"),
        L("F-202", "MCC Room Supply Fan", 4, "3Ph", 0.81, 0.88, "Duty", "DOL",
          0.9, 25, "Cable tray", "full"),
        L("P-202", "Wash Water Pump", 11, "3Ph", 0.85, 0.91, "Intermittent",
          "DOL", 0.5, 65, "Cable tray", "full", kw_text="11kW"),
        L("P-203", "Drainage Sump Pump", 3, "3Ph", 0.8, 0.87, "Intermittent",
          "DOL", 0.3, 90, "Buried direct", "mm2sup",
          remarks="Float switch control"),
    ],
    "PDB-1": [
        L("LP-01", "Process Building Lighting", 4.5, "1~", 0.95, None,
          "Continuous", "-", 1.0, 60, "Cable tray", "underscore", remarks="LED"),
        L("LP-02", "External & Road Lighting", 3.2, "1~", 0.95, None,
          "Continuous", "-", 1.0, 140, "Buried direct", "slash",
          remarks="Photocell, dusk to dawn"),
        L("H-301", "Chemical Store Panel Heaters", 6, "TPN", 1.0, None,
          "Intermittent", "-", 0.5, 35, "Conduit", "underscore"),
        L("H-302", "Instrument Room Heater", 2, "1Ph", 1.0, None, "Intermittent",
          "-", 0.5, 20, "Conduit", "slash", qty=2),
        L("AC-301", "Control Room Split AC Unit", 7.5, 3, 0.88, None,
          "Continuous", "DOL", 0.8, 30, "Cable tray", "underscore",
          remarks="Packaged unit"),
        L("SP-01", "Workshop Small Power", 10, "TPN", 0.9, None, "Intermittent",
          "-", 0.4, 40, "Conduit", "underscore", remarks="Socket outlets"),
        L("UPS-01", "UPS Input", 8, "TPN", 0.95, 0.93, "Continuous", "-", 0.8, 15,
          "Cable tray", "slash", remarks="10 kVA UPS"),
    ],
}
SPARES = {"MCC-01": "Spare way, 63 A MCCB", "MCC-02": "Spare starter bucket",
          "PDB-1": "Spare way, 32 A TP MCB"}
LOAD_NOTES = [
    "Notes:",
    "1. Ratings are nameplate ratings unless noted otherwise.",
    "2. FLC = P / (\u221a3 x U x pf x eff) for three-phase loads; "
    "P / (U x pf x eff) for single-phase loads.",
    "3. Standby units are not included in the maximum demand.",
    "4. M-101 rating taken from vendor data in HP; to be confirmed.",
    "5. SPARE ways are not included in the totals.",
]


def build_sample_project() -> Workbook:
    """The sample project workbook, five sheets, built the same every time."""
    wb = new_workbook()
    load_list_sheet(wb.create_sheet("Load List"))
    cable_schedule_sheet(wb.create_sheet("Cable Schedule"))
    board_schedule_sheet(wb.create_sheet("Board Schedule"))
    revision_sheet(wb.create_sheet("Revision History"))
    catalogue_sheet(wb.create_sheet("Cable Catalogue"))
    return wb


# Load List ----------------------------------------------------------------

LOAD_HEADER = [
    "Item", "Tag No.", "Equipment Description", "Rated Power", "Voltage",
    "Phase", "Power Factor", "Efficiency", "FLC", "Qty", "Duty", "Starter",
    "Load Factor", "Remarks",
]
LOAD_UNITS = [None, None, None, "kW", "V", "-", "-", "%", "A", "No.", "-", "-",
              "-", None]
LOAD_WIDTHS = [6, 11, 34, 11, 9, 8, 9, 10, 9, 6, 12, 13, 9, 30]
FIRST_DATA_ROW = 9


def load_list_sheet(ws: Worksheet) -> None:
    """Title block, grouped header on row 7, units row, sections, notes."""
    _title_block(ws)
    _load_header(ws)

    row, item, totals = FIRST_DATA_ROW, 1, []
    for board in BOARDS:
        if board.tag in LOADS:
            row, item, total = _load_section(ws, row, item, board)
            totals.append(total)

    _total_row(ws, row, "TOTAL", round(sum(totals), 2), TOTAL_BORDER)
    for offset, text in enumerate(LOAD_NOTES, start=3):
        font = BOLD_FONT if offset == 3 else ITALIC_FONT
        ws.cell(row=row + offset, column=1, value=text).font = font

    set_widths(ws, LOAD_WIDTHS)
    ws.freeze_panes = "D9"
    landscape(ws, "6:8")


def _title_block(ws: Worksheet) -> None:
    block = [("PROJECT:", PROJECT), ("DOCUMENT NO.:", "NGW-E-LL-0001"),
             ("REVISION:", "C"), ("DATE:", ISSUE_DATE)]
    for row, (label, value) in enumerate(block, start=1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        ws.cell(row=row, column=1, value=label).font = LABEL_FONT
        cell = ws.cell(row=row, column=3, value=value)
        cell.font = BODY_FONT
        cell.alignment = LEFT
        cell.border = UNDERLINE
    ws["C4"].number_format = "DD-MMM-YYYY"

    ws.merge_cells("F1:K2")
    ws["F1"] = "ELECTRICAL LOAD LIST"
    ws["F1"].font = TITLE_FONT
    ws["F1"].alignment = CENTER
    ws["F3"] = "Client: Northgate Regional Water    Prepared: R. Okafor    " \
               "Checked: M. Lindqvist"
    ws["F3"].font = ITALIC_FONT


def _load_header(ws: Worksheet) -> None:
    for ref, text in (("A6:C6", "EQUIPMENT"), ("D6:I6", "MOTOR DATA"),
                      ("J6:M6", "OPERATION")):
        ws.merge_cells(ref)
        first = ws[ref.split(":")[0]]
        first.value = text
        style_range(ws, ref, font=BOLD_FONT, fill=GROUP_FILL, border=BOX,
                    alignment=CENTER)
    header_row(ws, 7, LOAD_HEADER)
    header_row(ws, 8, LOAD_UNITS)
    ws.row_dimensions[7].height = 26


def _load_section(
    ws: Worksheet, row: int, item: int, board: Board
) -> tuple[int, int, float]:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=14)
    ws.cell(row=row, column=1, value=board.section)
    style_range(ws, f"A{row}:N{row}", font=BOLD_FONT, fill=SECTION_FILL)
    row += 1

    for load in LOADS[board.tag]:
        _write_cells(ws, row, [item, *load_cells(load)])
        row, item = row + 1, item + 1

    spare = [item, "-", "SPARE", None, None, None, None, None, None, None, "-",
             "-", None, SPARES[board.tag]]
    _write_cells(ws, row, spare)
    row, item = row + 1, item + 1

    total = round(sum(load.kw * load.qty for load in LOADS[board.tag]), 2)
    _total_row(ws, row, f"SUB-TOTAL {board.tag}", total, BOX)
    return row + 2, item, total


def load_cells(load: SampleLoad) -> list:
    """Tag to remarks, as the author of the load list wrote them."""
    eff = load.eff_shown if load.eff_shown is not None else load.eff
    return [
        load.tag, load.description, load.kw_text or load.kw, load.volts,
        load.phases, load.pf, "-" if eff is None else eff,
        round(load.current_a, 1), load.qty, load.duty, load.starter,
        load.load_factor, load.remarks or None,
    ]


def _write_cells(ws: Worksheet, row: int, values: list) -> None:
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = BODY_FONT
        cell.border = BOX


def _total_row(ws: Worksheet, row: int, label: str, kw: float, border) -> None:
    ws.cell(row=row, column=3, value=label)
    ws.cell(row=row, column=4, value=kw)
    style_range(ws, f"A{row}:N{row}", font=BOLD_FONT, border=border)


# Cable Schedule -------------------------------------------------------------

CABLE_HEADER = ["Cable No.", "From", "To", "Cable Size / Type", "Voltage Grade",
                "Length (m)", "Installation", "Remarks"]


def cable_schedule_sheet(ws: Worksheet) -> None:
    """Title on row 1, header on row 3, feeders first, then load cables."""
    ws["A1"] = "CABLE SCHEDULE - LV POWER"
    ws["A1"].font = TITLE_FONT
    ws["A2"] = f"{PROJECT}    Doc. NGW-E-CS-0002    Rev B"
    ws["A2"].font = ITALIC_FONT
    header_row(ws, 3, CABLE_HEADER)

    for row, values in enumerate(cable_rows(), start=4):
        _write_cells(ws, row, values)

    set_widths(ws, [10, 9, 22, 34, 12, 11, 15, 24])
    ws.freeze_panes = "B4"
    landscape(ws, "3:3")


def cable_rows() -> list[list]:
    """Every cable row: the three board feeders, then one per load."""
    rows = []
    for board in BOARDS:
        feeder = board.feeder
        if feeder:
            rows.append([feeder.tag, board.parent, board.tag, feeder.spec,
                         "0.6/1 kV", feeder.length_m, feeder.installation,
                         feeder.remarks])

    for series, board in enumerate(b for b in BOARDS if b.tag in LOADS):
        for n, load in enumerate(LOADS[board.tag], start=1):
            tag = f"C-{(series + 1) * 100 + n}"
            grade = "600/1000V" if board.tag == "PDB-1" else "0.6/1 kV"
            rows.append([tag, board.tag, load.tag, cable_spec(load), grade,
                         load.length_m, load.installation, None])
    return rows


def cable_spec(load: SampleLoad) -> str:
    """The cable description, in the form its author used."""
    size = _size_text(cable_size(load))
    cores = load.cores
    forms = {
        "sqmm": f"{cores}C x {size} sq.mm XLPE/SWA/PVC",
        "mm2sup": f"1 x {cores}c {size}mm\u00b2",
        "runs": f"1 x {cores}C {size}",
        "underscore": f"{cores}c_{size}",
        "full": f"{cores}C x {size}mm2 Cu/XLPE/SWA/PVC 0.6/1kV",
        "slash": f"{cores}/C {size} mm\u00b2 CU XLPE SWA",
    }
    return forms[load.form]


def cable_size(load: SampleLoad) -> float:
    """The smallest size that carries the current with at most 3 % drop."""
    current = load.current_a * load.qty
    buried = load.installation == "Buried direct"
    for size, tray, ground, r20, x in CATALOGUE:
        rating = ground if buried else tray
        if size < 2.5 or rating < SIZING_MARGIN * current:
            continue
        if voltage_drop(load, current, r20 * R90_FACTOR, x) <= MAX_DROP:
            return size
    raise ValueError(f"no catalogue cable fits {load.tag}")


def voltage_drop(load: SampleLoad, current: float, r: float, x: float) -> float:
    """Voltage drop of the load's cable as a fraction of its nominal voltage."""
    sin = math.sqrt(1 - load.pf**2)
    per_km = r * load.pf + x * sin
    factor = 2 if load.single_phase else SQRT3
    return factor * current * load.length_m / 1000 * per_km / load.volts


def _size_text(size: float) -> str:
    return f"{size:g}"


# Board Schedule, Revision History, Cable Catalogue --------------------------

BOARD_HEADER = ["Board", "Description", "Voltage", "Phases", "Busbar Rating (A)",
                "Fault Level (kA/1s)", "Fed From", "Incoming", "Location"]


def board_schedule_sheet(ws: Worksheet) -> None:
    """One row per board, the HV intake first, parents above children."""
    ws["A1"] = "SWITCHBOARD SCHEDULE"
    ws["A1"].font = TITLE_FONT
    header_row(ws, 3, BOARD_HEADER)

    for row, board in enumerate(BOARDS, start=4):
        incoming = board.feeder.tag if board.feeder else board.incoming
        _write_cells(ws, row, [
            board.tag, board.description, board.voltage, board.phases,
            board.rating_a, board.fault_ka, board.parent, incoming,
            board.location,
        ])

    set_widths(ws, [10, 40, 11, 9, 12, 12, 14, 34, 26])
    ws.freeze_panes = "A4"
    landscape(ws, "3:3")


REVISIONS = [
    ("A", date(2023, 11, 2), "Issued for review", "RO", "ML", "-"),
    ("B", date(2024, 1, 15), "Issued for approval; client comments incorporated",
     "RO", "ML", "JH"),
    ("C", ISSUE_DATE, "P-201A/B changed to VSD; M-101 rating per vendor (HP)",
     "RO", "ML", "JH"),
]


def revision_sheet(ws: Worksheet) -> None:
    """The document's revision table."""
    header_row(ws, 1, ["Rev", "Date", "Description", "By", "Checked", "Approved"])
    for row, values in enumerate(REVISIONS, start=2):
        _write_cells(ws, row, list(values))
        ws.cell(row=row, column=2).number_format = "DD-MMM-YYYY"
    set_widths(ws, [6, 13, 56, 8, 9, 10])
    landscape(ws, "1:1")


CATALOGUE_HEADER = [
    "Size (mm\u00b2)", "Current Rating - Tray (A)", "Current Rating - Buried (A)",
    "R dc 20\u00b0C (\u03a9/km)", "R ac 90\u00b0C (\u03a9/km)", "X (\u03a9/km)",
]


def catalogue_sheet(ws: Worksheet) -> None:
    """Sizes, ratings and impedances the cable sizing used."""
    ws["A1"] = "CABLE DATA - Cu/XLPE/SWA/PVC 0.6/1 kV, 3 and 4 core"
    ws["A1"].font = TITLE_FONT
    header_row(ws, 3, CATALOGUE_HEADER)
    for row, (size, tray, ground, r20, x) in enumerate(CATALOGUE, start=4):
        r90 = round(r20 * R90_FACTOR, 4)
        _write_cells(ws, row, [size, tray, ground, r20, r90, x])
    set_widths(ws, [11, 14, 14, 14, 14, 10])
    ws.freeze_panes = "A4"
    landscape(ws, "3:3")

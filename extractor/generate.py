"""Realistic messy workbooks and the truth about them, for ``eval``.

:func:`generate_set` writes N workbooks and an ``expected.toml`` in the label
format of the corpus (counts, sheet kinds, spot checks), reproducibly from a
seed: workbook *i* depends only on the seed and *i*, labels are the same byte
for byte and so are the workbooks (their timestamps are fixed).

Each workbook is planned first (boards, loads, cables, and per sheet a
:class:`Style` of how it is written), then rendered cell by cell into an
openpyxl workbook. The truth comes from the plan, never from reading the
workbook back. A workbook records the features it shows (``features`` in its
label); workbook *i* is made to show ``FEATURES[i % len(FEATURES)]``, so any
set of at least ``len(FEATURES)`` workbooks shows them all.

What an engineer would read out is the truth: hidden rows, totals, spares,
section headings, notes and repeated page headers are not records; a section
row names the board feeding the rows under it; a feeder row is a load and
the cable that feeds it, from its board to its tag.
"""

from __future__ import annotations

import io
import json
import math
import random
import tomllib
import zipfile
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path

from openpyxl import Workbook

from . import __version__

HP_KW = 0.745699872
FT_M = 0.3048
FIXED_TIME = datetime(2024, 1, 1)
SCHEDULE_KINDS = ("load_schedule", "cable_schedule", "feeder_schedule",
                  "bus_schedule")
OTHER_KINDS = ("time_series", "catalogue", "price_list", "drawing_register",
               "tag_list")
SPEC_FORMS = ("3C x 240", "1 x 4c 16mm²", "2 x 4C 240", "4c_70",
              "4C x 95 sq.mm XLPE/SWA/PVC", "NYY-J 4x95")

FEATURES = (
    "title_block", "grouped_header", "units_row", "headers_en", "headers_fr",
    "headers_de", "units_in_header", "units_in_values", "unit_column",
    "section_rows", "totals", "spare_rows", "hidden_rows", "repeated_headers",
    "two_tables", "per_phase", "board_in_title", "fed_from_column", "power_in_hp",
    "power_in_w", "length_in_ft", "voltage_in_kv", "notes", "serial_numbers",
    "spec_3c_x_240", "spec_1_x_4c_16mm2", "spec_2_x_4c_240", "spec_4c_70",
    "spec_sqmm_materials", "spec_german", "size_and_cores_columns",
    "load_schedule", "cable_schedule", "feeder_schedule", "bus_schedule",
    "other_time_series", "other_catalogue", "other_price_list",
    "other_drawing_register", "other_tag_list",
)
SPEC_FEATURES = dict(zip(SPEC_FORMS, (
    "spec_3c_x_240", "spec_1_x_4c_16mm2", "spec_2_x_4c_240", "spec_4c_70",
    "spec_sqmm_materials", "spec_german")))

KW_SIZES = (0.37, 0.55, 0.75, 1.1, 1.5, 2.2, 3, 4, 5.5, 7.5, 11, 15, 18.5, 22,
            30, 37, 45, 55, 75, 90, 110, 132, 160, 200)
HP_SIZES = (0.5, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 25, 30, 40, 50, 60, 75, 100)
MM2 = (1.5, 2.5, 4, 6, 10, 16, 25, 35, 50, 70, 95, 120, 150, 185, 240, 300)


@lru_cache(maxsize=1)
def _words() -> dict:
    text = resources.files("extractor").joinpath("data/generator.toml")
    return tomllib.loads(text.read_text("utf-8"))


# -- the truth ---------------------------------------------------------------


@dataclass(slots=True)
class Truth:
    """One record as an engineer reads it, and which fields the sheet shows."""

    kind: str
    values: dict[str, object]
    shown: set[str] = field(default_factory=set)

    @property
    def match(self) -> str:
        tag = self.values.get("tag")
        if tag:
            return str(tag)
        return f"{self.values['from_ref']}->{self.values['to_ref']}"


@dataclass(slots=True)
class Style:
    """How one schedule sheet is written."""

    lang: str = "en"
    title_rows: int = 0
    grouped: bool = False
    vmerge: bool = True
    units: str = "header"  # header, row, values or column
    unit_fmt: str = "{h} ({u})"
    source: str = "none"  # section, column, title or none
    totals: bool = False
    spares: bool = False
    hidden: bool = False
    repeat_every: int = 0
    two_tables: str = ""  # "", stacked or side
    per_phase: bool = False
    serial: bool = False
    notes: bool = False
    power_unit: str = "kW"
    length_unit: str = "m"
    voltage_unit: str = "V"
    spec_form: str = "3C x 240"
    spec_columns: bool = False  # cores and size in columns of their own
    left: int = 0


# -- a sheet as cells ----------------------------------------------------------


@dataclass(slots=True)
class SheetOut:
    """The cells of one sheet, its merged ranges and hidden rows (0-based)."""

    name: str
    kind: str
    cells: dict[tuple[int, int], object] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)
    features: set[str] = field(default_factory=set)
    records: list[Truth] = field(default_factory=list)
    sections: set[str] = field(default_factory=set)

    def put(self, r: int, c: int, value) -> None:
        if value not in (None, ""):
            self.cells[(r, c)] = value

    def merge(self, r0: int, c0: int, r1: int, c1: int) -> None:
        if (r1, c1) != (r0, c0):
            self.merges.append((r0, c0, r1, c1))


@dataclass(slots=True)
class Col:
    """A table column: a field (or serial, unit, remarks...), header, unit."""

    key: str
    header: str
    unit: str | None = None
    group: str | None = None


@dataclass(slots=True)
class BodyRow:
    """One row under the header: its role and its cells by column key."""

    role: str  # data, section, total, spare, note
    cells: dict[str, object] = field(default_factory=dict)
    hidden: bool = False


def render_table(out: SheetOut, top: int, left: int, cols: list[Col],
                 body: list[BodyRow], style: Style) -> int:
    """Write a header block and its body; the row after the last one written."""
    _single_groups_dropped(cols)
    _table_features(out, cols, style)
    r = _header_block(out, top, left, cols, style)
    since_header = 0
    for row in body:
        if style.repeat_every and since_header >= style.repeat_every \
                and row.role == "data":
            r = _header_block(out, r, left, cols, style)
            out.features.add("repeated_headers")
            since_header = 0
        for i, col in enumerate(cols):
            out.put(r, left + i, row.cells.get(col.key))
        if row.hidden:
            out.hidden.add(r)
        since_header += row.role == "data"
        r += 1
    return r


def _table_features(out: SheetOut, cols: list[Col], style: Style) -> None:
    keys = {c.key for c in cols}
    found = {
        "grouped_header": style.grouped and any(c.group for c in cols),
        "serial_numbers": "serial" in keys, "per_phase": "ph0" in keys,
        "fed_from_column": "source_bus" in keys, "unit_column": "unit" in keys,
        "voltage_in_kv": "voltage" in keys and style.voltage_unit == "kV",
        "units_row": style.units == "row" and any(c.unit for c in cols),
        "units_in_header": style.units in ("header", "column")
        and any(c.unit for c in cols),
        "units_in_values": style.units == "values" and any(c.unit for c in cols),
    }
    out.features |= {name for name, shown in found.items() if shown}


def _single_groups_dropped(cols: list[Col]) -> None:
    """A group heading stands over two columns or more, never over one."""
    for i, col in enumerate(cols):
        if col.group is None:
            continue
        before = i > 0 and cols[i - 1].group == col.group
        after = i + 1 < len(cols) and cols[i + 1].group == col.group
        if not (before or after):
            col.group = None


def _header_block(out: SheetOut, r: int, left: int, cols: list[Col],
                  style: Style) -> int:
    field_row = r + 1 if style.grouped else r
    if style.grouped:
        i = 0
        while i < len(cols):
            group = cols[i].group
            j = i
            while j + 1 < len(cols) and group and cols[j + 1].group == group:
                j += 1
            if group:
                out.put(r, left + i, group)
                out.merge(r, left + i, r, left + j)
                for k in range(i, j + 1):
                    out.put(field_row, left + k, cols[k].header)
            elif style.vmerge:
                out.put(r, left + i, cols[i].header)
                out.merge(r, left + i, field_row, left + i)
            else:
                out.put(field_row, left + i, cols[i].header)
            i = j + 1
    else:
        for i, col in enumerate(cols):
            out.put(r, left + i, col.header)
    r = field_row + 1
    if style.units == "row":
        for i, col in enumerate(cols):
            out.put(r, left + i, col.unit or "-")
        r += 1
    return r


# -- workbook plan -----------------------------------------------------------


class Planner:
    """Draws the content and styles of one workbook from its own random stream."""

    def __init__(self, rng: random.Random, must: str) -> None:
        self.rng = rng
        self.must = must
        self.tags: set[str] = set()
        self.boards: list[dict] = []
        self.sheet_names: set[str] = set()

    def pick(self, seq):
        return seq[self.rng.randrange(len(seq))]

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def word(self, group: str, key: str, lang: str) -> str:
        options = _words()[group][key]
        return self.pick(options.get(lang) or options["en"])

    def header(self, record: str, name: str, lang: str) -> str:
        return self.pick(_words()["headers"][record][name][lang])

    # -- what the workbook holds -------------------------------------------

    def kinds(self) -> tuple[list[str], list[str]]:
        schedules = self.rng.sample(SCHEDULE_KINDS, self.pick((1, 1, 2, 2, 3)))
        others = self.rng.sample(OTHER_KINDS, self.pick((0, 0, 1, 1, 2)))
        if self.must in SCHEDULE_KINDS and self.must not in schedules:
            schedules[0] = self.must
        if self.must.startswith("other_") and self.must[6:] not in others:
            others.append(self.must[6:])
        if self.must in ("fed_from_column", "board_in_title", "section_rows",
                         "per_phase") and not {"load_schedule",
                                               "feeder_schedule"} & set(schedules):
            schedules.append("load_schedule")
        if (self.must.startswith("spec_") or self.must in (
                "size_and_cores_columns", "length_in_ft")) and not {
                "cable_schedule", "feeder_schedule"} & set(schedules):
            schedules.append("cable_schedule")
        return schedules, others

    def make_boards(self, lang: str) -> None:
        top = self.pick({"en": ("MSB", "MDB", "LVMDB", "MLVS"), "fr": ("TGBT",),
                         "de": ("NSHV", "HV")}[lang])
        prefixes = {"en": ("MCC-", "PDB-", "DB-", "SMDB-", "LP-"),
                    "fr": ("TD-", "TDP-", "CCM-", "TD-"),
                    "de": ("UV-", "MCC-", "UV-E", "SV-")}[lang]
        self.boards = [{"tag": self.unique(top), "parent": "TX-01",
                        "voltage": 400, "rating": self.pick((1600, 2500, 3200)),
                        "ka": self.pick((50, 65)), "desc": "Main LV switchboard"}]
        for i in range(self.rng.randint(2, 4)):
            prefix = self.pick(prefixes)
            tag = self.unique(f"{prefix}{self.rng.randint(1, 9):02d}"
                               if self.chance(0.6) else f"{prefix}{i + 1}")
            self.boards.append({
                "tag": tag, "parent": self.boards[0]["tag"], "voltage": 400,
                "rating": self.pick((250, 400, 630, 800, 1250)),
                "ka": self.pick((25, 36, 50)),
                "desc": self.pick(("Process MCC", "Utility MCC", "Lighting board",
                                   "Small power board", "HVAC panel",
                                   "Pump house board")),
            })

    def unique(self, tag: str) -> str:
        """The tag, or the tag with a letter added when it is taken."""
        base, n = tag, 2
        while tag in self.tags:
            tag = f"{base}{'ABCDEFGH'[n - 2] if n < 10 else n}"
            n += 1
        self.tags.add(tag)
        return tag

    def sheet_name(self, kind: str, lang: str) -> str:
        names = _words()["sheet_names"].get(kind)
        options = (names.get(lang) or names["en"]) if names else OTHER_NAMES[kind]
        name = self.pick(options)
        n = 2
        while name in self.sheet_names:
            name = f"{self.pick(options)} {n}"
            n += 1
        self.sheet_names.add(name)
        return name

    # -- styles ------------------------------------------------------------

    def style(self, kind: str, lang: str) -> Style:
        s = Style(lang=lang)
        s.title_rows = self.pick((0, 0, 2, 3, 4, 5, 6, 8))
        s.grouped = self.chance(0.4)
        s.vmerge = self.chance(0.7)
        s.units = self.pick(("header", "header", "row", "values", "column"))
        s.unit_fmt = self.pick(("{h} ({u})", "{h} [{u}]", "{h}, {u}", "{h} ({u})"))
        s.totals = self.chance(0.4)
        s.spares = self.chance(0.4)
        s.hidden = self.chance(0.25)
        s.repeat_every = self.pick((0, 0, 0, 8, 12))
        s.serial = self.chance(0.35)
        s.notes = self.chance(0.3)
        s.left = self.pick((0, 0, 1, 2))
        s.power_unit = self.pick(("kW", "kW", "kW", "HP", "W"))
        s.length_unit = self.pick(("m", "m", "m", "ft"))
        s.voltage_unit = self.pick(("V", "V", "kV"))
        s.spec_form = self.pick(SPEC_FORMS if lang == "de" else SPEC_FORMS[:-1])
        s.spec_columns = self.chance(0.2)
        if kind in ("load_schedule", "feeder_schedule"):
            s.source = self.pick(("section", "section", "column", "title", "none"))
            if kind == "feeder_schedule" and s.source == "none":
                s.source = "section"  # a feeder row's cable starts at its board
            s.per_phase = kind == "load_schedule" and self.chance(0.15)
            s.two_tables = self.pick(("", "", "", "", "stacked", "side"))
        elif kind == "cable_schedule":
            s.two_tables = self.pick(("", "", "", "", "stacked"))
        if kind == "bus_schedule":
            s.totals = s.spares = False
            s.power_unit = "kW"
        return self._enforce(s, kind)

    def _enforce(self, s: Style, kind: str) -> Style:
        """Make the workbook's required feature appear on this sheet."""
        m = self.must
        loadlike = kind in ("load_schedule", "feeder_schedule")
        cablelike = kind in ("cable_schedule", "feeder_schedule")
        if m == "title_block":
            s.title_rows = max(s.title_rows, 3)
        elif m in ("grouped_header", "units_row"):
            s.grouped = s.grouped or m == "grouped_header"
            s.units = "row" if m == "units_row" else s.units
        elif m in ("units_in_header", "units_in_values", "unit_column"):
            s.units = {"units_in_header": "header", "units_in_values": "values",
                       "unit_column": "column"}[m]
            if m == "unit_column" and not loadlike:
                s.units = "header"
        elif m == "totals" and kind != "bus_schedule":
            s.totals = True
        elif m == "spare_rows" and kind != "bus_schedule":
            s.spares = True
        elif m == "hidden_rows":
            s.hidden = True
        elif m == "repeated_headers":
            s.repeat_every = 6
        elif m == "two_tables" and kind != "bus_schedule":
            s.two_tables = "stacked"
        elif m == "notes":
            s.notes = True
        elif m == "serial_numbers":
            s.serial = True
        elif loadlike and m in ("section_rows", "fed_from_column", "board_in_title"):
            s.source = {"section_rows": "section", "fed_from_column": "column",
                        "board_in_title": "title"}[m]
            s.two_tables = "" if m == "board_in_title" else s.two_tables
        elif m == "per_phase" and kind == "load_schedule":
            s.per_phase = True
        elif m in ("power_in_hp", "power_in_w") and loadlike:
            s.power_unit = "HP" if m == "power_in_hp" else "W"
        elif m == "voltage_in_kv":
            s.voltage_unit = "kV"
        elif m == "length_in_ft" and cablelike:
            s.length_unit = "ft"
        elif m == "size_and_cores_columns" and cablelike:
            s.spec_columns = True
        elif m.startswith("spec_") and cablelike:
            form = {v: k for k, v in SPEC_FEATURES.items()}[m]
            s.spec_form, s.spec_columns = form, False
        if s.per_phase:
            s.two_tables, s.units = "", "header" if s.units == "column" else s.units
        if s.two_tables == "side":  # a hidden row would hide both tables' rows
            s.hidden = False
        if s.units == "column" and not loadlike:
            s.units = "header"
        return s

    def lang(self) -> str:
        lang = self.pick(("en", "en", "en", "fr", "de"))
        forced = {"headers_fr": "fr", "headers_de": "de", "headers_en": "en",
                  "spec_german": "de"}
        return forced.get(self.must, lang)


OTHER_NAMES = {
    "time_series": ("Meter Data", "Energy Log", "Trend", "Messwerte"),
    "catalogue": ("Cable Catalogue", "Cable Data", "Catalogue"),
    "price_list": ("Price List", "BOQ Prices", "Rates"),
    "drawing_register": ("Drawing Register", "Drawing List", "Doc Register"),
    "tag_list": ("Tag List", "Equipment Tags", "Instrument Index"),
}


# -- loads and cables ----------------------------------------------------------

# (tag prefix, description per language, motor, phases)
LOAD_TYPES = (
    ("P-", ("Raw water pump", "Pompe eau brute", "Rohwasserpumpe"), True, 3),
    ("P-", ("Booster pump", "Pompe de surpression", "Druckerhöhungspumpe"), True, 3),
    ("F-", ("Exhaust fan", "Ventilateur d'extraction", "Abluftventilator"), True, 3),
    ("C-", ("Air compressor", "Compresseur d'air", "Druckluftkompressor"), True, 3),
    ("M-", ("Mixer drive", "Agitateur", "Rührwerk"), True, 3),
    ("CV-", ("Belt conveyor", "Convoyeur à bande", "Gurtförderer"), True, 3),
    ("AHU-", ("Air handling unit", "Centrale de traitement d'air",
              "Lüftungsgerät"), True, 3),
    ("B-", ("Aeration blower", "Surpresseur d'aération", "Belüftungsgebläse"),
     True, 3),
    ("LP-", ("Lighting", "Éclairage", "Beleuchtung"), False, 1),
    ("SO-", ("Socket outlets", "Prises de courant", "Steckdosen"), False, 1),
    ("H-", ("Panel heater", "Radiateur", "Heizung"), False, 1),
    ("UPS-", ("UPS system", "Onduleur", "USV-Anlage"), False, 3),
    ("HT-", ("Process heater", "Réchauffeur", "Prozessheizung"), False, 3),
)
LANG_INDEX = {"en": 0, "fr": 1, "de": 2}
AREAS = ("Building 1", "Pump house", "Filter hall", "Workshop", "Block B")


def _load(p: Planner, board: str, lang: str, style: Style, volts3: int) -> Truth:
    prefix, names, motor, phases = p.pick(LOAD_TYPES)
    tag = p.unique(f"{prefix}{p.rng.randint(100, 899)}"
                    + p.pick(("", "", "A", "B")))
    desc = names[LANG_INDEX[lang]]
    if p.chance(0.5):
        desc = f"{desc} {p.pick(('A', 'B', '1', '2', '- ' + p.pick(AREAS)))}"
    if style.power_unit == "HP":
        shown_power = p.pick(HP_SIZES if motor else HP_SIZES[:8])
        kw = round(shown_power * HP_KW, 6)
    else:
        kw = p.pick(KW_SIZES[4:] if motor else KW_SIZES[2:12])
        shown_power = kw * 1000 if style.power_unit == "W" else kw
    volts = volts3 if phases == 3 else p.pick((230, 230, 240))
    pf = round(p.rng.uniform(0.78, 0.9), 2) if motor else p.pick((0.9, 0.95, 1.0))
    eff = round(p.rng.uniform(0.85, 0.96), 2) if motor else None
    values = {"tag": tag, "description": desc, "rated_power_kw": kw,
              "voltage_v": volts, "phases": phases, "power_factor": pf,
              "efficiency": eff, "current_a": _amps(kw, volts, phases, pf, eff),
              "source_bus": board,
              "_power": shown_power, "_motor": motor}
    return Truth("load", values)


def _amps(kw: float, volts: float, phases: int, pf: float,
          eff: float | None) -> float:
    """Full-load current: P / (sqrt(3) U pf eff), or P / (U pf eff) on one phase."""
    va = kw * 1000 / (pf * (eff or 1.0))
    return round(va / (math.sqrt(3) * volts) if phases == 3 else va / volts, 1)


def _cable_for(p: Planner, start: str | None, end: str, amps: float,
               style: Style, phases: int = 3) -> Truth:
    runs = 1 if amps < 250 else p.pick((2, 2, 3))
    need = amps / runs * 1.25
    size = next((s for s in MM2 if s * 4.2 >= need), MM2[-1])
    form = style.spec_form if p.chance(0.85) else p.pick(SPEC_FORMS[:-1])
    cores = 4 if phases == 3 else 3
    if form == "3C x 240" and phases == 3:
        cores = p.pick((3, 4))
    if form == "NYY-J 4x95":
        cores = 5 if phases == 3 else 3
    if form in ("3C x 240", "4c_70", "NYY-J 4x95") or (
            form == "4C x 95 sq.mm XLPE/SWA/PVC") or style.spec_columns:
        runs = 1
    insulation = p.pick(("XLPE", "XLPE", "PVC", "EPR"))
    length = p.rng.randint(8, 380)
    values = {"tag": None, "from_ref": start, "to_ref": end, "runs": runs,
              "cores": cores, "size_mm2": size, "insulation": insulation,
              "length_m": length, "_form": form}
    if style.length_unit == "ft":
        values["_length"] = length
        values["length_m"] = round(length * FT_M, 6)
    return Truth("cable", values)


def spec_text(values: dict, lang: str) -> str:
    """A cable description in the form the sheet's author writes."""
    runs, cores, size = values["runs"], values["cores"], values["size_mm2"]
    s = f"{size:g}"
    form = values["_form"]
    if form == "3C x 240":
        return f"{cores}C x {s}"
    if form == "1 x 4c 16mm²":
        return f"{runs} x {cores}c {s}mm²"
    if form == "2 x 4C 240":
        return f"{runs} x {cores}C {s}"
    if form == "4c_70":
        return f"{cores}c_{s}"
    if form == "4C x 95 sq.mm XLPE/SWA/PVC":
        return f"{cores}C x {s} sq.mm {values['insulation']}/SWA/PVC"
    s = s.replace(".", ",") if lang in ("de", "fr") else s
    return f"NYY-J {cores}x{s}" if cores < 5 or size > 16 else f"NYY-J {cores}G{s}"


# -- schedule sheets -----------------------------------------------------------

UNIT_TEXT = {
    "kW": ("kW", "KW", "kw"), "HP": ("HP", "hp"), "W": ("W",), "V": ("V",),
    "kV": ("kV", "KV"), "A": ("A", "Amps"), "%": ("%",), "m": ("m", "M", "mtrs"),
    "ft": ("ft", "feet"), "mm2": ("mm²", "mm2", "sq.mm", "sqmm"), "kA": ("kA",),
}
GROUPS = {
    "elec": {"en": ("Electrical data", "Motor data", "Rating"),
             "fr": ("Caractéristiques électriques", "Données moteur"),
             "de": ("Elektrische Daten", "Motordaten")},
    "cable": {"en": ("Cable", "Cable data"), "fr": ("Câble", "Câblage"),
              "de": ("Kabel", "Kabeldaten")},
    "bus": {"en": ("Ratings", "Electrical data"),
            "fr": ("Caractéristiques", "Caractéristiques électriques"),
            "de": ("Bemessungsdaten", "Elektrische Daten")},
    "route": {"en": ("Route", "Connection"), "fr": ("Liaison", "Parcours"),
              "de": ("Verbindung", "Trasse")},
}
PHASE_LABELS = (("L1", "L2", "L3"), ("A", "B", "C"), ("Ph-1", "Ph-2", "Ph-3"),
                ("R-Ph", "Y-Ph", "B-Ph"))
PHASE_TEXT = ((3, 1), ("3", "1"), ("3Ph", "1Ph"), ("TPN", "SPN"), ("3~", "1~"))
SECTION_FORMS = ("{b}", "{b}", "{b} ({d})", "{label} {b}")


@dataclass(slots=True)
class SheetWriter:
    """Builds one schedule sheet: columns, rows and the truth, in one style."""

    p: Planner
    out: SheetOut
    style: Style
    units: dict[str, str] = field(default_factory=dict)

    def unit(self, key: str, unit: str) -> str:
        """The unit text of a column, drawn once per sheet."""
        if key not in self.units:
            self.units[key] = self.p.pick(UNIT_TEXT[unit])
        return self.units[key]

    def col(self, key: str, record: str, name: str, unit: str | None = None,
            group: str | None = None, header: str | None = None) -> Col:
        text = header or self.p.header(record, name, self.style.lang)
        shown = self.unit(key, unit) if unit else None
        if shown and self.style.units in ("header", "column"):
            text = self.style.unit_fmt.format(h=text, u=shown)
        return Col(key, text, shown, group)

    def number(self, value: float, key: str, unit: str | None) -> object:
        """A number as the sheet writes it: bare, or with its unit in the cell."""
        value = round(value, 4)
        if value == int(value):
            value = int(value)
        if unit and self.style.units == "values":
            sep = self.p.pick((" ", "", " "))
            return f"{value:g}{sep}{self.unit(key, unit)}"
        return value

    def group(self, name: str) -> str | None:
        if not self.style.grouped:
            return None
        key = f"group:{name}"
        if key not in self.units:
            self.units[key] = self.p.pick(GROUPS[name][self.style.lang])
        return self.units[key]


def _misc(p: Planner, name: str, lang: str) -> str:
    return p.pick(_words()["headers"]["misc"][name][lang])


def _volts_shown(sw: SheetWriter, volts: float) -> object:
    unit = sw.style.voltage_unit
    return sw.number(volts / 1000 if unit == "kV" else volts, "voltage_v", unit)


def load_columns(sw: SheetWriter, feeder: bool) -> list[Col]:
    """The columns of a load list or feeder schedule."""
    p, s = sw.p, sw.style
    cols = []
    if s.serial:
        cols.append(Col("serial", _misc(p, "serial", s.lang)))
    cols.append(sw.col("tag", "load", "tag"))
    cols.append(sw.col("description", "load", "description"))
    if s.source == "column":
        cols.append(sw.col("source_bus", "load", "source_bus"))
    elec = sw.group("elec")
    if s.per_phase:
        labels = p.pick(PHASE_LABELS)
        unit = s.power_unit
        group = _misc(p, "phase_group", s.lang)
        if s.grouped and s.units == "header":
            group = s.unit_fmt.format(h=group, u=sw.unit("power", unit))
        for i, label in enumerate(labels):
            head = label if s.grouped else s.unit_fmt.format(
                h=label, u=sw.unit("power", unit)) if s.units == "header" else label
            cols.append(Col(f"ph{i}", head, sw.unit("power", unit),
                            group if s.grouped else None))
    else:
        header = p.header("load", "rated_power_kw", s.lang)
        while header == "Load" and s.units not in ("header", "row"):
            header = p.header("load", "rated_power_kw", s.lang)
        unit = None if s.units == "column" else s.power_unit
        cols.append(sw.col("power", "load", "rated_power_kw", unit, elec, header))
        if s.units == "column":
            cols.append(Col("unit", _misc(p, "unit", s.lang), None, elec))
    optional = [("voltage", 0.7), ("phases", 0.6), ("pf", 0.6), ("eff", 0.5),
                ("current", 0.5), ("qty", 0.15), ("starter", 0.25)]
    for key, chance in optional:
        if not p.chance(chance):
            continue
        if key == "voltage":
            cols.append(sw.col("voltage", "load", "voltage_v", s.voltage_unit, elec))
        elif key == "phases":
            cols.append(sw.col("phases", "load", "phases", None, elec))
        elif key == "pf":
            cols.append(sw.col("pf", "load", "power_factor", None, elec))
        elif key == "eff":
            pct = p.chance(0.6)
            cols.append(sw.col("eff", "load", "efficiency", "%" if pct else None,
                               elec))
        elif key == "current":
            cols.append(sw.col("current", "load", "current_a", "A", elec))
        elif key == "qty":
            cols.append(sw.col("qty", "load", "quantity"))
        elif key == "starter":
            cols.append(sw.col("starter", "load", "starting_method"))
    if feeder:
        cols.extend(cable_columns(sw, ends=False))
    if p.chance(0.3):
        cols.append(Col("remarks", _misc(p, "remarks", s.lang)))
    return cols


def cable_columns(sw: SheetWriter, ends: bool) -> list[Col]:
    """The cable part of a cable or feeder schedule."""
    p, s = sw.p, sw.style
    cols = []
    group = sw.group("cable")
    if ends or p.chance(0.5):
        cols.append(sw.col("cable_tag", "cable", "tag",
                           group=None if ends else group))
    if ends:
        route = sw.group("route")
        cols.append(sw.col("from", "cable", "from_ref", group=route))
        cols.append(sw.col("to", "cable", "to_ref", group=route))
    if s.spec_columns:
        cols.append(sw.col("cores", "cable", "cores", None, group))
        cols.append(sw.col("size", "cable", "size_mm2", "mm2", group))
    else:
        cols.append(sw.col("spec", "cable", "spec_text", None, group))
    if s.spec_columns or p.chance(0.35):
        cols.append(sw.col("insulation", "cable", "insulation", None, group))
    cols.append(sw.col("length", "cable", "length_m", s.length_unit, group))
    if ends and p.chance(0.3):
        cols.append(sw.col("installation", "cable", "installation"))
    return cols


def load_cells(sw: SheetWriter, t: Truth, cols: list[Col]) -> dict[str, object]:
    """The cells of one load row, and which fields they show."""
    v, s = t.values, sw.style
    keys = {c.key for c in cols}
    cells: dict[str, object] = {"tag": v["tag"], "description": v["description"]}
    t.shown |= {"description"}
    if "source_bus" in keys:
        cells["source_bus"] = v["source_bus"]
    if s.source != "none":
        t.shown.add("source_bus")
    if "power" in keys:
        unit = v.get("_unit", s.power_unit)
        cells["power"] = sw.number(v["_power"], "power", unit)
        if "unit" in keys:
            cells["unit"] = unit
        t.shown.add("rated_power_kw")
    elif "ph0" in keys:
        per = v["_power"] / 3 if v["phases"] == 3 else v["_power"]
        phases = range(3) if v["phases"] == 3 else [sw.p.rng.randrange(3)]
        for i in phases:
            cells[f"ph{i}"] = sw.number(per, "power", s.power_unit)
        t.shown.add("rated_power_kw")
    if "voltage" in keys:
        cells["voltage"] = _volts_shown(sw, v["voltage_v"])
        t.shown.add("voltage_v")
    if "phases" in keys:
        three, one = sw.units.setdefault("phase_text", sw.p.pick(PHASE_TEXT))
        cells["phases"] = three if v["phases"] == 3 else one
        t.shown.add("phases")
    if "pf" in keys:
        cells["pf"] = v["power_factor"]
        t.shown.add("power_factor")
    if "eff" in keys:
        col = next(c for c in cols if c.key == "eff")
        eff = v["efficiency"]
        if eff is None:
            cells["eff"] = sw.p.pick(("-", None))
        else:
            cells["eff"] = sw.number(eff * 100, "eff", "%") if col.unit else eff
            t.shown.add("efficiency")
    if "current" in keys:
        cells["current"] = sw.number(v["current_a"], "current", "A")
        t.shown.add("current_a")
    if "qty" in keys:
        cells["qty"] = 1
    if "starter" in keys:
        cells["starter"] = (sw.p.pick(("DOL", "Star-Delta", "VFD", "Soft starter"))
                            if v["_motor"] else "-")
    if "remarks" in keys and sw.p.chance(0.3):
        cells["remarks"] = sw.p.pick(("Duty", "Standby", "Rev B", "By vendor",
                                      "Existing", "New"))
    return cells


def cable_cells(sw: SheetWriter, t: Truth, cols: list[Col]) -> dict[str, object]:
    """The cells of one cable (or the cable part of a feeder row)."""
    v = t.values
    keys = {c.key for c in cols}
    cells: dict[str, object] = {}
    if "cable_tag" in keys:
        cells["cable_tag"] = v["tag"]
    if "from" in keys:
        cells["from"], cells["to"] = v["from_ref"], v["to_ref"]
    if v["from_ref"] and v["to_ref"]:
        t.shown |= {"from_ref", "to_ref"}
    if "spec" in keys:
        cells["spec"] = spec_text(v, sw.style.lang)
        if "sq.mm" in cells["spec"]:
            t.shown.add("insulation")
    else:
        cells["cores"] = v["cores"]
        cells["size"] = sw.number(v["size_mm2"], "size", "mm2")
    t.shown |= {"cores", "size_mm2"}
    if "insulation" in keys:
        cells["insulation"] = v["insulation"]
        t.shown.add("insulation")
    length = v.get("_length", v["length_m"])
    cells["length"] = sw.number(length, "length", sw.style.length_unit)
    t.shown.add("length_m")
    if "installation" in keys:
        cells["installation"] = sw.p.pick(("Cable tray", "Ladder", "Buried direct",
                                           "Conduit", "Duct"))
    return cells


PER_PHASE_KW = (0.3, 0.5, 0.8, 1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0)
PROJECTS = ("Northgate Water Treatment Works", "Riverside Hospital Extension",
            "Harbour Logistics Centre", "Station de pompage Les Iles",
            "Klärwerk Nord - Erweiterung", "Solar Farm Substation 2",
            "Data Centre Hall B", "Usine de traitement Sud")


def title_block(sw: SheetWriter, top: int, left: int, width: int,
                board: str | None) -> int:
    """Project lines above a table; the first row left for the table."""
    p, s = sw.p, sw.style
    height = max(s.title_rows, 3 if board else 0)
    if not height:
        return top
    sw.out.put(top, left, f"{p.pick(PROJECTS)} - {sw.out.name}")
    sw.out.merge(top, left, top, left + max(2, min(width, 6)) - 1)
    keys = list(_words()["titles"][s.lang])
    p.rng.shuffle(keys)
    lines = [(k + ":", _title_value(p, k)) for k in keys[:height - 2]]
    if board:
        lines.insert(p.rng.randrange(len(lines) + 1),
                     (p.word("words", "board_label", s.lang), board))
    for i, (key, value) in enumerate(lines, start=1):
        sw.out.put(top + i, left, key.replace("::", ":"))
        sw.out.put(top + i, left + 1, value)
    sw.out.features.add("title_block")
    if board:
        sw.out.features.add("board_in_title")
    return top + len(lines) + 2


def _title_value(p: Planner, key: str) -> str:
    low = key.lower()
    if "dat" in low:
        return f"2024-0{p.rng.randint(1, 9)}-1{p.rng.randint(0, 9)}"
    if "rev" in low or "indice" in low:
        return p.pick(("A", "B", "C", "0", "1", "P2"))
    if "doc" in low:
        return f"DOC-E-{p.rng.randint(100, 999)}"
    return p.pick(("J. Smith", "A. Martin", "K. Weber", "EPC Ltd", "Ville de Lyon"))


def load_sheet(p: Planner, out: SheetOut, style: Style, boards: list[dict],
               feeder: bool) -> None:
    """A load list or a feeder schedule of the loads of some boards."""
    sw = SheetWriter(p, out, style)
    volts3 = p.pick((400, 400, 415, 380))
    cols = load_columns(sw, feeder)
    groups = [boards]
    if style.two_tables and len(boards) > 1:
        cut = p.rng.randint(1, len(boards) - 1)
        groups = [boards[:cut], boards[cut:]]
        out.features.add("two_tables")
    if style.source == "title":  # the title names the one board of a table
        groups = [group[:1] for group in groups]
    left = style.left
    title_board = boards[0]["tag"] if style.source == "title" else None
    if style.two_tables == "side" and len(groups) == 2:
        top = title_block(sw, 0, left, len(cols), title_board)
        if title_board:
            _board_line(sw, top - 2, left + len(cols) + 1, groups[1][0]["tag"])
        ends = []
        for i, group in enumerate(groups):
            body = load_rows(sw, group, cols, feeder, volts3)
            ends.append(render_table(out, top, left + i * (len(cols) + 1), cols,
                                     body, style))
        _notes(sw, max(ends) + 1, left)
        return
    top = title_block(sw, 0, left, len(cols), title_board)
    for i, group in enumerate(groups):
        if i and style.source == "title":
            _board_line(sw, top, left, group[0]["tag"])
            top += 2
        body = load_rows(sw, group, cols, feeder, volts3)
        top = render_table(out, top, left, cols, body, style) + p.rng.randint(2, 4)
    _notes(sw, top - 1, left)


def _board_line(sw: SheetWriter, r: int, c: int, board: str) -> None:
    sw.out.put(r, c, sw.p.word("words", "board_label", sw.style.lang))
    sw.out.put(r, c + 1, board)


def _notes(sw: SheetWriter, r: int, c: int) -> None:
    if not sw.style.notes:
        return
    p, lang = sw.p, sw.style.lang
    sw.out.put(r, c, p.word("words", "notes", lang))
    lines = _words()["words"]["note_lines"][lang]
    for i, line in enumerate(p.rng.sample(lines, min(2, len(lines))), start=1):
        sw.out.put(r + i, c, f"{i}. {line}")
    sw.out.features.add("notes")


def load_rows(sw: SheetWriter, boards: list[dict], cols: list[Col], feeder: bool,
              volts3: int) -> list[BodyRow]:
    """The body of one load table: sections, loads, spares, hidden, totals."""
    p, s, out = sw.p, sw.style, sw.out
    keys = {c.key for c in cols}
    rows: list[BodyRow] = []
    table_rows: list[BodyRow] = []
    for board in boards:
        if s.source == "section":
            rows.append(BodyRow("section", {_first_key(cols): _section(sw, board)}))
            out.sections.add(board["tag"])
            out.features.add("section_rows")
        group_rows = []
        for _ in range(p.rng.randint(3, 8)):
            if s.spares and p.chance(0.12):
                rows.append(_spare(sw, cols))
            hidden = s.hidden and p.chance(0.1) and _shown(group_rows)
            t = _styled_load(sw, board["tag"], keys, volts3)
            cells = load_cells(sw, t, cols)
            if feeder:
                cable = _cable_for(p, board["tag"], t.values["tag"],
                                   float(t.values["current_a"]), s,
                                   int(t.values["phases"]))
                cable.values["tag"] = (p.unique(f"C-{p.rng.randint(1000, 9999)}")
                                       if "cable_tag" in keys else None)
                cells.update(cable_cells(sw, cable, cols))
                if not hidden:
                    out.records.append(cable)
            if hidden:
                out.features.add("hidden_rows")
            else:
                out.records.append(t)
            row = BodyRow("data", cells, hidden)
            row.cells["_truth"] = t
            group_rows.append(row)
            rows.append(row)
        table_rows += group_rows
        if s.totals and s.source == "section" and len(boards) > 1:
            rows.append(_total(sw, cols, group_rows))
    if s.spares and not any(r.role == "spare" for r in rows):
        rows.insert(p.rng.randint(1, len(rows)), _spare(sw, cols))
    if s.totals:
        rows.append(_total(sw, cols, table_rows))
    _number_rows(rows, keys)
    return rows


def _styled_load(sw: SheetWriter, board: str, keys: set[str], volts3: int) -> Truth:
    p, s = sw.p, sw.style
    style = s
    if "unit" in keys:
        style = replace(s, power_unit=p.pick(("kW", "kW", "HP")))
    t = _load(p, board, s.lang, style, volts3)
    t.values["_unit"] = style.power_unit
    if "ph0" in keys:
        per = p.pick(PER_PHASE_KW)
        kw = per * 3 if t.values["phases"] == 3 else per
        v = t.values
        v["rated_power_kw"] = kw
        v["current_a"] = _amps(kw, v["voltage_v"], v["phases"], v["power_factor"],
                               v["efficiency"])
        t.values["_power"] = kw * 1000 if s.power_unit == "W" else kw
        if s.power_unit == "HP":
            t.values["_power"] = kw / HP_KW
    if t.values["_unit"] == "HP":
        sw.out.features.add("power_in_hp")
    if t.values["_unit"] == "W":
        sw.out.features.add("power_in_w")
    return t


def _shown(rows: list[BodyRow]) -> bool:
    """Whether a visible data row came before: a table never hides them all."""
    return any(r.role == "data" and not r.hidden for r in rows)


def _first_key(cols: list[Col]) -> str:
    return cols[1].key if cols[0].key == "serial" else cols[0].key


def _section(sw: SheetWriter, board: dict) -> str:
    form = sw.p.pick(SECTION_FORMS)
    label = sw.p.word("words", "board_label", sw.style.lang)
    return form.format(b=board["tag"], d=board["desc"], label=label)


def _spare(sw: SheetWriter, cols: list[Col]) -> BodyRow:
    word = sw.p.word("words", "spare", sw.style.lang)
    sw.out.features.add("spare_rows")
    if sw.p.chance(0.5):
        return BodyRow("spare", {"tag": word})
    return BodyRow("spare", {"description": word})


def _total(sw: SheetWriter, cols: list[Col], rows: list[BodyRow]) -> BodyRow:
    keys = [c.key for c in cols]
    label_key = "description" if "description" in keys else keys[0]
    cells: dict[str, object] = {label_key: sw.p.word("words", "total", sw.style.lang)}
    visible = [r for r in rows if not r.hidden]
    for key in ("power", "ph0", "ph1", "ph2"):
        if key in keys and "unit" not in keys:
            total = sum(_as_number(r.cells.get(key)) for r in visible)
            cells[key] = sw.number(total, "power", sw.style.power_unit)
    sw.out.features.add("totals")
    return BodyRow("total", cells)


def _as_number(value) -> float:
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        digits = "".join(ch for ch in value if ch.isdigit() or ch == ".")
        return float(digits) if digits else 0.0
    return 0.0


def _number_rows(rows: list[BodyRow], keys: set[str]) -> None:
    if "serial" not in keys:
        return
    n = 0
    for row in rows:
        if row.role in ("data", "spare"):
            n += 1
            row.cells["serial"] = n


def cable_sheet(p: Planner, out: SheetOut, style: Style, boards: list[dict],
                loads: list[Truth]) -> None:
    """Cables from boards to loads and from the main board to the others."""
    sw = SheetWriter(p, out, style)
    cols = cable_columns(sw, ends=True)
    if style.serial:
        cols.insert(0, Col("serial", _misc(p, "serial", style.lang)))
    if p.chance(0.25):
        cols.append(Col("remarks", _misc(p, "remarks", style.lang)))
    ends = [(b["parent"], b["tag"], b["rating"] * 0.6, 3) for b in boards[1:]]
    for t in loads:
        v = t.values
        ends.append((v["source_bus"], v["tag"], float(v["current_a"]), v["phases"]))
    if len(ends) < 4:
        for _ in range(p.rng.randint(4, 9)):
            board = p.pick(boards[1:])["tag"]
            tag = p.unique(f"{p.pick(('P-', 'F-', 'M-'))}{p.rng.randint(100, 899)}")
            ends.append((board, tag, p.rng.uniform(5, 120), 3))
    p.rng.shuffle(ends)
    groups = [ends]
    if style.two_tables and len(ends) >= 6:
        cut = p.rng.randint(2, len(ends) - 2)
        groups = [ends[:cut], ends[cut:]]
        out.features.add("two_tables")
    top = title_block(sw, 0, style.left, len(cols), None)
    prefix = p.pick(("C-", "CBL-", "W-", "K-" if style.lang == "de" else "C"))
    for group in groups:
        body = []
        for start, end, amps, phases in group:
            if style.spares and p.chance(0.08):
                body.append(BodyRow("spare", {"cable_tag": p.word(
                    "words", "spare", style.lang)}))
                out.features.add("spare_rows")
            t = _cable_for(p, start, end, amps, style, phases)
            t.values["tag"] = p.unique(f"{prefix}{p.rng.randint(100, 999)}")
            hidden = style.hidden and p.chance(0.08) and _shown(body)
            row = BodyRow("data", cable_cells(sw, t, cols), hidden)
            body.append(row)
            if hidden:
                out.features.add("hidden_rows")
            else:
                out.records.append(t)
        if style.totals:
            key = "from" if p.chance(0.5) else "cable_tag"
            total = sum(_as_number(r.cells["length"]) for r in body
                        if r.role == "data" and not r.hidden)
            body.append(BodyRow("total", {
                key: p.word("words", "total", style.lang),
                "length": sw.number(total, "length", style.length_unit)}))
            out.features.add("totals")
        _number_rows(body, {c.key for c in cols})
        end = render_table(out, top, style.left, cols, body, style)
        top = end + p.rng.randint(2, 4)
    _notes(sw, top - 1, style.left)
    _cable_features(out, style)


def _cable_features(out: SheetOut, style: Style) -> None:
    for t in out.records:
        if t.kind == "cable" and not style.spec_columns:
            out.features.add(SPEC_FEATURES[t.values["_form"]])
    if style.spec_columns:
        out.features.add("size_and_cores_columns")
    if style.length_unit == "ft":
        out.features.add("length_in_ft")


def bus_sheet(p: Planner, out: SheetOut, style: Style, boards: list[dict]) -> None:
    """One row per board: voltage, rating, fault level, where it is fed from."""
    sw = SheetWriter(p, out, style)
    s = style
    cols = [Col("serial", _misc(p, "serial", s.lang))] if s.serial else []
    cols.append(sw.col("tag", "bus", "tag"))
    if p.chance(0.7):
        cols.append(sw.col("description", "bus", "description"))
    elec = sw.group("bus")
    cols.append(sw.col("voltage", "bus", "voltage_v", s.voltage_unit, elec))
    cols.append(sw.col("rating", "bus", "rated_current_a", "A", elec))
    has_ka = p.chance(0.7)
    if has_ka:
        cols.append(sw.col("ka", "bus", "short_circuit_ka", "kA", elec))
    cols.append(sw.col("parent", "bus", "parent_bus"))
    keys = {c.key for c in cols}
    body = []
    for board in boards:
        t = Truth("bus", {"tag": board["tag"], "voltage_v": board["voltage"],
                          "rated_current_a": board["rating"],
                          "short_circuit_ka": board["ka"] if has_ka else None,
                          "parent_bus": board["parent"]})
        t.shown = {"voltage_v", "rated_current_a", "parent_bus"} | (
            {"short_circuit_ka"} if has_ka else set())
        cells = {"tag": board["tag"], "description": board["desc"],
                 "voltage": _volts_shown(sw, board["voltage"]),
                 "rating": sw.number(board["rating"], "rating", "A"),
                 "ka": sw.number(board["ka"], "ka", "kA"),
                 "parent": board["parent"]}
        hidden = s.hidden and p.chance(0.1) and _shown(body)
        if hidden:
            cells["tag"] = p.unique(f"{board['tag']}-OLD")
            out.features.add("hidden_rows")
        else:
            out.records.append(t)
        body.append(BodyRow("data", cells, hidden))
    _number_rows(body, keys)
    top = title_block(sw, 0, s.left, len(cols), None)
    end = render_table(out, top, s.left, cols, body, s)
    _notes(sw, end + 1, s.left)


# -- look-alike sheets that are no schedule ---------------------------------------

OTHER_HEADERS = {
    "time_series": {
        "en": ("Timestamp", "Active Power (kW)", "Reactive Power (kvar)",
               "Apparent Power (kVA)", "PF", "Voltage L1-L2 (V)"),
        "fr": ("Horodatage", "Puissance active (kW)", "Puissance réactive (kvar)",
               "Puissance apparente (kVA)", "Cos φ", "Tension U12 (V)"),
        "de": ("Zeitstempel", "Wirkleistung (kW)", "Blindleistung (kvar)",
               "Scheinleistung (kVA)", "cos φ", "Spannung L1-L2 (V)")},
    "catalogue": {
        "en": ("Size (mm²)", "Cores", "Rating in air (A)", "Rating buried (A)",
               "R at 90°C (Ω/km)", "X (Ω/km)", "Outer diameter (mm)",
               "Weight (kg/km)"),
        "fr": ("Section (mm²)", "Conducteurs", "Courant admissible air (A)",
               "Courant admissible enterré (A)", "R à 90°C (Ω/km)", "X (Ω/km)",
               "Diamètre extérieur (mm)", "Masse (kg/km)"),
        "de": ("Querschnitt (mm²)", "Adern", "Belastbarkeit Luft (A)",
               "Belastbarkeit Erde (A)", "R bei 90°C (Ω/km)", "X (Ω/km)",
               "Außendurchmesser (mm)", "Gewicht (kg/km)")},
    "price_list": {
        "en": ("Item", "Description", "Unit", "Qty", "Rate (EUR)", "Amount (EUR)"),
        "fr": ("Poste", "Désignation", "Unité", "Quantité", "Prix unitaire (EUR)",
               "Montant (EUR)"),
        "de": ("Pos.", "Beschreibung", "Einheit", "Menge", "Einheitspreis (EUR)",
               "Gesamtpreis (EUR)")},
    "drawing_register": {
        "en": ("Drawing No.", "Title", "Rev", "Date", "Status", "Scale"),
        "fr": ("N° plan", "Titre", "Indice", "Date", "Statut", "Échelle"),
        "de": ("Zeichnungs-Nr.", "Titel", "Rev.", "Datum", "Status", "Maßstab")},
    "tag_list": {
        "en": ("Tag", "Description", "Area", "P&ID", "Vendor", "Status"),
        "fr": ("Repère", "Désignation", "Zone", "PID", "Fournisseur", "Statut"),
        "de": ("Kennzeichen", "Bezeichnung", "Bereich", "R&I", "Lieferant",
               "Status")},
}


def other_sheet(p: Planner, out: SheetOut, kind: str, lang: str) -> None:
    """A sheet an engineer would not read records from, though it looks close."""
    style = Style(lang=lang, title_rows=p.pick((0, 2, 3)))
    sw = SheetWriter(p, out, style)
    headers = OTHER_HEADERS[kind][lang]
    cols = [Col(f"c{i}", h) for i, h in enumerate(headers)]
    rows = [BodyRow("data", dict(zip((c.key for c in cols), values)))
            for values in OTHER_ROWS[kind](p)]
    top = title_block(sw, 0, 0, len(cols), None)
    render_table(out, top, 0, cols, rows, style)
    out.features.add(f"other_{kind}")


def _time_series(p: Planner):
    start = datetime(2024, 3, 1) + timedelta(days=p.rng.randint(0, 200))
    for i in range(p.rng.randint(30, 96)):
        kw = round(p.rng.uniform(120, 480), 1)
        pf = round(p.rng.uniform(0.86, 0.97), 3)
        yield (start + timedelta(minutes=15 * i), kw, round(kw * 0.4, 1),
               round(kw / pf, 1), pf, round(p.rng.uniform(395, 412), 1))


def _catalogue(p: Planner):
    for cores in (3, 4):
        for size in MM2[p.rng.randint(0, 4):]:
            amps = round(8.5 * size ** 0.62, 0)
            yield (size, cores, amps, round(amps * 0.85), round(22.5 / size, 4),
                   0.08, round(10 + size ** 0.5 * 2.4, 1), round(size * 14 + 200))


def _price_list(p: Planner):
    items = [(f"Supply and install {c}C x {s:g} sq.mm XLPE/SWA cable", "m")
             for c, s in ((4, 16), (4, 35), (4, 95), (3, 240), (4, 2.5))]
    items += [("MCCB 250 A 4P", "No."), ("Cable tray 300 mm", "m"),
              ("Cable gland 32 mm", "No."), ("Earthing conductor 70 sq.mm", "m"),
              ("Distribution board 24 way", "No.")]
    p.rng.shuffle(items)
    for i, (text, unit) in enumerate(items, start=1):
        qty = p.rng.randint(2, 400)
        rate = round(p.rng.uniform(3, 900), 2)
        yield (f"{p.rng.randint(1, 9)}.{i}", text, unit, qty, rate,
               round(qty * rate, 2))


def _drawing_register(p: Planner):
    titles = ("Single line diagram", "Cable routing layout", "Earthing layout",
              "Lighting layout", "MCC general arrangement", "Schematic diagram",
              "Cable block diagram", "Substation layout")
    for i, title in enumerate(p.rng.sample(titles, p.rng.randint(5, len(titles)))):
        yield (f"E-{p.rng.randint(100, 999)}-{i + 1:03d}", title,
               p.pick(("A", "B", "C", "0")), datetime(2024, p.rng.randint(1, 12), 1),
               p.pick(("IFC", "IFA", "IFR")), p.pick(("1:100", "NTS", "1:50")))


def _tag_list(p: Planner):
    for _ in range(p.rng.randint(6, 20)):
        prefix, names, _, _ = p.pick(LOAD_TYPES)
        yield (p.unique(f"{prefix}{p.rng.randint(100, 899)}"), names[0],
               p.pick(AREAS), f"PID-{p.rng.randint(10, 99)}",
               p.pick(("Grundfos", "ABB", "Siemens", "KSB", "Atlas Copco")),
               p.pick(("New", "Existing", "Relocated")))


OTHER_ROWS = {"time_series": _time_series, "catalogue": _catalogue,
              "price_list": _price_list, "drawing_register": _drawing_register,
              "tag_list": _tag_list}


# -- a workbook and its label ------------------------------------------------------

SPOT_FIELDS = {
    "load": ("description", "rated_power_kw", "voltage_v", "phases", "power_factor",
             "efficiency", "current_a", "source_bus"),
    "cable": ("from_ref", "to_ref", "cores", "size_mm2", "length_m", "insulation"),
    "bus": ("voltage_v", "rated_current_a", "short_circuit_ka", "parent_bus"),
}
SPOTS_PER_KIND = {"load": 2, "cable": 2, "bus": 1}
MAX_ATTEMPTS = 25


@dataclass(slots=True)
class Book:
    """One generated workbook: its sheets and its label."""

    name: str
    sheets: list[SheetOut]
    label: dict


def make_book(seed: int, index: int) -> Book:
    """Workbook ``index`` of the set drawn from ``seed``, showing its feature."""
    must = FEATURES[index % len(FEATURES)]
    name = f"synthetic-{index + 1:04d}.xlsx"
    book = None
    for attempt in range(MAX_ATTEMPTS):
        rng = random.Random(f"{seed}:{index}:{attempt}")
        book = _draw_book(Planner(rng, must), name)
        if must in book.label["features"]:
            break
    assert book is not None
    return book


def _draw_book(p: Planner, name: str) -> Book:
    lang = p.lang()
    p.make_boards(lang)
    schedules, others = p.kinds()
    subs = p.boards[1:]
    loadish = [k for k in schedules if k in ("load_schedule", "feeder_schedule")]
    shares = {k: subs for k in loadish}
    if len(loadish) == 2:
        cut = p.rng.randint(1, len(subs) - 1)
        shares = {loadish[0]: subs[:cut], loadish[1]: subs[cut:]}
    sheets: list[SheetOut] = []
    order = sorted(schedules, key=("load_schedule", "feeder_schedule",
                                   "cable_schedule", "bus_schedule").index)
    for kind in order:
        out = SheetOut(p.sheet_name(kind, lang), kind)
        style = p.style(kind, lang)
        if kind in shares:
            load_sheet(p, out, style, shares[kind], kind == "feeder_schedule")
        elif kind == "cable_schedule":
            loads = [t for s in sheets if s.kind == "load_schedule"
                     for t in s.records]
            cable_sheet(p, out, style, p.boards, loads)
        else:
            bus_sheet(p, out, style, p.boards)
        if out.records:
            out.features.add(kind)
        sheets.append(out)
    for kind in others:
        out = SheetOut(p.sheet_name(kind, lang), "other")
        other_sheet(p, out, kind, lang)
        sheets.append(out)
    p.rng.shuffle(sheets)
    return Book(name, sheets, _label(p, name, sheets, lang))


def _label(p: Planner, name: str, sheets: list[SheetOut], lang: str) -> dict:
    records = [t for s in sheets for t in s.records]
    counts = {kind: sum(1 for t in records if t.kind == kind)
              for kind in ("load", "cable", "bus")}
    features = set().union(*(s.features for s in sheets)) | {f"headers_{lang}"}
    buses: int | list[int] = counts["bus"]
    sections = set().union(*(s.sections for s in sheets))
    listed = {t.values["tag"] for t in records if t.kind == "bus"}
    if sections - listed:
        buses = [counts["bus"], counts["bus"] + len(sections - listed)]
    label = {"path": name, "loads": counts["load"], "cables": counts["cable"],
             "buses": buses, "features": sorted(features),
             "sheets": {s.name: (s.kind if s.records or s.kind == "other"
                                 else "other") for s in sheets},
             "spot": []}
    for kind, n in SPOTS_PER_KIND.items():
        pool = [t for t in records if t.kind == kind]
        for t in p.rng.sample(pool, min(n, len(pool))):
            fields = {f: t.values[f] for f in SPOT_FIELDS[kind]
                      if f in t.shown and t.values.get(f) is not None}
            label["spot"].append({"kind": kind, "match": t.match, "fields": fields})
    return label


def save_book(book: Book, path: Path) -> Path:
    """Write the workbook, its timestamps fixed so that equal books are equal."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in book.sheets:
        ws = wb.create_sheet(sheet.name)
        for (r, c), value in sorted(sheet.cells.items()):
            ws.cell(row=r + 1, column=c + 1, value=value)
        for r0, c0, r1, c1 in sheet.merges:
            ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1,
                           end_row=r1 + 1, end_column=c1 + 1)
        for r in sorted(sheet.hidden):
            ws.row_dimensions[r + 1].hidden = True
    wb.properties.creator = "excel-extract generate"
    wb.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(_fixed_times(buffer.getvalue()))
    return path


def _fixed_times(data: bytes) -> bytes:
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                start = content.find(b"<dcterms:modified")
                start = content.find(b">", start) + 1
                end = content.find(b"</dcterms:modified>", start)
                content = content[:start] + stamp + content[end:]
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, content)
    return out.getvalue()


def generate_set(folder: str | Path, count: int, seed: int) -> list[Path]:
    """Write ``count`` workbooks and their ``expected.toml`` into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths, labels = [], []
    for i in range(count):
        book = make_book(seed, i)
        paths.append(save_book(book, folder / book.name))
        labels.append(book.label)
    expected = folder / "expected.toml"
    expected.write_text(labels_toml(labels, seed), "utf-8")
    return [*paths, expected]


# -- the label file ------------------------------------------------------------------


def labels_toml(labels: list[dict], seed: int) -> str:
    """The labels in the format of the corpus's expected.toml."""
    lines = [
        f"# {len(labels)} workbooks written by `excel-extract generate "
        f"--count {len(labels)} --seed {seed}` (version {__version__}).",
        "# Counts, sheet kinds and spot checks are the truth the generator drew;",
        "# a count [low, high] allows buses listed from section rows.",
        "# `features` lists what each workbook shows (it is not checked).",
    ]
    for label in labels:
        lines += ["", "[[workbook]]", f"path = {_toml(label['path'])}"]
        for key in ("loads", "cables", "buses", "features"):
            lines.append(f"{key} = {_toml(label[key])}")
        lines.append("[workbook.sheets]")
        lines += [f"{_toml(k)} = {_toml(v)}" for k, v in label["sheets"].items()]
        for spot in label["spot"]:
            lines += ["[[workbook.spot]]", f"kind = {_toml(spot['kind'])}",
                      f"match = {_toml(spot['match'])}",
                      f"fields = {_toml(spot['fields'])}"]
    return "\n".join(lines) + "\n"


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")

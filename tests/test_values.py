"""Table-driven tests for the cell value parsers."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from extractor.grid import CellError
from extractor.values import (
    EMPTY,
    CableSpec,
    Parsed,
    is_empty,
    normalize_unit,
    parse_cable_spec,
    parse_fraction,
    parse_integer,
    parse_number,
    parse_phases,
    parse_quantity,
    parse_text,
    to_text_number,
    unit_from_header,
)

approx = pytest.approx
NBSP = "\u00a0"
REF = CellError("#REF!")
REF_PARSED = Parsed("#REF!", 0.0, notes=("cell error #REF!",), ok=False)
BOOL_PARSED = Parsed("TRUE", 0.2, notes=("a TRUE/FALSE cell is not a value",), ok=False)


def unreadable(text: str) -> Parsed:
    return Parsed(text, 0.2, notes=(f"no number in '{text}'",), ok=False)


# ---- is_empty, normalize_unit, to_text_number -------------------------------


@pytest.mark.parametrize(
    "value",
    [None, "", "   ", NBSP, "\n", "NA", "N/A", "n/a", "n.a.", "-", "--", "—", "–",
     "NULL", "null", "None", "nil", "#N/A", " N/A ", float("nan")],
)
def test_is_empty_true(value: object) -> None:
    assert is_empty(value) is True


@pytest.mark.parametrize(
    "value",
    [0, 0.0, "0", "0 VA", "TBA", "TBC", "x", False, True, REF,
     CellError("#N/A"), date(2024, 1, 1)],
)
def test_is_empty_false(value: object) -> None:
    assert is_empty(value) is False


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("kw", "kW"), ("KW", "kW"), ("Kw", "kW"), ("kW", "kW"), ("kilowatt", "kW"),
        ("kilowatts", "kW"), ("kilowatt(s)", "kW"), ("W", "W"), ("watts", "W"),
        ("MW", "MW"), ("hp", "HP"), ("HP", "HP"), ("bhp", "HP"),
        ("kva", "kVA"), ("KVA", "kVA"), ("kVA", "kVA"), ("VA", "VA"),
        ("MVA", "MVA"), ("v", "V"), ("volts", "V"), ("kv", "kV"), (" kV", "kV"),
        ("amps", "A"), ("amp", "A"), ("A", "A"), ("kA", "kA"), ("mA", "mA"),
        ("sq.mm", "mm2"), ("sqmm", "mm2"), ("Sq.mm", "mm2"), ("mm²", "mm2"),
        ("mm^2", "mm2"), ("mm2", "mm2"), ("sq mm", "mm2"), ("qmm", "mm2"),
        ("meters", "m"), ("metres", "m"), ("m", "m"), ("mtr", "m"),
        ("Meters", "m"), ("ft", "ft"), ("ft.", "ft"), ("feet", "ft"),
        ("km", "km"), ("mm", "mm"), ("MCM", "kcmil"), ("kcmil", "kcmil"),
        ("%", "%"), ("percent", "%"), ("pu", "pu"), ("p.u.", "pu"),
        ("kvar", "kvar"), ("kVAr", "kvar"), ("KVAR", "kvar"), ("Mvar", "Mvar"),
        ("sec", "s"), ("Sec", "s"), ("s", "s"),
        ("", None), ("kWh", None), ("Hz", None), ("Tag", None), ("in", None),
        (None, None), (12, None),
    ],
)
def test_normalize_unit(text: object, unit: str | None) -> None:
    assert normalize_unit(text) == unit


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (701.0, "701"), (0.1, "0.1"), (1.5, "1.5"), (-3.0, "-3"), (7, "7"),
        ("x", "x"), ("C-101", "C-101"), (None, ""), (True, "TRUE"),
        (1e20, "1e+20"), (date(2024, 1, 5), "2024-01-05"),
        (datetime(2024, 1, 5), "2024-01-05"), (REF, "#REF!"),
    ],
)
def test_to_text_number(value: object, text: str) -> None:
    assert to_text_number(value) == text


# ---- headers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "unit"),
    [
        ("Power (kW)", "kW"), ("Length(ft.)", "ft"), ("Rated (A)", "A"),
        ("Un (V)", "V"), ("CSA (mm²)", "mm2"), ("η (%)", "%"),
        ("Power KW", "kW"), ("Cable Len m", "m"), ("Length_m", "m"),
        ("R-Ph (kW)", "kW"), ("MACHINE CAPACITY (KW)", "kW"), ("P kW", "kW"),
        ("Ph-1 KW", "kW"), ("Size in mm2", "mm2"), ("Ph-4  kVAr", "kvar"),
        ("Rating (Amps)", "A"), ("Total Length in meters", "m"), ("Volts", "V"),
        ("Amps", "A"), ("Breaker Rating (A)", "A"), ("Length [m]", "m"),
        ("KW Rating", "kW"), ("Demand %", "%"), ("Time (sec)", "s"),
        (f"Power{NBSP}(kW)", "kW"), ("Size in sq mm", "mm2"),
        ("Voltage Mag", None), ("Cable Tag", None), ("Tag", None),
        ("Phase(s)", None), ("Cores", None), ("Bus Number", None), ("Type", None),
        ("Name", None), ("Phase A", None), ("Bus B", None), ("Sec", None),
        ("A", None), ("Amount", None), ("Voltage", None), ("", None), (None, None),
        (12, None),
    ],
)
def test_unit_from_header(header: object, unit: str | None) -> None:
    assert unit_from_header(header) == unit


# ---- parse_number -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (12.5, Parsed(12.5, 1.0)),
        (7, Parsed(7, 1.0)),
        (-5.0, Parsed(-5.0, 1.0)),
        (0, Parsed(0, 1.0)),
        ("  12 ", Parsed(12.0, 1.0)),
        (f"{NBSP}12{NBSP}", Parsed(12.0, 1.0)),
        ("12.5", Parsed(12.5, 1.0)),
        ("-5", Parsed(-5.0, 1.0)),
        ("\u22125", Parsed(-5.0, 1.0)),
        ("+3", Parsed(3.0, 1.0)),
        (".5", Parsed(0.5, 1.0)),
        ("1e3", Parsed(1000.0, 1.0)),
        ("1,234.5", Parsed(1234.5, 1.0)),
        ("1,234,567", Parsed(1234567.0, 1.0)),
        ("0,85", Parsed(0.85, 0.9, notes=("read ',' in '0,85' as a decimal point",))),
        ("1,234", Parsed(1.234, 0.7,
                         notes=("read ',' in '1,234' as a decimal point",))),
        ("1 234,5", Parsed(1234.5, 0.9,
                           notes=("read '1 234,5' with spaces between thousands",))),
        ("12 kW", Parsed(12.0, 0.9, "kW", "power")),
        ("12abc", Parsed(12.0, 0.6, notes=("ignored trailing text 'abc'",))),
        ("TBA", unreadable("TBA")),
        ("TBC", unreadable("TBC")),
        ("(12)", unreadable("(12)")),
        ("  x  ", unreadable("x")),
        (None, EMPTY),
        ("", EMPTY),
        ("N/A", EMPTY),
        ("#N/A", EMPTY),
        (float("nan"), EMPTY),
        (float("inf"), Parsed("inf", 0.2, notes=("not a finite number",), ok=False)),
        (True, BOOL_PARSED),
        (False, Parsed("FALSE", 0.2, notes=("a TRUE/FALSE cell is not a value",),
                       ok=False)),
        (REF, REF_PARSED),
        (date(2024, 3, 1), Parsed("2024-03-01", 0.2,
                                  notes=("a date cell is not a value",), ok=False)),
    ],
)
def test_parse_number(value: object, expected: Parsed) -> None:
    assert parse_number(value) == expected


# ---- parse_quantity ---------------------------------------------------------


def converted(value: float, unit: str, dimension: str, note: str) -> Parsed:
    return Parsed(approx(value), 0.9, unit, dimension, (note,))


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("1893.42 kW", "power"), Parsed(1893.42, 0.9, "kW", "power")),
        (("646 VA", "apparent_power"), converted(
            0.646, "VA", "apparent_power", "converted 646 VA to 0.646 kVA")),
        (("415 V", "voltage"), Parsed(415.0, 0.9, "V", "voltage")),
        (("11kV", "voltage"), converted(
            11000, "kV", "voltage", "converted 11 kV to 11000 V")),
        ((11.0, "voltage", "kV"), converted(
            11000, "kV", "voltage", "converted 11 kV to 11000 V")),
        ((0.23, "voltage", "kV"), converted(
            230, "kV", "voltage", "converted 0.23 kV to 230 V")),
        (("63A", "current"), Parsed(63.0, 0.9, "A", "current")),
        (("5 HP", "power"), converted(
            3.72849936, "HP", "power", "converted 5 HP to 3.72849936 kW")),
        ((2, "power", "MW"), converted(
            2000, "MW", "power", "converted 2 MW to 2000 kW")),
        (("750 W", "power"), converted(
            0.75, "W", "power", "converted 750 W to 0.75 kW")),
        ((960, "length", "ft"), converted(
            292.608, "ft", "length", "converted 960 ft to 292.608 m")),
        ((0.225, "length", "km"), converted(
            225, "km", "length", "converted 0.225 km to 225 m")),
        (("16mm²", "area"), Parsed(16.0, 0.9, "mm2", "area")),
        (("16 mm", "area"), Parsed(16.0, 0.9, "mm2", "area", ("read mm as mm2",))),
        (("1.5 kA", "short_circuit"), Parsed(1.5, 0.9, "kA", "short_circuit")),
        ((50, "short_circuit", "kA"), Parsed(50.0, 1.0, "kA", "short_circuit")),
        ((25000, "short_circuit", "A"), converted(
            25, "A", "short_circuit", "converted 25000 A to 25 kA")),
        (("500 mA", "current"), converted(
            0.5, "mA", "current", "converted 500 mA to 0.5 A")),
        (("12 kVAr", "reactive_power"), Parsed(12.0, 0.9, "kvar", "reactive_power")),
        ((415, "voltage"), Parsed(415.0, 1.0, None, "voltage")),
        ((415, "voltage", "V"), Parsed(415.0, 1.0, "V", "voltage")),
        ((-5, "power", "kW"), Parsed(-5.0, 1.0, "kW", "power")),
        (("15 kVA", "power"), Parsed(
            15.0, 0.9, "kVA", "apparent_power",
            ("kVA is a unit of apparent_power, not power",))),
        (("3.7kW", "apparent_power"), Parsed(
            3.7, 0.9, "kW", "power", ("kW is a unit of power, not apparent_power",))),
        ((15, "power", "kVA"), Parsed(
            15.0, 1.0, "kVA", "apparent_power",
            ("kVA is a unit of apparent_power, not power",))),
        (("230/400 V", "voltage"), Parsed(
            400.0, 0.9, "V", "voltage",
            ("read '230/400 V' as 400 V, the larger (line-to-line) value",))),
        (("400/230V", "voltage"), Parsed(
            400.0, 0.9, "V", "voltage",
            ("read '400/230V' as 400 V, the larger (line-to-line) value",))),
        (("3x400V", "voltage"), Parsed(
            400.0, 0.9, "V", "voltage", ("ignored phase prefix '3x'",))),
        (("415V, 3Ph, 50Hz", "voltage"), Parsed(
            415.0, 0.9, "V", "voltage", ("ignored trailing text '3Ph, 50Hz'",))),
        (("0 VA", "apparent_power"), Parsed(
            0.0, 0.9, "VA", "apparent_power", ("converted 0 VA to 0 kVA",))),
        (("500 N/A", "power"), Parsed(
            500.0, 0.6, None, "power", ("ignored trailing text 'N/A'",))),
        (("500 N/A", "power", "kW"), Parsed(
            500.0, 0.6, "kW", "power", ("ignored trailing text 'N/A'",))),
        (("0,75 kW", "power"), Parsed(
            0.75, 0.9, "kW", "power", ("read ',' in '0,75' as a decimal point",))),
        ((f"11{NBSP}kV", "voltage"), converted(
            11000, "kV", "voltage", "converted 11 kV to 11000 V")),
        (("750 W", "power", "kW"), Parsed(
            approx(0.75), 0.9, "W", "power",
            ("unit W in the cell overrides kW", "converted 750 W to 0.75 kW"))),
        ((12, "power", "furlongs"), Parsed(
            12.0, 1.0, None, "power", ("ignored unknown unit 'furlongs'",))),
        (("TBA", "power"), unreadable("TBA")),
        (("kW", "power"), unreadable("kW")),
        ((None, "power", "kW"), EMPTY),
        (("-", "voltage"), EMPTY),
        ((True, "power"), BOOL_PARSED),
        ((REF, "voltage"), REF_PARSED),
    ],
)
def test_parse_quantity(args: tuple, expected: Parsed) -> None:
    assert parse_quantity(*args) == expected


def test_parse_quantity_unknown_dimension() -> None:
    with pytest.raises(ValueError) as caught:
        parse_quantity(1, "mass")
    assert str(caught.value) == (
        "unknown dimension 'mass'; use one of: power, apparent_power, "
        "reactive_power, voltage, current, short_circuit, length, area, "
        "fraction, time"
    )


# ---- parse_fraction ---------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((0.85,), Parsed(0.85, 1.0, None, "fraction")),
        (("0.85",), Parsed(0.85, 1.0, None, "fraction")),
        (("0,85",), Parsed(0.85, 0.9, None, "fraction",
                           ("read ',' in '0,85' as a decimal point",))),
        (("92%",), Parsed(approx(0.92), 0.9, "%", "fraction",
                          ("converted 92 % to 0.92",))),
        (("85 %",), Parsed(approx(0.85), 0.9, "%", "fraction",
                           ("converted 85 % to 0.85",))),
        ((92,), Parsed(approx(0.92), 0.9, "%", "fraction", ("read 92 as 92 %",))),
        ((92, "%"), Parsed(approx(0.92), 0.9, "%", "fraction",
                           ("converted 92 % to 0.92",))),
        ((92, "percent"), Parsed(approx(0.92), 0.9, "%", "fraction",
                                 ("converted 92 % to 0.92",))),
        ((0.92, "%"), Parsed(0.92, 1.0, "%", "fraction",
                             ("kept 0.92 as a fraction under a % heading",))),
        ((100,), Parsed(1.0, 0.9, "%", "fraction", ("read 100 as 100 %",))),
        ((1,), Parsed(1.0, 1.0, None, "fraction")),
        ((1.02,), Parsed(1.02, 1.0, None, "fraction")),
        ((2,), Parsed(2.0, 1.0, None, "fraction")),
        ((-0.5,), Parsed(-0.5, 1.0, None, "fraction")),
        (("0.9 pu",), Parsed(0.9, 0.9, "pu", "fraction")),
        (("0.9 lag",), Parsed(0.9, 0.9, None, "fraction",
                              ("ignored trailing text 'lag'",))),
        (("0.9 ok?",), Parsed(0.9, 0.6, None, "fraction",
                              ("ignored trailing text 'ok?'",))),
        (("n/a",), EMPTY),
        ((None,), EMPTY),
        (("TBA",), unreadable("TBA")),
        ((True,), BOOL_PARSED),
        ((REF,), REF_PARSED),
    ],
)
def test_parse_fraction(args: tuple, expected: Parsed) -> None:
    assert parse_fraction(*args) == expected


# ---- parse_phases -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "phases"),
    [
        (3, 3), (3.0, 3), ("3", 3), ("3.0", 3), ("3Ph", 3), ("3 PH", 3),
        ("3-phase", 3), ("Three", 3), ("three phase", 3), ("Three-Phase", 3),
        ("TPN", 3), ("TP", 3), ("TP&N", 3), ("3~", 3), ("3P", 3), ("3P4W", 3),
        ("3Ph+N", 3), ("Triphasé", 3), ("tri", 3), ("Drehstrom", 3),
        ("dreiphasig", 3), (f"3{NBSP}Ph", 3),
        (1, 1), (1.0, 1), ("1", 1), ("1Ph", 1), ("1~", 1), ("Single", 1),
        ("single phase", 1), ("SP", 1), ("SPN", 1), ("SP&N", 1), ("1P+N", 1),
        ("Monophasé", 1), ("mono", 1), ("einphasig", 1),
        (2, 2), ("2", 2), ("2ph", 2), ("two-phase", 2),
    ],
)
def test_parse_phases(value: object, phases: int) -> None:
    assert parse_phases(value) == Parsed(phases, 1.0, dimension="count")


@pytest.mark.parametrize(
    ("value", "phases"),
    [("ABC", 3), ("RYB", 3), ("L1L2L3", 3), ("RYBN", 3), ("A", 1), ("B", 1),
     ("C", 1), ("R", 1), ("Y", 1), ("AB", 2), ("B-C", 2)],
)
def test_parse_phases_from_letters(value: str, phases: int) -> None:
    note = f"read phase letters '{value}' as {phases} phase(s)"
    assert parse_phases(value) == Parsed(phases, 0.9, dimension="count", notes=(note,))


@pytest.mark.parametrize("text", ["3W", "DP", "N", "AA", "ABY", "phase", "4Ph"])
def test_parse_phases_unreadable_text(text: str) -> None:
    note = f"'{text}' is not a number of phases"
    assert parse_phases(text) == Parsed(text, 0.2, notes=(note,), ok=False)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (4, Parsed(4, 0.2, notes=("4 is not 1, 2 or 3 phases",), ok=False)),
        (2.5, Parsed(2.5, 0.2, notes=("2.5 is not 1, 2 or 3 phases",), ok=False)),
        (None, EMPTY), ("", EMPTY), ("-", EMPTY), (True, BOOL_PARSED),
        (REF, REF_PARSED),
    ],
)
def test_parse_phases_other_cells(value: object, expected: Parsed) -> None:
    assert parse_phases(value) == expected


# ---- parse_integer ----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3.0, Parsed(3, 1.0, dimension="count")),
        (3, Parsed(3, 1.0, dimension="count")),
        ("4", Parsed(4, 1.0, dimension="count")),
        (" 4 ", Parsed(4, 1.0, dimension="count")),
        ("-2", Parsed(-2, 1.0, dimension="count")),
        ("3C", Parsed(3, 0.9, dimension="count")),
        ("4c", Parsed(4, 0.9, dimension="count")),
        ("2x", Parsed(2, 0.9, dimension="count")),
        ("3 Nos.", Parsed(3, 0.9, dimension="count")),
        ("2 runs", Parsed(2, 0.9, dimension="count")),
        ("3.5", Parsed(3.5, 1.0, dimension="count",
                       notes=("3.5 is not a whole number",))),
        (3.5, Parsed(3.5, 1.0, dimension="count",
                     notes=("3.5 is not a whole number",))),
        ("3.5C", Parsed(3.5, 0.9, dimension="count",
                        notes=("3.5 is not a whole number",))),
        ("4 units", Parsed(4, 0.6, dimension="count",
                           notes=("ignored trailing text 'units'",))),
        ("abc", unreadable("abc")),
        (None, EMPTY),
        ("NA", EMPTY),
        (True, BOOL_PARSED),
        (REF, REF_PARSED),
    ],
)
def test_parse_integer(value: object, expected: Parsed) -> None:
    result = parse_integer(value)
    assert result == expected
    assert type(result.value) is type(expected.value)


# ---- parse_text -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("  MCC-1  ", Parsed("MCC-1", 1.0)),
        ("Pump\n No. 1", Parsed("Pump No. 1", 1.0)),
        (f"Fan{NBSP}{NBSP}A\tB", Parsed("Fan A B", 1.0)),
        (701.0, Parsed("701", 1.0)),
        (1.5, Parsed("1.5", 1.0)),
        (42, Parsed("42", 1.0)),
        (True, Parsed("TRUE", 1.0)),
        (date(2024, 1, 5), Parsed("2024-01-05", 0.9,
                                  notes=("read a date cell as text",))),
        (datetime(2024, 1, 5, 10, 30), Parsed("2024-01-05 10:30:00", 0.9,
                                              notes=("read a date cell as text",))),
        (time(7, 15), Parsed("07:15:00", 0.9, notes=("read a date cell as text",))),
        (REF, REF_PARSED),
        (CellError("#VALUE!"), Parsed("#VALUE!", 0.0, notes=("cell error #VALUE!",),
                                      ok=False)),
        (None, EMPTY),
        ("   ", EMPTY),
        ("N/A", EMPTY),
    ],
)
def test_parse_text(value: object, expected: Parsed) -> None:
    assert parse_text(value) == expected


# ---- parse_cable_spec -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3C x 240", CableSpec(1, 3, 240)),
        ("1 x 4c 16mm²", CableSpec(1, 4, 16)),
        ("2 x 4C 240", CableSpec(2, 4, 240)),
        ("4c_70", CableSpec(1, 4, 70)),
        ("#12 AWG", CableSpec(None, None, 3.31)),
        ("#10 AWG", CableSpec(None, None, 5.26)),
        ("14 AWG", CableSpec(None, None, 2.08)),
        ("4/0 AWG", CableSpec(None, None, 107.22)),
        ("3#12", CableSpec(1, 3, 3.31)),
        ("4C x 10 sq.mm XLPE/PVC/SWA//PVC",
         CableSpec(1, 4, 10, insulation="XLPE", armour="SWA")),
        ("3R X 11kV X 1C X 400 Sqmm", CableSpec(3, 1, 400, voltage_rating="11kV")),
        ("2x1c 120mm²", CableSpec(2, 1, 120)),
        ("1C X 300", CableSpec(1, 1, 300)),
        ("3.5C x 185", CableSpec(1, 3.5, 185)),
        ("4x95+1x50", CableSpec(1, 4, 95, earth_mm2=50)),
        ("4x95+E50", CableSpec(1, 4, 95, earth_mm2=50)),
        ("3x240/120", CableSpec(1, 3, 240, earth_mm2=120)),
        ("NYY-J 4x16", CableSpec(1, 4, 16)),
        ("4G16", CableSpec(1, 4, 16)),
        ("4G1.5", CableSpec(1, 4, 1.5)),
        ("4G1,5", CableSpec(1, 4, 1.5)),
        ("4 x 1.5 mm2", CableSpec(1, 4, 1.5)),
        ("4 × 2.5 mm²", CableSpec(1, 4, 2.5)),
        ("16mm2", CableSpec(None, None, 16)),
        ("240 sq mm", CableSpec(None, None, 240)),
        ("500 kcmil", CableSpec(None, None, 253.35)),
        ("500 MCM", CableSpec(None, None, 253.35)),
        ("2 x 1c  120mm²", CableSpec(2, 1, 120)),
        (f"2 x 1c{NBSP}120mm²", CableSpec(2, 1, 120)),
        ("3 x 1C x 240", CableSpec(3, 1, 240)),
        ("2 x 4 x 16", CableSpec(2, 4, 16)),
        ("2 runs 3C 95", CableSpec(2, 3, 95)),
        ("3 core 2.5", CableSpec(1, 3, 2.5)),
        ("C-101 3C x 240", CableSpec(1, 3, 240)),
        ("4x95, 4x50", CableSpec(1, 4, 95)),
        ("Al 4C x 95", CableSpec(1, 4, 95, conductor="Al")),
        ("aluminium 3c 95", CableSpec(1, 3, 95, conductor="Al")),
        ("Cu 3c x 4", CableSpec(1, 3, 4, conductor="Cu")),
        ("copper 3 core 2.5", CableSpec(1, 3, 2.5, conductor="Cu")),
        ("4C x 16 mm² Cu/XLPE/SWA/PVC 0.6/1 kV", CableSpec(
            1, 4, 16, conductor="Cu", insulation="XLPE", armour="SWA",
            voltage_rating="0.6/1 kV")),
        ("3C x 35 LS0H unarmoured 600V", CableSpec(
            1, 3, 35, insulation="LSZH", armour="unarmoured", voltage_rating="600V")),
        (240, CableSpec(None, None, 240, confidence=0.6)),
        (2.5, CableSpec(None, None, 2.5, confidence=0.6)),
        ("240", CableSpec(None, None, 240, confidence=0.6)),
        (" X ", None),
        ("", None),
        ("Cable", None),
        (0, None),
        (-16, None),
        (None, None),
        (True, None),
        (REF, None),
    ],
)
def test_parse_cable_spec(text: object, expected: CableSpec | None) -> None:
    result = parse_cable_spec(text)
    assert result == expected
    if result is not None and expected is not None:
        assert type(result.cores) is type(expected.cores)


@pytest.mark.parametrize(
    ("text", "runs", "cores", "size", "conductor", "insulation", "armour"),
    [
        ("3/C 16 mm² CU XLPE SWA", 1, 3, 16.0, "Cu", "XLPE", "SWA"),
        ("4/C #10 AWG", 1, 4, 5.26, None, None, None),
    ],
)
def test_north_american_conductor_counts(text, runs, cores, size, conductor,
                                         insulation, armour):
    spec = parse_cable_spec(text)
    assert (spec.runs, spec.cores, spec.size_mm2, spec.conductor, spec.insulation,
            spec.armour) == (runs, cores, size, conductor, insulation, armour)

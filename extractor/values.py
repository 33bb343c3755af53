"""Parsers for the engineering values found in spreadsheet cells.

Each parser takes one cell as a source hands it over (None, text, a number,
a bool, a date or a :class:`~extractor.grid.CellError`) and returns a
:class:`Parsed`: the value in the canonical unit of its dimension, how sure
the reading is, the unit the cell or its header was written in, and notes on
what was done. Text that cannot be read comes back with ``ok=False`` and the
text as the value, so that a later rule can report it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, NamedTuple

from .grid import CellError

# Spellings of units, keyed by lower-case text without spaces, dots or brackets.
_UNIT_ALIASES: dict[str, str] = {
    "w": "W", "watt": "W", "watts": "W",
    "kw": "kW", "kilowatt": "kW", "kilowatts": "kW",
    "mw": "MW", "megawatt": "MW", "megawatts": "MW",
    "hp": "HP", "bhp": "HP", "horsepower": "HP",
    "va": "VA", "kva": "kVA", "mva": "MVA",
    "var": "var", "kvar": "kvar", "mvar": "Mvar",
    "v": "V", "volt": "V", "volts": "V",
    "kv": "kV", "kilovolt": "kV", "kilovolts": "kV",
    "a": "A", "amp": "A", "amps": "A", "ampere": "A", "amperes": "A",
    "ka": "kA", "kiloamp": "kA", "kiloamps": "kA", "ma": "mA",
    "m": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m",
    "mtr": "m", "mtrs": "m", "rmt": "m",
    "km": "km", "kilometer": "km", "kilometers": "km",
    "kilometre": "km", "kilometres": "km",
    "ft": "ft", "feet": "ft", "foot": "ft", "mm": "mm",
    "mm2": "mm2", "sqmm": "mm2", "qmm": "mm2", "mmsq": "mm2",
    "kcmil": "kcmil", "mcm": "kcmil",
    "%": "%", "percent": "%", "pct": "%", "pu": "pu",
    "s": "s", "sec": "s", "secs": "s", "second": "s", "seconds": "s",
}

# Canonical unit -> (kind, size in the base unit of that kind).
_UNIT_SCALE: dict[str, tuple[str, float]] = {
    "W": ("power", 1.0), "kW": ("power", 1e3), "MW": ("power", 1e6),
    "HP": ("power", 745.699872),
    "VA": ("apparent_power", 1.0), "kVA": ("apparent_power", 1e3),
    "MVA": ("apparent_power", 1e6),
    "var": ("reactive_power", 1.0), "kvar": ("reactive_power", 1e3),
    "Mvar": ("reactive_power", 1e6),
    "V": ("voltage", 1.0), "kV": ("voltage", 1e3),
    "A": ("current", 1.0), "kA": ("current", 1e3), "mA": ("current", 1e-3),
    "m": ("length", 1.0), "km": ("length", 1e3), "ft": ("length", 0.3048),
    "mm": ("length", 1e-3),
    "mm2": ("area", 1.0), "kcmil": ("area", 0.506707479),
    "%": ("fraction", 0.01), "pu": ("fraction", 1.0),
    "s": ("time", 1.0),
}

DIMENSION_UNITS: dict[str, str] = {
    "power": "kW", "apparent_power": "kVA", "reactive_power": "kvar",
    "voltage": "V", "current": "A", "short_circuit": "kA", "length": "m",
    "area": "mm2", "fraction": "pu", "time": "s",
}
"""The canonical unit of each dimension: parsed values are given in it."""

EMPTY_TOKENS = frozenset(
    {"", "na", "n/a", "n.a.", "-", "--", "---", "—", "–", "null", "none", "nil",
     "#n/a"}
)
"""What a cell says when it holds nothing, case folded."""
_EMPTY_TOKENS = EMPTY_TOKENS
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ",
                         "\u2007": " ", "\u200b": "", "\u2212": "-"})

_NUM = (
    r"[-+]?(?:\d{1,3}(?:,\d{3})+(?![\d,])(?:\.\d+)?"
    r"|\d{1,3}(?: \d{3})+(?:[.,]\d+)?(?![\d.,])"
    r"|\d+(?:[.,]\d+)?|\.\d+)(?:[eE][-+]?\d+)?"
)
_LEADING_NUMBER = re.compile(_NUM)
_UNIT_HEAD = re.compile(r"([^\s\d/,;:()\[\]]+(?:\^?2)?)")
_TWO_WORDS = re.compile(r"(\S+\s+[^\s,;()]+)")
_UNIT_JUNK = re.compile(r"[\s.()\[\]]")
_BENIGN_TAIL = re.compile(
    r"(?:[\s,;/()&+-]|[123]\s*(?:ph(?:ase)?|~)|[34]\s*w(?:ire)?|[56]0\s*hz"
    r"|ac|dc|n|tpn|spn|lag(?:ging)?|lead(?:ing)?)+",
    re.I,
)
_PAIR = re.compile(rf"({_NUM})\s*([a-zA-Z]*)\s*/\s*({_NUM})\s*([a-zA-Z]*)")
_PHASE_PREFIX = re.compile(r"[123]\s*(?:x|×|~|ph(?:ase)?|p)\s*[,;-]?\s*(?=\d)", re.I)
_COUNT = re.compile(
    rf"({_NUM})\s*(c|cores?|x|nos?|pcs?|runs?|r|sets?|off)?\.?", re.I
)

_WHITESPACE = re.compile(r"[\s\u200b]+")

# Headers: "Power (kW)", "Size in mm2", "Length_m", "Cable Len m", "KW Rating".
_BRACKETED = re.compile(r"[(\[]([^)\]]*)[)\]]")
_IN_UNIT = re.compile(r"\bin\s+(sq\.?\s*mm|\S+)", re.I)
_UNDERSCORE_UNIT = re.compile(r"_([^\s_]+)$")
_HEADER_SPLIT = re.compile(r"[\s,;:]+")
_LETTER_UNITS = frozenset({"m", "V", "A", "W", "%"})
_NOT_BEFORE_LETTER = frozenset(
    {"phase", "ph", "bus", "section", "type", "panel", "feeder", "side", "group",
     "line", "zone", "option", "case", "item", "part", "class", "grade"}
)
_AMBIGUOUS_WORDS = frozenset({"sec", "secs"})
_LEADING_UNITS = frozenset({"kW", "MW", "HP", "kVA", "MVA", "kV", "kvar", "kA"})

_PHASE_WORDS: dict[str, int] = {
    "three": 3, "threephase": 3, "tp": 3, "tpn": 3, "tp&n": 3, "tp+n": 3,
    "triphasé": 3, "triphase": 3, "tri": 3, "drehstrom": 3, "dreiphasig": 3,
    "single": 1, "singlephase": 1, "sp": 1, "spn": 1, "sp&n": 1, "sp+n": 1,
    "monophasé": 1, "monophase": 1, "mono": 1, "einphasig": 1,
    "two": 2, "twophase": 2,
}
_PHASE_JUNK = re.compile(r"[\s_-]")
_PHASE_DIGIT = re.compile(
    r"([123])(?:\.0+)?(?:ph(?:ases?)?|p|~|φ)?(?:[+&]n|[2-4]w(?:ire)?)?"
)
_PHASE_LETTERS = re.compile(r"(?:[abc]{1,3}|[ryb]{1,3}|(?:l[123]){1,3})n?")

# Cable descriptions: "2 x 4C 240 sq.mm XLPE/SWA/PVC 0.6/1 kV", "4G1.5", "#12 AWG",
# "3/C 16 mm2" (North American: 3 conductors).
_CNUM = r"(?:\d+\.\d+|\d,\d+|\d+)"
_CABLE_TOKEN = re.compile(
    rf"(?P<cg>\d+)\s*g\s*(?P<cgsize>{_CNUM})"
    rf"|(?P<cores>{_CNUM})\s*-?\s*(?:cores?|/\s*c|c)(?![a-wyz])"
    r"|(?P<runs>\d+)\s*-?\s*(?:runs?|sets?|r)(?![a-wyz])"
    rf"|(?P<size>{_CNUM})\s*(?:mm\^?2|sq\.?\s*mm|sqmm|qmm|mm)(?![a-z])"
    rf"|(?P<num>{_CNUM})|(?P<x>x)(?![a-wyz])|(?P<plus>\+)|(?P<slash>/)"
    r"|(?P<word>[a-z]+)"
)
_VOLTAGE_RATING = re.compile(
    r"(?<![\d.])(?:\d+(?:\.\d+)?\s*/\s*)?\d+(?:\.\d+)?\s*k?v(?![a-z])", re.I
)
_AWG = re.compile(r"(?:(\d+)-?)?#\s*(\d/0|\d{1,2})(?:\s*awg)?|(\d/0|\d{1,2})\s*awg")
_KCMIL = re.compile(r"(\d+(?:\.\d+)?)\s*(?:kcmil|mcm)")
_CONDUCTORS = {"cu": "Cu", "copper": "Cu", "al": "Al", "alu": "Al",
               "aluminium": "Al", "aluminum": "Al"}
_INSULATIONS = {"xlpe": "XLPE", "pvc": "PVC", "epr": "EPR", "hepr": "HEPR",
                "lszh": "LSZH", "ls0h": "LSZH", "lsoh": "LSZH", "lsf": "LSF",
                "frls": "FRLS"}
_ARMOURS = {"swa": "SWA", "awa": "AWA", "sta": "STA",
            "unarmoured": "unarmoured", "unarmored": "unarmoured"}


def _awg_mm2(gauge: int) -> float:
    diameter = 0.127 * 92 ** ((36 - gauge) / 39)
    return round(math.pi / 4 * diameter**2, 2)


_AWG_MM2 = {str(g): _awg_mm2(g) for g in range(41)} | {
    f"{k}/0": _awg_mm2(1 - k) for k in range(1, 5)
}


def _word_pattern(names: dict[str, str]) -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(names) + r")\b")


_MATERIALS = [(field, _word_pattern(names), names) for field, names in
              (("conductor", _CONDUCTORS), ("insulation", _INSULATIONS),
               ("armour", _ARMOURS))]


@dataclass(frozen=True, slots=True)
class Parsed:
    """One cell read as a value, with how sure the reading is and why.

    ``confidence`` is 1.0 for a clean number, 0.9 when unit text was read or
    the value converted, 0.6 when text was ignored, 0.2 for text that could
    not be read (``ok`` is then False and ``value`` the text) and 0.0 for an
    error cell.
    """

    value: float | int | str | None
    confidence: float
    unit: str | None = None
    dimension: str | None = None
    notes: tuple[str, ...] = ()
    ok: bool = True


EMPTY = Parsed(None, 1.0)
"""What every parser returns for an empty cell."""


class _Reading(NamedTuple):
    number: float | int
    unit: str | None
    confidence: float
    notes: tuple[str, ...]


def is_empty(value: object) -> bool:
    """True for cells that hold nothing, including "N/A", "-" and NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().casefold() in _EMPTY_TOKENS
    return isinstance(value, float) and value != value


def normalize_unit(text: object) -> str | None:
    """The canonical name of a unit spelling ("KW" -> "kW"), or None."""
    if not isinstance(text, str):
        return None
    key = text.replace("²", "2").replace("^2", "2")
    return _UNIT_ALIASES.get(_UNIT_JUNK.sub("", key).lower())


def to_text_number(value: object) -> str:
    """A cell as text, whole floats without ".0": 701.0 -> "701"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, (date, time)):
        return _iso(value)
    return str(value)


def _iso(value: date | time) -> str:
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return value.isoformat()


def _clean(text: str) -> str:
    return text.translate(_SPACES).strip()


def _unreadable(raw: object, note: str) -> Parsed:
    return Parsed(raw, 0.2, notes=(note,), ok=False)


def _odd_cell(value: object) -> Parsed | None:
    """The Parsed for cells that are neither numbers nor text, else None."""
    if value is None:
        return EMPTY
    if isinstance(value, CellError):
        return Parsed(value.code, 0.0, notes=(f"cell error {value.code}",), ok=False)
    if isinstance(value, bool):
        return _unreadable(to_text_number(value), "a TRUE/FALSE cell is not a value")
    if isinstance(value, (date, time)):
        return _unreadable(_iso(value), "a date cell is not a value")
    return None


# ---- numbers and units ----------------------------------------------------


def _number_from(token: str) -> tuple[float, float, tuple[str, ...]]:
    """A number token as a float, with the confidence and notes of the reading."""
    if " " in token:
        note = f"read '{token}' with spaces between thousands"
        return float(token.replace(" ", "").replace(",", ".")), 0.9, (note,)
    if "," not in token:
        return float(token), 1.0, ()
    if "." in token or token.count(",") > 1:
        return float(token.replace(",", "")), 1.0, ()

    whole, fraction = token.split(",")
    ambiguous = len(fraction) == 3 and whole.lstrip("+-") != "0"
    note = f"read ',' in '{token}' as a decimal point"
    return float(f"{whole}.{fraction}"), 0.7 if ambiguous else 0.9, (note,)


def _split_unit(rest: str) -> tuple[str | None, str]:
    """The unit at the start of ``rest`` and the text left after it."""
    rest = rest.strip()
    if not rest:
        return None, ""
    for pattern in (_TWO_WORDS, _UNIT_HEAD):
        match = pattern.match(rest)
        if match and (unit := normalize_unit(match.group(1))):
            return unit, rest[match.end():].strip(" .,;:")
    return None, rest.strip(" .,;:")


def _read_text(text: str) -> _Reading | Parsed:
    """A leading number, the unit written after it and any text left over."""
    clean = _clean(text)
    match = _LEADING_NUMBER.match(clean)
    if match is None:
        return _unreadable(clean, f"no number in '{clean}'")

    number, confidence, notes = _number_from(match.group())
    unit, tail = _split_unit(clean[match.end():])
    if unit:
        confidence = min(confidence, 0.9)
    if tail:
        benign = _BENIGN_TAIL.fullmatch(tail) is not None
        confidence = min(confidence, 0.9 if benign else 0.6)
        notes += (f"ignored trailing text '{tail}'",)
    return _Reading(number, unit, confidence, notes)


def _read(value: object) -> _Reading | Parsed:
    """A number and its written unit, or the Parsed that ends the reading."""
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        if math.isfinite(value):
            return _Reading(value, None, 1.0, ())
        if value != value:
            return EMPTY
        return _unreadable(str(value), "not a finite number")
    if isinstance(value, str):
        return EMPTY if is_empty(value) else _read_text(value)
    odd = _odd_cell(value)
    return odd if odd is not None else _read_text(str(value))


def _pick_unit(
    reading: _Reading, default_unit: str | None
) -> tuple[str | None, tuple[str, ...]]:
    """The unit to use: the one in the cell, else the default."""
    notes = reading.notes
    default = normalize_unit(default_unit) if default_unit else None
    if default_unit and default is None:
        notes += (f"ignored unknown unit '{default_unit}'",)
    if reading.unit and default and reading.unit != default:
        notes += (f"unit {reading.unit} in the cell overrides {default}",)
    return reading.unit or default, notes


def _convert(
    number: float, unit: str | None, dimension: str, confidence: float,
    notes: tuple[str, ...],
) -> Parsed:
    """Express ``number unit`` in the canonical unit of its dimension."""
    if unit is None:
        return Parsed(float(number), confidence, None, dimension, notes)
    if dimension == "area" and unit == "mm":
        unit, notes = "mm2", notes + ("read mm as mm2",)

    kind, factor = _UNIT_SCALE[unit]
    if kind != _UNIT_SCALE[DIMENSION_UNITS[dimension]][0]:
        notes += (f"{unit} is a unit of {kind}, not {dimension}",)
        dimension = kind
    target = DIMENSION_UNITS[dimension]
    if unit == target:
        return Parsed(float(number), confidence, unit, dimension, notes)

    result = _tidy(number * factor / _UNIT_SCALE[target][1])
    notes += (f"converted {to_text_number(float(number))} {unit} "
              f"to {to_text_number(result)} {target}",)
    return Parsed(result, min(confidence, 0.9), unit, dimension, notes)


def _tidy(number: float) -> float:
    """Drop the float noise of a conversion: 0.23 * 1000 -> 230.0."""
    return float(f"{number:.12g}")


def _volts(option: tuple[float, str | None]) -> float:
    number, unit = option
    return number * _UNIT_SCALE[unit][1] if unit else number


def _read_pair(clean: str) -> _Reading | None:
    """The larger of a voltage pair: "230/400 V" -> 400 V."""
    pair = _PAIR.fullmatch(clean)
    if pair is None:
        return None
    first, first_unit, second, second_unit = pair.groups()
    written = (first_unit, second_unit)
    units = [normalize_unit(u) if u else None for u in written]
    if any(w and (u is None or _UNIT_SCALE[u][0] != "voltage")
           for w, u in zip(written, units)):
        return None

    shared = units[1] or units[0]
    options = [(_number_from(n)[0], u or shared)
               for n, u in zip((first, second), units)]
    number, unit = max(options, key=_volts)
    said = f"{to_text_number(number)} {unit or ''}".strip()
    note = f"read '{clean}' as {said}, the larger (line-to-line) value"
    return _Reading(number, unit, 0.9, (note,))


def _read_after_phases(clean: str) -> _Reading | None:
    """A voltage written after a phase count: "3x400V", "3Ph 415 V"."""
    prefix = _PHASE_PREFIX.match(clean)
    if prefix is None:
        return None
    reading = _read_text(clean[prefix.end():])
    if isinstance(reading, Parsed):
        return None
    note = f"ignored phase prefix '{prefix.group().strip()}'"
    return reading._replace(confidence=min(reading.confidence, 0.9),
                            notes=(note,) + reading.notes)


# ---- public parsers ---------------------------------------------------------


def parse_number(value: object) -> Parsed:
    """A plain number; text such as "1,234.5" or "12 kW" is read too.

    Numbers are returned as given; numbers read from text are floats. A unit
    written after the number is reported but not converted.
    """
    reading = _read(value)
    if isinstance(reading, Parsed):
        return reading
    dimension = _UNIT_SCALE[reading.unit][0] if reading.unit else None
    return Parsed(reading.number, reading.confidence, reading.unit, dimension,
                  reading.notes)


def parse_quantity(
    value: object, dimension: str, default_unit: str | None = None
) -> Parsed:
    """A quantity in the canonical unit of ``dimension`` (see DIMENSION_UNITS).

    A unit written in the cell wins over ``default_unit`` (from the header or
    a unit column). A unit of another dimension ("15 kVA" read as power) is
    kept: the result then names that dimension and the caller decides.
    ``unit`` is the unit the value was written in, before conversion.
    """
    if dimension not in DIMENSION_UNITS:
        known = ", ".join(DIMENSION_UNITS)
        raise ValueError(f"unknown dimension '{dimension}'; use one of: {known}")

    reading = _read(value)
    if isinstance(reading, Parsed):
        return reading
    if dimension == "voltage" and isinstance(value, str):
        clean = _clean(value)
        reading = _read_pair(clean) or _read_after_phases(clean) or reading

    unit, notes = _pick_unit(reading, default_unit)
    return _convert(reading.number, unit, dimension, reading.confidence, notes)


def parse_fraction(value: object, default_unit: str | None = None) -> Parsed:
    """A power factor, efficiency or demand factor as a fraction of one.

    "92%" and a bare 92 both give 0.92; numbers up to 2 are kept as written
    so that a range check can flag them. Under a "%" header, numbers up to 1
    are taken as fractions already (a cell formatted as a percentage).
    """
    reading = _read(value)
    if isinstance(reading, Parsed):
        return reading
    unit, notes = _pick_unit(reading, default_unit)
    number, confidence = float(reading.number), reading.confidence
    said = to_text_number(number)

    if unit == "%" and reading.unit is None and abs(number) <= 1:
        note = f"kept {said} as a fraction under a % heading"
        return Parsed(number, confidence, "%", "fraction", notes + (note,))
    if unit == "%" or (unit is None and abs(number) > 2):
        result = _tidy(number / 100)
        done = f"converted {said} % to {to_text_number(result)}"
        notes += (done if unit else f"read {said} as {said} %",)
        return Parsed(result, min(confidence, 0.9), "%", "fraction", notes)
    if unit in (None, "pu"):
        return Parsed(number, confidence, unit, "fraction", notes)
    return _convert(number, unit, "fraction", confidence, notes)


def parse_phases(value: object) -> Parsed:
    """The number of phases as an int: 1 or 3, and 2 only when written so."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, (float, int)) and not isinstance(value, bool):
        if value in (1, 2, 3):
            return Parsed(int(value), 1.0, dimension="count")
        return _unreadable(value, f"{to_text_number(value)} is not 1, 2 or 3 phases")
    if not isinstance(value, str):
        return _odd_cell(value) or _unreadable(str(value), "not a number of phases")

    text = _clean(value)
    key = _PHASE_JUNK.sub("", text.lower()).rstrip(".")
    digit = _PHASE_DIGIT.fullmatch(key)
    if digit:
        return Parsed(int(digit.group(1)), 1.0, dimension="count")
    if key in _PHASE_WORDS:
        return Parsed(_PHASE_WORDS[key], 1.0, dimension="count")

    count = _phase_letters(key)
    if count:
        note = f"read phase letters '{text}' as {count} phase(s)"
        return Parsed(count, 0.9, dimension="count", notes=(note,))
    return _unreadable(text, f"'{text}' is not a number of phases")


def _phase_letters(key: str) -> int | None:
    """How many phases "AB", "RYB" or "L1L2L3N" name, or None."""
    if not _PHASE_LETTERS.fullmatch(key):
        return None
    names = re.findall(r"l[123]|[abcryb]", key[:-1] if key.endswith("n") else key)
    return len(names) if len(set(names)) == len(names) else None


def parse_integer(value: object) -> Parsed:
    """A count (cores, runs, quantity): 3.0 -> 3, "3C" -> 3, "2x" -> 2.

    A number that is not whole is kept as a float, with a note, so that a
    rule can flag it.
    """
    match = _COUNT.fullmatch(_clean(value)) if isinstance(value, str) else None
    if match:
        number, confidence, notes = _number_from(match.group(1))
        if match.group(2):
            confidence = min(confidence, 0.9)
        reading: _Reading | Parsed = _Reading(number, None, confidence, notes)
    else:
        reading = _read(value)
    if isinstance(reading, Parsed):
        return reading

    number, notes = float(reading.number), reading.notes
    if number.is_integer():
        return Parsed(int(number), reading.confidence, reading.unit, "count", notes)
    notes += (f"{to_text_number(number)} is not a whole number",)
    return Parsed(number, reading.confidence, reading.unit, "count", notes)


def parse_text(value: object) -> Parsed:
    """Text with runs of whitespace made one space; 701.0 -> "701"."""
    if is_empty(value):
        return EMPTY
    if isinstance(value, str):
        return Parsed(_WHITESPACE.sub(" ", value).strip(), 1.0)
    if isinstance(value, CellError):
        return Parsed(value.code, 0.0, notes=(f"cell error {value.code}",), ok=False)
    if isinstance(value, (date, time)):
        return Parsed(_iso(value), 0.9, notes=("read a date cell as text",))
    return Parsed(to_text_number(value), 1.0)


def unit_from_header(header: object) -> str | None:
    """The unit a column header names: "Power (kW)" -> "kW", or None.

    Single letters count only in brackets, after "_" or "in", or as the last
    word after another ("Cable Len m"), never from inside a word.
    """
    if not isinstance(header, str):
        return None
    text = _clean(header)
    for match in _BRACKETED.finditer(text):
        inner = match.group(1).strip()
        glued = match.start() > 0 and text[match.start() - 1].isalpha()
        if glued and inner.lower() in ("s", "es"):
            continue  # "Phase(s)" is a plural, not seconds
        if unit := normalize_unit(inner):
            return unit

    for pattern in (_IN_UNIT, _UNDERSCORE_UNIT):
        match = pattern.search(text)
        if match and (unit := normalize_unit(match.group(1))):
            return unit
    return _unit_from_words([w for w in _HEADER_SPLIT.split(text) if w])


def _unit_from_words(words: list[str]) -> str | None:
    """A unit that is a header's only, last or (for power units) first word."""
    if not words:
        return None
    last = words[-1]
    unit = normalize_unit(last)
    if unit and last.lower() not in _AMBIGUOUS_WORDS:
        if len(words) == 1:
            return unit if len(last) > 1 or last == "%" else None
        if len(last) > 1 or (
            last in _LETTER_UNITS and words[-2].lower() not in _NOT_BEFORE_LETTER
        ):
            return unit

    first = normalize_unit(words[0]) if len(words) > 1 else None
    return first if first in _LEADING_UNITS else None


@dataclass(frozen=True, slots=True)
class CableSpec:
    """What a cable description says: runs x cores x size, and materials."""

    runs: int | None
    cores: float | int | None
    size_mm2: float | None
    earth_mm2: float | None = None
    conductor: str | None = None
    insulation: str | None = None
    armour: str | None = None
    voltage_rating: str | None = None
    confidence: float = 0.9


def parse_cable_spec(text: object) -> CableSpec | None:
    """Read "2 x 4C x 240 sq.mm XLPE/SWA", "4G1.5", "#12 AWG"; None if no size.

    Runs default to 1 when a core count is written. AWG and kcmil sizes are
    converted to mm2. A bare number is taken as the size, with confidence 0.6.
    """
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        return None
    if not isinstance(text, str):
        usable = math.isfinite(text) and text > 0
        return CableSpec(None, None, float(text), confidence=0.6) if usable else None

    clean = _clean(text).replace("²", "2").replace("×", "x").replace("*", "x")
    rating = _VOLTAGE_RATING.search(clean)
    if rating:
        clean = f"{clean[:rating.start()]} {clean[rating.end():]}"
    lower = _KCMIL.sub(_kcmil_as_mm2, _AWG.sub(_awg_as_mm2, clean.lower()))
    layout = _cable_layout([_cable_token(m) for m in _CABLE_TOKEN.finditer(lower)])
    if layout is None:
        return None

    for field, pattern, names in _MATERIALS:
        found = pattern.search(lower)
        layout[field] = names[found.group(1)] if found else None
    layout["voltage_rating"] = rating.group().strip() if rating else None
    return CableSpec(**layout)


def _awg_as_mm2(match: re.Match[str]) -> str:
    cores, gauge = match.group(1), match.group(2) or match.group(3)
    if gauge not in _AWG_MM2:
        return match.group()
    size = f"{to_text_number(_AWG_MM2[gauge])}mm2"
    return f"{cores}x{size}" if cores else size


def _kcmil_as_mm2(match: re.Match[str]) -> str:
    size = round(float(match.group(1)) * _UNIT_SCALE["kcmil"][1], 2)
    return f"{to_text_number(size)}mm2"


_Token = tuple[str, float | None, float | None]


def _cable_token(match: re.Match[str]) -> _Token:
    """(kind, number, cores) for one token; "4G16" is ("cg", 16, 4)."""
    kind = match.lastgroup or "word"
    if kind == "cgsize":
        return "cg", float(match["cgsize"].replace(",", ".")), float(match["cg"])
    if kind in ("cores", "runs", "size", "num"):
        return kind, float(match[kind].replace(",", ".")), None
    return kind, None, None


def _cable_layout(tokens: list[_Token]) -> dict[str, Any] | None:
    """Runs, cores, size, earth and confidence from cable tokens, or None."""
    main, earth = _split_earth(tokens)
    at = _size_index(main)
    if at is None:
        return None

    kind, size, cores = main[at]
    cores_at: int | None = at
    if kind != "cg":
        cores_at = next((i for i, t in enumerate(main) if t[0] == "cores"), None)
        if cores_at is None:
            cores_at = _number_before_x(main, at)
        cores = main[cores_at][1] if cores_at is not None else None

    runs = next((t[1] for t in main if t[0] == "runs"), None)
    if runs is None and cores_at is not None:
        before = _number_before_x(main, cores_at)
        runs = main[before][1] if before is not None else 1
    explicit = kind != "num" or cores is not None or earth is not None
    return {
        "runs": None if runs is None else int(runs),
        "cores": int(cores) if cores is not None and cores.is_integer() else cores,
        "size_mm2": size, "earth_mm2": earth, "confidence": 0.9 if explicit else 0.6,
    }


def _size_index(tokens: list[_Token]) -> int | None:
    """Where the size is: one with a unit, else the end of "N x M", else the last."""
    sized = [i for i, t in enumerate(tokens) if t[0] in ("size", "cg")]
    if sized:
        return sized[0]
    bare = [i for i, t in enumerate(tokens) if t[0] == "num"]
    ends = [i for i in bare if i > 0 and tokens[i - 1][0] in ("x", "cores")
            and (i + 1 == len(tokens) or tokens[i + 1][0] != "x")]
    return ends[0] if ends else (bare[-1] if bare else None)


def _number_before_x(tokens: list[_Token], i: int) -> int | None:
    """The index of a bare number written "N x" just before token i."""
    j = i - 1
    while j >= 0 and tokens[j][0] == "x":
        j -= 1
    return j if 0 <= j < i - 1 and tokens[j][0] == "num" else None


def _split_earth(tokens: list[_Token]) -> tuple[list[_Token], float | None]:
    """Cut off an earth or neutral: "4x95+1x50", "4x95+E50", "3x240/120"."""
    numeric = ("num", "size")
    for i, (kind, _, _) in enumerate(tokens):
        if kind == "plus":
            values = [t[1] for t in tokens[i + 1:] if t[0] in numeric]
            return tokens[:i], values[-1] if values else None
        if kind == "slash" and 0 < i < len(tokens) - 1:
            if tokens[i - 1][0] in numeric and tokens[i + 1][0] in numeric:
                return tokens[:i], tokens[i + 1][1]
    return tokens, None

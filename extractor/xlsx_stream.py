"""An xlsx sheet read cell by cell, for sheets too sparse for calamine.

calamine lays a sheet out as one dense block from A1 to its furthest cell,
so a value at A1 and another at XFD1048576 would need 17 billion slots. This
reader streams the sheet part through expat and keeps only the cells that
hold values, each row ending at its last value: the values calamine would
give, in memory that grows with the values, not with the distance between
them. It is slower than calamine and used only where calamine cannot go.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

from . import package_xml
from .engine_errors import RESAVE
from .errors import LimitExceededError, WorkbookError
from .grid import Cell, CellError

CHUNK_BYTES = 1024 * 1024
MAX_ROWS = package_xml.MAX_ROWS
MAX_COLS = package_xml.MAX_COLS

_DATE_IDS = frozenset([*range(14, 23), *range(27, 37), 45, 47, *range(50, 59)])
_DURATION_IDS = frozenset([46])
_QUOTED = re.compile(r'"[^"]*"|\\.|[_*].')
_BRACKETS = re.compile(r"\[([^\]]*)\]")
_DURATION = re.compile(r"\[(?:h+|m+|s+)\]", re.IGNORECASE)
_DATE_TOKENS = re.compile(r"[dmyhs]", re.IGNORECASE)
_EPOCH_1900 = datetime(1899, 12, 30)
_EPOCH_1904 = datetime(1904, 1, 1)


class Book:
    """What the sheets of one package share: strings, date styles, date system.

    The shared strings and styles are read on first use, once.
    """

    def __init__(
        self,
        zf: zipfile.ZipFile,
        parts: package_xml.BookParts,
        check: Callable[[], None],
    ) -> None:
        self.zf, self.parts, self.check = zf, parts, check
        self._strings: list[str] | None = None
        self._styles: list[str | None] | None = None

    @property
    def strings(self) -> list[str]:
        if self._strings is None:
            part = self.parts.shared_strings
            self._strings = _shared_strings(self.zf, part, self.check) if part else []
        return self._strings

    @property
    def styles(self) -> list[str | None]:
        """Per cell style: "date", "duration" or None."""
        if self._styles is None:
            part = self.parts.styles
            self._styles = _date_styles(self.zf.read(part)) if part else []
        return self._styles


def read_cells(
    book: Book, part: str, *, max_cells: int, path: Path, sheet: str
) -> list[list[Cell]]:
    """The rows of a sheet part, each as long as its last value.

    Raises LimitExceededError when the values, or the rows they make, come
    to more than ``max_cells`` cells, and WorkbookError for a cell outside
    Excel's grid.
    """
    reader = _SheetCells(book, max_cells, path, sheet)
    parser = package_xml.expat_parser()
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.text
    parser.buffer_text = True
    with book.zf.open(part) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            book.check()
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return reader.rows()


class _SheetCells:
    """Collects cell values from expat events, positioned as calamine does."""

    def __init__(self, book: Book, max_cells: int, path: Path, sheet: str) -> None:
        self.book, self.max_cells = book, max_cells
        self.path, self.sheet = path, sheet
        self.values: dict[int, dict[int, Cell]] = {}
        self.count = 0
        self.row, self.col = -1, -1
        self.kind, self.style = "", 0
        self.parts: list[str] = []
        self.collecting = False
        self.in_phonetic = False

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        if name == "row":
            number = attrs.get("r", "")
            self.row = int(number) - 1 if number.isdigit() else self.row + 1
            self.col = -1
        elif name == "c":
            self._place(attrs.get("r"))
            self.kind = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style) if style.isdigit() else 0
            self.parts = []
        elif name == "v" or (name == "t" and not self.in_phonetic):
            self.collecting = True
        elif name == "rPh":
            self.in_phonetic = True

    def end(self, tag: str) -> None:
        name = tag.rpartition(":")[2]
        if name in ("v", "t"):
            self.collecting = False
        elif name == "rPh":
            self.in_phonetic = False
        elif name == "c":
            value = self._value("".join(self.parts))
            if value is not None:
                self._keep(value)

    def text(self, data: str) -> None:
        if self.collecting:
            self.parts.append(data)

    def _place(self, ref: str | None) -> None:
        """Where a cell goes: at its address, else next to the one before."""
        if ref is None:
            self.row, self.col = max(self.row, 0), self.col + 1
        else:
            where = package_xml.parse_ref(ref)
            self.row, self.col = where if where is not None else (MAX_ROWS, 0)
        if self.row >= MAX_ROWS or self.col >= MAX_COLS:
            raise WorkbookError(
                f"the cell {ref or 'at row ' + str(self.row + 1)!r} lies outside "
                "Excel's grid; " + RESAVE,
                path=str(self.path),
                sheet=self.sheet,
            )

    def _value(self, text: str) -> Cell:
        kind = self.kind
        if kind == "s":
            index = int(text) if text.strip().isdigit() else -1
            strings = self.book.strings
            return strings[index] if 0 <= index < len(strings) else None
        if kind in ("str", "inlineStr"):
            return text or None
        if not text:
            return None
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "e":
            return CellError(text.strip())
        if kind == "d":
            return _iso_date(text)
        return self._number(text)

    def _number(self, text: str) -> Cell:
        try:
            number = float(text)
        except ValueError:
            return text
        styles = self.book.styles
        style = styles[self.style] if self.style < len(styles) else None
        if style is None:
            return number
        return _excel_date(number, style, self.book.parts.date1904)

    def _keep(self, value: Cell) -> None:
        self.values.setdefault(self.row, {})[self.col] = value
        self.count += 1
        if self.count > self.max_cells:
            raise self._too_many("the sheet holds more values than")

    def rows(self) -> list[list[Cell]]:
        """The values laid out in rows from A1: as one block, as calamine lays
        them out, when that fits the limit, else each row ending at its last
        value."""
        if not self.values:
            return []
        widths = {row: max(cols) + 1 for row, cols in self.values.items()}
        width = max(widths.values())
        if (max(widths) + 1) * width <= self.max_cells:
            widths = dict.fromkeys(range(max(widths) + 1), width)
        cells = sum(widths.values())
        if cells > self.max_cells:
            values = "1 value" if self.count == 1 else f"{self.count:,} values"
            raise self._too_many(f"the sheet's {values} spread over {cells:,} "
                                 "cells, more than")
        grid: list[list[Cell]] = [[] for _ in range(max(widths) + 1)]
        for row, size in widths.items():
            grid[row] = [""] * size
        for row, cols in self.values.items():
            line = grid[row]
            for col, value in cols.items():
                line[col] = value
        return grid

    def _too_many(self, what: str) -> LimitExceededError:
        return LimitExceededError(
            f"{what} the limit of {self.max_cells:,} cells; delete what is not "
            "needed or raise the limit (--max-cells)",
            path=str(self.path),
            sheet=self.sheet,
        )


def _shared_strings(
    zf: zipfile.ZipFile, part: str, check: Callable[[], None]
) -> list[str]:
    strings: list[str] = []
    parts: list[str] = []
    state = {"collect": False, "phonetic": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        name = tag.rpartition(":")[2]
        if name == "si":
            parts.clear()
        elif name == "t" and not state["phonetic"]:
            state["collect"] = True
        elif name == "rPh":
            state["phonetic"] = True

    def end(tag: str) -> None:
        name = tag.rpartition(":")[2]
        if name == "si":
            strings.append("".join(parts))
        elif name == "t":
            state["collect"] = False
        elif name == "rPh":
            state["phonetic"] = False

    def text(data: str) -> None:
        if state["collect"]:
            parts.append(data)

    parser = package_xml.expat_parser()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    with zf.open(part) as stream:
        while chunk := stream.read(CHUNK_BYTES):
            check()
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    return strings


def _date_styles(xml: bytes) -> list[str | None]:
    """For each cell format (``cellXfs``), "date", "duration" or None."""
    formats: dict[int, str] = {}
    styles: list[str | None] = []
    in_cell_formats = False
    for name, attrs in package_xml.elements(xml):
        if name == "numFmt" and attrs.get("numFmtId", "").isdigit():
            formats[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
        elif name == "cellXfs":
            in_cell_formats = True
        elif name in ("cellStyleXfs", "cellStyles", "dxfs"):
            in_cell_formats = False
        elif name == "xf" and in_cell_formats:
            number = attrs.get("numFmtId", "0")
            styles.append(_format_kind(int(number) if number.isdigit() else 0, formats))
    return styles


def _format_kind(number: int, formats: dict[int, str]) -> str | None:
    if number in formats:
        code = _QUOTED.sub("", formats[number])
        if _DURATION.search(code):
            return "duration"
        code = _BRACKETS.sub("", code)
        return "date" if _DATE_TOKENS.search(code.split(";")[0]) else None
    if number in _DURATION_IDS:
        return "duration"
    return "date" if number in _DATE_IDS else None


def _excel_date(serial: float, kind: str, date1904: bool) -> Cell:
    if kind == "duration":
        return timedelta(days=serial)
    if serial < 0:
        return serial
    if date1904:
        epoch, days = _EPOCH_1904, serial
    else:  # Excel counts a 29 February 1900 that never was
        epoch, days = _EPOCH_1900, serial + (1 if serial < 60 else 0)
    moment = epoch + timedelta(milliseconds=round(days * 86_400_000))
    if serial < 1:
        return time(moment.hour, moment.minute, moment.second, moment.microsecond)
    if serial == int(serial):
        return moment.date()
    return moment


def _iso_date(text: str) -> Cell:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if moment.time() == time(0) and "T" not in text:
        return date(moment.year, moment.month, moment.day)
    return moment

"""Sheet grids: what a source hands to the extraction core.

A grid is the cell values of one sheet as a list of rows, addressed from A1
(row 0, column 0), plus what the format says about the cells around them:
visibility, hidden rows and columns, and merged ranges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time
from typing import Union


@dataclass(frozen=True, slots=True)
class CellError:
    """An Excel error value such as ``#REF!``, kept apart from text."""

    code: str

    def __str__(self) -> str:
        return self.code


Cell = Union[None, str, float, int, bool, date, datetime, time, CellError]


@dataclass(frozen=True, slots=True)
class MergedRange:
    """A merged block, zero-based and inclusive at both ends."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int


@dataclass(slots=True)
class SheetGrid:
    """One sheet's values and layout facts.

    ``rows[r][c]`` is the value of the cell at zero-based row ``r`` and
    column ``c``; rows may be ragged and empty cells are ``None`` or ``""``.
    """

    name: str
    rows: list[list[Cell]]
    visible: bool = True
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()
    merged: list[MergedRange] = field(default_factory=list)
    kind: str = "worksheet"

    def value(self, row: int, col: int) -> Cell:
        if 0 <= row < len(self.rows):
            line = self.rows[row]
            if 0 <= col < len(line):
                return line[col]
        return None

    @property
    def n_rows(self) -> int:
        return len(self.rows)

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


@dataclass(frozen=True, slots=True)
class SourceFinding:
    """Something the reader noticed about the file, for the report's findings.

    ``cell`` is ``Sheet!A1``, or the sheet name alone for a whole sheet.
    """

    rule: str
    severity: str  # "error", "warning" or "info", as report.Finding
    message: str
    cell: str | None = None
    suggestion: str | None = None


@dataclass(slots=True)
class WorkbookGrids:
    """Every sheet of one workbook, in workbook order."""

    path: str
    format: str
    sheets: list[SheetGrid]
    notes: list[str] = field(default_factory=list)
    findings: list[SourceFinding] = field(default_factory=list)


@lru_cache(maxsize=4096)  # asked for once per value read
def column_letter(col: int) -> str:
    """Zero-based column index to Excel letters: 0 -> A, 26 -> AA."""
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def a1(row: int, col: int) -> str:
    """Zero-based row and column to an A1 address."""
    return f"{column_letter(col)}{row + 1}"


def is_blank(value: Cell) -> bool:
    """True for cells that hold nothing a reader would see."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return False

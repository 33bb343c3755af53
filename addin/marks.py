"""Which sheets the add-in made: a name local to each result sheet says so.

A result sheet carries the sheet-scoped defined name ``_excel_extract``
whose value is the role of the sheet, e.g. ``="excel-extract:Loads"``. The
mark goes where the sheet goes (a rename keeps it), shows in Excel's Name
Manager, and is saved in every file format that has sheets. A sheet
without the mark is the user's, even when it is called "Loads".
"""

from __future__ import annotations

import xlwings as xw

from extractor.package_xml import RESULT_MARK as MARK
from extractor.package_xml import RESULT_PREFIX as PREFIX


def result_role(sheet: xw.Sheet) -> str | None:
    """The result sheet this is ("Loads", "Findings", ...), or None if the user's."""
    for name in sheet.names:
        if name.name.rpartition("!")[2] != MARK:
            continue
        value = (name.refers_to or "").lstrip("=").strip('"')
        if value.startswith(PREFIX):
            return value[len(PREFIX):]
    return None


def mark(sheet: xw.Sheet, role: str) -> None:
    """Mark ``sheet`` as the add-in's result sheet for ``role``."""
    sheet.names.add(MARK, f'="{PREFIX}{role}"')


def result_sheets(book: xw.Book) -> dict[str, xw.Sheet]:
    """The add-in's result sheets of ``book`` by role; the first of each role."""
    found: dict[str, xw.Sheet] = {}
    for sheet in book.sheets:
        role = result_role(sheet)
        if role is not None:
            found.setdefault(role, sheet)
    return found

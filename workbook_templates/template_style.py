"""Looks and saving shared by the templates and the sample project.

Saving goes through :func:`save_reproducible`, which fixes the timestamps
openpyxl and zipfile would take from the clock, so running the build twice
gives the same bytes and the committed files only change when their content
does.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

FIXED_TIME = datetime(2024, 3, 18, 9, 0, 0)
AUTHOR = "Northgate WTW electrical design team"

TITLE_FONT = Font(name="Arial", size=14, bold=True)
LABEL_FONT = Font(name="Arial", size=9, bold=True)
BODY_FONT = Font(name="Arial", size=9)
BOLD_FONT = Font(name="Arial", size=9, bold=True)
ITALIC_FONT = Font(name="Arial", size=8, italic=True)

HEADER_FILL = PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2")
GROUP_FILL = PatternFill(fill_type="solid", start_color="B4C6E7", end_color="B4C6E7")
SECTION_FILL = PatternFill(fill_type="solid", start_color="F2F2F2", end_color="F2F2F2")

THIN = Side(style="thin", color="808080")
MEDIUM = Side(style="medium", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
UNDERLINE = Border(bottom=THIN)
TOTAL_BORDER = Border(top=MEDIUM, bottom=MEDIUM, left=THIN, right=THIN)

CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center")


def new_workbook() -> Workbook:
    """An empty workbook with fixed document properties and no sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = AUTHOR
    wb.properties.lastModifiedBy = AUTHOR
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def style_range(ws: Worksheet, ref: str, **styles: object) -> None:
    """Set the same style attributes (font, fill, border, ...) on a range."""
    for row in ws[ref]:
        for cell in row:
            for name, value in styles.items():
                setattr(cell, name, value)


def header_row(
    ws: Worksheet, row: int, texts: Sequence[str | None], *, fill=HEADER_FILL
) -> None:
    """Write a bold, boxed, centred header row starting at column A."""
    for col, text in enumerate(texts, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font = BOLD_FONT
        cell.fill = fill
        cell.border = BOX
        cell.alignment = CENTER


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    """Set column widths from column A on."""
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def landscape(ws: Worksheet, title_rows: str | None = None) -> None:
    """Print on landscape A3, one page wide, repeating the header rows."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A3
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows


def save_reproducible(wb: Workbook, path: Path) -> Path:
    """Save ``wb`` to ``path`` with fixed timestamps inside and out."""
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)

    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(
        out, "w", zipfile.ZIP_DEFLATED
    ) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fix_modified(data, stamp)
            fixed = zipfile.ZipInfo(info.filename, FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)

    path.write_bytes(out.getvalue())
    return path


def _fix_modified(core_xml: bytes, stamp: str) -> bytes:
    pattern = rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)"
    return re.sub(pattern, rb"\g<1>" + stamp.encode() + rb"\g<2>", core_xml)

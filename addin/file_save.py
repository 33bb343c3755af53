"""Saving a file-engine book with its formulas and their cached results.

openpyxl writes a formula without the result Excel had cached for it, so
any reader but Excel (calamine, pandas, ``excel-extract run``, the file
engine itself) would see an empty cell until the file is opened and saved
in Excel. After openpyxl has written the package, this puts the cached
results that were read from the original back into the formula cells.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils.datetime import to_excel

from extractor import package_xml

# openpyxl writes a formula cell as <c r="A1" s="2"><f>...</f><v/></c>
_FORMULA_CELL = re.compile(
    rb'<c r="([A-Z]+[0-9]+)"([^>]*)>(<f[^>]*/>|<f[^>]*>.*?</f>)<v ?/></c>', re.S)

Lookup = Callable[[int, int], object]


def add_cached_values(path: Path, lookups: dict[str, Lookup]) -> int:
    """Write cached results into the formula cells of the saved file at ``path``.

    ``lookups`` maps a sheet name to a function giving the cached value of a
    cell (one-based row and column), or None where there is none. Returns
    the number of cells given a value.
    """
    with zipfile.ZipFile(path) as zf:
        sheets = package_xml.sheet_parts(zf)
        parts = {part: lookups[name] for name, part in sheets.items()
                 if part and name in lookups}
        if not parts:
            return 0
        filled = 0
        fd, tmp_name = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
        os.close(fd)
        with zipfile.ZipFile(tmp_name, "w", zipfile.ZIP_DEFLATED) as out:
            for info in zf.infolist():
                data = zf.read(info)
                if info.filename in parts:
                    data, count = _fill(data, parts[info.filename])
                    filled += count
                out.writestr(info, data)
    shutil.move(tmp_name, path)
    return filled


def _fill(xml: bytes, lookup: Lookup) -> tuple[bytes, int]:
    count = 0

    def put(match: re.Match[bytes]) -> bytes:
        nonlocal count
        ref, attrs, formula = match.group(1), match.group(2), match.group(3)
        found = package_xml.parse_ref(ref.decode("ascii"))
        value = None if found is None else lookup(found[0] + 1, found[1] + 1)
        encoded = _encode(value)
        if encoded is None or b" t=" in attrs:
            return match.group(0)
        kind, text = encoded
        count += 1
        type_attr = b' t="' + kind + b'"' if kind else b""
        return (b'<c r="' + ref + b'"' + attrs + type_attr + b">" + formula
                + b"<v>" + text + b"</v></c>")

    return _FORMULA_CELL.sub(put, xml), count


def _encode(value) -> tuple[bytes, bytes] | None:
    """The cell type and <v> text of a cached value."""
    if value is None:
        return None
    if isinstance(value, bool):
        return b"b", b"1" if value else b"0"
    if isinstance(value, (int, float)):
        return b"", repr(float(value)).encode()
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return b"", repr(float(to_excel(value))).encode()
    kind = b"e" if type(value).__name__ == "ErrorValue" else b"str"
    return kind, escape(str(value)).encode("utf-8")

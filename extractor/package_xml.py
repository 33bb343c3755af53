"""What calamine leaves out, read from the XML parts of xlsx and ods packages.

Calamine returns error cells as empty text and knows nothing of hidden rows
and columns. This module finds them in the sheet XML, together with each
sheet's declared size and merged ranges. Sheet parts are streamed in chunks
and searched as bytes with precompiled patterns, so a scan costs little more
than unzipping: no DOM is built and no parser visits every cell.
"""

from __future__ import annotations

import html
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO

from .grid import MergedRange

CHUNK_BYTES = 2 * 1024 * 1024
HEAD_BYTES = 64 * 1024
# A hit is looked at with this much text before it (the start of its tag) and
# after it (the rest of a cell, whose formula may be long).
LOOKBEHIND = 4 * 1024
LOOKAHEAD = 128 * 1024

MAX_ROWS = 1_048_576
MAX_COLS = 16_384

_NS = rb"(?:[\w.-]+:)?"
_TAG_NAME = re.compile(rb"<" + _NS + rb"([\w.-]+)")
_HIDDEN = re.compile(rb"\shidden=[\"'](?:1|true)[\"']")
_ERROR_TYPE = re.compile(rb"\st=[\"']e[\"']")
_CELL_END = re.compile(rb"</" + _NS + rb"c>")
_VALUE = re.compile(rb"<" + _NS + rb"v>([^<]*)</")
_MERGE = re.compile(rb"<" + _NS + rb"mergeCell\s[^>]*?ref=[\"']([^\"']+)[\"']")
_DIMENSION = re.compile(rb"<" + _NS + rb"dimension\s[^>]*?ref=[\"']([^\"']+)[\"']")
_SHEET_DATA = re.compile(rb"<" + _NS + rb"sheetData[\s>/]")
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_ATTRS = {
    name: re.compile(rb"\s" + name + rb"=[\"']([^\"']*)[\"']")
    for name in (b"r", b"min", b"max")
}

_ODS_TAG = re.compile(rb"<table:(table-row|table-column|table)(?=[\s/>])([^>]*)>")
_ODS_NAME = re.compile(rb"\stable:name=\"([^\"]*)\"")
_ODS_REPEAT = {
    b"table-row": re.compile(rb"\stable:number-rows-repeated=\"(\d+)\""),
    b"table-column": re.compile(rb"\stable:number-columns-repeated=\"(\d+)\""),
}
_ODS_HIDDEN = re.compile(rb"\stable:visibility=\"(?:collapse|filter)\"")
_ODS_MARKERS = (b'table:visibility="collapse"', b'table:visibility="filter"')


@dataclass(slots=True)
class SheetFacts:
    """Error cells, hidden rows and columns and merges found in a sheet part.

    Hidden rows and columns are zero-based ``(first, last)`` spans, inclusive.
    """

    errors: list[tuple[int, int, str]] = field(default_factory=list)
    hidden_rows: list[tuple[int, int]] = field(default_factory=list)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    merged: list[MergedRange] = field(default_factory=list)


def parse_ref(ref: str) -> tuple[int, int] | None:
    """An A1 reference to zero-based ``(row, col)``; None if it is not one."""
    match = _REF.fullmatch(ref.strip())
    if not match or int(match.group(2)) == 0:
        return None
    col = 0
    for letter in match.group(1).upper():
        col = col * 26 + ord(letter) - 64
    return int(match.group(2)) - 1, col - 1


def parse_range(ref: str) -> MergedRange | None:
    """``"A1:C2"`` (or a single cell) to a zero-based inclusive range."""
    first, _, last = ref.partition(":")
    start = parse_ref(first)
    end = parse_ref(last) if last else start
    if start is None or end is None:
        return None
    return MergedRange(start[0], start[1], end[0], end[1])


def workbook_part(zf: zipfile.ZipFile) -> str | None:
    """The package's main workbook part, from ``_rels/.rels``."""
    rels = _relationships(zf, "")
    for kind, target in rels.values():
        if kind.endswith("/officeDocument"):
            return target
    for name in ("xl/workbook.xml", "xl/workbook.bin"):
        if _member(zf, name):
            return name
    return None


def sheet_parts(zf: zipfile.ZipFile) -> dict[str, str | None]:
    """Sheet name to its part in the package, in workbook order."""
    workbook = workbook_part(zf)
    if workbook is None or not workbook.endswith(".xml"):
        return {}
    rels = _relationships(zf, workbook)
    root = ET.fromstring(zf.read(_member(zf, workbook) or workbook))
    parts: dict[str, str | None] = {}
    for element in root.iter():
        if _local(element.tag) != "sheet":
            continue
        rel_id = next((v for k, v in element.attrib.items() if _local(k) == "id"), None)
        target = rels.get(rel_id or "", ("", None))[1]
        parts[element.get("name", "")] = _member(zf, target) if target else None
    return parts


def read_dimension(zf: zipfile.ZipFile, part: str) -> tuple[int, int] | None:
    """Rows and columns from A1 that a sheet's ``<dimension>`` declares."""
    with zf.open(part) as stream:
        head = stream.read(HEAD_BYTES)
    data_at = _SHEET_DATA.search(head)
    match = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    if not match:
        return None
    extent = parse_range(match.group(1).decode("ascii", "replace"))
    if extent is None:
        return None
    return extent.last_row + 1, extent.last_col + 1


def scan_sheet(zf: zipfile.ZipFile, part: str) -> SheetFacts:
    """Find error cells, hidden rows and columns and merges in a sheet part."""
    facts = SheetFacts()
    with zf.open(part) as stream:
        for buffer, start, end in _windows(stream):
            if b"hidden=" in buffer:
                _find_hidden(buffer, start, end, facts)
            if b't="e"' in buffer or b"t='e'" in buffer:
                _find_errors(buffer, start, end, facts)
            if b"mergeCell" in buffer:
                _find_merges(buffer, start, end, facts)
    return facts


def ods_hidden(zf: zipfile.ZipFile) -> dict[str, SheetFacts]:
    """Hidden rows and columns of each table in an ods package, by name."""
    if not _mentions(zf, "content.xml", _ODS_MARKERS):
        return {}
    tables = _OdsTables()
    with zf.open("content.xml") as stream:
        for buffer, start, end in _windows(stream):
            for match in _ODS_TAG.finditer(buffer, start):
                if match.start() >= end:
                    break
                tables.add(match.group(1), match.group(2))
    return tables.found


class _OdsTables:
    """Counts the rows and columns of each table, noting the hidden ones."""

    def __init__(self) -> None:
        self.found: dict[str, SheetFacts] = {}
        self.facts = SheetFacts()
        self.row = self.col = 0

    def add(self, kind: bytes, attrs: bytes) -> None:
        """Take in one table, row or column start tag, in document order."""
        if kind == b"table":
            name = _ODS_NAME.search(attrs)
            self.facts, self.row, self.col = SheetFacts(), 0, 0
            label = html.unescape(_text(name.group(1))) if name else ""
            self.found[label] = self.facts
            return
        count = _repeat(kind, attrs)
        hidden = _ODS_HIDDEN.search(attrs) is not None
        if kind == b"table-row":
            if hidden:
                self.facts.hidden_rows.append((self.row, self.row + count - 1))
            self.row += count
        else:
            if hidden:
                self.facts.hidden_cols.append((self.col, self.col + count - 1))
            self.col += count


def _windows(stream: IO[bytes]) -> Iterator[tuple[bytes, int, int]]:
    """Yield ``(buffer, start, end)``: search for hits starting in start..end.

    Consecutive windows overlap, so every hit is seen once with at least
    LOOKBEHIND bytes before it and LOOKAHEAD bytes after ``end``.
    """
    buffer, start = b"", 0
    while chunk := stream.read(CHUNK_BYTES):
        buffer += chunk
        end = len(buffer) - LOOKAHEAD
        if end <= start:
            continue
        yield buffer, start, end
        cut = max(0, end - LOOKBEHIND)
        buffer, start = buffer[cut:], end - cut
    if len(buffer) > start:
        yield buffer, start, len(buffer)


def _find_hidden(buffer: bytes, start: int, end: int, facts: SheetFacts) -> None:
    for hit in _HIDDEN.finditer(buffer, start):
        if hit.start() >= end:
            break
        tag = _tag_around(buffer, hit.start())
        if tag is None:
            continue
        name, attrs = tag[0], buffer[tag[1] : tag[2]]
        if name == b"row":
            row = _int_attr(attrs, b"r")
            if row is not None and 1 <= row <= MAX_ROWS:
                facts.hidden_rows.append((row - 1, row - 1))
        elif name == b"col":
            first, last = _int_attr(attrs, b"min"), _int_attr(attrs, b"max")
            if first is not None and first >= 1:
                last = min(last or first, MAX_COLS)
                facts.hidden_cols.append((first - 1, last - 1))


def _find_errors(buffer: bytes, start: int, end: int, facts: SheetFacts) -> None:
    for hit in _ERROR_TYPE.finditer(buffer, start):
        if hit.start() >= end:
            break
        tag = _tag_around(buffer, hit.start())
        if tag is None or tag[0] != b"c" or buffer[tag[2] - 1 : tag[2]] == b"/":
            continue
        ref = _ATTRS[b"r"].search(buffer, tag[1], tag[2])
        close = _CELL_END.search(buffer, tag[2])
        if ref is None or close is None:
            continue
        value = _VALUE.search(buffer, tag[2], close.start())
        where = parse_ref(_text(ref.group(1)))
        code = _text(value.group(1)).strip() if value else ""
        if where is not None and code.startswith("#"):
            facts.errors.append((where[0], where[1], code))


def _find_merges(buffer: bytes, start: int, end: int, facts: SheetFacts) -> None:
    for match in _MERGE.finditer(buffer, start):
        if match.start() >= end:
            break
        merged = parse_range(_text(match.group(1)))
        if merged is not None:
            facts.merged.append(merged)


def _tag_around(buffer: bytes, pos: int) -> tuple[bytes, int, int] | None:
    """Name, start and end (just past ``>``) of the tag holding ``pos``."""
    opening = buffer.rfind(b"<", 0, pos)
    closing = buffer.find(b">", pos)
    if opening < 0 or closing < 0:
        return None
    name = _TAG_NAME.match(buffer, opening)
    if name is None:
        return None
    return name.group(1), opening, closing + 1


def _int_attr(attrs: bytes, name: bytes) -> int | None:
    match = _ATTRS[name].search(attrs)
    if match and match.group(1).isdigit():
        return int(match.group(1))
    return None


def _repeat(kind: bytes, attrs: bytes) -> int:
    match = _ODS_REPEAT[kind].search(attrs)
    return max(1, int(match.group(1))) if match else 1


def _mentions(zf: zipfile.ZipFile, part: str, markers: tuple[bytes, ...]) -> bool:
    """True if any marker occurs in the part (streamed, never all in memory)."""
    with zf.open(part) as stream:
        for buffer, _, _ in _windows(stream):
            if any(marker in buffer for marker in markers):
                return True
    return False


def _relationships(zf: zipfile.ZipFile, source: str) -> dict[str, tuple[str, str]]:
    """Relationship id to (type, target part) for a part ("" for the package)."""
    folder, name = posixpath.split(source)
    rels_part = _member(zf, posixpath.join(folder, "_rels", name + ".rels"))
    if rels_part is None:
        return {}
    rels = {}
    for element in ET.fromstring(zf.read(rels_part)).iter():
        target = element.get("Target")
        if _local(element.tag) != "Relationship" or not target:
            continue
        if element.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            path = target[1:]
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        rels[element.get("Id", "")] = (element.get("Type", ""), path)
    return rels


def _member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The member called ``name``, matched without regard to case if need be."""
    try:
        zf.getinfo(name)
        return name
    except KeyError:
        pass
    lowered = name.lower()
    return next((n for n in zf.namelist() if n.lower() == lowered), None)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2].rpartition(":")[2]


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")

"""What calamine leaves out, read from the XML parts of xlsx and ods packages.

Calamine returns error cells as empty text and knows nothing of hidden rows
and columns. This module finds them in the sheet XML, together with each
sheet's declared size and merged ranges. Sheet parts are streamed in chunks
and searched as bytes with precompiled patterns, so a scan costs little more
than unzipping: no DOM is built and no parser visits every cell.

The same byte patterns bound how far a sheet's cells reach before calamine,
which lays a sheet out as one dense block, is handed it. The few small parts
parsed as XML go through expat with any document type declaration refused,
so no entity is ever expanded.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.parsers import expat

from .grid import MergedRange, column_letter

CHUNK_BYTES = 1024 * 1024
HEAD_BYTES = 64 * 1024
# A hit is looked at with this much text before it (the start of its tag) and
# after it (the rest of a cell, whose formula may be long).
LOOKBEHIND = 4 * 1024
LOOKAHEAD = 128 * 1024

MAX_ROWS = 1_048_576
MAX_COLS = 16_384

_NS = rb"(?:[\w.-]+:)?"
_TAG_NAME = re.compile(rb"<" + _NS + rb"([\w.-]+)")
# Searched from their first letter, so that a search skips ahead fast; the
# whitespace before them is checked apart.
_HIDDEN = re.compile(rb"hidden=[\"'](?:1|true)[\"']")
_ERROR_TYPE = re.compile(rb"t=[\"']e[\"']")
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

_ROOT = re.compile(rb"<(?:([\w.-]+):)?worksheet[\s>]")
_ROW_NUMBER = re.compile(rb"row r=[\"']0*([0-9]+)[\"']")
_FORMULA_STARTS = (re.compile(rb"<f[ >]"), re.compile(rb":f[ >]"))
# An empty value, or none, then the end of the cell.
_EMPTY_VALUE = rb"<" + _NS + rb"v\s*/>|<" + _NS + rb"v>\s*</" + _NS + rb"v>"
_NO_RESULT = rb"\s*(" + _EMPTY_VALUE + rb")?\s*</" + _NS + rb"c>"
_UNCALCULATED = re.compile(
    rb"(?:</" + _NS + rb"f>|<" + _NS + rb"f\s[^>]*/>)" + _NO_RESULT
)
# The same cells found from the end of the formula's tag (the "f>" of "</f>"
# or the "/>" of "<f .../>"), plain text that a search skips ahead to fast.
_FORMULA_ENDS = (re.compile(rb"f>" + _NO_RESULT), re.compile(rb"/>" + _NO_RESULT))
_CELL_START = re.compile(rb"<" + _NS + rb"c[\s>/]")
_TYPE = re.compile(rb"\st=[\"']([^\"']*)[\"']")
_TEXT_TYPES = (b"str", b"inlineStr")

_ODS_TAG = re.compile(rb"<table:(table-row|table-column|table)(?=[\s/>])([^>]*)>")
_ODS_NAME = re.compile(rb"\stable:name=\"([^\"]*)\"")
_ODS_REPEAT = {
    b"table-row": re.compile(rb"\stable:number-rows-repeated=\"(\d+)\""),
    b"table-column": re.compile(rb"\stable:number-columns-repeated=\"(\d+)\""),
}
_ODS_HIDDEN = re.compile(rb"\stable:visibility=\"(?:collapse|filter)\"")
_ODS_MARKERS = (b'table:visibility="collapse"', b'table:visibility="filter"')
_ODS_CELLS = re.compile(
    rb"<table:(table|table-row|covered-table-cell|table-cell)(?=[\s/>])([^>]*)>"
    rb"|</table:table-row>"
)
_ODS_VALUE = re.compile(rb"\soffice:value-type=")


class UnsafeXmlError(ValueError):
    """A part declares a document type: entities that a reader could expand."""


def _never() -> None:
    """A deadline that never passes."""


@dataclass(slots=True)
class SheetFacts:
    """Error cells, hidden rows and columns and merges found in a sheet part.

    Hidden rows and columns are zero-based ``(first, last)`` spans, inclusive.
    """

    errors: list[tuple[int, int, str]] = field(default_factory=list)
    hidden_rows: list[tuple[int, int]] = field(default_factory=list)
    hidden_cols: list[tuple[int, int]] = field(default_factory=list)
    merged: list[MergedRange] = field(default_factory=list)
    formulas: bool = False
    uncalculated: list[tuple[int, int]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BookParts:
    """What the workbook part says about the package as a whole."""

    sheets: dict[str, str | None]
    shared_strings: str | None = None
    styles: str | None = None
    date1904: bool = False
    recalculate_on_open: bool = False
    results: frozenset[str] = frozenset()
    """Sheets marked as result sheets of this product (``RESULT_MARK``)."""


RESULT_MARK = "_excel_extract"
"""The sheet-scoped name that marks the product's own result sheets."""
RESULT_PREFIX = "excel-extract:"
"""The mark's value: this, then the sheet's role (``="excel-extract:Loads"``)."""


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
    return book_parts(zf).sheets


def book_parts(zf: zipfile.ZipFile) -> BookParts:
    """The sheet parts, the shared strings and styles parts, and calc flags."""
    workbook = workbook_part(zf)
    if workbook is None or not workbook.endswith(".xml"):
        return BookParts({})
    rels = _relationships(zf, workbook)
    parts: dict[str, str | None] = {}
    flags = {"date1904": False, "recalculate_on_open": False}
    marked: set[int] = set()
    for name, attrs in elements(zf.read(_member(zf, workbook) or workbook)):
        if name == "definedName" and attrs.get("name") == RESULT_MARK:
            marked.add(int(attrs.get("localSheetId", "-1") or -1))
        elif name == "sheet":
            rel_id = next((v for k, v in attrs.items() if _local(k) == "id"), "")
            target = rels.get(rel_id, ("", None))[1]
            parts[attrs.get("name", "")] = _member(zf, target) if target else None
        elif name == "workbookPr":
            flags["date1904"] = attrs.get("date1904") in ("1", "true")
        elif name == "calcPr":
            flags["recalculate_on_open"] = attrs.get("fullCalcOnLoad") in ("1", "true")
    by_type = {kind.rpartition("/")[2]: target for kind, target in rels.values()}
    names = list(parts)
    results = frozenset(names[i] for i in marked if 0 <= i < len(names))
    return BookParts(
        parts,
        _member(zf, by_type.get("sharedStrings", "")),
        _member(zf, by_type.get("styles", "")),
        results=results,
        **flags,
    )


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


def scan_sheet(
    zf: zipfile.ZipFile, part: str, check: Callable[[], None] = _never
) -> SheetFacts:
    """Find error cells, hidden rows and columns, merges and formulas left
    uncalculated in a sheet part. ``check`` is called between chunks."""
    facts = SheetFacts()
    with zf.open(part) as stream:
        for buffer, start, end in windows(stream):
            check()
            scan_window(buffer, start, end, facts)
    return facts


def scan_window(buffer: bytes, start: int, end: int, facts: SheetFacts) -> None:
    """Add to ``facts`` what starts in ``start..end`` of a window of a sheet part."""
    _find_hidden(buffer, start, end, facts)
    _find_errors(buffer, start, end, facts)
    if b"mergeCell" in buffer:
        _find_merges(buffer, start, end, facts)
    if not facts.formulas:
        facts.formulas = any(mark.search(buffer) for mark in _FORMULA_STARTS)
    if facts.formulas:
        _find_uncalculated(buffer, start, end, facts)


def sheet_extent(
    zf: zipfile.ZipFile,
    part: str,
    declared_up_to: int = 0,
    check: Callable[[], None] = _never,
) -> tuple[int, int] | None:
    """Rows and columns from A1 that the cells of a sheet part reach, at most.

    None when some cell does not begin with its ``r="A1"`` address, so that
    only reading it cell by cell can tell where it lies, or lies outside
    Excel's grid. The part's declared
    dimension is taken as a start when it spans no more than
    ``declared_up_to`` cells; cells beyond it are still found. Raises
    UnsafeXmlError for a part with a document type declaration.
    """
    with zf.open(part) as stream:
        chunks = windows(stream)
        first = next(chunks, None)
        if first is None:
            return 0, 0
        refuse_doctype(first[0])
        prefix = worksheet_root(first[0])
        if prefix is None:
            return None
        rows, cols = declared(first[0], declared_up_to)
        bound = _Bound(prefix, rows, cols, trust_rows=rows > 0)
        for buffer, _, end in chain(first, chunks):
            check()
            if not bound.take(buffer, end):
                return None
    return bound.rows, bound.cols


class _Bound:
    """How far the cells seen so far reach, and a pattern for cells beyond.

    The pattern matches only what lies past the first digit of the furthest
    row and the first letter of the furthest column, so a sound file gives
    it next to nothing to match; the bound is rounded up to suit.
    """

    def __init__(self, prefix: bytes, rows: int, cols: int, trust_rows: bool) -> None:
        self.prefix = re.escape(prefix + b":") if prefix else b""
        self.row, self.col, self.trust_rows = rows, cols, trust_rows

    @property
    def rows(self) -> int:
        digits = str(self.row)
        return (int(digits[0]) + 1) * 10 ** (len(digits) - 1) - 1 if self.row else 0

    @property
    def cols(self) -> int:
        if not self.col:
            return 0
        letters = column_letter(self.col - 1)
        return _column_number(letters[0].encode() + b"Z" * (len(letters) - 1))

    def take(self, buffer: bytes, end: int) -> bool:
        """Widen the bound by the cells that start before ``end``; False for a
        cell that does not begin with a plain ``r="A1"`` address."""
        if not self.trust_rows:
            # rows come in order: start from this chunk's last row, so that
            # only the cells beyond it (none, in a sound file) are matched
            self.row = max([self.row, *row_numbers(buffer, end)])
        for match in _beyond_pattern(self.prefix, self.row, self.col).finditer(buffer):
            if match.start() >= end:
                break
            letters, number = match.groups()
            if letters is None:
                return False
            self.row = max(self.row, int(number))
            self.col = max(self.col, _column_number(letters))
        return self.row <= MAX_ROWS and self.col <= MAX_COLS


def _beyond_pattern(prefix: bytes, row: int, col: int) -> re.Pattern[bytes]:
    """Cell tags past the bound of ``row`` and ``col``, or with no plain address."""
    beyond = rb"(?=(?:" + _letters_beyond(col) + rb")[0-9]|[A-Za-z]+(?:"
    beyond += _digits_beyond(row) + rb')")'
    return re.compile(
        rb"<" + prefix + rb'c(?: r="' + beyond + rb'([A-Za-z]+)([0-9]+)"'
        rb'|(?! r="[A-Za-z]{1,3}[1-9][0-9]{0,6}")[\s>/])'
    )


def _digits_beyond(row: int) -> bytes:
    """Row numbers with more digits than ``row``, or a greater first digit."""
    digits = str(row).encode()
    size = len(digits)
    longer = rb"[1-9][0-9]{%d,}" % size
    if digits[0] == ord("9"):
        return longer
    return longer + rb"|[%c-9][0-9]{%d}" % (max(digits[0] + 1, ord("1")), size - 1)


def _letters_beyond(col: int) -> bytes:
    """Column letters (either case) longer than those of ``col`` (A = 1), or
    with a later first letter."""
    if col <= 0:
        return rb"[A-Za-z]+"
    letters = column_letter(col - 1).encode()
    size = len(letters)
    longer = rb"[A-Za-z]{%d,}" % (size + 1)
    if letters[0] == ord("Z"):
        return longer
    up = letters[0] + 1
    return longer + rb"|[%c-Z%c-z][A-Za-z]{%d}" % (up, up + 32, size - 1)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def worksheet_root(head: bytes) -> bytes | None:
    """The namespace prefix of a worksheet's root element (b"" for none);
    None when the head of a part holds no worksheet."""
    root = _ROOT.search(head)
    return None if root is None else root.group(1) or b""


def row_numbers(buffer: bytes, end: int) -> list[int]:
    """The numbers of the rows whose tags start before ``end``."""
    return [int(number) for number in _ROW_NUMBER.findall(buffer, 0, end)]


def declared(head: bytes, up_to: int) -> tuple[int, int]:
    """The declared rows and columns if they span no more than ``up_to`` cells."""
    data_at = _SHEET_DATA.search(head)
    match = _DIMENSION.search(head, 0, data_at.start() if data_at else len(head))
    extent = parse_range(_text(match.group(1))) if match else None
    if extent is None:
        return 0, 0
    rows, cols = extent.last_row + 1, extent.last_col + 1
    return (rows, cols) if rows * cols <= up_to else (0, 0)


def chain(
    first: tuple[bytes, int, int], rest: Iterator[tuple[bytes, int, int]]
) -> Iterator[tuple[bytes, int, int]]:
    yield first
    yield from rest


def refuse_doctype(head: bytes) -> None:
    """Raise UnsafeXmlError if the start of a part declares a document type."""
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise UnsafeXmlError("a document type declaration")


def ods_extents(
    zf: zipfile.ZipFile, check: Callable[[], None] = _never
) -> dict[str, tuple[int, int]]:
    """Rows and columns from A1 that the values of each ods table reach."""
    extents: dict[str, tuple[int, int]] = {}
    walker = _OdsExtent()
    with zf.open("content.xml") as stream:
        for buffer, start, end in windows(stream):
            check()
            for match in _ODS_CELLS.finditer(buffer, start):
                if match.start() >= end:
                    break
                walker.add(match.group(1), match.group(2) or b"", extents)
    return extents


class _OdsExtent:
    """Follows rows and cells with their repeats, noting the furthest value."""

    def __init__(self) -> None:
        self.name = ""
        self.row = self.col = self.row_repeat = 0
        self.extent = (0, 0)

    def add(
        self, kind: bytes | None, attrs: bytes, extents: dict[str, tuple[int, int]]
    ) -> None:
        if kind is None:  # the end of a row
            self.row += self.row_repeat
            self.row_repeat = 0
        elif kind == b"table":
            name = _ODS_NAME.search(attrs)
            self.name = html.unescape(_text(name.group(1))) if name else ""
            self.row = self.row_repeat = 0
            self.extent = extents[self.name] = (0, 0)
        elif kind == b"table-row":
            self.col, self.row_repeat = 0, _repeat(kind, attrs)
            if attrs.endswith(b"/"):
                self.add(None, b"", extents)
        else:
            count = _repeat(b"table-column", attrs)
            if _ODS_VALUE.search(attrs) or not attrs.endswith(b"/"):
                rows = self.row + max(self.row_repeat, 1)
                self.extent = (
                    max(self.extent[0], rows),
                    max(self.extent[1], self.col + count),
                )
                extents[self.name] = self.extent
            self.col += count


def ods_hidden(zf: zipfile.ZipFile) -> dict[str, SheetFacts]:
    """Hidden rows and columns of each table in an ods package, by name."""
    if not _mentions(zf, "content.xml", _ODS_MARKERS):
        return {}
    tables = _OdsTables()
    with zf.open("content.xml") as stream:
        for buffer, start, end in windows(stream):
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


def windows(stream: IO[bytes]) -> Iterator[tuple[bytes, int, int]]:
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
    for hit in _attributes(_HIDDEN, buffer, start, end):
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
    for hit in _attributes(_ERROR_TYPE, buffer, start, end):
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


def _find_uncalculated(
    buffer: bytes, start: int, end: int, facts: SheetFacts
) -> None:
    """Formula cells with no result: ``<f>..</f>`` and no ``<v>``, or an empty
    one where the formula does not return text."""
    for hit in _formula_ends(buffer, start, end):
        opening = _last_cell_start(buffer, hit.start())
        if opening is None:
            continue
        close = buffer.find(b">", opening)
        kind = _TYPE.search(buffer, opening, close)
        if hit.group(1) and kind and kind.group(1) in _TEXT_TYPES:
            continue  # an empty text result, calculated
        ref = _ATTRS[b"r"].search(buffer, opening, close)
        where = parse_ref(_text(ref.group(1))) if ref else None
        if where is not None:
            facts.uncalculated.append(where)


def _formula_ends(buffer: bytes, start: int, end: int) -> list[re.Match[bytes]]:
    """The ends of formulas with no result that start in ``start..end``, as
    matches of ``_UNCALCULATED``, in document order."""
    found = []
    for pattern in _FORMULA_ENDS:
        for hit in pattern.finditer(buffer, start):
            if hit.start() >= end:
                break
            tag = buffer.rfind(b"<", 0, hit.start())
            match = _UNCALCULATED.match(buffer, tag) if tag >= 0 else None
            if match is not None:
                found.append(match)
    return sorted(found, key=lambda match: match.start())


def _attributes(
    pattern: re.Pattern[bytes], buffer: bytes, start: int, end: int
) -> Iterator[re.Match[bytes]]:
    """Hits of an attribute pattern starting in ``start..end`` that follow
    whitespace, as attributes do."""
    for hit in pattern.finditer(buffer, start):
        if hit.start() >= end:
            break
        if buffer[hit.start() - 1 : hit.start()].isspace():
            yield hit


def _last_cell_start(buffer: bytes, pos: int) -> int | None:
    """Where the last ``<c`` start tag before ``pos`` begins."""
    found = None
    for match in _CELL_START.finditer(buffer, max(0, pos - LOOKBEHIND), pos):
        found = match.start()
    return found


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
        for buffer, _, _ in windows(stream):
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
    for name, attrs in elements(zf.read(rels_part)):
        target = attrs.get("Target")
        if name != "Relationship" or not target:
            continue
        if attrs.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            path = target[1:]
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        rels[attrs.get("Id", "")] = (attrs.get("Type", ""), path)
    return rels


def elements(data: bytes) -> list[tuple[str, dict[str, str]]]:
    """Every element's local name and attributes, in document order.

    A document type declaration raises UnsafeXmlError before any entity in
    it can be defined, let alone expanded.
    """
    found: list[tuple[str, dict[str, str]]] = []
    parser = expat_parser()
    parser.StartElementHandler = lambda tag, attrs: found.append((_local(tag), attrs))
    parser.Parse(data, True)
    return found


def expat_parser() -> expat.XMLParserType:
    """An expat parser (no namespace processing) that refuses a DOCTYPE."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    return parser


def _refuse(*_: object) -> None:
    raise UnsafeXmlError("a document type declaration")


def _member(zf: zipfile.ZipFile, name: str) -> str | None:
    """The member called ``name``, matched without regard to case if need be."""
    if not name:
        return None
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

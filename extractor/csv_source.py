"""Delimited text files (.csv, .tsv, .txt) read into one sheet grid.

Rows keep the numbers Excel would show for the same file: comment lines
before the header are dropped but leave an empty row in their place. Plain
numbers become floats; every other cell stays text, as written.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
from pathlib import Path

from .errors import LimitExceededError, WorkbookError
from .grid import Cell, SheetGrid, WorkbookGrids

log = logging.getLogger(__name__)

SAMPLE_BYTES = 64 * 1024
SNIFF_LINES = 30
DELIMITERS = ",;\t|"
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NUMBER = re.compile(r"\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)
_NUMBER_START = frozenset("0123456789+-. \t")


def sniff_encoding(sample: bytes) -> str:
    """The encoding of a text sample: from its BOM, else UTF-8 or cp1252.

    UTF-16 without a BOM is recognised by the zero bytes of ASCII text.
    """
    for bom, encoding in _BOMS:
        if sample.startswith(bom):
            return encoding
    utf16 = _utf16_without_bom(sample)
    if utf16:
        return utf16
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def read_csv(path: Path, *, max_cells: int) -> WorkbookGrids:
    """Read a delimited text file as one sheet named after the file's stem.

    Every record becomes a row, trailing empty ones included: trimming them
    is left to the caller, as for the other formats.
    """
    with open(path, "rb") as stream:
        sample = stream.read(SAMPLE_BYTES)
    encoding = sniff_encoding(sample)
    if b"\0" in sample and not encoding.startswith("utf-16"):
        raise WorkbookError(
            "the file holds binary data, not text; check that it is really a CSV file",
            path=str(path),
        )
    delimiter = sniff_delimiter(_decode_sample(sample, encoding))
    try:
        rows = _parse(path, encoding, delimiter, max_cells)
    except UnicodeDecodeError:
        encoding = "cp1252"
        rows = _parse(path, encoding, delimiter, max_cells)
    notes = []
    if encoding == "cp1252":
        notes.append("the file is not valid UTF-8; it was read as Windows-1252")
    log.debug(
        "%s: %s, %s-separated, %d rows",
        path,
        encoding,
        _DELIMITER_NAMES[delimiter],
        len(rows),
    )
    sheet = SheetGrid(name=path.stem, rows=rows)
    return WorkbookGrids(path=str(path), format="csv", sheets=[sheet], notes=notes)


def sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | of a text sample (comma if in doubt)."""
    lines = _content_lines(text)
    if not lines:
        return ","
    try:
        found = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS)
        delimiter = found.delimiter
    except csv.Error:
        delimiter = ""
    if delimiter and delimiter in lines[0]:
        return delimiter
    return _count_delimiters(lines)


def to_cell(text: str) -> Cell:
    """A plain number as float; anything else unchanged."""
    if text and text[0] in _NUMBER_START and _NUMBER.fullmatch(text):
        return float(text)
    return text


def _parse(
    path: Path, encoding: str, delimiter: str, max_cells: int
) -> list[list[Cell]]:
    errors = "replace" if encoding == "cp1252" else "strict"
    rows: list[list[Cell]] = []
    cells = 0
    in_header = True
    try:
        with open(path, encoding=encoding, errors=errors, newline="") as stream:
            for record in csv.reader(stream, delimiter=delimiter):
                if in_header and _is_comment(record):
                    rows.append([])
                    continue
                in_header = in_header and not record
                rows.append([to_cell(text) for text in record])
                cells += len(record)
                if cells > max_cells:
                    raise _too_many_cells(path, max_cells)
    except csv.Error as exc:
        raise WorkbookError(
            f"the text cannot be read as CSV ({exc}); check the file in a text editor",
            path=str(path),
        ) from exc
    return rows


def _is_comment(record: list[str]) -> bool:
    """A leading '#' line with nothing in its other fields."""
    if not record or not record[0].startswith("#"):
        return False
    return all(not field.strip() for field in record[1:])


def _content_lines(text: str) -> list[str]:
    """The first non-empty lines after any leading comment lines."""
    lines = [line for line in text.splitlines() if line.strip()]
    while lines and lines[0].lstrip().startswith("#"):
        lines.pop(0)
    if len(lines) > 1 and not text.endswith(("\n", "\r")):
        lines.pop()  # the sample may end inside the last line
    return lines[:SNIFF_LINES]


def _count_delimiters(lines: list[str]) -> str:
    """The delimiter found the same number of times on most lines."""
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        counts = [line.count(delimiter) for line in lines]
        usual = max(set(counts), key=counts.count)
        score = (counts.count(usual), usual) if usual else (0, 0)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _decode_sample(sample: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return decoder.decode(sample, final=False)


def _utf16_without_bom(sample: bytes) -> str | None:
    head = sample[:1024]
    if len(head) < 4 or b"\0" not in head:
        return None
    even, odd = head[0::2], head[1::2]
    if odd.count(0) > 0.4 * len(odd) and even.count(0) < 0.1 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.4 * len(even) and odd.count(0) < 0.1 * len(odd):
        return "utf-16-be"
    return None


def _too_many_cells(path: Path, max_cells: int) -> LimitExceededError:
    return LimitExceededError(
        f"the file holds more than the limit of {max_cells:,} cells; raise "
        "max_cells_per_sheet or split the file",
        path=str(path),
    )

"""Delimited text files (.csv, .tsv, .txt) read into one sheet grid.

Rows keep the numbers Excel would show for the same file: comment lines
before the header are dropped but leave an empty row in their place. Plain
numbers become floats; every other cell stays text, as written. As in
Excel, a line is read up to its 16,384th field; what lies beyond, and any
NUL character, is left out with a finding.
"""

from __future__ import annotations

import codecs
import csv
import logging
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from .errors import LimitExceededError, WorkbookError
from .grid import Cell, SheetGrid, SourceFinding, WorkbookGrids

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
# control bytes that text files do not hold (tab, line ends, form feed and
# the DOS end-of-file mark aside)
_CONTROL_BYTES = bytes([*range(0, 9), 11, *range(14, 26), *range(27, 32)])
_CHECK_EVERY = 4096  # rows between looks at the clock
MAX_FIELDS = 16_384  # the columns of an Excel sheet


def _never() -> None:
    """A deadline that never passes."""


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


def looks_binary(sample: bytes, encoding: str) -> bool:
    """True if a sample holds more control bytes than stray ones in text."""
    if encoding.startswith("utf-16"):
        return False
    controls = sum(sample.count(byte) for byte in _CONTROL_BYTES)
    return controls > max(2, len(sample) // 100)


def read_csv(
    path: Path, *, max_cells: int, check: Callable[[], None] = _never
) -> WorkbookGrids:
    """Read a delimited text file as one sheet named after the file's stem.

    Every record becomes a row, trailing empty ones included: trimming them
    is left to the caller, as for the other formats. ``check`` is called
    every few thousand rows, to stop a read that takes too long.
    """
    with open(path, "rb") as stream:
        sample = stream.read(SAMPLE_BYTES)
    encoding = sniff_encoding(sample)
    if looks_binary(sample, encoding):
        raise WorkbookError(
            "the file holds binary data, not text; check that it is really a CSV file",
            path=str(path),
        )
    delimiter = sniff_delimiter(_decode_sample(sample, encoding))
    parser = _Parser(path, delimiter, max_cells, check)
    try:
        rows = parser.parse(encoding)
    except UnicodeDecodeError:
        encoding = "cp1252"
        rows = parser.parse(encoding)
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
    findings = [_nul_finding(path.stem, parser.nuls)] if parser.nuls else []
    if parser.long_lines:
        findings.append(_cut_finding(path.stem, parser.long_lines, parser.widest))
    return WorkbookGrids(
        path=str(path), format="csv", sheets=[sheet], notes=notes, findings=findings
    )


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


class _Parser:
    """Reads the records of a delimited file into rows of cells."""

    def __init__(
        self, path: Path, delimiter: str, max_cells: int, check: Callable[[], None]
    ) -> None:
        self.path, self.delimiter = path, delimiter
        self.max_cells, self.check = max_cells, check
        self.nuls = 0
        self.long_lines = self.widest = 0

    def parse(self, encoding: str) -> list[list[Cell]]:
        errors = "replace" if encoding == "cp1252" else "strict"
        self.nuls = self.long_lines = self.widest = 0
        try:
            with open(
                self.path, encoding=encoding, errors=errors, newline=""
            ) as stream:
                lines = self._lines(stream)
                return self._rows(csv.reader(lines, delimiter=self.delimiter))
        except csv.Error as exc:
            raise WorkbookError(
                f"the text cannot be read as CSV ({exc}); check the file in a text "
                "editor",
                path=str(self.path),
            ) from exc

    def _rows(self, records: Iterable[list[str]]) -> list[list[Cell]]:
        rows: list[list[Cell]] = []
        cells = 0
        in_header = True
        for record in records:
            if len(rows) % _CHECK_EVERY == 0:
                self.check()
            if in_header and _is_comment(record):
                rows.append([])
                continue
            in_header = in_header and not record
            if len(record) > MAX_FIELDS:
                self.long_lines += 1
                self.widest = max(self.widest, len(record))
                record = record[:MAX_FIELDS]
            cells += len(record)
            if cells > self.max_cells:
                raise _too_many_cells(self.path, self.max_cells)
            rows.append([to_cell(text) for text in record])
        return rows

    def _lines(self, stream: Iterable[str]) -> Iterator[str]:
        """The lines of the file, without NUL characters (counted)."""
        for line in stream:
            if "\0" in line:
                self.nuls += line.count("\0")
                line = line.replace("\0", "")
            yield line


def _nul_finding(sheet: str, count: int) -> SourceFinding:
    what = "a NUL character" if count == 1 else f"{count:,} NUL characters"
    return SourceFinding(
        "nul-characters",
        "warning",
        f"the file holds {what}, which text files do not; left out",
        cell=sheet,
        suggestion="check how the file was exported",
    )


def _cut_finding(sheet: str, lines: int, widest: int) -> SourceFinding:
    what = "a line has" if lines == 1 else f"{lines:,} lines have"
    return SourceFinding(
        "columns-cut",
        "warning",
        f"{what} more than {MAX_FIELDS:,} fields (at most {widest:,}); only the "
        f"first {MAX_FIELDS:,} were read, as Excel would",
        cell=sheet,
        suggestion="split the file, or check its delimiter",
    )


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
        f"the file holds more than the limit of {max_cells:,} cells; raise the "
        "limit (--max-cells) or split the file",
        path=str(path),
    )

"""Finding tables in a sheet grid, on any row.

A table is a header block (a field row, optionally group rows above it with
merged cells, sub-header rows and a units row below it) and the body under
it. Every body row gets a role: data, section (a board or area heading whose
name becomes the source of the rows under it), total, spare, incomer, label,
note, header (a header repeated per printed page) or blank. Several tables in
a sheet are found separately: stacked, side by side, or the mirrored halves
of a panel schedule.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import compress, pairwise, repeat, zip_longest
from operator import add, itemgetter

from .grid import Cell, CellError, SheetGrid, is_blank
from .limits import check_deadline
from .values import is_empty, normalize_unit, unit_from_header
from .vocabulary import Vocabulary, normalize_header

MAX_HEADER_SCAN_ROWS = 5000
MAX_BLANK_RUN = 6
DEADLINE_ROWS = 4096  # body rows between looks at the clock
FIRST_BLOCK_ROWS = 64  # body rows read at once, doubling up to DEADLINE_ROWS
MIN_FIELD_MATCHES = 2
STRONG_MATCH = 0.85

_NUMBERISH = re.compile(r"^\s*[-+]?\(?\d[\d,\s]*(\.\d+)?\)?\s*[a-zA-Z%²°/.]{0,8}\s*$")
# Words that, in front of a text, make a row a total, a spare or an incomer.
# Each starts with a plain letter and holds no "|": _ODD_TEXT groups them by
# their first letter.
_TOTAL_WORDS = (r"sub[\s-]?total", r"grand\s+total", "total", "totals", "sum", "summe",
                "gesamt", "somme", r"sous[\s-]?total", "zwischensumme", "gesamtsumme",
                "teilsumme", "endsumme")
_SPARE_WORDS = ("spare", "space", "reserve", "réserve", "future", "provision",
                "vacant", "frei")
_INCOMER_WORDS = ("incomer", "incoming", "main incomer", "arrivée", "einspeisung")


def _leading(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"^\s*(" + "|".join(words) + r")\b", re.I)


_TOTAL = _leading(_TOTAL_WORDS)
_SPARE = _leading(_SPARE_WORDS)
_INCOMER = _leading(_INCOMER_WORDS)
_NOTE = re.compile(r"^\s*(notes?|legend|remarks?|nb|n\.b\.|abbreviations?|"
                   r"key|hinweis|remarque)\b\s*[:.\-]?", re.I)
_SERIAL = re.compile(r"^\s*\(?[a-z]?\d{1,4}[).:]?\s*$", re.I)
_DIGIT_RUN = re.compile(r"\d{3}")
_PLACEHOLDER = {"--", "-", "—", "–", "n/a", "na", "tbc", "tba", "x", " x "}


@dataclass(slots=True)
class Column:
    """One column of a table: its combined header text and unit."""

    index: int
    parts: list[str]
    unit: str | None = None
    group_width: int = 1

    @property
    def header(self) -> str:
        return " / ".join(self.parts)


@dataclass(slots=True)
class Row:
    """One body row and what it is."""

    index: int
    role: str
    label: str | None = None


@dataclass(slots=True)
class Table:
    """A header block and the body under it."""

    sheet: str
    index: int
    header_rows: list[int]
    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    units_row: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    metadata_cells: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (first blank row, row read after it) where data went on in the same
    # columns after a run of blank rows long enough to end a body
    gaps: list[tuple[int, int]] = field(default_factory=list)

    def column(self, index: int) -> Column | None:
        for col in self.columns:
            if col.index == index:
                return col
        return None


def text_of(value: Cell) -> str:
    """A cell as the text a reader sees."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_numberish(value: Cell) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    return isinstance(value, str) and bool(_NUMBERISH.match(value))


def is_placeholder(value: Cell) -> bool:
    return isinstance(value, str) and value.strip().lower() in _PLACEHOLDER


def find_tables(grid: SheetGrid, vocab: Vocabulary) -> list[Table]:
    """Every table of the sheet, top to bottom, left to right."""
    tables: list[Table] = []
    merged = _merge_map(grid)
    row = 0
    limit = min(grid.n_rows, MAX_HEADER_SCAN_ROWS)
    while row < grid.n_rows:
        header = _next_header_row(grid, vocab, merged, row, limit)
        if header is None:
            break
        found = _tables_at(grid, vocab, merged, header, len(tables))
        if not found:
            row = header + 1
            continue
        tables.extend(found)
        end = max(t.rows[-1].index if t.rows else t.header_rows[-1] for t in found)
        row = max(end + 1, header + 1)
        limit = min(grid.n_rows, row + MAX_HEADER_SCAN_ROWS)
    return tables


# -- header rows -----------------------------------------------------------


def _merge_map(grid: SheetGrid) -> dict[tuple[int, int], tuple[int, int, int, int]]:
    """Top-left cell of every merged range -> the range."""
    return {
        (m.first_row, m.first_col): (m.first_row, m.first_col, m.last_row, m.last_col)
        for m in grid.merged
        if m.last_row - m.first_row < 50 and m.last_col - m.first_col < 200
    }


def _row_cells(grid: SheetGrid, r: int) -> list[tuple[int, Cell]]:
    if r >= grid.n_rows:
        return []
    return [(c, v) for c, v in enumerate(grid.rows[r]) if not is_blank(v)]


def _field_matches(vocab: Vocabulary, cells: list[tuple[int, Cell]]) -> int:
    return sum(_names_field(vocab, value) for _, value in cells
               if isinstance(value, str) and len(value) <= 80)


def _names_field(vocab: Vocabulary, text: str) -> bool:
    matches = vocab.matches(text)
    return bool(matches) and matches[0].score >= STRONG_MATCH


def _count_field_names(vocab: Vocabulary, cells: list[tuple[int, Cell]],
                       named: dict[str, bool], enough: int) -> int:
    """``_field_matches`` of the cells, or a smaller number as soon as it is
    sure to stay below ``enough``.

    Texts the search has matched before (in ``named``) are counted first and
    texts with a run of digits (tags, mostly each new) last, so that in a
    row of data the one text left unmatched is a tag: its fuzzy match is
    spared.
    """
    texts = [v for _, v in cells if isinstance(v, str) and len(v) <= 80]
    texts.sort(key=lambda text: (text not in named, bool(_DIGIT_RUN.search(text))))
    hits = 0
    for left, text in zip(range(len(texts), 0, -1), texts):
        if hits + left < enough:
            break
        if text not in named:
            named[text] = _names_field(vocab, text)
        hits += named[text]
    return hits


def _header_like(cells: list[tuple[int, Cell]]) -> bool:
    """Mostly text, and not "Key:" labels of a title block."""
    texts = [v for _, v in cells if isinstance(v, str) and not is_numberish(v)
             and not v.rstrip().endswith(":")]
    return len(cells) >= 2 and len(texts) >= 0.7 * len(cells)


def _next_header_row(grid, vocab, merged, start: int, limit: int) -> int | None:
    """The first row from ``start`` that reads as a field row."""
    named: dict[str, bool] = {}
    for r in range(start, limit):
        if not r % 1024:
            check_deadline(grid.name)
        if r in grid.hidden_rows:
            continue
        cells = _row_cells(grid, r)
        if not _header_like(cells):
            continue
        hits = _count_field_names(vocab, cells, named, MIN_FIELD_MATCHES)
        if hits < MIN_FIELD_MATCHES:
            continue
        next_cells = _row_cells(grid, r + 1)
        below = _count_field_names(vocab, next_cells, named, hits)
        # the header's last line names the fields best; a line with as many
        # names below this one is that line (this one stacks on it)
        if below >= hits and _header_like(next_cells) \
                and not _is_units_row(next_cells):  # "kW", "V" read as fields
            continue
        return r
    return None


def _header_block(grid, merged, field_row: int,
                  vocab: Vocabulary) -> tuple[list[int], int | None]:
    """Group rows above and sub-header or units rows below the field row."""
    rows = [field_row]
    r = field_row - 1
    while r >= 0 and field_row - r <= 3 and _is_group_row(grid, merged, r, field_row):
        rows.insert(0, r)
        r -= 1
    if rows[0] == field_row and field_row > 0 and _is_stacked_header(
            _row_cells(grid, field_row - 1), _row_cells(grid, field_row), vocab):
        rows.insert(0, field_row - 1)
    units_row = None
    r = field_row + 1
    while r < grid.n_rows and r - field_row <= 3:
        cells = _row_cells(grid, r)
        if not cells and _merged_down_to(merged, field_row, r):
            rows.append(r)  # the field row's cells are merged over this one
            r += 1
            continue
        if not cells:
            break
        if _is_units_row(cells):
            units_row = r
            rows.append(r)
            r += 1
            continue
        if units_row is None and _is_subheader_row(grid, merged, rows, cells):
            rows.append(r)
            r += 1
            continue
        break
    return rows, units_row


def _merged_down_to(merged, field_row: int, r: int) -> bool:
    """Whether a cell of the field row is merged down over row ``r``."""
    return any(r0 == field_row and span[2] >= r for (r0, _), span in merged.items())


def _is_group_row(grid, merged, r: int, field_row: int) -> bool:
    cells = _row_cells(grid, r)
    if len(cells) == 1 and r == field_row - 1:
        return _is_lone_group(merged, r, cells[0][0], _row_cells(grid, field_row))
    if len(cells) < 2:
        return False
    for c, value in cells:
        span = merged.get((r, c))
        if not isinstance(value, str) or span is None:
            return False
        spans_columns = span[3] > span[1]
        reaches_field_row = span[2] >= field_row
        if not (spans_columns or reaches_field_row):
            return False
    return True


def _is_stacked_header(above, field_cells, vocab: Vocabulary) -> bool:
    """A header written on two lines without merged cells ("Rated" over
    "Power (kW)"): text over most of the field row, naming fields itself."""
    columns = {c for c, _ in field_cells}
    if len(above) < 2 or len(above) < 0.5 * len(field_cells):
        return False
    for c, value in above:
        if c not in columns or not isinstance(value, str) or is_numberish(value):
            return False
        if value.strip().endswith(":"):
            return False
    return _field_matches(vocab, above) >= 1


def _is_lone_group(merged, r: int, c: int, field_cells) -> bool:
    """One merged label over a part of the field row, as a group, not a title.

    A title starts at the table's first column or spans most of its width.
    """
    span = merged.get((r, c))
    if span is None or span[3] == span[1] or span[1] <= field_cells[0][0]:
        return False
    under = sum(1 for fc, _ in field_cells if span[1] <= fc <= span[3])
    return 2 <= under <= 0.75 * len(field_cells)


_NEUTRAL_UNITS = {"-", "--", "—", "no", "no.", "nos", "nos.", "qty", "pcs", "ea",
                  "/", "n/a", "p.u."}


def _is_units_row(cells: list[tuple[int, Cell]]) -> bool:
    """A row of unit symbols under the header ('-' and 'No.' are neutral).

    One unit among dashes ("-", "-", "ft") is a units row too.
    """
    texts = [v.strip().strip("()[]") for _, v in cells if isinstance(v, str)]
    if len(texts) < 0.9 * len(cells):
        return False
    counted = [t for t in texts if t.lower() not in _NEUTRAL_UNITS]
    units = sum(1 for t in counted if normalize_unit(t) is not None)
    if units == len(counted) == 1:
        return len(texts) >= 3
    return units >= 2 and units >= 0.5 * len(counted)


def _is_subheader_row(grid, merged, header_rows, cells) -> bool:
    if not _header_like(cells) or any(is_numberish(v) for _, v in cells):
        return False
    covered = 0
    for c, _ in cells:
        for r in header_rows:
            span = _span_covering(merged, r, c)
            if span and span[3] > span[1]:
                covered += 1
                break
    return covered >= 0.5 * len(cells)


def _span_covering(merged, r: int, c: int):
    for (r0, c0), span in merged.items():
        if r0 <= r <= span[2] and c0 <= c <= span[3]:
            return span
    return None


# -- columns ---------------------------------------------------------------


def _columns(grid, merged, header_rows, units_row) -> list[Column]:
    parts: dict[int, list[str]] = {}
    widths: dict[int, int] = {}
    for r in header_rows:
        if r == units_row:
            continue
        for c, value in _row_cells(grid, r):
            text = " ".join(text_of(value).split())
            span = merged.get((r, c), (r, c, r, c))
            for cc in range(c, span[3] + 1):
                bucket = parts.setdefault(cc, [])
                if text and text not in bucket:
                    bucket.append(text)
                widths[cc] = max(widths.get(cc, 1), span[3] - span[1] + 1)
    units = {}
    if units_row is not None:
        for c, value in _row_cells(grid, units_row):
            text = text_of(value).strip("()[] ")
            if normalize_unit(text):
                units[c] = normalize_unit(text)
            elif text.lower() in _NEUTRAL_UNITS:
                continue
            elif c in parts or c - 1 in parts:
                parts.setdefault(c, []).append(text)
    columns = []
    for c in sorted(parts):
        unit = units.get(c) or _unit_of(parts[c])
        columns.append(Column(c, parts[c], unit, widths.get(c, 1)))
    return columns


_LETTER_LABEL = re.compile(r"^[^\W\d_]+[\s_-]+[A-Z]$")


def _unit_of(parts: list[str]) -> str | None:
    """The unit a header names; "Node A" or "Phase B" name no unit, but a
    unit after a comma does ("Load per phase, W")."""
    for text in reversed(parts):
        if _LETTER_LABEL.match(text.strip()):
            continue
        after_comma = _COMMA_UNIT.search(text)
        unit = (normalize_unit(after_comma.group(1)) if after_comma else None) \
            or unit_from_header(text)
        if unit:
            return unit
    return None


_COMMA_UNIT = re.compile(r",\s*([^\s,]{1,6})\s*$")


def _split_blocks(columns: list[Column]) -> list[list[Column]]:
    """Side-by-side tables: column runs separated by an empty column."""
    blocks: list[list[Column]] = []
    for col in columns:
        if blocks and col.index == blocks[-1][-1].index + 1:
            blocks[-1].append(col)
        else:
            blocks.append([col])
    return blocks


_NAME_FIELDS = frozenset({"tag", "description", "from_ref", "to_ref", "source_bus",
                          "parent_bus"})
SPACER_ROWS = 20


def _join_spacers(blocks: list[list[Column]], grid: SheetGrid, last_header: int,
                  vocab: Vocabulary) -> list[list[Column]]:
    """Undo a split at a spacer column: a block that names nothing (no tag,
    description or ends) and fills the same rows as the block on its left is
    the rest of that table, not a table of its own."""
    out: list[list[Column]] = []
    for block in blocks:
        if out and block[0].index - out[-1][-1].index <= 3 \
                and not _names_records(block, vocab) \
                and _same_rows(grid, out[-1], block, last_header):
            out[-1] = out[-1] + block
        else:
            out.append(block)
    return out


def _names_records(block: list[Column], vocab: Vocabulary) -> bool:
    for col in block:
        matches = vocab.matches(col.header)
        if matches and matches[0].score >= STRONG_MATCH \
                and matches[0].field in _NAME_FIELDS:
            return True
    return False


def _same_rows(grid: SheetGrid, left: list[Column], right: list[Column],
               last_header: int) -> bool:
    """Both blocks hold values on the same rows under the header (at least two)."""
    both = 0
    for r in range(last_header + 1, min(grid.n_rows, last_header + 1 + SPACER_ROWS)):
        has_left = any(not is_blank(grid.value(r, c.index)) for c in left)
        has_right = any(not is_blank(grid.value(r, c.index)) for c in right)
        if has_left != has_right:
            return False
        both += has_left
    return both >= 2


def _split_mirrored(block: list[Column]) -> list[list[Column]]:
    """The two halves of a panel schedule whose headers read as a mirror."""
    named = [c for c in block if c.group_width == 1]
    keys = [normalize_header(c.header) for c in named]
    k = 0
    while k < len(keys) // 2 and keys[k] and keys[k] == keys[-1 - k]:
        k += 1
    if k < 2:
        return [block]
    left_edge, right_edge = named[k - 1].index, named[-k].index
    left = [c for c in block if c.index <= left_edge]
    right = [c for c in block if c.index >= right_edge]
    middle = [c for c in block if left_edge < c.index < right_edge]
    seen: set[str] = set()
    for col in middle:
        if col.group_width > 1 and col.header in seen:
            right.append(col)
        else:
            left.append(col)
            if col.group_width > 1:
                seen.add(col.header)
            else:
                right.append(col)
    right.sort(key=lambda c: c.index)
    return [left, right]


def _tables_at(grid, vocab, merged, field_row: int, first_index: int) -> list[Table]:
    header_rows, units_row = _header_block(grid, merged, field_row, vocab)
    columns = _columns(grid, merged, header_rows, units_row)
    tables = []
    blocks = _join_spacers(_split_blocks(columns), grid, header_rows[-1], vocab)
    for block in blocks:
        for half in _split_mirrored(block):
            if _field_matches(vocab, [(c.index, c.header) for c in half]) < 1:
                continue
            table = Table(grid.name, first_index + len(tables), header_rows, half,
                          units_row=units_row)
            _metadata(grid, table)
            _body(grid, vocab, table)
            tables.append(table)
    return tables


# -- body ------------------------------------------------------------------


def _metadata(grid: SheetGrid, table: Table) -> None:
    """Key-value pairs of a title block above the table, and their cells.

    The nearest rows win, and only cells over the table's own columns count
    (or just left of them), so that tables side by side or one above the
    other each keep their own "Board: ..." line.
    """
    first = table.header_rows[0]
    lo, hi = table.columns[0].index - 2, table.columns[-1].index
    for r in range(first - 1, max(0, first - 12) - 1, -1):
        cells = [(c, v) for c, v in _row_cells(grid, r) if lo <= c <= hi]
        for (c, value), (nc, nxt) in pairwise(cells):
            if not isinstance(value, str):
                continue
            key = value.strip().rstrip(":").strip().lower()
            if not key or len(key) > 40 or key in table.metadata:
                continue
            if value.strip().endswith(":") or c + 3 > nc:
                table.metadata[key] = " ".join(text_of(nxt).split())
                table.metadata_cells[key] = (r, nc)


def _body(grid: SheetGrid, vocab: Vocabulary, table: Table) -> None:
    reader = _BodyReader(grid, vocab, table)
    table.rows = reader.read()
    table.gaps = reader.gaps


class _BodyReader:
    """Reads the rows under one table's header until its body ends.

    Rows come in blocks. The cells of a block are first looked at column by
    column (``_row_codes``); a row that this proves to be plain data is taken
    as data at once, and every other row goes through ``_read_row``: the
    full rules, or only the checks for a repeated header and a next table
    where the cells show the row is data by every other rule. All ways give
    the same rows.
    """

    def __init__(self, grid: SheetGrid, vocab: Vocabulary, table: Table) -> None:
        self.grid, self.vocab = grid, vocab
        self.cols = [c.index for c in table.columns]
        self.colset = set(self.cols)
        self.first = table.header_rows[-1] + 1
        self.header_sigs = {_signature(grid, h, self.colset) for h in table.header_rows}
        # the header rows a row holding a number could repeat
        self.number_sig_lengths = {
            len(sig) for sig in self.header_sigs if any(map(_reads_as_number, sig))}
        self.hidden = sorted(r for r in grid.hidden_rows if r >= self.first)
        self.named: dict[str, bool] = {}  # text -> whether it names a field
        self.rows: list[Row] = []
        self.blank_run = 0
        self.data_width = 0
        self.gaps: list[tuple[int, int]] = []
        self.resume_at = 0  # blank rows above it are a gap already crossed

    def read(self) -> list[Row]:
        for start, stop in _row_blocks(self.first, self.grid.n_rows):
            if not start % DEADLINE_ROWS:
                check_deadline(self.grid.name)
            if not self._read_block(start, stop):
                break
        return self.rows

    def _read_block(self, start: int, stop: int) -> bool:
        """Rows ``start`` to ``stop``; False where the body ends."""
        codes = None
        if _FAST_BODY and len(self.cols) < _MAX_COUNT:
            lines = self.grid.rows[start:stop]
            codes = _row_codes(lines, self.cols)
        run = start
        for r, data_shape in self._rows_to_read(start, stop, codes):
            if r > run:
                self._take_data(run, r, codes[run - start:r - start])
            if not self._read_row(r, data_shape):
                return False
            run = r + 1
        if run < stop:
            self._take_data(run, stop, codes[run - start:])
        return True

    def _rows_to_read(self, start: int, stop: int,
                      codes: list[int] | None) -> Iterable[tuple[int, bool]]:
        """The rows of the block not proven plain data by their codes, each
        with whether its code shows it a data row by ``_classify_row``."""
        if codes is None:
            return zip(range(start, stop), repeat(False))
        unproven = {code for code in set(codes) if not self._plain(code)}
        rows = compress(range(start, stop), map(unproven.__contains__, codes))
        first_hidden = bisect_left(self.hidden, start)
        hidden = self.hidden[first_hidden:bisect_left(self.hidden, stop, first_hidden)]
        if hidden:
            rows = sorted({*rows, *hidden})
        return [(r, _data_shape(codes[r - start])) for r in rows]

    def _plain(self, code: int) -> bool:
        """Whether a row of this code is data under every rule of ``_read_row``.

        It is data by ``_classify_row`` and is no note's last line (see
        ``_data_shape``), and it holds a number: then it does not start a
        table (a row with a number never does), and it repeats no header row
        unless that header row has a word a number reads as.
        """
        return (_data_shape(code) and code & _NUMBER_MASK > 0
                and code >> _FILLED_SHIFT not in self.number_sig_lengths)

    def _take_data(self, start: int, stop: int, codes: list[int]) -> None:
        """Rows ``start`` to ``stop``, proven plain data by their ``codes``."""
        self.rows.extend(map(Row, range(start, stop), repeat("data")))
        self.data_width = max(self.data_width, max(codes) >> _FILLED_SHIFT)
        self.blank_run = 0

    def _read_row(self, r: int, data_shape: bool = False) -> bool:
        """Row ``r`` by the full rules, or as data if ``data_shape`` (its
        code showed so) and it neither repeats a header nor starts a table;
        False where the body ends."""
        line = self.grid.rows[r]
        lo, hi = self.cols[0], self.cols[-1]
        cells = [(c, line[c]) for c in range(lo, min(hi + 1, len(line)))
                 if c in self.colset and not is_blank(line[c])]
        if not cells:
            self.blank_run += 1
            return (self.blank_run < MAX_BLANK_RUN or r < self.resume_at
                    or self._goes_on_after(r))
        self.blank_run = 0
        if r in self.grid.hidden_rows:
            self.rows.append(Row(r, "hidden"))
            return True
        if _repeats_header(cells, self.header_sigs):
            self.rows.append(Row(r, "header"))
            return True
        if _starts_table(self.vocab, cells, self.named):
            return False
        if data_shape:
            row = Row(r, "data")
        else:
            row = _classify_row(r, cells, self.cols, self.data_width)
        if self.rows and self.rows[-1].role == "note" and len(cells) <= 2:
            row = Row(r, "note", _joined(cells))
        if row.role == "data":
            self.data_width = max(self.data_width, len(cells))
        self.rows.append(row)
        return True

    def _goes_on_after(self, r: int) -> bool:
        """Whether the body goes on below the blank row ``r``, the last of a
        run long enough to end it: the next row filled in the table's
        columns is plain data in them (no title, note, total or header
        comes first), which a table without a header of its own is."""
        rows = self.grid.rows
        for below in range(r + 1, self.grid.n_rows):
            line = rows[below]
            if any(c < len(line) and not is_blank(line[c]) for c in self.cols):
                break
        else:
            return False
        if not self._plain(_row_codes([rows[below]], self.cols)[0]):
            return False
        last = next((row.index for row in reversed(self.rows) if row.role == "data"),
                    None)
        if last is None or self._first_filled(below) != self._first_filled(last):
            return False  # rows that start in another column are no more of it
        self.gaps.append((r - self.blank_run + 1, below))
        self.resume_at = below
        return True


    def _first_filled(self, r: int) -> int | None:
        """The first of the table's columns filled on row ``r``."""
        line = self.grid.rows[r]
        return next((c for c in self.cols if c < len(line) and not is_blank(line[c])),
                    None)


def _row_blocks(first: int, end: int) -> Iterator[tuple[int, int]]:
    """Row ranges from ``first`` to ``end``: short at first, as most bodies
    are, and none across a multiple of DEADLINE_ROWS."""
    size = FIRST_BLOCK_ROWS
    start = first
    while start < end:
        stop = min(end, start + size, (start // DEADLINE_ROWS + 1) * DEADLINE_ROWS)
        yield start, stop
        start, size = stop, min(2 * size, DEADLINE_ROWS)


# A row's code sums what its cells add (see _CELL_CODES): the filled cells
# are counted in the high bits, so that the widest row has the largest code;
# cells that call for the full rules (a bool, an odd text, a value of an
# unknown type) in the middle; numbers in the low bits.
_COUNT_BITS = 21
_MAX_COUNT = 1 << _COUNT_BITS
_NUMBER = 1
_ODD = 1 << _COUNT_BITS
_FILLED_SHIFT = 2 * _COUNT_BITS
_FILLED = 1 << _FILLED_SHIFT
_NUMBER_MASK = _MAX_COUNT - 1
_ODD_MASK = _NUMBER_MASK << _COUNT_BITS
_CELL_CODES = {
    type(None): 0, str: _FILLED, float: _FILLED + _NUMBER, int: _FILLED + _NUMBER,
    bool: _FILLED + _ODD, date: _FILLED, datetime: _FILLED, time: _FILLED,
    CellError: _FILLED,
}
_FAST_BODY = True  # False: every body row goes through the full rules


def _data_shape(code: int) -> bool:
    """Whether ``_classify_row`` makes a row of this code data, and no note's
    last line: three filled cells or more, none odd (a bool, a placeholder,
    a total, incomer or spare word, a value of an unknown type)."""
    return code >> _FILLED_SHIFT >= 3 and not code & _ODD_MASK


def _row_codes(lines: list[list[Cell]], cols: list[int]) -> list[int]:
    """The code of every line over the columns ``cols`` (in order)."""
    lo, hi = cols[0], cols[-1]
    columns = _column_values(lines, lo, hi + 1)
    same = 0
    varying = []
    for c in cols:
        if c - lo >= len(columns):
            break
        codes = _cell_codes(columns[c - lo])
        if isinstance(codes, int):
            same += codes
        else:
            varying.append(codes)
    if not varying:
        return [same] * len(lines)
    sums = varying[0]
    for codes in varying[1:]:
        sums = list(map(add, sums, codes))
    return list(map(add, sums, repeat(same))) if same else sums


def _column_values(lines: list[list[Cell]], lo: int, hi: int) -> list[tuple[Cell, ...]]:
    """The columns ``lo`` to ``hi`` (exclusive) of the lines, short lines
    filled with None. Lines are cut first only where most of them lies
    outside those columns, as a cut copies every line."""
    width = max(map(len, lines))
    if width - hi + lo > hi - lo:
        lines = list(map(itemgetter(slice(lo, hi)), lines))
        lo = 0
    return list(zip_longest(*lines))[lo:]


def _cell_codes(values: tuple[Cell, ...]) -> int | list[int]:
    """What each value of a column adds to its row's code; one int for all
    if they add the same. Blank texts add nothing."""
    types = list(map(type, values))
    kinds = {types[0]} if types.count(types[0]) == len(types) else set(types)
    if not kinds <= _CELL_CODES.keys():
        return [_ODD] * len(values)
    odd: set[str] = set()
    if str in kinds:
        texts = set(values)
        if len(kinds) > 1:
            texts = {v for v in texts if type(v) is str}
        odd = _odd_texts(texts)
    if len(kinds) == 1 and not odd:
        return _CELL_CODES[types[0]]
    codes = map(_CELL_CODES.__getitem__, types)
    if not odd:
        return list(codes)
    special = {text: _FILLED + _ODD if text.strip() else 0 for text in odd}
    return list(map(special.get, values, codes))


# A number read as a header word has a digit in it, or is "inf" or "nan".
_NUMBER_WORD = re.compile(r"\d|^(inf|nan)$")


def _reads_as_number(word: str) -> bool:
    return bool(_NUMBER_WORD.search(word))


def _is_odd_text(text: str) -> bool:
    """Whether a text is blank or may make a row with three filled cells
    or more, a number among them, other than data: a placeholder, or a
    total, incomer or spare word in front."""
    stripped = text.strip()
    return (not stripped or stripped.lower() in _PLACEHOLDER
            or any(p.match(stripped) for p in (_TOTAL, _INCOMER, _SPARE)))


def _by_initial(choices: list[tuple[str, str]]) -> str:
    """One alternation of (first letter, rest of the pattern) choices grouped
    by the letter, which the regex engine tries at one compare per group:
    s(?:pare|um)|t(?:otal)."""
    groups: dict[str, list[str]] = {}
    for initial, rest in choices:
        groups.setdefault(initial, []).append(rest)
    return "|".join(f"{re.escape(initial)}(?:{'|'.join(rests)})"
                    for initial, rests in groups.items())


# Where _is_odd_text may hold, in lowercased texts each put after a NUL (a
# character no text of a sheet holds): a superset of it, searched in all the
# texts of a column at once. The look-ahead passes over most texts at their
# first character.
_ODD_WORDS = (*_TOTAL_WORDS, *_INCOMER_WORDS, *_SPARE_WORDS)
_ODD_PLACEHOLDERS = sorted({p.strip() for p in _PLACEHOLDER})
_ODD_INITIALS = "".join(sorted({w[0] for w in (*_ODD_WORDS, *_ODD_PLACEHOLDERS)}))
_TEXT_END = r"\s*(?=\0|\Z)"
_ODD_TEXT = re.compile(
    "\0(?=[\\s\0" + re.escape(_ODD_INITIALS) + r"]|\Z)\s*(?:"
    + _by_initial([(w[0], w[1:]) for w in _ODD_WORDS]
                  + [(p[0], re.escape(p[1:]) + _TEXT_END) for p in _ODD_PLACEHOLDERS])
    + r"|(?=\0|\Z))")
# letters that re.I reads as "i" or "s" and lower() does not
_FOLD = str.maketrans({"İ": "i", "ı": "i", "ſ": "s"})


def _odd_texts(texts: set[str]) -> set[str]:
    """The texts for which ``_is_odd_text`` holds.

    One search runs over all of them joined; a hit is traced back to its
    text by counting the NULs before it, and only texts hit are checked one
    by one.
    """
    order = list(texts)
    joined = "\0" + "\0".join(order)
    if joined.count("\0") != len(order):
        return {text for text in order if _is_odd_text(text)}
    if not joined.isascii():
        joined = joined.translate(_FOLD)
    joined = joined.lower()
    odd = set()
    index, counted = -1, 0
    hit = _ODD_TEXT.search(joined)
    while hit:
        at = hit.start()
        index += joined.count("\0", counted, at + 1)
        counted = at + 1
        if _is_odd_text(order[index]):
            odd.add(order[index])
        hit = _ODD_TEXT.search(joined, at + 1)
    return odd


def _joined(cells: list[tuple[int, Cell]]) -> str:
    return " ".join(text_of(v) for _, v in cells)


def _starts_table(vocab: Vocabulary, cells: list[tuple[int, Cell]],
                  named: dict[str, bool]) -> bool:
    """A field row of another table under this one ends this one's body.

    Texts with a run of three digits (tags such as C-1000123) are no header
    words; leaving them out spares a fuzzy match of every tag of the table.
    A row holding numbers is data ("P-1 | Pump | 110 | kW | Duty"), not a
    header, however many of its words the vocabulary knows. ``named`` keeps
    what the texts matched, from row to row.
    """
    if not _header_like(cells) or any(
            isinstance(v, (int, float)) and not isinstance(v, bool) for _, v in cells):
        return False
    words = [(c, v) for c, v in cells
             if not (isinstance(v, str) and _DIGIT_RUN.search(v))]
    return _count_field_names(vocab, words, named,
                              MIN_FIELD_MATCHES) >= MIN_FIELD_MATCHES


def _repeats_header(cells: list[tuple[int, Cell]],
                    header_sigs: set[tuple[str, ...]]) -> bool:
    """Whether the row's signature is one of ``header_sigs``.

    The same as ``_signature(...) in header_sigs`` without normalizing every
    cell of every row: a data row differs in its first cell or its length.
    """
    return any(
        len(sig) == len(cells) and all(
            normalize_header(text_of(value)) == word
            for (_, value), word in zip(cells, sig))
        for sig in header_sigs)


def _signature(grid: SheetGrid, r: int, colset: set[int]) -> tuple[str, ...]:
    line = grid.rows[r] if r < grid.n_rows else []
    return tuple(normalize_header(text_of(line[c])) for c in sorted(colset)
                 if c < len(line) and not is_blank(line[c]))


def _classify_row(r: int, cells, cols: list[int], data_width: int) -> Row:
    if _is_template(cells, cols):
        return Row(r, "blank")
    texts = [(c, v.strip()) for c, v in cells if isinstance(v, str)]
    for _, text in texts:
        if _TOTAL.match(text):
            return Row(r, "total", text)
    first = texts[0][1] if texts else ""
    first_col = texts[0][0] if texts else None
    if first and _INCOMER.match(first):
        return Row(r, "incomer", first)
    meaningful = [v for _, v in cells if not _is_serial(v) and not is_placeholder(v)]
    if first and _NOTE.match(first) and len(cells) <= 2:
        return Row(r, "note", _joined(cells))
    if first and _SPARE.match(first) and len(meaningful) <= max(3, len(cells) // 2):
        return Row(r, "spare", first)
    if any(_SPARE.fullmatch(t) for _, t in texts[:3]) and len(meaningful) <= 3:
        return Row(r, "spare", first)
    if len(cells) == len(texts) == 2 and _BOARD_KEY.match(first) \
            and not is_numberish(texts[1][1]):
        return Row(r, "section", section_name(texts[1][1]))
    if first and first.endswith(":") and len(cells) <= 2 and not is_numberish(first):
        return Row(r, "label", first.rstrip(": "))
    if _is_section(cells, texts, cols, data_width, first_col):
        return Row(r, "section", section_name(first))
    if len(cells) == 1 and len(first) > 60:
        return Row(r, "note", first)
    return Row(r, "data")


# "Board:" in one cell and the board's name in the next names the board
# feeding the rows below, as a section row does.
_BOARD_KEY = re.compile(
    r"^(board|panel|panelboard|switchboard|switchgear|mcc|db|distribution board|"
    r"fed from|tableau|verteiler|unterverteilung|schaltanlage)\s*:$", re.I)
_SECTION_REMARK = re.compile(r"\s*(\([^)]*\)|\[[^\]]*\])\s*$")
_SECTION_WORDS = re.compile(
    r"^(section|board|panel|panelboard|switchboard|switchgear|mcc|db|"
    r"distribution board|bus|area|location|fed from|feeder|tableau|verteiler|"
    r"unterverteilung|schaltanlage)(\s*:\s*|\s+[-–]\s+)",
    re.I)


def section_name(text: str) -> str:
    """The board named by a section row: 'MCC-02 (Utility)' -> 'MCC-02'."""
    name = " ".join(text.split())
    name = _SECTION_WORDS.sub("", name)
    stripped = _SECTION_REMARK.sub("", name)
    return stripped or name


def _is_section(cells, texts, cols, data_width, first_col) -> bool:
    if not texts or first_col is None or len(texts[0][1]) < 2:
        return False
    if is_numberish(texts[0][1]) or _SPARE.match(texts[0][1]):
        return False
    if first_col not in cols[:3]:
        return False
    others = [v for c, v in cells if c != first_col]
    if any(isinstance(v, str) and not is_numberish(v) for v in others):
        return False
    if len(cols) < 3:
        return False
    if data_width and len(cells) > max(1, data_width // 4):
        return False
    return len(others) <= 1


def _is_template(cells, cols: list[int]) -> bool:
    """A row with nothing filled in but a serial number, checkboxes or dashes."""
    filled = [(c, v) for c, v in cells
              if not isinstance(v, bool) and not (is_placeholder(v) and is_empty(v))]
    if not filled:
        return True
    c, value = filled[0]
    at_edge = c in cols[:2] or c == cols[-1]  # a mirrored half ends with its CKT
    return len(filled) == 1 and at_edge and _is_serial(value)


def _is_serial(value: Cell) -> bool:
    if isinstance(value, bool) or isinstance(value, CellError):
        return True
    if isinstance(value, (int, float)):
        return float(value).is_integer() and 0 <= value < 10000
    return bool(_SERIAL.match(str(value)))

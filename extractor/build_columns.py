"""Records from a table column by column, into a :class:`RecordBlock`.

The same records as :func:`build.build_records` makes row by row, for the
tables most schedules are: one kind of record a row, each field in a column
of its own. A column of numbers is read at once (a number under "kW" is
that many kW); any other cell is read once per distinct value, as
schedules repeat their values, with the unit a unit column gives the row
where there is one; so is a cable description, for the runs, cores, size
and materials it gives a row that its own columns leave out. A load list
with each load's cable on its row makes a block of each. Tables with
per-phase columns, or a kVA figure in a kW column, are left to the row
builder.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from itertools import repeat
from typing import Any, NamedTuple

from . import values as V
from .blocks import NO_NOTES, FieldColumn, RecordBlock, Repeated, raw_text
from .build import (
    _DIMENSION_FIELD,
    _bus_from_metadata,
    _bus_from_title,
    _section_bus,
    _serial,
    _spec_details,
    parse_field,
    read_cell,
)
from .classify import Verdict
from .grid import SheetGrid, column_letter
from .mapping import Candidate, TableMapping
from .records import FieldValue
from .tables import Table

MIN_ROWS = 200
"""Below this many data rows, building row by row costs too little to matter."""


class _NotPlain(Exception):
    """The table needs the row builder."""


def build_blocks(table: Table, grid: SheetGrid, mapping: TableMapping,
                 verdict: Verdict) -> list[RecordBlock] | None:
    """The table's records as blocks, one per kind, or None when the row
    builder is needed."""
    kinds = _kinds(mapping, verdict)
    if kinds is None:
        return None
    data_rows, sections = _data_rows(table, grid)
    if len(data_rows) < MIN_ROWS:
        return None
    wanted = [(record, name, cand) for (record, name), cand in mapping.fields.items()
              if record in kinds]
    cells = _cells(grid, data_rows, [cand.column.index for _, _, cand in wanted])
    try:
        columns = [(record, name, _column(cand, name, column,
                                          _row_units(grid, data_rows, mapping, cand)))
                   for (record, name, cand), column in zip(wanted, cells)]
    except _NotPlain:
        return None
    rows = [r + 1 for r in data_rows]
    blocks = {kind: RecordBlock(kind, table.sheet, rows, {
        name: column for record, name, column in columns if record == kind})
        for kind in kinds}
    if "cable" in blocks:
        _spec_columns(blocks["cable"])
    if "load" not in blocks:
        [block] = blocks.values()
        return [block.take(_kept(block))]
    loads = blocks["load"]
    board = _bus_from_metadata(table) or _bus_from_title(table, grid)
    _source_bus(loads, sections, board)
    kept = _kept(loads)
    if "cable" not in blocks:
        return [loads.take(kept)]
    cables = blocks["cable"]
    fed = _feeders(loads, cables, kept)
    return [loads.take(kept), cables.take(fed)] if fed else [loads.take(kept)]


def _kinds(mapping: TableMapping, verdict: Verdict) -> tuple[str, ...] | None:
    """The kinds of record a row of the table gives (a load and the cable
    that feeds it, or one kind), if the table is plain."""
    if mapping.phase_groups:
        return None
    records = verdict.records
    if "load" in records:
        return ("load", "cable") if "cable" in records else ("load",)
    for kind in ("cable", "bus"):
        if kind in records:
            return (kind,)
    return None


def _feeders(loads: RecordBlock, cables: RecordBlock, kept: list[int]) -> list[int]:
    """The records of ``cables`` that feed the loads at ``kept``, as the row
    builder's feeder cables: a cable is a row's size, description or cores;
    it runs from the load's board and to the load, unless its own columns
    say otherwise."""
    have = [v for v in map(cables.values, ("size_mm2", "spec_text", "cores"))
            if v is not None]
    fed = [i for i in kept if any(v[i] is not None for v in have)]
    if not fed:
        return fed
    n = len(cables)
    is_fed = [False] * n
    for i in fed:
        is_fed[i] = True
    _copy_missing(cables, "from_ref", loads.fields.get("source_bus"), is_fed)
    tags = loads.values("tag") or [None] * n
    named = [f and t not in (None, "") and not _serial(t) for f, t in zip(is_fed, tags)]
    feeds = ("derived", ("the load this row feeds",))
    _copy_missing(cables, "to_ref", loads.fields.get("tag"), named, feeds)
    _copy_missing(cables, "to_ref", loads.fields.get("description"),
                  [f and not m for f, m in zip(is_fed, named)], feeds)
    return fed


def _copy_missing(block: RecordBlock, name: str, source: FieldColumn | None,
                  rows: list[bool],
                  marked: tuple[str, tuple[str, ...]] | None = None) -> None:
    """Give the records ``rows`` marks that lack field ``name`` the value of
    ``source`` (a column of a block of the same rows), as it is or
    ``marked`` with another source and notes."""
    if source is None:
        return
    column = block.fields.get(name)
    given = column.values if column is not None else repeat(None)
    take = [r and v is None and s is not None
            for r, v, s in zip(rows, given, source.values)]
    if not any(take):
        return
    n = len(block)
    if column is None:
        column = FieldColumn([None] * n, [0.0] * n, [None] * n, [NO_NOTES] * n,
                             _copied(source.cells),
                             marked[0] if marked else _copied(source.sources))
    notes = repeat(marked[1]) if marked else source.notes
    sources = repeat(marked[0]) if marked else (
        repeat(source.sources) if isinstance(source.sources, str) else source.sources)
    filled = FieldColumn(
        [s if t else v for t, s, v in zip(take, source.values, column.values)],
        [s if t else v
         for t, s, v in zip(take, source.confidences, column.confidences)],
        [s if t else v for t, s, v in zip(take, source.raws, column.raws)],
        [s if t else v for t, s, v in zip(take, notes, column.notes)],
        column.cells, column.sources)
    if filled.cells != source.cells:
        filled.cells = [block.cell(source if t else column, i)
                        for i, t in enumerate(take)]
    wanted = marked[0] if marked else source.sources
    if filled.sources != wanted:
        own = repeat(column.sources) if isinstance(column.sources, str) \
            else column.sources
        filled.sources = [s if t else o for t, s, o in zip(take, sources, own)]
    block.fields[name] = filled


def _data_rows(table: Table, grid: SheetGrid) -> tuple[list[int], list]:
    """The data rows, and the section row above each (None where none is)."""
    rows, sections, section = [], [], None
    for row in table.rows:
        if row.role == "section":
            section = _section_bus(table, grid, row.index, row.label or "")
        elif row.role == "data":
            rows.append(row.index)
            sections.append(section)
    return rows, sections


def _cells(grid: SheetGrid, rows: list[int], cols: list[int]) -> list[list[Any]]:
    """The cells of the rows in each of the columns, column by column."""
    if not cols:
        return []
    lines = [grid.rows[r] for r in rows]
    if lines and min(map(len, lines)) > max(cols):
        return [[line[c] for line in lines] for c in cols]
    return [[line[c] if c < len(line) else None for line in lines] for c in cols]


def _row_units(grid: SheetGrid, rows: list[int], mapping: TableMapping,
               cand: Candidate) -> list[str | None] | None:
    """The unit of each row's cell of a column that has a unit column beside
    it (the column's own unit where a row writes none); None for others."""
    unit_col = mapping.unit_columns.get(cand.column.index)
    if unit_col is None:
        return None
    [written] = _cells(grid, rows, [unit_col])
    read = {raw: V.normalize_unit(raw) or cand.column.unit for raw in set(written)}
    return [read[raw] for raw in written]


def _column(cand: Candidate, name: str, cells: list[Any],
            units: list[str | None] | None = None) -> FieldColumn:
    """A field's column; ``units`` the unit of each row's cell where a unit
    column gives them."""
    c = cand.column.index
    conf = _clamp(cand.confidence)
    whole = None if units is not None else _whole_column(name, cand.column.unit, cells)
    if whole is not None:
        n = len(cells)
        return FieldColumn(whole, Repeated(conf, n), cells, Repeated(NO_NOTES, n),
                           column_letter(c))
    return _cell_by_cell(name, cand, cells, conf, column_letter(c), units)


def _whole_column(name: str, unit: str | None, cells: list[Any]) -> list | None:
    """The values of a column every cell of which is read as written (a
    number under its field's own unit, plain text in a text field), read at
    once; None for any other column."""
    kinds = set(map(type, cells))
    if kinds == {float}:
        if 0.0 in cells:
            cells = [value + 0.0 for value in cells]  # -0.0 is read as 0.0
        fast = _number_reader(name, unit)
        if fast is _finite and math.isfinite(sum(cells)):
            return cells
        if fast is _fraction and math.isfinite(sum(cells)) \
                and -2 <= min(cells) and max(cells) <= 2:
            return cells
        if fast is _count and all(map(float.is_integer, cells)):
            return list(map(int, cells))
        if fast is _phases and set(cells) <= {1.0, 2.0, 3.0}:
            return list(map(int, cells))
        return None
    if kinds == {str} and name in _TEXT_FIELDS and _plain_texts(set(cells)):
        return cells
    return None


_TEXT_FIELDS = {"tag", "description", "load_type", "duty", "starting_method",
                "source_bus", "from_ref", "to_ref", "conductor", "insulation",
                "armour", "voltage_rating", "installation", "parent_bus"}


def _plain_texts(texts: set[str]) -> bool:
    """Whether the text reader keeps every one of these texts as it is: one
    space between words, none around, no other white space (all printable),
    and none a word for "nothing" ("N/A").

    The texts are read joined by "|", each test once over all of them; a
    text with "|" in it may fail a test it would pass alone, and is then
    read cell by cell like any other."""
    joined = "|".join(texts)
    if not joined.isprintable() or _BAD_SPACING.search(joined):
        return False
    folded = f"|{joined.casefold()}|"
    return not any(f"|{token}|" in folded for token in V.EMPTY_TOKENS)


# A space at either end of a text, or two together.
_BAD_SPACING = re.compile(r"^ | $|  | \||\| ")


def _cell_by_cell(name: str, cand: Candidate, cells: list[Any], conf: float,
                  letter: str, units: list[str | None] | None = None) -> FieldColumn:
    readers: dict[str | None, Callable[[Any], Any] | None] = {}
    memo: dict[tuple[type, Any, str | None], tuple | None] = {}
    values, confs, notes = [], [], []
    for value, unit in zip(cells, units or repeat(cand.column.unit)):
        if unit not in readers:
            readers[unit] = _number_reader(name, unit)
        fast = readers[unit]
        kind = type(value)
        got: Any = None
        if fast is not None and (kind is float or kind is int):
            got = fast(value)
        if got is not None:
            values.append(got)
            confs.append(conf)
            notes.append(NO_NOTES)
            continue
        if value is None or value == "":
            values.append(None)
            confs.append(conf)
            notes.append(NO_NOTES)
            continue
        key = (kind, value, unit)
        if key not in memo:
            memo[key] = _read_cell(name, value, unit, cand.confidence)
        read = memo[key]
        if read is None:
            values.append(None)
            confs.append(conf)
            notes.append(NO_NOTES)
        else:
            values.append(read[0])
            confs.append(read[1])
            notes.append(read[2])
    return FieldColumn(values, confs, cells, notes, letter)


def _read_cell(name: str, value: Any, unit: str | None,
               weight: float) -> tuple | None:
    """What the row builder makes of one cell: (value, confidence, notes)."""
    read = read_cell(name, value, unit, weight)
    if read is None:
        return None
    if read[0] != name:
        raise _NotPlain  # a kVA figure in a kW column moves to another field
    return read[1:]


def _clamp(conf: float) -> float:
    return round(max(0.0, min(1.0, conf)), 3)


def _number_reader(name: str, unit: str | None) -> Callable[[Any], Any] | None:
    """A reader of the numbers of a column that gives what the cell parser
    gives, where it reads them as written; None for the numbers it does not
    (a reader returns None for a number the parser must see)."""
    def same(probe: float) -> bool:
        parsed = parse_field(name, probe, unit)
        return (parsed.ok and parsed.confidence == 1.0 and not parsed.notes
                and parsed.value == probe and type(parsed.value) is float
                and _DIMENSION_FIELD.get(parsed.dimension or "", name) == name)

    if name == "phases":
        return _phases
    if name in ("cores", "runs", "quantity"):
        return _count
    if name in ("power_factor", "efficiency", "demand_factor"):
        return _fraction if same(0.5) and same(1.5) and same(-0.5) else None
    if name in _QUANTITY_FIELDS and same(1.5) and same(250.0) and same(-3.0):
        return _finite
    return None


_QUANTITY_FIELDS = {"rated_power_kw", "rated_power_kva", "voltage_v", "current_a",
                    "length_m", "size_mm2", "rated_current_a", "short_circuit_ka"}


def _finite(value: float) -> float | None:
    return float(value) + 0.0 if math.isfinite(value) else None  # -0.0 as 0.0


def _fraction(value: float) -> float | None:
    return float(value) + 0.0 if -2 <= value <= 2 else None


def _count(value: float) -> int | None:
    return int(value) if math.isfinite(value) and float(value).is_integer() else None


def _phases(value: float) -> int | None:
    return int(value) if value in (1, 2, 3) else None


_DESCRIBED = ("size_mm2", "spec_text")  # the fields whose cells may describe a cable


def _spec_columns(block: RecordBlock) -> None:
    """What the row builder reads from a row's cable description (see
    ``build._spec_details``), read once for each distinct description and
    set of fields the row leaves out, and written into the block's columns.
    """
    described = [(name, block.fields[name]) for name in _DESCRIBED
                 if name in block.fields]
    size = block.fields.get("size_mm2")
    if "spec_text" not in block.fields and (
            size is None or not any(isinstance(raw, str) for raw in size.raws)):
        return  # a number alone in a size column describes no cable
    n = len(block)
    given_rows = zip(*[zip(repeat(name), c.values, c.confidences, c.raws, c.notes)
                       for name, c in described])
    missing_rows = zip(*[repeat(True, n) if c is None else [v is None for v in c.values]
                         for c in map(block.fields.get, _SPEC_TOUCHED)])
    memo: dict[tuple, dict[str, _Fill]] = {}
    fills: list[dict[str, _Fill]] = []
    for given, missing in zip(given_rows, missing_rows):
        key = (tuple((name, value, conf, raw, tuple(notes))
                     for name, value, conf, raw, notes in given if value is not None),
               missing)
        found = memo.get(key)
        if found is None:
            found = memo[key] = _read_spec(*key)
        fills.append(found)
    for name in _SPEC_TOUCHED:
        if any(name in found for found in memo.values()):
            read = [found.get(name) for found in fills]
            _copy_missing(block, name, _fills_column(block, read),
                          [f is not None for f in read])


_SPEC_TOUCHED = ("runs", "cores", "size_mm2", "conductor", "insulation", "armour",
                 "voltage_rating", "spec_text")


class _Fill(NamedTuple):
    """A field value read from a cable description, and the field it was
    read from."""

    value: Any
    confidence: float
    raw: str | None
    notes: tuple[str, ...]
    source: str
    read_from: str


def _read_spec(given: tuple, missing: tuple[bool, ...]) -> dict[str, _Fill]:
    """The fields ``build._spec_details`` adds to a row's: ``given`` the
    described fields' (name, value, confidence, raw cell, notes), ``missing``
    whether each of _SPEC_TOUCHED is left out."""
    fields = {name: FieldValue(value=value, confidence=conf, cell=name,
                               raw=raw_text(raw), notes=list(notes))
              for name, value, conf, raw, notes in given}
    have = {name for name, out in zip(_SPEC_TOUCHED, missing) if not out}
    placeholder = FieldValue(value=None, confidence=0.0)
    row = {**{name: placeholder for name in have if name not in fields}, **fields}
    before = set(row)
    _spec_details(row)
    return {name: _Fill(fv.value, fv.confidence, fv.raw, tuple(fv.notes), fv.source,
                        fv.cell or "")
            for name, fv in row.items() if name not in before}


def _fills_column(block: RecordBlock, fills: list[_Fill | None]) -> FieldColumn:
    """The fills of a field as a column of the block's records, each fill's
    cell that of the field it was read from."""
    read = {f for f in fills if f is not None}
    froms = [block.fields[name].cells for name in {f.read_from for f in read}]
    if len(froms) == 1 and isinstance(froms[0], str):
        cells: str | list[str | None] = froms[0]
    else:
        cells = [None if f is None else block.cell(block.fields[f.read_from], i)
                 for i, f in enumerate(fills)]
    kinds = {f.source for f in read}
    sources = kinds.pop() if len(kinds) == 1 else [
        "cell" if f is None else f.source for f in fills]
    return FieldColumn([None if f is None else f.value for f in fills],
                       [0.0 if f is None else f.confidence for f in fills],
                       [None if f is None else f.raw for f in fills],
                       [NO_NOTES if f is None else f.notes for f in fills],
                       cells, sources)


def _copied(cells_or_sources):
    """One per record as a list of its own, or the one for all."""
    return list(cells_or_sources) if isinstance(cells_or_sources, list) \
        else cells_or_sources


def _source_bus(block: RecordBlock, sections: list,
                default: FieldValue | None) -> None:
    """Loads without a board of their own are fed from the section's board,
    or from the board the title names."""
    column = block.fields.get("source_bus")
    given = column.values if column is not None else [None] * len(block)
    fills = [None if v is not None else (s if s is not None else default)
             for v, s in zip(given, sections)]
    if not any(fill is not None for fill in fills):
        return
    letter = column.cells if column is not None else None
    n = len(block)
    values, confs, raws, notes = [], [], [], []
    cells: list[str | None] = []
    sources: list[str] = []
    for i in range(n):
        fill = fills[i]
        if fill is None:
            values.append(given[i])
            confs.append(column.confidences[i] if column else 0.0)
            raws.append(column.raws[i] if column else None)
            notes.append(column.notes[i] if column else NO_NOTES)
            cells.append(f"{block.sheet}!{letter}{block.rows[i]}"
                         if column is not None and given[i] is not None else None)
            sources.append("cell")
        else:
            values.append(fill.value)
            confs.append(fill.confidence)
            raws.append(fill.raw)
            notes.append(tuple(fill.notes))
            cells.append(fill.cell)
            sources.append(fill.source)
    block.fields["source_bus"] = FieldColumn(values, confs, raws, notes, cells,
                                             sources)


def _kept(block: RecordBlock) -> list[int]:
    """The rows that make a record, as the row builder decides."""
    def named(name: str) -> list:
        return block.values(name) or [None] * len(block)

    n = range(len(block))
    if block.kind == "bus":
        tags, descs = named("tag"), named("description")
        return [i for i in n if tags[i] not in (None, "") or descs[i] not in (None, "")]
    tags = named("tag")
    if block.kind == "cable":
        froms, tos = named("from_ref"), named("to_ref")
        return [i for i in n if (tags[i] not in (None, "") and not _serial(tags[i]))
                or (froms[i] not in (None, "") and tos[i] not in (None, ""))]
    descs = named("description")
    powers = [named(f) for f in ("rated_power_kw", "rated_power_kva", "current_a")]
    return [i for i in n if descs[i] not in (None, "")
            or (tags[i] not in (None, "") and not _serial(tags[i]))
            or any(_positive(p[i]) for p in powers)]


def _positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0

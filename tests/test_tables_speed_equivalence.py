"""Reading a table body fast gives the same tables as the full rules.

``find_tables`` looks at the cells of a body column by column and takes the
rows this proves plain data as data at once; only the other rows are read
one by one, by the full rules (``_classify_row``, repeated headers, the
start of a next table) or by the last two alone. Every test here reads the
same grids both ways, fast and by the full rules alone, and compares the
tables whole: the corpus, generated workbooks, the layouts other tests
share, edge cases at the seams of the row blocks, and random grids.
"""

from __future__ import annotations

import random
import re
from datetime import date, datetime, time, timedelta

import pytest
from corpus_path import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from workbooks import CABLE_HEADER, CABLES, GROUPED, LOAD_HEADER, PANEL, PUMPS, SCHEDULE

from extractor import tables
from extractor.generate import FEATURES, make_book
from extractor.grid import CellError, MergedRange, SheetGrid
from extractor.sources import read_workbook
from extractor.tables import Table, find_tables
from extractor.vocabulary import shipped_vocabulary

VOCAB = shipped_vocabulary()
WORKBOOKS = sorted(
    p for p in CORPUS.rglob("*")
    if p.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".csv")
) if CORPUS.exists() else []


def both_ways(grid: SheetGrid, monkeypatch) -> tuple[list[Table], list[Table]]:
    """The tables of a grid read fast, and read by the full rules alone."""
    fast = find_tables(grid, VOCAB)
    with monkeypatch.context() as patch:
        patch.setattr(tables, "_FAST_BODY", False)
        full = find_tables(grid, VOCAB)
    return fast, full


def grid_of(rows: list[list], name: str = "Sheet", hidden=(), merged=()) -> SheetGrid:
    return SheetGrid(name, [list(r) for r in rows], hidden_rows=frozenset(hidden),
                     merged=[MergedRange(*m) for m in merged])


def rows_read_one_by_one(grid: SheetGrid, monkeypatch) -> list[tuple[int, bool]]:
    """The body rows read one by one on a fast read, each with whether it
    was checked only for a repeated header and a next table."""
    seen: list[tuple[int, bool]] = []
    read_row = tables._BodyReader._read_row

    def counted(reader, r, data_shape=False):
        seen.append((r, data_shape))
        return read_row(reader, r, data_shape)

    with monkeypatch.context() as patch:
        patch.setattr(tables._BodyReader, "_read_row", counted)
        find_tables(grid, VOCAB)
    return seen


# -- real and generated workbooks ----------------------------------------------


@pytest.mark.skipif(not WORKBOOKS, reason="corpus not present")
@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_corpus_workbooks(path, monkeypatch):
    for grid in read_workbook(path).sheets:
        fast, full = both_ways(grid, monkeypatch)
        assert fast == full, grid.name


def generated_grids(seed: int) -> list[SheetGrid]:
    grids = []
    for index in range(len(FEATURES)):
        for sheet in make_book(seed, index).sheets:
            height = max((r for r, _ in sheet.cells), default=-1) + 1
            width = max((c for _, c in sheet.cells), default=-1) + 1
            rows = [[None] * width for _ in range(height)]
            for (r, c), value in sheet.cells.items():
                rows[r][c] = value
            grids.append(grid_of(rows, sheet.name, sheet.hidden, sheet.merges))
    return grids


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_workbooks(seed, monkeypatch):
    grids = generated_grids(seed)
    for grid in grids:
        fast, full = both_ways(grid, monkeypatch)
        assert fast == full, grid.name
    assert sum(len(t.rows) for g in grids for t in find_tables(g, VOCAB)) > 1000


@pytest.mark.parametrize("sheet", [
    [LOAD_HEADER, *PUMPS], [CABLE_HEADER, *CABLES], GROUPED.rows, SCHEDULE.rows,
    PANEL.rows,
], ids=["pumps", "cables", "grouped", "schedule", "panel"])
def test_shared_layouts(sheet, monkeypatch):
    fast, full = both_ways(grid_of(sheet), monkeypatch)
    assert fast == full
    assert fast


# -- the seams of the fast reading ---------------------------------------------


HEADER = ["Item", "Tag", "Description", "Rated Power (kW)", "Voltage (V)", "Remarks"]


def load_row(i: int) -> list:
    return [float(i), f"P-{100000 + i}", f"Pump {i % 7}", 10.0 + i % 13, 400, ""]


def long_body(n: int, odd: dict[int, list]) -> list[list]:
    rows = [["Plant load list"], ["Board:", "MCC-01"], [], HEADER]
    rows += [odd.get(i, load_row(i)) for i in range(n)]
    return rows


ODD_ROWS = {
    # rows that are no plain data, near the ends of the row blocks
    60: ["", "SPARE", "", "", "", ""],
    63: [64.0, "P-64", "Spare", 5.0, 400, ""],
    64: ["", "", "", "", "", ""],
    120: [None, "Sub-Total", "", 55.5, None, ""],
    127: ["", "MCC-02 (Utility)", "", "", "", ""],
    128: [None, "Note:", "Motors run at 400 V", None, None, None],
    129: [None, "see the single line diagram", None, None, None, None],
    255: [1.0, "İNCOMER", "from transformer", 500.0, 11000, ""],
    256: [2.0, "ſpare", "—", 1.0, 400, ""],
    300: [3.0, "TBC", "n/a", "-", "x", ""],
    301: [True, False, "Pump", 5.0, 400, ""],
    302: [4.0, date(2024, 1, 1), "Pump", 5.0, time(8, 0), CellError("#REF!")],
    303: [5.0, "P-5", "Pump", 5.0, datetime(2024, 1, 1), "  "],
    511: ["Item", "Tag", "Description", "Rated Power (kW)", "Voltage (V)", "Remarks"],
    512: ["item", "TAG", "description", "rated power", "voltage", "remarks"],
    1000: [None, None, None, 7.0, None, None],
    4095: [6.0, "P-6", "Pump\n6", 5.0, 400, "line one\nline two"],
    4096: [7.0, "P-7\0", "Pump", 5.0, 400, "total\0"],
    4097: ["Board:", "MCC-03", None, None, None, None],
    8191: [8.0, "Total of the board", "", 1.0, 2.0, ""],
}


HIDDEN = {100, 4096, 4100}


def test_long_body_with_odd_rows(monkeypatch):
    grid = grid_of(long_body(9000, ODD_ROWS), hidden={4 + i for i in HIDDEN})

    fast, full = both_ways(grid, monkeypatch)

    assert fast == full
    [table] = fast
    assert len(table.rows) == 8999
    assert {row.index - 4: (row.role, row.label) for row in table.rows
            if row.role != "data"} == {
        60: ("spare", "SPARE"), 63: ("spare", "P-64"), 100: ("hidden", None),
        120: ("total", "Sub-Total"), 127: ("section", "MCC-02"),
        128: ("note", "Note: Motors run at 400 V"),
        129: ("note", "see the single line diagram"), 255: ("incomer", "İNCOMER"),
        256: ("spare", "ſpare"), 511: ("header", None), 512: ("header", None),
        4096: ("hidden", None), 4097: ("section", "MCC-03"), 4100: ("hidden", None),
        8191: ("total", "Total of the board"),
    }


def test_plain_rows_skip_the_full_rules(monkeypatch):
    grid = grid_of(long_body(9000, ODD_ROWS), hidden={4 + i for i in HIDDEN})

    seen = rows_read_one_by_one(grid, monkeypatch)

    # rows 302, 303 and 4095 are plain data (dates, an error value, a blank
    # text, texts on two lines); the hidden rows and the repeated headers
    # have cells that data rows can have
    shaped = {100, 511, 512, 4100}
    assert sorted((r - 4, shape) for r, shape in seen) == [
        (r, r in shaped) for r in sorted(ODD_ROWS.keys() - {302, 303, 4095} | HIDDEN)]


@pytest.mark.parametrize("gap", [4, 5, 6, 7])
def test_blank_runs_across_blocks(gap, monkeypatch):
    rows = long_body(200, {})
    for at in (62, 126):  # blank rows running over the ends of blocks
        for k in range(gap):
            rows[4 + at + k] = [None] * 6
    fast, full = both_ways(grid_of(rows), monkeypatch)
    assert fast == full


def test_next_table_below_and_ragged_rows(monkeypatch):
    rows = long_body(150, {})
    rows[40] = rows[40][:3]
    rows[41] = []
    rows += [CABLE_HEADER, *CABLES] + [load_row(i)[:4] for i in range(80)]
    fast, full = both_ways(grid_of(rows), monkeypatch)
    assert fast == full
    assert len(fast) == 2


def test_header_with_a_number_repeated_in_the_body(monkeypatch):
    header = ["Tag", "Description", "Rated Power (kW)", "Voltage (V)", "Phase", 1]
    rows = [header] + [[f"P-{i}", "Pump", 5.5, 400, "L1", 1] for i in range(100)]
    rows[50] = ["TAG", "Description", "Rated Power", "Voltage", "phase", 1.0]
    fast, full = both_ways(grid_of(rows), monkeypatch)
    assert fast == full
    assert [r.role for r in fast[0].rows].count("header") == 1


def test_rows_of_text_only(monkeypatch):
    header = ["Cable No", "From", "To", "Size", "Length", "Remarks"]
    rows = [header] + [[f"C-{i}", "MCC-01", f"P-{i}", "4C x 16 mm²", f"{i} m", "ok"]
                       for i in range(200)]
    rows[80] = list(header)  # repeated on the next printed page
    rows[120] = ["C-120", "MCC-01", "P-120", "Spare", "", ""]
    rows += [["Tag", "Description", "Rated Power (kW)", "Voltage (V)"], *PUMPS]

    fast, full = both_ways(grid_of(rows), monkeypatch)

    assert fast == full
    assert [len(t.rows) for t in fast] == [200, 3]
    assert fast[0].rows[79].role == "header"
    seen = rows_read_one_by_one(grid_of(rows), monkeypatch)
    assert [r for r, data_shape in seen if not data_shape] == [120]


class Text(str):
    """Text of a type the fast reading does not know."""


def test_values_of_other_types(monkeypatch):
    rows = long_body(100, {
        10: [1.0, Text("SPARE"), "Pump", 5.0, 400, ""],
        20: [2.0, "P-2", Text("-"), 5.0, timedelta(hours=1), ""],
        30: [3.0, Text(""), Text(" "), 5.0, 400, Text("ok")],
    })
    fast, full = both_ways(grid_of(rows), monkeypatch)
    assert fast == full
    assert fast[0].rows[10].role == "spare"


def test_side_by_side_tables_in_a_wide_sheet(monkeypatch):
    left = [HEADER] + [load_row(i) for i in range(120)]
    right = [CABLE_HEADER] + [[f"C-{i}", "MCC-01", f"P-{i}", 16, 4, 45.0]
                              for i in range(90)]
    rows = []
    for r in range(121):
        line = left[r] + [None] + (right[r] if r < len(right) else [None] * 6)
        rows.append(line + [None] * 40 + ["x"])
    rows[60][2] = "Spare"
    fast, full = both_ways(grid_of(rows), monkeypatch)
    assert fast == full
    assert len(fast) == 2


# -- the search for texts that may make a row other than data ------------------


def test_odd_words_can_be_grouped_by_their_first_letter():
    for word in tables._ODD_WORDS:
        assert re.match(r"[^\W\d_](?![?*+{])", word) and "|" not in word, word


TRICKY_TEXTS = ["", " ", "\t", "\n", " \n ", "Spare", "  spare  ", "SPARE 1", "spared",
                "Space heater", "sub-total", "Sub Total", "grand\ntotal", "Totals",
                "gesamtsumme", "Zwischensumme:", "İncomer", "ıncoming", "ſpare",
                "RÉSERVE", "Arrivée", "main  incomer", "-", "--", "—", "–", " – ",
                "N/A", "n/a ", "na", "NA\n", "TBC", "tba", "x", " X ", "xx", "P-101",
                "Pump", "total\0", "\0", "a\0spare", "Motor\nSpare", "Σpare"]


def test_odd_texts_of_tricky_texts():
    texts = set(TRICKY_TEXTS)
    assert tables._odd_texts(texts) == {t for t in texts if tables._is_odd_text(t)}


@settings(max_examples=300, deadline=None)
@given(st.sets(st.text(max_size=12) | st.sampled_from(TRICKY_TEXTS), max_size=30))
def test_odd_texts_of_random_texts(texts):
    assert tables._odd_texts(texts) == {t for t in texts if tables._is_odd_text(t)}


# -- random grids ----------------------------------------------------------------


CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", " ", "Spare", "TOTAL", "Sub-total 1", "İNCOMER", "Note:",
                     "Board:", "MCC-02", "MCC-02 (Utility)", "-", "n/a", "x", "TBC",
                     "Tag", "Description", "kW", "Voltage (V)", "Pump", "P-101",
                     "Cable No", "From", "To", "1", "12", "Remarks:", "x" * 70]),
    st.text(max_size=8),
    st.integers(-5, 20000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.just(CellError("#N/A")),
    st.just(date(2024, 3, 1)),
)


@st.composite
def body_grids(draw) -> SheetGrid:
    header = draw(st.sampled_from([LOAD_HEADER, CABLE_HEADER, HEADER,
                                   ["CKT", "Description", "1", "2"]]))
    width = len(header)
    rng = random.Random(draw(st.integers(0, 10**6)))
    plain = draw(st.floats(0.0, 1.0))
    rows = [list(header)]
    for i in range(draw(st.integers(0, 300))):
        if rng.random() < plain:
            rows.append([f"P-{i}", "Pump", float(i), 400.0, 1, "ok"][:width])
        else:
            cells = draw(st.lists(CELLS, min_size=0, max_size=width + 1))
            rows.append(cells)
    if draw(st.booleans()):
        rows.append(list(header))
    hidden = {r for r in range(1, len(rows)) if rng.random() < 0.02}
    return grid_of(rows, hidden=hidden)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(grid=body_grids())
def test_random_grids(grid, monkeypatch):
    fast, full = both_ways(grid, monkeypatch)
    assert fast == full


# -- counting the texts of a row that name fields ------------------------------


HEADER_TEXTS = ["Tag", "Description", "Rated Power (kW)", "Cable No", "From", "To",
                "Length (m)", "Size (mm²)", "Voltage", "Board", "C-1000123", "P-17",
                "MCC-01-04", "Cu", "XLPE", "Ladder", "0.6/1 kV", "Descriptions 123",
                "x" * 81]


@settings(max_examples=200, deadline=None)
@given(cells=st.lists(st.sampled_from(HEADER_TEXTS) | st.floats(0, 100) | st.none(),
                      max_size=12),
       seen=st.sets(st.sampled_from(HEADER_TEXTS)),
       enough=st.integers(0, 4))
def test_counting_field_names_stops_only_below_enough(cells, seen, enough):
    cells = list(enumerate(cells))
    named = {text: tables._names_field(VOCAB, text) for text in seen}
    exact = tables._field_matches(VOCAB, cells)

    count = tables._count_field_names(VOCAB, cells, named, enough)

    assert (count >= enough) == (exact >= enough)
    assert count == exact or count < enough


def test_header_search_after_a_gap_in_the_data(monkeypatch):
    header = ["Cable No", "From", "To", "Conductor", "Insulation", "Length (m)"]
    rows = [header] + [[f"C-{1000 + i}", "MCC-01", f"P-{1000 + i}", "Cu", "XLPE", 45.0]
                       for i in range(300)]
    # under a title, the rows below the gap are no table's body
    rows[150:150] = [[None] * 6] * 7 + [["Cables to confirm", None, None, None, None, None]]
    rows += [[None] * 6] * 7 + [header, *CABLES]
    seen: list[str] = []
    names_field = tables._names_field

    def counted(vocab, text):
        seen.append(text)
        return names_field(vocab, text)

    monkeypatch.setattr(tables, "_names_field", counted)
    found = find_tables(grid_of(rows), VOCAB)

    assert [(t.header_rows, len(t.rows)) for t in found] == [([0], 149), ([316], 2)]
    # one tag of each row under the gap is matched, not both
    assert len([text for text in seen if text.startswith(("C-", "P-"))]) == 151

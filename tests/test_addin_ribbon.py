"""The ribbon entry point, run on workbooks through the file engine."""

from __future__ import annotations

import pytest
from workbooks import write_xlsx

from addin.file_engine import activated, mock_caller, open_book
from addin.marks import MARK, result_role
from addin.ribbon import extract_workbook
from addin.writing import MAX_NOTES, Rect, fill_layout, write_sheet
from extractor.pipeline import extract_file
from extractor.writers.plan import BAND_COLORS, Fill, SheetPlan, build_plan

GREEN, AMBER, RED = BAND_COLORS["high"], BAND_COLORS["medium"], BAND_COLORS["low"]
RESULT_SHEETS = ["Loads", "Cables", "Buses", "Sheets", "Mapping", "Findings",
                 "Performance", "Legend"]
HEADER = ["Tag", "Description", "Rated Power (kW)", "Voltage (V)", "Phases"]


def load_list(n: int) -> list[list]:
    return [HEADER] + [[f"P-{100 + i}", "Pump", 15, 400, 3] for i in range(n)]


@pytest.fixture
def engine():
    with activated():
        yield


def press_extract(path, **kwargs):
    """Open ``path``, press the button, return the open book and what it did."""
    book = open_book(path)
    with mock_caller(book):
        done = extract_workbook(**kwargs)
    return book, done


@pytest.mark.parametrize(("cells", "base", "rects"), [
    ([], None, []),
    ([[GREEN, GREEN], [GREEN, None]], GREEN, [Rect(1, 1, 1, 1, None)]),
    ([[None, RED, RED], [None, RED, RED], [None, AMBER, RED]], RED,
     [Rect(0, 0, 2, 0, None), Rect(2, 1, 2, 1, AMBER)]),
    ([[GREEN, None], [None, GREEN]], None,
     [Rect(0, 0, 0, 0, GREEN), Rect(1, 1, 1, 1, GREEN)]),
    ([[AMBER, AMBER, GREEN, GREEN]] * 3, AMBER, [Rect(0, 2, 2, 3, GREEN)]),
    ([[None, AMBER, AMBER], [None, GREEN, AMBER], [None, GREEN, GREEN]], None,
     [Rect(0, 1, 0, 2, AMBER), Rect(1, 1, 1, 1, GREEN), Rect(1, 2, 1, 2, AMBER),
      Rect(2, 1, 2, 2, GREEN)]),
])
def test_fills_become_a_base_and_as_few_rectangles_as_possible(cells, base, rects):
    fills = [Fill(r, c, color) for r, row in enumerate(cells)
             for c, color in enumerate(row) if color]
    n_cols = len(cells[0]) if cells else 0

    assert fill_layout(fills, len(cells), n_cols) == (base, rects)


def test_result_sheets_match_the_results_workbook(tmp_path, engine):
    path = write_xlsx(tmp_path / "p.xlsx", {"Load List": load_list(3)})

    book, done = press_extract(path)

    names = [s.name for s in book.sheets]
    assert names == ["Load List"] + RESULT_SHEETS
    assert done.sheets == RESULT_SHEETS
    assert [result_role(s) for s in book.sheets] == [None] + RESULT_SHEETS
    expected = build_plan(extract_file(path))
    for plan in expected[:3]:
        sheet = book.sheets[plan.name]
        width = len(plan.rows[0])
        cells = sheet.range((1, 1), (len(plan.rows), width))
        assert cells.options(ndim=2).value == plan.rows
        assert _fills(sheet, len(plan.rows), width) == {
            (f.row, f.col): f.color for f in plan.fills}
        assert sheet["A1"].font.bold is True
    assert book.sheets["Loads"]["C2"].number_format == "0.00"


def test_a_second_press_replaces_only_its_own_sheets(tmp_path, engine):
    path = write_xlsx(tmp_path / "p.xlsx", {
        "Load List": load_list(3), "Loads": [["my own notes"]]})

    book, first = press_extract(path)
    book.sheets["Load List"]["A3"].value = "P-999"
    with mock_caller(book):
        second = extract_workbook()

    assert first.sheets[0] == second.sheets[0] == "Loads (2)"
    assert [s.name for s in book.sheets] == ["Load List", "Loads", "Loads (2)",
                                            *RESULT_SHEETS[1:]]
    assert book.sheets["Loads"].used_range.value == "my own notes"
    assert result_role(book.sheets["Loads"]) is None
    assert book.sheets["Loads (2)"]["D3"].value == "P-999"
    assert len(second.report.loads) == 3  # its own sheets were not read as input
    assert [n.name for n in book.sheets["Loads (2)"].names] == [f"'Loads (2)'!{MARK}"]


def test_calls_into_excel_do_not_grow_with_the_records(tmp_path, engine):
    calls = {}
    for n in (5, 400):
        path = write_xlsx(tmp_path / f"p{n}.xlsx", {"Load List": load_list(n)})
        book, done = press_extract(path)
        assert len(done.report.loads) == n
        calls[n] = dict(book.impl.calls)

    assert calls[5] == calls[400]
    assert calls[400]["write_values"] == len(RESULT_SHEETS)
    assert calls[400]["read_values"] == 1
    assert calls[400]["color"] <= 3 * len(RESULT_SHEETS)
    assert sum(calls[400].values()) < 200


def test_notes_go_on_doubtful_values_up_to_the_cap(tmp_path, engine):
    rows = [["Value"]] + [[i] for i in range(2 * MAX_NOTES + 50)]
    fills = [Fill(r, 0, AMBER if r % 2 else GREEN) for r in range(1, len(rows))]
    notes = {(r, 0): f"cell: A{r}" for r in range(1, len(rows))}
    plan = SheetPlan("Loads", rows, fills, notes=notes)
    book = open_book(write_xlsx(tmp_path / "e.xlsx", {"Sheet1": [["x"]]}))

    write_sheet(book.sheets[0], plan)

    assert book.impl.calls["add_note"] == MAX_NOTES
    assert book.sheets[0]["A2"].note.text == "cell: A1"
    assert book.sheets[0]["A3"].note is None  # green: read cleanly


def _fills(sheet, n_rows: int, n_cols: int) -> dict[tuple[int, int], str]:
    found = {}
    for r in range(n_rows):
        for c in range(n_cols):
            color = sheet.range((r + 1, c + 1)).color
            if color is not None:
                found[(r, c)] = "{:02X}{:02X}{:02X}".format(*color)
    return found

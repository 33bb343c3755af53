"""The column builder makes exactly the records the row builder makes.

Every workbook of the corpus and a generated schedule are extracted twice,
once with every plain table built by column and once with every table built
row by row; the reports, records, findings and marks included, are the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor import build_columns
from extractor.bench import write_schedules
from extractor.blocks import RecordBlock
from extractor.pipeline import extract_file
from corpus_path import CORPUS

WORKBOOKS = sorted(p for p in CORPUS.rglob("*") if p.suffix.lower() in
                   (".xlsx", ".xlsm", ".xls", ".csv", ".ods")) if CORPUS.exists() else []


def _both(path: Path, monkeypatch) -> tuple[dict, dict]:
    monkeypatch.setattr(build_columns, "MIN_ROWS", 10**9)
    by_row = extract_file(path, n_jobs=1).model_dump()
    monkeypatch.setattr(build_columns, "MIN_ROWS", 0)
    by_column = extract_file(path, n_jobs=1).model_dump()
    for report in (by_row, by_column):
        report.pop("performance")
        for sheet in report["sheets"]:
            sheet.pop("seconds")
    return by_row, by_column


@pytest.mark.skipif(not WORKBOOKS, reason="corpus not present")
@pytest.mark.parametrize("path", WORKBOOKS, ids=[p.name for p in WORKBOOKS])
def test_corpus_reports_are_the_same_by_column(path, monkeypatch):
    by_row, by_column = _both(path, monkeypatch)
    assert by_column == by_row


def test_generated_schedules_are_built_by_column(tmp_path, monkeypatch):
    path = tmp_path / "schedules.xlsx"
    write_schedules(path, 600)
    by_row, by_column = _both(path, monkeypatch)
    assert by_column == by_row
    assert len(by_row["loads"]) == 300 and len(by_row["cables"]) == 300


def test_generated_workbooks_of_every_layout_are_the_same_by_column(tmp_path,
                                                                   monkeypatch):
    """Title blocks, units rows, sections, totals, hidden rows, cable
    descriptions in many forms: the set the generator writes."""
    from extractor.generate import generate_set

    books = [p for p in generate_set(tmp_path, 40, seed=0) if p.suffix == ".xlsx"]
    described = 0
    for path in books:
        by_row, by_column = _both(path, monkeypatch)
        assert by_column == by_row, path.name
        described += sum(1 for cable in by_column["cables"]
                         for fv in cable.values() if isinstance(fv, dict)
                         and "from the cable specification" in fv["notes"])
    assert described == 1308


def test_a_large_plain_table_is_built_as_one_block(tmp_path):
    from extractor.classify import Evidence, classify
    from extractor.mapping import assign, candidates
    from extractor.sources import read_workbook
    from extractor.tables import find_tables
    from extractor.vocabulary import load_vocabulary

    path = tmp_path / "schedules.xlsx"
    write_schedules(path, 1000)
    grid = read_workbook(path).sheets[0]
    vocab = load_vocabulary()
    [table] = find_tables(grid, vocab)
    mapping = candidates(table, grid, vocab)
    verdict = classify(Evidence(table, grid, mapping, grid.name.lower()))
    assign(mapping, verdict.records)
    [block] = build_columns.build_blocks(table, grid, mapping, verdict)
    assert isinstance(block, RecordBlock)
    assert (block.kind, len(block), block.rows[0]) == ("load", 500, 7)
    first = block.record(0)
    assert first.tag.cell == "Load List 1!B7"
    assert first.rated_power_kw.value == grid.rows[6][5]


def test_mixed_loads_and_cables_are_the_same_by_column(tmp_path, monkeypatch):
    """Values that need reading cell by cell, derived currents, powers and
    apparent powers, assumed phases and efficiencies, and findings."""
    from workbooks import write_xlsx

    loads = [["MCC-7 LOAD LIST"], [],
             ["Tag", "Description", "Rated Power (kW)", "kVA", "Voltage (V)",
              "Phases", "Power Factor", "Efficiency (%)", "Board"]]
    variants = [
        ["P-1", "Pump", 15, None, 400, 3, 0.85, 92, "MCC-1"],
        ["P-2", "Fan", "7.5 kW", None, "400V", None, 0.8, None, None],
        ["L-3", "Lighting", None, 4, 230, 1, 0.9, None, "DB-2"],
        ["H-4", "Heater", "TBA", None, 400, "3ph", None, 100, ""],
        ["P-5", "Compressor", 1.02, None, 11000, 3, 1.02, 95, "MCC-1"],
        ["P-6", "Mixer", -3, None, 415, None, 0.82, "N/A", "MCC-9"],
        ["P-7", "Sump pump", 2.2, 3.1, 400, 3, 0.81, 86, "MCC-1"],
    ]
    for i in range(30):
        for row in variants:
            loads.append([f"{row[0]}-{i}", *row[1:]])
    cables = [["Cable Tag", "From", "To", "Cores", "Size (mm²)", "Conductor",
               "Insulation", "Length (m)", "Installation"]]
    for i in range(30):
        for k, row in enumerate(variants):
            cables.append([f"C-{k}-{i}", "MCC-1", f"{row[0]}-{i}",
                           [3, 4, 3.5, "4C"][k % 4], [2.5, 16, 120, -1][k % 4],
                           ["Cu", "Al", None][k % 3], "XLPE", [50, 400, -5][k % 3],
                           ["Tray", "Buried duct", None][k % 3]])
    path = write_xlsx(tmp_path / "mixed.xlsx", {"Loads": loads, "Cables": cables})
    by_row, by_column = _both(path, monkeypatch)
    assert len(by_row["loads"]) == 210 and len(by_row["cables"]) == 210
    assert len(by_row["findings"]) > 100
    assert by_column == by_row
    monkeypatch.setattr(build_columns, "MIN_ROWS", 0)
    report = extract_file(path, n_jobs=1)
    assert [len(b) for b in report.blocks("load") + report.blocks("cable")] \
        == [210, 210]


@pytest.mark.parametrize(("texts", "plain"), [
    ({"Pump 1", "Fan", "MCC-2"}, True),
    ({"Pump 1", "N/A"}, False),  # a word for nothing
    ({"Pump 1", "n.a."}, False),
    ({"Pump 1", ""}, False),
    ({"Pump  1"}, False),  # two spaces
    ({" Pump"}, False),
    ({"Pump "}, False),
    ({"Pump\t1"}, False),  # not printable
    ({"A|n/a"}, False),  # read cell by cell: safe, if slower
    ({"A|B"}, True),
])
def test_a_column_of_plain_texts_is_taken_as_written(texts, plain):
    assert build_columns._plain_texts(texts) is plain


def test_a_value_repeated_reads_as_a_list_of_it():
    from extractor.blocks import Repeated

    same = Repeated(0.9, 3)
    assert list(same) == [0.9, 0.9, 0.9] and len(same) == 3
    assert same[2] == same[-3] == 0.9 and same[1:] == [0.9, 0.9]
    assert same.count(0.9) == 3 and same.count(0.5) == 0
    assert same == [0.9, 0.9, 0.9] and same != [0.9, 0.9]
    with pytest.raises(IndexError):
        same[3]
    import pickle

    assert pickle.loads(pickle.dumps(same)) == same


def test_marking_a_field_of_a_whole_column_changes_that_record_only(tmp_path):
    from extractor.blocks import Repeated

    path = tmp_path / "big.xlsx"
    write_schedules(path, 800)
    block = next(b for b in extract_file(path).blocks("cable"))
    column = block.fields["tag"]
    assert isinstance(column.confidences, Repeated)
    before = column.confidences[0]
    block.mark("tag", 5, 0.3, "warning x: y")
    assert column.confidences[5] == 0.3 and column.notes[5] == ("warning x: y",)
    assert column.confidences[4] == before and column.notes[4] == ()


def _described_cables(path: Path) -> None:
    """A cable schedule of 300 rows whose descriptions give what its own
    columns leave out: whole descriptions, materials beside a size column,
    a cores column filled on some rows only."""
    from workbooks import write_xlsx

    forms = ["4C x 16mm² Cu/XLPE/SWA 0.6/1kV", "2 x 3C x 95 sq.mm Al XLPE/AWA",
             "XLPE/SWA/PVC", "4G2.5", "TBA"]
    rows = [["Cable No", "From", "To", "Cores", "Size (mm²)", "Cable Description",
             "Length (m)"]]
    for i in range(300):
        rows.append([f"C-{i:03d}", f"MCC-{i % 4}", f"P-{i:03d}", 4 if i % 3 == 0 else None,
                     16 if i % 5 == 2 else None, forms[i % len(forms)], 10.0 + i])
    loads = [["Tag", "Description", "Rated Power (kW)", "Voltage (V)", "Power Factor"]]
    loads += [[f"P-{i:03d}", f"Pump {i}", 5.5 + i % 30, 400, 0.85] for i in range(300)]
    write_xlsx(path, {"Cable Schedule": rows, "Load List": loads})


@pytest.mark.parametrize("make", [lambda p: write_schedules(p, 800), _described_cables],
                         ids=["schedules", "described-cables"])
def test_result_sheets_from_blocks_are_those_from_records(tmp_path, make, monkeypatch,
                                                         request):
    from extractor.writers.plan import build_plan

    path = tmp_path / "big.xlsx"
    make(path)
    report = extract_file(path)
    assert report.blocks("cable")
    by_column = build_plan(report)
    report.materialize()
    assert not report.blocks("cable")
    by_record = build_plan(report)
    for a, b in zip(by_column, by_record, strict=True):
        assert (a.name, a.rows, a.fills, a.notes, a.column_widths) == (
            b.name, b.rows, b.fills, b.notes, b.column_widths)
    by_row, by_column = _both(path, monkeypatch)
    assert by_column == by_row
    # described cables: ratings found for the sizes the descriptions give,
    # cells listed one by one where a size column fills some rows
    on_sizes = [f["rule"] for f in by_column["findings"] if f["field"] == "size_mm2"]
    assert len(on_sizes) == {"schedules": 0, "described-cables": 240}[
        request.node.callspec.id]


def test_csv_from_blocks_is_that_from_records(tmp_path):
    from extractor.writers.csv_export import write_csv

    path = tmp_path / "big.xlsx"
    write_schedules(path, 800)
    report = extract_file(path)
    assert report.blocks("load") and report.blocks("cable")
    (tmp_path / "a").mkdir(), (tmp_path / "b").mkdir()
    by_column = [p.read_bytes() for p in write_csv(report, tmp_path / "a", "big")]
    report.materialize()
    assert not report.blocks("load")
    by_record = [p.read_bytes() for p in write_csv(report, tmp_path / "b", "big")]
    assert by_column == by_record
    assert [len(b.splitlines()) for b in by_column] == [
        report.count(k) + 1 for k in ("load", "cable", "bus")]


def test_descriptions_that_are_bare_numbers_are_read_as_by_row(tmp_path, monkeypatch):
    from workbooks import write_xlsx

    rows = [["Cable No", "From", "To", "Cable Description", "Length (m)"]]
    rows += [[f"C-{i:03d}", "MCC-1", f"P-{i:03d}", 16, 12.5] for i in range(300)]
    path = write_xlsx(tmp_path / "numbers.xlsx", {"Cable Schedule": rows})

    by_row, by_column = _both(path, monkeypatch)

    assert by_column == by_row
    assert len(by_column["cables"]) == 300
    # a bare number is no description: nothing is read from it
    assert {c["size_mm2"] is None for c in by_column["cables"]} == {True}


def test_a_unit_column_gives_each_row_its_unit_in_a_block(tmp_path, monkeypatch):
    from workbooks import write_xlsx

    rows = [["Tag", "Description", "Rated Power", "Unit", "Voltage (V)"]]
    rows += [[f"P-{i:03d}", f"Pump {i}", 10, "HP" if i % 2 else "kW", 400]
             for i in range(300)]
    path = write_xlsx(tmp_path / "units.xlsx", {"Loads": rows})

    report = extract_file(path)
    assert report.blocks("load")
    assert [ld.rated_power_kw.value for ld in report.loads[:2]] == [10.0, 7.45699872]
    by_row, by_column = _both(path, monkeypatch)
    assert by_column == by_row


@pytest.mark.parametrize("rows", [
    # a description in the size column on one row, in its own column on the next
    [["Cable No", "From", "To", "Size (mm²)", "Cable Description"],
     ["C-1", "A", "B", "4C x 16mm² Cu/XLPE/SWA", None],
     ["C-2", "A", "B", None, "4C x 25mm² Cu/XLPE/SWA"]],
    # unreadable values of a load and of its cable on rows of their own
    [["Tag", "Description", "Rated Power (kW)", "Cable Size (mm²)", "Cores"],
     ["P-1", "Pump", 15, "TBA", 4],
     ["P-2", "Fan", "TBA", 16, 4]],
    # zero written as -0
    [["Tag", "Description", "Rated Power (kW)"],
     ["P-0", "Pump", 0], ["P-1", "Pump", -0.0]],
], ids=["descriptions-in-two-columns", "unreadable-load-and-cable", "minus-zero"])
def test_odd_tables_are_the_same_by_column(
        rows, tmp_path, monkeypatch):
    from workbooks import write_xlsx

    path = write_xlsx(tmp_path / "t.xlsx", {"Sheet1": [rows[0], *rows[1:] * 100]})

    by_row, by_column = _both(path, monkeypatch)

    assert by_column == by_row

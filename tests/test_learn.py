"""Corrections on the Mapping and Sheets sheets: applied, learned, reused."""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
import pytest

from extractor.cli import main
from extractor.errors import ConfigurationError
from extractor.learn import read_corrections
from extractor.pipeline import Settings, extract_file
from extractor.report import ColumnMapping, Report, SheetResult
from extractor.vocabulary import Vocabulary, user_vocabulary_path

from corpus_path import CORPUS

SAMPLE = (Path(__file__).resolve().parents[1] / "workbook_templates"
          / "sample_project.xlsx")
SMDB = CORPUS / "autosld" / "SMDB Schedule.xlsx"
HEADER = ["Kennzeichen", "Bezeichnung", "Anschlusswert", "Spannung"]


def write_book(path, rows, sheet="Verbraucher", header=HEADER):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def edit_results(path, mapping=None, kinds=None):
    """Change Record/Field of the Mapping rows by header, Kind by sheet name."""
    wb = openpyxl.load_workbook(path)
    for sheet, by, changes in (("Mapping", "Header", mapping or {}),
                               ("Sheets", "Name", kinds or {})):
        ws = wb[sheet]
        names = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            new = changes.get(row[names.index(by)].value)
            if new is None:
                continue
            if sheet == "Mapping":
                record, _, name = new.partition(".")
                row[names.index("Record")].value = record or None
                row[names.index("Field")].value = name or None
            else:
                row[names.index("Kind")].value = new
    wb.save(path)


@pytest.fixture
def site_a(tmp_path):
    return write_book(tmp_path / "site_a.xlsx", [
        ["P-101", "Pumpe 1", 15, 400], ["P-102", "Pumpe 2", 7.5, 400],
        ["M-201", "Rührwerk", 4, 400]])


def test_an_unusual_header_corrected_once_is_read_right_in_the_next_workbook(
        site_a, tmp_path, capsys):
    assert main(["run", str(site_a), "-q"]) == 0
    results = tmp_path / "site_a.results.xlsx"
    before = extract_file(site_a)
    assert [s.kind for s in before.sheets] == ["other"]
    edit_results(results, {"Anschlusswert": "load.rated_power_kw"})

    assert main(["learn", str(results)]) == 0

    out = capsys.readouterr().out.splitlines()
    vocabulary = user_vocabulary_path()
    assert out == [
        "'Verbraucher' column 'Anschlusswert': load.rated_power_kw (was no field)",
        f"learned 1 header(s) and 0 sheet kind(s) into {vocabulary}"]
    assert tomllib.loads(vocabulary.read_text("utf-8")) == {
        "load": {"rated_power_kw": ["Anschlusswert"]}}
    site_b = write_book(tmp_path / "site_b.xlsx", [
        ["F-301", "Lüfter", 2.2, 400], ["F-302", "Lüfter 2", 3, 230]])
    report = extract_file(site_b)
    assert [s.kind for s in report.sheets] == ["load_schedule"]
    assert [(r.get("tag"), r.get("rated_power_kw")) for r in report.loads] == [
        ("F-301", 2.2), ("F-302", 3)]
    column = next(m for m in report.mappings if m.header == "Anschlusswert")
    assert (column.field, column.method) == ("rated_power_kw", "synonym")


def test_learning_the_same_results_twice_changes_nothing(site_a, tmp_path, capsys):
    main(["run", str(site_a), "-q"])
    results = tmp_path / "site_a.results.xlsx"
    edit_results(results, {"Anschlusswert": "load.rated_power_kw"})
    main(["learn", str(results)])
    stored = user_vocabulary_path().read_bytes()
    capsys.readouterr()

    assert main(["learn", str(results)]) == 0

    assert capsys.readouterr().out.startswith("no corrections in ")
    assert user_vocabulary_path().read_bytes() == stored


def mapping_rows(path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {r[3]: r[5:8] for r in wb["Mapping"].iter_rows(min_row=2, values_only=True)}


def test_run_applies_the_corrections_of_a_results_workbook(site_a, tmp_path):
    main(["run", str(site_a), "-q"])
    results = tmp_path / "site_a.results.xlsx"
    edit_results(results, {"Anschlusswert": "load.rated_power_kw"})
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"

    assert main(["run", str(site_a), "--corrections", str(results), "-o",
                 str(first), "-q"]) == 0

    rows = mapping_rows(first)
    assert rows["Anschlusswert"] == ("load", "rated_power_kw", "user")
    assert rows["Spannung"] == ("load", "voltage_v", "synonym")
    wb = openpyxl.load_workbook(first)
    assert [r[:2] for r in wb["Sheets"].iter_rows(min_row=2, values_only=True)] == [
        ("Verbraucher", "load_schedule")]
    edit_results(first, {"Spannung": ""})
    assert main(["run", str(site_a), "--corrections", str(first), "-o",
                 str(second), "-q"]) == 0
    rows = mapping_rows(second)
    assert rows["Anschlusswert"] == ("load", "rated_power_kw", "user")
    assert rows["Spannung"] == (None, None, "none")
    assert not user_vocabulary_path().exists()


def test_a_corrected_sheet_kind_is_learned_by_sheet_name(tmp_path, capsys):
    header = ["Tag", "Description", "Rated Power (kW)"]
    book = write_book(tmp_path / "plant.xlsx", [["X-1", "Test rig", 5]],
                      sheet="Spares Register", header=header)
    main(["run", str(book), "-q"])
    results = tmp_path / "plant.results.xlsx"
    assert extract_file(book).sheets[0].kind == "load_schedule"
    edit_results(results, kinds={"Spares Register": "other"})

    assert main(["learn", str(results), "--vocabulary",
                 str(tmp_path / "team.toml")]) == 0

    assert "sheet 'Spares Register': other (was load_schedule)" in (
        capsys.readouterr().out)
    assert tomllib.loads((tmp_path / "team.toml").read_text("utf-8")) == {
        "sheet_kinds": {"Spares Register": "other"}}
    corrected = tmp_path / "corrected.xlsx"
    again = tmp_path / "again.xlsx"
    main(["run", str(book), "--corrections", str(results), "-o", str(corrected)])
    main(["run", str(book), "--corrections", str(corrected), "-o", str(again)])
    for path in (corrected, again):
        sheets = openpyxl.load_workbook(path)["Sheets"]
        assert [r[1] for r in sheets.iter_rows(min_row=2, values_only=True)] == [
            "other"]
    other = write_book(tmp_path / "other.xlsx", [["Y-2", "Rig 2", 3]],
                       sheet="Spares Register", header=header)
    report = extract_file(other, Settings(vocabulary_files=(tmp_path / "team.toml",)))
    assert (report.sheets[0].kind, report.loads) == ("other", [])
    assert report.sheets[0].evidence[-1] == (
        "learned from a correction (was load_schedule)")


def report_with(mappings, kinds) -> Report:
    return Report(source="b.xlsx", mappings=[
        ColumnMapping(sheet="S", table=0, column=col, header=header, record=record,
                      field=field, method="synonym" if field else "none")
        for col, header, record, field in mappings
    ], sheets=[SheetResult(name=name, kind=kind) for name, kind in kinds])


MAPPING_HEADER = ["Sheet", "Table", "Column", "Header", "Unit", "Record", "Field",
                  "Method", "Score", "Confidence", "Alternatives"]


def test_rows_of_values_are_read_as_corrections_against_what_was_written():
    written = report_with([("A", "Tag", "load", "tag"), ("B", "Power", "load",
                           "rated_power_kw"), ("C", "Odd", None, None)],
                          [("S", "load_schedule")])
    mapping = [MAPPING_HEADER,
               ["S", 0, "A", "Tag", None, "load", "tag", "synonym", 1, 1, ""],
               ["S", 0.0, "B", "Power", "kW", None, None, "synonym", 1, 1, ""],
               ["S", 0, "C", "Odd", None, "Load", "Current_A", "none", 0, 0, ""],
               ["Gone", 0, "A", "Tag", None, "bus", "tag", "none", 0, 0, ""]]
    sheets = [["Name", "Kind"], ["S", "feeder_schedule"]]

    learned = read_corrections(mapping, sheets, written)

    assert [(c.header, c.target, c.was) for c in learned.columns] == [
        ("Power", "", "load.rated_power_kw"), ("Odd", "load.current_a", "")]
    assert learned.kinds == {"S": ("feeder_schedule", "load_schedule")}
    corrections = learned.corrections()
    assert corrections.columns == {("S", "power"): "", ("S", "odd"): "load.current_a"}
    assert corrections.kinds == {"S": "feeder_schedule"}


def test_a_row_whose_column_now_has_another_header_is_no_correction():
    written = report_with([("A", "Tag", "load", "tag"), ("B", "Power", "load",
                           "rated_power_kw")], [])
    mapping = [MAPPING_HEADER, ["S", 0, "B", "Tag", None, "load", "tag"]]

    learned = read_corrections(mapping, None, written)

    assert learned.columns == []


@pytest.mark.parametrize(("record", "field", "cell", "message"), [
    ("load", "size_mm2", "G2", "load has no field 'size_mm2'; fields are tag,"),
    ("motor", "tag", "F2", "record 'motor' is not load, cable or bus"),
])
def test_a_field_that_does_not_exist_names_its_cell(record, field, cell, message):
    written = report_with([("A", "Tag", None, None)], [])
    mapping = [MAPPING_HEADER, ["S", 0, "A", "Tag", None, record, field]]

    with pytest.raises(ConfigurationError) as err:
        read_corrections(mapping, None, written)

    assert (err.value.sheet, err.value.cell) == ("Mapping", cell)
    assert err.value.message.startswith(message)


def test_a_user_synonym_takes_the_word_from_the_other_fields(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text('[bus]\nrated_current_a = ["Fault Level"]\n'
                   '[sheet_kinds]\n"Board List" = "bus_schedule"\n', "utf-8")

    vocab = Vocabulary.load([own])

    [first, *_] = vocab.matches("Fault level")
    assert (first.record, first.field, first.score) == ("bus", "rated_current_a", 1.0)
    assert "fault level" not in vocab.entries[("bus", "short_circuit_ka")]
    assert vocab.sheet_kinds == {"Board List": "bus_schedule"}


def test_an_unknown_sheet_kind_is_a_configuration_error(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text('[sheet_kinds]\nLoads = "load_list"\n', "utf-8")

    with pytest.raises(ConfigurationError, match="unknown kind 'load_list'"):
        Vocabulary.load([own])


def test_the_user_vocabulary_is_read_only_when_it_exists(tmp_path):
    assert Settings().user_vocabulary is None
    user_vocabulary_path().write_text('[load]\ntag = ["Zeichen"]\n', "utf-8")

    settings = Settings()

    assert settings.user_vocabulary == user_vocabulary_path()
    assert settings.vocabulary().matches("Zeichen")[0].field == "tag"


def test_learn_needs_the_source_workbook(site_a, tmp_path, capsys):
    results = tmp_path / "elsewhere.xlsx"
    main(["run", str(site_a), "-o", str(results), "-q"])
    capsys.readouterr()

    assert main(["learn", str(results)]) == 2
    assert capsys.readouterr().err == (
        f"error: {results}: cannot find the workbook these results came from; "
        "pass --book BOOK\n")


NOT_RESULTS = ("this is not a results workbook of excel-extract: it has no Mapping "
               "result sheet; give a results workbook written by excel-extract run")


def own_mapping_sheet(path):
    """A workbook of the user's with a sheet called Mapping, laid out as ours."""
    return write_book(path, [["Loads", 0, "A", "Tag", None, "load", "tag"]],
                      sheet="Mapping", header=MAPPING_HEADER)


@pytest.mark.parametrize("make", [
    lambda path: path.write_bytes(SAMPLE.read_bytes()), own_mapping_sheet,
], ids=["input workbook", "own Mapping sheet"])
@pytest.mark.parametrize("command", [
    ["learn", "{good}"], ["learn", "{good}", "--book", "{book}"],
    ["run", "{book}", "--corrections", "{good}", "-o", "{out}"],
], ids=["learn", "learn --book", "run --corrections"])
def test_a_workbook_that_is_not_results_is_named_so(make, command, site_a,
                                                    tmp_path, capsys):
    good, out = tmp_path / "good.xlsx", tmp_path / "out.xlsx"
    make(good)
    paths = {"good": good, "book": site_a, "out": out}

    assert main([arg.format(**paths) for arg in command]) == 2

    assert capsys.readouterr().err == f"error: {good}: {NOT_RESULTS}\n"
    assert not out.exists()
    assert not user_vocabulary_path().exists()


@pytest.fixture
def sample_and_smdb(tmp_path):
    """The sample project and a corpus workbook, each with its results."""
    if not SMDB.is_file():
        pytest.skip("corpus not present")
    books = {}
    for name, source in (("sample", SAMPLE), ("smdb", SMDB)):
        book = tmp_path / source.name
        book.write_bytes(source.read_bytes())
        results = tmp_path / f"{name}.results.xlsx"
        assert main(["run", str(book), "-o", str(results), "-q"]) == 0
        books[name] = (book, results)
    return books


def test_learn_refuses_results_of_another_workbook(sample_and_smdb, capsys):
    (_, results), (smdb, _) = sample_and_smdb["sample"], sample_and_smdb["smdb"]
    capsys.readouterr()

    assert main(["learn", str(results), "--book", str(smdb)]) == 2

    assert capsys.readouterr() == ("", (
        f"error: {results}: these results are not of {smdb} (its sheets "
        "'Load List', 'Cable Schedule', 'Board Schedule' and 2 more are not in "
        f"{smdb}); pass the workbook they came from\n"))
    assert not user_vocabulary_path().exists()


def test_run_refuses_the_corrections_of_another_workbook(sample_and_smdb, tmp_path,
                                                         capsys):
    (sample, _), (_, results) = sample_and_smdb["sample"], sample_and_smdb["smdb"]
    out = tmp_path / "corrected.xlsx"
    capsys.readouterr()

    assert main(["run", str(sample), "--corrections", str(results), "-o",
                 str(out), "-q"]) == 2

    assert capsys.readouterr().err == (
        f"error: {results}: these results are not of {sample} (its sheets "
        f"'SMDB-TWS-L09.12-02', 'Template1' are not in {sample}); pass the "
        "workbook they came from\n")
    assert not out.exists()


def test_results_of_a_sheet_of_the_same_name_with_other_headers_are_refused(
        site_a, tmp_path, capsys):
    main(["run", str(site_a), "-q"])
    results = tmp_path / "site_a.results.xlsx"
    edit_results(results, {"Anschlusswert": "load.rated_power_kw"})
    other = write_book(tmp_path / "other.xlsx", [["P-1", "Pump", 5, 400]],
                       header=["Tag", "Description", "Rated Power (kW)", "Voltage"])
    capsys.readouterr()

    assert main(["learn", str(results), "--book", str(other)]) == 2

    assert capsys.readouterr().err == (
        f"error: {results}: these results are not of {other} (its headers "
        "'Kennzeichen', 'Bezeichnung', 'Anschlusswert' and 1 more are not on the "
        f"sheets of those names in {other}); pass the workbook they came from\n")
    assert not user_vocabulary_path().exists()


def test_results_of_a_workbook_edited_a_little_since_are_still_its(tmp_path, capsys):
    book = tmp_path / "project.xlsx"
    book.write_bytes(SAMPLE.read_bytes())
    main(["run", str(book), "-q"])
    results = tmp_path / "project.results.xlsx"
    edit_results(results, {"Location": "bus.description"})
    wb = openpyxl.load_workbook(book)
    wb["Revision History"].title = "Revisions"
    wb["Cable Schedule"].insert_cols(1)
    wb.save(book)
    capsys.readouterr()

    assert main(["learn", str(results)]) == 0

    assert capsys.readouterr().out.splitlines() == [
        "'Board Schedule' column 'Location': bus.description (was no field)",
        f"learned 1 header(s) and 0 sheet kind(s) into {user_vocabulary_path()}"]

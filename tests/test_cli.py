"""The command line, run in-process: exit codes, messages and outputs."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import openpyxl
import pytest

from extractor.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "sample_project.xlsx"


def test_run_writes_results_next_to_a_copy_of_the_input(tmp_path, capsys):
    book = tmp_path / "project.xlsx"
    book.write_bytes(SAMPLE.read_bytes())
    before = book.read_bytes()

    assert main(["run", str(book), "--json", str(tmp_path / "r.json")]) == 0

    out = capsys.readouterr().out
    assert "24 loads, 27 cables, 5 buses; mean record confidence 0.9" in out
    assert "; extracted in " in out
    assert f"wrote {tmp_path / 'project.results.xlsx'}" in out
    assert book.read_bytes() == before
    wb = openpyxl.load_workbook(tmp_path / "project.results.xlsx")
    assert wb.sheetnames == ["Loads", "Cables", "Buses", "Sheets", "Mapping",
                             "Findings", "Performance", "Legend"]
    # one table a sheet: its header row is a number, not a number in text
    assert [row[5] for row in wb["Sheets"].iter_rows(min_row=2, max_row=4,
                                                     values_only=True)] == [6, 3, 3]
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert [s["kind"] for s in report["sheets"]] == [
        "load_schedule", "cable_schedule", "bus_schedule", "other", "other"]
    first = report["loads"][0]
    assert first["tag"] == {"value": "P-101A", "confidence": 0.95,
                            "cell": "Load List!B10", "raw": "P-101A",
                            "source": "cell", "notes": []}
    assert first["source_bus"]["value"] == "MCC-01"
    assert first["source_bus"]["source"] == "section"


def test_existing_results_need_force(tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")

    code = main(["run", str(SAMPLE), "-o", str(out)])

    assert code == 7
    assert out.read_bytes() == b"keep me"
    err = capsys.readouterr().err.strip()
    assert err == (f"error: {out}: the file already exists; pass --force to "
                   "replace it or choose another path with -o")
    assert main(["run", str(SAMPLE), "-o", str(out), "--force", "-q"]) == 0
    assert out.read_bytes()[:2] == b"PK"


def test_an_existing_json_report_names_the_json_option(tmp_path, capsys):
    report = tmp_path / "r.json"
    report.write_text("{}", "utf-8")

    code = main(["run", str(SAMPLE), "--json", str(report), "--no-xlsx"])

    assert code == 7
    assert capsys.readouterr().err == (
        f"error: {report}: the file already exists; pass --force to replace it "
        "or choose another path with --json\n")
    assert report.read_text("utf-8") == "{}"


def test_a_json_report_over_the_input_names_the_json_option(tmp_path, capsys):
    book = tmp_path / "b.xlsx"
    book.write_bytes(SAMPLE.read_bytes())

    assert main(["run", str(book), "--json", str(book), "--no-xlsx", "--force"]) == 7

    assert capsys.readouterr().err == (
        f"error: {book}: the json output would overwrite the input; choose "
        "another path with --json\n")
    assert book.read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize("below", ["", "sub"])
def test_csv_into_a_file_says_a_folder_is_needed(tmp_path, capsys, below):
    book = tmp_path / "b.xlsx"
    book.write_bytes(SAMPLE.read_bytes())
    taken = tmp_path / "taken"
    taken.write_text("keep me", "utf-8")

    code = main(["run", str(book), "--csv", str(taken / below), "--force"])

    assert code == 7
    assert capsys.readouterr().err == (
        f"error: {taken}: this is a file, not a folder; give --csv a folder (it "
        "is created if missing)\n")
    assert taken.read_text("utf-8") == "keep me"
    assert not (tmp_path / "b.results.xlsx").exists()


def test_an_output_that_is_a_folder_is_refused(tmp_path, capsys):
    assert main(["run", str(SAMPLE), "-o", str(tmp_path), "--force"]) == 7

    assert capsys.readouterr().err == (
        f"error: {tmp_path}: this is a folder, not a file; give -o the path of a "
        "file\n")


def test_a_file_with_no_electrical_table_is_read_with_a_warning(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello, world\n", encoding="utf-8")

    assert main(["run", str(notes), "-q"]) == 0

    err = capsys.readouterr().err.strip()
    assert err.startswith(f"warning: {notes}: no load list, cable schedule or "
                          "board schedule found; check that this is the file meant")
    assert (tmp_path / "notes.results.xlsx").is_file()
    assert main(["run", str(SAMPLE), "-o", str(tmp_path / "s.xlsx"), "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_output_never_replaces_the_input(tmp_path, capsys):
    book = tmp_path / "b.xlsx"
    book.write_bytes(SAMPLE.read_bytes())

    assert main(["run", str(book), "-o", str(book), "--force"]) == 7
    assert "would overwrite the input" in capsys.readouterr().err
    assert book.read_bytes() == SAMPLE.read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "code", "message"),
    [
        ("missing.xlsx", None, 3, "file not found; check the path"),
        ("empty.xlsx", b"", 4, "the file is empty (0 bytes)"),
        ("page.xls", b"<html><table><tr><td>1</td></tr></table></html>", 4,
         "looks like a web page (HTML)"),
    ],
)
def test_bad_input_is_one_line_with_its_exit_code(tmp_path, capsys, name, content,
                                                  code, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    assert main(["run", str(path)]) == code

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"error: {path}: ")
    assert message in err
    assert "Traceback" not in err


def test_verbose_logs_one_line_per_workbook_and_sheet(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="extractor")

    main(["run", str(SAMPLE), "-o", str(tmp_path / "o.xlsx"), "-q"])

    lines = [r.getMessage() for r in caplog.records if r.name == "extractor.pipeline"]
    assert len(lines) == 6
    assert lines[0].startswith("sheet 'Load List': load_schedule (0.97), 24 loads")
    assert lines[-1].startswith(f"{SAMPLE}: 24 loads, 27 cables, 5 buses from "
                                "5 sheets (confidence 0.92, ")


def test_help_lists_exit_codes(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", "--help"])
    assert exit_info.value.code == 0
    assert "5  password-protected workbook" in capsys.readouterr().out


def test_a_results_workbook_is_not_read_as_input(tmp_path):
    results = tmp_path / "project.results.xlsx"
    assert main(["run", str(SAMPLE), "-o", str(results), "-q"]) == 0

    assert main(["run", str(results), "--json", str(tmp_path / "again.json"),
                 "--no-xlsx", "-q"]) == 0

    report = json.loads((tmp_path / "again.json").read_text("utf-8"))
    assert (report["loads"], report["cables"], report["buses"]) == ([], [], [])
    assert {s["evidence"][0] for s in report["sheets"]} == {
        "a result sheet of excel-extract: not read"}

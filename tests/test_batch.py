"""Batches: finding the workbooks, naming results, failures, the summary."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from test_sources import ole_file

from extractor.batch import Job, extract_one, find_inputs, plan_outputs, roots
from extractor.cli import main
from extractor.pipeline import Settings

TEMPLATES = Path(__file__).resolve().parents[1] / "workbook_templates"
SAMPLE = TEMPLATES / "sample_project.xlsx"
CSV = "Tag,Description,kW,Voltage\nP-1,Pump,5,400\nP-2,Fan,7.5,400\n"
CABLES_XML = "xl/worksheets/sheet2.xml"  # the Cable Schedule sheet of SAMPLE
CUT_SHORT = ("the file cannot be read as a workbook (unclosed token: line 1, "
             "column 6841); open it in Excel and save it as .xlsx, then try again")


def two_books(folder: Path) -> Path:
    """A folder with the sample workbook and a small CSV load list."""
    folder.mkdir()
    (folder / "one.xlsx").write_bytes(SAMPLE.read_bytes())
    (folder / "two.csv").write_text(CSV, "utf-8")
    return folder


def damaged(path: Path) -> Path:
    """A copy of SAMPLE, a valid zip whose Cable Schedule sheet is cut short."""
    with zipfile.ZipFile(SAMPLE) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            cut = info.filename == CABLES_XML
            zf.writestr(info, data[: len(data) // 2] if cut else data)
    return path


@pytest.fixture
def project(tmp_path) -> Path:
    """A project folder: two good workbooks, a CSV and three bad files."""
    root = tmp_path / "project"
    (root / "area 2").mkdir(parents=True)
    (root / "sample.xlsx").write_bytes(SAMPLE.read_bytes())
    (root / "area 2" / "sample.xlsx").write_bytes(SAMPLE.read_bytes())
    (root / "loads.csv").write_text(CSV, "utf-8")
    (root / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is no zip")
    (root / "empty.xlsx").write_bytes(b"")
    ole_file(root / "locked.xlsx", ["EncryptionInfo", "EncryptedPackage"])
    return root


def test_find_inputs_searches_folders_and_skips_what_is_not_an_input(tmp_path):
    root = tmp_path / "in"
    (root / "sub" / ".hidden").mkdir(parents=True)
    for name in ["a.xlsx", "b.XLSM", "c.csv", "sub/d.ods", "sub/e.xlsb", "f.xls",
                 "~$a.xlsx", "a.results.xlsx", "notes.txt", "sub/.hidden/g.xlsx"]:
        (root / name).write_bytes(b"x")

    found, missing = find_inputs([root])

    assert [p.relative_to(root).as_posix() for p in found] == [
        "a.xlsx", "b.XLSM", "c.csv", "f.xls", "sub/d.ods", "sub/e.xlsb"]
    assert missing == []


def test_find_inputs_globs_files_and_misses(tmp_path):
    (tmp_path / "x").mkdir()
    for name in ["x/a.xlsx", "x/b.csv", "c.xlsx", "d.txt"]:
        (tmp_path / name).write_bytes(b"x")

    found, missing = find_inputs([
        f"{tmp_path}/**/*.xlsx", tmp_path / "d.txt", tmp_path / "x" / "a.xlsx",
        tmp_path / "nope.xlsx", f"{tmp_path}/*.ods"])

    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "c.xlsx", "x/a.xlsx", "d.txt"]
    assert [(m.path.name, m.error, m.exit_code) for m in missing] == [
        ("nope.xlsx", "file not found; check the path", 3),
        ("*.ods", "no workbook matches this pattern", 3)]


def test_outputs_keep_folders_and_never_collide(tmp_path):
    root = tmp_path / "in"
    inputs = [root / "a.xlsx", root / "a.csv", root / "s" / "a.xlsx"]

    beside = plan_outputs(inputs, None)
    into = plan_outputs(inputs, tmp_path / "out", [root])

    assert [j.output.relative_to(root).as_posix() for j in beside] == [
        "a.results.xlsx", "a.csv.results.xlsx", "s/a.results.xlsx"]
    assert [j.output.relative_to(tmp_path).as_posix() for j in into] == [
        "out/a.results.xlsx", "out/a.csv.results.xlsx", "out/s/a.results.xlsx"]


def test_roots_are_folders_and_the_fixed_part_of_patterns(tmp_path):
    assert roots([str(tmp_path), f"{tmp_path}/x/**/*.xlsx", "*.csv", "a/b*/c",
                  str(tmp_path / "gone")]) == [
        tmp_path, tmp_path / "x", Path(), Path("a")]


def test_a_pattern_keeps_the_folders_below_its_fixed_part(project, tmp_path):
    out = tmp_path / "out"

    code = main(["batch", f"{project}/**/sample.xlsx", "-o", str(out), "-q"])

    assert code == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")) == [
        "area 2/sample.results.xlsx", "sample.results.xlsx"]


def test_batch_takes_the_settings_of_the_checks(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "book.xlsx").write_bytes(SAMPLE.read_bytes())

    def rules(*options: str) -> dict[str, int]:
        out = tmp_path / "out"
        assert main(["batch", str(folder), "-o", str(out), "-q", "--force",
                     *options]) == 0
        sheet = openpyxl.load_workbook(out / "book.results.xlsx")["Findings"]
        header = [c.value for c in sheet[1]]
        column = header.index("Rule")
        found: dict[str, int] = {}
        for row in sheet.iter_rows(min_row=2, values_only=True):
            found[row[column]] = found.get(row[column], 0) + 1
        return found

    assert rules() == {"cable-ampacity": 11, "bus-parent": 1}
    assert rules("--disable-rule", "cable-ampacity") == {"bus-parent": 1}


def test_a_summary_is_csv_or_json(tmp_path, capsys):
    book = tmp_path / "b.xlsx"
    book.write_bytes(SAMPLE.read_bytes())

    assert main(["batch", str(book), "--summary", str(tmp_path / "s.txt")]) == 2
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 's.txt'}: the summary is written as .csv or .json; "
        "name a file ending in one of them\n")
    assert not (tmp_path / "b.results.xlsx").exists()


def test_batch_goes_on_past_failures(project, tmp_path, capsys):
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    out, summary = tmp_path / "out", tmp_path / "summary.csv"

    code = main(["batch", str(project), "-o", str(out), "--jobs", "2",
                 "--summary", str(summary)])

    assert code == 9
    with summary.open(encoding="utf-8-sig", newline="") as handle:
        rows = {Path(r["path"]).relative_to(project).as_posix(): r
                for r in csv.DictReader(handle)}
    assert {name: (r["status"], r["loads"], r["cables"], r["buses"])
            for name, r in rows.items()} == {
        "area 2/sample.xlsx": ("ok", "24", "27", "5"),
        "corrupt.xlsx": ("failed", "0", "0", "0"),
        "empty.xlsx": ("failed", "0", "0", "0"),
        "loads.csv": ("ok", "2", "0", "0"),
        "locked.xlsx": ("failed", "0", "0", "0"),
        "sample.xlsx": ("ok", "24", "27", "5"),
    }
    assert rows["locked.xlsx"]["error"] == (
        "the workbook is password-protected; save an unprotected copy and try again")
    assert rows["empty.xlsx"]["error"].startswith("the file is empty (0 bytes)")
    assert rows["corrupt.xlsx"]["error"].startswith("the file cannot be read")
    assert rows["sample.xlsx"]["output"] == str(out / "sample.results.xlsx")
    assert float(rows["sample.xlsx"]["confidence"]) > 0.8

    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")) == [
        "area 2/sample.results.xlsx", "loads.results.xlsx", "sample.results.xlsx"]
    wb = openpyxl.load_workbook(out / "area 2" / "sample.results.xlsx")
    assert wb["Loads"].max_row == 25
    assert {p: p.read_bytes() for p in before} == before

    captured = capsys.readouterr()
    assert "6 files: 3 ok, 3 failed; 50 loads, 54 cables, 10 buses;" in captured.out
    assert f"error: {project / 'empty.xlsx'}: the file is empty" in captured.out


def test_batch_all_ok_writes_results_beside_and_a_json_summary(tmp_path, capsys):
    folder = two_books(tmp_path / "in")
    summary = tmp_path / "s.json"

    assert main(["batch", str(folder / "*"), "--summary", str(summary), "-q"]) == 0

    data = json.loads(summary.read_text("utf-8"))
    assert [(Path(r["path"]).name, r["status"], r["loads"], r["cache"])
            for r in data] == [("one.xlsx", "ok", 24, "stored"),
                               ("two.csv", "ok", 2, "stored")]
    assert list(data[0]) == ["path", "status", "loads", "cables", "buses",
                             "confidence", "seconds", "error", "output", "cache"]
    assert (folder / "one.results.xlsx").exists()
    assert capsys.readouterr().out == ""

    # again: the results exist, so only --force replaces them; the cache answers
    assert main(["batch", str(folder), "-q", "--force", "--summary",
                 str(summary)]) == 0
    assert [r["cache"] for r in json.loads(summary.read_text("utf-8"))] == [
        "hit", "hit"]


def test_batch_with_nothing_to_do(tmp_path, capsys):
    assert main(["batch", str(tmp_path)]) == 3
    assert capsys.readouterr().err == (
        f"error: no workbook found in {tmp_path}; check the paths and patterns\n")


def test_missing_paths_fail_but_the_rest_runs(tmp_path, capsys):
    book = tmp_path / "b.xlsx"
    book.write_bytes(SAMPLE.read_bytes())

    code = main(["batch", str(book), str(tmp_path / "gone.xlsx"), "--no-xlsx"])

    assert code == 9
    out = capsys.readouterr().out
    assert f"error: {tmp_path / 'gone.xlsx'}: file not found; check the path" in out
    assert "2 files: 1 ok, 1 failed; 24 loads" in out
    assert not (tmp_path / "b.results.xlsx").exists()


def test_extract_one_never_raises(tmp_path, monkeypatch):
    book = tmp_path / "b.xlsx"
    book.write_bytes(SAMPLE.read_bytes())

    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr("extractor.pipeline.extract_file", broken)
    result = extract_one(Job(book, None), Settings(), use_cache=False)

    assert (result.status, result.exit_code) == ("failed", 1)
    assert result.error == ("internal error (ZeroDivisionError: division by zero); "
                            "rerun the file alone with --debug")


def test_existing_results_are_skipped_not_failed(tmp_path, capsys):
    folder = two_books(tmp_path / "in")
    summary = tmp_path / "s.csv"
    assert main(["batch", str(folder), "-q"]) == 0
    written = {p: p.read_bytes() for p in folder.glob("*.results.xlsx")}

    code = main(["batch", str(folder), "--summary", str(summary)])

    assert code == 0
    with summary.open(encoding="utf-8-sig", newline="") as handle:
        rows = [(Path(r["path"]).name, r["status"], r["loads"], r["error"],
                 Path(r["output"]).name) for r in csv.DictReader(handle)]
    assert rows == [
        ("one.xlsx", "skipped", "0", "the results file already exists; pass "
         "--force to replace it", "one.results.xlsx"),
        ("two.csv", "skipped", "0", "the results file already exists; pass "
         "--force to replace it", "two.results.xlsx")]
    captured = capsys.readouterr()
    assert "2 files: 0 ok, 2 skipped, 0 failed; 0 loads" in captured.out
    assert ("skipped 2 files whose results exist; pass --force to replace them\n"
            in captured.out)
    assert "error:" not in captured.out + captured.err
    assert {p: p.read_bytes() for p in written} == written


def test_a_workbook_with_an_unreadable_sheet_is_partial(tmp_path, capsys):
    book = damaged(tmp_path / "damaged.xlsx")
    summary = tmp_path / "s.json"
    warning = f"warning: {book} [Cable Schedule]: {CUT_SHORT}\n"
    assert main(["run", str(book), "--no-xlsx", "-q"]) == 8
    assert capsys.readouterr().err == warning

    code = main(["batch", str(book), "--no-xlsx", "--summary", str(summary)])

    assert code == 8
    [row] = json.loads(summary.read_text("utf-8"))
    assert (row["status"], row["loads"], row["cables"], row["buses"]) == (
        "partial", 24, 0, 5)
    assert row["error"] == (
        f"skipped 1 sheet that could not be read: 'Cable Schedule' ({CUT_SHORT})")
    captured = capsys.readouterr()
    assert captured.err == warning
    assert "│ partial (cached) │" in captured.out  # the report `run` stored
    assert "1 files: 0 ok, 1 partial, 0 failed; 24 loads, 0 cables, 5 buses;" in (
        captured.out)


def test_a_failed_file_outweighs_a_partial_one(tmp_path, capsys):
    book = damaged(tmp_path / "damaged.xlsx")
    summary = tmp_path / "s.csv"

    code = main(["batch", str(book), str(tmp_path / "gone.xlsx"), "--no-xlsx",
                 "-q", "--summary", str(summary)])

    assert code == 9
    with summary.open(encoding="utf-8-sig", newline="") as handle:
        assert [r["status"] for r in csv.DictReader(handle)] == ["partial", "failed"]
    assert capsys.readouterr().err == (
        f"warning: {book} [Cable Schedule]: {CUT_SHORT}\n"
        f"error: {tmp_path / 'gone.xlsx'}: file not found; check the path\n")


def test_a_time_out_suggests_only_options_of_batch(tmp_path, capsys):
    book = tmp_path / "b.xlsx"
    book.write_bytes(SAMPLE.read_bytes())

    code = main(["batch", str(book), "--no-xlsx", "--no-cache", "-q",
                 "--timeout", "0.000000001"])

    assert code == 9
    assert capsys.readouterr().err == (
        f"error: {book}: extraction took longer than the time limit of 1e-09 s; "
        "raise it (--timeout)\n")

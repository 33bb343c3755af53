"""The benchmark, on the smallest workbook with one run."""

from __future__ import annotations

import json

import openpyxl
import pytest

from extractor.bench import LAYOUTS, generate, generate_layout, workbook_path
from extractor.cli import main


def test_generated_workbook_is_a_load_and_cable_schedule(tmp_path):
    path = generate(tmp_path, 0.1)

    assert path == workbook_path(tmp_path, 0.1)
    assert 70_000 < path.stat().st_size < 130_000
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames == ["Load List 1", "Cable Schedule 1"]
    rows = list(wb["Load List 1"].iter_rows(max_row=7, values_only=True))
    assert rows[2][:2] == ("Board:", "MCC-01")
    assert rows[5][:3] == ("Item", "Tag", "Description")
    assert rows[6][:2] == (1, "P-1000000")
    assert generate(tmp_path, 0.1).stat().st_mtime == path.stat().st_mtime


def test_bench_on_the_smallest_size(tmp_path, capsys):
    out = tmp_path / "bench"

    code = main(["bench", "--sizes", "0.1", "--runs", "1", "--out", str(out),
                 "--workbooks", str(tmp_path / "books"), "--no-batch",
                 "--sheets", "4", "--layouts", "60"])

    assert code == 0
    [row, package, *layouts] = json.loads(
        (out / "bench.json").read_text("utf-8"))["rows"]
    assert package["name"] == "package-4sheets-v2.xlsx"
    assert package["records"] == 4 * 200
    # loads and cables: 30 and 30, or 60 loads with their 60 cables
    assert [(r["name"], r["records"]) for r in layouts] == [
        ("layout-described-cables-60rows-v2.xlsx", 60),
        ("layout-feeder-list-60rows-v2.xlsx", 120),
        ("layout-unit-column-60rows-v2.xlsx", 60)]
    assert row["name"] == "schedules-0.1MB-v2.xlsx"
    assert row["records"] == row["rows"] - 12  # two title blocks and headers
    assert row["extract_seconds"] > 0 and row["calamine_seconds"] > 0
    assert row["ratio"] == pytest.approx(
        row["extract_seconds"] / row["calamine_seconds"], rel=0.1)
    assert row["extract_peak_mb"] > 0 and row["cli_seconds"] > 0
    report = (out / "report.md").read_text("utf-8")
    assert f"| schedules-0.1MB-v2.xlsx | {row['megabytes']:g} | 1,678 | 1,666 |" in report
    assert (out / "bench.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    printed = capsys.readouterr().out
    assert printed.startswith("# excel-extract benchmark")
    assert f"wrote {out / 'bench.png'}" in printed


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_layout_workbook_is_built_by_column_when_large(tmp_path, layout):
    from extractor.pipeline import extract_file

    report = extract_file(generate_layout(tmp_path, layout, 600))

    assert [len(b) for kind in ("load", "cable") for b in report.blocks(kind)] == (
        [600, 600] if layout == "feeder-list" else [300, 300])
    cable = report.cables[0]
    assert (cable.get("size_mm2"), cable.get("cores"), cable.get("insulation")) == (
        16.0, 4, "XLPE")

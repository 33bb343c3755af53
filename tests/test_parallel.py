"""Sheets in worker processes: when, and that the results are the same."""

from __future__ import annotations

import pytest

from extractor import parallel
from extractor.bench import write_schedules
from extractor.errors import InputError
from extractor.parallel import FileLayout, Plan, plan
from extractor.pipeline import Settings, extract_file, extract_grids
from extractor.sources import read_workbook
from extractor.writers.json_report import report_to_dict


@pytest.fixture(autouse=True)
def two_cores(monkeypatch):
    monkeypatch.setattr(parallel, "cpu_count", lambda: 2)


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"sheets": 5, "file_bytes": 100_000}, Plan(1, "sequential: 0.10 MB, 5 sheets")),
        ({"sheets": 6, "file_bytes": 48_000_000},
         Plan(1, "sequential: 48.0 MB, 6 sheets; with 2 cores one process "
              "reading sheet after sheet is faster")),
        ({"sheets": 1, "file_bytes": 48_000_000}, Plan(1, "sequential: 48.0 MB, 1 sheet")),
        ({"sheets": 6, "file_bytes": 48_000_000, "n_jobs": 1},
         Plan(1, "sequential: 48.0 MB, 6 sheets")),
        ({"sheets": 3, "file_bytes": 20_000, "n_jobs": 2},
         Plan(2, "2 processes: 0.02 MB, 3 sheets")),
        ({"sheets": 3, "file_bytes": 20_000, "n_jobs": -1},
         Plan(2, "2 processes: 0.02 MB, 3 sheets")),
        ({"sheets": 4, "cells": 2_000_000},
         Plan(1, "sequential: 2,000,000 cells, 4 sheets; with 2 cores one process "
              "reading sheet after sheet is faster")),
        ({"sheets": 4, "cells": 9_000}, Plan(1, "sequential: 9,000 cells, 4 sheets")),
    ],
)
def test_plan(kwargs, expected):
    assert plan(**kwargs) == expected


def test_plan_with_four_cores(monkeypatch):
    monkeypatch.setattr(parallel, "cpu_count", lambda: 4)
    assert plan(sheets=6, file_bytes=48_000_000) == Plan(
        4, "4 processes: 48.0 MB, 6 sheets")
    assert plan(sheets=4, cells=2_000_000) == Plan(
        4, "4 processes: 2,000,000 cells, 4 sheets")


@pytest.fixture(scope="module")
def schedules(tmp_path_factory):
    path = tmp_path_factory.mktemp("parallel") / "schedules.xlsx"
    write_schedules(path, rows=400)
    return path


def comparable(report) -> dict:
    data = report_to_dict(report)
    del data["performance"]
    for sheet in data["sheets"]:
        del sheet["seconds"]
    return data


def test_sheets_in_processes_give_the_same_report(schedules):
    sequential = extract_file(schedules, n_jobs=1)
    two = extract_file(schedules, n_jobs=2)

    assert comparable(two) == comparable(sequential)
    assert (len(two.loads), len(two.cables)) == (200, 200)
    size = schedules.stat().st_size / 1e6
    assert two.performance.parallel == f"2 processes: {size:.2f} MB, 2 sheets"
    assert sequential.performance.parallel == (
        f"sequential: {size:.2f} MB, 2 sheets; each sheet worked on while the "
        "next is read")
    assert set(two.performance.stages) == {"read", "tables", "map_and_build", "checks"}


def test_small_workbooks_stay_sequential(schedules):
    report = extract_file(schedules)

    assert report.performance.parallel.startswith("sequential: ")


def test_grids_in_processes_give_the_same_report(schedules):
    grids = read_workbook(schedules)

    two = extract_grids(grids, n_jobs=2)

    assert comparable(two) == comparable(extract_grids(grids, n_jobs=1))
    assert two.performance.parallel == "2 processes: 5,150 cells, 2 sheets"
    assert len(grids.sheets) == 2  # the caller's grids are left as they were


def test_a_worker_error_keeps_its_path_and_sheet(schedules):
    layout = FileLayout(Plan(2, ""), 0, ("Nope", "Load List 1"), (1, 1))

    with pytest.raises(InputError) as raised:
        parallel.sheets_from_file(schedules, layout, Settings())

    assert raised.value.path == str(schedules)
    assert raised.value.sheet == "Nope"


def test_performance_figures(schedules):
    perf = extract_file(schedules, n_jobs=1).performance

    assert perf.peak_memory_mb > 20
    assert perf.cpu_seconds > 0
    assert perf.total_seconds > 0
    assert perf.records_per_second == pytest.approx(400 / perf.total_seconds, rel=0.01)
    assert perf.cells == 5150
    assert list(perf.stages) == ["read", "tables", "map_and_build", "checks"]

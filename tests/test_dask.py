"""A batch on a real Dask cluster of two worker processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractor.cli import main

distributed = pytest.importorskip("dask.distributed")

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "sample_project.xlsx"


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=":0") as local:
        yield local


def test_batch_on_a_dask_cluster(cluster, tmp_path, capsys):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(4):
        (folder / f"book{i}.xlsx").write_bytes(SAMPLE.read_bytes())
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 no zip")
    summary = tmp_path / "summary.json"

    code = main(["batch", str(folder), "-o", str(tmp_path / "out"), "--no-cache",
                 "--scheduler", cluster.scheduler_address, "--summary", str(summary)])

    assert code == 9
    rows = {Path(r["path"]).name: r for r in json.loads(summary.read_text("utf-8"))}
    assert {name: (r["status"], r["loads"], r["cables"], r["buses"], r["cache"])
            for name, r in rows.items()} == {
        **{f"book{i}.xlsx": ("ok", 24, 27, 5, "off") for i in range(4)},
        "broken.xlsx": ("failed", 0, 0, 0, ""),
    }
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        f"book{i}.results.xlsx" for i in range(4)]
    assert "5 files: 4 ok, 1 failed; 96 loads" in capsys.readouterr().out
    # the files were extracted by the cluster's workers, not in this process
    assert any("_extract_numbered" in name for name in cluster.scheduler.task_prefixes)



@pytest.mark.parametrize("address, reason", [
    ("tcp://127.0.0.1:1", "Timed out trying to connect to tcp://127.0.0.1:1 after 1 s"),
    ("nonsense", "missing port number in address 'nonsense'"),
])
def test_a_scheduler_that_cannot_be_reached(address, reason, tmp_path, capsys,
                                            monkeypatch):
    monkeypatch.setattr("extractor.batch.DASK_CONNECT_SECONDS", 1)
    (tmp_path / "book.xlsx").write_bytes(SAMPLE.read_bytes())

    code = main(["batch", str(tmp_path), "--scheduler", address, "-q"])

    assert code == 2
    assert capsys.readouterr().err == (
        f"error: cannot reach the Dask scheduler at {address!r} ({reason}); check "
        "the address (like tcp://10.0.0.5:8786) and that the scheduler is running\n")
    assert not (tmp_path / "book.results.xlsx").exists()

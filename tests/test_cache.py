"""The report cache: keys, hits, damage, pruning and the cache command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractor import cache as cache_module
from extractor.cache import ReportCache, cache_dir, cached_extract, canonical
from extractor.cli import main
from extractor.pipeline import Settings
from extractor.writers.json_report import report_to_dict

SAMPLE = Path(__file__).resolve().parents[1] / "workbook_templates" / "sample_project.xlsx"


@pytest.fixture
def book(tmp_path) -> Path:
    path = tmp_path / "project.xlsx"
    path.write_bytes(SAMPLE.read_bytes())
    return path


def test_cache_dir_from_the_environment(_private_cache):
    assert cache_dir() == _private_cache


def test_cache_dir_of_the_platform(monkeypatch):
    monkeypatch.delenv("EXCEL_EXTRACT_CACHE_DIR")

    assert cache_dir().name == "excel-extract"


def test_second_extraction_comes_from_the_cache(book, monkeypatch):
    first = cached_extract(book)
    calls = []
    monkeypatch.setattr("extractor.pipeline.extract_file",
                        lambda *a, **k: calls.append(a))

    second = cached_extract(book)

    assert calls == []
    assert (first.performance.cache, second.performance.cache) == ("stored", "hit")
    first.performance.cache = second.performance.cache = ""
    assert report_to_dict(second) == report_to_dict(first)
    assert ReportCache().info().entries == 1


def test_no_cache_neither_reads_nor_writes(book):
    report = cached_extract(book, use_cache=False)

    assert report.performance.cache == "off"
    assert ReportCache().info().entries == 0


def test_the_key_follows_content_and_settings(book, tmp_path):
    store = ReportCache()
    (tmp_path / "elsewhere").mkdir()
    copy = tmp_path / "elsewhere" / book.name
    copy.write_bytes(book.read_bytes())
    renamed = tmp_path / "renamed.xlsx"
    renamed.write_bytes(book.read_bytes())
    vocab = tmp_path / "words.toml"
    vocab.write_text('[load]\nrated_power_kw = ["abs. leistung"]\n', "utf-8")
    key = store.key(book, Settings())

    assert store.key(copy, Settings()) == key
    assert store.key(renamed, Settings()) == key
    other_suffix = tmp_path / "project.xlsm"
    other_suffix.write_bytes(book.read_bytes())
    assert store.key(other_suffix, Settings()) != key
    assert store.key(book, Settings(include_hidden_sheets=True)) != key
    with_vocab = store.key(book, Settings(vocabulary_files=(vocab,)))
    assert with_vocab != key
    vocab.write_text('[load]\nrated_power_kw = ["motor output"]\n', "utf-8")
    assert store.key(book, Settings(vocabulary_files=(vocab,))) != with_vocab
    copy.write_bytes(book.read_bytes() + b"\0")
    assert store.key(copy, Settings()) != key


def test_the_key_is_the_same_in_every_process(book):
    settings = "Settings(disabled_classifiers=frozenset({'bus-list', 'load-list', 'cable-list'}))"
    code = ("from extractor.cache import ReportCache; from extractor.pipeline import "
            f"Settings; print(ReportCache().key({str(book)!r}, {settings}))")
    keys = {
        subprocess.run([sys.executable, "-c", code], check=True, text=True,
                       capture_output=True,
                       env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip()
        for seed in ("1", "2", "3")
    }

    assert len(keys) == 1


def test_canonical_settings():
    data = canonical(Settings(disabled_classifiers=frozenset({"b", "a"}),
                              sheets=("Loads",)))

    assert data["disabled_classifiers"] == ["a", "b"]
    assert data["sheets"] == ["Loads"]
    assert data["vocabulary_files"] == []
    assert data["corrections"] == {"columns": [], "kinds": []}


def test_a_damaged_entry_is_a_miss_and_is_removed(book, caplog):
    store = ReportCache()
    cached_extract(book)
    [entry] = store.entries()
    entry.write_bytes(b"not a pickle")

    report = cached_extract(book)

    assert report.performance.cache == "stored"
    assert "cannot be read" in caplog.text
    assert store.entries() == [entry]


def test_prune_removes_the_least_recently_used(tmp_path):
    store = ReportCache(tmp_path / "c", max_bytes=250)
    for i, name in enumerate(["a", "b", "c"]):
        entry = store._entry(name)
        entry.parent.mkdir(exist_ok=True)
        entry.write_bytes(b"x" * 100)
        os.utime(entry, (1000 + i, 1000 + i))

    store.prune()

    assert [p.name for p in store.entries()] == ["b.report.pickle", "c.report.pickle"]


def test_cache_command(book, capsys, _private_cache):
    assert main(["run", str(book), "--no-xlsx", "-q"]) == 0
    assert main(["run", str(book), "--no-xlsx", "-q", "--no-cache"]) == 0

    assert main(["cache", "info"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [f"folder: {_private_cache}", "entries: 1"]
    assert out[2].startswith("size: ") and out[2].endswith(" MB")

    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == f"removed 1 reports from {_private_cache}\n"
    assert main(["cache", "info"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == "entries: 0"


def test_the_benchmark_workbooks_are_part_of_the_cache(capsys, _private_cache):
    bench = _private_cache / "bench"
    bench.mkdir(parents=True)
    (bench / "schedules-1MB-v2.xlsx").write_bytes(b"x" * 1024 * 1024)

    assert main(["cache", "info"]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "entries: 0", "size: 0.0 MB", "benchmark workbooks: 1, 1.0 MB"]
    assert main(["cache", "clear"]) == 0
    assert capsys.readouterr().out == (
        f"removed 0 reports and 1 benchmark workbooks from {_private_cache}\n")
    assert list(bench.iterdir()) == []


def test_a_renamed_csv_is_another_report(tmp_path):
    first, second = tmp_path / "loads.csv", tmp_path / "pumps.csv"
    for path in (first, second):
        path.write_text("Tag,kW\nP-1,5\n", "utf-8")

    assert cached_extract(first).performance.cache == "stored"
    report = cached_extract(second)

    assert report.performance.cache == "stored"
    assert report.loads[0].tag.cell == "pumps!A2"


def test_run_says_when_the_report_came_from_the_cache(book, tmp_path):
    out = tmp_path / "r.json"
    assert main(["run", str(book), "--no-xlsx", "-q"]) == 0
    assert main(["run", str(book), "--no-xlsx", "-q", "--json", str(out)]) == 0

    assert '"cache": "hit"' in out.read_text("utf-8")


def test_code_fingerprint_is_stable():
    assert cache_module.code_fingerprint() == cache_module.code_fingerprint()


@pytest.fixture
def cache_file(tmp_path, monkeypatch) -> Path:
    """EXCEL_EXTRACT_CACHE_DIR naming a file instead of a folder."""
    path = tmp_path / "cachefile"
    path.write_bytes(b"")
    monkeypatch.setenv("EXCEL_EXTRACT_CACHE_DIR", str(path))
    return path


def test_a_cache_folder_that_is_a_file_stops_run(book, cache_file, capsys):
    assert main(["run", str(book), "--no-xlsx", "-q"]) == 2

    assert capsys.readouterr().err == (
        f"error: the cache folder {cache_file} (set by EXCEL_EXTRACT_CACHE_DIR) "
        "is a file; point EXCEL_EXTRACT_CACHE_DIR at a folder you can write, or "
        "pass --no-cache\n")
    assert cache_file.read_bytes() == b""


def test_without_the_cache_a_cache_folder_that_is_a_file_is_not_touched(
        book, cache_file, capsys):
    assert main(["run", str(book), "--no-xlsx", "-q", "--no-cache"]) == 0

    assert capsys.readouterr().err == ""
    assert cache_file.is_file() and cache_file.read_bytes() == b""


def test_a_cache_folder_that_is_a_file_fails_each_batch_file(book, cache_file,
                                                              capsys):
    assert main(["batch", str(book), "--no-xlsx", "-q"]) == 9

    assert capsys.readouterr().err == (
        f"error: {book}: the cache folder {cache_file} (set by "
        "EXCEL_EXTRACT_CACHE_DIR) is a file; point EXCEL_EXTRACT_CACHE_DIR at a "
        "folder you can write, or pass --no-cache\n")
    assert main(["batch", str(book), "--no-xlsx", "-q", "--no-cache"]) == 0


@pytest.mark.parametrize("action", ["info", "clear"])
def test_the_cache_command_says_the_folder_is_a_file(action, cache_file, capsys):
    assert main(["cache", action]) == 2

    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"error: the cache folder {cache_file} (set by EXCEL_EXTRACT_CACHE_DIR) "
        "is a file; point EXCEL_EXTRACT_CACHE_DIR at a folder you can write\n")


def test_a_cache_folder_under_a_file_cannot_be_created(book, cache_file, capsys,
                                                       monkeypatch):
    folder = cache_file / "reports"
    monkeypatch.setenv("EXCEL_EXTRACT_CACHE_DIR", str(folder))

    assert main(["run", str(book), "--no-xlsx", "-q"]) == 2

    assert capsys.readouterr().err == (
        f"error: the cache folder {folder} (set by EXCEL_EXTRACT_CACHE_DIR) cannot "
        f"be created, as {cache_file} is a file; point EXCEL_EXTRACT_CACHE_DIR at "
        "a folder you can write, or pass --no-cache\n")
    assert main(["cache", "info"]) == 2


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="needs POSIX permissions that apply to the user")
def test_a_cache_folder_that_cannot_be_written(book, tmp_path, capsys, monkeypatch):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    monkeypatch.setenv("EXCEL_EXTRACT_CACHE_DIR", str(folder))

    try:
        assert main(["run", str(book), "--no-xlsx", "-q"]) == 2
    finally:
        folder.chmod(0o755)

    assert capsys.readouterr().err == (
        f"error: the cache folder {folder} (set by EXCEL_EXTRACT_CACHE_DIR) cannot "
        "be written; point EXCEL_EXTRACT_CACHE_DIR at a folder you can write, or "
        "pass --no-cache\n")

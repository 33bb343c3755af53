"""``excel-extract eval``: measures, the score, exit codes, corpus verdicts."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from extractor.cli import main
from extractor.evaluate import Evaluation, Measure, evaluate, read_labels
from extractor.expected import Check, check_report, load_labels
from extractor.generate import generate_set
from extractor.pipeline import extract_file
from corpus_path import CORPUS

LABELS = CORPUS / "expected.toml"


def check(path, kinds=(0, 0), counts=(0, 0), fields=(0, 0), **results) -> Check:
    c = Check(path, kinds_ok=kinds[0], kinds_total=kinds[1], counts_ok=counts[0],
              counts_total=counts[1], fields_ok=fields[0], fields_total=fields[1])
    c.count_results = results
    return c


def test_each_measure_pools_every_check_and_the_score_is_their_mean():
    result = Evaluation([
        check("a.xlsx", kinds=(2, 2), counts=(2, 3), fields=(9, 10),
              loads=True, cables=False, buses=True),
        check("b.xlsx", kinds=(1, 2), counts=(3, 3), fields=(10, 10),
              loads=True, cables=True, buses=True),
    ])

    assert result.kinds == Measure(3, 4)
    assert result.counts == Measure(5, 6)
    assert result.fields == Measure(19, 20)
    assert result.counts_of("cables") == Measure(1, 2)
    assert result.score == pytest.approx((3 / 4 + 5 / 6 + 19 / 20) / 3)


def test_a_measure_the_labels_never_check_is_left_out_of_the_score():
    result = Evaluation([check("a.xlsx", kinds=(1, 2), counts=(1, 1))])

    assert result.fields.accuracy is None
    assert result.score == pytest.approx((0.5 + 1.0) / 2)


def test_a_workbook_that_cannot_be_read_misses_every_check(tmp_path):
    label = {"path": "missing.xlsx", "loads": 0, "cables": 2, "buses": 0,
             "sheets": {"Sheet1": "other"},
             "spot": [{"kind": "cable", "match": "C-1", "fields": {"cores": 4}}]}

    result = evaluate(tmp_path, [label])

    [c] = result.checks
    assert c.misses[0].startswith("not extracted: ")
    assert (c.counts_ok, c.counts_total, c.kinds_ok, c.fields_total) == (0, 3, 0, 1)
    assert result.score == 0.0


def test_spot_fields_count_one_check_each_and_unknown_keys_are_ignored():
    report = extract_file(Path(__file__).resolve().parents[1]
                          / "workbook_templates" / "sample_project.xlsx")
    label = {"path": "sample", "loads": 24, "features": ["anything"], "future": 1,
             "spot": [{"kind": "load", "match": "P-101A",
                       "fields": {"rated_power_kw": 55, "voltage_v": 999}},
                      {"kind": "load", "match": "NOPE", "fields": {"phases": 3}}]}

    c = check_report(report, label)

    assert (c.fields_ok, c.fields_total) == (1, 3)
    assert (c.spots_ok, c.spots_total) == (0, 2)
    assert c.misses == ["load 'P-101A'.voltage_v: 400.0, expected 999",
                        "load 'NOPE' not found"]


@pytest.mark.skipif(not LABELS.exists(), reason="corpus not present")
def test_eval_on_the_corpus_gives_the_verdicts_of_the_corpus_test(monkeypatch,
                                                                  capsys):
    import extractor.evaluate

    runs = []
    real = extractor.evaluate.evaluate
    monkeypatch.setattr(extractor.evaluate, "evaluate",
                        lambda *a, **k: runs.append(real(*a, **k)) or runs[-1])

    code = main(["eval", str(CORPUS), "--all"])

    expected = [check_report(extract_file(CORPUS / label["path"]), label)
                for label in load_labels(LABELS)]
    [result] = runs
    assert [(c.path, c.passed, c.misses) for c in result.checks] == [
        (c.path, c.passed, c.misses) for c in expected]
    out = capsys.readouterr().out
    assert code == 0
    assert f"{sum(c.passed for c in expected)} of {len(expected)} workbooks" in out
    assert out.splitlines()[-1] == f"score {int(result.score * 1000) / 1000:.3f}"


@pytest.fixture(scope="module")
def small_set(tmp_path_factory):
    folder = tmp_path_factory.mktemp("eval-set")
    generate_set(folder, 3, seed=5)
    return folder


def test_exit_code_says_whether_the_score_reaches_the_minimum(small_set, capsys):
    assert main(["eval", str(small_set), "--min-score", "0.5"]) == 0
    first = capsys.readouterr().out.splitlines()
    assert main(["eval", str(small_set), "--min-score", "1.01"]) == 1
    second = capsys.readouterr().out.splitlines()

    assert first[-1] == second[-1] == "score 1.000"
    assert first[:2] == ["3 of 3 workbooks without a miss",
                         "sheet kinds    1.000  (8/8)"]


def test_misses_are_listed_per_workbook(small_set, tmp_path, capsys):
    text = (small_set / "expected.toml").read_text("utf-8")
    labels = tmp_path / "wrong.toml"
    labels.write_text(re.sub(r"^loads = \d+$", "loads = 1000", text, count=1,
                             flags=re.M), "utf-8")

    code = main(["eval", str(small_set), "--expected", str(labels),
                 "--min-score", "0.99"])

    out = capsys.readouterr().out
    assert code == 1
    assert "synthetic-0001.xlsx" in out and "expected 1000" in out
    assert "2 of 3 workbooks without a miss" in out
    assert out.splitlines()[-1].startswith("score 0.9")


@pytest.mark.parametrize(("args", "message"), [
    (["missing-folder"], "missing-folder: folder not found"),
    (["{set}", "--expected", "{tmp}/none.toml"], "label file not found"),
    (["{set}", "--expected", "{tmp}/bad.toml"], "cannot read the label file"),
])
def test_usage_errors_exit_2(small_set, tmp_path, capsys, args, message):
    (tmp_path / "bad.toml").write_text("[[workbook]\npath = 1", "utf-8")
    argv = [a.format(set=small_set, tmp=tmp_path) for a in args]

    assert main(["eval", *argv]) == 2
    assert message in capsys.readouterr().err


def _generated_scores(tmp_path: Path, count: int, seed: int, jobs: int = 1):
    generate_set(tmp_path, count, seed)
    result = evaluate(tmp_path, read_labels(tmp_path / "expected.toml"), jobs=jobs)
    return result, {name: m.accuracy for name, m in result.measures().items()} | {
        kind: result.counts_of(kind).accuracy for kind in ("loads", "cables", "buses")}


def test_forty_generated_workbooks_score_at_least_0_99_on_every_measure(tmp_path):
    result, scores = _generated_scores(tmp_path, 40, seed=20240601)

    assert min(scores.values()) >= 0.99, [c.misses for c in result.failed]
    assert result.score >= 0.99


@pytest.mark.slow
def test_five_hundred_generated_workbooks_score_at_least_0_99(tmp_path):
    result, scores = _generated_scores(tmp_path, 500, seed=500,
                                       jobs=min(4, os.cpu_count() or 1))

    assert min(scores.values()) >= 0.99, [c.misses for c in result.failed][:20]

"""``excel-extract generate``: reproducible workbooks, labels and features."""

from __future__ import annotations

import tomllib

import openpyxl
import pytest

from extractor.cli import main
from extractor.expected import load_labels
from extractor.generate import FEATURES, generate_set, make_book
from extractor.vocabulary import SHEET_KINDS


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    first = generate_set(tmp_path / "a", 4, seed=9)
    second = generate_set(tmp_path / "b", 4, seed=9)

    assert [p.name for p in first] == [
        "synthetic-0001.xlsx", "synthetic-0002.xlsx", "synthetic-0003.xlsx",
        "synthetic-0004.xlsx", "expected.toml"]
    for a, b in zip(first, second):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_another_seed_writes_other_workbooks(tmp_path):
    generate_set(tmp_path / "a", 2, seed=1)
    generate_set(tmp_path / "b", 2, seed=2)

    assert (tmp_path / "a" / "expected.toml").read_text() != (
        tmp_path / "b" / "expected.toml").read_text()


def test_a_workbook_depends_only_on_the_seed_and_its_number():
    assert make_book(3, 7).label == make_book(3, 7).label
    assert make_book(3, 7).label != make_book(3, 8).label


def test_every_feature_shows_in_a_set_as_large_as_the_feature_list(tmp_path):
    generate_set(tmp_path, len(FEATURES), seed=123)

    labels = load_labels(tmp_path / "expected.toml")
    shown = [set(label["features"]) for label in labels]
    assert set().union(*shown) == set(FEATURES)
    assert all(FEATURES[i] in shown[i] for i in range(len(FEATURES)))


def test_labels_are_in_the_corpus_format(tmp_path):
    generate_set(tmp_path, 12, seed=4)

    data = tomllib.loads((tmp_path / "expected.toml").read_text("utf-8"))
    for label in data["workbook"]:
        assert (tmp_path / label["path"]).is_file()
        for kind in ("loads", "cables", "buses"):
            count = label[kind]
            assert isinstance(count, int) or (
                isinstance(count, list) and count[0] <= count[1])
        book = openpyxl.load_workbook(tmp_path / label["path"], read_only=True)
        assert sorted(label["sheets"]) == sorted(book.sheetnames)
        assert set(label["sheets"].values()) <= set(SHEET_KINDS)
        for spot in label["spot"]:
            assert spot["kind"] in ("load", "cable", "bus")
            assert spot["match"] and spot["fields"]


def test_hidden_rows_hold_no_labelled_record(tmp_path):
    generate_set(tmp_path, 8, seed=31)

    for label in load_labels(tmp_path / "expected.toml"):
        if "hidden_rows" not in label["features"]:
            continue
        book = openpyxl.load_workbook(tmp_path / label["path"])
        matches = {spot["match"] for spot in label["spot"]}
        for ws in book.worksheets:
            hidden = [r for r, dim in ws.row_dimensions.items() if dim.hidden]
            for r in hidden:
                assert not matches & {c.value for c in ws[r]}
        break
    else:
        pytest.fail("no workbook with hidden rows")


def test_the_command_writes_the_set_and_keeps_existing_labels(tmp_path, capsys):
    folder = tmp_path / "set"

    assert main(["generate", str(folder), "--count", "2", "--seed", "1"]) == 0
    assert capsys.readouterr().out == f"wrote 2 workbooks and {folder}/expected.toml\n"
    assert main(["generate", str(folder), "--count", "2"]) == 7
    assert "pass --force" in capsys.readouterr().err
    assert main(["generate", str(folder), "--count", "0"]) == 2

"""The corpus of real engineering workbooks, judged against expected.toml."""

from __future__ import annotations


import pytest

from extractor.expected import check_report, load_labels
from extractor.pipeline import extract_file
from corpus_path import CORPUS

LABELS = CORPUS / "expected.toml"

pytestmark = pytest.mark.skipif(not LABELS.exists(), reason="corpus not present")

ENTRIES = load_labels(LABELS) if LABELS.exists() else []


@pytest.mark.parametrize("label", ENTRIES, ids=[e["path"] for e in ENTRIES])
def test_workbook_matches_expected(label):
    report = extract_file(CORPUS / label["path"])
    check = check_report(report, label)
    assert check.misses == []

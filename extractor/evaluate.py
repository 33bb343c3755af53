"""Scoring extraction against labels: kinds, counts and spot-checked fields.

Each workbook of a label file (the format of ``expected.toml``) is extracted
and compared with its label by :func:`extractor.expected.check_report`, the
same check the corpus test makes. The checks of all workbooks are then
pooled into three accuracies, each over every check of the set:

- sheet kinds: labelled sheets given the labelled kind;
- record counts: ``loads``, ``cables`` and ``buses`` counts equal to the
  label, or inside its ``[low, high]`` range (also given per kind);
- spot fields: each field named by a spot check read with the labelled
  value (all of a spot's fields miss when its record is not found).

The overall score is the mean of those three accuracies, leaving out a
measure the labels never check.
"""

from __future__ import annotations

import logging
import tomllib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .errors import ConfigurationError, ExtractError
from .expected import Check, check_report
from .pipeline import Settings, extract_file
from .report import Report

log = logging.getLogger(__name__)

COUNT_KINDS = ("loads", "cables", "buses")


@dataclass(frozen=True, slots=True)
class Measure:
    """Checks passed out of checks made."""

    ok: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float | None:
        """The share of checks passed, or None when nothing was checked."""
        return self.ok / self.total if self.total else None

    def __add__(self, other: Measure) -> Measure:
        return Measure(self.ok + other.ok, self.total + other.total)


@dataclass(slots=True)
class Evaluation:
    """Every workbook's check, and the pooled measures."""

    checks: list[Check] = field(default_factory=list)

    @property
    def kinds(self) -> Measure:
        return _pool(Measure(c.kinds_ok, c.kinds_total) for c in self.checks)

    @property
    def counts(self) -> Measure:
        return _pool(Measure(c.counts_ok, c.counts_total) for c in self.checks)

    @property
    def fields(self) -> Measure:
        return _pool(Measure(c.fields_ok, c.fields_total) for c in self.checks)

    def counts_of(self, kind: str) -> Measure:
        """The count checks of one record kind: loads, cables or buses."""
        return _pool(Measure(int(c.count_results[kind]), 1)
                     for c in self.checks if kind in c.count_results)

    def measures(self) -> dict[str, Measure]:
        return {"sheet kinds": self.kinds, "record counts": self.counts,
                "spot fields": self.fields}

    @property
    def score(self) -> float:
        """The mean accuracy of the measures that were checked at all."""
        found = [m.accuracy for m in self.measures().values()
                 if m.accuracy is not None]
        return sum(found) / len(found) if found else 0.0

    @property
    def failed(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]


def _pool(measures) -> Measure:
    total = Measure()
    for m in measures:
        total = total + m
    return total


def read_labels(path: str | Path) -> list[dict]:
    """The workbook labels of a label file; a configuration error if unusable."""
    path = Path(path)
    if not path.is_file():
        raise ConfigurationError("label file not found; pass --expected "
                                 "LABELS.toml", path=str(path))
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read the label file: {exc}; fix the "
                                 "TOML", path=str(path)) from exc
    labels = data.get("workbook", [])
    if not isinstance(labels, list):
        raise ConfigurationError("'workbook' must be an array of tables "
                                 "([[workbook]])", path=str(path))
    for i, label in enumerate(labels, start=1):
        if not isinstance(label, dict) or not isinstance(label.get("path"), str):
            raise ConfigurationError(f"workbook entry {i} has no path; give each "
                                     "[[workbook]] a path = \"...\"", path=str(path))
    return labels


def evaluate(folder: str | Path, labels: list[dict],
             settings: Settings | None = None, jobs: int = 1) -> Evaluation:
    """Extract each labelled workbook of ``folder`` and check it."""
    folder = Path(folder)
    settings = settings or Settings()
    tasks = [(folder, label, settings) for label in labels]
    if jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            checks = list(pool.map(_check_one, tasks, chunksize=4))
    else:
        checks = [_check_one(task) for task in tasks]
    return Evaluation(checks)


def _check_one(task: tuple[Path, dict, Settings]) -> Check:
    folder, label, settings = task
    try:
        report = extract_file(folder / label["path"], settings)
    except ExtractError as exc:
        log.info("%s: %s", label["path"], exc)
        reason = f"not extracted: {exc.message}"
    except Exception as exc:  # a bug: one workbook's miss, not the end of eval
        log.exception("%s: extraction failed", label["path"])
        reason = f"extraction failed: {type(exc).__name__}: {exc}"
    else:
        return check_report(report, label)
    return _all_missed(check_report(Report(source=label["path"]), label), reason)


def _all_missed(check: Check, reason: str) -> Check:
    """A workbook that could not be read fails every check of its label."""
    check.misses.insert(0, reason)
    check.counts_ok = check.kinds_ok = check.spots_ok = check.fields_ok = 0
    check.count_results = dict.fromkeys(check.count_results, False)
    return check

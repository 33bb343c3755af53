"""Engineering checks: derived values, rules and their findings.

The usual sequence after extraction::

    totals = []                       # per table, in the pipeline:
    totals += collect_totals(table, grid, mapping, records)
    derating += collect_derating(table, grid, mapping, records)
    ...
    run_checks(report, settings, totals=totals, derating=derating)

``run_checks`` derives missing values, runs every rule not switched off,
adds the findings to the report and marks the fields they name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..blocks import RecordBlock
from ..report import Finding, Report
from .derive import derive, derive_block
from .findings import apply_findings, block_confidences, record_confidence
from .registry import (
    Context,
    Rule,
    block_findings,
    format_rules,
    list_rules,
    register,
    run_rules,
    validate_rule_ids,
)
from .settings import CheckSettings, load_check_settings, with_disabled
from .totals import Derating, TotalRow, collect_derating, collect_totals

__all__ = [
    "CheckSettings", "Context", "Derating", "Rule", "TotalRow", "apply_findings",
    "collect_derating", "collect_totals", "derive", "format_rules", "list_rules",
    "load_check_settings", "register", "run_checks", "run_rules", "settle",
    "validate_rule_ids", "with_disabled",
]


def settle(block: RecordBlock, settings: CheckSettings | None = None) -> None:
    """What the checks do to each record of a block on its own, done as soon
    as the block is built (while the next sheet is read): the loads' derived
    values, every record's confidence, and the findings of the rules on
    single records. Defaults, when asked for, are filled in record by
    record by :func:`run_checks` instead, and the rules run there."""
    if getattr(settings, "apply_defaults", False):
        return
    if block.kind == "load":
        derive_block(block)
        block.derived = True
    block.confidences = block_confidences(block)
    block.settled = True
    try:
        block.findings = block_findings(block, settings)
    except Exception:  # noqa: BLE001 - found again with the whole report, and said there
        block.findings = {}


def run_checks(report: Report, settings: CheckSettings | None = None, *,
               totals: Sequence[TotalRow] = (),
               derating: Iterable[Derating] = ()) -> list[Finding]:
    """Derive, check, record the findings in the report and mark their fields."""
    settings = settings or CheckSettings()
    derive(report, settings)
    findings = run_rules(report, settings.disabled_rules, settings,
                         totals=totals, derating=derating)
    report.findings.extend(findings)
    apply_findings(report, findings)
    confs: list[float] = []
    for kind in ("load", "cable", "bus"):
        for piece in report.pieces(kind):
            if isinstance(piece, RecordBlock):
                confs += piece.confidences  # made anew by apply_findings
                continue
            for record in piece:
                record.confidence = record_confidence(record)
                confs.append(record.confidence)
    report.confidence = round(sum(confs) / len(confs), 3) if confs else 0.0
    return findings

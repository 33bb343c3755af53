"""The rule registry: small registered objects, each deciding one thing.

A rule has an ``id`` (what a user writes to switch it off), a default
``severity``, an ``explanation`` (shown by ``excel-extract rules``) and a
``check(report, context)`` that returns findings. ``register`` adds a rule
class; the shipped rules register themselves when first listed.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, ClassVar

from rapidfuzz import process

from ..blocks import RecordBlock
from ..errors import ConfigurationError
from ..records import Record
from ..report import Finding, Report, Severity
from .settings import CheckSettings

if TYPE_CHECKING:
    from .columns import KindColumns
    from .links import Names
    from .totals import Derating, TotalRow

log = logging.getLogger(__name__)

_BUILTIN = ("rules", "cable_rules", "network_rules", "totals")
_RULES: dict[str, Rule] = {}


@dataclass
class Context:
    """What rules see besides the report: settings and facts from the sheets."""

    report: Report
    settings: CheckSettings = field(default_factory=CheckSettings)
    totals: Sequence[TotalRow] = ()
    derating: dict[tuple[str, int], Derating] = field(default_factory=dict)
    _columns: dict[str, KindColumns] = field(default_factory=dict, repr=False)

    def columns(self, kind: str) -> KindColumns:
        """The report's records of one kind, field by field (made once)."""
        if kind not in self._columns:
            from .columns import KindColumns

            self._columns[kind] = KindColumns(self.report, kind)
        return self._columns[kind]

    @cached_property
    def names(self) -> Names:
        """Buses and loads by name, and the load each cable feeds."""
        from .links import Names

        return Names(self.report)


class Rule:
    """One engineering check.

    A rule that is ``per_record`` finds what it finds in a record from that
    record alone (and the settings), visiting the records of its ``kinds``
    kind by kind, in that order, and each kind's records in order. Such a
    rule is run on each block of records as soon as the block is built
    (:func:`block_findings`), while the next sheet is read.
    """

    id: ClassVar[str] = ""
    severity: ClassVar[Severity] = "warning"
    explanation: ClassVar[str] = ""
    per_record: ClassVar[bool] = False
    kinds: ClassVar[tuple[str, ...]] = ()

    def check(self, report: Report, context: Context) -> list[Finding]:
        """Every finding of this rule in the report."""
        raise NotImplementedError

    def finding(self, record: Record, name: str | None, message: str,
                suggestion: str | None = None, *, severity: Severity | None = None,
                cell: str | None = None) -> Finding:
        """A finding on one field of a record, at the field's cell."""
        if cell is None and name is not None:
            fv = getattr(record, name, None)
            cell = fv.cell if fv is not None else None
        return Finding(rule=self.id, severity=severity or self.severity, cell=cell,
                       record=record.label(), field=name, message=message,
                       suggestion=suggestion)


def register(cls: type[Rule]) -> type[Rule]:
    """Class decorator: add the rule to the registry under its id."""
    if not cls.id or not cls.explanation:
        raise ValueError(f"rule {cls.__name__} needs an id and an explanation")
    _RULES[cls.id] = cls()
    return cls


def list_rules() -> list[Rule]:
    """Every registered rule, in the order they run."""
    for name in _BUILTIN:
        importlib.import_module(f"{__package__}.{name}")
    return sorted(_RULES.values(), key=_rank)


def _rank(rule: Rule) -> int:
    """Shipped rules in module order, then rules added by users."""
    module = type(rule).__module__.rpartition(".")[2]
    return _BUILTIN.index(module) if module in _BUILTIN else len(_BUILTIN)


def format_rules() -> str:
    """The rules as ``excel-extract rules`` prints them: id, severity, why."""
    rules = list_rules()
    width = max(len(r.id) for r in rules)
    return "\n".join(f"{r.id:<{width}}  {r.severity:<7}  {r.explanation}"
                     for r in rules)


def validate_rule_ids(ids: Iterable[str], where: str = "settings") -> None:
    """Raise a ConfigurationError naming any unknown rule id and its neighbours."""
    known = [r.id for r in list_rules()]
    for rule_id in ids:
        if rule_id in known:
            continue
        near = [m[0] for m in process.extract(rule_id, known, limit=3)]
        raise ConfigurationError(
            f"unknown rule {rule_id!r}; did you mean {', '.join(near)}? "
            "'excel-extract rules' lists them all", path=where)


def run_rules(report: Report, disabled: Iterable[str] = (),
              settings: CheckSettings | None = None, *,
              totals: Sequence[TotalRow] = (),
              derating: Iterable[Derating] = ()) -> list[Finding]:
    """The findings of every rule not switched off, in rule order."""
    settings = settings or CheckSettings()
    off = set(disabled) | set(settings.disabled_rules)
    validate_rule_ids(off)
    context = Context(report, settings, list(totals),
                      {(d.sheet, d.row): d for d in derating})
    findings: list[Finding] = []
    for rule in list_rules():
        if rule.id not in off:
            findings.extend(_run_one(rule, report, context))
    for kind in ("load", "cable", "bus"):
        for block in report.blocks(kind):
            block.findings.clear()  # taken
    return findings


def block_findings(block: RecordBlock,
                   settings: CheckSettings | None = None) -> dict[str, list[Finding]]:
    """What each per-record rule not switched off finds in one block."""
    settings = settings or CheckSettings()
    report = Report(source="")
    report.add(block.kind, block)
    context = Context(report, settings)
    return {rule.id: rule.check(report, context) for rule in list_rules()
            if rule.per_record and block.kind in rule.kinds
            and rule.id not in settings.disabled_rules}


def _by_piece(rule: Rule, report: Report, settings: CheckSettings) -> list[Finding]:
    """A per-record rule's findings, kind by kind and piece by piece: those
    found in a block when it was built, else found now."""
    out: list[Finding] = []
    for kind in rule.kinds:
        for piece in report.pieces(kind):
            if not len(piece):
                continue
            found = getattr(piece, "findings", {}).get(rule.id)
            if found is None:
                alone = Report(source=report.source)
                alone.add(kind, piece)
                found = rule.check(alone, Context(alone, settings))
            out += found
    return out


def _run_one(rule: Rule, report: Report, context: Context) -> list[Finding]:
    try:
        if rule.per_record:
            return _by_piece(rule, report, context.settings)
        return rule.check(report, context)
    except Exception as exc:  # a broken rule must not lose the extraction
        log.exception("rule %s failed on %s", rule.id, report.source)
        return [Finding(rule=rule.id, severity="info",
                        message=f"the check could not run: {exc}",
                        suggestion="switch the rule off and report the problem")]

"""The engineer's corrections: a column given another field, a sheet another kind.

Corrections are keyed by sheet name and header text (as shown in the Mapping
sheet), so they survive rows being added above the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .classify import Verdict
from .mapping import Candidate, TableMapping, value_fit
from .tables import Table
from .vocabulary import normalize_header


@dataclass(slots=True)
class Corrections:
    """Column fields and sheet kinds the user has set by hand."""

    columns: dict[tuple[str, str], str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def set_column(self, sheet: str, header: str, target: str) -> None:
        """``target`` is "record.field", or "" for a column that is no field."""
        self.columns[(sheet, normalize_header(header, keep_units=True))] = target

    def __bool__(self) -> bool:
        return bool(self.columns or self.kinds)


def apply_columns(table: Table, mapping: TableMapping, samples: dict[int, list],
                  corrections: Corrections) -> None:
    """Replace the candidates of corrected columns by the user's choice."""
    for col in table.columns:
        key = (table.sheet, normalize_header(col.header, keep_units=True))
        if key not in corrections.columns:
            continue
        target = corrections.columns[key]
        mapping.phase_groups = [
            g for g in mapping.phase_groups
            if all(c.index != col.index for c in g.columns)
        ]
        if not target:
            mapping.candidates[col.index] = []
            continue
        record, name = target.split(".", 1)
        cand = Candidate(col, record, name, 1.0, "user")
        values = samples.get(col.index, [])
        cand.fit = max(value_fit(name, values, col.unit, record), 0.5)
        mapping.candidates[col.index] = [cand]
        for other, cands in mapping.candidates.items():
            if other != col.index:
                mapping.candidates[other] = [
                    c for c in cands if (c.record, c.field) != (record, name)]


def apply_kind(sheet: str, verdict: Verdict, corrections: Corrections,
               learned: dict[str, str] | None = None) -> Verdict:
    """The user's kind for a sheet: set for this run, else learned before."""
    kind = corrections.kinds.get(sheet)
    how = "set by the user"
    if kind is None and learned and sheet in learned:
        kind, how = learned[sheet], "learned from a correction"
    if kind is None or kind == verdict.kind:
        return verdict
    return Verdict(kind, 1.0, [f"{how} (was {verdict.kind})"])

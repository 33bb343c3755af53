"""Names across records: which bus or load a reference means.

Names are compared without case, spaces, hyphens, dots, slashes or
underscores, so ``MDB-1``, ``mdb 1`` and ``MDB1`` are one name. A cable
feeds the load on its own row of a feeder schedule, or else the load whose
tag or description its ``to_ref`` names.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from ..records import Bus, Cable, Load, Record
from ..report import Report
from ..tables import text_of
from .electrical import plain

_JUNK = re.compile(r"[\s\-_./]+")
NAME_FIELDS = ("tag", "description")


def name_key(value: object) -> str | None:
    """The form names are compared in, or None for an empty name."""
    if value is None or isinstance(value, bool):
        return None
    key = _JUNK.sub("", plain(text_of(value)))  # type: ignore[arg-type]
    return key or None


class Names:
    """The buses and loads of a report, by name."""

    def __init__(self, report: Report) -> None:
        self.buses: dict[str, list[Bus]] = _index(report.buses)
        self.loads: dict[str, list[Load]] = _index(report.loads)
        self.load_rows = {(ld.sheet, ld.row): ld for ld in report.loads}
        self._written = sorted({text_of(r.get("tag")) for r in [*report.buses,
                                                               *report.loads]
                                if r.get("tag") not in (None, "")})

    def is_bus(self, value: object) -> bool:
        return name_key(value) in self.buses

    def is_known(self, value: object) -> bool:
        """A bus or a load of this name exists."""
        key = name_key(value)
        return key in self.buses or key in self.loads

    def bus(self, value: object) -> Bus | None:
        found = self.buses.get(name_key(value) or "", [])
        return found[0] if len(found) == 1 else None

    def load_for(self, cable: Cable) -> Load | None:
        """The load the cable feeds: same row of a feeder schedule, or to_ref."""
        same_row = self.load_rows.get((cable.sheet, cable.row))
        if same_row is not None:
            return same_row
        found = self.loads.get(name_key(cable.get("to_ref")) or "", [])
        return found[0] if len(found) == 1 else None

    def nearest(self, value: object, limit: int = 3) -> list[str]:
        """The tags most like ``value``, best first: likely misspellings."""
        matches = process.extract(text_of(value), self._written,  # type: ignore
                                  scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
        return [m[0] for m in matches]


def _index(records: list) -> dict:
    out: dict[str, list[Record]] = {}
    for rec in records:
        keys = {name_key(rec.get(n)) for n in NAME_FIELDS} - {None}
        for key in keys:
            out.setdefault(key, []).append(rec)  # type: ignore[arg-type]
    return out

"""Names across records: which bus or load a reference means.

Names are compared without case, spaces, hyphens, dots, slashes or
underscores, so ``MDB-1``, ``mdb 1`` and ``MDB1`` are one name. A cable
feeds the load on its own row of a feeder schedule, or else the load whose
tag or description its ``to_ref`` names.

Records are named by their index among the records of their kind (see
:class:`columns.KindColumns`), so that no record need be made to be found.
"""

from __future__ import annotations

import re
from functools import cached_property

from rapidfuzz import fuzz, process

from ..report import Report
from ..tables import text_of
from .columns import KindColumns
from .electrical import plain

_JUNK = re.compile(r"[\s\-_./]+")
_ASCII_JUNK = bytes(c for c in range(128) if chr(c).isspace() or chr(c) in "-_./")
_UNSET = object()
NAME_FIELDS = ("tag", "description")


def name_key(value: object) -> str | None:
    """The form names are compared in, or None for an empty name."""
    if value is None or isinstance(value, bool):
        return None
    return _text_key(text_of(value))  # type: ignore[arg-type]


def _text_key(text: str) -> str | None:
    if text.isascii():  # what plain() and _JUNK come to for ASCII, faster
        return text.encode().translate(None, _ASCII_JUNK).lower().decode() or None
    return _JUNK.sub("", plain(text)) or None


def name_keys(values: list[object], memo: dict[str, str | None]) -> list[str | None]:
    """:func:`name_key` of each value, texts looked up in ``memo`` first."""
    whole = _ascii_keys(values)
    if whole is not None:
        return whole
    out: list[str | None] = []
    for value in values:
        if type(value) is not str:
            out.append(name_key(value))
            continue
        key = memo.get(value, _UNSET)
        if key is _UNSET:
            key = memo[value] = _text_key(value)
        out.append(key)  # type: ignore[arg-type]
    return out


def _ascii_keys(values: list[object]) -> list[str | None] | None:
    """The keys of a column of ASCII texts in one pass over all of them
    (None for any other column): joined by a character no name holds,
    made keys together and split again."""
    if not values or set(map(type, values)) != {str}:
        return None
    joined = "\x00".join(values)  # type: ignore[arg-type]
    if not joined.isascii() or joined.count("\x00") != len(values) - 1:
        return None
    keys = joined.encode().translate(None, _ASCII_JUNK).lower().decode().split("\x00")
    return [key or None for key in keys]


class Names:
    """The buses and loads of a report by name, as indexes of their kind.

    ``buses`` and ``loads`` hold each name once: with the index of the one
    record of that name, or None where several records share it.
    """

    def __init__(self, report: Report) -> None:
        self._memo: dict[str, str | None] = {}
        self._column_keys: dict[tuple[str, str], list[str | None]] = {}
        self._bus_columns = KindColumns(report, "bus")
        self._load_columns = KindColumns(report, "load")

    @cached_property
    def buses(self) -> dict[str, int | None]:
        return self._index(self._bus_columns)

    @cached_property
    def loads(self) -> dict[str, int | None]:
        return self._index(self._load_columns)

    def load_rows(self, sheets: set[str]) -> dict[str, dict[int, int]]:
        """The load on each sheet row of ``sheets``, by sheet and row."""
        out: dict[str, dict[int, int]] = {}
        loads = self._load_columns
        for index, (sheet, row) in enumerate(zip(loads.sheets(), loads.sheet_rows())):
            if sheet not in sheets:
                continue
            rows = out.get(sheet)
            if rows is None:
                rows = out[sheet] = {}
            rows[row] = index
        return out

    def key(self, value: object) -> str | None:
        """:func:`name_key`, remembered for texts."""
        return name_keys([value], self._memo)[0]

    def keys(self, values: list[object]) -> list[str | None]:
        return name_keys(values, self._memo)

    def column_keys(self, columns: KindColumns, name: str) -> list[str | None]:
        """The keys of a field of every record of a kind, made once."""
        key = (columns.kind, name)
        if key not in self._column_keys:
            self._column_keys[key] = self.keys(columns.values(name))
        return self._column_keys[key]

    def is_bus(self, value: object) -> bool:
        return self.key(value) in self.buses

    def is_known(self, value: object) -> bool:
        """A bus or a load of this name exists."""
        key = self.key(value)
        return key in self.buses or key in self.loads

    def bus_index(self, value: object) -> int | None:
        """The index of the one bus of this name, None for none or several."""
        return self.buses.get(self.key(value) or "")

    def loads_fed(self, cables: KindColumns) -> list[int | None]:
        """The index of the load each cable feeds: the load on the cable's
        own row of a feeder schedule, else the one load its to_ref names."""
        wanted = self.column_keys(cables, "to_ref")
        # only the names some cable gives are looked for, unless all are known
        by_name = self.__dict__.get("loads") or self._index(
            self._load_columns, set(wanted))
        fed = [by_name.get(key) if key is not None else None for key in wanted]
        shared = cables.sheet_names() & self._load_columns.sheet_names()
        if not shared:
            return fed
        load_rows = self.load_rows(shared)
        places = zip(cables.sheets(), cables.sheet_rows())
        for index, (sheet, row) in enumerate(places):
            rows = load_rows.get(sheet)
            same_row = rows.get(row) if rows is not None else None
            if same_row is not None:
                fed[index] = same_row
        return fed

    def nearest(self, value: object, limit: int = 3) -> list[str]:
        """The tags most like ``value``, best first: likely misspellings."""
        matches = process.extract(text_of(value), self._written,  # type: ignore
                                  scorer=fuzz.WRatio, limit=limit, score_cutoff=60)
        return [m[0] for m in matches]

    @cached_property
    def _written(self) -> list[str]:
        """Every bus and load tag as written, once each, sorted."""
        tags = [*self._bus_columns.values("tag"), *self._load_columns.values("tag")]
        return sorted({text_of(t) for t in tags if t not in (None, "")})

    def _index(self, columns: KindColumns,
               among: set[str | None] | None = None) -> dict[str, int | None]:
        """Each name of a record (its tag and description) with the record's
        index, or None once a second record has the name too; only the
        names ``among`` these, if given."""
        tags, descriptions = [self.column_keys(columns, n) for n in NAME_FIELDS]
        if among is None:
            named = [(tag, index) for index, tag in enumerate(tags)
                     if tag is not None]
            named += [(description, index) for index, (description, tag)
                      in enumerate(zip(descriptions, tags))
                      if description is not None and description != tag]
        else:
            among = among - {None}
            named = [(tag, index) for index, tag in enumerate(tags) if tag in among]
            named += [(description, index) for index, (description, tag)
                      in enumerate(zip(descriptions, tags))
                      if description in among and description != tag]
        # a record names itself at most once, so a name given twice is given
        # by two records: its first and last records differ
        last = dict(named)
        first = dict(reversed(named))
        return {name: index if first[name] == index else None
                for name, index in last.items()}

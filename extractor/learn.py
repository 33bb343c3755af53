"""Corrections an engineer made in a results workbook, read and learned.

The engineer gives a column another field by changing its Record and Field
on the Mapping sheet, or a sheet another kind by changing its Kind on the
Sheets sheet. What the product wrote is not stored in the workbook: it is
extracted again. A results workbook written with corrections says so itself
(Method "user", evidence "set by the user"); with those corrections applied,
the same workbook is extracted as the product reads it now and, when a
vocabulary of the user's own is in use, with the shipped vocabulary alone.
A row that differs from both is a new correction. So the Mapping and Sheets
sheets keep their layout (no hidden columns for the add-in's writer to
keep), a results workbook of an earlier run is understood, and after
``learn`` the same workbook yields nothing new: a column the learned
vocabulary now maps agrees with the first extraction, a column it leaves
alone with the second. A Mapping row counts only while its column still
has the header it names, so a column moved since is not corrected by mistake.

:func:`read_corrections` and :func:`applied_corrections` take rows of cell
values (an openpyxl worksheet, the ``.value`` of an xlwings range, or
lists), so the add-in can read its own Mapping sheet the way a results file
is read. :func:`learn` stores corrections in a vocabulary file: a corrected
column's header becomes a synonym of its new field, a corrected sheet's
kind goes into ``[sheet_kinds]``.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ConfigurationError
from .grid import column_letter
from .overrides import Corrections
from .package_xml import RESULT_MARK, RESULT_PREFIX
from .records import RECORD_TYPES
from .report import Report
from .vocabulary import SHEET_KINDS

if TYPE_CHECKING:
    from .pipeline import Settings

MAPPING_SHEET, SHEETS_SHEET = "Mapping", "Sheets"
MAPPING_COLUMNS = ("Sheet", "Table", "Column", "Header", "Record", "Field")
SHEETS_COLUMNS = ("Name", "Kind")
BOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv")
_USER_KIND = re.compile(r"set by the user \(was (\w+)\)")
_GENERIC_SHEET = re.compile(
    r"^\s*(sheet|feuil(le)?|tabelle|blatt|hoja|foglio)\s*\d*\s*$", re.I)


@dataclass(frozen=True, slots=True)
class ColumnCorrection:
    """A column the engineer gave another field ("" target: no field)."""

    sheet: str
    header: str
    target: str
    was: str


@dataclass(slots=True)
class Learned:
    """What a results workbook corrects, as found and as stored."""

    columns: list[ColumnCorrection] = field(default_factory=list)
    kinds: dict[str, tuple[str, str]] = field(default_factory=dict)

    def corrections(self) -> Corrections:
        """As the pipeline applies them."""
        found = Corrections()
        for c in self.columns:
            found.set_column(c.sheet, c.header, c.target)
        found.kinds = {sheet: kind for sheet, (kind, _) in self.kinds.items()}
        return found

    def merged(self, later: Learned) -> Learned:
        """These corrections, and the later ones over them."""
        redone = {(c.sheet, c.header) for c in later.columns}
        columns = [c for c in self.columns if (c.sheet, c.header) not in redone]
        return Learned(columns + later.columns, {**self.kinds, **later.kinds})


def read_corrections(mapping_rows, sheets_rows,
                     written: Report | Sequence[Report]) -> Learned:
    """The rows of a Mapping and a Sheets sheet that differ from what the
    product writes: from every report in ``written``.

    Each rows argument is an openpyxl-like worksheet or rows of cell values
    whose first row holds the headers; ``sheets_rows`` may be None.
    """
    reports = [written] if isinstance(written, Report) else list(written)
    learned = Learned()
    wrote = [{(m.sheet, m.table, m.column): m for m in r.mappings} for r in reports]
    for n, row, at in _records(mapping_rows, MAPPING_COLUMNS, MAPPING_SHEET):
        key = (_name(row["Sheet"]), _int(row["Table"]), _text(row["Column"]))
        header = _header(row["Header"])
        found = [w[key] for w in wrote
                 if key in w and _header(w[key].header) == header]
        if not found:
            continue
        target = _target(row, n, at)
        was = [f"{m.record}.{m.field}" if m.field else "" for m in found]
        if target not in was:
            learned.columns.append(
                ColumnCorrection(found[0].sheet, found[0].header, target, was[0]))
    if sheets_rows is not None:
        kinds: dict[str, list[str]] = {}
        for r in reports:
            for sheet in r.sheets:
                kinds.setdefault(sheet.name, []).append(sheet.kind)
        for n, row, at in _records(sheets_rows, SHEETS_COLUMNS, SHEETS_SHEET):
            name, kind = _name(row["Name"]), _text(row["Kind"])
            if name not in kinds or kind in kinds[name]:
                continue
            if kind not in SHEET_KINDS:
                raise ConfigurationError(
                    f"kind {kind!r} is not one of {', '.join(SHEET_KINDS)}; "
                    "correct it", sheet=SHEETS_SHEET,
                    cell=f"{column_letter(at['Kind'])}{n}")
            learned.kinds[name] = (kind, kinds[name][0])
    return learned


def _records(source, wanted: Sequence[str], sheet: str):
    """(Excel row number, {header: value}, {header: column index}) per row."""
    rows = iter(source.iter_rows(values_only=True)
                if hasattr(source, "iter_rows") else source)
    header = [_text(v) for v in next(rows, ())]
    missing = [name for name in wanted if name not in header]
    if missing:
        raise ConfigurationError(
            f"the {sheet} sheet has no column {', '.join(missing)}; use a "
            "results workbook written by excel-extract run", sheet=sheet)
    at = {name: header.index(name) for name in wanted}
    for n, row in enumerate(rows, start=2):
        values = list(row) + [None] * len(header)
        if any(v not in (None, "") for v in values):
            yield n, {name: values[i] for name, i in at.items()}, at


def _target(row: dict, n: int, at: dict[str, int]) -> str:
    """The "record.field" a row names, or "" when Record and Field are empty."""
    record, name = _text(row["Record"]).lower(), _text(row["Field"]).lower()
    if not record and not name:
        return ""
    model = RECORD_TYPES.get(record)
    if not record or not name:
        raise ConfigurationError(
            "give both Record and Field, or clear both", sheet=MAPPING_SHEET,
            cell=f"{column_letter(at['Record' if not record else 'Field'])}{n}")
    if model is None:
        raise ConfigurationError(
            f"record {row['Record']!r} is not load, cable or bus; correct it "
            "or clear Record and Field", sheet=MAPPING_SHEET,
            cell=f"{column_letter(at['Record'])}{n}")
    if name not in model.field_names():
        raise ConfigurationError(
            f"{record} has no field {row['Field']!r}; fields are "
            + ", ".join(model.field_names()), sheet=MAPPING_SHEET,
            cell=f"{column_letter(at['Field'])}{n}")
    return f"{record}.{name}"


def _name(value) -> str:
    """A sheet name as written, spaces kept."""
    return "" if value is None else str(value)


def _header(value) -> str:
    """A header as compared: without the characters a results file drops."""
    return "".join(c for c in _text(value) if c.isprintable()).strip()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _int(value) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


# -- files ---------------------------------------------------------------------


def applied_corrections(mapping_rows, sheets_rows) -> Learned:
    """The corrections a results workbook was written with.

    A run with corrections marks each corrected column with the Method
    "user" and each corrected sheet with the evidence "set by the user (was
    ...)", so a results workbook carries its corrections into the next run.
    """
    learned = Learned()
    for n, row, at in _records(mapping_rows, MAPPING_COLUMNS + ("Method",),
                               MAPPING_SHEET):
        if _text(row["Method"]) == "user":
            learned.columns.append(ColumnCorrection(
                _name(row["Sheet"]), _text(row["Header"]), _target(row, n, at),
                "an earlier correction"))
    if sheets_rows is not None:
        for _, row, _ in _records(sheets_rows, SHEETS_COLUMNS + ("Evidence",),
                                  SHEETS_SHEET):
            was = _USER_KIND.search(_text(row["Evidence"]))
            if was and _text(row["Kind"]) in SHEET_KINDS:
                learned.kinds[_name(row["Name"])] = (_text(row["Kind"]), was[1])
    return learned


def written_reports(book: str | Path, settings: Settings, extract=None) -> list[Report]:
    """What the product writes for ``book`` with the settings' corrections:
    as it reads it now, and with the shipped vocabulary alone when the
    settings add a vocabulary of their own."""
    from .pipeline import extract_file

    extract = extract or extract_file
    reports = [extract(book, settings)]
    if settings.user_vocabulary or settings.vocabulary_files:
        plain = replace(settings, user_vocabulary=None, vocabulary_files=())
        reports.append(extract(book, plain))
    return reports


def corrections_in(results: str | Path, book: str | Path, settings: Settings,
                   extract=None) -> Learned:
    """Every correction in a results workbook of ``book``: those it was
    written with, and the rows the engineer has changed since. Results of
    another workbook are refused (see :func:`not_of_book`)."""
    mapping, sheets = results_rows(results)
    try:
        applied = applied_corrections(mapping, sheets)
        base = replace(settings, corrections=applied.corrections())
        written = written_reports(book, base, extract)
        mismatch = not_of_book(mapping, sheets, written, book)
        if mismatch:
            raise ConfigurationError(
                f"these results are not of {book} ({mismatch}); pass the "
                "workbook they came from", path=str(results))
        return applied.merged(read_corrections(mapping, sheets, written))
    except ConfigurationError as exc:
        if exc.sheet in (MAPPING_SHEET, SHEETS_SHEET):
            exc.path = str(results)
        raise


def not_of_book(mapping_rows, sheets_rows, written: Sequence[Report],
                book: str | Path) -> str | None:
    """Why a results workbook is not one of ``book``, or None if it is.

    Only what the engineer leaves as written is compared: the sheet names
    and the header texts. The book may have changed a little since (a sheet
    renamed, a column added), so the results are refused only when fewer
    than a quarter of the sheets they name are in the book, or fewer than a
    quarter of their headers are still on those sheets.
    """
    from .sources import read_sheet_names

    named = _named_sheets(mapping_rows, sheets_rows)
    in_book = set(read_sheet_names(book))
    missing = [name for name in named if name not in in_book]
    if _almost_all(missing, named):
        return f"{_its('sheet', missing)} not in {book}"

    headers = _compared_headers(mapping_rows, written)
    found = {(m.sheet, _header(m.header)) for r in written for m in r.mappings}
    gone = [pair for pair in headers if pair not in found]
    if _almost_all(gone, headers):
        texts = list(dict.fromkeys(header for _, header in gone))
        return f"{_its('header', texts)} not on the sheets of those names in {book}"
    return None


def _named_sheets(mapping_rows, sheets_rows) -> list[str]:
    """The sheets a results workbook names, on its Sheets and Mapping sheets."""
    named = [_name(row["Sheet"]) for _, row, _ in
             _records(mapping_rows, MAPPING_COLUMNS, MAPPING_SHEET)]
    if sheets_rows is not None:
        named += [_name(row["Name"]) for _, row, _ in
                  _records(sheets_rows, SHEETS_COLUMNS, SHEETS_SHEET)]
    return [name for name in dict.fromkeys(named) if name]


def _compared_headers(mapping_rows, written: Sequence[Report]) -> list[tuple[str, str]]:
    """(sheet, header) of each Mapping row on a sheet whose columns the
    fresh extraction mapped too; other sheets tell nothing."""
    mapped = {m.sheet for r in written for m in r.mappings}
    rows = _records(mapping_rows, MAPPING_COLUMNS, MAPPING_SHEET)
    pairs = [(_name(row["Sheet"]), _header(row["Header"])) for _, row, _ in rows]
    return [(sheet, header) for sheet, header in pairs if sheet in mapped]


def _almost_all(missing: list, named: list) -> bool:
    """True when fewer than a quarter of the things named are not missing."""
    return bool(named) and (len(named) - len(missing)) * 4 < len(named)


def _its(noun: str, names: list[str]) -> str:
    """The names as the message gives them: "its sheets 'A', 'B' are"; at
    most three, then how many more."""
    shown = ", ".join(repr(name) for name in names[:3])
    if len(names) > 3:
        shown += f" and {len(names) - 3} more"
    return f"its {noun} {shown} is" if len(names) == 1 else f"its {noun}s {shown} are"


def results_rows(path: str | Path) -> tuple[list[tuple], list[tuple] | None]:
    """The rows of values of a results workbook's Mapping and Sheets sheets.

    The sheets are found by the mark the product gives its result sheets,
    so a workbook that is not a results workbook is refused, even one with
    a sheet of its own called Mapping.
    """
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a bad file
        raise ConfigurationError(f"cannot read the results workbook: {exc}; "
                                 "give a workbook written by excel-extract run",
                                 path=str(path)) from exc
    try:
        marked = _result_sheets(wb)
        if MAPPING_SHEET not in marked:
            raise ConfigurationError(
                "this is not a results workbook of excel-extract: it has no "
                "Mapping result sheet; give a results workbook written by "
                "excel-extract run", path=str(path))
        mapping = list(marked[MAPPING_SHEET].iter_rows(values_only=True))
        sheets = (list(marked[SHEETS_SHEET].iter_rows(values_only=True))
                  if SHEETS_SHEET in marked else None)
        return mapping, sheets
    finally:
        wb.close()


def _result_sheets(wb) -> dict:
    """The result sheets of an openpyxl workbook by what they hold ("Mapping",
    "Sheets", ...), read from the mark each carries, the first of each."""
    found: dict = {}
    for ws in wb.worksheets:
        mark = ws.defined_names.get(RESULT_MARK)
        value = (mark.attr_text or "").lstrip("=").strip('"') if mark else ""
        if value.startswith(RESULT_PREFIX):
            found.setdefault(value[len(RESULT_PREFIX):], ws)
    return found


def source_of(results: Path) -> Path | None:
    """The workbook a results file was written for: BOOK.results.xlsx -> BOOK.*"""
    name = results.name
    if not name.endswith(".results.xlsx"):
        return None
    stem = name[: -len(".results.xlsx")]
    for suffix in BOOK_SUFFIXES:
        candidate = results.with_name(stem + suffix)
        if candidate.is_file():
            return candidate
    return None


def learn(learned: Learned, vocabulary: Path) -> tuple[int, int, list[str]]:
    """Store corrections in a vocabulary file: (headers, kinds, skipped)."""
    data = _read_vocabulary(vocabulary)
    headers, skipped = 0, []
    for c in learned.columns:
        if not c.target:
            skipped.append(f"{c.sheet!r} column {c.header!r} set to no field: a "
                           "vocabulary names fields only; use --corrections")
            continue
        record, name = c.target.split(".", 1)
        words = data.setdefault(record, {}).setdefault(name, [])
        if c.header not in words:
            words.append(c.header)
            headers += 1
    kinds = data.setdefault("sheet_kinds", {})
    stored = 0
    for sheet, (kind, _) in learned.kinds.items():
        if _GENERIC_SHEET.match(sheet):
            skipped.append(f"sheet {sheet!r}: a kind learned for so common a name "
                           "would apply to every workbook; use --corrections")
            continue
        if kinds.get(sheet) != kind:
            kinds[sheet] = kind
            stored += 1
    if headers or stored:
        vocabulary.parent.mkdir(parents=True, exist_ok=True)
        vocabulary.write_text(vocabulary_toml(data), "utf-8")
    return headers, stored, skipped


def _read_vocabulary(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"cannot read the vocabulary file: {exc}; fix "
                                 "or move it", path=str(path)) from exc


def vocabulary_toml(data: dict) -> str:
    """A vocabulary as readable TOML: a table per record, sheet kinds last."""
    lines = [
        "# Header synonyms and sheet kinds learned from corrections",
        "# (excel-extract learn). Same form as the shipped vocabulary; edit,",
        "# share with your team, or pass to `excel-extract run --vocabulary`.",
    ]
    for record in sorted(k for k in data if k != "sheet_kinds"):
        lines += ["", f"[{record}]"]
        for name, words in sorted(data[record].items()):
            lines.append(f"{name} = {_list(words)}")
    if data.get("sheet_kinds"):
        lines += ["", "[sheet_kinds]"]
        lines += [f"{_str(sheet)} = {_str(kind)}"
                  for sheet, kind in sorted(data["sheet_kinds"].items())]
    return "\n".join(lines) + "\n"


def _list(words: Iterable[str]) -> str:
    return "[" + ", ".join(_str(w) for w in words) + "]"


def _str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)

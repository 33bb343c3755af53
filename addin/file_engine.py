"""A file engine for xlwings: workbooks on disk as if open in Excel.

xlwings talks to Excel through an engine (COM on Windows, AppleScript on
macOS). This module is one more engine, registered with ``xw.engines`` as
``"file"``, that works on an .xlsx or .xlsm file through openpyxl. The
add-in's code (``xw.Book.caller()``, sheets, ranges) then runs unchanged
without Excel: in the tests, on Linux, and in ``excel-extract addin-run``.

A book is loaded with its formulas: that is the workbook that is changed
and saved. The results Excel cached for the formulas are read from the
file a second time (streamed, formula cells only); a read returns them, as
Excel shows them, and a save writes them back next to the formulas. The
engine does not calculate: a formula written through it reads as empty.

Cell values are returned as Excel's engines return them: numbers as float,
error cells as their code (``#N/A``) or empty, dates as datetime.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import openpyxl
import xlwings as xw
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils.cell import range_boundaries
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from xlwings import base_classes

from .file_range import MAX_COLUMNS, MAX_ROWS, FreezePanes, Range, _quoted
from .file_save import add_cached_values

ENGINE_NAME = "file"


class ErrorValue(str):
    """An error cell's code as read; shown as text or as empty, as asked."""


class Engine:
    """The engine object xlwings keeps in ``xw.engines``."""

    def __init__(self) -> None:
        self.apps = Apps()

    @property
    def name(self) -> str:
        return ENGINE_NAME

    @property
    def type(self) -> str:
        # Reads and writes like desktop Excel: a scalar fills a range at once.
        return "desktop"

    @staticmethod
    def clean_value_data(data, datetime_builder, empty_as, number_builder, err_to_str):
        return [[_clean(v, datetime_builder, empty_as, number_builder, err_to_str)
                 for v in row] for row in data]

    @staticmethod
    def prepare_xl_data_element(x, options):
        if isinstance(x, (str, bool, int, float, dt.datetime, dt.date, dt.time)):
            return x
        if x is None:
            return None
        try:
            return float(x)
        except (TypeError, ValueError):
            return str(x)


class Apps(base_classes.Apps):
    """The engine's apps; there is always one, so ``xw.Book(path)`` works."""

    def __init__(self) -> None:
        self._apps: list[App] = []

    def _ensure(self) -> None:
        if not self._apps:
            self._apps.append(App(self))

    def keys(self) -> list[int]:
        self._ensure()
        return [app.pid for app in self._apps]

    def add(self, spec=None, add_book=None, xl=None, visible=None) -> App:
        app = App(self)
        self._apps.insert(0, app)
        return app

    def __iter__(self) -> Iterator[App]:
        self._ensure()
        return iter(list(self._apps))

    def __len__(self) -> int:
        self._ensure()
        return len(self._apps)

    def __getitem__(self, pid: int) -> App:
        for app in self:
            if app.pid == pid:
                return app
        raise KeyError(f"no file-engine app with pid {pid}")


def _app_setting(name: str, default: Any) -> property:
    """An app setting that is only remembered: there is no window to change."""

    def get(app: App):
        return app._settings.get(name, default)

    def put(app: App, value) -> None:
        app._settings[name] = value

    return property(get, put)


class App(base_classes.App):
    """A stand-in for one Excel instance: a list of open books."""

    _next_pid = -1

    def __init__(self, apps: Apps) -> None:
        self.apps = apps
        self._pid = App._next_pid
        App._next_pid -= 1
        self._books = Books(self)
        self._status_bar: Any = False
        self._settings: dict[str, Any] = {}

    @property
    def engine(self) -> Engine:
        return ENGINE

    @property
    def api(self):
        return self

    @property
    def books(self) -> Books:
        return self._books

    @property
    def pid(self) -> int:
        return self._pid

    @property
    def visible(self) -> bool:
        return False

    @visible.setter
    def visible(self, value) -> None:
        pass  # there is no window to show

    def activate(self, steal_focus=False) -> None:
        self.apps._apps.remove(self)
        self.apps._apps.insert(0, self)

    def quit(self) -> None:
        for book in list(self._books):
            book.close()
        if self in self.apps._apps:
            self.apps._apps.remove(self)

    def kill(self) -> None:
        self.quit()

    @property
    def selection(self):
        return None

    @property
    def status_bar(self):
        return self._status_bar

    @status_bar.setter
    def status_bar(self, value) -> None:
        self._status_bar = value

    screen_updating = _app_setting("screen_updating", True)
    display_alerts = _app_setting("display_alerts", True)
    enable_events = _app_setting("enable_events", True)
    interactive = _app_setting("interactive", True)
    calculation = _app_setting("calculation", "automatic")

    def calculate(self) -> None:
        pass  # the file engine keeps the results Excel cached; it computes none


class Books(base_classes.Books):
    """The books open in one app."""

    def __init__(self, app: App) -> None:
        self.app = app
        self._books: list[Book] = []
        self._active: Book | None = None

    @property
    def api(self):
        return self._books

    @property
    def active(self) -> Book | None:
        return self._active

    def __call__(self, name_or_index) -> Book:
        if isinstance(name_or_index, int):
            return self._books[name_or_index - 1]
        for book in self._books:
            if name_or_index.lower() in (book.name.lower(), book.fullname.lower()):
                return book
        raise KeyError(name_or_index)

    def __len__(self) -> int:
        return len(self._books)

    def __iter__(self) -> Iterator[Book]:
        return iter(list(self._books))

    def add(self) -> Book:
        return self._opened(Book(self.app, None))

    def open(self, fullname, *args, keep_vba: bool = False, **kwargs) -> Book:
        return self._opened(Book(self.app, Path(fullname), keep_vba=keep_vba))

    def _opened(self, book: Book) -> Book:
        self._books.append(book)
        self._active = book
        return book

    def _closed(self, book: Book) -> None:
        self._books.remove(book)
        if self._active is book:
            self._active = self._books[-1] if self._books else None


class Book(base_classes.Book):
    """A workbook file, loaded with its formulas and with their cached results."""

    def __init__(self, app: App, path: Path | None, keep_vba: bool = False) -> None:
        self._app = app
        self.calls: Counter[str] = Counter()
        self.load_warnings: list[str] = []
        # per sheet, the result Excel cached for each formula cell (row, column)
        self._cached: dict[Any, dict[tuple[int, int], Any]] = {}
        if path is None:
            self.wb = openpyxl.Workbook()
            self._fullname = f"Book{len(app.books) + 1}"
        else:
            self._fullname = str(path.resolve())
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                self.wb = openpyxl.load_workbook(path, keep_vba=keep_vba)
                self._cached = _cached_results(path, self.wb)
            self.load_warnings = sorted({str(w.message) for w in caught})

    # -- what xlwings asks of a book ------------------------------------------

    @property
    def api(self):
        return self.wb

    @property
    def name(self) -> str:
        return os.path.basename(self._fullname)

    @property
    def fullname(self) -> str:
        return self._fullname

    @property
    def app(self) -> App:
        return self._app

    @property
    def sheets(self) -> Sheets:
        return Sheets(self)

    @property
    def names(self) -> Names:
        return Names(self, None)

    def activate(self) -> None:
        self._app.books._active = self

    def close(self) -> None:
        self._app.books._closed(self)

    def save(self, path=None, password=None) -> None:
        """Write the book with its formulas; with a path it is "Save As"."""
        if password:
            raise NotImplementedError("the file engine cannot protect a workbook")
        target = Path(path) if path else Path(self._fullname)
        self.count("save")
        self.wb.template = target.suffix.lower() in (".xltx", ".xltm")
        self.wb.save(target)
        add_cached_values(target, {
            ws.title: partial(self.cell_value, ws) for ws in self.wb.worksheets})
        self._fullname = str(target.resolve())

    def count(self, what: str) -> None:
        """Count one call, as it would have gone to Excel."""
        self.calls[what] += 1

    # -- cells: what a read shows and what a write leaves --------------------

    def cell_value(self, ws, row: int, column: int):
        """The value Excel shows: the cached result for a formula."""
        cell = _peek(ws, row, column)
        if cell is None:
            return None
        if _is_formula(cell):
            return self._cached.get(ws, {}).get((row, column))
        return _excel_value(cell.value, cell.data_type)

    def cell_formula(self, ws, row: int, column: int):
        cell = _peek(ws, row, column)
        if cell is None or cell.value is None:
            return ""
        if isinstance(cell.value, (ArrayFormula, DataTableFormula)):
            return str(getattr(cell.value, "text", "") or "")
        return cell.value if _is_formula(cell) else str(cell.value)

    def store(self, ws, row: int, column: int, value) -> None:
        """Write one value as Excel would take it from ``Range.value``.

        Text starting with an apostrophe is kept as text without it; text
        starting with ``=`` becomes a formula (read back as empty, since
        the engine does not calculate); other text stays text.
        """
        self._cached.get(ws, {}).pop((row, column), None)
        if value is None or value == "":
            if _peek(ws, row, column) is not None:
                ws.cell(row, column).value = None
        elif isinstance(value, str):
            self._store_text(ws.cell(row, column), value)
        else:
            cell = ws.cell(row, column)
            cell.value = value
            cell.quotePrefix = False

    @staticmethod
    def _store_text(cell, value: str) -> None:
        text = ILLEGAL_CHARACTERS_RE.sub("", value)
        if text.startswith("="):
            cell.value = text
            return
        quoted = text.startswith("'")
        cell.value = text[1:] if quoted else text
        cell.data_type = "s"
        cell.quotePrefix = quoted

    # -- sheets ------------------------------------------------------------

    def add_sheet(self, index: int, name: str):
        return self.wb.create_sheet(name, index)

    def remove_sheet(self, ws) -> None:
        self.wb.remove(ws)
        self._cached.pop(ws, None)

    def forget_results(self, ws) -> None:
        self._cached.pop(ws, None)


class Sheets(base_classes.Sheets):
    """The worksheets of a book, in workbook order (chart sheets are not)."""

    def __init__(self, book: Book) -> None:
        self.book = book

    @property
    def api(self):
        return self.book.wb.worksheets

    @property
    def active(self) -> Sheet:
        ws = self.book.wb.active
        if ws not in self.book.wb.worksheets:
            ws = self.book.wb.worksheets[0]
        return Sheet(self.book, ws)

    def __call__(self, name_or_index) -> Sheet:
        worksheets = self.book.wb.worksheets
        if isinstance(name_or_index, int):
            return Sheet(self.book, worksheets[name_or_index - 1])
        for ws in worksheets:
            if ws.title.lower() == str(name_or_index).lower():
                return Sheet(self.book, ws)
        raise KeyError(f"no sheet named {name_or_index!r}")

    def __contains__(self, name: str) -> bool:
        return any(ws.title.lower() == str(name).lower()
                   for ws in self.book.wb.worksheets)

    def __len__(self) -> int:
        return len(self.book.wb.worksheets)

    def __iter__(self) -> Iterator[Sheet]:
        return iter([Sheet(self.book, ws) for ws in self.book.wb.worksheets])

    def add(self, before=None, after=None, name=None) -> Sheet:
        """A new sheet before or after another, else before the active one."""
        self.book.count("add_sheet")
        sheets = self.book.wb.sheetnames
        if before is not None:
            index = sheets.index(before.name)
        elif after is not None:
            index = sheets.index(after.name) + 1
        else:
            index = sheets.index(self.active.name)
        ws = self.book.add_sheet(index, name or self._default_name())
        sheet = Sheet(self.book, ws)
        sheet.activate()
        return sheet

    def _default_name(self) -> str:
        taken = {title.lower() for title in self.book.wb.sheetnames}
        n = 1
        while f"sheet{n}" in taken:
            n += 1
        return f"Sheet{n}"


class Sheet(base_classes.Sheet):
    """One worksheet of a file-engine book."""

    def __init__(self, book: Book, ws) -> None:
        self._book = book
        self.ws = ws

    @property
    def api(self):
        return self.ws

    @property
    def book(self) -> Book:
        return self._book

    @property
    def name(self) -> str:
        return self.ws.title

    @name.setter
    def name(self, value: str) -> None:
        self.book.count("rename")
        self.ws.title = value

    @property
    def names(self) -> Names:
        return Names(self.book, self)

    @property
    def index(self) -> int:
        return self.book.wb.worksheets.index(self.ws) + 1

    @property
    def visible(self) -> bool:
        return self.ws.sheet_state == "visible"

    @visible.setter
    def visible(self, value) -> None:
        self.ws.sheet_state = "visible" if value else "hidden"

    def range(self, arg1, arg2=None) -> Range:
        top, left, bottom, right = self._corners(arg1)
        if arg2 is not None:
            top2, left2, bottom2, right2 = self._corners(arg2)
            top, left = min(top, top2), min(left, left2)
            bottom, right = max(bottom, bottom2), max(right, right2)
        return Range(self, top, left, bottom, right)

    def _corners(self, arg) -> tuple[int, int, int, int]:
        if isinstance(arg, Range):
            return arg.r0, arg.c0, arg.r1, arg.c1
        if isinstance(arg, tuple) and len(arg) == 4:
            row, column, n_rows, n_cols = arg
            return row, column, row + max(n_rows, 1) - 1, column + max(n_cols, 1) - 1
        if isinstance(arg, tuple):
            return arg[0], arg[1], arg[0], arg[1]
        return self._address(str(arg))

    def _address(self, text: str) -> tuple[int, int, int, int]:
        try:
            left, top, right, bottom = range_boundaries(text.replace("$", ""))
        except ValueError:
            return self._named(text)
        return top or 1, left or 1, bottom or MAX_ROWS, right or MAX_COLUMNS

    def _named(self, name: str) -> tuple[int, int, int, int]:
        for scope in (self.ws.defined_names, self.book.wb.defined_names):
            if name in scope:
                for title, ref in scope[name].destinations:
                    if title == self.ws.title:
                        return self._address(ref)
        raise KeyError(f"{name!r} is neither an address nor a name on this sheet")

    @property
    def cells(self) -> Range:
        return Range(self, 1, 1, MAX_ROWS, MAX_COLUMNS)

    @property
    def used_range(self) -> Range:
        """From the first to the last cell that holds a value or a format."""
        keys = self.existing_cells()
        if not keys:
            return Range(self, 1, 1, 1, 1)
        rows = [r for r, _ in keys]
        columns = [c for _, c in keys]
        return Range(self, min(rows), min(columns), max(rows), max(columns))

    def existing_cells(self) -> list[tuple[int, int]]:
        return list(self.ws._cells)  # openpyxl has no public way to list them

    def extent(self) -> tuple[int, int]:
        used = self.used_range
        return used.r1, used.c1

    def peek(self, row: int, column: int):
        return _peek(self.ws, row, column)

    def row_hidden(self, row: int) -> bool:
        dim = self.ws.row_dimensions.get(row)  # [] would add a row entry
        return bool(dim is not None and dim.hidden)

    def column_hidden(self, column: int) -> bool:
        for dim in self.ws.column_dimensions.values():
            if dim.hidden and (dim.min or 0) <= column <= (dim.max or 0):
                return True
        return False

    @property
    def freeze_panes(self) -> FreezePanes:
        return FreezePanes(self)

    def activate(self) -> None:
        """Show this sheet; only it is selected (several would be grouped)."""
        for ws in self.book.wb.worksheets:
            ws.sheet_view.tabSelected = ws is self.ws
        self.book.wb.active = self.ws

    def select(self) -> None:
        self.activate()

    def clear_contents(self) -> None:
        self.cells.clear_contents()

    def clear_formats(self) -> None:
        self.cells.clear_formats()

    def clear(self) -> None:
        """Values, formats, notes and merges go, as with Excel's Clear."""
        self.book.count("clear")
        for merged in list(self.ws.merged_cells.ranges):
            self.ws.unmerge_cells(str(merged))
        self.ws.delete_rows(1, self.ws.max_row)
        self.book.forget_results(self.ws)

    def delete(self) -> None:
        self.book.count("delete_sheet")
        visible = [ws for ws in self.book.wb.worksheets if ws.sheet_state == "visible"]
        if visible == [self.ws]:
            raise ValueError("a workbook must keep at least one visible sheet")
        self.book.remove_sheet(self.ws)


class Names(base_classes.Names):
    """Defined names of one sheet, or of the book: its own and every sheet's."""

    def __init__(self, book: Book, sheet: Sheet | None) -> None:
        self.book = book
        self.sheet = sheet

    @property
    def api(self):
        return self._scope()

    def _scope(self):
        return self.book.wb.defined_names if self.sheet is None else \
            self.sheet.ws.defined_names

    def _all(self) -> list[Name]:
        names = [Name(self, key) for key in list(self._scope())]
        if self.sheet is None:
            for sheet in self.book.sheets:
                names += Names(self.book, sheet)._all()
        return names

    def snapshot(self) -> list[tuple[str, Name]]:
        self.book.count("names")
        return [(name.name, name) for name in self._all()]

    def __call__(self, name_or_index) -> Name:
        if isinstance(name_or_index, int):
            return self._all()[name_or_index - 1]
        owner, local = self._owner(name_or_index)
        if local not in owner._scope():
            raise KeyError(name_or_index)
        return Name(owner, local)

    def contains(self, name_or_index) -> bool:
        owner, local = self._owner(name_or_index)
        return local in owner._scope()

    def __len__(self) -> int:
        return len(self._all())

    def add(self, name: str, refers_to: str) -> Name:
        """Define a name; ``'Sheet'!name`` makes it local to that sheet."""
        self.book.count("add_name")
        owner, local = self._owner(name)
        text = refers_to[1:] if refers_to.startswith("=") else refers_to
        owner._scope()[local] = DefinedName(local, attr_text=text)
        return Name(owner, local)

    def _owner(self, name: str) -> tuple[Names, str]:
        """The names of the sheet ``'Sheet'!name`` points to, and the bare name."""
        title, _, local = name.rpartition("!")
        if not title:
            return self, local
        title = title[1:-1].replace("''", "'") if title.startswith("'") else title
        return Names(self.book, self.book.sheets(title)), local


class Name(base_classes.Name):
    """One defined name; a sheet's own names read ``'Sheet'!name``."""

    def __init__(self, names: Names, key: str) -> None:
        self.names = names
        self.key = key

    @property
    def api(self):
        return self.names._scope()[self.key]

    @property
    def name(self) -> str:
        if self.names.sheet is None:
            return self.key
        return f"{_quoted(self.names.sheet.name)}!{self.key}"

    @name.setter
    def name(self, value: str) -> None:
        scope = self.names._scope()
        defined = scope[self.key]
        del scope[self.key]
        self.key = defined.name = value.rpartition("!")[2]
        scope[self.key] = defined

    @property
    def refers_to(self) -> str:
        return "=" + (self.api.attr_text or "")

    @refers_to.setter
    def refers_to(self, value: str) -> None:
        self.api.attr_text = value[1:] if value.startswith("=") else value

    @property
    def refers_to_range(self) -> Range:
        for title, ref in self.api.destinations:
            sheet = self.names.book.sheets(title)
            return sheet.range(ref)
        raise ValueError(f"the name {self.name!r} does not refer to a range")

    def delete(self) -> None:
        del self.names._scope()[self.key]


ENGINE = Engine()


def register() -> xw.Engine:
    """Add the file engine to ``xw.engines`` (once) and return it."""
    for engine in xw.engines:
        if engine.name == ENGINE_NAME:
            return engine
    engine = xw.Engine(impl=ENGINE)
    xw.engines.add(engine)
    return engine


def open_book(path: str | os.PathLike[str], *, keep_vba: bool = False) -> xw.Book:
    """Open a workbook file as an ``xw.Book`` of the file engine."""
    register()
    app = next(iter(ENGINE.apps))
    return xw.Book(impl=app.books.open(Path(path), keep_vba=keep_vba))


@contextmanager
def activated() -> Iterator[xw.Engine]:
    """Make the file engine xlwings' active engine inside the block.

    xlwings checks the active engine when a book or sheet is activated, and
    ``xw.Book(path)`` opens through it.
    """
    engine = register()
    before = xw.engines.active
    engine.activate()
    try:
        yield engine
    finally:
        xw.engines.active = before


@contextmanager
def mock_caller(book: xw.Book) -> Iterator[xw.Book]:
    """Let ``xw.Book.caller()`` return ``book`` inside the block, then forget it."""
    had = getattr(xw.Book, "_mock_caller", None)
    book.set_mock_caller()
    try:
        yield book
    finally:
        if had is None:
            delattr(xw.Book, "_mock_caller")
        else:
            had.set_mock_caller()


def _cached_results(path: Path, wb) -> dict[Any, dict[tuple[int, int], Any]]:
    """The results Excel cached for the formula cells of ``wb``, read from ``path``.

    The file is read a second time as values, streamed, and only if it has
    formulas; only the formula cells' values are kept.
    """
    formulas = {ws: {key for key, cell in ws._cells.items() if _is_formula(cell)}
                for ws in wb.worksheets}
    formulas = {ws: keys for ws, keys in formulas.items() if keys}
    if not formulas:
        return {}
    values = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        found: dict[Any, dict[tuple[int, int], Any]] = {}
        for ws, keys in formulas.items():
            last = max(row for row, _ in keys)
            cached = found[ws] = {}
            for line in values[ws.title].iter_rows(max_row=last):
                for cell in line:
                    if not hasattr(cell, "row"):
                        continue  # an empty cell of a streamed row has no place
                    key = (int(cell.row), int(cell.column))
                    if key in keys:
                        cached[key] = _excel_value(cell.value, cell.data_type)
        return found
    finally:
        values.close()


def _peek(ws, row: int, column: int):
    """The cell if it exists; openpyxl would create it on ``ws.cell``."""
    return ws._cells.get((row, column))


def _is_formula(cell) -> bool:
    return cell.data_type == "f" or isinstance(cell.value, (ArrayFormula,
                                                            DataTableFormula))


def _excel_value(value, data_type: str):
    if data_type == "e":
        return ErrorValue(value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, dt.timedelta):
        return value.total_seconds() / 86400
    if isinstance(value, (str, dt.time)):
        return value
    return str(value)


def _clean(value, datetime_builder, empty_as, number_builder, err_to_str):
    if isinstance(value, ErrorValue):
        return str(value) if err_to_str else empty_as
    if value is None:
        return empty_as
    if isinstance(value, dt.datetime) and datetime_builder is not dt.datetime:
        return datetime_builder(year=value.year, month=value.month, day=value.day,
                                hour=value.hour, minute=value.minute,
                                second=value.second, microsecond=value.microsecond)
    if number_builder is not None and isinstance(value, float):
        return number_builder(value)
    return value

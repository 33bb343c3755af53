"""Reading a workbook file into sheet grids.

``read_workbook`` is the one way in: it checks the path and the limits,
recognises the format from the file's content, reads xlsx, xlsm, xlsb, xls
and ods through python-calamine and delimited text through ``csv_source``,
sheet by sheet through ``sheet_reader``, which keeps calamine within the
limits and adds what it leaves out. Every failure reaches the caller as one
of the product's own errors, naming the file and saying what to do; a sheet
that cannot be read is skipped with a finding while the others are read.
"""

from __future__ import annotations

import logging
import os
import stat
import struct
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

import python_calamine as calamine

from . import package_xml
from .csv_source import looks_binary, read_csv, sniff_encoding
from .engine_errors import ENCRYPTED, RESAVE, engine_errors, one_line, os_error
from .errors import (
    EncryptedWorkbookError,
    InputError,
    LimitExceededError,
    WorkbookError,
)
from .grid import SheetGrid, WorkbookGrids
from .limits import Deadline, Limits, limits_in_force, using_limits
from .sheet_reader import (
    SKIPPED,
    SheetReader,
    check_cells,
    has_values,
    no_data,
    trim_trailing_rows,
)
from .sheet_survey import Surveys

__all__ = [
    "FORMATS",
    "SKIPPED",
    "Limits",
    "detect_format",
    "read_sheet_names",
    "read_workbook",
    "using_limits",
]

log = logging.getLogger(__name__)

FORMATS = ("xlsx", "xlsm", "xlsb", "xls", "ods", "csv")
WORKBOOK_SUFFIXES = {
    ".xlsx": "xlsx",
    ".xltx": "xlsx",
    ".xlsm": "xlsm",
    ".xltm": "xlsm",
    ".xlam": "xlsm",
    ".xlsb": "xlsb",
    ".xls": "xls",
    ".xlt": "xls",
    ".xla": "xls",
    ".ods": "ods",
}
HEAD_BYTES = 8192

_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_XML_FORMATS = ("xlsx", "xlsm")
_EXCEL_CAN_OPEN = (
    "a web page (HTML)",
    "a single-file web page (MHTML)",
    "an Excel 2003 XML spreadsheet",
)
def detect_format(path: str | os.PathLike[str]) -> str:
    """The file's format from its content, falling back to its extension.

    Returns one of ``FORMATS``. Raises WorkbookError for files that are not
    workbooks (a web page saved as .xls, a Word document, unknown binary
    data) and EncryptedWorkbookError for password-protected workbooks.
    """
    file, _ = _check_path(path)
    head = _read_head(file)
    with engine_errors(file):
        if head.startswith(_ZIP_MAGIC):
            return _zip_format(file)
        if head.startswith(_OLE_MAGIC):
            return _ole_format(file)
        return _text_format(file, head)


def read_workbook(
    path: str | os.PathLike[str],
    *,
    limits: Limits | None = None,
    sheets: list[str] | None = None,
    on_sheet: Callable[[SheetGrid], None] | None = None,
) -> WorkbookGrids:
    """Read every sheet (or those named in ``sheets``) of a workbook file.

    ``on_sheet`` is given each sheet as soon as it is read, so that it can
    be worked on while the next one is read; the sheets of the workbook
    returned then come without their rows, which are not kept.

    Values come as calamine gives them (cached results for formulas), with
    error cells as CellError, rows trimmed of trailing empty ones, and
    hidden rows, hidden columns and merged ranges where the format has them.
    ``limits`` defaults to those in force (see ``using_limits``). A sheet
    that cannot be read comes empty, of kind "skipped", with a finding of
    rule SKIPPED; if no worksheet can be read, the first failure is raised.
    """
    started = time.perf_counter()
    limits = limits or limits_in_force()
    file, size = _check_path(path)
    if size > limits.max_file_bytes:
        raise LimitExceededError(
            f"the file is {size:,} bytes, more than the limit of "
            f"{limits.max_file_bytes:,}; raise the limit to read it",
            path=str(file),
        )
    fmt = detect_format(file)
    deadline = Deadline(limits.max_seconds, str(file))
    with engine_errors(file):
        if fmt == "csv":
            book = _read_text(file, limits, deadline, sheets)
            for grid in book.sheets if on_sheet else ():
                on_sheet(grid)  # type: ignore[misc]
        else:
            book = _read_package(file, fmt, limits, deadline, sheets, on_sheet)
    log.debug(
        "read %s (%s): %d sheets in %.3f s",
        file,
        fmt,
        len(book.sheets),
        time.perf_counter() - started,
    )
    return book


def read_sheet_names(path: str | os.PathLike[str]) -> list[str]:
    """The names of all sheets, chart sheets included, in workbook order."""
    file, _ = _check_path(path)
    fmt = detect_format(file)
    if fmt == "csv":
        return [file.stem]
    with engine_errors(file):
        if fmt in _XML_FORMATS:
            with zipfile.ZipFile(file) as zf:
                names = list(package_xml.sheet_parts(zf))
            if names:
                return names
        with _open_calamine(file, fmt) as book:
            return list(book.sheet_names)


# -- checking the path and recognising the format ---------------------------


def _check_path(path: str | os.PathLike[str]) -> tuple[Path, int]:
    file = Path(path)
    try:
        info = file.stat()
    except FileNotFoundError:
        raise InputError("file not found; check the path", path=str(file)) from None
    except OSError as exc:
        raise os_error(file, exc) from exc
    if stat.S_ISDIR(info.st_mode):
        raise InputError(
            "this is a folder, not a file; give the path of a workbook in it",
            path=str(file),
        )
    if not stat.S_ISREG(info.st_mode):
        raise InputError("this is not a regular file; check the path", path=str(file))
    if info.st_size == 0:
        raise WorkbookError(
            "the file is empty (0 bytes); check that it was saved completely "
            "and try again",
            path=str(file),
        )
    return file, info.st_size


def _read_head(file: Path) -> bytes:
    try:
        with open(file, "rb") as stream:
            return stream.read(HEAD_BYTES)
    except OSError as exc:
        raise os_error(file, exc) from exc


def _zip_format(file: Path) -> str:
    with zipfile.ZipFile(file) as zf:
        main = package_xml.workbook_part(zf)
        names = {name.lower() for name in zf.namelist()}
        if main and main.lower().endswith(".bin"):
            return "xlsb"
        if main and main.lower().endswith(".xml"):
            macros = "xl/vbaproject.bin" in names
            return "xlsm" if macros or _content_types_say_macros(zf) else "xlsx"
        if "mimetype" in names and _is_ods(zf):
            return "ods"
    raise WorkbookError(
        f"the file is {_zip_kind(names)}, not a workbook; check that you chose "
        "the right file",
        path=str(file),
    )


def _content_types_say_macros(zf: zipfile.ZipFile) -> bool:
    try:
        return b"macroEnabled.main" in zf.read("[Content_Types].xml")
    except KeyError:
        return False


def _is_ods(zf: zipfile.ZipFile) -> bool:
    mimetype = zf.read("mimetype").strip()
    return mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet")


def _zip_kind(names: set[str]) -> str:
    if "word/document.xml" in names:
        return "a Word document"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    if "mimetype" in names:
        return "an OpenDocument file other than a spreadsheet"
    return "a zip archive with no workbook in it"


def _ole_format(file: Path) -> str:
    try:
        names = {name.lower() for name in ole_entry_names(file)}
    except (ValueError, IndexError, struct.error) as exc:
        if WORKBOOK_SUFFIXES.get(file.suffix.lower()) == "xls":
            return "xls"  # let calamine say what is wrong with it
        raise WorkbookError(
            f"the file is a damaged OLE compound file ({one_line(exc)}); "
            "check that you chose the right file",
            path=str(file),
        ) from exc
    if names & {"encryptioninfo", "encryptedpackage"}:
        raise EncryptedWorkbookError(ENCRYPTED, path=str(file))
    if names & {"workbook", "book"}:
        return "xls"
    if "worddocument" in names:
        kind = "a Word 97-2003 document"
    elif "powerpoint document" in names:
        kind = "a PowerPoint 97-2003 presentation"
    else:
        kind = "an OLE compound file with no workbook in it"
    raise WorkbookError(
        f"the file is {kind}, not a workbook; check that you chose the right file",
        path=str(file),
    )


def _text_format(file: Path, head: bytes) -> str:
    kind = _text_kind(head)
    suffix = file.suffix.lower()
    if kind == "text" and suffix not in WORKBOOK_SUFFIXES:
        return "csv"
    if kind == "text":
        kind = "plain text"
        advice = (
            "if it holds comma- or tab-separated values, rename it to .csv and "
            "try again"
        )
    elif kind in _EXCEL_CAN_OPEN:
        advice = RESAVE
    else:
        advice = "check that you chose the right file"
    raise WorkbookError(
        f"the file looks like {kind}, not a workbook; {advice}", path=str(file)
    )


def _text_kind(head: bytes) -> str:
    """What a file that is neither zip nor OLE looks like."""
    if head.startswith(b"%PDF"):
        return "a PDF document"
    encoding = sniff_encoding(head)
    if looks_binary(head, encoding):
        return "binary data of an unknown kind"
    text = head.decode(encoding, "replace").lstrip("\ufeff \t\r\n").lower()
    if text.startswith("{\\rtf"):
        return "a rich-text (RTF) document"
    if text.startswith("mime-version:"):
        return "a single-file web page (MHTML)"
    if "urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "an Excel 2003 XML spreadsheet"
    if text.startswith("<!doctype html") or "<html" in text[:1024]:
        return "a web page (HTML)"
    if text.startswith("<"):
        return "a web page (HTML)" if "<table" in text else "an XML document"
    return "text"


def ole_entry_names(file: Path) -> list[str]:
    """Names of the streams and storages in an OLE compound file.

    Reads only the header, the sectors of the allocation table that the
    directory chain needs, and the directory itself.
    """
    with open(file, "rb") as stream:
        header = stream.read(512)
        if len(header) < 512 or not header.startswith(_OLE_MAGIC):
            raise ValueError("not an OLE compound file")
        shift = struct.unpack_from("<H", header, 30)[0]
        if shift not in (9, 12):
            raise ValueError(f"sector size 2**{shift} is not valid")
        reader = _OleReader(stream, 1 << shift, header)
        return [
            name
            for sector in reader.chain(reader.first_directory)
            for name in _directory_names(reader.sector(sector))
        ]


class _OleReader:
    """Sectors and the allocation table of an OLE file, read on demand."""

    END = 0xFFFFFFFE

    def __init__(self, stream: BinaryIO, size: int, header: bytes) -> None:
        self.stream, self.size = stream, size
        self.max_sectors = os.fstat(stream.fileno()).st_size // size + 1
        self.first_directory = struct.unpack_from("<I", header, 48)[0]
        self.fat_sectors = list(struct.unpack_from("<109I", header, 76))
        self._read_difat(*struct.unpack_from("<II", header, 68))

    def _read_difat(self, sector: int, count: int) -> None:
        per_sector = self.size // 4 - 1
        for _ in range(min(count, self.max_sectors)):
            if sector >= self.END:
                break
            values = struct.unpack(f"<{per_sector + 1}I", self.sector(sector))
            self.fat_sectors.extend(values[:per_sector])
            sector = values[per_sector]

    def sector(self, index: int) -> bytes:
        self.stream.seek((index + 1) * self.size)
        data: bytes = self.stream.read(self.size)
        if len(data) < self.size:
            raise ValueError(f"sector {index} lies past the end of the file")
        return data

    def chain(self, sector: int) -> Iterator[int]:
        per_sector = self.size // 4
        for _ in range(self.max_sectors):
            if sector >= self.END:
                return
            yield sector
            fat = self.fat_sectors[sector // per_sector]
            self.stream.seek((fat + 1) * self.size + (sector % per_sector) * 4)
            sector = struct.unpack("<I", self.stream.read(4))[0]
        raise ValueError("the directory chain loops")


def _directory_names(data: bytes) -> Iterator[str]:
    for offset in range(0, len(data), 128):
        entry = data[offset : offset + 128]
        length, kind = struct.unpack_from("<HB", entry, 64)
        if kind in (1, 2, 5) and 2 <= length <= 64:
            yield entry[: length - 2].decode("utf-16-le", "replace")


# -- reading ----------------------------------------------------------------


def _read_text(
    file: Path, limits: Limits, deadline: Deadline, wanted: list[str] | None
) -> WorkbookGrids:
    _select([file.stem], wanted, file)
    book = read_csv(file, max_cells=limits.max_cells_per_sheet, check=deadline.check)
    for sheet in book.sheets:
        trim_trailing_rows(sheet.rows)
    book.findings.extend(no_data(book.sheets))
    return book


def _read_package(
    file: Path, fmt: str, limits: Limits, deadline: Deadline, wanted: list[str] | None,
    on_sheet: Callable[[SheetGrid], None] | None = None,
) -> WorkbookGrids:
    zf = _open_zip(file, limits) if fmt != "xls" else None
    try:
        parts = _book_parts(zf) if zf is not None and fmt in _XML_FORMATS else None
        if zf is not None and fmt == "ods":
            _check_ods(file, zf, limits, deadline, wanted)
        with (
            _surveys(file, parts, limits, deadline, wanted) as surveys,
            _open_calamine(file, fmt) as book,
        ):
            if not book.sheets_metadata:
                raise WorkbookError(
                    "the workbook has no sheets in it; check that it opens in Excel",
                    path=str(file),
                )
            metas = _select_metadata(book.sheets_metadata, wanted, file)
            reader = SheetReader(file, fmt, limits, deadline, book, zf, parts, surveys)
            grids = []
            held = False  # whether a sheet handed over held a value
            for meta in metas:
                deadline.check(meta.name)
                grid = reader.read(meta)
                if on_sheet is not None:
                    held = held or has_values(grid.rows)
                    on_sheet(grid)
                    # handed over, its cells are not kept here as well
                    grid = replace(grid, rows=[])
                grids.append(grid)
            reader.finish(grids, held)
            notes = [_very_hidden_note(m) for m in metas if _very_hidden(m)]
    finally:
        if zf is not None:
            zf.close()
    _raise_if_nothing_read(grids, reader.failures)
    return WorkbookGrids(
        path=str(file), format=fmt, sheets=grids, notes=notes, findings=reader.findings
    )


@contextmanager
def _surveys(
    file: Path,
    parts: package_xml.BookParts | None,
    limits: Limits,
    deadline: Deadline,
    wanted: list[str] | None,
) -> Iterator[Surveys | None]:
    """Surveys of the worksheets to be read, in workbook order, the first
    started at once: it runs while calamine opens the workbook."""
    if parts is None:
        yield None
        return
    order = [
        part
        for name, part in parts.sheets.items()
        if part and name not in parts.results and (wanted is None or name in wanted)
    ]
    with Surveys(file, limits.max_cells_per_sheet, deadline.check) as surveys:
        surveys.order = order
        if order:
            surveys.start(order[0])
        yield surveys


def _book_parts(zf: zipfile.ZipFile) -> package_xml.BookParts:
    """The package's parts, refusing any that declares a document type."""
    parts = package_xml.book_parts(zf)
    for part in (parts.shared_strings, parts.styles):
        if part is not None:
            with zf.open(part) as stream:
                package_xml.refuse_doctype(stream.read(package_xml.HEAD_BYTES))
    return parts


def _check_ods(
    file: Path,
    zf: zipfile.ZipFile,
    limits: Limits,
    deadline: Deadline,
    wanted: list[str] | None,
) -> None:
    """Refuse an ods package with a table too large: calamine reads them all
    as it opens the file, so no table can be skipped."""
    for name, (rows, cols) in package_xml.ods_extents(zf, deadline.check).items():
        if wanted is None or name in wanted:
            check_cells(file, name, rows, cols, limits.max_cells_per_sheet)


def _raise_if_nothing_read(
    grids: list[SheetGrid], failures: list[WorkbookError]
) -> None:
    """Raise the first failure if every worksheet failed."""
    if failures and not any(grid.kind == "worksheet" for grid in grids):
        raise failures[0]


def _open_zip(file: Path, limits: Limits) -> zipfile.ZipFile:
    """Open a zip package once its inflated size is known to be within limits."""
    zf = zipfile.ZipFile(file)
    inflated = sum(info.file_size for info in zf.infolist())
    if inflated > limits.max_inflated_bytes:
        zf.close()
        raise LimitExceededError(
            f"the package would inflate to {inflated:,} bytes, more than the "
            f"limit of {limits.max_inflated_bytes:,}; if you trust the file, "
            "raise the limit (--max-inflated-mb)",
            path=str(file),
        )
    return zf


@contextmanager
def _open_calamine(file: Path, fmt: str) -> Iterator[calamine.CalamineWorkbook]:
    """Open with calamine; by content when the extension names another format."""
    named = WORKBOOK_SUFFIXES.get(file.suffix.lower(), "")
    if named.replace("xlsm", "xlsx") == fmt.replace("xlsm", "xlsx"):
        with calamine.CalamineWorkbook.from_path(str(file)) as book:
            yield book
        return
    with (
        open(file, "rb") as stream,
        calamine.CalamineWorkbook.from_filelike(stream) as book,
    ):
        yield book


def _select_metadata(
    metas: list[calamine.SheetMetadata], wanted: list[str] | None, file: Path
) -> list[calamine.SheetMetadata]:
    names = _select([m.name for m in metas], wanted, file)
    return [m for m in metas if m.name in names]


def _select(names: list[str], wanted: list[str] | None, file: Path) -> set[str]:
    if wanted is None:
        return set(names)
    missing = [name for name in wanted if name not in names]
    if missing:
        raise InputError(
            f"no sheet named {missing[0]!r}; the workbook has "
            f"{', '.join(repr(n) for n in names)}; check the sheet name",
            path=str(file),
            sheet=missing[0],
        )
    return set(wanted)


def _very_hidden(meta: calamine.SheetMetadata) -> bool:
    return bool(meta.visible == calamine.SheetVisibleEnum.VeryHidden)


def _very_hidden_note(meta: calamine.SheetMetadata) -> str:
    return f"sheet {meta.name!r} is very hidden: Excel shows it only through VBA"

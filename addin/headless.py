"""The ribbon button pressed on a file: what ``excel-extract addin-run`` does.

The workbook is opened with the file engine, made the caller, and the
add-in's own entry point runs on it; the result is saved as a new file,
never over the input. openpyxl carries over cells, styles, notes, names,
tables and (mostly) charts; what it drops is named in the warnings, so the
user knows to press the button in Excel instead when those parts matter.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from extractor.engine_errors import engine_errors
from extractor.errors import OutputError, WorkbookError
from extractor.pipeline import Settings
from extractor.sources import detect_format
from extractor.writers.atomic import atomic_write

from .ribbon import Extraction
from .writing import MAX_NOTES

log = logging.getLogger(__name__)

FILE_FORMATS = ("xlsx", "xlsm")
# openpyxl's load warnings that mean something will be missing from the output
LOSS_WORDS = ("removed", "dropped", "ignored", "not supported", "lost")

# Parts of a package by what they are, in the words a user knows.
PART_KINDS = (
    ("xl/charts/", "charts"),
    ("xl/chartsheets/", "chart sheets"),
    ("xl/media/", "images"),
    ("xl/pivotCache/", "pivot tables"),
    ("xl/pivotTables/", "pivot tables"),
    ("xl/vbaProject.bin", "VBA macros"),
    ("xl/slicers/", "slicers"),
    ("xl/slicerCaches/", "slicers"),
    ("xl/timelines/", "timelines"),
    ("xl/threadedComments/", "threaded comments"),
    ("xl/ctrlProps/", "form controls"),
    ("xl/activeX/", "ActiveX controls"),
    ("xl/model/", "the data model"),
    ("xl/connections.xml", "data connections"),
    ("xl/queryTables/", "query tables"),
    ("xl/richData/", "pictures in cells"),
    ("customUI/", "a custom ribbon"),
    ("xl/externalLinks/", "external links"),
)


@dataclass(slots=True)
class HeadlessRun:
    """What ``addin-run`` produced: the extraction, the file, what was lost."""

    extraction: Extraction
    output: Path
    lost: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_on_file(book: Path, output: Path, *, settings: Settings | None = None,
                keep_vba: bool = False, force: bool = False,
                max_notes: int = MAX_NOTES) -> HeadlessRun:
    """Run the ribbon entry point on ``book`` and save the result as ``output``.

    ``book`` is only read. ``output`` must be another file; an existing one
    is replaced only with ``force``. With ``keep_vba`` an .xlsm keeps its
    macros (and ``output`` must then be .xlsm too). A damaged ``book`` is a
    :class:`WorkbookError`: openpyxl loads all the sheets or none, so unlike
    ``run`` this cannot skip the damaged sheet and read the others.
    """
    from .file_engine import activated, mock_caller, open_book
    from .ribbon import extract_workbook

    fmt = _check_paths(book, output, keep_vba, force)
    with engine_errors(book):
        before = _part_kinds(book)
        xw_book = open_book(book, keep_vba=keep_vba and fmt == "xlsm")
    try:
        with activated(), mock_caller(xw_book):
            extraction = extract_workbook(settings, max_notes)
        atomic_write(output, xw_book.save)
    finally:
        xw_book.close()
    lost = sorted(before - _part_kinds(output))
    notes = [f"openpyxl: {message}" for message in xw_book.impl.load_warnings
             if any(word in message for word in LOSS_WORDS)]
    if lost or notes:
        log.info("%s: not carried over: %s", output, ", ".join(lost + notes))
    return HeadlessRun(extraction, output, lost, notes)


def _check_paths(book: Path, output: Path, keep_vba: bool, force: bool) -> str:
    fmt = detect_format(book)
    if fmt not in FILE_FORMATS:
        raise WorkbookError(
            f"addin-run opens .xlsx and .xlsm files, and this is {fmt}; use "
            "'excel-extract run' on it, or save it as .xlsx in Excel first",
            path=str(book))
    if output.resolve() == book.resolve():
        raise OutputError("the output would overwrite the input; choose another "
                          "path with -o", path=str(output))
    if output.exists() and not force:
        raise OutputError("the file already exists; pass --force to replace it "
                          "or choose another path", path=str(output))
    if not output.parent.is_dir():
        raise OutputError("the folder does not exist; create it or choose "
                          "another path", path=str(output))
    wanted = ".xlsm" if keep_vba and fmt == "xlsm" else ".xlsx"
    if output.suffix.lower() != wanted:
        why = "it keeps the macros" if wanted == ".xlsm" else \
            "it has no macros (pass --keep-vba to keep those of an .xlsm)"
        raise OutputError(f"the output must end in {wanted}, as {why}",
                          path=str(output))
    return fmt


def _part_kinds(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
    return {kind for prefix, kind in PART_KINDS
            if any(name.startswith(prefix) for name in names)}

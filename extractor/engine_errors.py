"""Failures of calamine, zipfile, XML parsers and the OS as the product's errors.

Whatever a broken or hostile file makes a reading library raise reaches the
caller as one of the errors of :mod:`extractor.errors`, in one line that
names the file and says what to do.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError

import python_calamine as calamine

from .errors import (
    EncryptedWorkbookError,
    ExtractError,
    InputError,
    UnsafeWorkbookError,
    WorkbookError,
)
from .package_xml import UnsafeXmlError

ENCRYPTED = (
    "the workbook is password-protected; save an unprotected copy and try again"
)
RESAVE = "open it in Excel and save it as .xlsx, then try again"
UNSAFE = (
    "the workbook's XML declares a document type (entities), which Excel never "
    "writes: the file may be crafted to attack XML readers and was not read; "
    "check where it came from"
)
_ENGINE_ERRORS = (
    calamine.CalamineError,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ExpatError,
    ParseError,
    ValueError,
    KeyError,
    IndexError,
    RuntimeError,
    NotImplementedError,
    struct.error,
)


@contextmanager
def engine_errors(file: Path, sheet: str | None = None) -> Iterator[None]:
    """Re-raise calamine, zip, XML and OS failures as the product's errors."""
    try:
        yield
    except ExtractError:
        raise
    except calamine.PasswordError as exc:
        raise EncryptedWorkbookError(ENCRYPTED, path=str(file)) from exc
    except UnsafeXmlError as exc:
        raise UnsafeWorkbookError(UNSAFE, path=str(file), sheet=sheet) from exc
    except OSError as exc:
        raise os_error(file, exc) from exc
    except BaseException as exc:
        if not _is_engine_failure(exc):
            raise
        raise WorkbookError(
            f"the file cannot be read as a workbook ({one_line(exc)}); {RESAVE}",
            path=str(file),
            sheet=sheet,
        ) from exc


def _is_engine_failure(exc: BaseException) -> bool:
    # calamine reports Rust panics as pyo3's PanicException, a BaseException
    return isinstance(exc, _ENGINE_ERRORS) or type(exc).__name__ == "PanicException"


def os_error(file: Path, exc: OSError) -> InputError:
    """An OS failure to open or read ``file``."""
    reason = exc.strerror or one_line(exc)
    return InputError(
        f"the file cannot be opened ({reason}); check the path and that you may "
        "read it",
        path=str(file),
    )


def one_line(exc: BaseException) -> str:
    """An exception's text on one line of at most 200 characters."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."

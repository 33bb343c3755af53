"""The product's own errors: one base, a branch per kind of problem.

Each kind has its exit code; two outcomes that are not errors have codes of
their own too, below.
"""

from __future__ import annotations

PARTIAL = 8  # read in part: sheets that could not be read were skipped
BATCH_FAILED = 9  # some files of a batch failed, the others were extracted


class ExtractError(Exception):
    """Base of every error the product raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, path: str | None = None,
                 sheet: str | None = None, cell: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.sheet = sheet
        self.cell = cell

    def __str__(self) -> str:
        where = self.path or ""
        if self.sheet:
            where += f" [{self.sheet}{'!' + self.cell if self.cell else ''}]"
        return f"{where}: {self.message}" if where else self.message


class InputError(ExtractError):
    """The path given does not lead to a readable file."""

    exit_code = 3


class WorkbookError(ExtractError):
    """The file exists but cannot be read as a workbook."""

    exit_code = 4


class EncryptedWorkbookError(WorkbookError):
    """The workbook is password-protected."""

    exit_code = 5


class LimitExceededError(WorkbookError):
    """The workbook is larger than the configured limits allow."""

    exit_code = 6


class TimeLimitError(LimitExceededError):
    """Extracting the workbook took longer than the configured time limit."""


class UnsafeWorkbookError(WorkbookError):
    """The workbook's XML declares entities: it may be crafted to attack readers."""


class ConfigurationError(ExtractError):
    """A settings or vocabulary file is invalid."""

    exit_code = 2


class OutputError(ExtractError):
    """A result file cannot be written where it was asked for."""

    exit_code = 7

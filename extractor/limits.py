"""How much a workbook may cost to read: cells, inflated bytes and time.

A hostile or broken file must be refused with a clear message, never allowed
to exhaust memory or run forever. ``Limits`` holds the bounds; ``Deadline``
turns the time bound into checks made between sheets and inside long loops.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from .errors import TimeLimitError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """How large a workbook may be, and how long reading it may take."""

    max_cells_per_sheet: int = 50_000_000
    max_inflated_bytes: int = 4 * 1024**3  # sum of uncompressed zip members
    max_file_bytes: int = 2 * 1024**3
    max_seconds: float | None = None  # None: no time limit


_IN_FORCE: ContextVar[Limits] = ContextVar("limits", default=Limits())


def limits_in_force() -> Limits:
    """The limits of a read that is given none."""
    return _IN_FORCE.get()


@contextmanager
def using_limits(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` the default of every read within the block."""
    token = _IN_FORCE.set(limits)
    try:
        yield limits
    finally:
        _IN_FORCE.reset(token)


class Deadline:
    """The moment reading must stop, checked wherever reading can take long."""

    def __init__(self, seconds: float | None, path: str) -> None:
        self.seconds, self.path = seconds, path
        self.at = None if seconds is None else time.monotonic() + seconds

    def check(self, sheet: str | None = None) -> None:
        """Raise TimeLimitError if the time is up.

        The message names only --timeout, which every command with a time
        limit takes; a command that can do more adds its own suggestion.
        """
        if self.at is not None and time.monotonic() > self.at:
            raise TimeLimitError(
                f"extraction took longer than the time limit of {self.seconds:g} s; "
                "raise it (--timeout)",
                path=self.path,
                sheet=sheet,
            )


_DEADLINE: ContextVar[Deadline | None] = ContextVar("deadline", default=None)


@contextmanager
def deadline_in_force(deadline: Deadline | None) -> Iterator[None]:
    """Let long loops anywhere in the block check ``deadline``."""
    token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline(sheet: str | None = None) -> None:
    """Raise TimeLimitError if the deadline in force has passed."""
    deadline = _DEADLINE.get()
    if deadline is not None:
        deadline.check(sheet)

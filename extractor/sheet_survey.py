"""One pass over an xlsx sheet part, made before calamine is handed the sheet.

calamine lays a sheet out as one dense block from A1 to its furthest cell, so
how far the cells reach must be known before it reads them; and what calamine
leaves out (error cells, hidden rows and columns, merges, formulas without
results) lies in the same part. A survey finds both in one pass over the
inflated XML, with searches that skip over a sound file's cells at C speed.

Surveys run one sheet ahead of calamine in a worker thread, on a zip handle
of their own: calamine parses without holding the GIL, so while it parses
one sheet the next is surveyed. Only the first sheet's reach adds to the
time a workbook takes to read: its facts are found apart, while calamine
parses it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Self

from . import package_xml
from .grid import column_letter
from .package_xml import SheetFacts

# The widest reach a survey vouches for: two column letters, six row digits.
# Beyond it a cell may lie outside Excel's grid, which only
# ``package_xml.sheet_extent`` can tell.
MAX_LETTERS = 2
MAX_DIGITS = 6

_PLAIN_ADDRESS = re.compile(rb' r="([A-Za-z]{1,3})([1-9][0-9]{0,6})"')


@dataclass(slots=True)
class SheetSurvey:
    """What one pass over a sheet part found."""

    reach: tuple[int, int] | None
    """Rows and columns from A1 that no cell goes beyond; None when only
    ``package_xml.sheet_extent`` can tell how far the cells reach."""
    facts: SheetFacts


def survey_sheet(
    zf: zipfile.ZipFile,
    part: str,
    declared_up_to: int = 0,
    check: Callable[[], None] = lambda: None,
    *,
    facts: bool = True,
) -> SheetSurvey:
    """Bound the reach of a sheet part's cells and find its facts (unless
    ``facts`` is false), in one pass.

    The reach is rounded up to whole numbers of row digits and column letters
    (99,999 rows, 26 columns), so it is never less than what
    ``package_xml.sheet_extent`` finds. The declared dimension counts when it
    spans no more than ``declared_up_to`` cells. ``check`` is called between
    chunks. Raises UnsafeXmlError for a part with a document type declaration.
    """
    found = SheetFacts()
    with zf.open(part) as stream:
        chunks = package_xml.windows(stream)
        first = next(chunks, None)
        if first is None:
            return SheetSurvey((0, 0), found)
        package_xml.refuse_doctype(first[0])
        reach = _Reach.start(first[0], declared_up_to)
        for buffer, start, end in package_xml.chain(first, chunks):
            check()
            if facts:
                package_xml.scan_window(buffer, start, end, found)
            if reach is not None and not reach.take(buffer, start, end):
                if not facts:
                    break
                reach = None
    return SheetSurvey(reach.bound if reach else None, found)


class _Reach:
    """How many column letters and row digits the cells seen so far have.

    The search is for cells that do not start with a plain address of no
    more letters and digits than that: a sound file gives it nothing to
    match, so it skips from cell to cell without stopping.
    """

    def __init__(self, prefix: bytes, rows: int, cols: int, trust_rows: bool) -> None:
        self.prefix, self.trust_rows = prefix, trust_rows
        self.letters = len(column_letter(cols - 1)) if cols else 1
        self.digits = len(str(rows)) if rows else 1

    @classmethod
    def start(cls, head: bytes, declared_up_to: int) -> _Reach | None:
        """The reach declared at the head of a part; None if it is no worksheet."""
        root = package_xml.worksheet_root(head)
        if root is None:
            return None
        rows, cols = package_xml.declared(head, declared_up_to)
        return cls(root, rows, cols, trust_rows=rows > 0)

    @property
    def bound(self) -> tuple[int, int]:
        return 10**self.digits - 1, 26 * (26**self.letters - 1) // 25

    def take(self, buffer: bytes, start: int, end: int) -> bool:
        """Widen the reach by the cells that start in ``start..end``; False
        when only ``sheet_extent`` can tell how far they reach."""
        if not self.trust_rows:
            rows = package_xml.row_numbers(buffer, end)
            self.digits = max(self.digits, len(str(max(rows, default=0))))
        pos = start
        while self.vouched:
            hit = _unplain(self.prefix, self.letters, self.digits).search(buffer, pos)
            if hit is None or hit.start() >= end:
                return True
            address = _PLAIN_ADDRESS.match(buffer, hit.end())
            if address is None:
                return False
            self.letters = max(self.letters, len(address.group(1)))
            self.digits = max(self.digits, len(address.group(2)))
            pos = hit.end()
        return False

    @property
    def vouched(self) -> bool:
        """Whether cells of this many letters and digits lie in Excel's grid."""
        return self.letters <= MAX_LETTERS and self.digits <= MAX_DIGITS


@lru_cache(maxsize=64)
def _unplain(prefix: bytes, letters: int, digits: int) -> re.Pattern[bytes]:
    """Cell tags that do not start with a plain address of at most ``letters``
    column letters and ``digits`` row digits."""
    name = re.escape(prefix + b":") if prefix else b""
    address = rb"[A-Za-z]{1,%d}[1-9][0-9]{0,%d}" % (letters, digits - 1)
    return re.compile(rb"<" + name + rb'c(?=[\s>/])(?! r="' + address + rb'")')


class Surveys:
    """The surveys of the sheets of one xlsx package, each started ahead.

    ``reach`` waits for how far a sheet's cells reach and starts the survey
    of the sheet after it in ``order``; ``facts`` waits for what calamine
    leaves out of the sheet. A part started while no other is under way
    (the first) is surveyed in two passes, its reach first and its facts
    after: nothing else runs while calamine waits for that reach. Leaving
    the block stops any survey under way.
    """

    def __init__(
        self, file: Path, declared_up_to: int, check: Callable[[], None]
    ) -> None:
        self.declared_up_to, self._check = declared_up_to, check
        self.order: list[str] = []
        self._pending: dict[str, _Pending] = {}
        self._stopped = False
        self._zf = zipfile.ZipFile(file)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="survey")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stopped = True
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._zf.close()

    def start(self, part: str) -> None:
        """Start surveying a part in the worker, unless it is under way."""
        if part in self._pending:
            return
        if self._pending:
            self._pending[part] = _Pending(self._pool.submit(self._survey, part))
            return
        reach = self._pool.submit(self._survey, part, facts=False)
        facts = self._pool.submit(
            package_xml.scan_sheet, self._zf, part, self._checkpoint
        )
        self._pending[part] = _Pending(reach, facts)

    def reach(self, part: str) -> tuple[int, int] | None:
        """How far a part's cells reach (see ``SheetSurvey.reach``), once
        known; the survey of the part after it is started."""
        self.start(part)
        if part in self.order:
            following = self.order[self.order.index(part) + 1 :]
            if following:
                self.start(following[0])
        return self._pending[part].survey.result().reach

    def facts(self, part: str) -> SheetFacts:
        """What calamine leaves out of a part, once found."""
        self.start(part)
        pending = self._pending.pop(part)
        if pending.facts is not None:
            return pending.facts.result()
        return pending.survey.result().facts

    def _survey(self, part: str, facts: bool = True) -> SheetSurvey:
        return survey_sheet(
            self._zf, part, self.declared_up_to, self._checkpoint, facts=facts
        )

    def _checkpoint(self) -> None:
        if self._stopped:
            raise _Stopped
        self._check()


@dataclass(slots=True)
class _Pending:
    """A part's survey under way, and the search for its facts if apart."""

    survey: Future[SheetSurvey]
    facts: Future[SheetFacts] | None = None


class _Stopped(Exception):
    """Ends a survey whose result no one will take."""

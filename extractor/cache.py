"""Reports kept on disk, so that the same workbook is never extracted twice.

An entry is keyed by a hash of the file's content, of the settings (a
vocabulary file by its content, not its path) and of the product: its
version and a fingerprint of its code, so an upgrade never serves a stale
report. Entries live where the platform keeps caches
(``platformdirs.user_cache_dir("excel-extract")``), or in the folder named
by the environment variable ``EXCEL_EXTRACT_CACHE_DIR``.

Entries are pickled reports written atomically; an entry that cannot be
read is a miss and is removed. When the cache grows past ``max_bytes`` the
entries used longest ago are removed. A cache folder that is a file, or
that cannot be created or written, is a configuration error.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import pickle
import tempfile
import time
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__
from .errors import ConfigurationError

if TYPE_CHECKING:
    from .pipeline import Settings
    from .report import Report

log = logging.getLogger(__name__)

ENV_DIR = "EXCEL_EXTRACT_CACHE_DIR"
FORMAT = 1  # bump when the stored form of a report changes
SUFFIX = ".report.pickle"
BENCH_FOLDER = "bench"
DEFAULT_MAX_BYTES = 2 * 1024**3
CHUNK = 1024 * 1024
# what unpickling a truncated, overwritten or outdated entry raises
_DAMAGED = (pickle.UnpicklingError, EOFError, AttributeError, ImportError,
            IndexError, TypeError, ValueError)


def cache_dir() -> Path:
    """Where entries are kept: ``$EXCEL_EXTRACT_CACHE_DIR`` or the platform's."""
    override = os.environ.get(ENV_DIR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("excel-extract", appauthor=False))


def bench_dir(folder: Path | None = None) -> Path:
    """Where the benchmark keeps the workbooks it generates, in the cache."""
    return (folder or cache_dir()) / BENCH_FOLDER


@dataclass(slots=True)
class CacheInfo:
    """What ``excel-extract cache info`` shows."""

    folder: Path
    entries: int
    total_bytes: int
    oldest: float | None
    newest: float | None
    bench_files: int = 0
    bench_bytes: int = 0


class ReportCache:
    """Reports by key in one folder."""

    def __init__(self, folder: Path | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.folder = folder or cache_dir()
        self.max_bytes = max_bytes

    def key(self, path: str | Path, settings: Settings) -> str:
        """The entry key of a file read with these settings."""
        digest = hashlib.sha256()
        digest.update(json.dumps({
            "format": FORMAT,
            "version": __version__,
            "code": code_fingerprint(),
            "settings": canonical(settings),
            "name": _named_part(Path(path)),
        }, sort_keys=True).encode())
        digest.update(file_digest(path).encode())
        return digest.hexdigest()

    def get(self, key: str) -> Report | None:
        """The stored report, or None on a miss."""
        entry = self._entry(key)
        try:
            with entry.open("rb") as stream:
                report = pickle.load(stream)
        except FileNotFoundError:
            return None
        except _DAMAGED as exc:  # a damaged entry is a miss
            log.warning("cache entry %s cannot be read (%s); removing it", entry, exc)
            entry.unlink(missing_ok=True)
            return None
        os.utime(entry)  # used now: pruned last
        log.debug("cache hit %s", key[:12])
        return report  # type: ignore[no-any-return]

    def put(self, key: str, report: Report) -> None:
        """Store a report; a cache that cannot be written is only logged."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.folder)
            with os.fdopen(fd, "wb") as stream:
                pickle.dump(report, stream, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._entry(key))
        except OSError as exc:
            log.warning("cannot write the cache in %s: %s", self.folder, exc)
            return
        self.prune()

    def check(self, *, extracting: bool = False) -> None:
        """Raise a :class:`ConfigurationError` if a file stands where the
        folder, or one of the folders above it, should be."""
        blocking = _blocking_file(self.folder)
        if blocking == self.folder:
            raise _folder_error(self.folder, "is a file", extracting=extracting)
        if blocking is not None:
            raise _folder_error(self.folder, f"cannot be created, as {blocking} "
                                "is a file", extracting=extracting)

    def prepare(self) -> None:
        """Create the folder for an extraction; a :class:`ConfigurationError`
        if it cannot be created or written."""
        self.check(extracting=True)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _folder_error(self.folder, "cannot be created "
                                f"({exc.strerror or exc})", extracting=True) from exc
        if not os.access(self.folder, os.W_OK | os.X_OK):
            raise _folder_error(self.folder, "cannot be written", extracting=True)

    def entries(self) -> list[Path]:
        if not self.folder.is_dir():
            return []
        return sorted(self.folder.glob(f"*{SUFFIX}"))

    def bench_workbooks(self) -> list[Path]:
        """The benchmark's generated workbooks kept beside the reports."""
        folder = bench_dir(self.folder)
        return sorted(folder.glob("*.xlsx")) if folder.is_dir() else []

    def info(self) -> CacheInfo:
        """What the folder holds; an error if a file stands in its place."""
        self.check()
        stats = [p.stat() for p in self.entries()]
        times = [s.st_mtime for s in stats]
        bench = [p.stat().st_size for p in self.bench_workbooks()]
        return CacheInfo(self.folder, len(stats), sum(s.st_size for s in stats),
                         min(times, default=None), max(times, default=None),
                         len(bench), sum(bench))

    def clear(self) -> tuple[int, int]:
        """Remove every entry and the benchmark's workbooks; returns how many
        of each there were. An error if a file stands in the folder's place."""
        self.check()
        entries, workbooks = self.entries(), self.bench_workbooks()
        for path in entries + workbooks:
            path.unlink(missing_ok=True)
        for tmp in self.folder.glob(".*.tmp") if self.folder.is_dir() else ():
            tmp.unlink(missing_ok=True)
        return len(entries), len(workbooks)

    def prune(self) -> None:
        """Remove the entries used longest ago until the cache fits."""
        stats = [(p.stat().st_mtime, p.stat().st_size, p) for p in self.entries()]
        total = sum(size for _, size, _ in stats)
        for _, size, entry in sorted(stats, key=lambda item: item[0]):
            if total <= self.max_bytes:
                break
            entry.unlink(missing_ok=True)
            total -= size

    def _entry(self, key: str) -> Path:
        return self.folder / f"{key}{SUFFIX}"


def cached_extract(path: str | Path, settings: Settings | None = None, *,
                   use_cache: bool = True, n_jobs: int | None = None,
                   folder: Path | None = None) -> Report:
    """:func:`extract_file` through the cache.

    ``performance.cache`` says what happened: ``hit`` (the stored report,
    with the figures of the extraction that made it), ``stored`` or ``off``.
    """
    from .pipeline import Settings, extract_file

    settings = settings or Settings()
    if not use_cache:
        report = extract_file(path, settings, n_jobs=n_jobs)
        report.performance.cache = "off"
        return report

    store = ReportCache(folder)
    store.prepare()
    started = time.perf_counter()
    key = store.key(path, settings)
    found = store.get(key)
    if found is not None:
        found.performance.cache = "hit"
        found.source = str(path)
        log.info("%s: from the cache in %.3f s", path, time.perf_counter() - started)
        return found
    report = extract_file(path, settings, n_jobs=n_jobs)
    report.performance.cache = "stored"
    store.put(key, report)
    return report


def _blocking_file(folder: Path) -> Path | None:
    """The first of ``folder`` and the folders above it that exists and is
    not a folder, or None."""
    for path in (folder, *folder.parents):
        if path.exists():
            return None if path.is_dir() else path
    return None


def _folder_error(folder: Path, problem: str, *,
                  extracting: bool) -> ConfigurationError:
    """What to say when the cache folder cannot be used, naming the setting;
    an extraction can also do without the cache."""
    source = f" (set by {ENV_DIR})" if os.environ.get(ENV_DIR) else ""
    remedy = f"point {ENV_DIR} at a folder you can write"
    if extracting:
        remedy += ", or pass --no-cache"
    return ConfigurationError(f"the cache folder {folder}{source} {problem}; "
                              f"{remedy}")


def _named_part(path: Path) -> str:
    """What of a file's name its report depends on: the suffix, which
    decides how some files are read, and for delimited text, whose one
    sheet (and so its cells) is named after the file, the whole name."""
    from .sources import WORKBOOK_SUFFIXES

    suffix = path.suffix.lower()
    return suffix if suffix in WORKBOOK_SUFFIXES else path.name


def file_digest(path: str | Path) -> str:
    """sha256 of a file's content.

    A path that cannot be read hashes as its text, so that the extraction
    itself reports what is wrong with it.
    """
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                digest.update(chunk)
    except OSError:
        return "unreadable:" + str(path)
    return digest.hexdigest()


def canonical(value: Any) -> Any:
    """Settings as JSON-ready data that is the same in every process.

    Sets are sorted (their order depends on the process's hash seed) and a
    path to a file stands for the file's content.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: canonical(getattr(value, f.name))
                for f in dataclasses.fields(value)}
    if isinstance(value, Path):
        return {"file": str(value), "sha256": file_digest(value)}
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=repr)
    if isinstance(value, dict):
        return sorted(([canonical(k), canonical(v)] for k, v in value.items()),
                      key=repr)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


@cache
def code_fingerprint() -> str:
    """Names, sizes and modification times of the package's files."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".toml") and "__pycache__" not in path.parts:
            info = path.stat()
            digest.update(f"{path.relative_to(root)}:{info.st_size}:"
                          f"{info.st_mtime_ns}".encode())
    return digest.hexdigest()

"""What an extraction costs: wall time per stage, CPU time and peak memory.

:class:`ResourceMonitor` samples the resident memory of this process and of
its children (the workers of a parallel extraction) in a background thread,
so the peak it reports is the peak of the whole job, not only of the parent.
CPU time comes from the operating system's counters for the process and its
children. psutil is imported only when a monitor starts, by its sampling
thread, so that the import (tens of milliseconds) overlaps the block.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Self

log = logging.getLogger(__name__)

SAMPLE_SECONDS = 0.05
CHILDREN_SECONDS = 0.25
"""How often the children are listed anew: listing them reads every process
of the machine, reading their memory costs little."""
IDLE_CPU_SECONDS = 0.02
"""CPU time a child alive before the block may use in it and still count as
idle: a waiting pool worker wakes now and then for a few milliseconds."""
MB = 1024 * 1024


@dataclass(slots=True)
class Usage:
    """What a monitored block of work used."""

    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0
    peak_memory_mb: float = 0.0


class ResourceMonitor:
    """Samples memory while a block runs; use as a context manager.

    ``with ResourceMonitor() as monitor: ...`` then ``monitor.usage`` holds
    the wall time, the CPU time of the process and its children, and the
    highest sum of their resident memory seen, in MB. A child counts once it
    has used CPU during the block, so idle workers of an earlier pool don't.
    """

    def __init__(self, interval: float = SAMPLE_SECONDS) -> None:
        self.interval = interval
        self.usage = Usage()
        self._stop = threading.Event()
        self._started_sampling = threading.Event()
        self._thread: threading.Thread | None = None
        self._peak = 0
        self._started = 0.0
        self._cpu_at_start = 0.0
        # CPU seconds of live children (pool workers outlive the block)
        self._children_at_start: dict[int, float] = {}
        self._children_seen: dict[int, float] = {}
        self._children: list = []
        self._children_listed: float | None = None

    def __enter__(self) -> Self:
        self._started = time.perf_counter()
        self._cpu_at_start = cpu_seconds()
        self._thread = threading.Thread(target=self._run, name="resource-monitor",
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        self._peak = max(self._peak, self._sample())
        children = sum(seconds - self._children_at_start.get(pid, 0.0)
                       for pid, seconds in self._children_seen.items())
        self.usage = Usage(
            wall_seconds=time.perf_counter() - self._started,
            cpu_seconds=cpu_seconds() - self._cpu_at_start + children,
            peak_memory_mb=round(self._peak / MB, 1),
        )

    def sample_now(self) -> None:
        """Take a sample at once, e.g. right after a large structure is built."""
        if self._started_sampling.is_set():
            self._peak = max(self._peak, self._sample())

    def _run(self) -> None:
        import psutil

        self._process = psutil.Process(os.getpid())
        # pool workers alive now (left from earlier work) are not this block's:
        # a pool takes far longer to start than this import
        self._sample()
        self._children_at_start = dict(self._children_seen)
        self._peak = self._sample()
        self._started_sampling.set()
        while not self._stop.wait(self.interval):
            self._peak = max(self._peak, self._sample())

    def _sample(self) -> int:
        import psutil

        try:
            total = self._process.memory_info().rss
            now = time.perf_counter()
            listed = self._children_listed
            if listed is None or now - listed >= CHILDREN_SECONDS:
                self._children = self._process.children(recursive=True)
                self._children_listed = now
            for child in self._children:
                try:
                    rss = child.memory_info().rss
                    times = child.cpu_times()
                except psutil.Error:
                    continue  # the child ended between listing and reading it
                cpu = times.user + times.system
                self._children_seen[child.pid] = cpu
                # an idle pool worker left from earlier work is not ours
                if cpu > self._children_at_start.get(child.pid, -1.0) + IDLE_CPU_SECONDS:
                    total += rss
            return total
        except psutil.Error as exc:  # pragma: no cover - the process is ours
            log.debug("memory sample failed: %s", exc)
            return 0


def cpu_seconds() -> float:
    """User and system CPU time of this process and its ended children.

    Children that are still alive (a reusable worker pool) are not counted
    here; :class:`ResourceMonitor` adds what it saw them use.
    """
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def peak_rss_mb() -> float:
    """The highest resident memory of this process so far, in MB (POSIX)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on POSIX
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes
    return round(peak / (MB if os.uname().sysname == "Darwin" else 1024), 1)

"""Peak memory counts the workers of a job, and only those that work in it."""

from __future__ import annotations

import subprocess
import sys
import time

import psutil

from extractor.resources import ResourceMonitor

HOLD = 200  # MB a child process holds


def _child(wait_first: float) -> subprocess.Popen:
    """A child that waits, then holds HOLD MB (touched) for a second.

    It prints a line once it holds them, and from then on only sleeps.
    """
    return subprocess.Popen([sys.executable, "-c", (
        f"import time; time.sleep({wait_first}); "
        f"b = bytearray({HOLD} * 2**20); print('holding', flush=True); "
        "time.sleep(1.0)")], stdout=subprocess.PIPE, text=True)


def _own_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def test_a_child_that_works_in_the_block_counts():
    with ResourceMonitor(interval=0.02) as monitor:
        child = _child(wait_first=0.3)
        child.communicate()
    assert monitor.usage.peak_memory_mb > _own_mb() + HOLD * 0.8


def test_an_idle_child_from_before_does_not():
    child = _child(wait_first=0.0)
    assert child.stdout.readline() == "holding\n"  # from now on it sleeps
    try:
        with ResourceMonitor(interval=0.02) as monitor:
            time.sleep(0.3)
    finally:
        child.communicate()
    assert monitor.usage.peak_memory_mb < _own_mb() + HOLD * 0.5

"""Benchmarks: `python -m benchmarks` (or `make bench`) runs them and prints one table each.

A benchmark module has a ``TITLE`` and ``run() -> list[dict]`` (the rows of its table); one that
judges a budget also has ``budgets(rows) -> list[Budget]``, which ``python -m benchmarks``
collects into the final "Budgets" table. Every benchmark reads ``tiny()``: its smallest inputs
and fewest samples, seconds in all (``--tiny``, the entry-point test), through the same code.
"""

from __future__ import annotations

import os
import resource
from typing import TypedDict

#: Set to ``1`` by ``python -m benchmarks --tiny``.
TINY_ENV = "COURSEWAVE_BENCH_TINY"


class Budget(TypedDict):
    """One budget as judged in a run: what it is, the figure measured against it, the verdict."""

    budget: str
    figure: str
    met: bool


def tiny() -> bool:
    """Whether this run is the tiny smoke run (figures not worth judging, paths all taken)."""
    return os.environ.get(TINY_ENV) == "1"


def cpu_seconds(include_self: bool = True) -> float:
    """User + system CPU seconds so far of finished child processes (FFmpeg, ffprobe) and, with
    ``include_self``, of this process."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = children.ru_utime + children.ru_stime
    if include_self:
        own = resource.getrusage(resource.RUSAGE_SELF)
        used += own.ru_utime + own.ru_stime
    return used


def verdict(met: bool) -> str:
    """The "met" column of a budget row."""
    return "met" if met else "NOT MET"

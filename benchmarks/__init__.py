"""Benchmarks: `python -m benchmarks` (or `make bench`) runs them and prints one table each.

A benchmark module has a ``TITLE`` and ``run() -> list[dict]`` (the rows of its table); one that
judges a budget also has ``budgets(rows) -> list[Budget]``, which ``python -m benchmarks``
collects into the final "Budgets" table. Every benchmark reads ``tiny()``: its smallest inputs
and fewest samples, seconds in all (``--tiny``, the entry-point test), through the same code.
"""

from __future__ import annotations

import os
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


def verdict(met: bool) -> str:
    """The "met" column of a budget row."""
    return "met" if met else "NOT MET"

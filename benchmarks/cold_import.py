"""Cold import time of every Lambda module, in a fresh interpreter each time.

Baseline: the same interpreter starting and exiting with nothing imported. Budget (DESIGN.md §4):
an API function imports in ≤ 250 ms on the dev machine.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

from functions import registry

TITLE = "Cold import per Lambda module (fresh interpreter, median of 7 runs)"
RUNS = 7
REPO_ROOT = Path(__file__).resolve().parent.parent
PROBE = (
    "import time, sys; t = time.perf_counter(); import {module}; "
    "sys.stdout.write(str(time.perf_counter() - t))"
)


def _process_seconds(code: str) -> tuple[float, float]:
    """(wall time of the whole process, in-process import time) for one fresh interpreter."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    ).stdout
    wall = time.perf_counter() - started
    return wall, float(out or 0)


def _median(code: str) -> tuple[float, float]:
    samples = [_process_seconds(code) for _ in range(RUNS)]
    return (
        statistics.median(s[0] for s in samples),
        statistics.median(s[1] for s in samples),
    )


def modules() -> list[tuple[str, str]]:
    found = [(decl.name, decl.module) for decl in registry.FUNCTIONS]
    found += [(worker.name, worker.module) for worker in registry.CONTAINER_WORKERS]
    return found


def run() -> list[dict[str, object]]:
    bare_wall, _ = _median("pass")
    rows: list[dict[str, object]] = [
        {
            "function": "(bare interpreter)",
            "module": "-",
            "import ms": "0",
            "process ms": f"{bare_wall * 1000:.0f}",
            "x bare": "1.00",
            "≤ 250 ms": "-",
        }
    ]
    for name, module in modules():
        wall, imported = _median(PROBE.format(module=module))
        rows.append(
            {
                "function": name,
                "module": module,
                "import ms": f"{imported * 1000:.0f}",
                "process ms": f"{wall * 1000:.0f}",
                "x bare": f"{wall / bare_wall:.2f}",
                "≤ 250 ms": "yes" if imported <= 0.25 else "NO",
            }
        )
    return rows

"""Run the benchmarks and print their tables: ``python -m benchmarks [name ...]``.

Each benchmark module exposes ``run() -> list[dict]`` (rows of one table) and a ``TITLE``.
Figures are reported as ratios against a baseline measured in the same run, never as absolute
timings: shared machines make those noisy. A benchmark that judges budgets (issue 14) prints each
budget next to its figure with a met / not met column, and its ``budgets(rows)`` feed the final
"Budgets" table: the run's honest summary. A budget not met does not fail the run (the table
says so); a benchmark that fails does.

Each benchmark runs in a fresh interpreter of its own: process-wide state one leaves behind (an
in-process moto, PynamoDB's cached connection, boto3's default session) must not change what the
next one measures or talks to.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import TINY_ENV, verdict

BENCHMARKS = (
    "cold_import",
    "gateway_overhead",
    "round_trips",
    "payments",
    "grading",
    "certificate_issue",
    "transcode",
    "load",
    "transcode_cost",
    "long_lecture",
)
#: The file each benchmark's interpreter appends its judged budgets to (JSON lines).
BUDGETS_ENV = "COURSEWAVE_BENCH_BUDGETS"
#: After each benchmark's title: how to run that one alone.
HEADER_NAME = "python -m benchmarks {name}"
BUDGETS_TITLE = "Budgets (issue 14): every budget judged in this run"


def table(rows: list[dict[str, object]]) -> str:
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[str(row.get(column, "")) for column in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    line = "  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)) for r in cells]
    return "\n".join([line, rule, *body])


def run_one(name: str) -> int:
    """Run one benchmark in this process and print its table; 1 if it failed. Its judged
    budgets go to the file named by ``BUDGETS_ENV`` when that is set."""
    module = importlib.import_module(f"benchmarks.{name}")
    print(f"\n## {module.TITLE} ({HEADER_NAME.format(name=name)})\n", flush=True)
    started = time.perf_counter()
    try:
        rows = module.run()
        judged = module.budgets(rows) if hasattr(module, "budgets") else []
    except Exception as exc:  # report the failure as the table, exit non-zero
        print(f"FAILED: {exc!r}", flush=True)
        return 1
    print(table(rows))
    print(f"\n({time.perf_counter() - started:.1f} s)", flush=True)
    if os.environ.get(BUDGETS_ENV):
        with open(os.environ[BUDGETS_ENV], "a", encoding="utf-8") as out:
            out.writelines(json.dumps({"benchmark": name, **b}) + "\n" for b in judged)
    return 0


def budgets_table(found: list[dict[str, object]], failed: list[str]) -> str:
    """The final summary: each budget judged, and each benchmark that measured nothing."""
    rows: list[dict[str, object]] = [
        {
            "benchmark": row["benchmark"],
            "budget": row["budget"],
            "figure": row["figure"],
            "met": verdict(bool(row["met"])),
        }
        for row in found
    ]
    rows += [
        {"benchmark": name, "budget": "-", "figure": "FAILED: nothing measured", "met": "-"}
        for name in failed
    ]
    missed = sum(1 for row in found if not row["met"])
    summary = f"{len(found) - missed} of {len(found)} budgets met"
    return f"{table(rows)}\n\n{summary}" + (f"; FAILED: {', '.join(failed)}" if failed else "")


def read_budgets(path: Path) -> list[dict[str, object]]:
    """The budgets the benchmarks' interpreters wrote (``BUDGETS_ENV``), in run order."""
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    return [json.loads(line) for line in lines]


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="name", help=f"any of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--tiny", action="store_true", help="a few seconds of each (a smoke run)")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (choose from {BENCHMARKS})")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    if args.tiny:
        os.environ[TINY_ENV] = "1"
    names = args.names or list(BENCHMARKS)
    if args.in_process:
        return max(run_one(name) for name in names)
    with tempfile.TemporaryDirectory(prefix="bench-budgets-") as scratch:
        budgets = Path(scratch) / "budgets.jsonl"
        env = {**os.environ, BUDGETS_ENV: str(budgets)}
        command = [sys.executable, "-m", "benchmarks", "--in-process"]
        failed = [name for name in names if subprocess.run([*command, name], env=env).returncode]
        found = read_budgets(budgets)
    print(f"\n## {BUDGETS_TITLE}\n", flush=True)
    print(budgets_table(found, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run the benchmarks and print their tables: ``python -m benchmarks [name ...]``.

Each benchmark module exposes ``run() -> list[dict]`` (rows of one table) and a ``TITLE``.
Figures are reported as ratios against a baseline measured in the same run, never as absolute
pass/fail thresholds: shared machines make absolute timings noisy.

Each benchmark runs in a fresh interpreter of its own: process-wide state one leaves behind (an
in-process moto, PynamoDB's cached connection, boto3's default session) must not change what the
next one measures or talks to.
"""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys
import time

BENCHMARKS = (
    "cold_import",
    "gateway_overhead",
    "round_trips",
    "payments",
    "grading",
    "certificate_issue",
    "transcode",
    "long_lecture",
)


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
    """Run one benchmark in this process and print its table; 1 if it failed."""
    module = importlib.import_module(f"benchmarks.{name}")
    print(f"\n## {module.TITLE}\n", flush=True)
    started = time.perf_counter()
    try:
        rows = module.run()
    except Exception as exc:  # report the failure as the table, exit non-zero
        print(f"FAILED: {exc!r}", flush=True)
        return 1
    print(table(rows))
    print(f"\n({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="name", help=f"any of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (choose from {BENCHMARKS})")
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    names = args.names or list(BENCHMARKS)
    if args.in_process:
        return max(run_one(name) for name in names)
    failed = [
        name
        for name in names
        if subprocess.run([sys.executable, "-m", "benchmarks", "--in-process", name]).returncode
    ]
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

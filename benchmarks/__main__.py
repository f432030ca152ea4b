"""Run the benchmarks and print their tables: ``python -m benchmarks [name ...]``.

Each benchmark module exposes ``run() -> list[dict]`` (rows of one table) and a ``TITLE``.
Figures are reported as ratios against a baseline measured in the same run, never as absolute
pass/fail thresholds: shared machines make absolute timings noisy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time

BENCHMARKS = ("cold_import", "gateway_overhead", "round_trips", "transcode")


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


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", choices=[*BENCHMARKS, []], default=list(BENCHMARKS))
    args = parser.parse_args()
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    failed = []
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"\n## {module.TITLE}\n", flush=True)
        started = time.perf_counter()
        try:
            rows = module.run()
        except Exception as exc:  # one broken benchmark must not hide the others
            failed.append(name)
            print(f"FAILED: {exc!r}")
            continue
        print(table(rows))
        print(f"\n({time.perf_counter() - started:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

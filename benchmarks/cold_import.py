"""Cold import of every Lambda module, as Lambda runs it, against ``import boto3`` in the same run.

Two figures per function, each the median of ``RUNS`` fresh interpreters:

- **cached**: this virtualenv's interpreter with every dependency's bytecode already cached (the
  kindest case, what a developer sees);
- **as deployed**: the runtime's Python (``infra_cdk.bundling.runtime_python``) importing from a
  copy of the assets built by the same bundling code the CDK app uses (``functions/``, the shared
  layer, the dependency layer's pins installed for this machine's platform), with ``-B`` and
  ``-E -s``: it finds no bytecode except what the bundle ships, like ``/var/task`` and ``/opt``,
  which are read-only in Lambda.

The budget is a ratio: as deployed, every function imports in ≤ 1.5 times ``import boto3`` (boto3
from the same bundle, so from the layer's bytecode when the bundle ships it). Each function's
samples alternate with boto3's, so load on the shared machine moves both alike. The three biggest
top-level packages by self time (``-X importtime``, as deployed) show where the time goes.

``--tiny`` times the first function only, one sample of each and one importtime run, on the same
bundle (its dependency layer is built once per pins and reused from the temp dir).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import ModuleType

from benchmarks import Budget, tiny, verdict
from functions import registry

TITLE = "Cold import per function, as Lambda runs it (ratio to `import boto3` in the same run)"
RUNS = 1 if tiny() else int(os.environ.get("BENCH_COLD_IMPORT_RUNS", "5"))
IMPORTTIME_RUNS = 1 if tiny() else 3
BUDGET = 1.5
RATIO = "x boto3"
REPO_ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(tempfile.gettempdir()) / "coursewave-bench" / "cold-import"
PROBE = (
    "import time, sys; t = time.perf_counter(); import {module}; "
    "sys.stdout.write(str(time.perf_counter() - t))"
)


def modules() -> list[tuple[str, str]]:
    found = [(decl.name, decl.module) for decl in registry.FUNCTIONS]
    found += [(worker.name, worker.module) for worker in registry.CONTAINER_WORKERS]
    return found


def _bundling() -> ModuleType:
    """The CDK bundling module, imported only when a bundle is built (it starts jsii)."""
    os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
    from infra_cdk import bundling

    return bundling


def _deps_layer(bundling: ModuleType, python: str) -> Path:
    """The dependency layer's pins for this machine, bundled once per pins and interpreter."""
    requirements = bundling.DEPS_REQUIREMENTS
    recipe = [
        requirements,
        Path(bundling.__file__),
        Path(bundling.compile_bytecode.__code__.co_filename),
    ]
    key = hashlib.sha256(
        b"".join(path.read_bytes() for path in recipe) + python.encode()
    ).hexdigest()[:16]
    layer = CACHE / f"deps-{key}"
    if not layer.is_dir():
        building = Path(tempfile.mkdtemp(prefix="deps-", dir=CACHE))
        bundling.PipInstall(requirements, for_this_machine=True).try_bundle(str(building))
        building.rename(layer)
    return layer / "python"


def build_bundle(out: Path) -> tuple[str, list[str]]:
    """(runtime Python, sys.path) of a bundle as the assets ship it, under ``out``."""
    bundling = _bundling()
    python = bundling.runtime_python()
    CACHE.mkdir(parents=True, exist_ok=True)
    functions_asset = out / "task"
    shared_asset = out / "shared"
    bundling.CopyTree(bundling.FUNCTIONS_DIR, "functions").try_bundle(str(functions_asset))
    bundling.CopyTree(bundling.SHARED_LAYER_DIR / "python", "python").try_bundle(str(shared_asset))
    worker_asset = out / "worker"
    shutil.copytree(
        REPO_ROOT / "workers",
        worker_asset / "workers",
        ignore=shutil.ignore_patterns(*bundling.SKIP),
    )
    bundling.compile_bytecode(worker_asset, python)  # as the worker's image does
    path = [
        str(functions_asset),
        str(worker_asset),
        str(shared_asset / "python"),
        str(_deps_layer(bundling, python)),
    ]
    return python, path


def _as_deployed(python: str, path: list[str], code: str) -> list[str]:
    return [python, "-B", "-E", "-s", "-c", f"import sys; sys.path[:0] = {path!r}; {code}"]


def _cached(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _seconds(command: list[str]) -> float:
    out = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True)
    return float(out.stdout or 0)


def _paired(command_for: Callable[[str], list[str]], module: str) -> tuple[float, float]:
    """Medians of (module, boto3) over ``RUNS`` alternating fresh interpreters."""
    mine, boto3 = [], []
    for _ in range(RUNS):
        boto3.append(_seconds(command_for(PROBE.format(module="boto3"))))
        mine.append(_seconds(command_for(PROBE.format(module=module))))
    return statistics.median(mine), statistics.median(boto3)


def _self_times(command: list[str]) -> Counter[str]:
    """Self time (µs) per top-level package in one ``-X importtime`` run."""
    command = [command[0], "-X", "importtime", *command[1:]]
    err = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True, check=True).stderr
    totals: Counter[str] = Counter()
    for line in err.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, _cumulative, name = line.removeprefix("import time:").split("|")
        totals[name.strip().split(".")[0]] += int(self_us)
    return totals


def biggest_imports(
    command: list[str], count: int = 3, runs: int = IMPORTTIME_RUNS
) -> list[tuple[str, float]]:
    """The top-level packages with the most self time, median of ``runs`` importtime runs (one
    run alone shows whichever stdlib module the machine's load happened to slow down)."""
    samples = [_self_times(command) for _ in range(runs)]
    medians = Counter(
        {name: statistics.median(s.get(name, 0) for s in samples) for name in set().union(*samples)}
    )
    return [(name, us / 1000) for name, us in medians.most_common(count)]


def run() -> list[dict[str, object]]:
    with tempfile.TemporaryDirectory(prefix="cold-import-") as out:
        python, path = build_bundle(Path(out))
        rows: list[dict[str, object]] = []
        for name, module in modules()[:1] if tiny() else modules():
            cached, cached_boto3 = _paired(_cached, module)
            deployed, deployed_boto3 = _paired(partial(_as_deployed, python, path), module)
            ratio = deployed / deployed_boto3
            top = biggest_imports(_as_deployed(python, path, f"import {module}"))
            rows.append(
                {
                    "function": name,
                    "cached ms": f"{cached * 1000:.0f}",
                    "x boto3 cached": f"{cached / cached_boto3:.2f}",
                    "as deployed ms": f"{deployed * 1000:.0f}",
                    "boto3 ms": f"{deployed_boto3 * 1000:.0f}",
                    RATIO: f"{ratio:.2f}",
                    "budget": f"≤ {BUDGET}x",
                    "met": verdict(ratio <= BUDGET),
                    "biggest imports (self ms)": ", ".join(f"{n} {ms:.0f}" for n, ms in top),
                }
            )
    return rows


def budgets(rows: list[dict[str, object]]) -> list[Budget]:
    """One budget for every function: the worst as-deployed ratio decides."""
    ratios = {str(row["function"]): float(str(row[RATIO])) for row in rows}
    worst = max(ratios, key=ratios.__getitem__)
    within = sum(1 for ratio in ratios.values() if ratio <= BUDGET)
    return [
        {
            "budget": f"cold import as deployed ≤ {BUDGET}x `import boto3`, every function",
            "figure": f"worst {worst} {ratios[worst]:.2f}x; {within} of {len(ratios)} within",
            "met": within == len(ratios),
        }
    ]

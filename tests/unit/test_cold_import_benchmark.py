"""The cold-import benchmark's own parts: what it runs and how it reads ``-X importtime``."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import cold_import
from functions import registry


def test_every_function_and_container_worker_has_a_row() -> None:
    names = [name for name, _module in cold_import.modules()]

    assert names == [d.name for d in registry.FUNCTIONS] + [
        w.name for w in registry.CONTAINER_WORKERS
    ]


def test_as_deployed_sees_the_bundle_only_and_writes_no_bytecode() -> None:
    command = cold_import._as_deployed("/py3.12", ["/b/task", "/b/deps"], "import x")

    assert command[:5] == ["/py3.12", "-B", "-E", "-s", "-c"]
    assert command[5] == "import sys; sys.path[:0] = ['/b/task', '/b/deps']; import x"


def test_as_deployed_writes_no_bytecode_into_the_bundle(tmp_path: Path) -> None:
    bundle = tmp_path
    (bundle / "probe_module.py").write_text("VALUE = 1\n")
    command = cold_import._as_deployed(sys.executable, [str(bundle)], "import probe_module")

    subprocess.run(command, check=True)

    assert not (bundle / "__pycache__").exists()


def test_self_times_are_summed_per_top_level_package() -> None:
    code = "import json, email.parser"
    totals = cold_import._self_times([sys.executable, "-c", code])

    assert totals["json"] > 0
    assert totals["email"] > 0
    assert "json.decoder" not in totals
    assert all(" " not in name for name in totals)


def test_biggest_imports_are_the_largest_medians(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = iter(
        [Counter(a=10, b=5, c=1), Counter(a=12, b=50, d=2), Counter(a=11, b=6, c=3, d=2)]
    )
    monkeypatch.setattr(cold_import, "_self_times", lambda _command: next(samples))

    assert cold_import.biggest_imports(["python"], count=2, runs=3) == [("a", 0.011), ("b", 0.006)]

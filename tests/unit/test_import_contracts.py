"""The import contracts (pyproject.toml ``[tool.importlinter]``) bite.

The linter runs on a copy of the tree: once as it is (every contract kept), once with one
violating import planted for each kind of contract, which must each be reported broken.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# (file to plant the import in, the import, the id of the contract it breaks)
VIOLATIONS = [
    ("functions/courses/logic.py", "from functions.enrollment import public", "domain-order"),
    ("functions/enrollment/logic.py", "from functions.courses import repository", "courses-public"),
    ("functions/courses/domain.py", "import boto3", "pure-logic"),
    ("coursewave/events.py", "import functions.courses.public", "shared-layer"),
    ("functions/health/handler.py", "import functions.courses.public", "platform-functions"),
]


def _copy_tree(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("functions", "workers"):
        shutil.copytree(ROOT / package, target / package, ignore=ignore)
    shutil.copytree(ROOT / "layers/shared/python/coursewave", target / "coursewave", ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _contract_names() -> dict[str, str]:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["id"]: contract["name"] for contract in config["contracts"]}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    _copy_tree(tmp_path)
    return tmp_path


def test_the_tree_as_it_is_keeps_every_contract(tree: Path) -> None:
    result = _lint(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_planted_violation_of_each_kind_of_contract_is_reported(tree: Path) -> None:
    # Given one violating import per kind of contract
    for relative, statement, _ in VIOLATIONS:
        path = tree / relative
        path.write_text(f"{statement}  # planted\n{path.read_text()}")

    # When the linter runs
    result = _lint(tree)

    # Then it fails, and each planted contract is among the broken ones
    assert result.returncode != 0
    names = _contract_names()
    broken = {
        line.rsplit(" BROKEN", 1)[0] for line in result.stdout.splitlines() if "BROKEN" in line
    }
    for _, statement, contract_id in VIOLATIONS:
        assert names[contract_id] in broken, f"{statement!r} did not break {contract_id}"

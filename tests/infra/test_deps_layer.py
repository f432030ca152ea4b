"""The dependency layer installs exactly the runtime pins of pyproject.toml, for Lambda."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

from infra_cdk import bundling, python_runtime
from infra_cdk.settings import REPO_ROOT
from tests.infra.bytecode import assert_ships_bytecode


def _pins(lines: list[str]) -> set[str]:
    return {re.sub(r"\s+", "", line).lower() for line in lines if line.strip()}


def test_layer_requirements_match_the_runtime_pins_of_pyproject() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    requirements = [
        line
        for line in bundling.DEPS_REQUIREMENTS.read_text().splitlines()
        if not line.lstrip().startswith("#")
    ]

    assert _pins(requirements) == _pins(project["dependencies"])
    assert all("==" in pin for pin in _pins(requirements))


def test_the_layer_is_built_for_the_lambda_platform(tmp_path: object) -> None:
    command = bundling.PipInstall(bundling.DEPS_REQUIREMENTS).command("/out")

    assert command[command.index("--platform") + 1] == "manylinux2014_aarch64"
    assert command[command.index("--python-version") + 1] == "3.12"
    assert command[command.index("--implementation") + 1] == "cp"
    assert "--only-binary=:all:" in command
    assert command[command.index("--target") + 1] == "/out/python"
    assert command[command.index("--requirement") + 1] == str(bundling.DEPS_REQUIREMENTS)


def test_the_functions_asset_keeps_the_package_path(tmp_path: Path) -> None:
    bundling.CopyTree(bundling.FUNCTIONS_DIR, "functions").try_bundle(str(tmp_path))

    assert (tmp_path / "functions" / "registry.py").is_file()
    assert (tmp_path / "functions" / "health" / "handler.py").is_file()


class _FakePip(bundling.PipInstall):
    """What pip leaves with --no-compile (a package of sources), without an index."""

    def command(self, output_dir: str) -> list[str]:
        code = (
            "import pathlib, sys; p = pathlib.Path(sys.argv[1], 'python', 'pkg', 'sub'); "
            "p.mkdir(parents=True); (p.parent / '__init__.py').write_text('X = 1\\n'); "
            "(p / 'mod.py').write_text('Y = 2\\n')"
        )
        return [sys.executable, "-c", code, output_dir]


def test_the_deps_layer_ships_bytecode_for_the_runtime(tmp_path: Path) -> None:
    _FakePip(bundling.DEPS_REQUIREMENTS).try_bundle(str(tmp_path))

    assert_ships_bytecode(tmp_path / "python")


def test_the_layer_for_this_machine_is_installed_by_the_runtime_python() -> None:
    command = bundling.PipInstall(bundling.DEPS_REQUIREMENTS, for_this_machine=True).command("/o")

    assert command[0] == python_runtime.runtime_python()
    assert "--platform" not in command
    assert command[command.index("--target") + 1] == "/o/python"


def test_a_build_without_the_runtime_python_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(python_runtime.RUNTIME_PYTHON_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(python_runtime, "RUNTIME_PYTHON_CANDIDATES", ("python3.12", "/nowhere/py*"))

    with pytest.raises(python_runtime.RuntimePythonMissing, match="without bytecode"):
        bundling.CopyTree(bundling.FUNCTIONS_DIR, "functions").try_bundle(str(tmp_path / "out"))


def test_a_runtime_python_of_another_version_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    other = tmp_path / "python3.12"  # named like the runtime's, but another version inside
    other.write_text("#!/bin/sh\necho 3.11\n")
    other.chmod(0o755)
    monkeypatch.setenv(python_runtime.RUNTIME_PYTHON_ENV, str(other))

    with pytest.raises(python_runtime.RuntimePythonMissing, match="not a working Python"):
        python_runtime.runtime_python()

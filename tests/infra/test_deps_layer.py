"""The dependency layer installs exactly the runtime pins of pyproject.toml, for Lambda."""

from __future__ import annotations

import re
import tomllib

from infra_cdk import bundling
from infra_cdk.settings import REPO_ROOT


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


def test_the_functions_asset_keeps_the_package_path(tmp_path: object) -> None:
    from pathlib import Path

    out = Path(str(tmp_path))
    bundling.CopyTree(bundling.FUNCTIONS_DIR, "functions").try_bundle(str(out))

    assert (out / "functions" / "registry.py").is_file()
    assert (out / "functions" / "health" / "handler.py").is_file()
    assert not list(out.rglob("__pycache__"))

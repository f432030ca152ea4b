"""Every third-party package the Lambda code imports is a declared runtime dependency.

The functions and the shared layer run with the ``deps`` layer only (``[project] dependencies``,
mirrored in ``layers/deps/requirements.txt``): a package that happens to arrive with another one
(``requests`` with ``stripe``) may leave with it. Imports inside functions count too (they are
loaded lazily for cold start, not optionally).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAMBDA_CODE = [ROOT / "functions", ROOT / "layers" / "shared" / "python"]
FIRST_PARTY = {"coursewave", "functions"}
# Provided by the Lambda Python runtime itself.
RUNTIME = {"boto3", "botocore", "awslambdaric"}
# Parts of a declared package, by that declaration (not packages that merely happen to arrive).
PART_OF = {
    "cryptography": "pyjwt[crypto]: the declared extra",
    "pydantic-core": "pydantic: its own core, pinned exactly by it",
}


def _imported_top_level_modules() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for folder in LAMBDA_CODE:
        for path in folder.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                names: list[str] = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(path.relative_to(ROOT)))
    return found


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        re.split(r"[\[=<>~! ]", pin, maxsplit=1)[0].lower().replace("_", "-")
        for pin in project["dependencies"]
    }


def test_every_third_party_import_of_the_lambda_code_is_declared() -> None:
    declared = _declared() | RUNTIME | set(PART_OF)
    distributions = packages_distributions()
    missing = {}
    for module, files in sorted(_imported_top_level_modules().items()):
        if module in FIRST_PARTY or module in sys.stdlib_module_names or module == "__future__":
            continue
        owners = {name.lower().replace("_", "-") for name in distributions.get(module, [module])}
        if not owners & declared:
            missing[module] = sorted(files)
    assert not missing, f"imported by Lambda code but not a runtime dependency: {missing}"


def test_requests_is_a_runtime_dependency_of_the_layer() -> None:
    """The token verifier fetches the pool's JWKS with it (``coursewave.tokens``)."""
    assert "requests" in _declared()

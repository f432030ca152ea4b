"""The deps layer's eager package ``__init__`` files (``bundling.LAZY_INITS``) are rewritten to
export the same names, each imported on first use: Powertools' event handler package no longer
imports AppSync's resolver (and, on the runtime's Python, asyncio with it) into a function that
routes HTTP API requests."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import aws_lambda_powertools
import pytest

from infra_cdk import bundling

PACKAGE = "aws_lambda_powertools.event_handler"
PROBE = """
import json, sys
import aws_lambda_powertools.event_handler as handler
loaded = sorted(m for m in sys.modules if m.startswith("aws_lambda_powertools.event_handler."))
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
after_http = "aws_lambda_powertools.event_handler.appsync" in sys.modules
from aws_lambda_powertools.event_handler.appsync import AppSyncResolver
print(json.dumps({
    "file": handler.__file__,
    "all": sorted(handler.__all__),
    "resolved": {n: getattr(getattr(handler, n), "__module__", None) for n in handler.__all__},
    "same": handler.AppSyncResolver is AppSyncResolver,
    "loaded_at_import": loaded,
    "appsync_after_http": after_http,
}))
"""


def _probe(site: Path | None) -> dict[str, object]:
    path = [str(site)] if site else []
    code = f"import sys; sys.path[:0] = {path!r}\n{PROBE}"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.fixture(scope="module")
def layer(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installed Powertools package, rewritten as the deps layer's bundling rewrites it."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(
        Path(aws_lambda_powertools.__file__).parent,
        site / "aws_lambda_powertools",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    bundling.make_inits_lazy(site)
    return site


def test_the_lazy_package_exports_the_same_names_from_the_same_modules(layer: Path) -> None:
    original, lazy = _probe(None), _probe(layer)

    assert lazy["file"].startswith(str(layer))
    assert lazy["all"] == original["all"]
    assert lazy["resolved"] == original["resolved"]
    assert lazy["same"] is True


EXPORTS = """
import importlib, json, sys
package = importlib.import_module(sys.argv[1])
print(json.dumps({
    "file": package.__file__,
    "all": sorted(package.__all__),
    "resolved": {
        n: [getattr(o, "__module__", None), getattr(o, "__qualname__", type(o).__name__)]
        for n, o in ((n, getattr(package, n)) for n in package.__all__)
    },
}))
"""


@pytest.mark.parametrize("init", bundling.LAZY_INITS)
def test_every_lazy_init_exports_the_same_objects(layer: Path, init: str) -> None:
    package = ".".join(Path(init).parent.parts)

    def exports(site: Path | None) -> dict[str, object]:
        code = f"import sys; sys.path[:0] = {[str(site)] if site else []!r}\n{EXPORTS}"
        command = [sys.executable, "-c", code, package]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    original, lazy = exports(None), exports(layer)

    assert lazy["file"].startswith(str(layer)) and not original["file"].startswith(str(layer))
    assert lazy["all"] == original["all"] and lazy["all"]
    assert lazy["resolved"] == original["resolved"]


def test_importing_the_http_resolver_leaves_the_other_resolvers_unimported(layer: Path) -> None:
    original, lazy = _probe(None), _probe(layer)

    assert original["appsync_after_http"] is True  # what the rewrite is for
    assert lazy["loaded_at_import"] == []
    assert lazy["appsync_after_http"] is False


def test_a_submodule_re_export_resolves_to_the_submodule(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text(
        '"""Doc."""\nfrom . import sub\nfrom .sub import VALUE as Alias\n'
        '__all__ = ["sub", "Alias"]\n'
    )
    (package / "sub.py").write_text("VALUE = 42\n")
    bundling.make_inits_lazy_at(tmp_path, ("pkg/__init__.py",))
    code = (
        f"import sys; sys.path.insert(0, {str(tmp_path)!r}); import pkg; "
        "print(pkg.Alias, pkg.sub.__name__, pkg.__all__)"
    )

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)

    assert out.stdout.split() == ["42", "pkg.sub", "['sub',", "'Alias']"]


def test_an_init_that_does_more_than_re_export_fails_the_build() -> None:
    with pytest.raises(bundling.NotReExportsOnly, match="line 2"):
        bundling.lazy_init('"""Doc."""\nimport os\n', "pkg")
    with pytest.raises(bundling.NotReExportsOnly, match="line 3"):
        bundling.lazy_init("from .a import b\n__all__ = ['b']\nb.setup()\n", "pkg")

"""Lambda assets built on this machine: no Docker at synth.

``functions/`` is copied (handlers are ``functions.<domain>.handler.lambda_handler``) without
anything local-only (``LOCAL_ONLY``), the shared layer is ``layers/shared`` as it is, and the
dependency layer is a ``pip install`` of ``layers/deps/requirements.txt`` for the Lambda
platform (manylinux2014 aarch64, CPython 3.12, wheels only).

Every asset ships bytecode compiled by the runtime's Python (``RUNTIME_PYTHON``), with
``--invalidation-mode unchecked-hash``: ``/var/task`` and ``/opt`` are read-only, so without it
every cold start compiles every module from source (docs/performance.md). A build that finds no
interpreter of the runtime's version fails (``RuntimePythonMissing``) rather than ship without.
"""

from __future__ import annotations

import ast
import shutil
import string
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from infra_cdk.python_runtime import PYTHON_VERSION, compile_bytecode, runtime_python
from infra_cdk.settings import REPO_ROOT

FUNCTIONS_DIR = REPO_ROOT / "functions"
SHARED_LAYER_DIR = REPO_ROOT / "layers" / "shared"
DEPS_LAYER_DIR = REPO_ROOT / "layers" / "deps"
DEPS_REQUIREMENTS = DEPS_LAYER_DIR / "requirements.txt"

LAMBDA_PLATFORM = "manylinux2014_aarch64"
SKIP = ("__pycache__", "*.pyc", ".pytest_cache", ".ruff_cache")
# Never shipped to Lambda, wherever it lands: the container worker (its own image), demo seeders
# and sample generators (the local runner's), tests and benchmarks. The assets hold only
# ``functions/`` and the shared layer; these patterns keep anything local-only that finds its way
# under them out as well (tests/infra/test_assets.py opens the bundle).
LOCAL_ONLY = (
    "workers",
    "transcode",
    "local",
    "tests",
    "benchmarks",
    "demo",
    "demo.py",
    "demo_*.py",
    "samples",
    "samples.py",
    "sample_*.py",
)
EXCLUDE = (*SKIP, *LOCAL_ONLY)

# Package __init__ files in the deps layer that import every submodule eagerly, rewritten to
# import each name on first use (``lazy_init``): Powertools' event handler package imports all of
# its resolvers (AppSync's pulls in asyncio) when a function needs the HTTP API one only, and
# the HTTP resolver imports the data classes package, which imports all 30 event sources.
LAZY_INITS = (
    "aws_lambda_powertools/event_handler/__init__.py",
    "aws_lambda_powertools/utilities/data_classes/__init__.py",
)

# Only used if local bundling declined, which it never does: it either bundles or raises.
_UNUSED_IMAGE = DockerImage.from_registry("public.ecr.aws/sam/build-python3.12")


_LAZY_INIT = string.Template(
    """$doc
# Rewritten by Coursewave's bundling (infra_cdk/bundling.py, LAZY_INITS): the same names as the
# original, each imported on first use.
import importlib

_LAZY = $names
__all__ = $exported


def __getattr__(name):
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    try:
        value = getattr(importlib.import_module(module), attribute)
    except AttributeError:  # a submodule: ``from . import content_types``
        value = importlib.import_module(f"{module}.{attribute}")
    globals()[name] = value
    return value


def __dir__():
    return sorted({*globals(), *_LAZY})
"""
)


class NotReExportsOnly(ValueError):
    """A package ``__init__`` listed in ``LAZY_INITS`` does more than re-export names."""


def lazy_init(source: str, package: str) -> str:
    """The text of a package ``__init__`` that re-exports the same names, each on first use.

    ``source`` may hold only a docstring, ``from ... import`` statements and ``__all__``; anything
    else raises ``NotReExportsOnly`` (the dependency changed: look at it before shipping).
    """
    tree = ast.parse(source)
    names: dict[str, tuple[str, str]] = {}
    exported: list[str] | None = None
    for index, node in enumerate(tree.body):
        if index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue
        if isinstance(node, ast.ImportFrom) and node.module != "__future__":
            base = package.rsplit(".", node.level - 1)[0] if node.level else ""
            module = ".".join(part for part in (base, node.module or "") if part)
            for alias in node.names:
                names[alias.asname or alias.name] = (module, alias.name)
            continue
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == ["__all__"]
            and isinstance(node.value, ast.List | ast.Tuple)
        ):
            exported = [ast.literal_eval(element) for element in node.value.elts]
            continue
        raise NotReExportsOnly(f"{package}: line {node.lineno} is not a re-export")
    return _LAZY_INIT.substitute(
        doc=repr(ast.get_docstring(tree) or package),
        names=repr(names),
        exported=repr(exported if exported is not None else sorted(names)),
    )


def make_inits_lazy(site: Path) -> None:
    """Rewrite every ``LAZY_INITS`` file present under ``site`` (a ``--target`` folder)."""
    make_inits_lazy_at(site, LAZY_INITS)


def make_inits_lazy_at(site: Path, inits: tuple[str, ...]) -> None:
    for relative in inits:
        init = site / relative
        if init.is_file():
            package = ".".join(Path(relative).parent.parts)
            init.write_text(lazy_init(init.read_text(), package))


@jsii.implements(ILocalBundling)
class CopyTree:
    """Copy ``source`` to ``<asset>/<target>`` (so the asset keeps the package path)."""

    def __init__(self, source: Path, target: str) -> None:
        self.source = source
        self.target = target

    def try_bundle(self, output_dir: str, *_options: object, **_kw_options: object) -> bool:
        shutil.copytree(
            self.source,
            Path(output_dir) / self.target,
            ignore=shutil.ignore_patterns(*EXCLUDE),
            dirs_exist_ok=True,
        )
        compile_bytecode(Path(output_dir) / self.target)
        return True


@jsii.implements(ILocalBundling)
class PipInstall:
    """``pip install -r requirements.txt`` for the Lambda platform into ``<asset>/python``.

    ``for_this_machine`` installs the same pins for the build machine's platform with the
    runtime's Python instead (the cold-import benchmark runs that copy).
    """

    def __init__(self, requirements: Path, *, for_this_machine: bool = False) -> None:
        self.requirements = requirements
        self.for_this_machine = for_this_machine

    def command(self, output_dir: str) -> list[str]:
        target = ["--target", str(Path(output_dir) / "python")]
        common = [
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-compile",
            "--requirement",
            str(self.requirements),
        ]
        if self.for_this_machine:
            return [runtime_python(), *common, *target]
        return [
            sys.executable,
            *common,
            "--platform",
            LAMBDA_PLATFORM,
            "--only-binary=:all:",
            "--python-version",
            PYTHON_VERSION,
            "--implementation",
            "cp",
            *target,
        ]

    def try_bundle(self, output_dir: str, *_options: object, **_kw_options: object) -> bool:
        subprocess.run(self.command(output_dir), check=True)
        make_inits_lazy(Path(output_dir) / "python")
        compile_bytecode(Path(output_dir) / "python")
        return True


def functions_code() -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(FUNCTIONS_DIR),
        exclude=list(EXCLUDE),
        bundling=BundlingOptions(image=_UNUSED_IMAGE, local=CopyTree(FUNCTIONS_DIR, "functions")),
    )


def shared_layer_code() -> lambda_.Code:
    # layers/shared already has the layer's shape (python/coursewave/...): copied for its bytecode.
    return lambda_.Code.from_asset(
        str(SHARED_LAYER_DIR),
        exclude=list(EXCLUDE),
        bundling=BundlingOptions(
            image=_UNUSED_IMAGE, local=CopyTree(SHARED_LAYER_DIR / "python", "python")
        ),
    )


def deps_layer_code() -> lambda_.Code:
    # The asset's source folder holds only requirements.txt, so its hash follows the pins.
    return lambda_.Code.from_asset(
        str(DEPS_LAYER_DIR),
        bundling=BundlingOptions(image=_UNUSED_IMAGE, local=PipInstall(DEPS_REQUIREMENTS)),
    )

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

import shutil
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

# Only used if local bundling declined, which it never does: it either bundles or raises.
_UNUSED_IMAGE = DockerImage.from_registry("public.ecr.aws/sam/build-python3.12")


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

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

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from infra_cdk.settings import REPO_ROOT

FUNCTIONS_DIR = REPO_ROOT / "functions"
SHARED_LAYER_DIR = REPO_ROOT / "layers" / "shared"
DEPS_LAYER_DIR = REPO_ROOT / "layers" / "deps"
DEPS_REQUIREMENTS = DEPS_LAYER_DIR / "requirements.txt"

PYTHON_VERSION = "3.12"
LAMBDA_PLATFORM = "manylinux2014_aarch64"
# Where the build looks for the runtime's interpreter, in order (scripts/setup.sh reports it).
RUNTIME_PYTHON_ENV = "COURSEWAVE_RUNTIME_PYTHON"
RUNTIME_PYTHON_CANDIDATES = (
    f"python{PYTHON_VERSION}",
    f"~/.pyenv/versions/{PYTHON_VERSION}.*/bin/python{PYTHON_VERSION}",
    f"/usr/local/bin/python{PYTHON_VERSION}",
)
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


class RuntimePythonMissing(RuntimeError):
    """No interpreter of the Lambda runtime's Python version on the build machine."""


def _version_of(python: str) -> str | None:
    try:
        found = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    return found.stdout.strip() if found.returncode == 0 else None


def runtime_python() -> str:
    """The path of a Python ``PYTHON_VERSION`` interpreter to compile the assets' bytecode with.

    ``$COURSEWAVE_RUNTIME_PYTHON`` when set (and then it must be that version), else the first of
    ``RUNTIME_PYTHON_CANDIDATES`` that runs and reports the version.
    """
    chosen = os.environ.get(RUNTIME_PYTHON_ENV)
    if chosen:
        if _version_of(chosen) != PYTHON_VERSION:
            raise RuntimePythonMissing(
                f"{RUNTIME_PYTHON_ENV}={chosen} is not a working Python {PYTHON_VERSION}"
            )
        return chosen
    for candidate in RUNTIME_PYTHON_CANDIDATES:
        paths = sorted(glob.glob(os.path.expanduser(candidate)), reverse=True)
        found = shutil.which(candidate)
        for path in [*([found] if found else []), *paths]:
            if _version_of(path) == PYTHON_VERSION:
                return path
    raise RuntimePythonMissing(
        f"The Lambda runtime is Python {PYTHON_VERSION} and no python{PYTHON_VERSION} was found "
        f"(tried {', '.join(RUNTIME_PYTHON_CANDIDATES)}): the assets would ship without bytecode "
        f"and every cold start would compile them. Install Python {PYTHON_VERSION} or set "
        f"{RUNTIME_PYTHON_ENV} to its path."
    )


def compile_bytecode(folder: Path, python: str | None = None) -> None:
    """Write ``__pycache__`` for every module under ``folder`` with the runtime's Python.

    ``unchecked-hash`` pycs are used without comparing them to the source's mtime or hash: the
    asset is immutable once deployed, and zip extraction does not keep file times.
    """
    subprocess.run(
        [
            python or runtime_python(),
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            str(folder),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


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
        return True


def functions_code() -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(FUNCTIONS_DIR),
        exclude=list(EXCLUDE),
        bundling=BundlingOptions(image=_UNUSED_IMAGE, local=CopyTree(FUNCTIONS_DIR, "functions")),
    )


def shared_layer_code() -> lambda_.Code:
    # layers/shared already has the layer's shape (python/coursewave/...): no bundling needed.
    return lambda_.Code.from_asset(str(SHARED_LAYER_DIR), exclude=list(EXCLUDE))


def deps_layer_code() -> lambda_.Code:
    # The asset's source folder holds only requirements.txt, so its hash follows the pins.
    return lambda_.Code.from_asset(
        str(DEPS_LAYER_DIR),
        bundling=BundlingOptions(image=_UNUSED_IMAGE, local=PipInstall(DEPS_REQUIREMENTS)),
    )

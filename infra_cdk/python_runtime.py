"""The Lambda runtime's Python on the build machine, and the bytecode the assets ship.

No CDK import here: ``scripts/setup.sh`` and the cold-import benchmark use it too. The runtime
is Python ``PYTHON_VERSION`` (``infra_cdk.compute.RUNTIME``); its bytecode can only be written
by an interpreter of that version, so a build without one fails (``RuntimePythonMissing``)
instead of shipping assets every cold start would compile (docs/decisions.md, "Bytecode").
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from pathlib import Path

PYTHON_VERSION = "3.12"
# Where the build looks for the runtime's interpreter, after $COURSEWAVE_RUNTIME_PYTHON.
RUNTIME_PYTHON_ENV = "COURSEWAVE_RUNTIME_PYTHON"
RUNTIME_PYTHON_CANDIDATES = (
    f"python{PYTHON_VERSION}",
    f"~/.pyenv/versions/{PYTHON_VERSION}.*/bin/python{PYTHON_VERSION}",
    f"/usr/local/bin/python{PYTHON_VERSION}",
)


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
    )


if __name__ == "__main__":  # scripts/setup.sh: print the interpreter or fail loudly
    print(runtime_python())

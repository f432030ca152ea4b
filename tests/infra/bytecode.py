"""Checks that a bundled folder carries bytecode the Lambda runtime's Python will use as is."""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from infra_cdk import python_runtime


@functools.cache
def runtime_bytecode() -> tuple[str, bytes]:
    """(cache tag, magic number) of the runtime's Python, asked of that interpreter."""
    out = subprocess.run(
        [
            python_runtime.runtime_python(),
            "-c",
            "import sys, importlib.util; "
            "print(sys.implementation.cache_tag, importlib.util.MAGIC_NUMBER.hex())",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return out[0], bytes.fromhex(out[1])


def assert_ships_bytecode(folder: Path) -> None:
    """Every module under ``folder`` has an unchecked-hash pyc of the runtime's Python."""
    tag, magic = runtime_bytecode()
    assert tag == f"cpython-{python_runtime.PYTHON_VERSION.replace('.', '')}"
    sources = sorted(folder.rglob("*.py"))
    assert sources, f"no modules under {folder}"
    missing, wrong = [], []
    for source in sources:
        pyc = source.parent / "__pycache__" / f"{source.stem}.{tag}.pyc"
        if not pyc.is_file():
            missing.append(str(source.relative_to(folder)))
            continue
        header = pyc.read_bytes()[:8]
        # PEP 552: flags 0b01 = hash-based, never checked against the source.
        if header[:4] != magic or int.from_bytes(header[4:8], "little") != 0b01:
            wrong.append(str(pyc.relative_to(folder)))
    assert missing == [], f"modules without {tag} bytecode: {missing[:10]}"
    assert wrong == [], f"bytecode of another Python or checked against the source: {wrong[:10]}"

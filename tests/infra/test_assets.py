"""The Lambda code assets ship ``functions/`` and the shared layer only: never the container
worker, demo seeders, sample generators, or local, test and benchmark code; and every module
with its bytecode for the runtime's Python, so no cold start compiles it.

The assets are bundled for real (the copy ``make synth`` does), once per session, in a stack of
their own: the full stack's dependency layer would need a ``pip install``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aws_cdk import App, Stack
from aws_cdk import aws_lambda as lambda_

from infra_cdk import bundling, python_runtime
from infra_cdk.compute import ARCHITECTURE, RUNTIME
from tests.infra.bytecode import assert_ships_bytecode

FORBIDDEN_PARTS = ("workers", "transcode", "local", "tests", "benchmarks")
FORBIDDEN_STEMS = ("demo", "samples")


@pytest.fixture(scope="session")
def assets(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The bundled asset folders, by what they are (``functions``, ``shared``)."""
    outdir = tmp_path_factory.mktemp("cdk-assets")
    app = App(outdir=str(outdir))
    stack = Stack(app, "Assets")
    layer = lambda_.LayerVersion(stack, "Shared", code=bundling.shared_layer_code())
    lambda_.Function(
        stack,
        "Function",
        runtime=RUNTIME,
        architecture=ARCHITECTURE,
        handler="functions.health.handler.lambda_handler",
        code=bundling.functions_code(),
        layers=[layer],
    )
    app.synth()
    manifest = json.loads((outdir / "Assets.assets.json").read_text())
    found = {}
    for asset in manifest["files"].values():
        folder = outdir / asset["source"]["path"]
        if not folder.is_dir():
            continue
        found["functions" if (folder / "functions").is_dir() else "shared"] = folder
    assert set(found) == {"functions", "shared"}, f"unexpected assets: {found}"
    return found


def _modules(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def _local_only(relative: str) -> bool:
    path = Path(relative)
    return any(part in FORBIDDEN_PARTS for part in path.parts[:-1]) or any(
        path.stem == stem or path.stem.startswith(f"{stem}_") or stem in path.parts[:-1]
        for stem in (*FORBIDDEN_STEMS, *FORBIDDEN_PARTS)
    )


def test_the_function_asset_holds_functions_only(assets: dict[str, Path]) -> None:
    files = _modules(assets["functions"])

    assert files, "the function asset is empty"
    assert {Path(f).parts[0] for f in files} == {"functions"}
    assert "functions/health/handler.py" in files
    assert "functions/registry.py" in files
    assert [f for f in files if _local_only(f)] == []
    # Code, plus the certificate worker's subset fonts (nothing else ships as data).
    data = {f for f in files if Path(f).suffix not in (".py", ".pyc")}
    assert {Path(f).suffix for f in files} >= {".py", ".pyc"}
    assert data and all(f.startswith("functions/certificates/fonts/") for f in data), data
    assert {Path(f).suffix for f in data} == {".ttf"}


def test_the_function_asset_ships_bytecode_for_the_runtime(assets: dict[str, Path]) -> None:
    assert_ships_bytecode(assets["functions"])


def test_the_shared_layer_ships_bytecode_for_the_runtime(assets: dict[str, Path]) -> None:
    assert_ships_bytecode(assets["shared"])


def test_the_runtime_python_is_the_functions_runtime() -> None:
    assert RUNTIME.name == f"python{python_runtime.PYTHON_VERSION}"


def test_the_shared_layer_holds_the_coursewave_package_only(assets: dict[str, Path]) -> None:
    files = _modules(assets["shared"])

    assert {Path(f).parts[:2] for f in files} == {("python", "coursewave")}
    assert "python/coursewave/config.py" in files
    assert [f for f in files if _local_only(f)] == []


def test_the_local_only_rule_recognises_what_must_not_ship() -> None:
    for path in (
        "functions/transcode/worker.py",
        "functions/workers/transcode/pipeline.py",
        "functions/courses/demo.py",
        "functions/media/samples.py",
        "functions/local/seed.py",
        "functions/tests/test_x.py",
        "functions/media/demo_video.py",
    ):
        assert _local_only(path), path
    assert not _local_only("functions/media/handler.py")
    assert not _local_only("functions/courses/catalog.py")

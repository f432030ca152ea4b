"""The import-time rules of docs/performance.md, checked on what a function's import loads.

Each probe imports one Lambda module in a fresh interpreter and lists the modules it loaded that
the rule says only a first use may load. The last test proves a probe sees such a module when it
is imported, so the others cannot pass by looking at nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from functions import registry

PROBE = (
    "import importlib, json, sys; importlib.import_module({module!r}); "
    "print(json.dumps(sorted(m for m in sys.modules if m in {names!r} "
    "or m.split('.')[0] in {names!r} or m.rsplit('.', 1)[0] in {names!r})))"
)


def loaded(module: str, *names: str) -> list[str]:
    """Which of ``names`` (modules, or packages whose submodules count too) ``module`` loads."""
    code = PROBE.format(module=module, names=set(names))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize("module", sorted({decl.module for decl in registry.FUNCTIONS}))
def test_no_function_builds_the_settings_model_or_imports_boto3_at_import(module: str) -> None:
    """The settings model is built by the first ``settings()`` call; clients come from
    botocore (boto3 adds its resources, s3transfer and multiprocessing), or boto3 is imported
    inside the function that makes the client."""
    assert loaded(module, "coursewave.settings_model", "boto3", "s3transfer") == []


@pytest.mark.parametrize(
    "module",
    ["functions.media.handler", "functions.assessments.handler", "functions.payments.reconciler"],
)
def test_a_public_face_does_not_pull_in_what_its_callers_do_not_use(module: str) -> None:
    """Media, assessments and payments reach courses and enrollment through their public
    faces, which import their repositories and enrollment's use cases (and through them users'
    public face and Cognito client) only inside the functions that need them."""
    assert (
        loaded(
            module,
            "functions.courses.repository",
            "functions.enrollment.repository",
            "functions.enrollment.logic",
            "functions.users",
        )
        == []
    )


def test_the_probe_sees_a_module_the_import_loads() -> None:
    assert loaded("functions.enrollment.handler", "functions.users", "coursewave.config") == [
        "coursewave.config",
        "functions.users",
        "functions.users.cognito",
        "functions.users.domain",
        "functions.users.public",
        "functions.users.repository",
    ]

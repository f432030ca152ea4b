"""The authorization-matrix harness.

Every declared route must have at least one test marked ``@pytest.mark.authz("METHOD /path")``
that exercises its access policy (anonymous → 401, wrong role → 403, someone else's object →
403/404, allowed callers → success). ``tests/integration/test_routes.py`` fails for any declared
route without one, so a new route cannot ship without its access test.
"""

from __future__ import annotations

import pytest

COVERED_KEY = pytest.StashKey[set[str]]()


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    covered: set[str] = set()
    for item in items:
        for mark in item.iter_markers(name="authz"):
            covered.update(str(arg) for arg in mark.args)
    config.stash[COVERED_KEY] = covered


def covered_routes(config: pytest.Config) -> set[str]:
    return config.stash.get(COVERED_KEY, set())

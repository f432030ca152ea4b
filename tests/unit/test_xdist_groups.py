"""``pytest -n 2 --dist loadgroup`` (the README's test command) keeps each ``xdist_group`` on one
worker: the e2e modules share module-scoped local runners, the infra tests one synthesized app per
worker, the transcode tests one FFmpeg job at a time. With pytest 9.2 and pytest-xdist 3.8 the
groups were silently ignored (pytest-xdist#1386: the group travels as a node-id suffix that pytest
9.2 no longer takes), so this runs the pinned pair on groups made both ways the suite makes them."""

from __future__ import annotations

import re
from collections import defaultdict
from types import ModuleType

import pytest

from tests.e2e import conftest as e2e_conftest
from tests.infra import conftest as infra_conftest

MODULE = """
import os

import pytest
{mark}

@pytest.mark.parametrize("case", range(4))
def test_case(case):
    print("RAN", "{name}", case, os.environ["PYTEST_XDIST_WORKER"])
"""
# As tests/e2e/conftest.py does: a group per module, added at collection, before pytest-xdist's
# hook reads the marks (here the conftest loads before pytest-xdist's worker plugin registers, so
# without tryfirst its hook would run first and see no mark).
CONFTEST = """
import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    for item in items:
        if item.path.name.startswith("test_added"):
            item.add_marker(pytest.mark.xdist_group("added:" + item.path.name))
"""
RAN = re.compile(r"^RAN (\S+) (\d) (gw\d)$", re.MULTILINE)


def test_each_group_runs_on_one_worker(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(CONFTEST)
    declared = 'pytestmark = pytest.mark.xdist_group("declared")'  # as tests/infra does
    pytester.makepyfile(
        test_declared_a=MODULE.format(mark=declared, name="declared_a"),
        test_declared_b=MODULE.format(mark=declared, name="declared_b"),
        **{f"test_added_{n}": MODULE.format(mark="", name=f"added_{n}") for n in "abc"},
    )

    result = pytester.runpytest_subprocess(
        "-n", "2", "--dist", "loadgroup", "-p", "no:cacheprovider", "-rA", "-q"
    )

    assert result.ret == pytest.ExitCode.OK, result.stdout.str()
    workers: dict[str, set[str]] = defaultdict(set)
    for name, _, worker in RAN.findall(result.stdout.str()):
        group = "declared" if name.startswith("declared") else name
        workers[group].add(worker)
    assert set(workers) == {"declared", "added_a", "added_b", "added_c"}, result.stdout.str()
    assert all(len(ran_on) == 1 for ran_on in workers.values()), dict(workers)
    assert set().union(*workers.values()) == {"gw0", "gw1"}  # and the groups spread


@pytest.mark.parametrize("conftest", [e2e_conftest, infra_conftest], ids=["e2e", "infra"])
def test_the_suites_groups_are_marked_before_xdist_reads_them(conftest: ModuleType) -> None:
    hook = conftest.pytest_collection_modifyitems
    assert getattr(hook, "pytest_impl", {}).get("tryfirst"), conftest.__name__

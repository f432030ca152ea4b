"""The authorization-matrix harness: what each marked test really called, and as whom.

A test marked ``@pytest.mark.authz("METHOD /path")`` exercises that route's access policy. The
in-process platform (``tests.support.cloud.Platform.call``) reports every request it sends:
the declared route the gateway matches and the persona of the caller (``anonymous`` without a
token; otherwise the name the ``Personas`` registered for the token's user, or ``unlisted``).

Two checks follow from the records, not from the markers:

* a marked test that passes without calling every route it is marked for fails (a ``pass`` body
  or a test that only builds data covers nothing);
* at the end of a session that ran ``tests/integration/test_routes.py``'s persona check, every
  declared route must have been called, by passing marked tests, as each persona of
  ``required_personas`` — anonymous, a student, a second student, an instructor, the owner (on
  routes that address an object someone owns), an admin and a banned user. Missing pairs are
  listed and the session fails.

Under pytest-xdist no single worker sees every call: each passing test's calls travel with its
report (``user_properties``) to the controller, which runs the check once every report is in.
A skipped or failing test's calls never count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from functions import registry

ANONYMOUS = "anonymous"
UNLISTED = "unlisted"  # a token of a user no ``Personas`` registered (or not a token at all)
OWNER = "owner"
INSTRUCTOR = "instructor"
BASE_PERSONAS = ("anonymous", "student", "other_student", "instructor", "admin", "banned")
CHECK_TEST = "test_routes.py::test_every_route_is_called_by_every_persona"
_PROPERTY = "authz_calls"

# Objects someone owns: a course (and everything under it: its lessons, enrollments, roster)
# and a media item (owned with its course). Other routes act on the caller's own account or on
# no one's object; there the ``owner`` persona is simply an instructor.
_OWNED_PREFIXES = ("/v1/courses/{id}", "/v1/media/")

# The calls of the test running in this process (None between tests).
_current: list[tuple[str, str]] | None = None


def record(route_key: str, persona: str) -> None:
    """Called by the platform for every request that matched a declared route."""
    if _current is not None:
        _current.append((route_key, persona))


def has_owner(route_key: str) -> bool:
    path = route_key.split(" ", 1)[1]
    spec = next(s for s in registry.routes() if s.route_key == route_key)
    return path.startswith(_OWNED_PREFIXES) or "owner" in spec.access.who


def required_personas(route_key: str) -> set[str]:
    return set(BASE_PERSONAS) | ({OWNER} if has_owner(route_key) else set())


def counted_as(route_key: str, persona: str) -> str:
    """The owner of the test's objects is an instructor like any other where nothing is owned."""
    return INSTRUCTOR if persona == OWNER and not has_owner(route_key) else persona


def missing_pairs(called: dict[str, set[str]]) -> list[str]:
    """Every ``route x persona`` the required matrix has and the calls did not, sorted."""
    gaps = []
    for spec in registry.routes():
        seen = {counted_as(spec.route_key, persona) for persona in called.get(spec.route_key, ())}
        gaps += [
            f"{spec.route_key} x {persona}"
            for persona in sorted(required_personas(spec.route_key) - seen)
        ]
    return gaps


def marked_routes(item: pytest.Item) -> set[str]:
    return {str(arg) for mark in item.iter_markers(name="authz") for arg in mark.args}


# -- per test (runs wherever the test runs: the only process, or an xdist worker) -------------

CALLS_KEY = pytest.StashKey[list[tuple[str, str]]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    global _current
    routes = marked_routes(item)
    _current = calls = []
    try:
        result = yield
    finally:
        _current = None
        item.stash[CALLS_KEY] = calls
    never = sorted(routes - {route for route, _ in calls})
    if never:
        pytest.fail(
            f"marked @pytest.mark.authz for {never} but never called it through the platform",
            pytrace=False,
        )
    return result


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[pytest.TestReport]:
    report: pytest.TestReport = yield
    routes = marked_routes(item)
    if report.when == "call" and report.passed and routes:
        made = item.stash.get(CALLS_KEY, [])
        calls = sorted({(route, persona) for route, persona in made if route in routes})
        report.user_properties.append((_PROPERTY, [list(pair) for pair in calls]))
    return report


# -- the session check (the controller under xdist, else the only process) -------------------


# eq=False keeps it hashable: pytest puts plugins in sets when a directory's conftest does not
# apply to a test (e.g. tests/e2e/browser/conftest.py for tests/e2e/test_foundation.py).
@dataclass(eq=False)
class MatrixCheck:
    called: dict[str, set[str]] = field(default_factory=dict)
    enforce: bool = False
    gaps: list[str] = field(default_factory=list)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when != "call" or not report.passed:
            return
        if report.nodeid.endswith(CHECK_TEST):
            self.enforce = True
        for name, value in report.user_properties:
            if name == _PROPERTY:
                for route, persona in value:  # type: ignore[attr-defined]
                    self.called.setdefault(route, set()).add(persona)

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.enforce:
            return
        self.gaps = missing_pairs(self.called)
        if self.gaps and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not self.gaps:
            return
        terminalreporter.section("authorization matrix incomplete", sep="=", red=True, bold=True)
        terminalreporter.line(
            f"{len(self.gaps)} route x persona pairs no passing @pytest.mark.authz test called:",
            red=True,
        )
        for gap in self.gaps:
            terminalreporter.line(f"  {gap}")


MATRIX_CHECK = pytest.StashKey[MatrixCheck]()


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return  # an xdist worker: its reports go to the controller, which checks
    check = MatrixCheck()
    config.stash[MATRIX_CHECK] = check
    config.pluginmanager.register(check, "coursewave-authz-matrix")


# -- the static part: every declared route has at least one marked test ---------------------

MARKED_KEY = pytest.StashKey[set[str]]()


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    config.stash[MARKED_KEY] = {route for item in items for route in marked_routes(item)}


def marked_in_session(config: pytest.Config) -> set[str]:
    return config.stash.get(MARKED_KEY, set())

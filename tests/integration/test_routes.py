"""The route declarations: access tests exist for each, OpenAPI is current, unknown routes 404."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import boto3
import pytest

from functions import registry
from tests.support import authz
from tests.support.cloud import Platform
from tools import openapi

ROOT = Path(__file__).resolve().parents[2]


def test_every_declared_route_has_an_access_policy_test(request: pytest.FixtureRequest) -> None:
    declared = {spec.route_key for spec in registry.routes()}
    missing = sorted(declared - authz.marked_in_session(request.config))
    assert not missing, f"routes without an @pytest.mark.authz test: {missing}"


def test_every_route_is_called_by_every_persona() -> None:
    """Selecting this test turns the matrix check on. The check runs when the session ends (on
    the controller under xdist) over the calls every passing marked test made, and fails the
    session listing each declared route x persona missing (``tests/support/authz.py``):
    anonymous, student, other_student, instructor, owner (where something is owned), admin and
    banned. Here: the requirement covers every declared route."""
    for spec in registry.routes():
        required = authz.required_personas(spec.route_key)
        assert set(authz.BASE_PERSONAS) <= required, spec.route_key
    assert authz.has_owner("PATCH /v1/courses/{id}") and authz.has_owner("POST /v1/media/uploads")
    assert not authz.has_owner("GET /v1/me") and not authz.has_owner("POST /v1/courses")
    assert authz.counted_as("GET /v1/me", "owner") == "instructor"
    assert authz.counted_as("PATCH /v1/courses/{id}", "owner") == "owner"


def test_missing_pairs_lists_each_route_and_persona_not_called() -> None:
    complete = {
        spec.route_key: authz.required_personas(spec.route_key) for spec in registry.routes()
    }
    assert authz.missing_pairs(complete) == []
    called = {**complete, "GET /v1/health": {"anonymous", "unlisted"}}
    del called["PATCH /v1/courses/{id}"]

    gaps = authz.missing_pairs(called)

    assert "GET /v1/health x student" in gaps and "GET /v1/health x banned" in gaps
    assert "PATCH /v1/courses/{id} x owner" in gaps
    assert len(gaps) == 5 + 7
    # The owner of the test's objects is an instructor like any other where nothing is owned
    as_owner = {**complete, "GET /v1/me": complete["GET /v1/me"] - {"instructor"} | {"owner"}}
    assert authz.missing_pairs(as_owner) == []


# -- the harness itself, in pytest runs of its own under xdist (as `make test` runs) ----------

_INNER_TESTS = """
import boto3
import pytest
from functions import registry
from tests.support import authz

LEAVE_OUT = set(LEAVE_OUT_HERE)


def test_every_route_is_called_by_every_persona():
    pass


@pytest.mark.parametrize(
    "route",
    [pytest.param(s.route_key, marks=pytest.mark.authz(s.route_key)) for s in registry.routes()],
)
def test_route(route):  # reports what the platform would for a matrix that calls as everyone
    for persona in sorted(authz.required_personas(route)):
        if (route, persona) not in LEAVE_OUT:
            authz.record(route, persona)
"""


def _inner_run(
    pytester: pytest.Pytester, leave_out: list[tuple[str, str]], extra: str = ""
) -> pytest.RunResult:
    pytester.makepyfile(
        test_routes=_INNER_TESTS.replace("LEAVE_OUT_HERE", repr(leave_out)) + textwrap.dedent(extra)
    )
    # in a conftest, as in tests/conftest.py: the controller loads it (it collects no tests)
    pytester.makeconftest('pytest_plugins = ["tests.support.authz"]')
    pytester.makeini("[pytest]\nmarkers =\n    authz: an access-policy test\n")
    path = os.pathsep.join([str(ROOT), str(ROOT / "layers/shared/python")])
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", path)  # the inner interpreter imports the project
        return pytester.runpytest_subprocess("-n", "2", "-p", "no:cacheprovider", "-q")


def test_under_xdist_a_complete_matrix_passes(pytester: pytest.Pytester) -> None:
    result = _inner_run(pytester, [])

    assert result.ret == pytest.ExitCode.OK, result.stdout.str()


def test_under_xdist_missing_personas_and_empty_or_skipped_marked_tests_fail_the_session(
    pytester: pytest.Pytester,
) -> None:
    extra = """

        @pytest.mark.authz("GET /v1/health")
        def test_marked_but_empty():
            pass


        @pytest.mark.authz("GET /v1/me")
        def test_skipped_after_calling():
            authz.record("GET /v1/me", "anonymous")
            pytest.skip("not today")
        """
    left_out = [
        ("GET /v1/me", "banned"),
        ("PATCH /v1/courses/{id}", "owner"),
        ("GET /v1/me", "anonymous"),  # only the skipped test calls it: that counts for nothing
    ]

    result = _inner_run(pytester, left_out, extra)

    assert result.ret == pytest.ExitCode.TESTS_FAILED, result.stdout.str()
    result.assert_outcomes(failed=1, skipped=1, passed=len(registry.routes()) + 1)
    result.stdout.fnmatch_lines(["*_ test_marked_but_empty _*", "*never called it*"])
    result.stdout.fnmatch_lines(["*authorization matrix incomplete*", "*3 route x persona pairs*"])
    for route, persona in left_out:
        result.stdout.fnmatch_lines([f"*{route} x {persona}"])


def test_route_keys_are_unique_across_functions() -> None:
    keys = [spec.route_key for spec in registry.routes()]
    assert len(keys) == len(set(keys))


def test_committed_openapi_document_is_current() -> None:
    assert openapi.OUTPUT.exists(), "docs/openapi.json missing: run `make openapi`"
    assert openapi.OUTPUT.read_text() == openapi.render(), "docs/openapi.json is stale"


def test_openapi_marks_exactly_the_public_routes_as_unauthenticated() -> None:
    document = openapi.build_openapi()
    for spec in registry.routes():
        operation = document["paths"][spec.path][spec.method.lower()]
        assert (operation.get("security") == []) is spec.access.public, spec.route_key


def test_unknown_route_answers_the_error_envelope(platform: Platform) -> None:
    response = platform.call("GET", "/v1/no-such-thing")
    assert response.status == 404
    error = response.json()["error"]
    assert error["code"] == "NOT_FOUND"
    assert error["request_id"]


def test_a_matrix_refusal_that_writes_fails_the_matrix(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot every matrix takes around a refusal sees any write, an audit entry included."""
    from tests.support.matrix import Case, run
    from tests.support.personas import Personas
    from tests.support.snapshot import TableSnapshot

    personas = Personas(platform)
    before = TableSnapshot.take(platform)
    assert before.diff(TableSnapshot.take(platform)) == ""
    real_call = platform.gateway.handle

    def refuse_after_writing(*args: object, **kwargs: object) -> tuple[int, dict[str, str], bytes]:
        boto3.client("dynamodb").put_item(
            TableName=platform.provisioned.env["TABLE_NAME"],
            Item={"PK": {"S": "AUDIT#x"}, "SK": {"S": "ENTRY#1"}, "n": {"N": "1"}},
        )
        return real_call(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(platform.gateway, "handle", refuse_after_writing)
    with pytest.raises(AssertionError, match=r"a refused request changed the table:\n\+ .*AUDIT#x"):
        run(platform, personas, "GET", "/v1/admin/users", [Case("anonymous", 401)])

"""Every certificates route within DESIGN.md §4's budget of 3 DynamoDB round trips (the caller's
record read counts), measured by the platform's request guard (``local.guards``)."""

from __future__ import annotations

from collections.abc import Callable

from local import guards
from tests.integration.certificates.conftest import School
from tests.support.cloud import Response


def _trips(call: Callable[[], Response], status: int) -> int:
    response = call()
    assert response.status == status, response.body[:300]
    stats = guards.last_request.get()
    assert stats is not None and ("dynamodb", "Scan") not in stats.calls
    return stats.dynamodb_round_trips


def test_each_route_stays_within_three_round_trips(school: School) -> None:
    learner, admin, other = (
        school.personas.student,
        school.personas.admin,
        school.personas.other_student,
    )
    school.complete(learner)
    school.platform.drain()
    cert_id = school.only(learner)["id"]
    call = school.platform.call

    trips = {
        "mine": _trips(lambda: call("GET", "/v1/me/certificates", caller=learner), 200),
        "one": _trips(lambda: call("GET", f"/v1/certificates/{cert_id}", caller=learner), 200),
        "verify": _trips(lambda: call("GET", f"/v1/verify/{cert_id}"), 200),
        "jwks": _trips(lambda: call("GET", "/v1/.well-known/jwks.json"), 200),
        "issuer": _trips(lambda: call("GET", "/v1/issuer"), 200),
        "issue": _trips(
            lambda: call(
                "POST",
                "/v1/admin/certificates",
                caller=admin,
                json_body={"user_id": other.user_id, "course_id": school.course.id},
            ),
            202,
        ),
        "revoke": _trips(
            lambda: call(
                "DELETE",
                f"/v1/admin/certificates/{cert_id}",
                caller=admin,
                json_body={"reason": "Issued in error"},
            ),
            200,
        ),
        "reissue": _trips(
            lambda: call(
                "POST",
                "/v1/admin/certificates",
                caller=admin,
                json_body={"user_id": learner.user_id, "course_id": school.course.id},
            ),
            202,
        ),
    }

    assert trips == {
        "mine": 2,
        "one": 2,
        "verify": 1,
        "jwks": 1,
        "issuer": 0,
        "issue": 3,
        "revoke": 3,
        "reissue": 3,
    }

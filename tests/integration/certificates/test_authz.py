"""The authorization matrix of every certificates route, for every persona: anonymous, the
holder (student), another student, an instructor, an admin and a banned account. Every refused
request leaves the table exactly as it was (``tests/support/matrix.py``)."""

from __future__ import annotations

import pytest

from tests.integration.certificates.conftest import School
from tests.support.matrix import Case, run, same_for_everyone


def _issued(school: School) -> str:
    school.complete(school.personas.student)
    school.platform.drain()
    return str(school.only(school.personas.student)["id"])


@pytest.mark.authz("GET /v1/me/certificates")
def test_my_certificates_are_each_callers_own(school: School) -> None:
    _issued(school)
    answers = run(
        school.platform,
        school.personas,
        "GET",
        "/v1/me/certificates",
        [
            Case("anonymous", 401),
            Case("student", 200),
            Case("other_student", 200),
            Case("instructor", 200),
            Case("admin", 200),
            Case("banned", 403),
        ],
    )
    assert len(answers["student"].json()["items"]) == 1
    for name in ("other_student", "instructor", "admin"):
        assert answers[name].json() == {"items": [], "next_cursor": None}, name


@pytest.mark.authz("GET /v1/certificates/{certificate_id}")
def test_a_certificate_is_seen_by_its_holder_and_admins_only(school: School) -> None:
    certificate_id = _issued(school)
    answers = run(
        school.platform,
        school.personas,
        "GET",
        f"/v1/certificates/{certificate_id}",
        [
            Case("anonymous", 401),
            Case("student", 200),
            Case("other_student", 404, "NOT_FOUND"),
            Case("instructor", 404, "NOT_FOUND"),
            Case("admin", 200),
            Case("banned", 403),
            Case("student", 404, "NOT_FOUND", path="/v1/certificates/crt_nope", label="unknown"),
        ],
    )
    assert answers["student"].json()["pdf_url"]
    assert answers["admin"].json()["id"] == certificate_id


@pytest.mark.authz(
    "GET /v1/verify/{certificate_id}", "GET /v1/issuer", "GET /v1/.well-known/jwks.json"
)
def test_verification_the_issuer_and_its_keys_are_public(school: School) -> None:
    certificate_id = _issued(school)
    for path in (f"/v1/verify/{certificate_id}", "/v1/issuer", "/v1/.well-known/jwks.json"):
        run(school.platform, school.personas, "GET", path, same_for_everyone(200))
    run(
        school.platform,
        school.personas,
        "GET",
        "/v1/verify/crt_unknown",
        same_for_everyone(404, code="NOT_FOUND"),
    )


@pytest.mark.authz("POST /v1/admin/certificates")
def test_only_admins_issue_certificates_by_hand(school: School) -> None:
    body = {"user_id": school.personas.other_student.user_id, "course_id": school.course.id}
    answers = run(
        school.platform,
        school.personas,
        "POST",
        "/v1/admin/certificates",
        [
            Case("anonymous", 401),
            Case("student", 403, "FORBIDDEN"),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("banned", 403),
            Case("admin", 422, "VALIDATION_ERROR", json_body={"user_id": "u"}, label="no course"),
            Case("admin", 404, "NOT_FOUND", json_body={**body, "course_id": "crs_none"}),
            Case("admin", 404, "NOT_FOUND", json_body={**body, "user_id": "nobody"}),
            Case("admin", 202),
            Case("admin", 409, "CONFLICT", label="again"),
        ],
        json_body=body,
    )
    assert answers["admin"].json()["status"] == "issuing"


@pytest.mark.authz("DELETE /v1/admin/certificates/{certificate_id}")
def test_only_admins_revoke_certificates(school: School) -> None:
    certificate_id = _issued(school)
    run(
        school.platform,
        school.personas,
        "DELETE",
        f"/v1/admin/certificates/{certificate_id}",
        [
            Case("anonymous", 401),
            Case("student", 403, "FORBIDDEN"),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("banned", 403),
            Case("admin", 422, "VALIDATION_ERROR", json_body={"reason": "  "}, label="blank"),
            Case("admin", 422, "VALIDATION_ERROR", json_body={}, label="no reason"),
            Case("admin", 404, "NOT_FOUND", path="/v1/admin/certificates/crt_none"),
            Case("admin", 200),
            Case("admin", 409, "CONFLICT", label="again"),
        ],
        json_body={"reason": "Issued in error"},
    )

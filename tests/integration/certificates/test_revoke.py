"""Revocation (by an admin, or by a refund) shows in verification at once; an admin's manual
issue; what a deleted holder leaves behind."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from coursewave.config import settings
from tests.integration.certificates.conftest import School, deliver
from tests.integration.courses.builders import build_course, ok
from tests.integration.payments.conftest import Shop
from tests.support.cloud import Caller, Platform


def _issued(school: School, learner: Caller | None = None) -> dict[str, Any]:
    learner = learner or school.personas.student
    school.complete(learner)
    school.platform.drain()
    return school.only(learner)


def _revoke(platform: Platform, admin: Caller, certificate_id: str, reason: str) -> Any:
    return ok(
        platform.call(
            "DELETE",
            f"/v1/admin/certificates/{certificate_id}",
            caller=admin,
            json_body={"reason": reason},
        )
    )


def test_a_revoked_certificate_verifies_as_invalid_at_once(school: School) -> None:
    learner, admin = school.personas.student, school.personas.admin
    cert = _issued(school)
    before = ok(school.verify(cert["id"]))
    assert before["valid"] is True and before["revoked"] is False
    assert before["learner_name"] == cert["learner_name"]
    assert before["course_title"] == "Data Science with Python"
    assert before["issued_at"] == cert["issued_at"]
    assert before["issuer"]["name"] == "Coursewave"

    revoked = _revoke(school.platform, admin, cert["id"], "  Plagiarised   final project ")

    assert revoked["status"] == "revoked" and revoked["pdf_url"] is None
    after = ok(school.verify(cert["id"]))  # no drain: the same transaction
    assert after["valid"] is False and after["revoked"] is True
    assert after["revoked_reason"] == "Plagiarised final project"
    assert after["revoked_at"] and after["credential"] == before["credential"]
    dashboard = ok(school.platform.call("GET", "/v1/me/dashboard", caller=learner))
    assert dashboard["certificates"] == []
    (event,) = school.platform.events("CertificateRevoked")
    assert event["detail"]["data"]["revoked_by"] == admin.user_id
    audit = ok(school.platform.call("GET", "/v1/admin/audit-log", caller=admin))["items"]
    (entry,) = [e for e in audit if e["action"] == "certificate.revoked"]
    assert entry["target"] == {"type": "certificate", "id": cert["id"]}
    assert entry["actor_id"] == admin.user_id and entry["reason"] == "Plagiarised final project"
    assert entry["before"] == {"status": "issued"} and entry["after"] == {"status": "revoked"}
    # the holder still sees it, revoked
    held = ok(school.platform.call("GET", f"/v1/certificates/{cert['id']}", caller=learner))
    assert held["revoked"] is True


def test_an_admin_issues_by_hand_and_again_after_a_revocation(school: School) -> None:
    admin, learner = school.personas.admin, school.personas.other_student
    body = {"user_id": learner.user_id, "course_id": school.course.id}

    first = school.platform.call("POST", "/v1/admin/certificates", caller=admin, json_body=body)
    assert first.status == 202 and first.json()["status"] == "issuing"
    assert school.verify(first.json()["id"]).status == 404  # not made yet
    school.platform.drain()
    made = ok(school.verify(first.json()["id"]))
    assert made["valid"] is True
    (cert,) = school.mine(learner)
    assert cert["source"] == "manual" and cert["id"] == first.json()["id"]
    # the learner completing the course later changes nothing: the pair has its certificate
    school.complete(learner)
    school.platform.drain()
    assert [c["id"] for c in school.mine(learner)] == [cert["id"]]

    _revoke(school.platform, admin, cert["id"], "Wrong learner name")
    again = school.platform.call("POST", "/v1/admin/certificates", caller=admin, json_body=body)
    assert again.status == 202
    school.platform.drain()

    listed = school.mine(learner)
    assert [(c["id"], c["status"]) for c in listed] == [
        (again.json()["id"], "issued"),
        (cert["id"], "revoked"),
    ]
    audit = ok(school.platform.call("GET", "/v1/admin/audit-log", caller=admin))["items"]
    assert len([e for e in audit if e["action"] == "certificate.issued"]) == 2


def test_my_certificates_page_with_a_cursor(school: School) -> None:
    learner = school.personas.student
    second = build_course(school.platform, school.personas.owner, lessons=1)
    school.complete(learner)
    school.complete(learner, second)
    school.platform.drain()
    page = ok(school.platform.call("GET", "/v1/me/certificates?limit=1", caller=learner))
    assert len(page["items"]) == 1 and page["next_cursor"]
    rest = ok(
        school.platform.call(
            "GET", f"/v1/me/certificates?limit=1&cursor={page['next_cursor']}", caller=learner
        )
    )
    assert {page["items"][0]["course"]["id"], rest["items"][0]["course"]["id"]} == {
        school.course.id,
        second.id,
    }
    foreign = school.platform.call(
        "GET", f"/v1/me/certificates?cursor={page['next_cursor']}", caller=school.personas.admin
    )
    assert foreign.status == 400


def test_deleting_the_account_keeps_the_public_record_and_erases_the_pdf(school: School) -> None:
    learner = school.personas.student
    cert = _issued(school)
    bucket = settings().require("certificates_bucket")
    key = f"certificates/{cert['id']}.pdf"
    boto3.client("s3").head_object(Bucket=bucket, Key=key)

    assert school.platform.call("DELETE", "/v1/me", caller=learner).status == 202
    school.platform.drain()

    with pytest.raises(ClientError):
        boto3.client("s3").head_object(Bucket=bucket, Key=key)
    verified = ok(school.verify(cert["id"]))
    assert verified["valid"] is True and verified["learner_name"] == cert["learner_name"]
    held = ok(
        school.platform.call("GET", f"/v1/certificates/{cert['id']}", caller=school.personas.admin)
    )
    assert held["pdf_url"] is None


def test_a_refund_revokes_the_certificate_with_reason_refunded(shop: Shop) -> None:
    paid = shop
    student, admin = paid.personas.student, paid.personas.admin
    payment_id = paid.paid(student)
    for lesson_id in paid.course.lesson_ids:
        ok(
            paid.platform.call(
                "POST",
                f"/v1/courses/{paid.course.id}/lessons/{lesson_id}/complete",
                caller=student,
            )
        )
    paid.platform.drain()
    (cert,) = ok(paid.platform.call("GET", "/v1/me/certificates", caller=student))["items"]

    refunded = paid.platform.call(
        "POST",
        f"/v1/admin/payments/{payment_id}/refund",
        caller=admin,
        json_body={"reason": "asked for it"},
    )
    assert refunded.status == 200
    paid.platform.drain()

    verified = ok(paid.platform.call("GET", f"/v1/verify/{cert['id']}"))
    assert verified["valid"] is False and verified["revoked_reason"] == "refunded"
    (event,) = paid.platform.events("CertificateRevoked")
    assert event["detail"]["data"]["revoked_by"] == admin.user_id
    # the completion replayed after the refund issues nothing new
    (completed,) = paid.platform.events("CourseCompleted")
    assert deliver(completed) == {"batchItemFailures": []}
    paid.platform.drain()
    listed = ok(paid.platform.call("GET", "/v1/me/certificates", caller=student))["items"]
    assert [(c["id"], c["status"]) for c in listed] == [(cert["id"], "revoked")]


def test_concurrent_revocations_revoke_once(school: School) -> None:
    cert = _issued(school)
    admin = school.personas.admin
    barrier = threading.Barrier(5)
    statuses: list[int] = []

    def revoke() -> None:
        barrier.wait()
        statuses.append(
            school.platform.call(
                "DELETE",
                f"/v1/admin/certificates/{cert['id']}",
                caller=admin,
                json_body={"reason": "Issued in error"},
            ).status
        )

    threads = [threading.Thread(target=revoke) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409, 409, 409, 409]
    assert len(school.platform.events("CertificateRevoked")) == 1
    audit = ok(school.platform.call("GET", "/v1/admin/audit-log", caller=admin))["items"]
    assert len([e for e in audit if e["action"] == "certificate.revoked"]) == 1

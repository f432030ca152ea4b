"""Earning a certificate: exactly once per (learner, course), whatever the events do — repeated,
reordered, concurrent — and only when every lesson is completed and every required exam passed.
Issuing stores a PDF, signs the credential, fills the dashboard card and emails the learner."""

from __future__ import annotations

import subprocess
import threading
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from coursewave.clock import new_id, now_iso
from coursewave.config import settings
from functions.assessments import public as assessments
from functions.certificates import logic
from tests.integration.certificates.conftest import WEB_APP_URL, School, deliver
from tests.integration.courses.builders import ok


class Exams:
    """What assessments answers for required exams not yet passed, per (course, learner)."""

    def __init__(self) -> None:
        self.outstanding: dict[tuple[str, str], list[str]] = {}

    def __call__(self, course_id: str, user_id: str) -> list[str]:
        return list(self.outstanding.get((course_id, user_id), []))


@pytest.fixture
def exams(monkeypatch: pytest.MonkeyPatch) -> Exams:
    fake = Exams()
    monkeypatch.setattr(assessments, "required_exams_outstanding", fake)
    return fake


def _exam_passed(course_id: str, user_id: str) -> dict[str, Any]:
    return {
        "source": "coursewave.assessments",
        "detail-type": "ExamPassed",
        "detail": {
            "metadata": {
                "event_id": new_id(),
                "version": 1,
                "occurred_at": now_iso(),
                "correlation_id": "test",
            },
            "data": {
                "exam_id": "exm_final",
                "exam_version": 1,
                "attempt_id": "att_1",
                "course_id": course_id,
                "user_id": user_id,
                "score_percent": 90.0,
                "passed": True,
                "required": True,
                "pass_percent": 70.0,
                "graded_at": now_iso(),
                "regraded": False,
            },
        },
    }


def _of(school: School, name: str) -> list[dict[str, Any]]:
    return school.platform.events(name)


def test_completing_a_course_issues_one_certificate_with_pdf_card_and_email(
    school: School,
) -> None:
    learner = school.personas.student
    school.complete(learner)
    school.platform.drain()

    cert = school.only(learner)
    assert cert["status"] == "issued" and cert["source"] == "automatic"
    page = ok(school.platform.call("GET", f"/v1/courses/{school.course.id}"))
    assert cert["course"] == {
        "id": school.course.id,
        "title": "Data Science with Python",
        "instructor_name": page["instructor"]["name"],
    }
    # the web app's page (what the QR code opens), which reads GET /v1/verify/{id}
    assert cert["verification_url"] == f"{WEB_APP_URL}/verify/{cert['id']}"
    (issued,) = _of(school, "CertificateIssued")
    assert issued["detail"]["data"]["certificate_id"] == cert["id"]
    assert len(_of(school, "CertificateRequested")) == 1
    # the dashboard shows it (written in the issuing transaction)
    dashboard = ok(school.platform.call("GET", "/v1/me/dashboard", caller=learner))
    assert [card["id"] for card in dashboard["certificates"]] == [cert["id"]]
    # the learner got the link, once
    (mail,) = [
        m for m in school.platform.mailbox.items(to=learner.email) if "certificate" in m["subject"]
    ]
    assert cert["verification_url"] in mail["text"]
    # the PDF: a short-lived SigV4 link to the certificates bucket, text that extracts
    held = ok(school.platform.call("GET", f"/v1/certificates/{cert['id']}", caller=learner))
    query = parse_qs(urlsplit(held["pdf_url"]).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["300"]
    body = (
        boto3.client("s3")
        .get_object(
            Bucket=settings().require("certificates_bucket"),
            Key=f"certificates/{cert['id']}.pdf",
        )["Body"]
        .read()
    )
    assert body.startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()
    for expected in (cert["learner_name"], "Data Science with Python", cert["id"]):
        assert expected in text


def test_duplicate_and_reordered_events_issue_exactly_one_certificate(
    school: School, exams: Exams
) -> None:
    learner = school.personas.student
    course_id = school.course.id
    exams.outstanding[(course_id, learner.user_id)] = ["exm_final"]
    # the exam is passed before the lessons are done: nothing yet
    assert deliver(_exam_passed(course_id, learner.user_id)) == {"batchItemFailures": []}
    school.complete(learner)
    school.platform.drain()  # CourseCompleted arrives while assessments still lists the exam
    assert school.mine(learner) == []
    (completed,) = _of(school, "CourseCompleted")

    exams.outstanding.clear()  # now passed: every event again, repeated, in any order
    passed = _exam_passed(course_id, learner.user_id)
    assert deliver(passed, completed, passed, completed) == {"batchItemFailures": []}
    school.platform.drain()
    assert deliver(completed, passed) == {"batchItemFailures": []}
    (requested,) = _of(school, "CertificateRequested")
    (issued,) = _of(school, "CertificateIssued")
    assert deliver(requested, issued, requested) == {"batchItemFailures": []}
    school.platform.drain()

    (cert,) = school.mine(learner)
    assert cert["status"] == "issued"
    assert len(_of(school, "CertificateRequested")) == 1
    assert len(_of(school, "CertificateIssued")) == 1
    mails = school.platform.mailbox.items(to=learner.email)
    assert len([m for m in mails if "certificate" in m["subject"]]) == 1


def test_concurrent_consumers_claim_one_certificate(school: School) -> None:
    learner = school.personas.student
    school.complete(learner)
    # the events are not drained: five consumers race on the same completion
    barrier = threading.Barrier(5)
    results: list[str | None] = []

    def race() -> None:
        barrier.wait()
        results.append(logic.consider(learner.user_id, school.course.id, lambda _course, _user: []))

    threads = [threading.Thread(target=race) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    school.platform.drain()

    assert len([r for r in results if r]) == 1
    (cert,) = school.mine(learner)
    assert cert["id"] in results


def test_no_certificate_without_every_lesson_or_for_an_unknown_pair(
    school: School, exams: Exams
) -> None:
    learner = school.personas.student
    path = f"/v1/courses/{school.course.id}"
    assert school.platform.call("POST", f"{path}/enroll", caller=learner).status == 201
    lesson = school.course.lesson_ids[0]
    ok(
        school.platform.call(
            "POST", f"/v1/courses/{school.course.id}/lessons/{lesson}/complete", caller=learner
        )
    )
    school.platform.drain()
    assert deliver(_exam_passed(school.course.id, learner.user_id)) == {"batchItemFailures": []}
    assert deliver(_exam_passed("crs_unknown", learner.user_id)) == {"batchItemFailures": []}
    other = school.personas.other_student  # never enrolled
    assert deliver(_exam_passed(school.course.id, other.user_id)) == {"batchItemFailures": []}
    school.platform.drain()
    assert school.mine(learner) == [] and school.mine(other) == []
    assert _of(school, "CertificateRequested") == []
    # a malformed message fails alone, the others are applied
    bad = {"source": "coursewave.assessments", "detail-type": "ExamPassed", "detail": {}}
    result = deliver(_exam_passed(school.course.id, learner.user_id), bad)
    assert result == {"batchItemFailures": [{"itemIdentifier": "m1"}]}

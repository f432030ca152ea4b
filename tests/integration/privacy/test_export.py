"""``GET /v1/me/export`` holds every item about the person, whichever domain keeps it.

Most domains keep a learner's items under ``USER#<id>``; the rest keep them in an index partition
``USER#<id>#<suffix>`` that they declare in ``coursewave.users.PERSONAL_INDEXES``. The test makes
an account take part in every domain, then Scans the table for every item that names the
person's id and finds each one in the export, or in the short list below with its reason.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from coursewave import resources
from coursewave.config import reset_settings
from functions.payments.providers import reset as reset_providers
from tests.integration.courses.builders import build_course, ok, table_snapshot
from tests.integration.privacy.footprint import (
    caller_of,
    registered_instructor,
    take_part_everywhere,
)
from tests.support.cloud import Platform
from tests.support.fake_providers import API_BASE_URL
from tests.support.personas import Personas

# Items that name the person but are not theirs to export, and why.
NOT_EXPORTED = {
    "EmailClaim": "the email's claim on the account: the account's email is exported",
    "UserRole": "a privileged role: the account's roles are exported",
    "RefreshSession": "a sign-in session: the hash of a refresh token, a secret",
    "Course": "the courses they teach: content, listed by GET /v1/courses?instructor_id=",
    "CatalogEntry": "the catalog's copy of those courses",
    "CatalogRegistry": "the catalog partitions of those courses",
    "CourseMedia": "the courses' video state",
    "OutboxEvent": "events in flight, deleted by the outbox's TTL",
    "CheckoutIdempotency": "a replayed checkout response, kept for a day",
    "CommentRate": "the comment rate limit's counter for one minute",
    "ExamStanding": "attempt counts derived from the exported attempts",
    "CertificateClaim": "the lock that keeps one certificate per learner and course",
    "LedgerEntry": "the platform's revenue books (the payment itself is exported)",
    "StatsCounted": "analytics' duplicate guard: ids only",
}


def _entity(item: dict[str, Any]) -> str:
    return str(item.get("entity", {}).get("S", "unknown"))


def test_the_export_holds_every_item_about_the_person(
    platform: Platform, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(resources.WEB_APP_URL.env, "https://app.coursewave.test")
    monkeypatch.setenv(resources.PUBLIC_BASE_URL.env, API_BASE_URL)
    reset_settings()
    reset_providers()
    name = "Philippa Exportwell"
    _, session = registered_instructor(platform, personas, name)
    person = caller_of(session, "student", "instructor")
    footprint = take_part_everywhere(platform, personas, person, name)
    # buys a paid course by card
    paid = build_course(
        platform, personas.instructor, lessons=1, price={"amount": 1999, "currency": "USD"}
    )
    started = platform.call(
        "POST",
        "/v1/payments/checkout",
        caller=person,
        json_body={"course_id": paid.id, "provider": "stripe"},
        headers={"Idempotency-Key": "export-1"},
    )
    assert started.status == 201, started.body
    payment_id = started.json()["payment_id"]
    assert platform.providers is not None
    platform.providers.complete(payment_id, "succeeded")
    platform.drain()

    exported = ok(platform.call("GET", "/v1/me/export", headers=session.auth))

    data = exported["data"]
    assert exported["account"]["name"] == name
    assert [p["payment_id"] for p in data["Payment"]] == [payment_id]
    assert {e["course_id"] for e in data["Enrollment"]} == {
        footprint.course.id,
        footprint.earned.id,
        paid.id,
    }
    assert [c["body"] for c in data["Comment"]] == ["A question"]
    assert [r["rating"] for r in data["Review"]] == [4]
    (attempt,) = data["ExamAttempt"]
    assert attempt["attempt_id"] == footprint.attempt_id
    assert f"I am {name}" in json.dumps(attempt)
    assert [c["course_id"] for c in data["Certificate"]] == [footprint.earned.id]
    assert data["Notification"]
    # every item that names the person is in the export, or listed with its reason
    text = json.dumps(exported)
    about = [i for i in table_snapshot(platform) if session.user_id in json.dumps(i)]
    missing = sorted(
        {
            _entity(item)
            for item in about
            if _entity(item) not in NOT_EXPORTED
            and _entity(item) not in data
            and _entity(item) not in ("User", "AuditEntry")
        }
    )
    assert missing == [], ", ".join(missing)
    assert set(exported["account"]["roles"]) == {"student", "instructor"}
    # audit entries: those about the account are exported; the others are about an exported
    # object of theirs (the payment)
    assert [e["action"] for e in exported["audit_log"]] == ["user.roles_changed"]
    logged = {e["id"] for e in exported["audit_log"]}
    for entry in (i for i in about if _entity(i) == "AuditEntry"):
        target = entry["GSI1PK"]["S"].rsplit("#", 1)[-1]
        assert entry["SK"]["S"] in logged or target in text, entry
    # ...and nothing of anyone else's (a learner of the course they teach), no keys
    assert personas.other_student.user_id not in text
    assert '"PK"' not in text and '"GSI1PK"' not in text

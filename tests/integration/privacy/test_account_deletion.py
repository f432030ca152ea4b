"""Deleting an account erases its personal data in every domain that keeps some.

``DELETE /v1/me`` anonymises the user record and publishes ``UserDeleted``; each domain that copies
the learner's name or email (enrollment: the roster; courses: the instructor's name on courses and
in the catalog) consumes it from its own queue and anonymises its copies. What stays is exactly
the retention list of ``docs/privacy.md``, which ``RETAINED`` below mirrors.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from coursewave import resources
from coursewave.config import reset_settings
from coursewave.events import OUTBOX_RETENTION
from functions import registry
from functions.users.public import ERASED_NAME, erased_email
from local.apigw import LambdaContext
from tests.integration.courses.builders import build_course, enroll, ok, table_snapshot
from tests.integration.privacy.footprint import (
    caller_of,
    registered_instructor,
    take_part_everywhere,
)
from tests.support.cloud import Platform
from tests.support.personas import Personas

PRIVACY = Path(__file__).resolve().parents[3] / "docs" / "privacy.md"

# What may still hold the name or email after deletion (docs/privacy.md, "Kept after deletion"):
# events in the transactional outbox that carry them, until the outbox's TTL removes them; the
# name printed on a certificate, in its public verification record (never the email).
RETAINED_EVENTS = {"UserRegistered"}
RETAINED_NAME = {"Certificate"}


def _erasure_consumers() -> list[registry.ConsumerDecl]:
    return [c for c in registry.CONSUMERS if "UserDeleted" in c.detail_types]


def _holders(items: list[dict[str, Any]], *needles: str) -> list[dict[str, Any]]:
    """The raw items whose text holds any of ``needles`` (case-insensitive)."""
    lowered = [needle.lower() for needle in needles]
    return [item for item in items if any(n in json.dumps(item).lower() for n in lowered)]


def _is_retained(item: dict[str, Any], email: str = "") -> bool:
    """An outbox copy of a listed event that its TTL removes within the outbox's retention, or
    a certificate's record (the name printed on it; an email there is not retained)."""
    if item.get("entity", {}).get("S") in RETAINED_NAME:
        return bool(email) and email.lower() not in json.dumps(item).lower()
    if item.get("entity", {}).get("S") != "OutboxEvent":
        return False
    if item.get("detail_type", {}).get("S") not in RETAINED_EVENTS:
        return False
    expires = datetime.fromtimestamp(int(item["expires_at"]["N"]), UTC)
    return expires <= datetime.now(UTC) + OUTBOX_RETENTION + timedelta(minutes=1)


def test_a_deleted_account_leaves_its_name_and_email_only_in_the_retention_list(
    platform: Platform, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(resources.PUBLIC_BASE_URL.env, "https://api.coursewave.test")
    reset_settings()
    name = "Zebulon Quartermaine"
    _, session = registered_instructor(platform, personas, name)
    leaver = caller_of(session, "student", "instructor")
    footprint = take_part_everywhere(platform, personas, leaver, name)
    taught, draft, course = footprint.taught, footprint.draft, footprint.course
    comments, reviews = f"/v1/courses/{course.id}/comments", f"/v1/courses/{course.id}/reviews"
    platform.drain()
    before = _holders(table_snapshot(platform), session.email, name)
    assert {i["entity"]["S"] for i in before} >= {
        "User",
        "Enrollment",
        "Course",
        "CatalogEntry",
        "Comment",
        "Review",
        "ExamAttempt",
        "Notification",  # the welcome and the enrollment notification greet the learner by name
        "Certificate",
    }

    deleted = platform.call("DELETE", "/v1/me", headers=session.auth)
    assert deleted.status == 202, deleted.body
    platform.drain()

    left = [i for i in _holders(table_snapshot(platform), session.email, name)]
    kept = [(i["PK"]["S"], i["SK"]["S"]) for i in left if not _is_retained(i, session.email)]
    assert kept == []
    # the certificate still verifies, under the name printed on it; its PDF is gone
    (certificate,) = [i for i in left if i["entity"]["S"] == "Certificate"]
    assert "pdf_key" not in certificate
    verified = ok(platform.call("GET", f"/v1/verify/{certificate['certificate_id']['S']}"))
    assert verified["valid"] is True and verified["learner_name"] == name
    # the roster keeps the learner's progress, under the anonymised identity
    (student,) = ok(
        platform.call("GET", f"/v1/courses/{course.id}/students", caller=personas.instructor)
    )["items"]
    assert student["user"] == {
        "id": session.user_id,
        "name": ERASED_NAME,
        "email": erased_email(session.user_id),
    }
    assert student["progress_percent"] == 50
    # the published course stays for its learners, credited to no one by name
    page = ok(platform.call("GET", f"/v1/courses/{taught.id}", caller=personas.other_student))
    assert page["instructor"] == {"id": session.user_id, "name": ERASED_NAME}
    listed = ok(platform.call("GET", f"/v1/courses?instructor_id={session.user_id}"))["items"]
    assert [(c["id"], c["instructor"]["name"]) for c in listed] == [(taught.id, ERASED_NAME)]
    admin_view = ok(platform.call("GET", f"/v1/courses/{draft.id}", caller=personas.admin))
    assert admin_view["instructor"]["name"] == ERASED_NAME
    # the discussion and the rating keep what was said, by no one by name
    (thread,) = ok(platform.call("GET", comments))["items"]
    assert thread["author"] == {"id": session.user_id, "name": ERASED_NAME}
    (review,) = ok(platform.call("GET", reviews))["items"]
    assert review["author"]["name"] == ERASED_NAME and review["rating"] == 4


def _deliver(decl: registry.ConsumerDecl, *bodies: Any) -> dict[str, Any]:
    records = [
        {
            "messageId": f"m{index}",
            "receiptHandle": f"r{index}",
            "body": body if isinstance(body, str) else json.dumps(body),
            "attributes": {},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": f"arn:aws:sqs:us-east-1:000000000000:coursewave-{decl.name}",
            "awsRegion": "us-east-1",
        }
        for index, body in enumerate(bodies)
    ]
    assert decl.function is not None
    handler = registry.handler_module(decl.function).lambda_handler
    return handler({"Records": records}, LambdaContext(function_name=decl.function))


def test_every_erasure_consumer_is_idempotent_and_reports_only_what_failed(
    platform: Platform, personas: Personas
) -> None:
    name = "Ottoline Vandersteen"
    _, session = registered_instructor(platform, personas, name)
    leaver = caller_of(session, "student", "instructor")
    build_course(platform, leaver, lessons=1)
    enroll(platform, build_course(platform, personas.instructor, lessons=1).id, leaver)
    platform.drain()
    assert platform.call("DELETE", "/v1/me", headers=session.auth).status == 202
    platform.drain()
    (event,) = [
        e
        for e in platform.events("UserDeleted")
        if e["detail"]["data"]["user_id"] == session.user_id
    ]
    erased = table_snapshot(platform)
    consumers = _erasure_consumers()
    assert {c.name for c in consumers} >= {
        "enrollment-erasure",
        "courses-erasure",
        "community-erasure",
        "notifications-events",
        "certificates-erasure",
    }

    for decl in consumers:
        # the same event again (SQS delivers at least once), beside a message that cannot apply
        result = _deliver(decl, event, event, "{not json")
        assert result == {"batchItemFailures": [{"itemIdentifier": "m2"}]}, decl.name

    assert table_snapshot(platform) == erased


def test_every_domain_that_copies_a_name_or_an_email_consumes_user_deleted() -> None:
    """The rule for every later domain: an item attribute that copies a person's name or email
    lives in a domain with a UserDeleted consumer, or in the identity domain that erases it
    itself (docs/architecture.md, "Adding a domain")."""
    import pynamodb.models

    from coursewave.db import Item

    for decl in registry.FUNCTIONS:
        registry.handler_module(decl.name)
    identity = {"coursewave.users", "functions.users", "functions.auth", "functions.admin"}
    erasing = {
        registry.function(c.function).module.rsplit(".", 1)[0]
        for c in _erasure_consumers()
        if c.function is not None
    }
    personal = {"name", "email"}
    offenders = []
    for model in _subclasses(Item):
        if not issubclass(model, pynamodb.models.Model):
            continue
        copied = [
            attribute
            for attribute in model.get_attributes()
            if attribute in personal or attribute.endswith(("_name", "_email"))
        ]
        home = model.__module__.rsplit(".", 1)[0]
        if copied and not {home, model.__module__} & (erasing | identity):
            offenders.append(f"{model.__module__}.{model.__name__}: {copied}")
    assert offenders == []
    text = PRIVACY.read_text()
    for entity in (
        "Enrollment",
        "Course",
        "CatalogEntry",
        "OutboxEvent",
        "AuditEntry",
        "Comment",
        "Review",
        "Certificate",
    ):
        assert f"`{entity}`" in text, entity


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found

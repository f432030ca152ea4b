"""Certificates on the in-process platform: a course whose learner completes it, the event
plumbing drained, and helpers to read what a verifier sees."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from coursewave import resources
from coursewave.config import reset_settings
from functions import registry
from local.apigw import LambdaContext
from tests.integration.courses.builders import BuiltCourse, build_course, enroll, ok

# payments' paid-course fixture, for the refund test (tests/integration/certificates/test_revoke.py)
from tests.integration.payments.conftest import shop  # noqa: F401
from tests.support.cloud import Caller, Platform, Response
from tests.support.personas import Personas

API_BASE_URL = "https://api.coursewave.test"
WEB_APP_URL = "https://learn.coursewave.test"
WORKER = "certificates-worker"


@dataclass
class School:
    platform: Platform
    personas: Personas
    course: BuiltCourse

    def complete(self, learner: Caller, course: BuiltCourse | None = None) -> None:
        """Enroll ``learner`` and complete every lesson (the events are not drained)."""
        course = course or self.course
        enroll(self.platform, course.id, learner)
        for lesson_id in course.lesson_ids:
            ok(
                self.platform.call(
                    "POST", f"/v1/courses/{course.id}/lessons/{lesson_id}/complete", caller=learner
                )
            )

    def mine(self, learner: Caller) -> list[dict[str, Any]]:
        return ok(self.platform.call("GET", "/v1/me/certificates", caller=learner))["items"]

    def only(self, learner: Caller) -> dict[str, Any]:
        (cert,) = self.mine(learner)
        return cert

    def verify(self, certificate_id: str) -> Response:
        return self.platform.call("GET", f"/v1/verify/{certificate_id}")

    def jwks(self) -> dict[str, Any]:
        return ok(self.platform.call("GET", "/v1/.well-known/jwks.json"))


def deliver(*events: dict[str, Any]) -> dict[str, Any]:
    """The certificates worker fed ``events`` as one SQS batch, as Lambda would."""
    handler = registry.handler_module(WORKER).lambda_handler
    records = [sqs_record(event, index) for index, event in enumerate(events)]
    return handler({"Records": records}, LambdaContext(function_name=WORKER))


def sqs_record(event: dict[str, Any], index: int = 0) -> dict[str, Any]:
    return {
        "messageId": f"m{index}",
        "receiptHandle": f"r{index}",
        "body": json.dumps(event),
        "attributes": {},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:coursewave-certificates-events",
        "awsRegion": "us-east-1",
    }


@pytest.fixture
def school(
    platform: Platform, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> Iterator[School]:
    monkeypatch.setenv(resources.PUBLIC_BASE_URL.env, API_BASE_URL)
    monkeypatch.setenv(resources.WEB_APP_URL.env, WEB_APP_URL)
    reset_settings()
    course = build_course(platform, personas.owner, lessons=2, title="Data Science with Python")
    for name in ("student", "other_student", "other_instructor", "admin", "banned"):
        getattr(personas, name)
    platform.drain()
    yield School(platform, personas, course)
    reset_settings()

"""The analytics domain in-process: a course with learners, a clock the tests move (watch time is
bounded by wall-clock time between saves), the queues' messages, and the fake LRS."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from coursewave import resources
from coursewave.config import reset_settings
from functions.analytics import xapi
from local import fake_lrs
from local.apigw import LambdaContext
from local.fake_lrs import FakeLrs
from tests.integration.courses.builders import BuiltCourse, build_course, enroll
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas

BASE_URL = "https://api.coursewave.test"


class Clock:
    """``now()`` for the enrollment logic: starts at a fixed moment, moves when told."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock(datetime.now(UTC).replace(microsecond=0))
    monkeypatch.setattr("functions.enrollment.logic.now", clock)
    return clock


@dataclass
class Classroom:
    platform: Platform
    personas: Personas
    course: BuiltCourse
    clock: Clock

    def enroll(self, learner: Caller) -> dict[str, Any]:
        return enroll(self.platform, self.course.id, learner)

    def complete(self, learner: Caller, lesson_id: str) -> None:
        path = f"/v1/courses/{self.course.id}/lessons/{lesson_id}/complete"
        response = self.platform.call("POST", path, caller=learner)
        assert response.status == 200, response.json()

    def watch(self, learner: Caller, lesson_id: str, position: int, *, after: float) -> None:
        """``after`` seconds of wall clock go by, then the learner saves ``position``."""
        self.clock.advance(after)
        path = f"/v1/courses/{self.course.id}/lessons/{lesson_id}/position"
        response = self.platform.call(
            "PUT", path, caller=learner, json_body={"position_seconds": position}
        )
        assert response.status == 204, response.json()

    def stats(self, caller: Caller | None = None, query: str = "") -> Any:
        path = f"/v1/courses/{self.course.id}/stats{query}"
        response = self.platform.call("GET", path, caller=caller or self.personas.owner)
        assert response.status == 200, response.json()
        return response.json()


@pytest.fixture
def classroom(platform: Platform, personas: Personas, clock: Clock) -> Classroom:
    course = build_course(platform, personas.owner, lessons=3)
    return Classroom(platform, personas, course, clock)


def queue_messages(platform: Platform, consumer: str) -> list[dict[str, Any]]:
    """Every message waiting on a consumer's queue (received, then made visible again)."""
    url = platform.provisioned.consumer_queues[consumer]
    sqs = boto3.client("sqs")
    found: list[dict[str, Any]] = []
    while True:
        batch = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=0)
        messages = batch.get("Messages", [])
        if not messages:
            return found
        found += messages
        if len(found) > 1000:
            raise AssertionError("queue never drains")


def context(name: str = "coursewave-analytics") -> LambdaContext:
    return LambdaContext(function_name=name)


def sqs_event(bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """An SQS batch as Lambda delivers it, one record per body (message ids m0, m1, …)."""
    return {
        "Records": [
            {
                "messageId": f"m{index}",
                "receiptHandle": f"r{index}",
                "body": json.dumps(body),
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:q",
                "awsRegion": "us-east-1",
            }
            for index, body in enumerate(bodies)
        ]
    }


@pytest.fixture
def lrs(platform: Platform, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLrs]:
    """The local LRS stand-in, configured as the platform's LRS (xAPI on)."""
    env = dict(platform.provisioned.env)
    server = fake_lrs.start_for(env)
    monkeypatch.setenv(resources.XAPI_LRS_ENDPOINT.env, env[resources.XAPI_LRS_ENDPOINT.env])
    monkeypatch.setenv(resources.PUBLIC_BASE_URL.env, BASE_URL)
    monkeypatch.setattr(xapi, "BACKOFF_SECONDS", (0.0, 0.0))
    reset_settings()
    xapi.forget()
    yield server
    server.stop()
    monkeypatch.delenv(resources.XAPI_LRS_ENDPOINT.env)
    reset_settings()
    xapi.forget()


# The payments domain's shop (a paid course and the provider fakes), for revenue statistics.
from tests.integration.payments.conftest import shop  # noqa: E402, F401

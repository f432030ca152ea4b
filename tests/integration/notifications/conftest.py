"""Notifications through the real plumbing: events on the consumer's SQS queue (as EventBridge
delivers them), the pollers draining it, the mail in moto's SES read back by the mailbox."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import boto3
import pytest

from coursewave import resources
from coursewave.config import reset_settings
from tests.integration.courses.builders import BuiltCourse, build_course
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas

API_BASE = "https://api.coursewave.test"
EVENTS_QUEUE, FEEDBACK_QUEUE = "notifications-events", "notifications-mail-feedback"


def envelope(
    source: str, detail_type: str, data: dict[str, Any], event_id: str = "evt-1"
) -> dict[str, Any]:
    """An event as the bus hands it to the queue."""
    return {
        "version": "0",
        "id": f"eb-{event_id}",
        "source": source,
        "detail-type": detail_type,
        "detail": {
            "metadata": {
                "event_id": event_id,
                "version": 1,
                "occurred_at": "2026-11-24T09:00:00Z",
                "correlation_id": event_id,
            },
            "data": data,
        },
    }


def ses_event(kind: str, address: str, bounce_type: str = "Permanent") -> dict[str, Any]:
    """An SES event as its configuration set puts it on the default bus (EventBridge shape)."""
    detail: dict[str, Any] = {
        "eventType": kind,
        "mail": {"messageId": "m-1", "destination": [address], "source": "no-reply@x.test"},
    }
    if kind == "Bounce":
        detail["bounce"] = {
            "bounceType": bounce_type,
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": address, "status": "5.1.1"}],
        }
    else:
        detail["complaint"] = {"complainedRecipients": [{"emailAddress": address}]}
    detail_type = "Email Bounced" if kind == "Bounce" else "Email Complaint Received"
    return {
        "version": "0",
        "id": "ses-1",
        "source": "aws.ses",
        "detail-type": detail_type,
        "detail": detail,
    }


@dataclass
class Inbox:
    platform: Platform
    personas: Personas
    course: BuiltCourse

    def send(self, body: Any, queue: str = EVENTS_QUEUE) -> None:
        raw = body if isinstance(body, str) else json.dumps(body)
        url = self.platform.provisioned.consumer_queues[queue]
        boto3.client("sqs").send_message(QueueUrl=url, MessageBody=raw)

    def deliver(self, body: Any, queue: str = EVENTS_QUEUE) -> None:
        self.send(body, queue)
        self.platform.drain()

    def notifications(self, caller: Caller, query: str = "") -> list[dict[str, Any]]:
        listed = self.platform.call("GET", f"/v1/me/notifications{query}", caller=caller)
        assert listed.status == 200, listed.body
        return list(listed.json()["items"])

    def unread(self, caller: Caller) -> int:
        board = self.platform.call("GET", "/v1/me/dashboard", caller=caller)
        assert board.status == 200, board.body
        return int(board.json()["notifications_unread"])

    def mails(self, caller: Caller, subject: str | None = None) -> list[dict[str, Any]]:
        found = self.platform.mailbox.items(caller.email)
        return [m for m in found if subject is None or m["subject"] == subject]

    def enrolled(self, learner: Caller, course: BuiltCourse | None = None) -> None:
        course = course or self.course
        response = self.platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=learner)
        assert response.status in (200, 201), response.body
        self.platform.drain()

    def prefer(self, caller: Caller, notifications: dict[str, Any]) -> None:
        response = self.platform.call(
            "PATCH",
            "/v1/me",
            caller=caller,
            json_body={"preferences": {"notifications": notifications}},
        )
        assert response.status == 200, response.body


@pytest.fixture
def inbox(
    platform: Platform, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Inbox]:
    monkeypatch.setenv(resources.PUBLIC_BASE_URL.env, API_BASE)
    reset_settings()
    course = build_course(platform, personas.owner, lessons=1)
    for name in ("student", "other_student", "other_instructor", "admin", "banned"):
        getattr(personas, name)  # created now, not inside a table snapshot
    platform.drain()
    yield Inbox(platform, personas, course)
    reset_settings()

"""The event lake: every event, through the lake queue and Firehose (moto), lands in the lake
bucket as JSON lines under events/YYYY/MM/DD/HH/, without personal fields."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from functions.analytics import lake
from tests.integration.analytics.conftest import Classroom, context, sqs_event
from tests.support.cloud import Platform


def _lake_lines(platform: Platform) -> list[tuple[str, dict[str, Any]]]:
    s3 = boto3.client("s3")
    bucket = platform.provisioned.event_lake_bucket
    found = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read().decode()
            found += [(obj["Key"], json.loads(line)) for line in body.splitlines() if line]
    return found


def test_every_event_lands_in_the_lake_as_json_lines(classroom: Classroom) -> None:
    platform = classroom.platform
    classroom.enroll(classroom.personas.student)
    classroom.complete(classroom.personas.student, classroom.course.lesson_ids[0])
    platform.drain()

    lines = _lake_lines(platform)

    published = {e["detail"]["metadata"]["event_id"]: e for e in platform.events()}
    landed = {line["event_id"]: line for _, line in lines}
    assert set(landed) == set(published)
    for key, line in lines:
        assert key.startswith("events/") and len(key.split("/")) == 6  # events/Y/M/D/H/object
        event = published[line["event_id"]]
        assert line["detail_type"] == event["detail-type"]
        assert line["source"] == event["source"]
        assert line["occurred_at"] == event["detail"]["metadata"]["occurred_at"]


def test_personal_fields_never_reach_the_lake(platform: Platform) -> None:
    registered = {
        "source": "coursewave.auth",
        "detail-type": "UserRegistered",
        "detail": {
            "metadata": {"event_id": "reg-9", "version": 1, "occurred_at": "2026-11-23T10:00:00Z"},
            "data": {
                "user_id": "u-9",
                "email": "someone@example.test",
                "name": "Some One",
                "roles": ["student"],
                "provider": "password",
                "email_verified": False,
                "registered_at": "2026-11-23T10:00:00Z",
            },
        },
    }

    assert lake.lambda_handler(sqs_event([registered]), context()) == {"batchItemFailures": []}

    [(_, line)] = _lake_lines(platform)
    assert line["data"] == {
        "user_id": "u-9",
        "roles": ["student"],
        "provider": "password",
        "email_verified": False,
        "registered_at": "2026-11-23T10:00:00Z",
    }


def test_a_message_that_is_not_an_event_fails_alone(platform: Platform) -> None:
    good = {
        "source": "coursewave.users",
        "detail-type": "UserDeleted",
        "detail": {
            "metadata": {"event_id": "e-1", "version": 1, "occurred_at": "2026-11-23T10:00:00Z"},
            "data": {"user_id": "u-1", "deleted_at": "2026-11-23T10:00:00Z"},
        },
    }

    answer = lake.lambda_handler(sqs_event([{"not": "an event"}, good]), context())

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert [line["event_id"] for _, line in _lake_lines(platform)] == ["e-1"]


def test_records_firehose_refuses_are_reported_for_redelivery(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Firehose may refuse single records of a batch (throttling): only those messages fail."""
    real = lake._firehose()

    class Throttled:
        def put_record_batch(self, **kwargs: Any) -> dict[str, Any]:
            kept = kwargs["Records"][1:]
            real.put_record_batch(DeliveryStreamName=kwargs["DeliveryStreamName"], Records=kept)
            answers = [{"RecordId": "ok"} for _ in kept]
            refused = {"ErrorCode": "ServiceUnavailableException", "ErrorMessage": "slow down"}
            return {"FailedPutCount": 1, "RequestResponses": [refused, *answers]}

    monkeypatch.setattr(lake, "_firehose", lambda: Throttled())
    events = [_user_deleted(f"e-{n}") for n in range(3)]

    answer = lake.lambda_handler(sqs_event(events), context())

    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    assert sorted(line["event_id"] for _, line in _lake_lines(platform)) == ["e-1", "e-2"]


def _user_deleted(event_id: str) -> dict[str, Any]:
    return {
        "source": "coursewave.users",
        "detail-type": "UserDeleted",
        "detail": {
            "metadata": {"event_id": event_id, "version": 1, "occurred_at": "2026-11-23T10:00:00Z"},
            "data": {"user_id": "u-1", "deleted_at": "2026-11-23T10:00:00Z"},
        },
    }

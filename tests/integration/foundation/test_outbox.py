"""Events written with a state change reach the bus through the outbox relay."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from coursewave import event_models
from coursewave.clock import now_iso
from coursewave.events import domain_event
from coursewave.users import User
from functions.outbox import handler as outbox
from tests.support.cloud import Platform


@pytest.fixture(autouse=True)
def _relay_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the relay, not a contract: their events carry a stub ``data``
    (tests/unit/test_event_contracts.py covers the models that ``domain_event`` checks)."""
    monkeypatch.setattr(event_models, "validate_data", lambda _name, _data: None)


def _listen(platform: Platform) -> str:
    """A queue subscribed to every coursewave event, as a consumer's rule would be."""
    sqs, events = boto3.client("sqs"), boto3.client("events")
    url = sqs.create_queue(QueueName="listener")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    bus = platform.provisioned.env["EVENT_BUS_NAME"]
    events.put_rule(
        Name="listen",
        EventBusName=bus,
        EventPattern=json.dumps({"source": [{"prefix": "coursewave."}]}),
    )
    events.put_targets(Rule="listen", EventBusName=bus, Targets=[{"Id": "q", "Arn": arn}])
    return url


def _received(url: str) -> list[dict[str, Any]]:
    messages = boto3.client("sqs").receive_message(QueueUrl=url, MaxNumberOfMessages=10)
    return [json.loads(message["Body"]) for message in messages.get("Messages", [])]


def _register_user_with_event(user_id: str) -> str:
    event = domain_event("users", "UserRegistered", {"user_id": user_id})
    with TransactWrite(connection=Connection()) as tx:
        tx.save(User(user_id=user_id, email=f"{user_id}@x.test", name="N", created_at=now_iso()))
        tx.save(event)
    return event.event_id


def test_an_event_written_with_its_change_is_published_with_the_envelope(
    platform: Platform,
) -> None:
    url = _listen(platform)
    event_id = _register_user_with_event("u1")

    platform.drain()

    (message,) = _received(url)
    assert message["source"] == "coursewave.users"
    assert message["detail-type"] == "UserRegistered"
    metadata = message["detail"]["metadata"]
    assert metadata["event_id"] == event_id
    assert metadata["version"] == 1
    assert metadata["occurred_at"].endswith("Z")
    assert message["detail"]["data"] == {"user_id": "u1"}


def test_a_failed_transaction_publishes_nothing(platform: Platform) -> None:
    url = _listen(platform)
    User(user_id="u2", email="u2@x.test", name="N", created_at=now_iso()).save()
    event = domain_event("users", "UserRegistered", {"user_id": "u2"})

    with pytest.raises(TransactWriteError), TransactWrite(connection=Connection()) as tx:
        tx.save(
            User(user_id="u2", email="u2@x.test", name="N", created_at=now_iso()),
            condition=User.PK.does_not_exist(),
        )
        tx.save(event)
    platform.drain()

    assert _received(url) == []


def test_a_failed_put_is_retried_until_the_event_is_published(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _listen(platform)
    real = outbox._events()
    attempts: list[int] = []

    class FlakyEvents:
        def put_events(self, Entries: list[dict[str, Any]]) -> dict[str, Any]:
            attempts.append(1)
            if len(attempts) == 1:
                return {"FailedEntryCount": 1, "Entries": [{"ErrorCode": "ThrottlingException"}]}
            return real.put_events(Entries=Entries)

    monkeypatch.setattr(outbox, "_events", lambda: FlakyEvents())
    _register_user_with_event("u3")

    platform.drain()

    assert len(attempts) == 2
    assert [message["detail"]["data"] for message in _received(url)] == [{"user_id": "u3"}]


def test_records_other_than_outbox_inserts_are_ignored(platform: Platform) -> None:
    url = _listen(platform)
    User(user_id="u4", email="u4@x.test", name="N", created_at=now_iso()).save()

    platform.drain()

    assert _received(url) == []

"""A cancelled transaction (every 409 and 429 of the identity routes is one) leaves the table
stream as DynamoDB does: consumers keep receiving records, and nothing of the cancelled writes
reaches them (local/moto_streams.py)."""

from __future__ import annotations

import boto3
import pytest
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from coursewave.db import connection
from coursewave.events import domain_event
from coursewave.users import User
from tests.integration.identity.conftest import Identity
from tests.support.cloud import Platform


def _open_iterator(platform: Platform) -> str:
    """A shard iterator opened now, as a stream consumer holds one."""
    streams = boto3.client("dynamodbstreams")
    arn = platform.provisioned.table_stream_arn
    (shard,) = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    return streams.get_shard_iterator(
        StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="LATEST"
    )["ShardIterator"]


def _entities(iterator: str) -> list[str]:
    records = boto3.client("dynamodbstreams").get_records(ShardIterator=iterator)["Records"]
    return [r["dynamodb"].get("NewImage", {}).get("entity", {}).get("S", "") for r in records]


def test_codes_still_arrive_after_a_rate_limited_request(identity: Identity) -> None:
    # Given stream consumers already reading (their shard iterators are open)
    identity.platform.drain()
    # and an address whose resend window is full (the 6th attempt is a cancelled transaction)
    email = identity.email("limited")
    for _ in range(5):
        identity.post("/v1/auth/resend-code", {"email": email})
    assert identity.post("/v1/auth/resend-code", {"email": email}).status == 429

    # When someone else registers
    other = identity.email("after")
    assert identity.register(other).status == 201

    # Then the mailer, fed by the stream, still sends their code
    assert identity.code(other)


def test_a_cancelled_transaction_leaves_nothing_in_the_stream(platform: Platform) -> None:
    # Given an item, and a consumer reading the stream from now on
    User(user_id="kept", email="kept@example.test", name="K", created_at="t").save()
    iterator = _open_iterator(platform)
    event = domain_event(
        "users", "UserDeleted", {"user_id": "phantom", "deleted_at": "2026-01-01T00:00:00Z"}
    )

    # When a transaction writes an event, then fails on its second item
    with pytest.raises(TransactWriteError), TransactWrite(connection=connection()) as tx:
        tx.save(event)
        tx.save(
            User(user_id="kept", email="kept@example.test", name="K", created_at="t"),
            condition=User.PK.does_not_exist(),
        )

    # Then the consumer sees no record of it
    assert _entities(iterator) == []

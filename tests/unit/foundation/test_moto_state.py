"""The per-worker platform's reset (tests/support/moto_state.py) and its leak guard."""

from __future__ import annotations

import boto3
from moto import mock_aws

from tests.support import moto_state


def _table() -> None:
    boto3.client("dynamodb").create_table(
        TableName="t",
        BillingMode="PAY_PER_REQUEST",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    boto3.client("sqs").create_queue(QueueName="q")
    boto3.client("s3").create_bucket(Bucket="snapshot-bucket")


def test_a_restore_brings_back_the_resources_and_drops_what_tests_wrote() -> None:
    with mock_aws():
        _table()
        snapshot = moto_state.Snapshot.take()
        boto3.client("dynamodb").put_item(TableName="t", Item={"pk": {"S": "x"}})
        url = boto3.client("sqs").get_queue_url(QueueName="q")["QueueUrl"]
        boto3.client("sqs").send_message(QueueUrl=url, MessageBody="m")
        boto3.client("s3").put_object(Bucket="snapshot-bucket", Key="k", Body=b"1")
        boto3.client("kms").create_key()  # a backend the snapshot did not have

        assert sorted(moto_state.leftovers()) == [
            "DynamoDB table t has items",
            "DynamoDB table t has stream records",
            "S3 bucket snapshot-bucket has objects",
            "SQS queue q has messages",
        ]
        snapshot.restore()

        assert moto_state.leftovers() == []
        assert boto3.client("dynamodb").scan(TableName="t")["Items"] == []
        assert boto3.client("sqs").receive_message(QueueUrl=url).get("Messages", []) == []
        assert boto3.client("kms").list_keys()["Keys"] == []
        # the restored queue works (its lock is a new one, not a copy of a held lock)
        boto3.client("sqs").send_message(QueueUrl=url, MessageBody="again")
        assert boto3.client("sqs").receive_message(QueueUrl=url)["Messages"][0]["Body"] == "again"


def test_a_restore_after_moto_reset_everything_recreates_the_resources() -> None:
    with mock_aws():
        _table()
        snapshot = moto_state.Snapshot.take()
    with mock_aws():  # starts empty, as any test's own mock_aws does
        assert boto3.client("s3").list_buckets()["Buckets"] == []
        snapshot.restore()
        buckets = boto3.client("s3").list_buckets()["Buckets"]
        assert [bucket["Name"] for bucket in buckets] == ["snapshot-bucket"]
        assert boto3.client("dynamodb").list_tables()["TableNames"] == ["t"]

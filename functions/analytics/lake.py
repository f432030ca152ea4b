"""The event lake's feeder: events from its SQS queue → Firehose (``PutRecordBatch``) → S3 as
JSON lines, one event a line, partitioned by hour (``events/YYYY/MM/DD/HH/``); the Glue table
``coursewave_events.events`` reads them for Athena.

Firehose is fed from a queue rather than as an EventBridge target: delivery is retried per
record here (a record Firehose refuses is reported as a batch item failure and comes back), and
locally moto's EventBridge cannot target Firehose. Delivery is at least once: a query that must
not double count groups by ``event_id``. Personal fields never reach the lake
(``domain.lake_record``).
"""

from __future__ import annotations

import json
from functools import cache
from typing import TYPE_CHECKING, Any

from coursewave.config import settings
from coursewave.observability import logger, metrics
from functions.analytics import domain

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

MAX_BATCH_RECORDS = 500  # PutRecordBatch's limit (and 4 MiB, far above 10 SQS messages)


@cache
def _firehose() -> Any:
    import boto3

    return boto3.client("firehose", region_name=settings().region)


def lines(records: list[dict[str, Any]]) -> tuple[list[tuple[str, bytes]], list[str]]:
    """``(message id, JSON line)`` for each event, and the ids of messages that are not events."""
    found, poison = [], []
    for record in records:
        try:
            line = domain.lake_record(json.loads(record["body"]))
        except (ValueError, TypeError) as exc:
            logger.warning("not an event: left for the DLQ", extra={"error": str(exc)})
            poison.append(record["messageId"])
            continue
        data = (json.dumps(line, separators=(",", ":"), sort_keys=True) + "\n").encode()
        found.append((record["messageId"], data))
    return found, poison


def deliver(batch: list[tuple[str, bytes]]) -> list[str]:
    """Put the lines on the delivery stream; the message ids of the records Firehose refused."""
    refused: list[str] = []
    stream = settings().require("event_lake_stream")
    for start in range(0, len(batch), MAX_BATCH_RECORDS):
        chunk = batch[start : start + MAX_BATCH_RECORDS]
        answer = _firehose().put_record_batch(
            DeliveryStreamName=stream, Records=[{"Data": data} for _, data in chunk]
        )
        if answer.get("FailedPutCount"):
            for (message_id, _), result in zip(chunk, answer["RequestResponses"], strict=True):
                if result.get("ErrorCode"):
                    refused.append(message_id)
    return refused


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    batch, poison = lines(event.get("Records") or [])
    refused = deliver(batch) if batch else []
    metrics.add_metric(name="LakeRecordsDelivered", unit="Count", value=len(batch) - len(refused))
    if refused:
        logger.warning("firehose refused records", extra={"count": len(refused)})
    return {"batchItemFailures": [{"itemIdentifier": mid} for mid in poison + refused]}

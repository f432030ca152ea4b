"""Relays outbox events from the table's stream to the EventBridge bus.

Each stream record is one ``OutboxEvent`` insert (the event source mapping filters the rest). A
record whose PutEvents entry fails is reported as a batch item failure, so the mapping retries
it (and only it); events are never dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from botocore.session import get_session

from coursewave.config import settings
from coursewave.events import OutboxEvent
from coursewave.observability import logger, metrics

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)
_events_client = None


def _events() -> Any:
    global _events_client
    if _events_client is None:
        # botocore directly: boto3 adds its resources, s3transfer and multiprocessing to the
        # function's cold import (docs/performance.md).
        _events_client = get_session().create_client("events")
    return _events_client


def relay(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else None
    if record.event_name != DynamoDBRecordEventName.INSERT or not image:
        return
    if image.get("entity") != "OutboxEvent":
        return
    event = OutboxEvent.from_raw_data(record.raw_event["dynamodb"]["NewImage"])
    result = _events().put_events(Entries=[event.entry(settings().require("event_bus_name"))])
    if result.get("FailedEntryCount"):
        failure = result["Entries"][0]
        raise RuntimeError(f"PutEvents failed: {failure.get('ErrorCode')}")
    metrics.add_metric(name="EventsRelayed", unit="Count", value=1)
    logger.info("event relayed", extra={"event_id": event.event_id, "type": event.detail_type})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=relay, processor=processor, context=context
    )

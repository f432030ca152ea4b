"""Decides who gets verification and password-reset codes: ``CodeRequest`` inserts from the
table stream.

The auth routes only record a request (the same write for a known or an unknown email); this
consumer decides, off the request path, whether a code is due and publishes ``CodeRequested``
(the notifications domain issues the code and sends the email: ``functions.auth.codes``). A
record that fails is retried by the event source mapping.
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

from coursewave.observability import logger, metrics
from functions.auth import codes
from functions.auth.repository import CodeRequest

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def deliver(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else None
    if record.event_name != DynamoDBRecordEventName.INSERT or not image:
        return
    if image.get("entity") != "CodeRequest":
        return
    codes.request_code(CodeRequest.from_raw_data(record.raw_event["dynamodb"]["NewImage"]))


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=deliver, processor=processor, context=context
    )

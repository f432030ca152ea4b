"""The counters' SQS-fed entry point: each learning or sign-up event moves one counter, once.

Every record is applied on its own (Powertools batch, partial failures): a message that cannot
be counted (``NotCounted``: no rule, or data without the fields its rule reads) fails alone,
is delivered again up to the queue's ``max_receive_count`` and then lands in the DLQ, while the
rest of the batch is counted. A redelivered event finds its marker and counts nothing.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from coursewave.observability import logger, metrics
from functions.analytics import domain, logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    detail = event.get("detail") or {}
    event_id = str((detail.get("metadata") or {}).get("event_id") or "")
    if not event_id:
        raise domain.NotCounted("an event without metadata.event_id")
    logic.count(str(event.get("detail-type")), event_id, detail.get("data") or {})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

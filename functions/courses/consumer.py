"""Keeps the courses domain's record of its media in step with the media domain (SQS-fed).

``MediaReady`` and ``MediaFailed`` (source ``coursewave.media``) arrive from the bus through a
queue. Each message is applied on its own: one that fails is reported as a batch item failure,
so only it is delivered again. Applying an event twice, or after a newer one, changes nothing
(``logic.record_media_outcome``).
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from coursewave.observability import logger, metrics
from functions.courses import logic

processor = BatchProcessor(event_type=EventType.SQS)


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    name = event.get("detail-type")
    if event.get("source") != "coursewave.media" or name not in logic.MEDIA_OUTCOMES:
        logger.warning("unexpected event ignored", extra={"detail_type": name})
        return
    detail = event["detail"]
    metadata = detail["metadata"]
    applied = logic.record_media_outcome(
        name,
        detail["data"],
        event_id=str(metadata["event_id"]),
        occurred_at=str(metadata["occurred_at"]),
    )
    if applied:
        metrics.add_metric(name="CourseMediaUpdated", unit="Count", value=1)
    logger.info(
        "media outcome" + (" applied" if applied else " already known"),
        extra={"event_id": metadata["event_id"], "type": name},
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

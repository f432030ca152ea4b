"""Erases what the enrollment domain keeps about a deleted account (SQS-fed).

``UserDeleted`` (source ``coursewave.users``) arrives from the bus through the domain's own queue
(``enrollment-erasure``). Each message is applied on its own: one that fails is reported as a
batch item failure, so only it is delivered again. Erasing twice changes nothing
(``logic.erase_learner``), so a repeated delivery of the same ``event_id`` is harmless.
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
from functions.enrollment import logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    name = event.get("detail-type")
    if event.get("source") != "coursewave.users" or name != "UserDeleted":
        logger.warning("unexpected event ignored", extra={"detail_type": name})
        return
    metadata = event["detail"]["metadata"]
    changed = logic.erase_learner(str(event["detail"]["data"]["user_id"]))
    metrics.add_metric(name="EnrollmentsErased", unit="Count", value=changed)
    logger.info(
        "learner erased" if changed else "learner already erased",
        extra={"event_id": metadata["event_id"], "enrollments": changed},
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

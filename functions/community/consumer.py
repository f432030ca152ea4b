"""The community's SQS-fed entry point: ``UserDeleted`` erases the account's name from its
comments and reviews (idempotent: a repeat writes nothing)."""

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
from functions.community import logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    name = event.get("detail-type")
    if name != "UserDeleted":
        logger.warning("unexpected event ignored", extra={"detail_type": name})
        return
    changed = logic.erase_author(str(event["detail"]["data"]["user_id"]))
    metrics.add_metric(name="CommunityAuthorErased", unit="Count", value=changed)
    logger.info("community author erased", extra={"items": changed})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

"""Payments' SQS-fed entry points.

- ``PaymentNotified`` (our own, written with each first-seen webhook/callback): re-read the
  provider's status and settle (``logic.handle_notification``).
- ``UserDeleted``: the payer's email, name and phone are erased from their payments (the
  payments themselves are kept for accounting).

Receipts for ``PaymentSucceeded`` / ``PaymentRefunded`` are sent by the notifications domain,
which sends every email (functions/notifications/rules.py).
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
from functions.payments import logic, repository

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    name = event.get("detail-type")
    detail = event.get("detail") or {}
    data = detail.get("data") or {}
    if name == "PaymentNotified":
        logic.handle_notification(data)
    elif name == "UserDeleted":
        count = repository.anonymise_payer(data["user_id"])
        logger.info("payer anonymised", extra={"payments": count})
    else:
        logger.warning("unexpected event ignored", extra={"detail_type": name})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

"""The notifications domain's SQS-fed entry point (Powertools batch, partial failures).

Three kinds of message reach it:

- domain events from the ``coursewave`` bus (the rows of ``rules.py``, and ``UserDeleted``);
- a fan-out's next roster page (``{"continuation": …}``, sent by the consumer itself);
- SES events from the account's default bus (``aws.ses``: bounces, complaints).

Each message is applied on its own: one that fails (a poison event) is reported as a batch item
failure and, after the queue's ``maxReceiveCount``, lands in its dead-letter queue, while the
rest of the batch goes through. Every write is idempotent (``logic``), so a redelivery is safe.
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
from functions.notifications import logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


def apply(record: SQSRecord) -> None:
    body = json.loads(record.body)
    if not isinstance(body, dict):
        raise TypeError("a message must be a JSON object")
    if "continuation" in body:
        logic.continue_fanout(body["continuation"])
        return
    if body.get("source") == "aws.ses":
        logic.mail_feedback(body["detail"])
        return
    event = logic.Event.parse(body)
    if event.source == "coursewave.users" and event.detail_type == "UserDeleted":
        logic.erase(str(event.data["user_id"]))
        return
    reached = logic.handle_event(event)
    logger.info(
        "event notified",
        extra={"event_id": event.event_id, "detail_type": event.detail_type, "reached": reached},
    )


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

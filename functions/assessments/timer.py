"""The exam timer's last step: grade an attempt nobody submitted, at its deadline.

The ``exam-timer`` state machine (``statemachines/exam_timer.asl.json``), started by each
``ExamDeadlineSet``, waits until the attempt's ``fires_at`` (deadline plus grace) and sends
``{attempt_id, fires_at}`` to the ``exam-deadlines`` queue, which feeds this function. A message
whose ``fires_at`` is no longer the attempt's (an extension moved it) or whose attempt is graded
does nothing, so duplicates and superseded timers are harmless.
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
from functions.assessments import logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


def apply(record: SQSRecord) -> None:
    message = json.loads(record.body)
    attempt_id, fires_at = str(message["attempt_id"]), str(message["fires_at"])
    if logic.deadline_reached(attempt_id, fires_at):
        metrics.add_metric(name="ExamAttemptAutoGraded", unit="Count", value=1)
        logger.info("attempt graded at its deadline", extra={"attempt_id": attempt_id})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

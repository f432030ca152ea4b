"""Assessments' SQS-fed work: everything that happens after the request that asked for it.

- ``ExamRegradeRequested``: every attempt of the version regraded (``logic.regrade``).
- ``GradebookExportRequested``: the CSV written to S3, the export marked ready.
- ``UserDeleted``: the learner's written answers erased (their grades stay, by user id only).

Each is idempotent (a repeat regrades nothing new, an export already ready is left alone,
erased answers stay erased), so a redelivered ``event_id`` is harmless.
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
    event = json.loads(record.body)
    name = event.get("detail-type")
    detail = event.get("detail") or {}
    data = detail.get("data") or {}
    event_id = detail.get("metadata", {}).get("event_id")
    if name == "ExamRegradeRequested":
        changed = logic.regrade(data["exam_id"], int(data["exam_version"]))
        metrics.add_metric(name="ExamAttemptsRegraded", unit="Count", value=changed)
        logger.info("exam regraded", extra={"event_id": event_id, "changed": changed})
    elif name == "GradebookExportRequested":
        logic.write_export(data["export_id"], data["course_id"])
        logger.info("gradebook exported", extra={"event_id": event_id})
    elif name == "UserDeleted":
        erased = logic.erase_learner(str(data["user_id"]))
        logger.info("learner's answers erased", extra={"event_id": event_id, "attempts": erased})
    else:
        logger.warning("unexpected event ignored", extra={"detail_type": name})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

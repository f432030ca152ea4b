"""The courses domain's consumer of other domains' events (SQS-fed), one queue per concern:

- ``courses-media``: ``MediaReady`` / ``MediaFailed`` (source ``coursewave.media``) keep the
  courses' record of their media in step with the media domain. Applying an event twice, or after
  a newer one, changes nothing (``logic.record_media_outcome``).
- ``courses-erasure``: ``UserDeleted`` (source ``coursewave.users``) erases the instructor's name
  from their courses and the catalog. Erasing twice changes nothing (``logic.erase_instructor``).

Each message is applied on its own: one that fails is reported as a batch item failure, so only
it is delivered again.
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
from functions.courses import logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)


def apply_media_outcome(name: str, detail: dict[str, Any]) -> None:
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


def apply_user_deleted(detail: dict[str, Any]) -> None:
    changed = logic.erase_instructor(str(detail["data"]["user_id"]))
    metrics.add_metric(name="InstructorCoursesErased", unit="Count", value=changed)
    logger.info(
        "instructor erased" if changed else "instructor already erased (or never taught)",
        extra={"event_id": detail["metadata"]["event_id"], "courses": changed},
    )


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    source, name = event.get("source"), event.get("detail-type")
    if source == "coursewave.media" and name in logic.MEDIA_OUTCOMES:
        apply_media_outcome(name, event["detail"])
    elif source == "coursewave.users" and name == "UserDeleted":
        apply_user_deleted(event["detail"])
    else:
        logger.warning("unexpected event ignored", extra={"detail_type": name})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

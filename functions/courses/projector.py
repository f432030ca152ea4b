"""Keeps the catalog projection in step with the courses (a table-stream consumer).

Every change the catalog shows (an edit of a course that is or was published, publishing,
unpublishing, archiving, deleting, a new enrollment) writes a ``CatalogRefresh`` item in its
transaction; this function receives those inserts. It projects the course's *current* state,
read consistently, so requests may be replayed or coalesced freely: a published course gets one
summary entry per catalog partition it belongs to, entries it no longer belongs to are removed,
and a deleted course's items are purged. Which partitions hold the course is recorded before
entries are written, so a crash half-way leaves nothing the next run cannot find and clean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from coursewave.observability import logger, metrics
from functions.courses import catalog, repository
from functions.courses.domain import DELETED

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def project(course_id: str) -> None:
    course, held = repository.projection_state(course_id)
    desired = catalog.partitions_of(course) if course is not None and course.is_published else set()
    if desired - held:
        repository.record_partitions(course_id, held | desired)
    entries = []
    if course is not None and desired:
        summary, terms = course.summary(), catalog.terms_field(catalog.course_words(course))
        entries = [repository.catalog_entry(p, summary, terms) for p in sorted(desired)]
    repository.write_entries(entries, stale=[(p, course_id) for p in sorted(held - desired)])
    if course is not None and course.status == DELETED:
        repository.purge_course(course_id)
    elif held - desired:
        repository.record_partitions(course_id, desired)
    metrics.add_metric(name="CatalogEntriesWritten", unit="Count", value=len(entries))
    logger.info("course projected", extra={"course_id": course_id, "partitions": len(desired)})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    projected: set[str] = set()

    def handle(record: DynamoDBRecord) -> None:
        image = (record.dynamodb.new_image if record.dynamodb else None) or {}
        course_id = image.get("course_id")
        if image.get("entity") != "CatalogRefresh" or not course_id or course_id in projected:
            return
        project(course_id)
        projected.add(course_id)

    return process_partial_response(
        event=event, record_handler=handle, processor=processor, context=context
    )

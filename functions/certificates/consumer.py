"""The certificates worker: every event certificates act on, from SQS (partial batch failures).

- ``CourseCompleted`` (enrollment), ``ExamPassed`` (assessments): claim the learner's certificate
  if it is earned now (``logic.consider``, wired with ``assessments.public``).
- ``CertificateRequested`` (our own): render the PDF, sign the credential, issue.
- ``PaymentRefunded`` (payments): the course's certificate is revoked with reason ``refunded``.
- ``UserDeleted`` (users, its own queue): the holder's PDFs are erased.

This is the only function that imports the PDF library (``functions.certificates.pdf``), and
only when it renders (fpdf2 and its fonts cost ~375 ms: the other events never pay for them).
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

from coursewave.event_models import model_for
from coursewave.observability import logger, metrics
from functions.assessments import public as assessments
from functions.certificates import logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)

SOURCES = {
    "CourseCompleted": "coursewave.enrollment",
    "ExamPassed": "coursewave.assessments",
    "CertificateRequested": "coursewave.certificates",
    "PaymentRefunded": "coursewave.payments",
    "UserDeleted": "coursewave.users",
}


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    name = event.get("detail-type")
    if SOURCES.get(name) != event.get("source"):
        logger.warning("unexpected event ignored", extra={"detail_type": name})
        return
    detail = event["detail"]
    event_id = str(detail["metadata"]["event_id"])
    data: Any = model_for(name).model_validate_json(json.dumps(detail["data"]))
    if name in ("CourseCompleted", "ExamPassed"):
        outstanding = assessments.required_exams_outstanding
        if logic.consider(data.user_id, data.course_id, outstanding):
            metrics.add_metric(name="CertificateEarned", unit="Count", value=1)
    elif name == "CertificateRequested":
        from functions.certificates import pdf  # on first use (docs/performance.md)

        if logic.issue(data.certificate_id, pdf.render):
            metrics.add_metric(name="CertificateIssued", unit="Count", value=1)
    elif name == "PaymentRefunded":
        logic.revoke_for_refund(data.user_id, data.course_id, data.refunded_by)
    else:
        erased = logic.erase_holder(data.user_id)
        logger.info("holder erased", extra={"event_id": event_id, "pdfs": erased})


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

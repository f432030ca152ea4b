"""Payments' SQS-fed entry points.

- ``PaymentNotified`` (our own, written with each first-seen webhook/callback): re-read the
  provider's status and settle (``logic.handle_notification``).
- ``PaymentSucceeded`` / ``PaymentRefunded``: the email receipt through the shared mailer (sent
  once per event: a conditional claim first). Receipts are transactional: always sent.
- ``UserDeleted``: the payer's email, name and phone are erased from their payments (the
  payments themselves are kept for accounting).
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

from coursewave import mail
from coursewave.observability import logger, metrics
from functions.courses import public as courses
from functions.payments import logic, repository

processor = BatchProcessor(event_type=EventType.SQS)


def _minor(amount: dict[str, Any]) -> str:
    digits = courses.currency_exponent(amount["currency"])
    value = amount["amount"] / (10**digits) if digits else amount["amount"]
    return f"{value:.{digits}f} {amount['currency']}"


def receipt(name: str, event_id: str, data: dict[str, Any]) -> None:
    payment = repository.get_payment(data["payment_id"])
    if payment is None or not payment.payer_email:
        return
    if not repository.claim_receipt(event_id):
        return
    if name == "PaymentSucceeded":
        subject = "Your Coursewave receipt"
        text = (
            f"Thank you for your payment.\n\nPayment: {payment.id}\nCourse: {payment.course_id}\n"
            f"Amount: {_minor(data['amount'])}\nPaid with: {payment.provider}\n"
            f"Date: {data['succeeded_at']}\n"
        )
    else:
        subject = "Your Coursewave refund"
        text = (
            f"Your payment {payment.id} was refunded.\n\nAmount: {_minor(data['amount'])}\n"
            f"Refund reference: {data['refund_ref']}\nDate: {data['refunded_at']}\n"
        )
    mail.send_email(payment.payer_email, subject, text)
    metrics.add_metric(name="PaymentReceiptSent", unit="Count", value=1)


def apply(record: SQSRecord) -> None:
    event = json.loads(record.body)
    name = event.get("detail-type")
    detail = event.get("detail") or {}
    data = detail.get("data") or {}
    event_id = str(detail.get("metadata", {}).get("event_id", ""))
    if name == "PaymentNotified":
        logic.handle_notification(data)
    elif name in ("PaymentSucceeded", "PaymentRefunded"):
        receipt(name, event_id, data)
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

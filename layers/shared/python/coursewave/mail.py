"""Outgoing email through SES (the email port). Locally moto's SES keeps every message, and the
runner serves them at ``/_local/mailbox``."""

from __future__ import annotations

from functools import cache
from typing import Any

from coursewave.config import settings
from coursewave.observability import logger


@cache
def _ses() -> Any:
    import boto3  # on first use (docs/performance.md): a function that sends no mail never loads it

    return boto3.client("ses")


def send_email(to: str, subject: str, text: str) -> None:
    """Send a plain-text email. Never log the body: it may carry a code or a link."""
    _ses().send_email(
        Source=settings().require("mail_from"),
        Destination={"ToAddresses": [to]},
        Message={
            "Subject": {"Data": subject, "Charset": "UTF-8"},
            "Body": {"Text": {"Data": text, "Charset": "UTF-8"}},
        },
    )
    logger.info("email sent", extra={"subject": subject})

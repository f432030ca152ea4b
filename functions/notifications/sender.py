"""Email out through SES v2 (``SendEmail`` with ``Content.Raw``). Locally moto's SES keeps every
message and the runner's mailbox (``/_local/mailbox``) reads them back."""

from __future__ import annotations

from functools import cache
from typing import Any

from coursewave.config import settings
from coursewave.observability import logger
from functions.notifications import mime
from functions.notifications.domain import Message


@cache
def _ses() -> Any:
    import boto3  # on first use (docs/performance.md)

    return boto3.client("sesv2")


def send(message: Message) -> None:
    """Send one email. Never log its body or address: it may carry a code or a link."""
    config = settings()
    sender = config.require("mail_from")
    request: dict[str, Any] = {
        "FromEmailAddress": sender,
        "Destination": {"ToAddresses": [message.to_email]},
        "Content": {"Raw": {"Data": mime.build(sender, message)}},
    }
    if config.mail_configuration_set:  # its bounce/complaint events come back to us
        request["ConfigurationSetName"] = config.mail_configuration_set
    _ses().send_email(**request)
    logger.info("email sent", extra={"subject": message.subject})

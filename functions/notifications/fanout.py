"""Where a fan-out continues: the consumer's own queue, one message per next roster page."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from coursewave.config import settings


@cache
def _sqs() -> Any:
    import boto3  # on first use (docs/performance.md)

    return boto3.client("sqs")


def continue_later(continuation: dict[str, Any]) -> None:
    _sqs().send_message(
        QueueUrl=settings().require("notifications_queue_url"),
        MessageBody=json.dumps({"continuation": continuation}, separators=(",", ":")),
    )

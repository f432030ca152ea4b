"""xAPI statements to the Learning Record Store: learning events from the xAPI queue become
statements (``statements.ROWS``) sent with ``PUT /statements?statementId=`` and basic auth.

Off when no LRS is configured (``XAPI_LRS_ENDPOINT`` unset): the messages are consumed and
nothing is sent. Each statement is tried a few times at once for a transient failure (a
timeout, a 5xx, 429); if it still fails the message fails alone and SQS delivers it again, then
the DLQ keeps it. An LRS that refuses a statement (4xx) gets the same retries and then the DLQ.
The id is the UUID v5 of the event id, so a redelivery is the same statement: the LRS answers
204 for a statement it has already stored (409 if it stored a different one under that id,
which is logged and not retried).
"""

from __future__ import annotations

import json
import time
from functools import cache
from typing import TYPE_CHECKING, Any

import requests
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from coursewave.config import settings
from coursewave.errors import ConfigurationError
from coursewave.observability import logger, metrics
from functions.analytics import statements

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

processor = BatchProcessor(event_type=EventType.SQS)
ATTEMPTS = 3
BACKOFF_SECONDS = (0.2, 0.8)
TIMEOUT_SECONDS = 5
TRANSIENT = frozenset({408, 429, 500, 502, 503, 504})


class LrsUnavailable(Exception):
    """The LRS did not store the statement (after the attempts): the message is retried."""


@cache
def _credentials(secret_id: str) -> tuple[str, str]:
    from botocore.session import get_session

    client = get_session().create_client("secretsmanager", region_name=settings().region)
    value = json.loads(client.get_secret_value(SecretId=secret_id)["SecretString"])
    if not isinstance(value, dict) or not value.get("username") or not value.get("password"):
        raise ConfigurationError("the LRS secret needs a username and a password")
    return str(value["username"]), str(value["password"])


def forget() -> None:
    """Forget the cached credentials (tests provision a new secret each time)."""
    _credentials.cache_clear()


def send(endpoint: str, statement: dict[str, Any]) -> None:
    """Store one statement in the LRS (idempotent: PUT with its own id)."""
    auth = _credentials(settings().require("xapi_lrs_secret_id"))
    url = f"{endpoint.rstrip('/')}/statements"
    problem = ""
    for attempt in range(ATTEMPTS):
        if attempt:
            time.sleep(BACKOFF_SECONDS[min(attempt - 1, len(BACKOFF_SECONDS) - 1)])
        try:
            answer = requests.put(
                url,
                params={"statementId": statement["id"]},
                json=statement,
                auth=auth,
                headers={"X-Experience-API-Version": statements.XAPI_VERSION},
                timeout=TIMEOUT_SECONDS,
            )
        except requests.RequestException as exc:
            problem = type(exc).__name__
            continue
        if answer.status_code in (200, 204):
            metrics.add_metric(name="XapiStatementSent", unit="Count", value=1)
            return
        if answer.status_code == 409:
            logger.warning(
                "the LRS holds another statement under this id", extra={"id": statement["id"]}
            )
            return
        problem = f"HTTP {answer.status_code}"
        if answer.status_code not in TRANSIENT:
            break
    raise LrsUnavailable(f"statement {statement['id']} not stored: {problem}")


def apply(record: SQSRecord) -> None:
    endpoint = settings().xapi_lrs_endpoint
    if not endpoint:
        return
    event = json.loads(record.body)
    detail = event["detail"]
    statement = statements.statement(
        event["detail-type"],
        detail["metadata"]["event_id"],
        detail["data"],
        settings().require("public_base_url"),
    )
    if statement is None:
        logger.warning("no xAPI row for event", extra={"detail_type": event["detail-type"]})
        return
    send(endpoint, statement)


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return process_partial_response(
        event=event, record_handler=apply, processor=processor, context=context
    )

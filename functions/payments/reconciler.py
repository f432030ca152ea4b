"""The scheduled reconciliation job (functions/registry.py SCHEDULES): polls every pending
payment's provider, settles what moved, expires abandoned ones. EventBridge Scheduler runs it in
AWS; the local runner runs the same handler on a timer."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from coursewave.observability import logger, metrics
from functions.payments import logic

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext


@logger.inject_lambda_context
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = logic.reconcile()
    logger.info("reconciled", extra=asdict(report))
    return asdict(report)

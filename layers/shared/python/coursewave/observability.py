"""One Logger and one Metrics for every function; correlation ids travel with requests and events.

Tracer is deliberately absent: it imports aws_xray_sdk (~380 ms of cold start) even when disabled.
X-Ray still records Lambda and API Gateway segments through the function's tracing setting.
"""

from __future__ import annotations

import warnings

from aws_lambda_powertools import Logger, Metrics

logger = Logger(service="coursewave")
metrics = Metrics(namespace="Coursewave", service="coursewave")

CORRELATION_HEADER = "x-correlation-id"

# A request that records no business metric is normal, not worth a warning per request.
warnings.filterwarnings("ignore", message="No application metrics to publish")


def correlation_id() -> str | None:
    return logger.get_correlation_id()


def bind_correlation_id(value: str | None) -> None:
    logger.set_correlation_id(value)

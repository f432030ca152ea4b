"""Rules the local runner enforces while it serves a request (DESIGN.md §2.3).

A DynamoDB ``Scan`` issued while a request is being handled raises ``ScanOnRequestPath``, in the
local runner and in every test that goes through the gateway: the rule "no Scan on any request
path, ever" fails loudly in development instead of becoming a bill in production.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient


class RequestStats:
    """AWS calls made while serving one request (the round-trip benchmark reads these)."""

    def __init__(self, route_key: str) -> None:
        self.route_key = route_key
        self.calls: list[tuple[str, str]] = []  # (service, operation)

    @property
    def dynamodb_round_trips(self) -> int:
        return sum(1 for service, _ in self.calls if service == "dynamodb")


_serving: contextvars.ContextVar[RequestStats | None] = contextvars.ContextVar(
    "serving", default=None
)
last_request: contextvars.ContextVar[RequestStats | None] = contextvars.ContextVar(
    "last_request", default=None
)
_installed = False


class ScanOnRequestPath(AssertionError):
    """A request handler issued a DynamoDB Scan."""


@contextmanager
def serving(route_key: str) -> Iterator[RequestStats]:
    stats = RequestStats(route_key)
    token = _serving.set(stats)
    try:
        yield stats
    finally:
        _serving.reset(token)
        last_request.set(stats)


def install() -> None:
    """Wrap botocore's API call once per process."""
    global _installed
    if _installed:
        return
    original = BaseClient._make_api_call

    def guarded(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        stats = _serving.get()
        if stats is not None:
            service = self.meta.service_model.service_name
            if service == "dynamodb" and operation_name == "Scan":
                raise ScanOnRequestPath(f"{stats.route_key} issued a DynamoDB Scan")
            stats.calls.append((service, operation_name))
        return original(self, operation_name, api_params)

    BaseClient._make_api_call = guarded  # type: ignore[method-assign]
    _installed = True

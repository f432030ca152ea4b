"""Rules the local runner enforces while it serves a request (DESIGN.md §2.3).

A DynamoDB ``Scan`` or PartiQL statement (``ExecuteStatement``, ``BatchExecuteStatement``,
``ExecuteTransaction``) issued while a request is being handled raises ``ScanOnRequestPath``, in
the local runner and in every test that goes through the gateway: the rule "no Scan on any request
path, ever" fails loudly in development instead of becoming a bill in production. (In AWS no
function is granted PartiQL at all, and no HTTP function ``dynamodb:Scan``: see
``infra_cdk/access.py``.)

The rule follows the request into the threads its handler starts (``threading.Thread``, and work
submitted to a ``ThreadPoolExecutor``): context variables do not cross into a new thread by
themselves, so ``install`` hands the request on to them, and to nothing else (a thread keeps no
other context variable, as in AWS). Every refusal is recorded on the request's ``RequestStats``,
so the gateway answers 500 ``SCAN_ON_REQUEST_PATH`` however the handler dealt with the exception
(caught it, lost it in a thread): a test can tell the guard's refusal from any other 500.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

from botocore.client import BaseClient

#: DynamoDB operations no request path may issue.
FORBIDDEN_OPERATIONS = frozenset(
    {"Scan", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction"}
)
#: The error code of the gateway's answer to a request whose handler tried one (local only).
ERROR_CODE = "SCAN_ON_REQUEST_PATH"


class RequestStats:
    """AWS calls made while serving one request (the round-trip benchmark reads these)."""

    def __init__(self, route_key: str) -> None:
        self.route_key = route_key
        self.calls: list[tuple[str, str]] = []  # (service, operation)
        self.violations: list[str] = []  # what the guard refused
        # DynamoDB calls as (operation, params, response or None if it raised), for the request
        # units (local/capacity.py), and the CPU seconds of threads the handler handed work to.
        self.dynamodb: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
        self.thread_cpu: list[float] = []

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
    """A request handler issued a DynamoDB Scan or a PartiQL statement."""


@contextmanager
def serving(route_key: str) -> Iterator[RequestStats]:
    stats = RequestStats(route_key)
    token = _serving.set(stats)
    try:
        yield stats
    finally:
        _serving.reset(token)
        last_request.set(stats)


def _carry(stats: RequestStats | None, fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` running with ``stats`` as the request being served (``None``: none is)."""

    def carried(*args: Any, **kwargs: Any) -> Any:
        token = _serving.set(stats)
        cpu = time.thread_time()
        try:
            return fn(*args, **kwargs)
        finally:
            _serving.reset(token)
            if stats is not None:
                stats.thread_cpu.append(time.thread_time() - cpu)

    return carried


def install() -> None:
    """Wrap botocore's API call, ``Thread.start`` and ``ThreadPoolExecutor.submit`` once per
    process."""
    global _installed
    if _installed:
        return
    original = BaseClient._make_api_call

    def guarded(self: BaseClient, operation_name: str, api_params: dict[str, Any]) -> Any:
        stats = _serving.get()
        if stats is not None:
            service = self.meta.service_model.service_name
            if service == "dynamodb" and operation_name in FORBIDDEN_OPERATIONS:
                what = (
                    "a DynamoDB Scan" if operation_name == "Scan" else f"PartiQL {operation_name}"
                )
                message = f"{stats.route_key} issued {what}"
                stats.violations.append(message)
                raise ScanOnRequestPath(message)
            stats.calls.append((service, operation_name))
            if service == "dynamodb":
                response = None
                try:
                    response = original(self, operation_name, api_params)
                finally:
                    stats.dynamodb.append((operation_name, api_params, response))
                return response
        return original(self, operation_name, api_params)

    original_start = threading.Thread.start

    def start(self: threading.Thread) -> None:
        stats = _serving.get()
        if stats is not None:
            # An instance attribute: subclasses that override ``run`` are carried too.
            self.run = _carry(stats, self.run)  # type: ignore[method-assign]
        original_start(self)

    original_submit = ThreadPoolExecutor.submit

    def submit(
        self: ThreadPoolExecutor, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Future:
        # Always: a pool thread created while one request was served must not carry that
        # request into work submitted later, outside it.
        return original_submit(self, _carry(_serving.get(), fn), *args, **kwargs)

    BaseClient._make_api_call = guarded  # type: ignore[method-assign]
    threading.Thread.start = start  # type: ignore[method-assign]
    ThreadPoolExecutor.submit = submit  # type: ignore[method-assign]
    _installed = True

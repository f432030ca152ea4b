"""Payments: DynamoDB round trips per checkout and per webhook (budget: 3 each, on the request
path), and how long a paid enrollment takes from the provider's webhook to the enrollment.

Builds the platform in-process (moto, the real gateway, handlers and provider adapters, the
local provider fakes), sells a course by Stripe and by MTN MoMo, and reads the DynamoDB calls of
each request (``local.guards.last_request``). The latency runs ``SAMPLES`` payments: from the
moment the fake sends its signed webhook until the enrollment is readable, with the event
plumbing (outbox relay → EventBridge → SQS → consumer) pumped as fast as it goes; the baseline
is a free enrollment (one request, one transaction) timed in the same run. ``--tiny``: 2.

    python -m benchmarks payments
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks import Budget, tiny
from benchmarks.round_trips import round_trip_budget, shown

TITLE = "Payments: round trips per request (budget: 3) and webhook-to-enrollment latency"
BUDGET = 3
SAMPLES = 2 if tiny() else int(os.environ.get("COURSEWAVE_BENCH_PAYMENTS", "20"))
USD = {"amount": 1999, "currency": "USD"}
RWF = {"amount": 5000, "currency": "RWF"}
LATENCY = "latency (x a free enrollment request)"


def _configure() -> None:
    from coursewave import resources
    from coursewave.config import reset_settings
    from functions.payments.providers import reset as reset_providers
    from tests.support.fake_providers import API_BASE_URL

    os.environ[resources.WEB_APP_URL.env] = "https://app.coursewave.test"
    os.environ[resources.PUBLIC_BASE_URL.env] = API_BASE_URL
    reset_settings()
    reset_providers()


def _checkout(platform: Any, caller: Any, course_id: str, provider: str, key: str) -> Any:
    body: dict[str, Any] = {"course_id": course_id, "provider": provider}
    if provider == "mtn_momo":
        body |= {"phone": "250788123456", "currency": "RWF"}
    return platform.call(
        "POST",
        "/v1/payments/checkout",
        caller=caller,
        json_body=body,
        headers={"Idempotency-Key": key},
    )


def measure(platform: Any, samples: int = SAMPLES) -> list[dict[str, Any]]:
    """The measured rows for an in-process ``tests.support.cloud.Platform`` with providers."""
    from local import guards
    from tests.integration.courses.builders import build_course

    _configure()
    owner = platform.user("instructor")
    course = build_course(platform, owner, lessons=1, price=USD, prices=[RWF])
    platform.drain()
    rows: list[dict[str, Any]] = []

    def row(label: str, call: Callable[[], Any]) -> Any:
        result = call()
        stats = guards.last_request.get()
        assert stats is not None, label
        rows.append(
            {
                "request": label,
                "route": stats.route_key,
                "dynamodb_round_trips": stats.dynamodb_round_trips,
                "calls": ", ".join(op for service, op in stats.calls if service == "dynamodb"),
                "budget": BUDGET,
                "within_budget": stats.dynamodb_round_trips <= BUDGET,
                LATENCY: "",
            }
        )
        return result

    for provider in ("stripe", "mtn_momo"):
        buyer = platform.user("student")
        started = row(
            f"checkout ({provider})",
            lambda: _checkout(platform, buyer, course.id, provider, f"bench-{provider}"),  # noqa: B023
        )
        assert started.status == 201, started.json()
        payment_id = started.json()["payment_id"]
        row(
            f"checkout repeat, same key ({provider})",
            lambda: _checkout(platform, buyer, course.id, provider, f"bench-{provider}"),  # noqa: B023
        )
        row(
            f"webhook ({provider})",
            lambda: platform.providers.complete(payment_id, "succeeded"),  # noqa: B023
        )
        row(f"webhook replay ({provider})", lambda: platform.providers.redeliver(payment_id))  # noqa: B023
        platform.drain()
    rows += _latency(platform, course.id, samples)
    return rows


def _enrolled(platform: Any, caller: Any, course_id: str) -> bool:
    found = platform.call("GET", f"/v1/courses/{course_id}/enrollment", caller=caller)
    return found.status == 200 and found.json()["status"] == "active"


def _latency(platform: Any, course_id: str, samples: int) -> list[dict[str, Any]]:
    from tests.integration.courses.builders import build_course

    free = build_course(platform, platform.user("instructor"), lessons=1)
    paid_ms: list[float] = []
    free_ms: list[float] = []
    for n in range(samples):
        buyer = platform.user("student")
        started = _checkout(platform, buyer, course_id, "stripe", f"lat-{n}")
        assert started.status == 201, started.json()
        payment_id = started.json()["payment_id"]
        began = time.perf_counter()
        platform.providers.complete(payment_id, "succeeded")
        while not _enrolled(platform, buyer, course_id):
            platform.drain(rounds=1)
        paid_ms.append((time.perf_counter() - began) * 1000)

        began = time.perf_counter()
        enrolled = platform.call("POST", f"/v1/courses/{free.id}/enroll", caller=buyer)
        free_ms.append((time.perf_counter() - began) * 1000)
        assert enrolled.status == 201, enrolled.json()
    baseline = statistics.median(free_ms)

    def stat(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]

    return [
        {
            "request": f"webhook → enrollment readable, {label} of {samples} payments",
            "route": "POST /v1/payments/webhooks/stripe → bus → payments-events",
            "dynamodb_round_trips": "",
            "calls": "",
            "budget": "",
            "within_budget": "",
            LATENCY: f"{stat(paid_ms, q) / baseline:.1f}x",
        }
        for label, q in (("p50", 0.5), ("p95", 0.95))
    ]


def run() -> list[dict[str, Any]]:
    """Build an in-process platform with the provider fakes, measure, tear it down."""
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", "WARNING")
    os.environ.setdefault("POWERTOOLS_METRICS_DISABLED", "true")
    os.environ.setdefault("COURSEWAVE_ACCESS_LOG", "0")
    from tests.support.cloud import in_process_platform

    platforms = in_process_platform()
    platform = next(platforms)
    try:
        return shown(measure(platform))
    finally:
        platforms.close()


def budgets(rows: list[dict[str, Any]]) -> list[Budget]:
    return [round_trip_budget(rows, f"payments: DynamoDB round trips ≤ {BUDGET} per request")]

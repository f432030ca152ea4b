"""Checkout and webhooks stay within their DynamoDB round-trip budget (the benchmark's rows)."""

from __future__ import annotations

from benchmarks.payments import LATENCY, measure
from tests.integration.payments.conftest import Shop


def test_checkout_and_webhooks_stay_within_three_round_trips(shop: Shop) -> None:
    rows = measure(shop.platform, samples=2)

    trips = {row["request"]: row["dynamodb_round_trips"] for row in rows if row["budget"]}
    assert set(trips) >= {"checkout (stripe)", "webhook (stripe)", "checkout (mtn_momo)"}
    assert all(row["within_budget"] for row in rows if row["budget"]), trips
    latencies = [row[LATENCY] for row in rows if row["request"].startswith("webhook → enroll")]
    assert len(latencies) == 2 and all(float(value.rstrip("x")) > 0 for value in latencies)

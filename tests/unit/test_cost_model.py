"""The cost model's arithmetic (``benchmarks/cost_model.py``): measured figures → dollars."""

from __future__ import annotations

import pytest

from benchmarks import cost_model
from benchmarks.cost_model import PRICES, Renditions, RouteLoad


def _load(route: str, requests: int, **figures: float) -> RouteLoad:
    base = {
        "requests_per_second": 1.0,
        "p50_ms": 10.0,
        "p95_ms": 20.0,
        "response_bytes": 0.0,
        "cpu_ms": 0.0,
        "wall_ms": 0.0,
        "round_trips": 0.0,
        "read_units": 0.0,
        "write_units": 0.0,
        "memory_mb": 1769,
    }
    return RouteLoad(route=route, requests=requests, **{**base, **figures})  # type: ignore[arg-type]


def test_cpu_is_stretched_by_the_memory_share_of_a_vcpu_and_rounded_up() -> None:
    assert cost_model.lambda_billed_ms(10.0, 0, 1769) == 10
    assert cost_model.lambda_billed_ms(10.0, 0, 3538) == 10  # more than a vCPU: no faster
    assert cost_model.lambda_billed_ms(10.0, 0, 256) == 70  # 10 x 1769/256 = 69.1 → 70
    assert cost_model.lambda_billed_ms(0.2, 2, 1769) == 11  # 0.2 + 2 x 5 ms waits, rounded up


def test_the_mix_is_weighted_by_requests() -> None:
    loads = [_load("a", 3, cpu_ms=1.0), _load("b", 1, cpu_ms=5.0)]

    assert cost_model.mixed(loads, "cpu_ms") == 2.0


def test_per_million_prices_each_line_from_the_measured_figures() -> None:
    loads = [
        _load("read", 1, cpu_ms=10.0, memory_mb=1024, read_units=2.0, response_bytes=1024**3 / 1e6),
        _load("write", 1, cpu_ms=30.0, memory_mb=1024, round_trips=2.0, write_units=4.0),
    ]

    lines = cost_model.per_million(loads)

    # read: ceil(10 x 1769/1024) = 18 ms; write: ceil(30 x 1.7275 + 10) = 62 ms; at 1 GB each
    gb_second = PRICES["lambda_arm_gb_second"].dollars
    assert lines["Lambda duration"] == pytest.approx((18 + 62) / 2 / 1000 * gb_second * 1e6)
    assert lines["DynamoDB reads"] == pytest.approx(1.0 * 0.125)
    assert lines["DynamoDB writes"] == pytest.approx(2.0 * 0.625)
    assert lines["CloudFront data transfer out"] == pytest.approx(0.5 * 0.085)
    assert lines["Lambda requests"] == pytest.approx(0.20)
    assert lines["API Gateway HTTP API"] + lines["CloudFront requests"] == pytest.approx(2.00)
    assert lines["WAF requests"] == pytest.approx(0.60)


def test_the_edge_alone_is_the_issue_s_2_80_per_million() -> None:
    lines = cost_model.per_million([_load("idle", 1)])
    edge = ("Lambda requests", "API Gateway HTTP API", "CloudFront requests", "WAF requests")

    assert sum(lines[name] for name in edge) == pytest.approx(2.80)


def test_the_rows_name_the_budget_line_and_whether_it_is_met() -> None:
    cheap = cost_model.per_million_rows([_load("a", 1, cpu_ms=1.0, read_units=0.5)])
    dear = cost_model.per_million_rows([_load("a", 1, write_units=2.0)])  # $1.25 of writes

    assert next(r for r in cheap if "+ DynamoDB" in str(r["route"]))["note"].endswith("met")
    assert next(r for r in dear if "+ DynamoDB" in str(r["route"]))["note"].endswith("MISSED")


def test_a_source_minute_on_fargate_bills_vcpu_and_the_task_memory_per_vcpu() -> None:
    # 3600 CPU seconds = one vCPU-hour, with 2 GB for that hour
    assert cost_model.fargate_per_source_minute(3600) == pytest.approx(0.03238 + 2 * 0.00356)


def test_mediaconvert_bills_each_output_by_its_resolution_class() -> None:
    assert cost_model.mediaconvert_per_source_minute(Renditions(sd=2, hd=1)) == pytest.approx(
        2 * 0.0075 + 0.015
    )
    assert [cost_model.resolution_class(side) for side in (360, 480, 720, 1080, 2160)] == [
        "sd",
        "sd",
        "hd",
        "hd",
        "uhd",
    ]


def test_our_code_is_duration_and_dynamodb_only() -> None:
    load = _load("w", 1, cpu_ms=1.0, write_units=1.0, response_bytes=5000.0)
    lines = cost_model.per_million([load])

    assert cost_model.our_code_per_million([load]) == pytest.approx(
        lines["Lambda duration"] + lines["DynamoDB writes"]
    )

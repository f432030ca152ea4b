"""The cost model (``docs/cost.md``): measured figures → dollars, with every price and its source.

Two models, one price list:

* **per 1M mixed API requests** from the load benchmark's per-route figures: Lambda duration at
  each function's declared memory (handler CPU stretched by the memory's share of a vCPU, plus a
  wait per DynamoDB round trip, billed per started millisecond), DynamoDB on-demand request
  units, and the edge every request crosses (CloudFront, WAF, API Gateway HTTP API, Lambda
  requests, CloudFront data transfer out);
* **per source minute** of video from the transcode cost benchmark's CPU seconds: Fargate ARM
  vCPU-hours and GB-hours next to MediaConvert's on-demand price for the same outputs.

Prices are us-east-1 on-demand list prices without free tiers; each names where it comes from
and when it was read, and whether it could be checked against AWS's own page (``docs/cost.md``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from functions import registry

MILLION = 1_000_000
GB = 1024**3


@dataclass(frozen=True)
class Price:
    dollars: float
    unit: str
    source: str
    verified: bool  # the figure was read on AWS's own page (else: quoted by a third party)


#: Read on 2026-12-02 (docs/cost.md).
PRICES = {
    "lambda_arm_gb_second": Price(
        0.0000133334,
        "per GB-second, Arm, first 7.5 B GB-s/month",
        "aws.amazon.com/lambda/pricing (quoted by cloudchipr.com, git.mcrn.ar)",
        False,
    ),
    "lambda_request": Price(0.20 / MILLION, "per request", "aws.amazon.com/lambda/pricing", False),
    "dynamodb_read_unit": Price(
        0.125 / MILLION,
        "per read request unit, on-demand (after the Nov 2024 cut)",
        "aws.amazon.com/dynamodb/pricing/on-demand (quoted by airbyte.com; AWS News Blog notes "
        "the cut, 2025-01-31)",
        False,
    ),
    "dynamodb_write_unit": Price(
        0.625 / MILLION,
        "per write request unit, on-demand (after the Nov 2024 cut)",
        "aws.amazon.com/dynamodb/pricing/on-demand (quoted by airbyte.com)",
        False,
    ),
    "http_api_request": Price(
        1.00 / MILLION,
        "per request, HTTP API, first 300 M/month (metered per 512 KB)",
        "aws.amazon.com/api-gateway/pricing (quoted by apigatewaycost.com, awsforengineers.com)",
        False,
    ),
    "cloudfront_https_request": Price(
        0.0100 / 10_000,
        "per HTTPS request, United States/Mexico/Canada",
        "aws.amazon.com/cloudfront/pricing",
        False,
    ),
    "cloudfront_transfer_out_gb": Price(
        0.085,
        "per GB out to the internet, United States, first 10 TB/month",
        "aws.amazon.com/cloudfront/pricing",
        True,
    ),
    "waf_request": Price(
        0.60 / MILLION,
        "per request inspected by a web ACL (plus $5/ACL and $1/rule a month, fixed)",
        "aws.amazon.com/waf/pricing (quoted by c3x.dev, awsnegotiations.com)",
        False,
    ),
    "fargate_arm_vcpu_hour": Price(
        0.03238,
        "per vCPU-hour, Linux/ARM",
        "aws.amazon.com/fargate/pricing (quoted by vantage.sh)",
        False,
    ),
    "fargate_arm_gb_hour": Price(
        0.00356,
        "per GB-hour, Linux/ARM",
        "aws.amazon.com/fargate/pricing (quoted by vantage.sh)",
        False,
    ),
    "mediaconvert_basic_sd_minute": Price(
        0.0075,
        "per output minute, Basic tier, AVC single pass, SD (< 720 lines), <= 30 fps",
        "aws.amazon.com/mediaconvert/pricing: the figure could not be read in this session",
        False,
    ),
    "mediaconvert_basic_hd_minute": Price(
        0.015,
        "per output minute, Basic tier, AVC single pass, HD (720-1080 lines), <= 30 fps",
        "aws.amazon.com/mediaconvert/pricing: the figure could not be read in this session",
        False,
    ),
}

#: Lambda allots one full vCPU at 1,769 MB and a proportional share below it (AWS Lambda
#: developer guide, "Memory and computing power").
FULL_VCPU_MB = 1769
#: Assumed wait per DynamoDB round trip from a Lambda in the same region (single-digit ms).
DYNAMODB_ROUND_TRIP_MS = 5.0
#: This machine's CPU against a Graviton2 vCPU: taken as equal (not measured).
CPU_SPEED_RATIO = 1.0
_WORKER = next(w for w in registry.CONTAINER_WORKERS if w.queue == "transcode")
#: The transcode worker task's memory per vCPU, as declared (2 vCPU, 4 GB: 2 GB).
WORKER_GB_PER_VCPU = (_WORKER.memory_mb / 1024) / (_WORKER.cpu / 1024)


@dataclass(frozen=True)
class RouteLoad:
    """One route's measured figures in the load run (per request unless named otherwise)."""

    route: str
    requests: int
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    response_bytes: float
    cpu_ms: float
    wall_ms: float
    round_trips: float
    read_units: float
    write_units: float
    memory_mb: int


def lambda_billed_ms(cpu_ms: float, round_trips: float, memory_mb: int) -> int:
    """The milliseconds Lambda bills one request of this route: CPU work slowed to the memory's
    share of a vCPU, plus the DynamoDB waits, rounded up to the millisecond."""
    stretch = max(1.0, FULL_VCPU_MB / memory_mb)
    return math.ceil(cpu_ms * CPU_SPEED_RATIO * stretch + round_trips * DYNAMODB_ROUND_TRIP_MS)


def mixed(loads: Iterable[RouteLoad], attribute: str) -> float:
    """A per-request figure averaged over the mix (weighted by each route's requests)."""
    loads = list(loads)
    total = sum(load.requests for load in loads)
    return sum(getattr(load, attribute) * load.requests for load in loads) / total


def per_million(loads: Iterable[RouteLoad]) -> dict[str, float]:
    """Dollars per 1M requests of the measured mix, per line item."""
    loads = list(loads)
    total = sum(load.requests for load in loads)
    p = {name: price.dollars for name, price in PRICES.items()}
    duration = sum(
        load.requests
        / total
        * lambda_billed_ms(load.cpu_ms, load.round_trips, load.memory_mb)
        / 1000
        * load.memory_mb
        / 1024
        * p["lambda_arm_gb_second"]
        for load in loads
    )
    transfer = mixed(loads, "response_bytes") / GB * p["cloudfront_transfer_out_gb"]
    return {
        "Lambda duration": duration * MILLION,
        "DynamoDB reads": mixed(loads, "read_units") * p["dynamodb_read_unit"] * MILLION,
        "DynamoDB writes": mixed(loads, "write_units") * p["dynamodb_write_unit"] * MILLION,
        "Lambda requests": p["lambda_request"] * MILLION,
        "API Gateway HTTP API": p["http_api_request"] * MILLION,
        "CloudFront requests": p["cloudfront_https_request"] * MILLION,
        "WAF requests": p["waf_request"] * MILLION,
        "CloudFront data transfer out": transfer * MILLION,
    }


OUR_CODE = ("Lambda duration", "DynamoDB reads", "DynamoDB writes")
#: Goal (issue 14): what our code controls, per 1M mixed requests.
OUR_CODE_BUDGET = 1.00


def our_code_per_million(loads: Iterable[RouteLoad]) -> float:
    """Lambda duration + DynamoDB, dollars per 1M requests of the mix (or of one route)."""
    lines = per_million(loads)
    return sum(lines[name] for name in OUR_CODE)


def per_million_rows(loads: Iterable[RouteLoad]) -> list[dict[str, object]]:
    """The model as rows of the load benchmark's table (``route`` names the line item)."""
    loads = list(loads)
    lines = per_million(loads)
    ours = our_code_per_million(loads)
    verdict = "met" if ours <= OUR_CODE_BUDGET else "MISSED"
    rows: list[dict[str, object]] = [
        {"route": f"$ per 1M mixed: {name}", "requests": f"${dollars:.3f}"}
        for name, dollars in sorted(lines.items(), key=lambda item: -item[1])
    ]
    rows.append(
        {
            "route": "$ per 1M mixed: Lambda duration + DynamoDB",
            "requests": f"${ours:.3f}",
            "note": f"goal <= ${OUR_CODE_BUDGET:.2f}: {verdict}",
        }
    )
    rows.append({"route": "$ per 1M mixed: total", "requests": f"${sum(lines.values()):.3f}"})
    return rows


# --------------------------------------------------------------------------- video


@dataclass(frozen=True)
class Renditions:
    """How many outputs of each MediaConvert resolution class the ladder produces."""

    sd: int
    hd: int


def fargate_per_source_minute(cpu_seconds_per_minute: float) -> float:
    """Dollars of Fargate ARM compute for one source minute: its CPU seconds as vCPU-seconds,
    with the worker task's memory per vCPU billed alongside (tasks kept busy)."""
    hours = cpu_seconds_per_minute / 3600
    vcpu = hours * PRICES["fargate_arm_vcpu_hour"].dollars
    memory = hours * WORKER_GB_PER_VCPU * PRICES["fargate_arm_gb_hour"].dollars
    return vcpu + memory


def mediaconvert_per_source_minute(outputs: Renditions) -> float:
    """MediaConvert Basic tier on demand for the same outputs: each output minute billed."""
    return (
        outputs.sd * PRICES["mediaconvert_basic_sd_minute"].dollars
        + outputs.hd * PRICES["mediaconvert_basic_hd_minute"].dollars
    )


def resolution_class(short_side: int) -> str:
    """MediaConvert's classes: SD below 720 lines, HD 720-1080, UHD above."""
    if short_side < 720:
        return "sd"
    if short_side <= 1080:
        return "hd"
    return "uhd"

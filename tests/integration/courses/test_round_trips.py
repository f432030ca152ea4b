"""Round-trip budgets (DESIGN.md §4), measured by the benchmark against the real handlers, and
the guard that fails any request path issuing a DynamoDB Scan."""

from __future__ import annotations

import pytest

from benchmarks.round_trips import measure
from functions.courses import repository
from functions.courses.repository import CategoryItem
from local import guards
from tests.support.cloud import Platform


def test_every_measured_request_stays_within_its_round_trip_budget(platform: Platform) -> None:
    rows = {row["request"]: row for row in measure(platform)}

    over = {name: row["calls"] for name, row in rows.items() if not row["within_budget"]}
    assert not over
    assert all(row["budget"] <= 3 for row in rows.values())
    assert rows["catalog list"]["dynamodb_round_trips"] == 1
    assert rows["course detail by id (anonymous)"]["dynamodb_round_trips"] == 1
    assert rows["course detail by id (enrolled learner)"]["dynamodb_round_trips"] == 1
    assert rows["enroll (new enrollment)"]["dynamodb_round_trips"] == 3
    assert rows["complete lesson"]["dynamodb_round_trips"] == 3
    assert not [name for name, row in rows.items() if "Scan" in row["calls"]]


def test_a_scan_on_a_request_path_fails_the_request(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    def scanning() -> list[CategoryItem]:
        return list(CategoryItem.scan())

    monkeypatch.setattr(repository, "categories", scanning)

    response = platform.call("GET", "/v1/categories")

    assert response.status == 500 and response.error_code == "SCAN_ON_REQUEST_PATH"
    stats = guards.last_request.get()
    assert stats is not None and ("dynamodb", "Scan") not in stats.calls
    assert stats.violations == ["GET /v1/categories issued a DynamoDB Scan"]

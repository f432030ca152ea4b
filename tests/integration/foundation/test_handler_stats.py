"""The local gateway's per-route cost figures (``GET /_local/stats``, ``local/capacity.py``): what
the load benchmark and the cost model read."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from coursewave.config import settings
from functions.courses import repository
from local import guards, moto_dynamodb
from tests.integration.courses.builders import build_course, enroll
from tests.support.cloud import Platform
from tests.support.personas import Personas

ENROLL = "POST /v1/courses/{id}/enroll"
CATEGORIES = "GET /v1/categories"


def _stats(platform: Platform) -> dict[str, dict[str, object]]:
    response = platform.call("GET", "/_local/stats")
    assert response.status == 200
    return response.json()["routes"]


def test_each_route_adds_its_requests_cpu_round_trips_and_units(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.owner)
    before = _stats(platform).get(ENROLL, {"requests": 0, "dynamodb_round_trips": 0})

    enroll(platform, course.id, personas.student)
    first = guards.last_request.get()
    enroll(platform, course.id, personas.student)  # already enrolled: a read, no write
    again = guards.last_request.get()

    after = _stats(platform)[ENROLL]
    assert first is not None and again is not None
    assert after["function"] == "enrollment"
    assert after["requests"] - before["requests"] == 2
    assert after["dynamodb_round_trips"] - before["dynamodb_round_trips"] == (
        first.dynamodb_round_trips + again.dynamodb_round_trips
    )
    assert after["cpu_seconds"] > 0
    assert after["wall_seconds"] >= after["cpu_seconds"] / 2  # CPU of one thread, mostly
    assert after["write_units"] >= 2  # the enrollment and the course's counter at least
    assert after["read_units"] > 0


def test_reading_the_stats_is_not_itself_counted(platform: Platform) -> None:
    _stats(platform)
    _stats(platform)

    assert not [route for route in _stats(platform) if "_local" in route]


def test_cpu_of_threads_the_handler_starts_counts_for_its_route(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    spin_seconds = 0.05
    original = repository.categories

    def spin() -> None:
        deadline = time.thread_time() + spin_seconds
        while time.thread_time() < deadline:
            pass

    def categories() -> object:
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(spin).result()
        return original()

    monkeypatch.setattr(repository, "categories", categories)
    before = _stats(platform).get(CATEGORIES, {"cpu_seconds": 0.0})["cpu_seconds"]

    assert platform.call("GET", "/v1/categories").status == 200

    assert _stats(platform)[CATEGORIES]["cpu_seconds"] - before >= spin_seconds


def test_a_stored_item_is_sized_with_the_indexes_holding_it(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.owner)
    table = settings().table_name
    key = {"PK": {"S": f"COURSE#{course.id}"}, "SK": {"S": "COURSE"}}

    found = moto_dynamodb.stored_item(table, key)

    assert found is not None
    size, indexes = found
    assert 200 < size < 400_000
    assert indexes >= 1  # a published course is listed through an index
    assert moto_dynamodb.stored_item(table, {**key, "SK": {"S": "NOTHING"}}) is None
    assert moto_dynamodb.stored_item("no-such-table", key) is None

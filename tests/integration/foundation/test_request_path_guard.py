"""The request-path guard (``local/guards.py``): no Scan and no PartiQL while a request is served,
in the handler's own thread or in any thread it starts, and a refusal the caller can tell apart
from any other 500 (``SCAN_ON_REQUEST_PATH``), however the handler deals with the exception."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import boto3
import pytest

from coursewave.config import settings
from functions.courses import repository
from functions.courses.repository import CategoryItem
from local import guards
from tests.support.cloud import Platform

GUARD_CODE = "SCAN_ON_REQUEST_PATH"


def _serve_categories_with(monkeypatch: pytest.MonkeyPatch, work: Callable[[], object]) -> None:
    """``GET /v1/categories`` runs ``work`` where it would read the counters."""

    def categories() -> list[object]:
        work()
        return []

    monkeypatch.setattr(repository, "categories", categories)


def _select(where: str = "") -> str:
    """A PartiQL read of the whole table (or of one partition)."""
    return f'SELECT * FROM "{settings().table_name}" {where}'.strip()  # noqa: S608 - fixed text


def _scan() -> None:
    list(CategoryItem.scan())


def _assert_refused_by_the_guard(platform: Platform, operation: str) -> None:
    response = platform.call("GET", "/v1/categories")

    assert response.status == 500 and response.error_code == GUARD_CODE, response.body
    stats = guards.last_request.get()
    assert stats is not None and stats.violations
    assert ("dynamodb", operation) not in stats.calls  # refused before it reached DynamoDB


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        (
            "ExecuteStatement",
            lambda: boto3.client("dynamodb").execute_statement(Statement=_select()),
        ),
        (
            "BatchExecuteStatement",
            lambda: boto3.client("dynamodb").batch_execute_statement(
                Statements=[{"Statement": _select("WHERE PK = 'X'")}]
            ),
        ),
        (
            "ExecuteTransaction",
            lambda: boto3.client("dynamodb").execute_transaction(
                TransactStatements=[{"Statement": _select("WHERE PK = 'X'")}]
            ),
        ),
    ],
)
def test_partiql_on_a_request_path_is_refused(
    platform: Platform,
    monkeypatch: pytest.MonkeyPatch,
    operation: str,
    call: Callable[[], object],
) -> None:
    _serve_categories_with(monkeypatch, call)

    _assert_refused_by_the_guard(platform, operation)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_scan_in_a_thread_the_handler_starts_is_refused(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The thread's exception dies with the thread: without the gateway's check the request
    # would answer 200 with a Scan behind it.
    def in_a_thread() -> None:
        thread = threading.Thread(target=_scan)
        thread.start()
        thread.join()

    _serve_categories_with(monkeypatch, in_a_thread)

    _assert_refused_by_the_guard(platform, "Scan")


def test_a_scan_in_a_pool_the_handler_starts_is_refused(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    def in_a_pool() -> None:
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda _: _scan(), range(2)))

    _serve_categories_with(monkeypatch, in_a_pool)

    _assert_refused_by_the_guard(platform, "Scan")


def test_a_scan_submitted_to_a_long_lived_pool_is_refused_and_the_pool_stays_clean(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        pool.submit(lambda: None).result()  # its thread exists before any request
        _serve_categories_with(monkeypatch, lambda: pool.submit(_scan).result())

        _assert_refused_by_the_guard(platform, "Scan")
        # Outside a request the same pool thread may scan (consumers and tools do).
        pool.submit(_scan).result()
    finally:
        pool.shutdown()


def test_a_thread_started_while_serving_carries_the_guard_only_for_that_request(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        # The pool's only thread is created while a request is served...
        _serve_categories_with(monkeypatch, lambda: pool.submit(lambda: None).result())
        assert platform.call("GET", "/v1/categories").status == 200
        # ...and work submitted after that request is not attributed to it.
        pool.submit(_scan).result()
    finally:
        pool.shutdown()


def test_a_handler_that_swallows_the_guards_error_still_fails_the_request(
    platform: Platform, monkeypatch: pytest.MonkeyPatch
) -> None:
    def swallowing() -> None:
        with contextlib.suppress(Exception):  # the point: code that hides the refusal
            _scan()

    _serve_categories_with(monkeypatch, swallowing)

    _assert_refused_by_the_guard(platform, "Scan")


def test_reads_that_are_allowed_pass_and_are_counted(platform: Platform) -> None:
    response = platform.call("GET", "/v1/categories")

    assert response.status == 200
    stats = guards.last_request.get()
    assert stats is not None and not stats.violations
    assert ("dynamodb", "Query") in stats.calls

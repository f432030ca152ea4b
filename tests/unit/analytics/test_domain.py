"""The analytics rules: which counter an event moves, date ranges, revenue grouping, the lake's
records."""

from __future__ import annotations

from datetime import date

import pytest

from functions.analytics import domain
from functions.analytics.domain import BadRange, LedgerLine, NotCounted, Revenue

TODAY = date(2026, 12, 1)


def test_each_counted_event_moves_its_counter_on_its_own_day() -> None:
    change = domain.increment(
        "WatchTimeRecorded",
        {
            "course_id": "c1",
            "lesson_id": "l1",
            "seconds": 42,
            "recorded_at": "2026-11-30T23:59:59Z",
        },
    )
    assert change == domain.Increment("watch_seconds", 42, "2026-11-30", "c1", "l1")
    enrolled = domain.increment(
        "EnrollmentCreated", {"course_id": "c1", "enrolled_at": "2026-12-01T00:00:00Z"}
    )
    assert (enrolled.counter, enrolled.amount, enrolled.lesson_id) == ("enrollments", 1, None)
    user = domain.increment("UserRegistered", {"registered_at": "2026-12-01T08:00:00Z"})
    assert user.course_id is None and user.counter == "new_users"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("PaymentSucceeded", {"succeeded_at": "2026-12-01T00:00:00Z"}),  # no rule: ledger's
        ("EnrollmentCreated", {"course_id": "c1"}),
        ("EnrollmentCreated", {"course_id": "c1", "enrolled_at": 5}),
        ("WatchTimeRecorded", {"recorded_at": "2026-12-01T00:00:00Z", "seconds": "10"}),
        ("WatchTimeRecorded", {"recorded_at": "2026-12-01T00:00:00Z", "seconds": -3}),
        ("WatchTimeRecorded", {"recorded_at": "2026-12-01T00:00:00Z", "seconds": True}),
    ],
)
def test_events_without_what_their_rule_needs_are_not_counted(name: str, data: dict) -> None:
    with pytest.raises(NotCounted):
        domain.increment(name, data)


def test_ranges_are_whole_days_up_to_366() -> None:
    assert domain.date_range(None, None, TODAY).days[-1] == "2026-12-01"
    assert len(domain.date_range(None, None, TODAY).days) == 30
    leap = domain.date_range("2024-01-01", "2024-12-31", TODAY)
    assert len(leap.days) == 366 and (leap.start, leap.end) == (
        "2024-01-01T00:00:00Z",
        "2025-01-01T00:00:00Z",
    )
    stamped = domain.date_range("2026-11-01T22:00:00Z", "2026-11-02T01:00:00Z", TODAY)
    assert stamped.days == ["2026-11-01", "2026-11-02"]


@pytest.mark.parametrize(
    ("from_", "to", "field"),
    [
        ("2025-01-01", "2026-01-02", "to"),
        ("2026-01-02", "2026-01-01", "from"),
        ("01/02/2026", None, "from"),
        (None, "soon", "to"),
    ],
)
def test_bad_ranges_name_their_field(from_: str | None, to: str | None, field: str) -> None:
    with pytest.raises(BadRange) as raised:
        domain.date_range(from_, to, TODAY)
    assert raised.value.field == field


def _line(**overrides: object) -> LedgerLine:
    values: dict = {
        "course_id": "c1",
        "provider": "stripe",
        "currency": "USD",
        "gross": 1000,
        "provider_fee": 59,
        "commission": 200,
        "instructor_net": 741,
        "succeeded_at": "2026-11-30T10:00:00Z",
        "refunded": False,
    }
    return LedgerLine(**(values | overrides))


def test_revenue_groups_by_day_course_provider_and_currency() -> None:
    revenue = Revenue.of(
        [
            _line(),
            _line(course_id="c2", succeeded_at="2026-12-01T01:00:00Z"),
            _line(refunded=True),
            _line(currency="RWF", provider="mtn_momo", gross=5000, provider_fee=0,
                  commission=1000, instructor_net=4000),
        ]
    )  # fmt: skip

    usd = revenue.by_currency["USD"]
    assert (usd.gross, usd.fees, usd.commission, usd.net, usd.count) == (2000, 118, 400, 1482, 2)
    assert (usd.refunded_count, usd.refunded_gross) == (1, 1000)
    assert revenue.by_day[("2026-11-30", "USD")].count == 1
    assert revenue.by_day[("2026-12-01", "USD")].count == 1
    assert revenue.by_course[("c2", "USD")].gross == 1000
    assert revenue.by_provider[("mtn_momo", "RWF")].net == 4000


def test_days_without_activity_are_zeros() -> None:
    span = domain.date_range("2026-11-29", "2026-11-30", TODAY)
    rows = domain.by_day({"2026-11-30": {"enrollments": 2}}, span)
    assert [(r["day"], r["enrollments"], r["watch_seconds"]) for r in rows] == [
        ("2026-11-29", 0, 0),
        ("2026-11-30", 2, 0),
    ]


def test_completion_percent_is_bounded() -> None:
    assert domain.completion_percent(0, 0) == 0
    assert domain.completion_percent(1, 3) == 33
    assert domain.completion_percent(5, 4) == 100  # learners revoked after completing


def test_lake_records_flatten_the_envelope_and_drop_personal_fields() -> None:
    record = domain.lake_record(
        {
            "source": "coursewave.payments",
            "detail-type": "PaymentSucceeded",
            "detail": {
                "metadata": {"event_id": "e1", "version": 1, "occurred_at": "2026-12-01T00:00:00Z"},
                "data": {"payment_id": "p1", "payer": {"email": "a@b.c", "payer_name": "A"},
                         "user_email": "x@y.z", "phone": "2507", "amount": {"amount": 5}},
            },
        }
    )  # fmt: skip
    assert record["data"] == {"payment_id": "p1", "payer": {}, "amount": {"amount": 5}}
    assert (record["event_id"], record["detail_type"], record["correlation_id"]) == (
        "e1",
        "PaymentSucceeded",
        None,
    )
    with pytest.raises(domain.NotAnEvent):
        domain.lake_record({"detail": {"data": {}}})

"""The statistics routes: date ranges, the platform's and each course's counters by day, the
drop-off along a course's lessons, and revenue read from the payments ledger."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.analytics.conftest import Classroom
from tests.integration.courses.builders import build_course, enroll
from tests.integration.payments.conftest import Shop
from tests.support.cloud import Platform
from tests.support.personas import Personas

ADMIN_STATS = ("overview", "courses", "payments")


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


@pytest.mark.parametrize("route", ADMIN_STATS)
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?from=2025-01-01&to=2026-01-02", "to"),  # 367 days
        ("?from=2026-03-02&to=2026-03-01", "from"),  # backwards
        ("?from=yesterday", "from"),
        ("?to=2026-13-40", "to"),
    ],
)
def test_a_bad_range_is_a_422_naming_the_field(
    platform: Platform, personas: Personas, route: str, query: str, field: str
) -> None:
    response = platform.call("GET", f"/v1/admin/stats/{route}{query}", caller=personas.admin)

    assert response.status == 422, response.json()
    assert response.error_code == "VALIDATION_ERROR"
    assert [f["field"] for f in response.json()["error"]["details"]["fields"]] == [field]


def test_a_range_of_366_days_is_accepted_and_every_day_is_listed(
    platform: Platform, personas: Personas
) -> None:
    response = platform.call(
        "GET", "/v1/admin/stats/overview?from=2024-01-01&to=2024-12-31", caller=personas.admin
    )

    assert response.status == 200, response.json()
    body = response.json()
    assert (body["from"], body["to"]) == ("2024-01-01", "2024-12-31")
    assert len(body["days"]) == 366 and body["days"][59]["day"] == "2024-02-29"


def test_an_unknown_parameter_is_a_400(platform: Platform, personas: Personas) -> None:
    response = platform.call(
        "GET", "/v1/admin/stats/overview?since=2026-01-01", caller=personas.admin
    )

    assert response.status == 400 and response.error_code == "BAD_REQUEST"


def test_the_default_range_is_the_last_30_days(platform: Platform, personas: Personas) -> None:
    body = platform.call("GET", "/v1/admin/stats/overview", caller=personas.admin).json()

    assert body["to"] == _today() and len(body["days"]) == 30


def test_course_stats_show_the_drop_off_along_the_lessons(classroom: Classroom) -> None:
    lessons = classroom.course.lesson_ids
    learners = [
        classroom.personas.student,
        classroom.personas.other_student,
        classroom.platform.user("student"),
        classroom.platform.user("student"),
    ]
    for learner in learners:
        classroom.enroll(learner)
    for count, learner in zip((3, 2, 1, 0), learners, strict=True):
        for lesson in lessons[:count]:
            classroom.complete(learner, lesson)
    classroom.watch(learners[0], lessons[0], 45, after=50)
    classroom.platform.drain()

    body = classroom.stats()

    assert body["enrollment_count"] == 4
    assert [(x["lesson_id"], x["completions"]) for x in body["lessons"]] == list(
        zip(lessons, [3, 2, 1], strict=True)
    )
    assert [x["completion_percent"] for x in body["lessons"]] == [75, 50, 25]
    assert [x["position"] for x in body["lessons"]] == [1, 2, 3]
    assert body["lessons"][0]["watch_seconds"] == 45
    today = next(d for d in body["days"] if d["day"] == _today())
    assert (today["enrollments"], today["completions"], today["watch_seconds"]) == (4, 1, 45)
    assert body["totals"]["lesson_completions"] == 6
    assert body["rating"] is None  # no reviews yet


def test_course_stats_honour_the_range(classroom: Classroom) -> None:
    classroom.enroll(classroom.personas.student)
    classroom.platform.drain()
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()

    before = classroom.stats(query=f"?from=2026-01-01&to={yesterday}")

    assert before["totals"]["enrollments"] == 0
    assert classroom.stats()["totals"]["enrollments"] == 1


def test_the_course_ranking_lists_courses_by_enrollments_with_titles(
    classroom: Classroom,
) -> None:
    platform, personas = classroom.platform, classroom.personas
    quiet = build_course(platform, personas.owner, lessons=1, title="A quiet course")
    enroll(platform, quiet.id, personas.student)
    for learner in (personas.student, personas.other_student):
        classroom.enroll(learner)
    platform.drain()

    body = platform.call("GET", "/v1/admin/stats/courses", caller=personas.admin).json()
    top = platform.call("GET", "/v1/admin/stats/courses?limit=1", caller=personas.admin).json()

    assert [(c["course_id"], c["enrollments"]) for c in body["items"]] == [
        (classroom.course.id, 2),
        (quiet.id, 1),
    ]
    assert body["items"][1]["title"] == "A quiet course" and body["course_count"] == 2
    assert [c["course_id"] for c in top["items"]] == [classroom.course.id]
    assert top["course_count"] == 2


def test_revenue_comes_from_the_ledger_and_a_refund_leaves_it(shop: Shop) -> None:
    admin = shop.personas.admin
    first = shop.paid(shop.personas.student)
    shop.paid(shop.personas.other_student, "mtn_momo")
    refunded = shop.platform.call(
        "POST", f"/v1/admin/payments/{first}/refund", caller=admin, json_body={"reason": "asked"}
    )
    assert refunded.status == 200, refunded.json()
    shop.platform.drain()

    body = shop.platform.call("GET", "/v1/admin/stats/payments", caller=admin).json()
    overview = shop.platform.call("GET", "/v1/admin/stats/overview", caller=admin).json()
    ranking = shop.platform.call("GET", "/v1/admin/stats/courses", caller=admin).json()

    totals = {t["currency"]: t for t in body["totals"]}
    assert set(totals) == {"USD", "RWF"}
    assert (totals["USD"]["gross"], totals["USD"]["count"]) == (0, 0)
    assert (totals["USD"]["refunded_count"], totals["USD"]["refunded_gross"]) == (1, 1999)
    assert (totals["RWF"]["gross"], totals["RWF"]["count"]) == (5000, 1)
    rwf = totals["RWF"]
    assert rwf["net"] == rwf["gross"] - rwf["fees"] - rwf["commission"]
    assert {(p["provider"], p["currency"]) for p in body["by_provider"]} == {
        ("stripe", "USD"),
        ("mtn_momo", "RWF"),
    }
    assert [(d["day"], d["currency"]) for d in body["by_day"]] == [
        (_today(), "RWF"),
        (_today(), "USD"),
    ]
    assert [c["course_id"] for c in body["by_course"]] == [shop.course.id] * 2
    assert overview["revenue"] == body["totals"]
    assert overview["totals"]["enrollments"] == 2 and overview["totals"]["revocations"] == 1
    assert [(c["course_id"], c["enrollments"]) for c in ranking["items"]] == [(shop.course.id, 2)]

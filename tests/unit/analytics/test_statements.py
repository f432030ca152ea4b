"""xAPI statements from events (``statements.ROWS``): valid xAPI 1.0.3 by the rules of
tests/support/xapi.py, deterministic, and the checker itself catches broken statements."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from functions import registry
from functions.analytics import statements
from tests.support import xapi as rules

BASE = "https://api.coursewave.test"
EXAM = {
    "exam_id": "exm_1",
    "course_id": "crs_1",
    "user_id": "u-1",
    "score_percent": 85.5,
    "passed": True,
    "graded_at": "2026-12-01T11:00:00Z",
}
DATA: dict[str, dict[str, Any]] = {
    "EnrollmentCreated": {
        "enrollment_id": "enr_1",
        "course_id": "crs_1",
        "user_id": "u-1",
        "source": "free",
        "enrolled_at": "2026-12-01T10:00:00Z",
        "price": {"amount": 0, "currency": "USD"},
    },
    "WatchTimeRecorded": {
        "enrollment_id": "enr_1",
        "course_id": "crs_1",
        "user_id": "u-1",
        "lesson_id": "les_1",
        "seconds": 30,
        "position_seconds": 90,
        "recorded_at": "2026-12-01T10:05:00Z",
    },
    "LessonCompleted": {
        "enrollment_id": "enr_1",
        "course_id": "crs_1",
        "user_id": "u-1",
        "lesson_id": "les_1",
        "completed_at": "2026-12-01T10:06:00Z",
        "progress_percent": 50,
    },
    "CourseCompleted": {
        "enrollment_id": "enr_1",
        "course_id": "crs_1",
        "user_id": "u-1",
        "completed_at": "2026-12-01T10:09:00Z",
        "lesson_count": 2,
    },
    "ExamPassed": EXAM,
    "ExamFailed": EXAM | {"score_percent": 40.0, "passed": False},
}


def test_every_row_has_sample_data_and_the_xapi_queue_receives_exactly_those_events() -> None:
    assert set(DATA) == set(statements.ROWS)
    consumer = next(c for c in registry.CONSUMERS if c.name == "analytics-xapi")
    assert set(consumer.detail_types) == set(statements.ROWS)


@pytest.mark.parametrize("name", sorted(DATA))
def test_each_event_becomes_a_valid_statement(name: str) -> None:
    made = statements.statement(name, "01evt", DATA[name], BASE + "/")

    assert made is not None
    assert rules.problems(made) == []
    assert made["id"] == str(uuid.uuid5(statements.NAMESPACE, "01evt"))
    assert made["actor"]["account"] == {"homePage": BASE, "name": "u-1"}
    assert made["timestamp"] == DATA[name][statements.ROWS[name].at]


def test_ids_are_deterministic_and_registrations_shared_per_enrollment() -> None:
    made = [statements.statement(n, f"evt-{n}", d, BASE) for n, d in DATA.items()]
    again = [statements.statement(n, f"evt-{n}", d, BASE) for n, d in DATA.items()]

    assert made == again
    assert len({s["id"] for s in made if s}) == len(DATA)
    assert len({s["context"]["registration"] for s in made if s}) == 1


def test_an_event_without_a_row_makes_no_statement() -> None:
    assert statements.statement("PaymentSucceeded", "e", {}, BASE) is None


@pytest.mark.parametrize(
    ("name", "percent", "scaled", "success"),
    [("ExamPassed", 85.5, 0.855, True), ("ExamFailed", 0, 0.0, False)],
)
def test_exam_rows_carry_a_scored_result(
    name: str, percent: float, scaled: float, success: bool
) -> None:
    data = EXAM | {"score_percent": percent, "passed": success}

    made = statements.statement(name, "e-exam", data, BASE, rows=statements.ROWS)

    assert made is not None and rules.problems(made) == []
    assert (
        made["verb"]["id"] == f"http://adlnet.gov/expapi/verbs/{'passed' if success else 'failed'}"
    )
    assert made["result"]["score"] == {"scaled": scaled, "raw": percent, "min": 0, "max": 100}
    assert made["result"]["success"] is success
    assert made["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"


def _valid() -> dict[str, Any]:
    made = statements.statement("WatchTimeRecorded", "e", DATA["WatchTimeRecorded"], BASE)
    assert made is not None
    return made


@pytest.mark.parametrize(
    ("breaks", "rule"),
    [
        (lambda s: s.update(id="not-a-uuid"), "id"),
        (lambda s: s["actor"].update(mbox="mailto:a@b.c"), "actor"),
        (lambda s: s["actor"].pop("account"), "actor"),
        (lambda s: s["verb"].update(id="http://example.com/verbs/watched"), "verb.id"),
        (lambda s: s["object"].update(id="lesson 1"), "object.id"),
        (lambda s: s.update(result={"score": {"scaled": 1.5}}), "result.score.scaled"),
        (lambda s: s.update(result={"duration": "30 seconds"}), "result.duration"),
        (lambda s: s["context"].update(registration="r1"), "context.registration"),
        (lambda s: s.update(timestamp="yesterday"), "timestamp"),
        (lambda s: s.update(timestamp="2026-12-01T10:00:00"), "timestamp"),
        (lambda s: s.update(extra=1), "unknown"),
    ],
)
def test_the_checker_catches_each_broken_rule(breaks: Any, rule: str) -> None:
    statement = copy.deepcopy(_valid())
    breaks(statement)

    found = rules.problems(statement)

    assert any(problem.startswith(rule) for problem in found), found

"""What the learner's hot writes cost and keep: a resume-point save writes one small item outside
every index, a replayed completion writes only that item, the dashboard's order moves at most
once per ``ACTIVITY_REFRESH``, and watch time stays exactly once under races."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from functions.enrollment.domain import ACTIVITY_REFRESH
from local import guards
from local.capacity import WRITE_UNIT_BYTES, indexes_holding, item_size
from tests.integration.courses.builders import BuiltCourse, build_course, enroll, ok
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas
from tests.support.snapshot import table_items


class Clock:
    """``now()`` for the enrollment logic: a fixed moment that moves when told."""

    def __init__(self) -> None:
        self.moment = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.moment

    def advance(self, seconds: float) -> None:
        self.moment += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("functions.enrollment.logic.now", clock)
    return clock


def _items(platform: Platform) -> dict[tuple[str, str], dict[str, Any]]:
    return {(i["PK"]["S"], i["SK"]["S"]): i for i in table_items(platform)}


def _written(
    before: dict[tuple[str, str], dict[str, Any]], after: dict[tuple[str, str], dict[str, Any]]
) -> list[dict[str, Any]]:
    """The items a request created or changed."""
    return [item for k, item in after.items() if before.get(k) != item]


def _save(platform: Platform, learner: Caller, course: BuiltCourse, lesson: str, at: int) -> None:
    path = f"/v1/courses/{course.id}/lessons/{lesson}/position"
    response = platform.call("PUT", path, caller=learner, json_body={"position_seconds": at})
    assert response.status == 204, response.body


def _dynamodb_calls() -> list[str]:
    """The DynamoDB operations of the request just made."""
    stats = guards.last_request.get()
    assert stats is not None
    return [op for service, op in stats.calls if service == "dynamodb"]


def _complete(platform: Platform, learner: Caller, course: BuiltCourse, lesson: str) -> Any:
    path = f"/v1/courses/{course.id}/lessons/{lesson}/complete"
    return ok(platform.call("POST", path, caller=learner))


def _progress(platform: Platform, learner: Caller, course: BuiltCourse) -> Any:
    return ok(platform.call("GET", f"/v1/courses/{course.id}/progress", caller=learner))


def _enrollment_item(platform: Platform, learner: Caller, course: BuiltCourse) -> dict[str, Any]:
    return _items(platform)[(f"USER#{learner.user_id}", f"ENROLLMENT#{course.id}")]


def _enrolled(platform: Platform, personas: Personas, lessons: int) -> BuiltCourse:
    """A new course of ``lessons`` lessons the student is enrolled in."""
    course = build_course(platform, personas.instructor, lessons=lessons)
    enroll(platform, course.id, personas.student)
    return course


def test_a_position_save_writes_one_small_item_outside_every_index(
    platform: Platform, personas: Personas, clock: Clock
) -> None:
    course = _enrolled(platform, personas, lessons=2)
    learner = personas.student
    lesson = course.lesson_ids[0]
    _save(platform, learner, course, lesson, 0)  # the first save: no watch time yet
    clock.advance(20)
    before = _items(platform)

    _save(platform, learner, course, lesson, 0)  # went nowhere: nothing counts

    assert _dynamodb_calls() == ["GetItem", "BatchGetItem", "PutItem"]
    (resume,) = _written(before, _items(platform))
    assert resume["entity"]["S"] == "Resume" and resume["SK"]["S"] == f"RESUME#{course.id}"
    assert indexes_holding(resume) == 0 and item_size(resume) < WRITE_UNIT_BYTES // 2
    assert platform.events("WatchTimeRecorded") == []

    clock.advance(15)
    before = _items(platform)
    _save(platform, learner, course, lesson, 12)  # 12 s watched: the event goes with the save

    written = _written(before, _items(platform))
    assert sorted(i["entity"]["S"] for i in written) == ["OutboxEvent", "Resume"]
    assert all(item_size(i) < WRITE_UNIT_BYTES for i in written)
    (watched,) = platform.events("WatchTimeRecorded")
    assert watched["detail"]["data"]["seconds"] == 12
    state = _progress(platform, learner, course)
    assert (state["last_lesson_id"], state["last_position_seconds"]) == (lesson, 12)


def test_the_dashboard_order_moves_at_most_once_per_refresh_interval(
    platform: Platform, personas: Personas, clock: Clock
) -> None:
    first = build_course(platform, personas.instructor, lessons=1, title="First")
    second = build_course(platform, personas.instructor, lessons=1, title="Second")
    learner = personas.student
    enroll(platform, first.id, learner)
    clock.advance(1)
    enroll(platform, second.id, learner)
    indexed = _enrollment_item(platform, learner, first)["GSI2SK"]

    clock.advance(ACTIVITY_REFRESH.total_seconds() - 5)
    _save(platform, learner, first, first.lesson_ids[0], 30)
    assert _enrollment_item(platform, learner, first)["GSI2SK"] == indexed

    clock.advance(10)  # the enrollment's indexed activity is now older than the interval
    _save(platform, learner, first, first.lesson_ids[0], 40)
    # in the same write as the resume point: the round-trip budget (3) holds
    assert _dynamodb_calls() == ["GetItem", "BatchGetItem", "TransactWriteItems"]
    moved = _enrollment_item(platform, learner, first)
    assert moved["GSI2SK"] != indexed
    assert moved["GSI2SK"]["S"] == f"{moved['last_activity_at']['S']}#{first.id}"
    dashboard = ok(platform.call("GET", "/v1/me/dashboard", caller=learner))
    assert [e["course"]["id"] for e in dashboard["enrollments"]] == [first.id, second.id]

    clock.advance(30)
    _save(platform, learner, first, first.lesson_ids[0], 70)
    assert _enrollment_item(platform, learner, first) == moved  # within the interval again


def test_a_replayed_completion_writes_only_the_resume_point(
    platform: Platform, personas: Personas, clock: Clock
) -> None:
    course = _enrolled(platform, personas, lessons=3)
    learner = personas.student
    a, b, _ = course.lesson_ids
    _complete(platform, learner, course, a)
    clock.advance(5)
    _save(platform, learner, course, b, 0)
    clock.advance(5)
    _complete(platform, learner, course, b)
    clock.advance(5)
    before = _items(platform)

    replay = _complete(platform, learner, course, a)

    (resume,) = _written(before, _items(platform))
    assert resume["entity"]["S"] == "Resume" and resume["lesson_id"]["S"] == a
    assert replay["completed_lesson_ids"] == [a, b] and replay["percent"] == 66
    assert replay["last_lesson_id"] == a and replay["last_position_seconds"] == 0
    assert [e["detail"]["data"]["lesson_id"] for e in platform.events("LessonCompleted")] == [
        a,
        b,
    ]
    assert _progress(platform, learner, course)["last_lesson_id"] == a


def test_two_saves_at_once_count_watch_time_once(
    platform: Platform, personas: Personas, clock: Clock
) -> None:
    course = _enrolled(platform, personas, lessons=1)
    learner = personas.student
    lesson = course.lesson_ids[0]
    _save(platform, learner, course, lesson, 0)
    clock.advance(30)
    barrier = threading.Barrier(2)

    def save(at: int) -> None:
        barrier.wait()
        _save(platform, learner, course, lesson, at)

    threads = [threading.Thread(target=save, args=(at,)) for at in (25, 30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # Both read the same resume point; the one that lost the condition read again and found
    # the other's save, at the same moment: no second count of the same 30 s.
    (watched,) = platform.events("WatchTimeRecorded")
    state = _progress(platform, learner, course)
    assert watched["detail"]["data"]["position_seconds"] in (25, 30)
    assert state["last_position_seconds"] in (25, 30)
    resume = _items(platform)[(f"USER#{learner.user_id}", f"RESUME#{course.id}")]
    assert resume["revision"]["N"] == "3"  # the first save, then both of these


def test_a_completion_after_a_save_keeps_the_position_and_moves_the_lesson(
    platform: Platform, personas: Personas, clock: Clock
) -> None:
    course = _enrolled(platform, personas, lessons=2)
    learner = personas.student
    a, b = course.lesson_ids
    _save(platform, learner, course, a, 120)
    clock.advance(5)

    done = _complete(platform, learner, course, b)

    assert (done["last_lesson_id"], done["last_position_seconds"]) == (b, 120)
    clock.advance(5)
    _save(platform, learner, course, a, 130)
    state = _progress(platform, learner, course)
    assert (state["last_lesson_id"], state["last_position_seconds"]) == (a, 130)

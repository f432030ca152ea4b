"""Progress rules: first completions, completion once, percent over the current lessons."""

from __future__ import annotations

from datetime import UTC, datetime

from functions.courses.domain import Course, Money, OutlineLesson, Section
from functions.enrollment.domain import COMPLETED, Enrollment, complete_lesson, resume_at

NOW = datetime(2026, 11, 23, 10, 0, 0, 123000, tzinfo=UTC)


def course(*lesson_ids: str) -> Course:
    return Course(
        id="crs_1",
        slug="c",
        title="C",
        subtitle=None,
        description="d",
        category="development",
        level="beginner",
        tags=[],
        price=Money(0, "USD"),
        instructor_id="i",
        instructor_name="I",
        created_at="t",
        updated_at="t",
        sections=[
            Section(
                id="sec",
                title="S",
                lessons=[OutlineLesson(id=i, title=i, type="text") for i in lesson_ids],
            )
        ],
    )


def enrollment() -> Enrollment:
    return Enrollment(
        id="enr_1",
        user_id="u",
        course_id="crs_1",
        user_name="U",
        user_email="u@x.test",
        enrolled_at="2026-11-20T10:00:00Z",
        last_activity_at="2026-11-20T10:00:00.000Z",
    )


def test_completion_happens_once_when_every_current_lesson_is_done() -> None:
    c, e = course("a", "b"), enrollment()

    first = complete_lesson(e, c, "a", NOW)
    repeat = complete_lesson(e, c, "a", NOW)
    last = complete_lesson(e, c, "b", NOW)
    again = complete_lesson(e, c, "b", NOW)

    assert (first.first_time, first.finishes_course) == (True, False)
    assert (repeat.first_time, repeat.finishes_course) == (False, False)
    assert (last.first_time, last.finishes_course) == (True, True)
    assert (again.first_time, again.finishes_course) == (False, False)
    assert e.completed_at == "2026-11-23T10:00:00Z" and e.status == COMPLETED
    assert e.last_activity_at == "2026-11-23T10:00:00.123Z" and e.last_lesson_id == "b"


def test_percent_is_recomputed_over_the_lessons_of_now() -> None:
    e = enrollment()
    complete_lesson(e, course("a", "b", "c", "d"), "a", NOW)
    complete_lesson(e, course("a", "b", "c", "d"), "b", NOW)
    assert e.percent(course("a", "b", "c", "d")) == 50
    assert e.percent(course("a", "b", "c", "d", "e", "f", "g", "h")) == 25
    assert e.percent(course("b", "c")) == 50
    assert e.percent(course("a", "b")) == 100
    assert e.percent(course()) == 0


def test_a_lesson_removed_before_the_last_completion_still_completes_the_course() -> None:
    e = enrollment()
    complete_lesson(e, course("a", "b", "c"), "a", NOW)
    outcome = complete_lesson(e, course("a", "c"), "c", NOW)
    assert outcome.finishes_course and e.percent(course("a", "c")) == 100


def test_resume_point() -> None:
    e = enrollment()
    resume_at(e, "b", 125, NOW)
    assert (e.last_lesson_id, e.last_position_seconds) == ("b", 125)
    assert e.completed_lesson_ids == set()

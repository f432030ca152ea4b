"""Watch time from position saves: how far the resume point moved, bounded by the wall-clock
time since the learner's previous activity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.enrollment.domain import Enrollment, activity_stamp, watched_seconds

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _enrollment(lesson: str | None, position: int | None) -> Enrollment:
    return Enrollment(
        id="enr_1",
        user_id="u1",
        course_id="c1",
        user_name="A",
        user_email="a@example.test",
        enrolled_at="2026-12-01T09:00:00Z",
        last_activity_at=activity_stamp(START),
        last_lesson_id=lesson,
        last_position_seconds=position,
    )


@pytest.mark.parametrize(
    ("lesson", "position", "saved_at", "saves", "expected"),
    [
        ("l1", 100, 30, 130, 30),  # watched straight on
        ("l1", 100, 30, 600, 30),  # sought ahead: no more than the time that passed
        ("l1", 100, 30, 50, 0),  # went back: nothing
        ("l1", 100, 0, 110, 0),  # no time passed
        ("l2", 100, 45, 40, 40),  # the last save was on another lesson: l1 starts at 0
        (None, None, 3600, 20, 20),  # the first save
    ],
)
def test_watched_seconds(
    lesson: str | None, position: int | None, saved_at: int, saves: int, expected: int
) -> None:
    enrollment = _enrollment(lesson, position)
    moment = START + timedelta(seconds=saved_at)

    assert watched_seconds(enrollment, "l1", saves, moment) == expected

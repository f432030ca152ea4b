"""The resume point kept apart from the enrollment: how the two merge when read, when a save
moves the dashboard's order, and which completions rewrite the enrollment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.enrollment.domain import (
    ACTIVITY_REFRESH,
    Completion,
    activity_refresh_due,
    activity_stamp,
)
from functions.enrollment.repository import EnrollmentItem, ResumeItem, to_enrollment

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def _item(lesson: str | None, position: int | None, at: datetime) -> EnrollmentItem:
    return EnrollmentItem(
        enrollment_id="enr_1",
        user_id="u1",
        course_id="c1",
        user_name="A",
        user_email="a@example.test",
        status="active",
        source="free",
        enrolled_at="2026-12-01T09:00:00Z",
        last_lesson_id=lesson,
        last_position_seconds=position,
        last_activity_at=activity_stamp(at),
        version=3,
    )


def _resume(lesson: str, position: int | None, at: datetime) -> ResumeItem:
    return ResumeItem(
        user_id="u1",
        course_id="c1",
        lesson_id=lesson,
        position_seconds=position,
        saved_at=activity_stamp(at),
        revision=7,
    )


def test_without_a_resume_item_the_enrollment_keeps_its_own_resume_point() -> None:
    e = to_enrollment(_item("a", 40, START))

    assert (e.last_lesson_id, e.last_position_seconds, e.resume_revision) == ("a", 40, 0)
    assert e.indexed_activity_at == e.last_activity_at == activity_stamp(START)


def test_a_later_save_gives_the_lesson_the_position_and_the_activity() -> None:
    saved = START + timedelta(seconds=30)
    e = to_enrollment(_item("a", None, START), _resume("b", 95, saved))

    assert (e.last_lesson_id, e.last_position_seconds, e.resume_revision) == ("b", 95, 7)
    assert e.last_activity_at == activity_stamp(saved)
    assert e.indexed_activity_at == activity_stamp(START)  # the index key as stored
    assert e.version == 3


def test_a_later_completion_keeps_its_lesson_and_the_saved_position() -> None:
    e = to_enrollment(_item("c", None, START + timedelta(seconds=30)), _resume("b", 95, START))

    assert (e.last_lesson_id, e.last_position_seconds) == ("c", 95)
    assert e.last_activity_at == e.indexed_activity_at


@pytest.mark.parametrize(
    ("after", "due"),
    [(ACTIVITY_REFRESH - timedelta(milliseconds=1), False), (ACTIVITY_REFRESH, True)],
)
def test_the_indexed_activity_moves_once_per_interval(after: timedelta, due: bool) -> None:
    # a recent save (the merged activity) does not postpone the refresh: the index key decides
    e = to_enrollment(_item("a", None, START), _resume("a", 10, START + after))

    assert activity_refresh_due(e, START + after) is due


@pytest.mark.parametrize(
    ("first_time", "finishes", "rewrites"),
    [(True, False, True), (True, True, True), (False, True, True), (False, False, False)],
)
def test_only_a_replay_leaves_the_enrollment_alone(
    first_time: bool, finishes: bool, rewrites: bool
) -> None:
    completion = Completion(first_time=first_time, finishes_course=finishes)

    assert completion.changes_enrollment is rewrites

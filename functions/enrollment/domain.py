"""An enrollment and the learner's progress in it, and the rules of progress.

The enrollment item holds what the roster and the dashboard index (completed lessons, status,
the last activity); the resume point, written every few seconds by a player, is a small item of
its own (``repository.ResumeItem``) merged into the ``Enrollment`` when read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from coursewave.clock import iso
from coursewave.users import Principal
from functions.courses.public import (
    Course,
    OutlineLesson,
    is_manager,
    locked_until,
    progress_percent,
)

ACTIVE = "active"
COMPLETED = "completed"
# A paid enrollment whose payment was refunded: no content, no playback; the learner may buy
# the course again (the same item becomes active again).
REVOKED = "revoked"
FREE = "free"
PAID = "paid"
# A resume-point save moves the enrollment in the dashboard's index (its ``last_activity_at``
# sort key: the save becomes a transaction with the enrollment and its index copies, +5 write
# units) at most this often; the resume item itself carries the exact time.
ACTIVITY_REFRESH = timedelta(minutes=5)


def activity_stamp(moment: datetime) -> str:
    """When a learner was last active, to the millisecond: the dashboard's sort key."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


@dataclass
class Enrollment:
    id: str
    user_id: str
    course_id: str
    user_name: str
    user_email: str
    enrolled_at: str
    last_activity_at: str
    status: str = ACTIVE
    source: str = FREE
    completed_at: str | None = None
    completed_lesson_ids: set[str] = field(default_factory=set)
    last_lesson_id: str | None = None
    last_position_seconds: int | None = None
    version: int = 0
    payment_id: str | None = None
    # The resume item's revision as read (0: there is none yet): its writes are conditional on it.
    resume_revision: int = 0
    # ``last_activity_at`` as the enrollment item stores it (the dashboard's sort key); the field
    # above is the later of it and the resume item's save. None: the same as ``last_activity_at``.
    indexed_activity_at: str | None = None

    @property
    def is_revoked(self) -> bool:
        return self.status == REVOKED

    @property
    def enrolled_at_time(self) -> datetime:
        return datetime.fromisoformat(self.enrolled_at)

    def percent(self, course: Course) -> int:
        return progress_percent(self.completed_lesson_ids, course)


def activity_refresh_due(enrollment: Enrollment, now: datetime) -> bool:
    """Whether a resume-point save should also move the enrollment's indexed last activity."""
    indexed = datetime.fromisoformat(enrollment.indexed_activity_at or enrollment.last_activity_at)
    return now - indexed >= ACTIVITY_REFRESH


@dataclass(frozen=True)
class Completion:
    """What completing a lesson changes: whether it is new, and whether it finishes the course."""

    first_time: bool
    finishes_course: bool

    @property
    def changes_enrollment(self) -> bool:
        """A replay changes only the resume point (the last lesson and activity)."""
        return self.first_time or self.finishes_course


def complete_lesson(
    enrollment: Enrollment, course: Course, lesson_id: str, now: datetime
) -> Completion:
    """Record ``lesson_id`` as completed (idempotent) and the course's completion, once.

    Completion is judged over the lessons that exist now; a course already completed stays
    completed (and ``completed_at`` keeps its first value) whatever is added later.
    """
    first_time = lesson_id not in enrollment.completed_lesson_ids
    enrollment.completed_lesson_ids.add(lesson_id)
    enrollment.last_lesson_id = lesson_id
    enrollment.last_activity_at = activity_stamp(now)
    finishes = enrollment.completed_at is None and enrollment.percent(course) == 100
    if finishes:
        enrollment.completed_at = iso(now)
        enrollment.status = COMPLETED
    return Completion(first_time=first_time, finishes_course=finishes)


def watched_seconds(
    enrollment: Enrollment, lesson_id: str, position_seconds: int, now: datetime
) -> int:
    """Seconds of video watched since the learner's previous save: how far the resume point
    moved forward (from 0 on a lesson other than the last one), never more than the wall-clock
    time since the learner's last activity, so seeking ahead or replaying saves cannot inflate
    watch time."""
    same_lesson = enrollment.last_lesson_id == lesson_id
    start = (enrollment.last_position_seconds or 0) if same_lesson else 0
    advanced = max(0, position_seconds - start)
    since = datetime.fromisoformat(enrollment.last_activity_at)
    elapsed = max(0.0, (now - since).total_seconds())
    return int(min(advanced, elapsed))


def resume_at(enrollment: Enrollment, lesson_id: str, position_seconds: int, now: datetime) -> None:
    enrollment.last_lesson_id = lesson_id
    enrollment.last_position_seconds = position_seconds
    enrollment.last_activity_at = activity_stamp(now)


@dataclass
class CourseView:
    """A course as one caller sees it: who they are and their enrollment, if any."""

    course: Course
    principal: Principal | None
    enrollment: Enrollment | None
    now: datetime

    def locked_until(self, lesson: OutlineLesson) -> datetime | None:
        if self.enrollment is None or is_manager(self.course, self.principal):
            return None
        return locked_until(lesson, self.enrollment.enrolled_at_time, self.now)


@dataclass(frozen=True)
class ViewableLesson:
    """A lesson the caller may open, with its content and video reference."""

    course_id: str
    lesson_id: str
    section_id: str
    title: str
    type: str
    position: int
    preview: bool
    duration_seconds: int
    unlock_after_days: int | None
    content: str | None
    # {"source": "upload", "media_id"} or {"source": "youtube"|"dailymotion", "url", "embed_url"}
    video: dict[str, Any] | None

"""Request and response models of the enrollment, progress and learner dashboard routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, StrictInt

from coursewave.course_views import CourseSummaryOut
from coursewave.models import Out, Strict
from functions.courses.public import Course
from functions.enrollment.domain import Enrollment

MAX_POSITION_SECONDS = 24 * 3600


class PositionIn(Strict):
    position_seconds: Annotated[StrictInt, Field(ge=0, le=MAX_POSITION_SECONDS)]


class EnrollmentOut(Out):
    id: str
    course_id: str
    user_id: str
    status: str
    enrolled_at: str
    progress_percent: int
    completed_at: str | None

    @classmethod
    def of(cls, enrollment: Enrollment, course: Course | None) -> EnrollmentOut:
        return cls(**_enrollment_fields(enrollment, course))


def _enrollment_fields(enrollment: Enrollment, course: Course | None) -> dict[str, Any]:
    return {
        "id": enrollment.id,
        "course_id": enrollment.course_id,
        "user_id": enrollment.user_id,
        "status": enrollment.status,
        "enrolled_at": enrollment.enrolled_at,
        "progress_percent": enrollment.percent(course) if course is not None else 0,
        "completed_at": enrollment.completed_at,
    }


class MyEnrollmentOut(EnrollmentOut):
    course: CourseSummaryOut | None

    @classmethod
    def of(cls, enrollment: Enrollment, course: Course | None) -> MyEnrollmentOut:
        summary = CourseSummaryOut.of(course.summary()) if course is not None else None
        return cls(**_enrollment_fields(enrollment, course), course=summary)


class EnrollmentPage(Out):
    items: list[MyEnrollmentOut]
    next_cursor: str | None


class ProgressOut(Out):
    percent: int
    completed_lesson_ids: list[str]
    total_lessons: int
    last_lesson_id: str | None
    last_position_seconds: int | None
    completed_at: str | None

    @classmethod
    def of(cls, enrollment: Enrollment, course: Course) -> ProgressOut:
        current = course.lesson_ids
        return cls(
            percent=enrollment.percent(course),
            completed_lesson_ids=[i for i in current if i in enrollment.completed_lesson_ids],
            total_lessons=len(current),
            last_lesson_id=enrollment.last_lesson_id,
            last_position_seconds=enrollment.last_position_seconds,
            completed_at=enrollment.completed_at,
        )


class StudentUser(Out):
    id: str
    name: str
    email: str


class StudentOut(Out):
    user: StudentUser
    enrolled_at: str
    progress_percent: int
    completed_at: str | None

    @classmethod
    def of(cls, enrollment: Enrollment, course: Course) -> StudentOut:
        return cls(
            user=StudentUser(
                id=enrollment.user_id, name=enrollment.user_name, email=enrollment.user_email
            ),
            enrolled_at=enrollment.enrolled_at,
            progress_percent=enrollment.percent(course),
            completed_at=enrollment.completed_at,
        )


class StudentPage(Out):
    items: list[StudentOut]
    next_cursor: str | None


class DashboardEnrollment(Out):
    course: CourseSummaryOut
    progress_percent: int
    status: str
    last_lesson_id: str | None
    completed_at: str | None


class DashboardOut(Out):
    enrollments: list[DashboardEnrollment]
    certificates: list[dict[str, Any]]
    notifications_unread: int

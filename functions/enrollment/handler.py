"""The course as a viewer sees it (the course page, a lesson: API.md "Catalog and courses"),
enrollment, progress, the course roster and the learner's dashboard (API.md "Enrollment and
progress", and ``/v1/me/dashboard`` and ``/v1/me/enrollments`` of "Me")."""

from __future__ import annotations

from typing import Any

from coursewave.api import PUBLIC, SIGNED_IN, Api, Reply, Request, authorize_user, roles, signed_in
from coursewave.course_views import CourseOut, CourseSummaryOut, LessonOut, VideoOut, course_out
from coursewave.errors import BadRequest
from coursewave.pagination import PageQuery
from coursewave.users import Principal, User
from functions.enrollment import logic, viewer
from functions.enrollment.models import (
    DashboardEnrollment,
    DashboardOut,
    EnrollmentOut,
    EnrollmentPage,
    MyEnrollmentOut,
    PositionIn,
    ProgressOut,
    StudentOut,
    StudentPage,
)

app = Api("enrollment")
lambda_handler = app.lambda_handler

ENROLLED = signed_in(who="an enrolled learner")
LESSON_VIEWERS = signed_in(
    who="enrolled learners (once drip opens the lesson), anyone signed in for a preview lesson "
    "of a published course, the owner, admin"
)
MAX_IDEMPOTENCY_KEY_LENGTH = 255


def _signed_in(claims: dict[str, Any], user: User | None) -> Principal:
    """The check every signed-in route applies, for a bearer token verified here."""
    return authorize_user(SIGNED_IN, claims, user)


@app.route(
    "GET",
    "/v1/courses/{id}",
    access=PUBLIC,
    domain="courses",  # documented with the course routes (API.md "Catalog and courses")
    summary="A course page (by id or slug): the outline, never lesson content. Drafts are "
    "shown to their owner and admins when they send their bearer token",
    response=CourseOut,
    errors=(401, 503),  # a bearer token that fails (viewer.py), the pool's keys unreachable
)
def get_course(id: str, request: Request) -> CourseOut:
    view = logic.course_page(id, viewer.optional_claims(request), _signed_in)
    return course_out(view.course, view.locked_until)


@app.route(
    "GET",
    "/v1/courses/{id}/lessons/{lesson_id}",
    access=LESSON_VIEWERS,
    domain="courses",  # documented with the course routes (API.md "Catalog and courses")
    summary="A lesson with its content and video (course by id or slug)",
    response=LessonOut,
)
def get_lesson(id: str, lesson_id: str, principal: Principal) -> LessonOut:
    lesson = logic.viewable_lesson(id, lesson_id, principal)
    return LessonOut(
        id=lesson.lesson_id,
        course_id=lesson.course_id,
        section_id=lesson.section_id,
        title=lesson.title,
        type=lesson.type,
        position=lesson.position,
        duration_seconds=lesson.duration_seconds,
        preview=lesson.preview,
        unlock_after_days=lesson.unlock_after_days,
        content=lesson.content,
        video=VideoOut(**lesson.video) if lesson.video is not None else None,
    )


@app.route(
    "POST",
    "/v1/courses/{id}/enroll",
    access=SIGNED_IN,
    summary="Enroll in a free course (201), or get the existing enrollment back (200). "
    "Accepts Idempotency-Key; (learner, course) is the natural idempotency key",
    status=201,
    response=EnrollmentOut,
    errors=(402, 409),
)
def enroll(id: str, principal: Principal, request: Request) -> Reply:
    idempotency_key = request.header("idempotency-key")
    if idempotency_key is not None and not 1 <= len(idempotency_key) <= MAX_IDEMPOTENCY_KEY_LENGTH:
        raise BadRequest(f"Idempotency-Key must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters.")
    enrollment, course, created = logic.enroll(principal, id)
    return Reply(201 if created else 200, EnrollmentOut.of(enrollment, course))


@app.route(
    "GET",
    "/v1/courses/{id}/enrollment",
    access=SIGNED_IN,
    summary="My enrollment in a course (404 when not enrolled)",
    response=EnrollmentOut,
)
def get_enrollment(id: str, principal: Principal) -> EnrollmentOut:
    enrollment, course = logic.my_enrollment(principal, id)
    return EnrollmentOut.of(enrollment, course)


@app.route(
    "GET",
    "/v1/courses/{id}/progress",
    access=ENROLLED,
    summary="My progress in a course, measured over the lessons that exist now",
    response=ProgressOut,
)
def get_progress(id: str, principal: Principal) -> ProgressOut:
    enrollment, course = logic.progress(principal, id)
    return ProgressOut.of(enrollment, course)


@app.route(
    "POST",
    "/v1/courses/{id}/lessons/{lesson_id}/complete",
    access=ENROLLED,
    summary="Mark a lesson completed (idempotent)",
    response=ProgressOut,
)
def complete_lesson(id: str, lesson_id: str, principal: Principal) -> ProgressOut:
    enrollment, course = logic.complete_lesson(principal, id, lesson_id)
    return ProgressOut.of(enrollment, course)


@app.route(
    "PUT",
    "/v1/courses/{id}/lessons/{lesson_id}/position",
    access=ENROLLED,
    summary="Save where I stopped in a lesson (the resume point)",
    status=204,
    body=PositionIn,
)
def save_position(id: str, lesson_id: str, body: PositionIn, principal: Principal) -> None:
    logic.save_position(principal, id, lesson_id, body.position_seconds)


@app.route(
    "GET",
    "/v1/courses/{id}/students",
    access=roles("instructor", "admin", who="the course's instructor (owner), admin"),
    summary="The course's learners and their progress",
    query=PageQuery,
    response=StudentPage,
)
def list_students(id: str, query: PageQuery, principal: Principal) -> StudentPage:
    course, enrollments, next_cursor = logic.roster(principal, id, query.limit, query.cursor)
    return StudentPage(
        items=[StudentOut.of(e, course) for e in enrollments], next_cursor=next_cursor
    )


@app.route(
    "GET",
    "/v1/me/enrollments",
    access=SIGNED_IN,
    summary="My enrollments, each with its course",
    query=PageQuery,
    response=EnrollmentPage,
)
def list_my_enrollments(query: PageQuery, principal: Principal) -> EnrollmentPage:
    pairs, next_cursor = logic.my_enrollments(principal, query.limit, query.cursor)
    return EnrollmentPage(
        items=[MyEnrollmentOut.of(e, course) for e, course in pairs], next_cursor=next_cursor
    )


@app.route(
    "GET",
    "/v1/me/dashboard",
    access=SIGNED_IN,
    summary="My learning dashboard: recent courses with progress, certificates, notifications",
    response=DashboardOut,
)
def get_dashboard(principal: Principal) -> DashboardOut:
    board = logic.dashboard(principal)
    return DashboardOut(
        enrollments=[
            DashboardEnrollment(
                course=CourseSummaryOut.of(course.summary()),
                progress_percent=enrollment.percent(course),
                status=enrollment.status,
                last_lesson_id=enrollment.last_lesson_id,
                completed_at=enrollment.completed_at,
            )
            for enrollment, course in board.enrollments
        ],
        certificates=board.tiles.certificates,
        notifications_unread=board.tiles.notifications_unread,
    )

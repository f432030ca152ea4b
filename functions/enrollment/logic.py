"""Enrollment and progress use cases, and the course as a viewer sees it (the course page, a
lesson): both need the caller's enrollment.

Each reads the course and the caller's enrollment in one BatchGetItem (the course's current
outline is what progress is measured against) and writes with one conditional write: a
transaction where an event goes with the change, a plain Put of the small resume item where
only the resume point moves (``docs/cost.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coursewave.clock import iso, new_id, now
from coursewave.errors import Conflict, Forbidden, NotFound, PaymentRequired
from coursewave.events import OutboxEvent, domain_event
from coursewave.pagination import decode_cursor, encode_cursor
from coursewave.users import Principal, User
from functions.courses import public as courses
from functions.courses.public import Course
from functions.enrollment import domain, repository
from functions.enrollment.domain import CourseView, Enrollment, ViewableLesson
from functions.users import public as users

MAX_PROGRESS_ATTEMPTS = 4
DASHBOARD_SIZE = 20


def _event(name: str, enrollment: Enrollment, **data: object) -> OutboxEvent:
    return domain_event(
        "enrollment",
        name,
        {
            "enrollment_id": enrollment.id,
            "course_id": enrollment.course_id,
            "user_id": enrollment.user_id,
            **data,
        },
    )


@dataclass(frozen=True)
class Seen:
    course: Course
    enrollment: Enrollment | None


def _read(principal: Principal, course_id: str, *, with_resume: bool = False) -> Seen:
    """The course (as the caller may see it) and the caller's enrollment (with its resume point,
    ``with_resume``): one BatchGetItem."""
    if not courses.is_course_id(course_id):
        raise NotFound("No such course.")
    found = repository.read(course_id, principal.user_id, with_resume=with_resume)
    course = courses.visible(found.course, principal, enrolled=found.enrollment is not None)
    return Seen(course=course, enrollment=found.enrollment)


# -- the course as a viewer sees it ------------------------------------------------------------

Authorize = Callable[[dict[str, Any], User | None], Principal]


def course_page(ref: str, claims: dict[str, Any] | None, authorize: Authorize) -> CourseView:
    """The course page for an optional verified caller (``claims``): their user record, the
    course and their enrollment in one BatchGetItem (two for a slug new to this instance).
    ``authorize`` turns the claims and the user record into the caller (the HTTP layer's
    check every signed-in route applies)."""
    subject = str(claims.get("sub", "")) if claims else None
    found = repository.read(ref, subject or None, with_user=subject is not None)
    principal = authorize(claims, found.user) if claims is not None else None
    enrollment = found.enrollment
    course = courses.visible(found.course, principal, enrolled=enrollment is not None)
    return CourseView(course=course, principal=principal, enrollment=enrollment, now=now())


def viewable_lesson(
    course_id_or_slug: str, lesson_id: str, principal: Principal | None
) -> ViewableLesson:
    """The lesson with its content and video, or: ``NotFound`` (no such course or lesson, or a
    course the caller may not see), ``Forbidden`` (not enrolled, not a preview lesson, not the
    owner or an admin) or ``Forbidden`` with code ``LESSON_LOCKED`` and
    ``details.locked_until`` while drip keeps the lesson closed. One BatchGetItem (course,
    lesson, the caller's enrollment), two when addressed by a slug new to this instance."""
    found = repository.read(
        course_id_or_slug, principal.user_id if principal else None, lesson_id=lesson_id
    )
    enrollment = found.enrollment
    course = courses.visible(found.course, principal, enrolled=enrollment is not None)
    placed = courses.existing_lesson(course, lesson_id)
    enrolled_at = enrollment.enrolled_at_time if enrollment is not None else None
    courses.check_lesson_access(course, placed.lesson, principal, enrolled_at, now())
    body = found.body or courses.LessonBody()
    return ViewableLesson(
        course_id=course.id,
        lesson_id=placed.lesson.id,
        section_id=placed.section.id,
        title=placed.lesson.title,
        type=placed.lesson.type,
        position=placed.position,
        preview=placed.lesson.preview,
        duration_seconds=placed.lesson.duration_seconds,
        unlock_after_days=placed.lesson.unlock_after_days,
        content=body.content,
        video=body.video.as_dict() if body.video is not None else None,
    )


def enroll(principal: Principal, course_id: str) -> tuple[Enrollment, Course, bool]:
    """Enroll in a free course exactly once; returns ``(enrollment, course, created)``.

    The natural key (learner, course) makes this idempotent: a repeat, a retry with the same
    ``Idempotency-Key`` or fifty concurrent requests all end with one enrollment.
    """
    seen = _read(principal, course_id)
    course = seen.course
    if seen.enrollment is not None:
        return seen.enrollment, course, False
    if not course.is_published:
        raise Conflict("This course is not open for enrollment.")
    if not course.price.is_free:
        raise PaymentRequired("This course is paid: complete a payment to enroll.")
    moment = now()
    enrollment = Enrollment(
        id=new_id("enr_"),
        user_id=principal.user_id,
        course_id=course.id,
        user_name=principal.name,
        user_email=principal.email,
        enrolled_at=iso(moment),
        last_activity_at=domain.activity_stamp(moment),
    )
    event = _event(
        "EnrollmentCreated",
        enrollment,
        source=enrollment.source,
        enrolled_at=enrollment.enrolled_at,
        price={"amount": course.price.amount, "currency": course.price.currency},
    )
    try:
        repository.insert(enrollment, event)
    except repository.AlreadyEnrolled as repeat:
        return repeat.existing, course, False
    except repository.NotEnrollable as exc:
        raise Conflict("This course is no longer open for enrollment.") from exc
    course.enrollment_count += 1
    return enrollment, course, True


def my_enrollment(principal: Principal, course_id: str) -> tuple[Enrollment, Course]:
    seen = _read(principal, course_id)
    if seen.enrollment is None:
        raise NotFound("You are not enrolled in this course.")
    return seen.enrollment, seen.course


def _enrolled(seen: Seen) -> Enrollment:
    if seen.enrollment is None:
        raise Forbidden("Enroll in the course first.")
    return seen.enrollment


def progress(principal: Principal, course_id: str) -> tuple[Enrollment, Course]:
    seen = _read(principal, course_id, with_resume=True)
    return _enrolled(seen), seen.course


@dataclass(frozen=True)
class Change:
    """What a progress change writes: its events, and whether the enrollment item changed (else
    only the resume point moved)."""

    events: list[OutboxEvent]
    enrollment_changed: bool


def _record(
    principal: Principal,
    course_id: str,
    lesson_id: str,
    change: Callable[[Enrollment, Course], Change],
) -> tuple[Enrollment, Course]:
    """Apply a progress change to an open lesson; retried on a concurrent change. A change of
    the resume point alone also moves the dashboard's order, once per ``ACTIVITY_REFRESH``."""
    for _ in range(MAX_PROGRESS_ATTEMPTS):
        seen = _read(principal, course_id, with_resume=True)
        enrollment = _enrolled(seen)
        placed = courses.existing_lesson(seen.course, lesson_id)
        moment = now()
        courses.check_lesson_access(
            seen.course, placed.lesson, principal, enrollment.enrolled_at_time, moment
        )
        made = change(enrollment, seen.course)
        try:
            if made.enrollment_changed:
                repository.save_progress(enrollment, made.events)
            else:
                refresh = domain.activity_refresh_due(enrollment, moment)
                repository.save_resume(enrollment, made.events, refresh=refresh)
        except repository.ConcurrentProgress:
            continue
        return enrollment, seen.course
    raise Conflict("Progress kept changing while it was being recorded; try again.")


def complete_lesson(
    principal: Principal, course_id: str, lesson_id: str
) -> tuple[Enrollment, Course]:
    """Mark a lesson completed: ``LessonCompleted`` the first time, ``CourseCompleted`` once. A
    replay only makes the lesson the last one (the resume item: one write unit)."""

    def change(enrollment: Enrollment, course: Course) -> Change:
        moment = now()
        completion = domain.complete_lesson(enrollment, course, lesson_id, moment)
        events = []
        if completion.first_time:
            events.append(
                _event(
                    "LessonCompleted",
                    enrollment,
                    lesson_id=lesson_id,
                    completed_at=iso(moment),
                    progress_percent=enrollment.percent(course),
                )
            )
        if completion.finishes_course:
            events.append(
                _event(
                    "CourseCompleted",
                    enrollment,
                    completed_at=enrollment.completed_at,
                    lesson_count=course.lesson_count,
                )
            )
        return Change(events=events, enrollment_changed=completion.changes_enrollment)

    return _record(principal, course_id, lesson_id, change)


def save_position(
    principal: Principal, course_id: str, lesson_id: str, position_seconds: int
) -> None:
    """Keep the resume point (its own item, one write unit); ``WatchTimeRecorded`` in the same
    transaction when the save adds watch time (``domain.watched_seconds``)."""

    def change(enrollment: Enrollment, _: Course) -> Change:
        moment = now()
        seconds = domain.watched_seconds(enrollment, lesson_id, position_seconds, moment)
        domain.resume_at(enrollment, lesson_id, position_seconds, moment)
        if not seconds:
            return Change(events=[], enrollment_changed=False)
        event = _event(
            "WatchTimeRecorded",
            enrollment,
            lesson_id=lesson_id,
            seconds=seconds,
            position_seconds=position_seconds,
            recorded_at=iso(moment),
        )
        return Change(events=[event], enrollment_changed=False)

    _record(principal, course_id, lesson_id, change)


def roster(
    principal: Principal, course_id: str, limit: int, cursor: str | None
) -> tuple[Course, list[Enrollment], str | None]:
    """The course's learners with their progress (owner, admin)."""
    course = courses.managed(courses.course(course_id), principal)
    partition = repository.roster_partition(course.id)
    start = decode_cursor(
        cursor, key_names={"PK", "SK", "GSI1PK", "GSI1SK"}, fixed={"GSI1PK": partition}
    )
    found, last_key = repository.roster_page(course.id, limit, start)
    return course, found, encode_cursor(last_key)


def my_enrollments(
    principal: Principal, limit: int, cursor: str | None
) -> tuple[list[tuple[Enrollment, Course | None]], str | None]:
    partition = repository.enrollments_partition(principal.user_id)
    start = decode_cursor(cursor, key_names={"PK", "SK"}, fixed={"PK": partition})
    found, last_key = repository.learner_page(principal.user_id, limit, start)
    by_id = courses.courses_by_id(e.course_id for e in found)
    return [(e, by_id.get(e.course_id)) for e in found], encode_cursor(last_key)


@dataclass(frozen=True)
class Dashboard:
    enrollments: list[tuple[Enrollment, Course]]
    tiles: repository.Tiles


def dashboard(principal: Principal) -> Dashboard:
    """The learner's most recently active enrollments with their courses, and the tiles the
    domains above keep (the index Query, then one BatchGetItem for the courses and the tiles)."""
    recent = repository.recently_active(principal.user_id, DASHBOARD_SIZE)
    by_id, tiles = repository.dashboard_courses(principal.user_id, [e.course_id for e in recent])
    return Dashboard(
        enrollments=[(e, by_id[e.course_id]) for e in recent if e.course_id in by_id],
        tiles=tiles,
    )


# -- erasure -----------------------------------------------------------------------------------


def erase_learner(user_id: str) -> int:
    """``UserDeleted``: the learner's name and email on each of their enrollments (what the
    roster shows) become the erased account's; progress stays, as the course's statistics.
    Returns how many enrollments changed: 0 when the event is a repeat (idempotent)."""
    name, email = users.ERASED_NAME, users.erased_email(user_id)
    changed = 0
    for enrollment in repository.learner_enrollments(user_id):
        if (enrollment.user_name, enrollment.user_email) != (name, email):
            repository.anonymise(enrollment, name, email)
            changed += 1
    return changed

"""The authorization matrix of the enrollment, progress, roster and dashboard routes.

Learner routes need a signed-in, active account; progress routes need an enrollment (403
otherwise); a course the caller may not see is a 404; the roster is for the owner and admins.
"""

from __future__ import annotations

import pytest

from tests.integration.courses.builders import build_course, enroll
from tests.integration.courses.matrix import check
from tests.support.cloud import Platform
from tests.support.personas import Personas


@pytest.mark.authz("POST /v1/courses/{id}/enroll")
def test_enroll_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    draft = build_course(platform, personas.instructor, lessons=1, publish=False)
    path = f"/v1/courses/{course.id}/enroll"
    check(
        platform,
        "POST",
        path,
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("student", personas.student, 201),
            ("student again", personas.student, 200),
            ("other instructor", personas.other_instructor, 201),
            ("owner", personas.instructor, 201),
            ("admin", personas.admin, 201),
        ],
    )
    check(
        platform,
        "POST",
        f"/v1/courses/{draft.id}/enroll",
        [
            ("student", personas.other_student, 404),
            ("other instructor", personas.other_instructor, 404),
            ("owner", personas.instructor, 409),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}/enrollment")
def test_my_enrollment_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    enroll(platform, course.id, personas.student)
    check(
        platform,
        "GET",
        f"/v1/courses/{course.id}/enrollment",
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("enrolled", personas.student, 200),
            ("not enrolled", personas.other_student, 404),
            ("owner, not enrolled", personas.instructor, 404),
            ("admin, not enrolled", personas.admin, 404),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}/progress")
def test_progress_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    draft = build_course(platform, personas.instructor, lessons=1, publish=False)
    enroll(platform, course.id, personas.student)
    check(
        platform,
        "GET",
        f"/v1/courses/{course.id}/progress",
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("enrolled", personas.student, 200),
            ("not enrolled", personas.other_student, 403),
            ("other instructor", personas.other_instructor, 403),
            ("owner, not enrolled", personas.instructor, 403),
            ("admin, not enrolled", personas.admin, 403),
        ],
    )
    check(
        platform,
        "GET",
        f"/v1/courses/{draft.id}/progress",
        [("student", personas.student, 404), ("owner", personas.instructor, 403)],
    )


@pytest.mark.authz("POST /v1/courses/{id}/lessons/{lesson_id}/complete")
def test_complete_lesson_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    enroll(platform, course.id, personas.student)
    path = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}/complete"
    check(
        platform,
        "POST",
        path,
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("not enrolled", personas.other_student, 403),
            ("other instructor", personas.other_instructor, 403),
            ("owner, not enrolled", personas.instructor, 403),
            ("enrolled", personas.student, 200),
        ],
    )


@pytest.mark.authz("PUT /v1/courses/{id}/lessons/{lesson_id}/position")
def test_save_position_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    enroll(platform, course.id, personas.student)
    path = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}/position"
    check(
        platform,
        "PUT",
        path,
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("not enrolled", personas.other_student, 403),
            ("admin, not enrolled", personas.admin, 403),
            ("enrolled", personas.student, 204),
        ],
        json_body={"position_seconds": 42},
    )


@pytest.mark.authz("GET /v1/courses/{id}/students")
def test_roster_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    draft = build_course(platform, personas.instructor, lessons=1, publish=False)
    enroll(platform, course.id, personas.student)
    check(
        platform,
        "GET",
        f"/v1/courses/{course.id}/students",
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("enrolled student", personas.student, 403),
            ("other instructor", personas.other_instructor, 403),
            ("owner", personas.instructor, 200),
            ("admin", personas.admin, 200),
        ],
    )
    check(
        platform,
        "GET",
        f"/v1/courses/{draft.id}/students",
        [("other instructor", personas.other_instructor, 404), ("owner", personas.instructor, 200)],
    )


@pytest.mark.authz("GET /v1/me/enrollments")
def test_my_enrollments_matrix(platform: Platform, personas: Personas) -> None:
    check(
        platform,
        "GET",
        "/v1/me/enrollments",
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("student", personas.student, 200),
            ("instructor", personas.instructor, 200),
            ("admin", personas.admin, 200),
        ],
    )


@pytest.mark.authz("GET /v1/me/dashboard")
def test_dashboard_matrix(platform: Platform, personas: Personas) -> None:
    check(
        platform,
        "GET",
        "/v1/me/dashboard",
        [
            ("anonymous", None, 401),
            ("banned", personas.banned, 403),
            ("student", personas.student, 200),
            ("instructor", personas.instructor, 200),
            ("admin", personas.admin, 200),
        ],
    )

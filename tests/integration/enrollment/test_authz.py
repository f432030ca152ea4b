"""The authorization matrix of the enrollment, progress, roster and dashboard routes.

Learner routes need a signed-in, active account; progress routes need an enrollment (403
otherwise); a course the caller may not see is a 404; the roster is for the owner and admins.
Every refusal (401/403/404/409) leaves the table as it was (``tests/support/matrix.py``).
"""

from __future__ import annotations

import pytest

from tests.integration.courses.builders import build_course, enroll
from tests.support.cloud import Platform
from tests.support.matrix import Case, run
from tests.support.personas import Personas


@pytest.mark.authz("POST /v1/courses/{id}/enroll")
def test_enroll_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    run(
        platform,
        personas,
        "POST",
        f"/v1/courses/{course.id}/enroll",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 201),
            Case("student", 200, label="again"),
            Case("other_student", 201),
            Case("instructor", 201),
            Case("owner", 201),
            Case("admin", 201),
        ],
    )
    run(
        platform,
        personas,
        "POST",
        f"/v1/courses/{draft.id}/enroll",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 404),
            Case("other_student", 404),
            Case("instructor", 404),
            Case("owner", 409),
            Case("admin", 409),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}/enrollment")
def test_my_enrollment_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    enroll(platform, course.id, personas.student)
    run(
        platform,
        personas,
        "GET",
        f"/v1/courses/{course.id}/enrollment",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 200, label="enrolled"),
            Case("other_student", 404, label="not enrolled"),
            Case("instructor", 404, label="not enrolled"),
            Case("owner", 404, label="not enrolled"),
            Case("admin", 404, label="not enrolled"),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}/progress")
def test_progress_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    enroll(platform, course.id, personas.student)
    run(
        platform,
        personas,
        "GET",
        f"/v1/courses/{course.id}/progress",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 200, label="enrolled"),
            Case("other_student", 403, label="not enrolled"),
            Case("instructor", 403, label="not enrolled"),
            Case("owner", 403, label="not enrolled"),
            Case("admin", 403, label="not enrolled"),
        ],
    )
    run(
        platform,
        personas,
        "GET",
        f"/v1/courses/{draft.id}/progress",
        [Case("student", 404), Case("instructor", 404), Case("owner", 403)],
    )


@pytest.mark.authz("POST /v1/courses/{id}/lessons/{lesson_id}/complete")
def test_complete_lesson_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    enroll(platform, course.id, personas.student)
    run(
        platform,
        personas,
        "POST",
        f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}/complete",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, label="not enrolled"),
            Case("instructor", 403, label="not enrolled"),
            Case("owner", 403, label="not enrolled"),
            Case("admin", 403, label="not enrolled"),
            Case("student", 200, label="enrolled"),
        ],
    )


@pytest.mark.authz("PUT /v1/courses/{id}/lessons/{lesson_id}/position")
def test_save_position_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    enroll(platform, course.id, personas.student)
    run(
        platform,
        personas,
        "PUT",
        f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}/position",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, label="not enrolled"),
            Case("instructor", 403, label="not enrolled"),
            Case("owner", 403, label="not enrolled"),
            Case("admin", 403, label="not enrolled"),
            Case("student", 204, label="enrolled"),
        ],
        json_body={"position_seconds": 42},
    )


@pytest.mark.authz("GET /v1/courses/{id}/students")
def test_roster_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    enroll(platform, course.id, personas.student)
    run(
        platform,
        personas,
        "GET",
        f"/v1/courses/{course.id}/students",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 403, label="enrolled"),
            Case("other_student", 403),
            Case("instructor", 403),
            Case("owner", 200),
            Case("admin", 200),
        ],
    )
    run(
        platform,
        personas,
        "GET",
        f"/v1/courses/{draft.id}/students",
        [Case("instructor", 404), Case("owner", 200), Case("admin", 200)],
    )


SIGNED_IN_OWN_DATA = [
    Case("anonymous", 401),
    Case("banned", 403),
    Case("student", 200),
    Case("other_student", 200),
    Case("instructor", 200),
    Case("owner", 200),
    Case("admin", 200),
]


@pytest.mark.authz("GET /v1/me/enrollments")
def test_my_enrollments_matrix(platform: Platform, personas: Personas) -> None:
    run(platform, personas, "GET", "/v1/me/enrollments", SIGNED_IN_OWN_DATA)


@pytest.mark.authz("GET /v1/me/dashboard")
def test_dashboard_matrix(platform: Platform, personas: Personas) -> None:
    run(platform, personas, "GET", "/v1/me/dashboard", SIGNED_IN_OWN_DATA)

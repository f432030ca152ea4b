"""The authorization matrix of every catalog and course route, for every persona.

Rules: the catalog is public; a course page is public when published and visible to its owner and
admins (who send their token) as a draft; authoring is for the owner and admins — another
instructor gets 403 on a course they can see (published) and 404 on one they cannot (a draft);
students are turned away by role (403); banned accounts get 403 ACCOUNT_DISABLED everywhere a
token is looked at. Every refusal leaves the table as it was (``tests/support/matrix.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.integration.courses.builders import BuiltCourse, build_course, course_body, enroll
from tests.integration.courses.builders import text_lesson as _text_lesson
from tests.support.cloud import Platform
from tests.support.matrix import Case, run, same_for_everyone
from tests.support.personas import Personas


@pytest.mark.authz("GET /v1/categories")
def test_categories_are_public(platform: Platform, personas: Personas) -> None:
    run(platform, personas, "GET", "/v1/categories", same_for_everyone(200))


@pytest.mark.authz("GET /v1/courses")
def test_the_catalog_is_public(platform: Platform, personas: Personas) -> None:
    build_course(platform, personas.owner)
    run(platform, personas, "GET", "/v1/courses", same_for_everyone(200))


@pytest.mark.authz("GET /v1/courses/{id}")
def test_course_page_public_when_published_drafts_for_owner_and_admin(
    platform: Platform, personas: Personas
) -> None:
    published = build_course(platform, personas.owner)
    draft = build_course(platform, personas.owner, publish=False)
    everyone_sees = [
        Case("anonymous", 200),
        Case("student", 200),
        Case("other_student", 200),
        Case("instructor", 200),
        Case("owner", 200),
        Case("admin", 200),
        Case("banned", 403),
    ]
    run(platform, personas, "GET", f"/v1/courses/{published.id}", everyone_sees)
    run(platform, personas, "GET", f"/v1/courses/{published.slug}", everyone_sees)
    draft_cases = [
        Case("anonymous", 404),
        Case("student", 404),
        Case("other_student", 404),
        Case("instructor", 404),
        Case("banned", 403),
        Case("owner", 200),
        Case("admin", 200),
    ]
    run(platform, personas, "GET", f"/v1/courses/{draft.id}", draft_cases)
    run(platform, personas, "GET", f"/v1/courses/{draft.slug}", draft_cases)
    # An invalid token on the public route is refused, not silently treated as anonymous.
    bad = platform.call(
        "GET", f"/v1/courses/{published.id}", headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert bad.status == 401 and bad.error_code == "UNAUTHENTICATED"


@pytest.mark.authz("POST /v1/courses")
def test_instructors_and_admins_create_courses(platform: Platform, personas: Personas) -> None:
    refused = [
        Case("anonymous", 401),
        Case("student", 403, "FORBIDDEN"),
        Case("other_student", 403, "FORBIDDEN"),
        Case("banned", 403),
    ]
    allowed = [Case("instructor", 201), Case("owner", 201), Case("admin", 201)]
    for case in refused + allowed:
        run(platform, personas, "POST", "/v1/courses", [case], json_body=course_body())


Body = Callable[[BuiltCourse], Any] | None


def _lesson_body(course: BuiltCourse) -> dict[str, Any]:
    return _text_lesson(course.section_ids[0])


# route key, path (of a course ``c``), body (of the course), status on success
AUTHORING: list[tuple[str, str, Body, int]] = [
    ("PATCH /v1/courses/{id}", "/v1/courses/{c.id}", lambda c: {"title": "New title"}, 200),
    ("DELETE /v1/courses/{id}", "/v1/courses/{c.id}", None, 204),
    ("POST /v1/courses/{id}/publish", "/v1/courses/{c.id}/publish", None, 200),
    ("POST /v1/courses/{id}/unpublish", "/v1/courses/{c.id}/unpublish", None, 200),
    (
        "POST /v1/courses/{id}/sections",
        "/v1/courses/{c.id}/sections",
        lambda c: {"title": "More"},
        201,
    ),
    (
        "PATCH /v1/courses/{id}/sections/{section_id}",
        "/v1/courses/{c.id}/sections/{c.section_ids[0]}",
        lambda c: {"title": "Renamed"},
        200,
    ),
    (
        "DELETE /v1/courses/{id}/sections/{section_id}",
        "/v1/courses/{c.id}/sections/{c.section_ids[0]}",
        None,
        204,
    ),
    ("POST /v1/courses/{id}/lessons", "/v1/courses/{c.id}/lessons", _lesson_body, 201),
    (
        "PATCH /v1/courses/{id}/lessons/{lesson_id}",
        "/v1/courses/{c.id}/lessons/{c.lesson_ids[0]}",
        lambda c: {"title": "Renamed lesson"},
        200,
    ),
    (
        "DELETE /v1/courses/{id}/lessons/{lesson_id}",
        "/v1/courses/{c.id}/lessons/{c.lesson_ids[0]}",
        None,
        204,
    ),
]


@pytest.mark.parametrize(
    ("route", "path_of", "body_of", "success"),
    [pytest.param(*row, marks=pytest.mark.authz(row[0]), id=row[0]) for row in AUTHORING],
)
def test_authoring_is_for_the_owner_and_admins(
    platform: Platform, personas: Personas, route: str, path_of: str, body_of: Body, success: int
) -> None:
    """Anonymous 401; students (and banned) 403; another instructor 403 on a published course and
    404 on a draft; the owner and an admin succeed, each on a course of its own for the change."""
    publish_first = not route.endswith("/publish")
    published = build_course(platform, personas.owner, lessons=1)
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    by_owner = build_course(platform, personas.owner, lessons=1, publish=publish_first)
    by_admin = build_course(platform, personas.owner, lessons=1, publish=publish_first)
    method = route.split(" ", 1)[0]

    def case(persona: str, status: int, course: BuiltCourse, label: str = "") -> Case:
        body = body_of(course) if body_of else None
        return Case(persona, status, path=path_of.format(c=course), json_body=body, label=label)

    run(
        platform,
        personas,
        method,
        "",
        [
            case("anonymous", 401, published),
            case("student", 403, published),
            case("other_student", 403, published),
            case("banned", 403, published),
            case("instructor", 403, published, "published"),
            case("instructor", 404, draft, "draft"),
            case("owner", success, by_owner),
            case("admin", success, by_admin),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}/lessons/{lesson_id}")
def test_lesson_content_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(
        platform, personas.owner, lessons=2, lesson_overrides=[{}, {"preview": True}]
    )
    draft = build_course(platform, personas.owner, publish=False)
    enroll(platform, course.id, personas.student)
    locked, preview = (f"/v1/courses/{course.id}/lessons/{i}" for i in course.lesson_ids)
    run(
        platform,
        personas,
        "GET",
        locked,
        [
            Case("anonymous", 401),
            Case("other_student", 403, label="not enrolled"),
            Case("instructor", 403),
            Case("banned", 403),
            Case("student", 200, label="enrolled"),
            Case("owner", 200),
            Case("admin", 200),
        ],
    )
    run(
        platform,
        personas,
        "GET",
        preview,
        [
            Case("anonymous", 401),
            Case("other_student", 200, label="not enrolled"),
            Case("student", 200, label="enrolled"),
            Case("banned", 403),
        ],
    )
    run(
        platform,
        personas,
        "GET",
        f"/v1/courses/{draft.id}/lessons/{draft.lesson_ids[0]}",
        [
            Case("student", 404),
            Case("instructor", 404),
            Case("owner", 200),
            Case("admin", 200),
        ],
    )

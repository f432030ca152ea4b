"""The authorization matrix of every catalog and course route.

Rules: the catalog is public; a course page is public when published and visible to its owner and
admins (who send their token) as a draft; authoring is for the owner and admins — another
instructor gets 403 on a course they can see (published) and 404 on one they cannot (a draft);
students are turned away by role (403); banned accounts get 403 ACCOUNT_DISABLED everywhere a
token is looked at.
"""

from __future__ import annotations

import pytest

from tests.integration.courses.builders import build_course, course_body, enroll, text_lesson
from tests.integration.courses.matrix import check
from tests.support.cloud import Platform
from tests.support.personas import Personas


@pytest.mark.authz("GET /v1/categories")
def test_categories_are_public(platform: Platform, personas: Personas) -> None:
    check(
        platform,
        "GET",
        "/v1/categories",
        [
            ("anonymous", None, 200),
            ("student", personas.student, 200),
            ("admin", personas.admin, 200),
        ],
    )


@pytest.mark.authz("GET /v1/courses")
def test_the_catalog_is_public(platform: Platform, personas: Personas) -> None:
    check(
        platform,
        "GET",
        "/v1/courses",
        [
            ("anonymous", None, 200),
            ("student", personas.student, 200),
            ("instructor", personas.instructor, 200),
            ("admin", personas.admin, 200),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}")
def test_course_page_public_when_published_drafts_for_owner_and_admin(
    platform: Platform, personas: Personas
) -> None:
    published = build_course(platform, personas.instructor)
    draft = build_course(platform, personas.instructor, publish=False)
    everyone_sees = [
        ("anonymous", None, 200),
        ("student", personas.student, 200),
        ("other instructor", personas.other_instructor, 200),
        ("owner", personas.instructor, 200),
        ("admin", personas.admin, 200),
        ("banned", personas.banned, 403),
    ]
    check(platform, "GET", f"/v1/courses/{published.id}", everyone_sees)
    check(platform, "GET", f"/v1/courses/{published.slug}", everyone_sees)
    draft_cases = [
        ("anonymous", None, 404),
        ("student", personas.student, 404),
        ("other instructor", personas.other_instructor, 404),
        ("owner", personas.instructor, 200),
        ("admin", personas.admin, 200),
    ]
    check(platform, "GET", f"/v1/courses/{draft.id}", draft_cases)
    check(platform, "GET", f"/v1/courses/{draft.slug}", draft_cases)
    # An invalid token on the public route is refused, not silently treated as anonymous.
    bad = platform.call(
        "GET", f"/v1/courses/{published.id}", headers={"Authorization": "Bearer not-a-jwt"}
    )
    assert bad.status == 401 and bad.error_code == "UNAUTHENTICATED"


@pytest.mark.authz("POST /v1/courses")
def test_instructors_and_admins_create_courses(platform: Platform, personas: Personas) -> None:
    for label, caller, status in [
        ("anonymous", None, 401),
        ("student", personas.student, 403),
        ("banned", personas.banned, 403),
        ("instructor", personas.instructor, 201),
        ("admin", personas.admin, 201),
    ]:
        check(platform, "POST", "/v1/courses", [(label, caller, status)], json_body=course_body())


def _authoring_matrix(
    platform: Platform,
    personas: Personas,
    method: str,
    path_of: str,
    body_of: object = None,
    success: int = 200,
) -> None:
    """Anonymous 401, student 403, banned 403, other instructor 403 (published) / 404 (draft),
    owner and admin succeed (each on a course of their own making for state-changing calls)."""
    published = build_course(platform, personas.instructor, lessons=1)
    draft = build_course(platform, personas.instructor, lessons=1, publish=False)
    by_owner = build_course(
        platform, personas.instructor, lessons=1, publish=method != "POST_PUBLISH"
    )
    by_admin = build_course(
        platform, personas.instructor, lessons=1, publish=method != "POST_PUBLISH"
    )
    verb = "POST" if method.startswith("POST") else method

    def path(course: object) -> str:
        return path_of.format(c=course)

    def body(course: object) -> object:
        return body_of(course) if callable(body_of) else body_of

    for label, caller, course, status in [
        ("anonymous", None, published, 401),
        ("student", personas.student, published, 403),
        ("banned", personas.banned, published, 403),
        ("other instructor, published", personas.other_instructor, published, 403),
        ("other instructor, draft", personas.other_instructor, draft, 404),
        ("owner", personas.instructor, by_owner, success),
        ("admin", personas.admin, by_admin, success),
    ]:
        check(platform, verb, path(course), [(label, caller, status)], json_body=body(course))


@pytest.mark.authz("PATCH /v1/courses/{id}")
def test_patch_course_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(platform, personas, "PATCH", "/v1/courses/{c.id}", {"title": "New title"})


@pytest.mark.authz("DELETE /v1/courses/{id}")
def test_delete_course_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(platform, personas, "DELETE", "/v1/courses/{c.id}", success=204)


@pytest.mark.authz("POST /v1/courses/{id}/publish")
def test_publish_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(platform, personas, "POST_PUBLISH", "/v1/courses/{c.id}/publish")


@pytest.mark.authz("POST /v1/courses/{id}/unpublish")
def test_unpublish_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(platform, personas, "POST", "/v1/courses/{c.id}/unpublish")


@pytest.mark.authz("POST /v1/courses/{id}/sections")
def test_add_section_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(
        platform, personas, "POST", "/v1/courses/{c.id}/sections", {"title": "More"}, 201
    )


@pytest.mark.authz("PATCH /v1/courses/{id}/sections/{section_id}")
def test_patch_section_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(
        platform,
        personas,
        "PATCH",
        "/v1/courses/{c.id}/sections/{c.section_ids[0]}",
        {"title": "Renamed"},
    )


@pytest.mark.authz("DELETE /v1/courses/{id}/sections/{section_id}")
def test_delete_section_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(
        platform,
        personas,
        "DELETE",
        "/v1/courses/{c.id}/sections/{c.section_ids[0]}",
        success=204,
    )


@pytest.mark.authz("POST /v1/courses/{id}/lessons")
def test_add_lesson_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(
        platform,
        personas,
        "POST",
        "/v1/courses/{c.id}/lessons",
        lambda course: text_lesson(course.section_ids[0]),
        201,
    )


@pytest.mark.authz("PATCH /v1/courses/{id}/lessons/{lesson_id}")
def test_patch_lesson_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(
        platform,
        personas,
        "PATCH",
        "/v1/courses/{c.id}/lessons/{c.lesson_ids[0]}",
        {"title": "Renamed lesson"},
    )


@pytest.mark.authz("DELETE /v1/courses/{id}/lessons/{lesson_id}")
def test_delete_lesson_matrix(platform: Platform, personas: Personas) -> None:
    _authoring_matrix(
        platform, personas, "DELETE", "/v1/courses/{c.id}/lessons/{c.lesson_ids[0]}", success=204
    )


@pytest.mark.authz("GET /v1/courses/{id}/lessons/{lesson_id}")
def test_lesson_content_matrix(platform: Platform, personas: Personas) -> None:
    course = build_course(
        platform, personas.instructor, lessons=2, lesson_overrides=[{}, {"preview": True}]
    )
    draft = build_course(platform, personas.instructor, publish=False)
    enrolled = platform.user("student")
    enroll(platform, course.id, enrolled)
    locked, preview = (f"/v1/courses/{course.id}/lessons/{i}" for i in course.lesson_ids)
    check(
        platform,
        "GET",
        locked,
        [
            ("anonymous", None, 401),
            ("not enrolled", personas.student, 403),
            ("other instructor", personas.other_instructor, 403),
            ("banned", personas.banned, 403),
            ("enrolled", enrolled, 200),
            ("owner", personas.instructor, 200),
            ("admin", personas.admin, 200),
        ],
    )
    check(
        platform,
        "GET",
        preview,
        [
            ("anonymous", None, 401),
            ("not enrolled", personas.student, 200),
            ("enrolled", enrolled, 200),
        ],
    )
    check(
        platform,
        "GET",
        f"/v1/courses/{draft.id}/lessons/{draft.lesson_ids[0]}",
        [
            ("student", personas.student, 404),
            ("other instructor", personas.other_instructor, 404),
            ("owner", personas.instructor, 200),
            ("admin", personas.admin, 200),
        ],
    )

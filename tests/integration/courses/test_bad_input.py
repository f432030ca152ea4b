"""Bad input on every course write: a 4xx with the error envelope, and nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.courses.builders import (
    BuiltCourse,
    build_course,
    course_body,
    course_media,
    table_snapshot,
    text_lesson,
)
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas

LONG = "x" * 121


def assert_rejected(
    platform: Platform,
    caller: Caller,
    method: str,
    path: str,
    body: Any,
    status: int,
    field: str | None = None,
) -> None:
    before = table_snapshot(platform)
    if isinstance(body, bytes):
        response = platform.call(method, path, caller=caller, body=body)
    else:
        response = platform.call(method, path, caller=caller, json_body=body)
    assert response.status == status, (body, response.status, response.json())
    error = response.json()["error"]
    assert error["code"] and error["message"] and error["request_id"]
    if field is not None:
        assert field in [f["field"] for f in error["details"]["fields"]], error
    assert table_snapshot(platform) == before, f"{method} {path} {body!r} wrote something"


@pytest.fixture
def course(platform: Platform, personas: Personas) -> BuiltCourse:
    return build_course(platform, personas.instructor, lessons=1)


CREATE_CASES = [
    ({k: v for k, v in course_body().items() if k != "title"}, 422, "title"),
    ({**course_body(), "status": "published"}, 422, "status"),
    ({**course_body(), "title": LONG}, 422, "title"),
    ({**course_body(), "title": "   "}, 422, "title"),
    ({**course_body(), "description": "d" * 5001}, 422, "description"),
    ({**course_body(), "price": {"amount": -100, "currency": "USD"}}, 422, "price.amount"),
    ({**course_body(), "price": {"amount": 9.99, "currency": "USD"}}, 422, "price.amount"),
    ({**course_body(), "price": {"amount": "999", "currency": "USD"}}, 422, "price.amount"),
    ({**course_body(), "price": {"amount": 100, "currency": "XYZ"}}, 422, "price.currency"),
    ({**course_body(), "price": {"amount": 100, "currency": "usd"}}, 422, "price.currency"),
    ({**course_body(), "price": {"amount": 100, "currency": "XAU"}}, 422, "price.currency"),
    ({**course_body(), "price": {"amount": 10**18, "currency": "RWF"}}, 422, "price"),
    ({**course_body(), "price": {"amount": 100}}, 422, "price.currency"),
    ({**course_body(), "category": "astrology"}, 422, "category"),
    ({**course_body(), "level": "expert"}, 422, "level"),
    ({**course_body(), "tags": ["t"] * 11}, 422, "tags"),
    ({**course_body(), "tags": ["<script>"]}, 422, "tags.0"),
    (b"{not json", 400, None),
    (b"[1, 2]", 422, "body"),
]


def test_create_course_rejects_bad_input(platform: Platform, personas: Personas) -> None:
    for body, status, field in CREATE_CASES:
        assert_rejected(platform, personas.instructor, "POST", "/v1/courses", body, status, field)


def test_non_json_bodies_are_refused(platform: Platform, personas: Personas) -> None:
    instructor = personas.instructor
    before = table_snapshot(platform)
    response = platform.call(
        "POST",
        "/v1/courses",
        caller=instructor,
        body=b"title=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 415
    assert table_snapshot(platform) == before


def test_course_patch_rejects_bad_input(
    platform: Platform, personas: Personas, course: BuiltCourse
) -> None:
    path = f"/v1/courses/{course.id}"
    for body, field in [
        ({}, "body"),
        ({"status": "published"}, "status"),
        ({"slug": "mine"}, "slug"),
        ({"title": None}, "body"),
        ({"price": {"amount": -1, "currency": "EUR"}}, "price.amount"),
        ({"price": {"amount": 1, "currency": "EURO"}}, "price.currency"),
        ({"thumbnail_url": "http://insecure.example/x.png"}, "thumbnail_url"),
        ({"category": "nope"}, "category"),
    ]:
        assert_rejected(platform, personas.instructor, "PATCH", path, body, 422, field)


def test_section_writes_reject_bad_input(
    platform: Platform, personas: Personas, course: BuiltCourse
) -> None:
    sections = f"/v1/courses/{course.id}/sections"
    section = f"{sections}/{course.section_ids[0]}"
    owner = personas.instructor
    assert_rejected(platform, owner, "POST", sections, {}, 422, "title")
    assert_rejected(platform, owner, "POST", sections, {"title": LONG}, 422, "title")
    assert_rejected(
        platform, owner, "POST", sections, {"title": "A", "position": 0}, 422, "position"
    )
    assert_rejected(
        platform, owner, "POST", sections, {"title": "A", "position": 3}, 422, "position"
    )
    assert_rejected(platform, owner, "POST", sections, {"title": "A", "x": 1}, 422, "x")
    assert_rejected(platform, owner, "PATCH", section, {}, 422, "body")
    assert_rejected(platform, owner, "PATCH", section, {"position": 2}, 422, "position")
    assert_rejected(platform, owner, "PATCH", section, {"title": None}, 422, "body")
    missing = f"{sections}/sec_00000000000000000000000000"
    assert_rejected(platform, owner, "PATCH", missing, {"title": "B"}, 404)
    assert_rejected(platform, owner, "DELETE", missing, None, 404)
    assert_rejected(platform, owner, "DELETE", f"{sections}/bad$id", None, 404)


def test_lesson_creation_rejects_bad_input(
    platform: Platform, personas: Personas, course: BuiltCourse
) -> None:
    path = f"/v1/courses/{course.id}/lessons"
    section = course.section_ids[0]
    other = build_course(platform, personas.instructor, lessons=1)
    course_media(platform, other.id, personas.instructor.user_id, "med_foreign", "ready", 60)
    youtube = {"source": "youtube", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"}
    cases: list[tuple[dict[str, Any], str]] = [
        ({**text_lesson(section), "section_id": "nope"}, "section_id"),
        ({**text_lesson(section), "section_id": "sec_00000000000000000000000000"}, "section_id"),
        ({k: v for k, v in text_lesson(section).items() if k != "content"}, "content"),
        ({**text_lesson(section), "content": "c" * 100_001}, "content"),
        ({**text_lesson(section), "title": LONG}, "title"),
        ({**text_lesson(section), "type": "quiz"}, "type"),
        ({**text_lesson(section), "video": youtube}, "video"),
        ({**text_lesson(section), "preview": "yes"}, "preview"),
        ({**text_lesson(section), "duration_seconds": -5}, "duration_seconds"),
        ({**text_lesson(section), "unlock_after_days": -1}, "unlock_after_days"),
        ({**text_lesson(section), "position": 5}, "position"),
        ({**text_lesson(section), "extra": True}, "extra"),
        ({"section_id": section, "title": "V", "type": "video"}, "video"),
        (
            {"section_id": section, "title": "V", "type": "video", "video": {"source": "vimeo"}},
            "video",
        ),
        *[
            (
                {
                    "section_id": section,
                    "title": "V",
                    "type": "video",
                    "video": {"source": source, "url": url},
                },
                "video.url",
            )
            for source, url in [
                ("youtube", "https://vimeo.com/76979871"),
                ("youtube", "https://www.youtube.com/watch?v=short"),
                ("youtube", "javascript:alert(1)"),
                ("youtube", "https://evil.example/watch?v=dQw4w9WgXcQ"),
                ("youtube", "https://user:pw@www.youtube.com/watch?v=dQw4w9WgXcQ"),
                ("dailymotion", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
                ("dailymotion", "https://www.dailymotion.com/playlist/x6hynp"),
            ]
        ],
        (
            {
                "section_id": section,
                "title": "V",
                "type": "video",
                "video": {"source": "upload", "media_id": "med_missing"},
            },
            "video.media_id",
        ),
        (
            {
                "section_id": section,
                "title": "V",
                "type": "video",
                "video": {"source": "upload", "media_id": "med_foreign"},
            },
            "video.media_id",
        ),
        (
            {
                "section_id": section,
                "title": "V",
                "type": "video",
                "video": {"source": "upload", "media_id": "bad id!"},
            },
            "video.upload.media_id",
        ),
    ]
    for body, field in cases:
        assert_rejected(platform, personas.instructor, "POST", path, body, 422, field)


def test_lesson_patch_rejects_bad_input(
    platform: Platform, personas: Personas, course: BuiltCourse
) -> None:
    path = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}"
    owner = personas.instructor
    assert_rejected(platform, owner, "PATCH", path, {}, 422, "body")
    assert_rejected(platform, owner, "PATCH", path, {"type": "video"}, 422, "video")
    assert_rejected(platform, owner, "PATCH", path, {"content": None}, 422, "content")
    assert_rejected(platform, owner, "PATCH", path, {"title": None}, 422, "body")
    assert_rejected(platform, owner, "PATCH", path, {"position": 2}, 422, "position")
    assert_rejected(
        platform,
        owner,
        "PATCH",
        path,
        {"type": "video", "video": {"source": "youtube", "url": "https://vimeo.com/1"}},
        422,
        "video.url",
    )
    assert_rejected(
        platform,
        owner,
        "PATCH",
        f"/v1/courses/{course.id}/lessons/les_missing",
        {"title": "T"},
        404,
    )


def test_unknown_courses_are_404_on_every_write(platform: Platform, personas: Personas) -> None:
    owner = personas.instructor
    for course_id in ("crs_00000000000000000000000000", "some-slug", "bad$id"):
        for method, suffix, body in [
            ("PATCH", "", {"title": "Nope nope"}),
            ("DELETE", "", None),
            ("POST", "/publish", None),
            ("POST", "/unpublish", None),
            ("POST", "/sections", {"title": "S"}),
        ]:
            assert_rejected(platform, owner, method, f"/v1/courses/{course_id}{suffix}", body, 404)

"""Test data builders for courses, through the API (as an instructor would build them)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

from tests.support.cloud import Caller, Platform
from tests.support.snapshot import table_items

_serial = 0


def course_body(**overrides: Any) -> dict[str, Any]:
    global _serial
    _serial += 1
    body: dict[str, Any] = {
        "title": f"Course number {_serial}",
        "description": "What this course is about.",
        "category": "development",
        "level": "beginner",
        "tags": ["testing"],
        "price": {"amount": 0, "currency": "USD"},
    }
    body.update(overrides)
    return body


def text_lesson(section_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "section_id": section_id,
        "title": "A text lesson",
        "type": "text",
        "content": "# Hello\n\nSome *Markdown*.",
        **overrides,
    }


@dataclass
class BuiltCourse:
    id: str
    slug: str
    owner: Caller
    section_ids: list[str] = field(default_factory=list)
    lesson_ids: list[str] = field(default_factory=list)


def ok(response: Any, status: int = 200) -> Any:
    assert response.status == status, (response.status, response.json())
    return response.json()


def build_course(
    platform: Platform,
    owner: Caller,
    *,
    lessons: int = 2,
    publish: bool = True,
    lesson_overrides: list[dict[str, Any]] | None = None,
    **course: Any,
) -> BuiltCourse:
    """A course with one section of ``lessons`` text lessons, published unless told not to."""
    created = ok(
        platform.call("POST", "/v1/courses", caller=owner, json_body=course_body(**course)), 201
    )
    built = BuiltCourse(id=created["id"], slug=created["slug"], owner=owner)
    section = ok(
        platform.call(
            "POST", f"/v1/courses/{built.id}/sections", caller=owner, json_body={"title": "Part 1"}
        ),
        201,
    )
    built.section_ids.append(section["id"])
    for index in range(lessons):
        extra = (lesson_overrides or [{}] * lessons)[index]
        lesson = ok(
            platform.call(
                "POST",
                f"/v1/courses/{built.id}/lessons",
                caller=owner,
                json_body=text_lesson(section["id"], title=f"Lesson {index + 1}", **extra),
            ),
            201,
        )
        built.lesson_ids.append(lesson["id"])
    if publish:
        ok(platform.call("POST", f"/v1/courses/{built.id}/publish", caller=owner))
    return built


def enroll(platform: Platform, course_id: str, learner: Caller) -> dict[str, Any]:
    response = platform.call("POST", f"/v1/courses/{course_id}/enroll", caller=learner)
    assert response.status in (200, 201), (response.status, response.json())
    return response.json()


def table_snapshot(platform: Platform) -> list[dict[str, Any]]:
    """Every item of the table (a test-side read, outside any request), in key order."""
    return table_items(platform)


def course_media(
    platform: Platform,
    course_id: str,
    owner_id: str,
    media_id: str,
    status: str,
    duration_seconds: float | None = None,
) -> None:
    """An upload as the courses domain learns of it: recorded when the upload is created
    (``track_media``), then ready or failed through the media domain's event on the bus."""
    from coursewave import resources
    from functions.courses.public import track_media

    track_media(course_id, media_id, "video")
    if status == "processing":
        return
    data: dict[str, Any] = {
        "media_id": media_id,
        "course_id": course_id,
        "owner_id": owner_id,
        "kind": "video",
    }
    if status == "ready":
        name = "MediaReady"
        data |= {"duration_seconds": duration_seconds, "renditions": ["720p"]}
    else:
        name = "MediaFailed"
        data |= {"error_code": "Transcode.NotAVideo", "error": "Not a video."}
    detail = {
        "metadata": {
            "event_id": f"exec-{media_id}-{status}",
            "version": 1,
            "occurred_at": "2026-11-23T10:00:00Z",
            "correlation_id": f"corr-{media_id}",
        },
        "data": data,
    }
    boto3.client("events").put_events(
        Entries=[
            {
                "EventBusName": resources.EVENT_BUS.name,
                "Source": "coursewave.media",
                "DetailType": name,
                "Detail": json.dumps(detail),
            }
        ]
    )
    platform.drain()

"""POST /v1/media/uploads and GET /v1/media/{media_id}: who may upload, what, and what is kept."""

from __future__ import annotations

import pytest

from coursewave.db import key
from functions.media.repository import Media
from tests.integration.media.conftest import MediaWorld
from tests.support.personas import Personas


def _media_of(course_id: str) -> list[Media]:
    return list(Media.gsi1.query(key("COURSE", course_id, "MEDIA")))


@pytest.mark.authz("POST /v1/media/uploads")
def test_only_the_course_owner_and_admins_may_upload(world: MediaWorld, personas: Personas) -> None:
    # Given a published course (visible to everyone) and a draft, both of the instructor
    published = world.course(personas.instructor, publish=True)
    draft = world.course(personas.instructor)

    # Then
    assert world.request_upload(None, published).status == 401
    assert world.request_upload(personas.student, published).status == 403
    other = world.request_upload(personas.other_instructor, published)
    assert other.status == 403 and other.error_code == "FORBIDDEN"
    assert world.request_upload(personas.other_instructor, draft).status == 404
    banned = world.request_upload(personas.banned, published)
    assert banned.status == 403 and banned.error_code == "ACCOUNT_DISABLED"
    assert world.request_upload(personas.instructor, draft).status == 201
    assert world.request_upload(personas.admin, draft).status == 201
    assert world.request_upload(personas.instructor, "crs_nosuchcourse").status == 404
    assert len(_media_of(draft)) == 2 and _media_of(published) == []


def test_an_upload_ticket_is_a_presigned_post_for_a_new_media_item(
    world: MediaWorld, personas: Personas
) -> None:
    course_id = world.course(personas.instructor)

    response = world.request_upload(personas.instructor, course_id, "Intro.MOV", "video/quicktime")

    assert response.status == 201
    ticket = response.json()
    media_id = ticket["media_id"]
    assert ticket["max_size_bytes"] == 5 * 1024**3
    assert ticket["upload"]["fields"]["key"] == f"uploads/{course_id}/{media_id}/source.mov"
    assert ticket["upload"]["fields"]["Content-Type"] == "video/quicktime"
    assert ticket["upload"]["url"].startswith("https://coursewave-local-uploads.s3")
    assert ticket["upload"]["expires_at"].endswith("Z")
    media = world.media(media_id)
    assert (media.status, media.kind, media.owner_id) == (
        "awaiting_upload",
        "video",
        personas.instructor.user_id,
    )
    assert media.correlation_id == response.headers["x-correlation-id"]


@pytest.mark.parametrize(
    ("filename", "content_type", "size", "status", "code"),
    [
        ("lesson.mp4", "video/mp4", 5 * 1024**3 + 1, 413, "PAYLOAD_TOO_LARGE"),
        ("slide.png", "image/png", 10 * 1024**2 + 1, 413, "PAYLOAD_TOO_LARGE"),
        ("notes.pdf", "application/pdf", 50 * 1024**2 + 1, 413, "PAYLOAD_TOO_LARGE"),
        ("song.mp3", "audio/mpeg", 10, 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("notes.txt", "video/mp4", 10, 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("lesson.mp4", "video/mp4", 0, 422, "VALIDATION_ERROR"),
        ("", "video/mp4", 10, 422, "VALIDATION_ERROR"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_written(
    world: MediaWorld,
    personas: Personas,
    filename: str,
    content_type: str,
    size: int,
    status: int,
    code: str,
) -> None:
    course_id = world.course(personas.instructor)

    response = world.request_upload(personas.instructor, course_id, filename, content_type, size)

    assert (response.status, response.error_code) == (status, code)
    assert _media_of(course_id) == []


def test_unknown_fields_are_refused(world: MediaWorld, personas: Personas) -> None:
    course_id = world.course(personas.instructor)
    body = {
        "course_id": course_id,
        "filename": "a.mp4",
        "content_type": "video/mp4",
        "size_bytes": 10,
        "key": "uploads/elsewhere/x.mp4",
    }

    response = world.platform.call(
        "POST", "/v1/media/uploads", caller=personas.instructor, json_body=body
    )

    assert response.status == 422
    assert response.json()["error"]["details"]["fields"] == [
        {"field": "key", "message": "unknown field"}
    ]


@pytest.mark.authz("GET /v1/media/{media_id}")
def test_a_media_item_is_visible_to_its_course_owner_and_admins(
    world: MediaWorld, personas: Personas
) -> None:
    # Given a media item an admin started in the instructor's course
    course_id = world.course(personas.instructor, publish=True)
    media_id = world.request_upload(personas.admin, course_id).json()["media_id"]
    path = f"/v1/media/{media_id}"

    # Then
    assert world.platform.call("GET", path).status == 401
    assert world.platform.call("GET", path, caller=personas.student).status == 403
    assert world.platform.call("GET", path, caller=personas.other_instructor).status == 404
    banned = world.platform.call("GET", path, caller=personas.banned)
    assert banned.error_code == "ACCOUNT_DISABLED"
    for allowed in (personas.instructor, personas.admin):
        response = world.platform.call("GET", path, caller=allowed)
        assert response.status == 200
        assert response.json() == {
            "id": media_id,
            "course_id": course_id,
            "kind": "video",
            "status": "awaiting_upload",
            "progress_percent": 0,
            "filename": "lesson.mp4",
            "content_type": "video/mp4",
            "size_bytes": 1000,
            "duration_seconds": None,
            "renditions": [],
            "thumbnail_url": None,
            "error": None,
            "created_at": response.json()["created_at"],
            "updated_at": None,
        }
    missing = world.platform.call("GET", "/v1/media/med_nosuchmedia", caller=personas.admin)
    assert missing.status == 404

"""Video over HTTP against the local runner: a presigned POST to the local S3, the transcode
workflow and its FFmpeg worker, signed HLS playback down to a segment; and the failure path."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import m3u8
import pytest
import requests

from local.samples import make_test_clip
from tests.e2e.conftest import LocalStack

INSTRUCTOR = "instructor@demo.coursewave.dev"
STUDENT = "student@demo.coursewave.dev"
TS_SYNC_BYTE = 0x47


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("e2e-media") / "lesson.mp4"
    return make_test_clip(path, seconds=3, width=640, height=360).read_bytes()


def _token(stack: LocalStack, email: str) -> str:
    return stack.cognito_token(email)["AccessToken"]


def _ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _new_course(stack: LocalStack, token: str) -> str:
    course = _ok(
        stack.api(
            "POST",
            "/v1/courses",
            token,
            json={
                "title": f"Video craft {time.time_ns()}",
                "description": "Lighting, sound and editing for lesson videos.",
                "category": "photography-and-video",
                "level": "beginner",
                "price": {"amount": 0, "currency": "USD"},
            },
        ),
        201,
    )
    return str(course["id"])


def _upload(
    stack: LocalStack, token: str, course_id: str, data: bytes, content_type: str = "video/mp4"
) -> dict[str, Any]:
    ticket = _ok(
        stack.api(
            "POST",
            "/v1/media/uploads",
            token,
            json={
                "course_id": course_id,
                "filename": "lesson.mp4",
                "content_type": content_type,
                "size_bytes": len(data),
            },
        ),
        201,
    )
    _post(ticket["upload"], data, content_type)
    return ticket


def _post(upload: dict[str, Any], data: bytes, content_type: str) -> None:
    # Straight to S3 (the local moto server), as a browser would: no API in between.
    sent = requests.post(
        upload["url"],
        data=upload["fields"],
        files={"file": ("lesson.mp4", data, content_type)},
        timeout=30,
    )
    assert sent.status_code in (200, 201, 204), sent.text


def _wait_for(stack: LocalStack, token: str, media_id: str, status: str) -> dict[str, Any]:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        media = _ok(stack.api("GET", f"/v1/media/{media_id}", token))
        if media["status"] == status:
            return media
        time.sleep(0.2)
    raise AssertionError(f"media {media_id} not {status} in time: {media}")


def _when_courses_knows(call: Any) -> requests.Response:
    """``call()`` again while it answers 409 "still being processed": the courses domain learns
    that a video is ready from the MediaReady event, a moment after the media item says so."""
    deadline = time.monotonic() + 30
    while True:
        response: requests.Response = call()
        if response.status_code != 409 or time.monotonic() > deadline:
            return response
        time.sleep(0.2)


def _video_lesson(
    stack: LocalStack, token: str, course_id: str, media_id: str, title: str
) -> dict[str, Any]:
    """A new section of the course holding one lesson that plays the uploaded video."""
    section = _ok(
        stack.api("POST", f"/v1/courses/{course_id}/sections", token, json={"title": "One"}), 201
    )
    lesson = {
        "section_id": section["id"],
        "title": title,
        "type": "video",
        "video": {"source": "upload", "media_id": media_id},
    }
    created = _when_courses_knows(
        lambda: stack.api("POST", f"/v1/courses/{course_id}/lessons", token, json=lesson)
    )
    return dict(_ok(created, 201))


def test_an_uploaded_video_plays_as_signed_hls(stack: LocalStack, clip: bytes) -> None:
    # Given an instructor's new course and a video uploaded straight to S3
    instructor = _token(stack, INSTRUCTOR)
    course_id = _new_course(stack, instructor)
    ticket = _upload(stack, instructor, course_id, clip)
    assert ticket["upload"]["url"].startswith(stack.state["moto_endpoint"])

    # When the workflow has processed it
    media = _wait_for(stack, instructor, ticket["media_id"], "ready")
    assert [r["name"] for r in media["renditions"]] == ["360p"]
    assert 2.9 <= media["duration_seconds"] <= 3.1

    # ...and it is a lesson of the published course a student enrolled in
    lesson = _video_lesson(stack, instructor, course_id, ticket["media_id"], "Three-point lighting")
    assert lesson["duration_seconds"] == 3
    _ok(stack.api("POST", f"/v1/courses/{course_id}/publish", instructor))
    student = _token(stack, STUDENT)
    playback_path = f"/v1/courses/{course_id}/lessons/{lesson['id']}/playback"
    assert stack.api("GET", playback_path, student).status_code == 403
    _ok(stack.api("POST", f"/v1/courses/{course_id}/enroll", student), 201)

    # Then the student gets a playback URL a player can follow down to the segments
    playback = _ok(stack.api("GET", playback_path, student))
    assert playback["type"] == "hls"
    assert playback["url"].startswith(stack.url)
    master = requests.get(playback["url"], timeout=30)
    assert master.status_code == 200
    assert master.headers["Content-Type"] == "application/vnd.apple.mpegurl"
    variants = m3u8.loads(master.text).playlists
    assert len(variants) == 1
    variant_url = urljoin(playback["url"], variants[0].uri)
    variant = requests.get(variant_url, timeout=30)
    assert variant.status_code == 200
    segments = m3u8.loads(variant.text).segments
    assert segments and all(s.uri.startswith("segments/") and "token=" in s.uri for s in segments)
    # (the segment path redirects to the local S3, presigned)
    segment = requests.get(urljoin(variant_url, segments[0].uri), timeout=30)
    assert [r.status_code for r in segment.history] == [302]
    assert (
        segment.url.startswith(stack.state["moto_endpoint"]) and "X-Amz-Signature=" in segment.url
    )
    assert segment.status_code == 200
    assert len(segment.content) > 1000 and segment.content[0] == TS_SYNC_BYTE
    thumbnail = requests.get(playback["thumbnail_url"], timeout=30)
    assert thumbnail.status_code == 200 and thumbnail.content[:2] == b"\xff\xd8"  # JPEG

    # ...and without its token the playlist is refused
    tokenless = playback["url"].split("?")[0]
    assert requests.get(tokenless, timeout=30).status_code == 401


def test_a_text_file_uploaded_as_video_fails_clearly_and_can_be_replaced(
    stack: LocalStack, clip: bytes, tmp_path: Path
) -> None:
    # Given a text file uploaded as a video
    instructor = _token(stack, INSTRUCTOR)
    course_id = _new_course(stack, instructor)
    ticket = _upload(stack, instructor, course_id, b"Lecture notes, not a video.\n" * 100)

    # Then the media fails with an error an instructor understands, and nothing is published
    failed = _wait_for(stack, instructor, ticket["media_id"], "failed")
    assert failed["error"].startswith("This file doesn't look like a video")
    listing = stack.aws("s3").list_objects_v2(
        Bucket=stack.env["MEDIA_BUCKET"], Prefix=f"media/{ticket['media_id']}/"
    )
    assert listing.get("KeyCount", 0) == 0

    # When the right file is uploaded with the same form
    _post(ticket["upload"], clip, "video/mp4")

    # Then the same media item becomes ready
    ready = _wait_for(stack, instructor, ticket["media_id"], "ready")
    assert ready["error"] is None and ready["renditions"]

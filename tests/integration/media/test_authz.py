"""The authorization matrix of the media routes, for every persona.

Uploads and media items are for the course's owner and admins (another instructor: 403 on a
course they can see, 404 on one they cannot); playback is as the lesson itself; the HLS
playlists take a playback token in the query and nothing else (a bearer token is no substitute).
Every refusal leaves the table as it was (``tests/support/matrix.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.courses.builders import build_course, enroll, ok
from tests.support.cloud import Platform
from tests.support.matrix import Case, run, same_for_everyone
from tests.support.personas import Personas


def _upload(course_id: str) -> dict[str, Any]:
    return {
        "course_id": course_id,
        "filename": "lesson.mp4",
        "content_type": "video/mp4",
        "size_bytes": 1000,
    }


@pytest.mark.authz("POST /v1/media/uploads")
def test_uploads_are_for_the_course_owner_and_admins(
    platform: Platform, personas: Personas
) -> None:
    published = build_course(platform, personas.owner, lessons=1)
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    run(
        platform,
        personas,
        "POST",
        "/v1/media/uploads",
        [
            Case("anonymous", 401),
            Case("student", 403),
            Case("other_student", 403),
            Case("banned", 403),
            Case("instructor", 403, "FORBIDDEN", label="published"),
            Case("instructor", 404, json_body=_upload(draft.id), label="draft"),
            Case("owner", 201, json_body=_upload(draft.id)),
            Case("admin", 201, json_body=_upload(draft.id)),
        ],
        json_body=_upload(published.id),
    )


@pytest.mark.authz("GET /v1/media/{media_id}")
def test_a_media_item_is_for_its_course_owner_and_admins(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.owner, lessons=1)
    ticket = platform.call(
        "POST", "/v1/media/uploads", caller=personas.owner, json_body=_upload(course.id)
    )
    media_id = ok(ticket, 201)["media_id"]
    run(
        platform,
        personas,
        "GET",
        f"/v1/media/{media_id}",
        [
            Case("anonymous", 401),
            Case("student", 403),
            Case("other_student", 403),
            Case("banned", 403),
            Case("instructor", 404),
            Case("owner", 200),
            Case("admin", 200),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}/lessons/{lesson_id}/playback")
def test_playback_is_as_the_lesson(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.owner, lessons=0, publish=False)
    youtube = {
        "type": "video",
        "video": {"source": "youtube", "url": "https://youtu.be/dQw4w9WgXcQ"},
    }
    lessons = []
    for preview in (False, True):
        created = platform.call(
            "POST",
            f"/v1/courses/{course.id}/lessons",
            caller=personas.owner,
            json_body={
                "section_id": course.section_ids[0],
                "title": "A video",
                "preview": preview,
                **youtube,
            },
        )
        lessons.append(ok(created, 201)["id"])
    ok(platform.call("POST", f"/v1/courses/{course.id}/publish", caller=personas.owner))
    enroll(platform, course.id, personas.student)
    locked, preview = (f"/v1/courses/{course.id}/lessons/{i}/playback" for i in lessons)
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
        [Case("anonymous", 401), Case("other_student", 200), Case("banned", 403)],
    )


@pytest.mark.parametrize(
    "tail",
    [
        pytest.param(
            "master.m3u8", marks=pytest.mark.authz("GET /v1/media/{media_id}/hls/master.m3u8")
        ),
        pytest.param(
            "360p/index.m3u8",
            marks=pytest.mark.authz("GET /v1/media/{media_id}/hls/{rendition}/index.m3u8"),
        ),
    ],
)
def test_playlists_take_a_playback_token_not_a_bearer_token(
    platform: Platform, personas: Personas, tail: str
) -> None:
    path = f"/v1/media/med_someonesvideo/hls/{tail}"
    run(platform, personas, "GET", path, same_for_everyone(401, owner=True))

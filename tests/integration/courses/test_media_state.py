"""What the courses know of their uploads: recorded by ``track_media``, then kept in step with
``MediaReady`` / ``MediaFailed`` by the courses' consumer — idempotent, upserting, and never
letting an older event overwrite a newer state."""

from __future__ import annotations

import json
from typing import Any

from functions.courses import consumer
from functions.courses.public import LessonMedia, lesson_media, track_media
from local.apigw import LambdaContext
from tests.integration.courses.builders import build_course
from tests.support.cloud import Platform
from tests.support.personas import Personas


def _event(
    course_id: str, media_id: str, name: str, event_id: str, at: str, duration: float = 42.0
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "media_id": media_id,
        "course_id": course_id,
        "owner_id": "usr_owner",
        "kind": "video",
    }
    if name == "MediaReady":
        data |= {"duration_seconds": duration, "renditions": ["720p", "360p"]}
    else:
        data |= {"error_code": "Transcode.NotAVideo", "error": "This file is not a video."}
    metadata = {"event_id": event_id, "version": 1, "occurred_at": at, "correlation_id": "c"}
    return {
        "source": "coursewave.media",
        "detail-type": name,
        "detail": {"metadata": metadata, "data": data},
    }


def _deliver(*bodies: Any) -> dict[str, Any]:
    records = [
        {
            "messageId": f"m{index}",
            "receiptHandle": f"r{index}",
            "body": body if isinstance(body, str) else json.dumps(body),
            "attributes": {},
            "messageAttributes": {},
            "md5OfBody": "",
            "eventSource": "aws:sqs",
            "eventSourceARN": "arn:aws:sqs:us-east-1:000000000000:coursewave-courses-media",
            "awsRegion": "us-east-1",
        }
        for index, body in enumerate(bodies)
    ]
    return consumer.lambda_handler(
        {"Records": records}, LambdaContext(function_name="courses-media")
    )


def test_an_upload_is_processing_until_its_event_says_ready(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.instructor, lessons=0, publish=False)
    track_media(course.id, "med_a", "video")
    track_media(course.id, "med_a", "video")  # a retry changes nothing
    assert lesson_media(course.id, "med_a") == LessonMedia(
        media_id="med_a",
        course_id=course.id,
        kind="video",
        status="processing",
        duration_seconds=None,
    )

    ready = _event(course.id, "med_a", "MediaReady", "x1-ready", "2026-11-23T10:00:05Z", 93.6)
    assert _deliver(ready, ready) == {"batchItemFailures": []}

    media = lesson_media(course.id, "med_a")
    assert media is not None and media.ready and media.duration_seconds == 93.6
    track_media(course.id, "med_a", "video")  # late: the event's state is kept
    assert lesson_media(course.id, "med_a") == media
    assert lesson_media(course.id, "med_unknown") is None
    assert lesson_media("not-a-course", "med_a") is None


def test_an_event_may_come_first_and_an_older_one_never_wins(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.instructor, lessons=0, publish=False)
    ready = _event(course.id, "med_b", "MediaReady", "x2-ready", "2026-11-23T10:00:09Z")
    failed = _event(course.id, "med_b", "MediaFailed", "x1-failed", "2026-11-23T10:00:01Z")

    _deliver(ready)  # before (or without) track_media
    _deliver(failed)  # older, delivered late

    media = lesson_media(course.id, "med_b")
    assert media is not None and media.status == "ready" and media.duration_seconds == 42.0


def test_a_reupload_goes_from_failed_to_ready(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=0, publish=False)
    track_media(course.id, "med_c", "video")
    _deliver(_event(course.id, "med_c", "MediaFailed", "x1-failed", "2026-11-23T10:00:01Z"))
    failed = lesson_media(course.id, "med_c")
    assert failed is not None and failed.status == "failed" and not failed.ready

    # The re-upload's outcome, within the same second as the first one's.
    _deliver(_event(course.id, "med_c", "MediaReady", "x2-ready", "2026-11-23T10:00:01Z"))

    media = lesson_media(course.id, "med_c")
    assert media is not None and media.ready


def test_a_bad_message_fails_alone(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=0, publish=False)
    good = _event(course.id, "med_d", "MediaReady", "x1-ready", "2026-11-23T10:00:01Z")

    result = _deliver("not json", good)

    assert result == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    media = lesson_media(course.id, "med_d")
    assert media is not None and media.ready


def test_media_events_reach_the_courses_through_the_bus(
    platform: Platform, personas: Personas
) -> None:
    from tests.integration.courses.builders import course_media

    owner = personas.instructor
    course = build_course(platform, owner, lessons=0, publish=False)

    course_media(platform, course.id, owner.user_id, "med_e", "ready", 12.0)

    media = lesson_media(course.id, "med_e")
    assert media is not None and media.ready and media.duration_seconds == 12.0


def test_a_lesson_on_an_uploaded_video_reads_the_media_with_the_course(
    platform: Platform, personas: Personas
) -> None:
    from local import guards
    from tests.integration.courses.builders import course_media, ok

    owner = personas.instructor
    course = build_course(platform, owner, lessons=0, publish=False)
    course_media(platform, course.id, owner.user_id, "med_f", "ready", 30.0)

    lesson = ok(
        platform.call(
            "POST",
            f"/v1/courses/{course.id}/lessons",
            caller=owner,
            json_body={
                "section_id": course.section_ids[0],
                "title": "Uploaded",
                "type": "video",
                "video": {"source": "upload", "media_id": "med_f"},
            },
        ),
        201,
    )

    stats = guards.last_request.get()
    assert stats is not None and stats.dynamodb_round_trips <= 3
    assert lesson["duration_seconds"] == 30

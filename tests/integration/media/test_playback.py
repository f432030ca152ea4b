"""Playback: who gets a URL, and that everything reachable from it is signed and short-lived."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import m3u8
import pytest
import requests

from functions.media import playback, storage
from functions.media.repository import Media
from tests.integration.media.conftest import MediaWorld
from tests.support.cloud import Caller, Response
from tests.support.personas import Personas


@dataclass
class VideoCourse:
    course_id: str
    media_id: str
    lesson_id: str  # the uploaded video, for enrolled learners
    preview_lesson_id: str  # the same video, as a preview lesson
    youtube_lesson_id: str
    text_lesson_id: str
    learner: Caller  # enrolled


@pytest.fixture
def video_course(world: MediaWorld, personas: Personas, clip: bytes) -> VideoCourse:
    owner = personas.instructor
    course_id = world.course(owner)
    media_id, _ = world.upload(owner, course_id, clip)
    world.run_workflow()
    upload = {"type": "video", "video": {"source": "upload", "media_id": media_id}}
    course = VideoCourse(
        course_id=course_id,
        media_id=media_id,
        lesson_id=world.lesson(owner, course_id, upload),
        preview_lesson_id=world.lesson(owner, course_id, {**upload, "preview": True}),
        youtube_lesson_id=world.lesson(
            owner,
            course_id,
            {
                "type": "video",
                "video": {"source": "youtube", "url": "https://youtu.be/dQw4w9WgXcQ"},
            },
        ),
        text_lesson_id=world.lesson(owner, course_id, {"type": "text", "content": "Read me"}),
        learner=world.platform.user("student"),
    )
    published = world.platform.call("POST", f"/v1/courses/{course_id}/publish", caller=owner)
    assert published.status == 200, published.body
    enrolled = world.platform.call("POST", f"/v1/courses/{course_id}/enroll", caller=course.learner)
    assert enrolled.status == 201, enrolled.body
    return course


def _playback(world: MediaWorld, course: VideoCourse, lesson_id: str, caller: Caller | None):  # type: ignore[no-untyped-def]
    return world.platform.call(
        "GET", f"/v1/courses/{course.course_id}/lessons/{lesson_id}/playback", caller=caller
    )


def _get(world: MediaWorld, url: str) -> Response:
    """A playlist request as a player makes it: no Authorization header."""
    parts = urlsplit(url)
    return world.platform.call("GET", f"{parts.path}?{parts.query}")


def _check_s3_signed(url: str, not_after: datetime) -> None:
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Signature"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    expires = int(query["X-Amz-Expires"][0])
    assert 0 < expires <= 600
    # Expires with the token: the signer's clock reading and the signature's timestamp may
    # straddle a second or two on a busy machine.
    assert abs(signed_at.timestamp() + expires - not_after.timestamp()) <= 3


@pytest.mark.authz("GET /v1/courses/{id}/lessons/{lesson_id}/playback")
def test_playback_is_for_those_who_may_open_the_lesson(
    world: MediaWorld, personas: Personas, video_course: VideoCourse
) -> None:
    lesson = video_course.lesson_id

    assert _playback(world, video_course, lesson, None).status == 401
    assert _playback(world, video_course, lesson, personas.student).status == 403
    assert _playback(world, video_course, lesson, personas.other_instructor).status == 403
    banned = _playback(world, video_course, lesson, personas.banned)
    assert (banned.status, banned.error_code) == (403, "ACCOUNT_DISABLED")
    for allowed in (video_course.learner, personas.instructor, personas.admin):
        response = _playback(world, video_course, lesson, allowed)
        assert response.status == 200, response.body
        assert response.json()["type"] == "hls"
    preview = _playback(world, video_course, video_course.preview_lesson_id, personas.student)
    assert preview.status == 200
    assert _playback(world, video_course, "lsn_nosuchlesson", personas.admin).status == 404
    text = _playback(world, video_course, video_course.text_lesson_id, personas.admin)
    assert text.status == 404


def test_youtube_lessons_answer_their_embed_url(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    response = _playback(world, video_course, video_course.youtube_lesson_id, video_course.learner)

    assert response.status == 200
    assert response.json() == {
        "type": "youtube",
        "embed_url": "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    }


def test_a_video_that_is_not_ready_answers_409(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    Media.find(video_course.media_id).update(actions=[Media.status.set("processing")])  # type: ignore[union-attr]

    response = _playback(world, video_course, video_course.lesson_id, video_course.learner)

    assert (response.status, response.error_code) == (409, "CONFLICT")


def test_every_url_reachable_from_a_playback_url_is_signed_and_short_lived(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    # Given a playback URL (expiries have whole seconds: so has the moment we asked)
    asked = datetime.now(UTC).replace(microsecond=0)
    body = _playback(world, video_course, video_course.lesson_id, video_course.learner).json()
    answered = datetime.now(UTC)  # the expiry was set between ``asked`` and now
    expires_at = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert asked < expires_at <= answered + timedelta(seconds=600)
    assert urlsplit(body["url"]).path == f"/v1/media/{video_course.media_id}/hls/master.m3u8"
    _check_s3_signed(body["thumbnail_url"], expires_at)

    # When a player loads the master playlist
    master_response = _get(world, body["url"])
    assert master_response.status == 200
    assert master_response.headers["content-type"] == "application/vnd.apple.mpegurl"
    assert "no-store" in master_response.headers["cache-control"]
    master = m3u8.loads(master_response.body.decode(), uri=body["url"])
    assert master.is_variant and len(master.playlists) == 1

    for variant in master.playlists:
        # Then each variant URI carries the token...
        assert "token=" in variant.uri
        variant_response = _get(world, variant.absolute_uri)
        assert variant_response.status == 200
        assert variant_response.headers["content-type"] == "application/vnd.apple.mpegurl"
        playlist = m3u8.loads(variant_response.body.decode(), uri=variant.absolute_uri)
        assert playlist.playlist_type == "vod" and playlist.is_endlist
        assert len(playlist.segments) == 1  # 3 s source, 6 s target duration

        # ...and each segment is an absolute URL signed for at most 10 minutes
        for segment in playlist.segments:
            assert segment.uri.startswith("https://")
            _check_s3_signed(segment.uri, expires_at)

        # ...that downloads the published segment
        downloaded = requests.get(playlist.segments[0].uri, timeout=30)
        assert downloaded.status_code == 200
        key = unquote(urlsplit(playlist.segments[0].uri).path).removeprefix("/")
        stored = boto3.client("s3").get_object(Bucket=world.env["MEDIA_BUCKET"], Key=key)
        assert downloaded.content == stored["Body"].read()


@pytest.mark.authz("GET /v1/media/{media_id}/hls/master.m3u8")
def test_the_master_playlist_needs_a_valid_token_for_its_video(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    body = _playback(world, video_course, video_course.lesson_id, video_course.learner).json()
    media_id = video_course.media_id
    token = parse_qs(urlsplit(body["url"]).query)["token"][0]
    path = f"/v1/media/{media_id}/hls/master.m3u8"
    key = storage.playback_key()
    expired, _ = playback.issue_token(key, media_id, "user", int(time.time()) - 601)
    other, _ = playback.issue_token(key, "med_another", "user", int(time.time()))

    assert world.platform.call("GET", path).status == 401
    assert world.platform.call("GET", f"{path}?token={token[:-3]}xyz").status == 401
    assert world.platform.call("GET", f"{path}?token={expired}").status == 401
    assert world.platform.call("GET", f"{path}?token={other}").status == 403
    assert world.platform.call("GET", f"{path}?token={token}&extra=1").status == 400
    assert world.platform.call("GET", f"{path}?token={token}").status == 200


@pytest.mark.authz("GET /v1/media/{media_id}/hls/{rendition}/index.m3u8")
def test_variant_playlists_need_a_valid_token_and_a_known_rendition(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    body = _playback(world, video_course, video_course.lesson_id, video_course.learner).json()
    token = parse_qs(urlsplit(body["url"]).query)["token"][0]
    base = f"/v1/media/{video_course.media_id}/hls"
    forged, _ = playback.issue_token(b"not the key", video_course.media_id, "u", int(time.time()))

    assert world.platform.call("GET", f"{base}/360p/index.m3u8").status == 401
    assert world.platform.call("GET", f"{base}/360p/index.m3u8?token={forged}").status == 401
    assert world.platform.call("GET", f"{base}/1080p/index.m3u8?token={token}").status == 404
    assert world.platform.call("GET", f"{base}/../index.m3u8?token={token}").status == 404
    assert world.platform.call("GET", f"{base}/360p/index.m3u8?token={token}").status == 200

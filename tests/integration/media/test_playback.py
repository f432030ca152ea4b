"""Playback: who gets a URL, and that everything reachable from it is signed and short-lived."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import boto3
import m3u8
import pytest
import requests

from coursewave.config import settings
from functions.enrollment.repository import EnrollmentItem
from functions.media import playback, storage
from functions.media.repository import Media
from tests.integration.media.conftest import MediaWorld
from tests.support.cloud import Caller, Response
from tests.support.matrix import Case, run
from tests.support.personas import Personas

SHORT_TTL_SECONDS = 2


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


def _token(key: bytes, media_id: str, now: int, user_id: str = "user") -> str:
    grant = playback.grant_for(media_id, user_id, "crs_x", "lsn_x", now, 600)
    return playback.issue_token(key, grant)


def _check_s3_signed(url: str, not_after: datetime, slack: int = 3) -> None:
    query = parse_qs(urlsplit(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Signature"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    expires = int(query["X-Amz-Expires"][0])
    assert 0 < expires <= 600
    # Expires with the token (or sooner: ``slack``): the signer's clock reading and the
    # signature's timestamp may straddle a second or two on a busy machine.
    assert not_after.timestamp() - slack <= signed_at.timestamp() + expires
    assert signed_at.timestamp() + expires <= not_after.timestamp() + 3


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

        # ...and each segment names the API's segment path with the token...
        for segment in playlist.segments:
            assert segment.uri.startswith("segments/") and "token=" in segment.uri
        redirect = _get(world, playlist.segments[0].absolute_uri)
        assert redirect.status == 302
        assert "no-store" in redirect.headers["cache-control"]

        # ...which redirects to the published segment, signed for a minute at most
        location = redirect.headers["location"]
        _check_s3_signed(location, min(expires_at, answered + timedelta(seconds=60)), slack=62)
        downloaded = requests.get(location, timeout=30)
        assert downloaded.status_code == 200
        key = unquote(urlsplit(location).path).removeprefix("/")
        stored = boto3.client("s3").get_object(Bucket=world.env["MEDIA_BUCKET"], Key=key)
        assert downloaded.content == stored["Body"].read()
        assert key.startswith(f"media/{video_course.media_id}/") and "/360p/" in key


@pytest.mark.authz("GET /v1/media/{media_id}/hls/master.m3u8")
def test_the_master_playlist_needs_a_valid_token_for_its_video(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    body = _playback(world, video_course, video_course.lesson_id, video_course.learner).json()
    media_id = video_course.media_id
    token = parse_qs(urlsplit(body["url"]).query)["token"][0]
    path = f"/v1/media/{media_id}/hls/master.m3u8"
    key = storage.playback_key()
    expired = _token(key, media_id, int(time.time()) - 601)
    other = _token(key, "med_another", int(time.time()))

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
    forged = _token(b"not the key", video_course.media_id, int(time.time()))

    assert world.platform.call("GET", f"{base}/360p/index.m3u8").status == 401
    assert world.platform.call("GET", f"{base}/360p/index.m3u8?token={forged}").status == 401
    assert world.platform.call("GET", f"{base}/1080p/index.m3u8?token={token}").status == 404
    assert world.platform.call("GET", f"{base}/../index.m3u8?token={token}").status == 404
    assert world.platform.call("GET", f"{base}/360p/index.m3u8?token={token}").status == 200


# -- playing past the token's lifetime (docs/media.md, "Playback") ------------------------------


@pytest.fixture
def short_lived(monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """Playback tokens (and so every media URL) live ``SHORT_TTL_SECONDS``."""
    monkeypatch.setenv("PLAYBACK_URL_TTL_SECONDS", str(SHORT_TTL_SECONDS))
    settings.cache_clear()
    yield SHORT_TTL_SECONDS
    monkeypatch.delenv("PLAYBACK_URL_TTL_SECONDS")
    settings.cache_clear()


@dataclass
class Player:
    """What hls.js does: load the playlists once, then fetch segments with the current token."""

    world: MediaWorld
    segment_path: str  # the first segment's path, without its query
    token: str
    refresh_url: str
    expires_at: int

    @classmethod
    def start(cls, world: MediaWorld, course: VideoCourse, viewer: Caller) -> Player:
        played = _playback(world, course, course.lesson_id, viewer)
        assert played.status == 200, played.body
        body = played.json()
        assert body["token"] == parse_qs(urlsplit(body["url"]).query)["token"][0]
        assert urlsplit(body["refresh_url"]).path == f"/v1/media/{course.media_id}/playback/refresh"
        master = m3u8.loads(_get(world, body["url"]).body.decode(), uri=body["url"])
        variant_uri = master.playlists[0].absolute_uri
        variant = m3u8.loads(_get(world, variant_uri).body.decode(), uri=variant_uri)
        return cls(
            world=world,
            segment_path=urlsplit(variant.segments[0].absolute_uri).path,
            token=body["token"],
            refresh_url=body["refresh_url"],
            expires_at=_epoch(body["expires_at"]),
        )

    def segment(self, token: str | None = None) -> Response:
        chosen = self.token if token is None else token
        return self.world.platform.call("GET", f"{self.segment_path}?token={chosen}")

    def download(self) -> requests.Response:
        redirect = self.segment()
        assert redirect.status == 302, redirect.body
        return requests.get(redirect.headers["location"], timeout=30)

    def refresh(self, viewer: Caller | None, token: str | None = None) -> Response:
        return self.world.platform.call(
            "POST",
            urlsplit(self.refresh_url).path,
            caller=viewer,
            json_body={"token": self.token if token is None else token},
        )

    def wait_for_expiry(self) -> None:
        time.sleep(max(0.0, self.expires_at + 1 - time.time()))


def _epoch(text: str) -> int:
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp())


def _revoke(user_id: str, course_id: str) -> None:
    item = EnrollmentItem.get(*EnrollmentItem.key_of(user_id, course_id))
    item.update(actions=[EnrollmentItem.status.set("revoked")])


def test_a_viewer_who_refreshes_plays_past_the_token_lifetime_until_access_ends(
    world: MediaWorld, video_course: VideoCourse, short_lived: int
) -> None:
    viewer = video_course.learner
    player = Player.start(world, video_course, viewer)
    assert player.expires_at - time.time() <= short_lived
    first = player.segment()
    assert first.status == 302
    assert player.download().status_code == 200

    # The redirect's own URL expires with the token (moto enforces no presigned expiry, GOTCHAS:
    # its signed lifetime is checked; S3 and CloudFront refuse it after that)
    _check_s3_signed(first.headers["location"], datetime.fromtimestamp(player.expires_at, UTC))

    # When the first token has expired, its segment path refuses it
    player.wait_for_expiry()
    expired = player.segment()
    assert (expired.status, expired.error_code) == (401, "UNAUTHENTICATED")

    # Then a refresh (with the expired token: the sign-in is the credential) plays on
    refreshed = player.refresh(viewer)
    assert refreshed.status == 200, refreshed.body
    assert set(refreshed.json()) == {"token", "expires_at", "expires_in"}
    assert refreshed.json()["expires_in"] == short_lived
    player.token, player.expires_at = (
        refreshed.json()["token"],
        _epoch(refreshed.json()["expires_at"]),
    )
    assert player.expires_at - time.time() <= short_lived
    assert player.download().status_code == 200

    # ...and again, each time the token nears its end
    player.wait_for_expiry()
    again = player.refresh(viewer)
    assert again.status == 200, again.body
    player.token, player.expires_at = again.json()["token"], _epoch(again.json()["expires_at"])
    assert player.download().status_code == 200

    # When the enrollment is revoked (a refund), the next refresh is refused and playback stops
    _revoke(viewer.user_id, video_course.course_id)
    revoked = player.refresh(viewer)
    assert revoked.status == 403, revoked.body
    player.wait_for_expiry()
    assert player.segment().status == 401


def test_segments_are_refused_without_a_valid_token_for_their_video(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    player = Player.start(world, video_course, video_course.learner)
    key = storage.playback_key()
    now = int(time.time())
    rendition = player.segment_path.rsplit("/segments/", 1)[0]
    media_id = video_course.media_id

    missing = world.platform.call("GET", player.segment_path)
    assert (missing.status, missing.error_code) == (401, "UNAUTHENTICATED")
    assert player.segment(player.token[:-3] + "xyz").status == 401  # tampered
    assert player.segment(_token(b"not the key", media_id, now)).status == 401  # forged
    assert player.segment(_token(key, media_id, now - 601)).status == 401  # expired
    # another video's token on this video's segment
    assert player.segment(_token(key, "med_another", now)).status == 403
    # this video's token, on another video's segment
    other_path = player.segment_path.replace(media_id, "med_another")
    assert world.platform.call("GET", f"{other_path}?token={player.token}").status == 403
    # names that are not segments of this video's renditions
    for path in (
        f"{rendition}/segments/index.m3u8",
        f"{rendition}/segments/..%2F..%2Fmaster.m3u8",
        f"{rendition}/segments/source.mp4.json",
        rendition.replace("/360p", "/1080p") + "/segments/seg_00000.ts",
    ):
        assert world.platform.call("GET", f"{path}?token={player.token}").status == 404, path


@pytest.mark.authz("GET /v1/media/{media_id}/hls/{rendition}/segments/{segment}")
def test_a_segment_takes_a_playback_token_not_a_bearer_token(
    world: MediaWorld, personas: Personas, video_course: VideoCourse
) -> None:
    player = Player.start(world, video_course, video_course.learner)

    for persona in ("anonymous", "student", "other_student", "instructor", "admin", "banned"):
        caller = personas.caller(persona)
        bare = world.platform.call("GET", player.segment_path, caller=caller)
        assert bare.status == 401, persona
        with_token = world.platform.call(
            "GET", f"{player.segment_path}?token={player.token}", caller=caller
        )
        assert with_token.status == 302, persona
    owner = world.platform.call("GET", player.segment_path, caller=personas.owner)
    assert owner.status == 401


@pytest.mark.authz("POST /v1/media/{media_id}/playback/refresh")
def test_only_the_viewer_a_token_was_issued_to_may_refresh_it(
    world: MediaWorld, personas: Personas, video_course: VideoCourse
) -> None:
    enrolled = world.platform.call(
        "POST", f"/v1/courses/{video_course.course_id}/enroll", caller=personas.student
    )
    assert enrolled.status == 201, enrolled.body
    player = Player.start(world, video_course, personas.student)
    path = urlsplit(player.refresh_url).path

    run(
        world.platform,
        personas,
        "POST",
        path,
        [
            Case("anonymous", 401),
            Case("banned", 403, "ACCOUNT_DISABLED"),
            # someone else's token: the course's owner and admins get tokens of their own
            Case("other_student", 403, label="someone else's token"),
            Case("owner", 403, label="someone else's token"),
            Case("instructor", 403, label="someone else's token"),
            Case("admin", 403, label="someone else's token"),
            Case("student", 422, json_body={"token": ""}, label="empty token"),
            Case("student", 422, json_body={"token": player.token, "x": 1}, label="extra field"),
            Case("student", 401, json_body={"token": player.token[:-3] + "xyz"}, label="tampered"),
            Case(
                "student",
                403,
                path=path.replace(video_course.media_id, "med_another"),
                label="another video's refresh",
            ),
            Case("student", 200, label="their own token"),
        ],
        json_body={"token": player.token},
    )


def test_concurrent_refreshes_each_get_a_working_token(
    world: MediaWorld, video_course: VideoCourse
) -> None:
    # Two tabs (or a retry racing the timer) refresh the same token at once: nothing is stored,
    # so every answer is a valid token and none is refused
    viewer = video_course.learner
    player = Player.start(world, video_course, viewer)

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda _: player.refresh(viewer), range(4)))

    assert [a.status for a in answers] == [200] * 4, [a.body for a in answers]
    for answer in answers:
        player.token = answer.json()["token"]
        assert player.download().status_code == 200

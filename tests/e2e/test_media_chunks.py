"""A long lecture over HTTP against the local runner: a clip over the (lowered) chunking threshold
is encoded in parallel parts by the runner's worker pool, assembled, and plays: master playlist,
variant, the audio rendition, and their segments."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin

import m3u8
import pytest
import requests

from local.samples import make_test_clip
from tests.e2e.conftest import LocalStack, local_runner
from tests.e2e.test_media import (
    INSTRUCTOR,
    STUDENT,
    TS_SYNC_BYTE,
    _new_course,
    _ok,
    _token,
    _upload,
    _video_lesson,
    _wait_for,
)


@pytest.fixture(scope="module")
def chunking_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    """Its own runner: sources over 5 s are chunked, for a pool of two workers."""
    env = {"TRANSCODE_CHUNK_THRESHOLD_SECONDS": "5", "COURSEWAVE_WORKER_POOL": "2"}
    with local_runner(tmp_path_factory.mktemp("chunking-runner"), extra_env=env) as running:
        yield running


@pytest.fixture(scope="module")
def lecture(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path: Path = tmp_path_factory.mktemp("e2e-lecture") / "lecture.mp4"
    return make_test_clip(path, seconds=14, width=320, height=180).read_bytes()


def test_a_long_lecture_is_chunked_and_plays(chunking_stack: LocalStack, lecture: bytes) -> None:
    stack = chunking_stack
    # Given an instructor's upload longer than the chunking threshold
    instructor = _token(stack, INSTRUCTOR)
    course_id = _new_course(stack, instructor)
    ticket = _upload(stack, instructor, course_id, lecture)

    # When the workflow has processed it
    media = _wait_for(stack, instructor, ticket["media_id"], "ready")
    assert [r["name"] for r in media["renditions"]] == ["180p"]
    assert 13.9 <= media["duration_seconds"] <= 14.1
    listing = stack.aws("s3").list_objects_v2(
        Bucket=stack.env["MEDIA_BUCKET"], Prefix=f"media/{ticket['media_id']}/"
    )
    keys = [item["Key"] for item in listing["Contents"]]
    assert any(key.endswith("/180p/c0001_00000.ts") for key in keys)  # encoded in chunks
    assert any(key.endswith("/audio/index.m3u8") for key in keys)

    # ...and it is a lesson of the published course a student enrolled in
    lesson = _video_lesson(stack, instructor, course_id, ticket["media_id"], "The whole lecture")
    _ok(stack.api("POST", f"/v1/courses/{course_id}/publish", instructor))
    student = _token(stack, STUDENT)
    _ok(stack.api("POST", f"/v1/courses/{course_id}/enroll", student), 201)
    playback = _ok(
        stack.api("GET", f"/v1/courses/{course_id}/lessons/{lesson['id']}/playback", student)
    )

    # Then a player follows the master to the variant and the audio rendition, and their segments
    master_response = requests.get(playback["url"], timeout=30)
    assert master_response.status_code == 200
    master = m3u8.loads(master_response.text)
    [audio] = [m for m in master.media if m.type == "AUDIO"]
    [variant] = master.playlists
    assert variant.stream_info.audio == audio.group_id
    for uri in (variant.uri, audio.uri):
        playlist_url = urljoin(playback["url"], uri)
        playlist_response = requests.get(playlist_url, timeout=30)
        assert playlist_response.status_code == 200, playlist_response.text
        assert "#EXT-X-DISCONTINUITY" not in playlist_response.text
        playlist = m3u8.loads(playlist_response.text, uri=playlist_url)
        assert playlist.is_endlist
        assert sum(s.duration for s in playlist.segments) == pytest.approx(14.0, abs=0.1)
        for segment in playlist.segments:
            downloaded = requests.get(segment.absolute_uri, timeout=30)
            assert [r.status_code for r in downloaded.history] == [302]  # the segment path
            assert downloaded.status_code == 200
            assert len(downloaded.content) > 1000 and downloaded.content[0] == TS_SYNC_BYTE

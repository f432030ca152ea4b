"""Long sources on the real workflow (moto executes the ``Map``), the worker in-process with real
FFmpeg: a source over the (lowered) threshold is encoded in parallel parts and assembled; a part
that fails, or a worker that is lost, fails the media cleanly with nothing left published."""

from __future__ import annotations

import json
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import m3u8
import pytest
import requests

from local.samples import make_test_clip
from tests.integration.media.conftest import MediaWorld
from tests.support.cloud import Response
from tests.support.personas import Personas
from workers.transcode import worker as worker_module
from workers.transcode.errors import TranscodeFailed
from workers.transcode.local_adapter import lambda_handler
from workers.transcode.settings import WorkerSettings
from workers.transcode.worker import Worker

pytestmark = pytest.mark.xdist_group("transcode")


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """14 s at 320x180: over the 5 s threshold below; two chunks (12 s + 2 s) plus the audio."""
    path = tmp_path_factory.mktemp("long") / "lecture.mp4"
    return make_test_clip(path, seconds=14, width=320, height=180).read_bytes()


def _use_worker(world: MediaWorld, heartbeat_seconds: int) -> Worker:
    """The world's worker with a low chunking threshold and quick heartbeats. A part's heartbeat
    deadline runs from when its task is queued: it must cover the parts queued before it (the
    test feeds one worker)."""
    settings = replace(
        WorkerSettings.from_env(),
        chunk_threshold_seconds=5,
        chunk_workers=2,
        keepalive_seconds=0.5,
        heartbeat_seconds=heartbeat_seconds,
    )
    worker = Worker(settings)
    world.worker = worker
    world.work_queue.handler = partial(lambda_handler, worker=worker)
    return worker


@pytest.fixture
def chunking(world: MediaWorld) -> Worker:
    return _use_worker(world, heartbeat_seconds=20)


def _messages_of(world: MediaWorld) -> list[dict[str, Any]]:
    """Every task message the worker is fed from now on (wrapping the poller's handler)."""
    seen: list[dict[str, Any]] = []
    handler = world.work_queue.handler

    def recording(event: dict[str, Any], context: Any) -> Any:
        seen.extend(json.loads(record["body"]) for record in event["Records"])
        return handler(event, context)

    world.work_queue.handler = recording
    return seen


def _get(world: MediaWorld, url: str) -> Response:
    parts = urlsplit(url)
    return world.platform.call("GET", f"{parts.path}?{parts.query}")


def test_a_long_video_is_encoded_in_parallel_parts_and_plays(
    world: MediaWorld, personas: Personas, chunking: Worker, long_clip: bytes
) -> None:
    # Given a video longer than the chunking threshold
    owner = personas.instructor
    course_id = world.course(owner)
    messages = _messages_of(world)
    media_id, _ = world.upload(owner, course_id, long_clip)

    # When the workflow runs
    world.run_workflow(timeout=240)

    # Then the media is ready, announced once, with the one rendition and the whole duration
    media = world.platform.call("GET", f"/v1/media/{media_id}", caller=owner).json()
    assert media["status"] == "ready", media
    assert media["progress_percent"] == 100
    assert 13.9 <= media["duration_seconds"] <= 14.1
    assert [r["name"] for r in media["renditions"]] == ["180p"]
    assert len(world.bus_events("MediaReady")) == 1
    assert [e["status"] for e in world.executions()] == ["SUCCEEDED"]

    # ...planned, encoded as the audio and two chunks on worker tasks, then assembled
    actions = [m.get("action", "transcode") for m in messages]
    assert actions[0] == "transcode" and actions[-1] == "assemble"
    parts = sorted(
        (m["part"]["kind"], m["part"].get("index", -1))
        for m in messages
        if m.get("action") == "part"
    )
    assert parts == [("audio", -1), ("video", 0), ("video", 1)]

    # ...published under one prefix: chunk segments, the audio rendition, playlists, no leftovers
    keys = world.published_keys(media_id)
    [prefix] = {key.rsplit("/", 1)[0] for key in keys if key.endswith("master.m3u8")}
    relative = {key.removeprefix(prefix + "/") for key in keys}
    assert relative == {
        "master.m3u8",
        "thumbnail.jpg",
        "180p/index.m3u8",
        "180p/c0000_00000.ts",
        "180p/c0000_00001.ts",
        "180p/c0001_00000.ts",
        "audio/index.m3u8",
        "audio/seg_00000.ts",
        "audio/seg_00001.ts",
        "audio/seg_00002.ts",
    }
    assert world.media(media_id).audio_rendition == "audio"

    # ...and a learner's player gets the master, the variant, the audio rendition and segments
    lesson_id = world.lesson(
        owner, course_id, {"type": "video", "video": {"source": "upload", "media_id": media_id}}
    )
    playback = world.platform.call(
        "GET", f"/v1/courses/{course_id}/lessons/{lesson_id}/playback", caller=owner
    )
    assert playback.status == 200, playback.body
    master_url = playback.json()["url"]
    master = m3u8.loads(_get(world, master_url).body.decode(), uri=master_url)
    [audio] = [m for m in master.media if m.type == "AUDIO"]
    assert audio.default == "YES" and "token=" in audio.uri
    [variant] = master.playlists
    assert variant.stream_info.audio == audio.group_id
    for uri in (variant.absolute_uri, audio.absolute_uri):
        response = _get(world, uri)
        assert response.status == 200, response.body
        text = response.body.decode()
        assert "#EXT-X-DISCONTINUITY" not in text
        playlist = m3u8.loads(text, uri=uri)
        assert playlist.is_endlist and playlist.segments
        redirect = _get(world, playlist.segments[0].absolute_uri)  # the segment path
        assert redirect.status == 302, redirect.body
        first = requests.get(redirect.headers["location"], timeout=30)
        assert first.status_code == 200 and first.content[:1] == b"G"  # an MPEG-TS packet
    assert _get(world, variant.absolute_uri.replace("180p/", "720p/")).status == 404


def test_a_part_that_fails_fails_the_media_and_discards_every_part(
    world: MediaWorld,
    personas: Personas,
    chunking: Worker,
    long_clip: bytes,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given a source whose second chunk cannot be encoded
    real = worker_module.encode_chunk

    def encode_chunk(src: Path, plan: Any, chunk: Any, out: Path, **kwargs: Any) -> Any:
        if chunk.index == 1:
            raise TranscodeFailed("ffmpeg exited with status 1\nInvalid data found")
        return real(src, plan, chunk, out, **kwargs)

    monkeypatch.setattr(worker_module, "encode_chunk", encode_chunk)
    owner = personas.instructor
    course_id = world.course(owner)
    messages = _messages_of(world)
    media_id, _ = world.upload(owner, course_id, long_clip)

    # When the workflow runs
    world.run_workflow(timeout=240)

    # Then the media failed with the part's reason, once, and nothing is left in the bucket
    media = world.platform.call("GET", f"/v1/media/{media_id}", caller=owner).json()
    assert media["status"] == "failed"
    assert media["error"].startswith("We couldn't convert this video for streaming")
    [failed] = world.bus_events("MediaFailed")
    assert failed["detail"]["data"]["error_code"] == "Transcode.TranscodeFailed"
    assert world.bus_events("MediaReady") == []
    assert world.published_keys(media_id) == []
    assert [m.get("action") for m in messages].count("discard") == 1
    assert "assemble" not in [m.get("action") for m in messages]
    assert [e["status"] for e in world.executions()] == ["FAILED"]


def test_a_lost_worker_times_out_its_part_and_the_media_fails_cleanly(
    world: MediaWorld, personas: Personas, long_clip: bytes
) -> None:
    # Given a worker that takes the second chunk's task and is never heard of again
    _use_worker(world, heartbeat_seconds=4)
    handler = world.work_queue.handler
    lost: list[dict[str, Any]] = []

    def losing(event: dict[str, Any], context: Any) -> Any:
        body = json.loads(event["Records"][0]["body"])
        if body.get("action") == "part" and body["part"].get("index") == 1:
            lost.append(body)  # taken off the queue, never answered, never heartbeaten
            return {"batchItemFailures": []}
        return handler(event, context)

    world.work_queue.handler = losing
    owner = personas.instructor
    course_id = world.course(owner)
    media_id, _ = world.upload(owner, course_id, long_clip)

    # When the workflow runs (heartbeat deadline 4 s, two retries)
    world.run_workflow(timeout=240)

    # Then the part was retried on new task messages, then the media failed, nothing published
    assert len(lost) == 3  # the first try and two retries (moto reuses the token; AWS does not)
    media = world.platform.call("GET", f"/v1/media/{media_id}", caller=owner).json()
    assert media["status"] == "failed"
    assert media["error"].startswith("We couldn't finish processing this file")
    [failed] = world.bus_events("MediaFailed")
    assert failed["detail"]["data"]["error_code"] == "Transcode.WorkerLost"
    assert world.published_keys(media_id) == []
    assert [e["status"] for e in world.executions()] == ["FAILED"]

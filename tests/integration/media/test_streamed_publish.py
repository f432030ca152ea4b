"""Segments go to the media bucket while FFmpeg still encodes the ladder, yet the media is
published atomically: the playlists go last, the item points at them only on success, and a
run that fails mid-encode leaves nothing behind (the real ASL on moto, real FFmpeg)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from local.samples import make_test_clip
from tests.integration.media.conftest import MediaWorld
from tests.support.cloud import Caller
from tests.support.personas import Personas
from workers.transcode import pipeline, segments
from workers.transcode.aws import Buckets
from workers.transcode.errors import TranscodeFailed


@pytest.fixture(scope="module")
def long_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """20 s of 360p: four segments of the one rendition, written one after the other."""
    path = tmp_path_factory.mktemp("streamed") / "lesson.mp4"
    return make_test_clip(path, seconds=20, width=640, height=360).read_bytes()


@dataclass
class Recorder:
    """Every upload of the worker, and whether FFmpeg was still running when it started."""

    encoding: threading.Event = field(default_factory=threading.Event)
    puts: list[tuple[str, bool]] = field(default_factory=list)

    def uploaded(self, *, during_encode: bool | None = None) -> list[str]:
        return [k for k, running in self.puts if during_encode in (None, running)]


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    seen = Recorder()
    real_put, real_encode = Buckets.put, pipeline.run_encode

    def put(self: Buckets, path: Path, key: str, published: list[str]) -> None:
        seen.puts.append((key, seen.encoding.is_set()))
        real_put(self, path, key, published)

    def run_encode(*args: Any, **kwargs: Any) -> None:
        seen.encoding.set()
        try:
            real_encode(*args, **kwargs)
        finally:
            seen.encoding.clear()

    monkeypatch.setattr(Buckets, "put", put)
    monkeypatch.setattr(pipeline, "run_encode", run_encode)
    monkeypatch.setattr(segments, "DEFAULT_INTERVAL_SECONDS", 0.02)
    yield seen


def _status(world: MediaWorld, media_id: str, caller: Caller) -> dict[str, Any]:
    response = world.platform.call("GET", f"/v1/media/{media_id}", caller=caller)
    assert response.status == 200, response.body
    return response.json()


def test_segments_are_uploaded_during_the_encode_and_the_playlists_last(
    world: MediaWorld, personas: Personas, long_clip: bytes, recorder: Recorder
) -> None:
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, long_clip)

    world.run_workflow()

    media = _status(world, media_id, personas.instructor)
    assert media["status"] == "ready", media
    [prefix] = {k.rsplit("/", 1)[0] for k in world.published_keys(media_id) if "master" in k}
    relative = [key.removeprefix(prefix + "/") for key in recorder.uploaded()]
    # Every file of the ladder uploaded exactly once...
    assert sorted(relative) == [
        key.removeprefix(prefix + "/") for key in world.published_keys(media_id)
    ]
    assert sorted(relative) == [
        "360p/index.m3u8",
        "360p/seg_00000.ts",
        "360p/seg_00001.ts",
        "360p/seg_00002.ts",
        "360p/seg_00003.ts",
        "master.m3u8",
        "thumbnail.jpg",
    ]
    # ...the finished segments while FFmpeg still wrote the next ones (never the last one, which
    # FFmpeg may still be writing until it exits)...
    early = [key.removeprefix(prefix + "/") for key in recorder.uploaded(during_encode=True)]
    assert early, "no segment was uploaded before the encode finished"
    assert set(early) <= {"360p/seg_00000.ts", "360p/seg_00001.ts", "360p/seg_00002.ts"}
    # ...and the playlists after everything they reference.
    playlists = [i for i, key in enumerate(relative) if key.endswith(".m3u8")]
    assert playlists == [len(relative) - 2, len(relative) - 1]
    # The media item points at this run's master playlist, measured from the same files.
    assert world.media(media_id).published_key == f"{prefix}/master.m3u8"
    [rendition] = media["renditions"]
    assert (rendition["width"], rendition["height"]) == (640, 360)
    assert rendition["bandwidth"] > 0


def test_a_failure_mid_encode_deletes_the_segments_already_uploaded(
    world: MediaWorld,
    personas: Personas,
    long_clip: bytes,
    recorder: Recorder,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_encode = pipeline.run_encode

    def crashing_encode(*args: Any, **kwargs: Any) -> None:
        real_encode(*args, **kwargs)  # the segments are written (and uploaded) ...
        raise TranscodeFailed("ffmpeg exited with status 1")  # ... then FFmpeg fails

    monkeypatch.setattr(pipeline, "run_encode", crashing_encode)
    course_id = world.course(personas.instructor)
    media_id, _ = world.upload(personas.instructor, course_id, long_clip)

    world.run_workflow()

    assert recorder.uploaded(during_encode=True), "nothing was uploaded before the failure"
    assert not [key for key in recorder.uploaded() if key.endswith(".m3u8")]
    media = _status(world, media_id, personas.instructor)
    assert media["status"] == "failed"
    assert media["renditions"] == []
    assert world.published_keys(media_id) == []
    assert world.media(media_id).published_key is None
    [failed] = world.bus_events("MediaFailed")
    assert failed["detail"]["data"]["error_code"] == "Transcode.TranscodeFailed"
    assert world.bus_events("MediaReady") == []

"""Chunk planning, part results, assembly and the chunk tasks' messages, without FFmpeg."""

from __future__ import annotations

import json

import m3u8
import pytest

from local import runner
from workers.transcode.chunks import (
    AUDIO,
    VIDEO,
    Chunk,
    PartRendition,
    PartResult,
    Segment,
    assemble,
    plan_chunks,
)
from workers.transcode.errors import TranscodeFailed
from workers.transcode.ffmpeg import build_chunk_command
from workers.transcode.ladder import LadderPlan, plan_renditions
from workers.transcode.messages import Task
from workers.transcode.settings import ConfigurationError, WorkerSettings


def _plan(seconds: float, fps: float = 30.0) -> LadderPlan:
    return LadderPlan(plan_renditions(1280, 720), fps, True, seconds)


def test_chunks_are_whole_segments_one_per_worker_the_last_takes_the_rest() -> None:
    chunks = plan_chunks(_plan(25 * 60), workers=4)  # 250 segments of 180 frames

    assert [c.start_frame for c in chunks] == [0, 63 * 180, 126 * 180, 189 * 180]
    assert [c.frames for c in chunks] == [63 * 180, 63 * 180, 63 * 180, None]
    assert all(c.start_frame % 180 == 0 for c in chunks)


def test_ntsc_segments_end_on_the_first_keyframe_past_six_seconds() -> None:
    chunks = plan_chunks(_plan(60, fps=30000 / 1001), workers=2)  # 10 segments of 180 frames

    assert [(c.start_frame, c.frames) for c in chunks] == [(0, 900), (900, None)]


def test_a_short_source_is_one_chunk_however_many_workers() -> None:
    assert plan_chunks(_plan(5), workers=8) == (Chunk(0, 0, None),)


def test_a_chunk_command_seeks_trims_and_continues_the_timeline() -> None:
    command = build_chunk_command(
        "/in/source.mp4", _plan(60), start_frame=540, frames=360, name="c0001"
    )
    joined = " ".join(command)

    assert command[command.index("-ss") + 1] == "18.000000"
    assert "trim=end_frame=360" in joined
    assert command[command.index("-output_ts_offset") + 1] == "18.033333"  # + the B-frame delay
    assert "0:a" not in joined and "-c:a" not in command
    assert command[-1] == "%v/c0001.m3u8" and "%v/c0001_%05d.ts" in command


def _part(kind: str, index: int, name: str, segments: list[tuple[str, float, int]]) -> PartResult:
    codecs = "mp4a.40.2" if kind == AUDIO else "avc1.640020"
    rendition = PartRendition(
        name, 1280, 720, 30.0, codecs, tuple(Segment(u, d, s) for u, d, s in segments)
    )
    return PartResult(kind, index, (rendition,))


def test_assembly_lists_every_chunk_in_order_and_adds_the_audio_to_each_variant() -> None:
    parts = [
        _part(VIDEO, 1, "720p", [("c0001_00000.ts", 2.0, 500_000)]),
        _part(AUDIO, -1, "audio", [("seg_00000.ts", 6.0, 96_000), ("seg_00001.ts", 2.0, 32_000)]),
        _part(VIDEO, 0, "720p", [("c0000_00000.ts", 6.0, 3_000_000)]),
    ]
    parts = [PartResult.from_json(json.loads(json.dumps(p.to_json()))) for p in parts]

    assembly = assemble(parts, expected_chunks=2)

    variant = m3u8.loads(assembly.playlists["720p/index.m3u8"])
    assert [s.uri for s in variant.segments] == ["c0000_00000.ts", "c0001_00000.ts"]
    assert variant.is_endlist and variant.target_duration == 6
    assert "DISCONTINUITY" not in assembly.playlists["720p/index.m3u8"]
    [rendition] = assembly.renditions
    assert rendition.bandwidth == 4_000_000 + 128_000  # peak video + peak audio
    assert rendition.average_bandwidth == 3_500_000 + 128_000  # 3.5 MB in 8 s + the audio
    assert rendition.codecs == "avc1.640020,mp4a.40.2"
    master = m3u8.loads(assembly.playlists["master.m3u8"])
    assert [m.uri for m in master.media] == ["audio/index.m3u8"]
    assert master.playlists[0].stream_info.audio == master.media[0].group_id


def test_assembly_refuses_a_missing_chunk() -> None:
    parts = [_part(VIDEO, 0, "720p", [("c0000_00000.ts", 6.0, 1000)])]

    with pytest.raises(TranscodeFailed, match="expected 2 chunks"):
        assemble(parts, expected_chunks=2)


def _body(**fields: object) -> str:
    base = {
        "task_token": "tok",
        "media_id": "med_1",
        "attempt": "exec-1",
        "source": {"bucket": "uploads", "key": "uploads/c/med_1/source.mp4"},
    }
    return json.dumps({**base, **fields})


def test_chunk_tasks_must_name_a_run_prefix_of_their_own_media() -> None:
    prefix = "media/med_1/" + "a" * 32 + "/"
    task = Task.parse(_body(action="discard", output_prefix=prefix))
    assert task is not None and (task.action, task.output_prefix) == ("discard", prefix)

    for wrong in ("media/med_2/" + "a" * 32 + "/", "media/med_1/", "media/", "", None, 3):
        assert Task.parse(_body(action="discard", output_prefix=wrong)) is None
    assert Task.parse(_body(action="explode", output_prefix=prefix)) is None


def test_chunking_settings_come_from_the_environment() -> None:
    base = {"TABLE_NAME": "t", "MEDIA_BUCKET": "m"}
    settings = WorkerSettings.from_env(
        {**base, "TRANSCODE_CHUNK_THRESHOLD_SECONDS": "5", "TRANSCODE_CHUNK_WORKERS": "3"}
    )
    assert (settings.chunk_threshold_seconds, settings.chunk_workers) == (5.0, 3)
    assert WorkerSettings.from_env(base).chunk_threshold_seconds == 240.0
    with pytest.raises(ConfigurationError, match="TRANSCODE_CHUNK_WORKERS"):
        WorkerSettings.from_env({**base, "TRANSCODE_CHUNK_WORKERS": "zero"})


def test_the_local_worker_pool_size_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(runner.WORKER_POOL_ENV, raising=False)
    assert runner.worker_pool_size() == 2
    monkeypatch.setenv(runner.WORKER_POOL_ENV, "4")
    assert runner.worker_pool_size() == 4
    for wrong in ("0", "many"):
        monkeypatch.setenv(runner.WORKER_POOL_ENV, wrong)
        with pytest.raises(runner.StartupError):
            runner.worker_pool_size()

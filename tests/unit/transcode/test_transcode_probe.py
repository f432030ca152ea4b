"""Interpreting ffprobe output (synthetic JSON) and the error types."""

from __future__ import annotations

from typing import Any

import pytest

from workers.transcode.errors import (
    NotAVideo,
    ProbeFailed,
    TranscodeError,
    TranscodeFailed,
    TranscodeTimeout,
)
from workers.transcode.probe import parse_probe_output, parse_rate, probe


def video_stream(**overrides: Any) -> dict[str, Any]:
    stream = {
        "index": 0,
        "codec_type": "video",
        "codec_name": "h264",
        "width": 1920,
        "height": 1080,
        "sample_aspect_ratio": "1:1",
        "avg_frame_rate": "30/1",
        "r_frame_rate": "30/1",
        "disposition": {"attached_pic": 0},
    }
    stream.update(overrides)
    return stream


AUDIO = {"index": 1, "codec_type": "audio", "codec_name": "aac"}


def probe_json(*streams: dict[str, Any], duration: str | None = "12.5") -> dict[str, Any]:
    fmt: dict[str, Any] = {"format_name": "mov,mp4,m4a,3gp,3g2,mj2"}
    if duration is not None:
        fmt["duration"] = duration
    return {"streams": list(streams), "format": fmt}


def test_plain_landscape_video() -> None:
    info = parse_probe_output(probe_json(video_stream(), AUDIO))
    assert (info.width, info.height, info.rotation) == (1920, 1080, 0)
    assert info.duration_seconds == 12.5
    assert info.fps == 30.0
    assert info.has_audio is True
    assert info.video_codec == "h264"
    assert info.format_name == "mov,mp4,m4a,3gp,3g2,mj2"
    assert info.short_side == 1080
    assert not info.is_portrait


@pytest.mark.parametrize("rotation", [90, -90, 270, -270])
def test_display_matrix_rotation_of_90_degrees_is_portrait(rotation: int) -> None:
    side_data = [{"side_data_type": "Display Matrix", "rotation": rotation}]
    info = parse_probe_output(probe_json(video_stream(side_data_list=side_data)))
    assert (info.width, info.height) == (1080, 1920)
    assert info.rotation == rotation % 360
    assert info.is_portrait


def test_legacy_rotate_tag_is_read() -> None:
    info = parse_probe_output(probe_json(video_stream(tags={"rotate": "90"})))
    assert (info.width, info.height, info.rotation) == (1080, 1920, 90)


def test_upside_down_video_keeps_its_orientation() -> None:
    side_data = [{"side_data_type": "Display Matrix", "rotation": 180}]
    info = parse_probe_output(probe_json(video_stream(side_data_list=side_data)))
    assert (info.width, info.height, info.rotation) == (1920, 1080, 180)


def test_anamorphic_pixels_give_the_display_width() -> None:
    stream = video_stream(width=720, height=576, sample_aspect_ratio="64:45")
    info = parse_probe_output(probe_json(stream))
    assert (info.width, info.height) == (1024, 576)


def test_unknown_sample_aspect_ratio_is_square() -> None:
    info = parse_probe_output(probe_json(video_stream(sample_aspect_ratio="0:1")))
    assert info.width == 1920


def test_fps_falls_back_to_r_frame_rate() -> None:
    stream = video_stream(avg_frame_rate="0/0", r_frame_rate="30000/1001")
    assert parse_probe_output(probe_json(stream)).fps == pytest.approx(29.97, abs=0.001)


def test_duration_falls_back_to_the_video_stream() -> None:
    info = parse_probe_output(probe_json(video_stream(duration="3.2"), duration=None))
    assert info.duration_seconds == 3.2


def test_video_without_audio() -> None:
    assert parse_probe_output(probe_json(video_stream())).has_audio is False


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(probe_json(AUDIO), id="audio only"),
        pytest.param(
            probe_json(AUDIO, video_stream(codec_name="mjpeg", disposition={"attached_pic": 1})),
            id="mp3 with cover art",
        ),
        pytest.param({"streams": [], "format": {}}, id="nothing"),
        pytest.param(probe_json(video_stream(), duration="0.000"), id="zero duration"),
        pytest.param(probe_json(video_stream(), duration="-1"), id="negative duration"),
        pytest.param(probe_json(video_stream(), duration="N/A"), id="no duration"),
        pytest.param(probe_json(video_stream(width=0)), id="zero width"),
        pytest.param(probe_json(video_stream(height=0)), id="zero height"),
        pytest.param(probe_json(video_stream(width=1, height=1)), id="one pixel"),
    ],
)
def test_absurd_or_videoless_input_is_not_a_video(data: dict[str, Any]) -> None:
    with pytest.raises(NotAVideo):
        parse_probe_output(data)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("30/1", 30.0), ("30000/1001", 30000 / 1001), ("25", 25.0), ("0/0", 0.0), (None, 0.0)],
)
def test_parse_rate(raw: str | None, expected: float) -> None:
    assert parse_rate(raw) == pytest.approx(expected)


def test_missing_source_file_is_a_probe_failure(tmp_path: Any) -> None:
    with pytest.raises(ProbeFailed):
        probe(tmp_path / "missing.mp4")


@pytest.mark.parametrize("cls", [NotAVideo, ProbeFailed, TranscodeFailed, TranscodeTimeout])
def test_errors_have_an_instructor_safe_message_and_are_not_retryable_by_default(
    cls: type[TranscodeError],
) -> None:
    error = cls("ffmpeg said: /tmp/work/abc/input.mp4: moov atom not found")
    assert isinstance(error, TranscodeError)
    assert error.public_message
    assert "/tmp" not in error.public_message
    assert "moov" not in error.public_message
    assert error.retryable is False
    assert "moov atom" in str(error)


def test_error_overrides_are_per_instance() -> None:
    error = TranscodeFailed("killed", retryable=True, public_message="Try again later.")
    assert (error.retryable, error.public_message) == (True, "Try again later.")
    assert TranscodeFailed.retryable is False

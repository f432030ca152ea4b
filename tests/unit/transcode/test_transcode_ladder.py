"""HLS ladder planning: which renditions, what sizes, bitrates and GOP."""

from __future__ import annotations

from fractions import Fraction

import pytest

from workers.transcode.ladder import (
    LadderPlan,
    output_fps,
    plan_ladder,
    plan_renditions,
)
from workers.transcode.probe import SourceInfo


def source(width: int, height: int, fps: float = 30.0, audio: bool = True) -> SourceInfo:
    return SourceInfo(
        duration_seconds=10.0,
        width=width,
        height=height,
        rotation=0,
        fps=fps,
        has_audio=audio,
        video_codec="h264",
        format_name="mov,mp4,m4a,3gp,3g2,mj2",
    )


def sizes(width: int, height: int) -> list[tuple[str, int, int]]:
    return [(r.name, r.width, r.height) for r in plan_renditions(width, height)]


def test_1080p_source_gets_the_four_rungs_highest_first() -> None:
    assert sizes(1920, 1080) == [
        ("1080p", 1920, 1080),
        ("720p", 1280, 720),
        ("480p", 854, 480),
        ("360p", 640, 360),
    ]


def test_720p_source_is_never_upscaled() -> None:
    assert sizes(1280, 720) == [("720p", 1280, 720), ("480p", 854, 480), ("360p", 640, 360)]


def test_4k_source_tops_out_at_1080p() -> None:
    assert [name for name, _, _ in sizes(3840, 2160)] == ["1080p", "720p", "480p", "360p"]


def test_portrait_source_is_rung_by_its_short_side() -> None:
    assert sizes(1080, 1920) == [
        ("1080p", 1080, 1920),
        ("720p", 720, 1280),
        ("480p", 480, 854),
        ("360p", 360, 640),
    ]


def test_source_between_rungs_only_gets_lower_rungs() -> None:
    assert [name for name, _, _ in sizes(1000, 562)] == ["480p", "360p"]


def test_source_below_360p_gets_one_rendition_at_its_own_size() -> None:
    (rendition,) = plan_renditions(426, 240)
    assert (rendition.name, rendition.width, rendition.height) == ("240p", 426, 240)
    assert rendition.audio_bitrate_kbps == 96
    assert 200 <= rendition.video_bitrate_kbps < 800


def test_odd_small_source_is_rounded_down_to_even() -> None:
    assert sizes(427, 241) == [("240p", 426, 240)]
    assert sizes(241, 427) == [("240p", 240, 426)]


def test_odd_large_source_gets_even_sizes_that_do_not_exceed_it() -> None:
    assert sizes(1281, 721)[0] == ("720p", 1280, 720)
    assert sizes(1279, 720)[0] == ("720p", 1278, 720)  # rounding would have given 1280


@pytest.mark.parametrize(
    ("width", "height"),
    [(1920, 1080), (1080, 1920), (1440, 1080), (1920, 800), (720, 720), (1366, 768), (2560, 1080),
     (1281, 721), (853, 481), (640, 361), (3840, 2160), (359, 203), (200, 150), (17, 17)],
)  # fmt: skip
def test_every_rendition_is_even_within_source_and_keeps_aspect(width: int, height: int) -> None:
    for r in plan_renditions(width, height):
        assert r.width % 2 == 0
        assert r.height % 2 == 0
        assert r.width <= width
        assert r.height <= height
        assert r.width / r.height == pytest.approx(width / height, rel=0.01, abs=2 / r.height)


def test_bitrates_follow_the_ladder_with_headroom_for_peaks() -> None:
    ladder = {r.name: r for r in plan_renditions(1920, 1080)}
    assert {n: r.video_bitrate_kbps for n, r in ladder.items()} == {
        "1080p": 5000,
        "720p": 2800,
        "480p": 1400,
        "360p": 800,
    }
    assert {n: r.audio_bitrate_kbps for n, r in ladder.items()} == {
        "1080p": 128,
        "720p": 128,
        "480p": 128,
        "360p": 96,
    }
    for r in ladder.values():
        assert r.video_bitrate_kbps < r.maxrate_kbps < r.bufsize_kbps
    assert ladder["1080p"].profile == "high"
    assert ladder["360p"].profile == "main"


def test_invalid_size_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        plan_renditions(0, 720)


@pytest.mark.parametrize(
    ("source_fps", "expected"),
    [
        (30.0, 30.0),
        (25.0, 25.0),
        (60.0, 60.0),
        (120.0, 60.0),  # capped
        (240.0, 60.0),
        (29.947, 30000 / 1001),  # phone VFR average snapped to the standard rate
        (30000 / 1001, 30000 / 1001),
        (23.976, 24000 / 1001),
        (12.0, 12.0),  # unusual but valid: kept
        (0.0, 30.0),  # unknown
    ],
)
def test_output_fps(source_fps: float, expected: float) -> None:
    assert output_fps(source_fps) == pytest.approx(expected)


@pytest.mark.parametrize(("fps", "gop"), [(30.0, 60), (60.0, 120), (25.0, 50), (24.0, 48)])
def test_keyframe_interval_is_two_seconds_of_frames(fps: float, gop: int) -> None:
    assert LadderPlan((), fps, True, 10.0).keyframe_interval == gop


def test_fps_fraction_is_exact_for_ntsc_rates() -> None:
    assert LadderPlan((), 30000 / 1001, True, 10.0).fps_fraction == Fraction(30000, 1001)
    assert LadderPlan((), 30.0, True, 10.0).fps_fraction == Fraction(30)


def test_plan_ladder_uses_display_size_fps_and_audio() -> None:
    plan = plan_ladder(source(720, 1280, fps=59.94, audio=False))
    assert [(r.width, r.height) for r in plan.renditions] == [(720, 1280), (480, 854), (360, 640)]
    assert plan.fps == pytest.approx(60000 / 1001)
    assert plan.keyframe_interval == 120
    assert plan.has_audio is False
    assert plan.duration_seconds == 10.0

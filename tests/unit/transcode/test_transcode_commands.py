"""FFmpeg command building, progress parsing and process handling (with fake processes)."""

from __future__ import annotations

import sys
import textwrap
import time
from pathlib import Path

import pytest

from workers.transcode.errors import TranscodeFailed, TranscodeTimeout
from workers.transcode.ffmpeg import (
    ProgressThrottle,
    build_ladder_command,
    parse_progress_time,
    per_rendition_commands,
    progress_percent,
    run_encode,
    var_stream_map,
)
from workers.transcode.ladder import LadderPlan, plan_renditions

SRC = Path("/uploads/lesson 1.mp4")


def plan(width: int = 1280, height: int = 720, audio: bool = True, fps: float = 30.0) -> LadderPlan:
    return LadderPlan(plan_renditions(width, height), fps, audio, 10.0)


def value_after(args: list[str], flag: str) -> str:
    return args[args.index(flag) + 1]


def values_after(args: list[str], flag: str) -> list[str]:
    return [args[i + 1] for i, arg in enumerate(args) if arg == flag]


def test_ladder_is_one_process_decoding_the_source_once() -> None:
    args = build_ladder_command(SRC, plan())
    assert all(isinstance(a, str) for a in args)
    assert Path(args[0]).name == "ffmpeg"
    assert values_after(args, "-i") == [str(SRC)]  # no shell quoting: the space is fine
    graph = value_after(args, "-filter_complex")
    assert graph.startswith("[0:v]fps=30,format=yuv420p,split=3[s0][s1][s2];")
    assert "[s0]scale=1280:720,setsar=1[v0]" in graph
    assert "[s1]scale=854:480,setsar=1[v1]" in graph
    assert "[s2]scale=640:360,setsar=1[v2]" in graph
    assert values_after(args, "-map") == ["[v0]", "[v1]", "[v2]", "0:a:0", "0:a:0", "0:a:0"]


def test_upload_is_read_through_the_demuxer_whitelist() -> None:
    args = build_ladder_command(SRC, plan())
    assert args.index("-format_whitelist") < args.index("-i")
    assert "hls" not in value_after(args, "-format_whitelist").split(",")
    assert value_after(args, "-protocol_whitelist") == "file"


def test_var_stream_map_with_audio() -> None:
    args = build_ladder_command(SRC, plan())
    assert value_after(args, "-var_stream_map") == (
        "v:0,a:0,name:720p v:1,a:1,name:480p v:2,a:2,name:360p"
    )
    assert value_after(args, "-c:a") == "aac"
    assert value_after(args, "-ar") == "48000"
    assert value_after(args, "-ac") == "2"
    assert [value_after(args, f"-b:a:{i}") for i in range(3)] == ["128k", "128k", "96k"]


def test_var_stream_map_without_audio() -> None:
    args = build_ladder_command(SRC, plan(audio=False))
    assert value_after(args, "-var_stream_map") == "v:0,name:720p v:1,name:480p v:2,name:360p"
    assert "0:a:0" not in args
    assert "-c:a" not in args
    assert var_stream_map(plan(1920, 1080, audio=False)).split() == [
        "v:0,name:1080p",
        "v:1,name:720p",
        "v:2,name:480p",
        "v:3,name:360p",
    ]


@pytest.mark.parametrize(("fps", "gop"), [(30.0, "60"), (25.0, "50"), (60.0, "120")])
def test_gop_is_two_seconds_with_forced_keyframes_and_no_scene_cuts(fps: float, gop: str) -> None:
    args = build_ladder_command(SRC, plan(fps=fps))
    assert value_after(args, "-c:v") == "libx264"
    assert value_after(args, "-preset") == "veryfast"
    assert value_after(args, "-g") == gop
    assert value_after(args, "-keyint_min") == gop
    assert value_after(args, "-sc_threshold") == "0"
    assert value_after(args, "-force_key_frames") == "expr:gte(t,n_forced*2)"


def test_ntsc_frame_rate_is_passed_as_an_exact_fraction() -> None:
    graph = value_after(build_ladder_command(SRC, plan(fps=30000 / 1001)), "-filter_complex")
    assert graph.startswith("[0:v]fps=30000/1001,")


def test_per_rendition_rate_control_and_profile() -> None:
    args = build_ladder_command(SRC, plan(1920, 1080))
    assert [value_after(args, f"-b:v:{i}") for i in range(4)] == ["5000k", "2800k", "1400k", "800k"]
    assert [value_after(args, f"-profile:v:{i}") for i in range(4)] == [
        "high",
        "high",
        "high",
        "main",
    ]
    assert value_after(args, "-maxrate:v:0") == "5350k"
    assert value_after(args, "-bufsize:v:0") == "7500k"


def test_hls_output_options() -> None:
    args = build_ladder_command(SRC, plan())
    assert value_after(args, "-f") == "hls"
    assert value_after(args, "-hls_time") == "6"
    assert value_after(args, "-hls_playlist_type") == "vod"
    assert value_after(args, "-hls_flags") == "independent_segments"
    assert value_after(args, "-hls_segment_type") == "mpegts"
    assert value_after(args, "-hls_segment_filename") == "%v/seg_%05d.ts"
    assert args[-1] == "%v/index.m3u8"
    assert value_after(args, "-progress") == "pipe:1"
    assert value_after(args, "-map_metadata") == "-1"  # no GPS tags of phone videos in output


def test_per_rendition_commands_decode_once_per_rendition() -> None:
    commands = per_rendition_commands(SRC, plan())
    assert len(commands) == 3
    for command, name in zip(commands, ["720p", "480p", "360p"], strict=True):
        assert values_after(command, "-i") == [str(SRC)]
        assert "-filter_complex" not in command
        assert value_after(command, "-var_stream_map") == f"v:0,a:0,name:{name}"
        assert value_after(command, "-g") == "60"
    assert "scale=854:480" in value_after(commands[1], "-vf")
    assert value_after(commands[2], "-b:v:0") == "800k"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("out_time_us=1500000", 1_500_000),
        ("out_time_ms=1500000", 1_500_000),  # FFmpeg's misnomer: microseconds too
        ("out_time_us=N/A", None),
        ("out_time=00:00:01.500000", None),
        ("progress=continue", None),
        ("frame=42", None),
    ],
)
def test_parse_progress_time(line: str, expected: int | None) -> None:
    assert parse_progress_time(line) == expected


def test_progress_percent_is_capped_below_100_while_running() -> None:
    assert progress_percent(5_000_000, 10.0) == 50
    assert progress_percent(10_000_000, 10.0) == 99
    assert progress_percent(-20_000, 10.0) == 0
    assert progress_percent(1, 0.0) == 0


def test_throttle_reports_steps_of_five_and_the_end_once() -> None:
    seen: list[int] = []
    throttle = ProgressThrottle(seen.append)
    for percent in [0, 1, 4, 5, 6, 9, 10, 50, 40, 52, 97, 99, 100, 100, 120]:
        throttle.update(percent)
    assert seen == [5, 10, 50, 97, 100]


# ---------------------------------------------------------------- run_encode with fake "ffmpeg"


def fake(script: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(script)]


def test_run_encode_reports_throttled_increasing_progress_ending_at_100(tmp_path: Path) -> None:
    script = """
        import sys
        for us in [None, 0, 1_000_000, 1_200_000, 3_000_000, 7_000_000, 9_900_000, 10_000_000]:
            v = "N/A" if us is None else us
            print(f"frame=1\\nout_time_us={v}\\nout_time_ms={v}\\nprogress=continue", flush=True)
        print("progress=end", flush=True)
    """
    seen: list[int] = []
    run_encode(
        fake(script), cwd=tmp_path, duration_seconds=10, timeout_seconds=30, on_progress=seen.append
    )
    assert seen == [10, 30, 70, 99, 100]


def test_run_encode_failure_carries_the_end_of_stderr(tmp_path: Path) -> None:
    script = """
        import sys
        for i in range(100):
            print(f"noise {i}", file=sys.stderr)
        print("moov atom not found", file=sys.stderr)
        sys.exit(1)
    """
    with pytest.raises(TranscodeFailed) as caught:
        run_encode(fake(script), cwd=tmp_path, duration_seconds=10, timeout_seconds=30)
    assert "moov atom not found" in str(caught.value)
    assert "status 1" in str(caught.value)
    assert "noise 0\n" not in str(caught.value)  # only the tail
    assert caught.value.retryable is False


def test_run_encode_kills_the_process_on_timeout(tmp_path: Path) -> None:
    marker = tmp_path / "still-running"
    script = f"""
        import time, pathlib
        print("out_time_us=0", flush=True)
        time.sleep(5)
        pathlib.Path({str(marker)!r}).write_text("not killed")
    """
    started = time.monotonic()
    with pytest.raises(TranscodeTimeout):
        run_encode(fake(script), cwd=tmp_path, duration_seconds=10, timeout_seconds=0.5)
    assert time.monotonic() - started < 3
    time.sleep(0.2)
    assert not marker.exists()


def test_run_encode_timeout_when_silent(tmp_path: Path) -> None:
    with pytest.raises(TranscodeTimeout):
        run_encode(
            fake("import time; time.sleep(5)"),
            cwd=tmp_path,
            duration_seconds=10,
            timeout_seconds=0.3,
        )


@pytest.mark.parametrize(("signal_name", "retryable"), [("SIGKILL", False), ("SIGTERM", True)])
def test_killed_by_a_signal(tmp_path: Path, signal_name: str, retryable: bool) -> None:
    script = f"import os, signal; os.kill(os.getpid(), signal.{signal_name})"
    with pytest.raises(TranscodeFailed) as caught:
        run_encode(fake(script), cwd=tmp_path, duration_seconds=10, timeout_seconds=30)
    assert signal_name in str(caught.value)
    assert caught.value.retryable is retryable


def test_missing_binary_is_a_transcode_failure(tmp_path: Path) -> None:
    with pytest.raises(TranscodeFailed, match="not installed"):
        run_encode(
            ["/nonexistent/ffmpeg", "-version"],
            cwd=tmp_path,
            duration_seconds=1,
            timeout_seconds=5,
        )


def test_a_failing_progress_callback_stops_the_process(tmp_path: Path) -> None:
    marker = tmp_path / "finished"
    script = f"""
        import time, pathlib
        for us in range(0, 10_000_000, 1_000_000):
            print(f"out_time_us={{us}}", flush=True)
            time.sleep(0.05)
        time.sleep(2)
        pathlib.Path({str(marker)!r}).write_text("done")
    """

    def explode(percent: int) -> None:
        raise RuntimeError("status store down")

    with pytest.raises(RuntimeError):
        run_encode(
            fake(script), cwd=tmp_path, duration_seconds=10, timeout_seconds=30, on_progress=explode
        )
    time.sleep(0.2)
    assert not marker.exists()

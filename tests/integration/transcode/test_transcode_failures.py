"""Bad inputs and time budgets: typed errors, and never a partial ladder left to publish."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from tests.integration.transcode.media import leftovers
from workers.transcode import (
    NotAVideo,
    TranscodeFailed,
    TranscodeTimeout,
    plan_ladder,
    probe,
    transcode,
)
from workers.transcode.ffmpeg import build_ladder_command, run_encode

# One xdist worker runs every real-FFmpeg test, so the session clips are generated once.
pytestmark = pytest.mark.xdist_group("transcode")


def assert_nothing_published(out: Path) -> None:
    assert not out.exists() or not any(out.iterdir())
    assert leftovers(out.parent) == []


def test_text_file_is_not_a_video(tmp_path: Path) -> None:
    src = tmp_path / "notes.mp4"
    src.write_text("Week 1: introduction\nThis is not a video.\n")
    out = tmp_path / "media"
    with pytest.raises(NotAVideo) as caught:
        transcode(src, out)
    assert "video" in caught.value.public_message
    assert str(tmp_path) not in caught.value.public_message
    assert_nothing_published(out)


def test_playlist_disguised_as_mp4_is_refused_before_it_can_read_other_files(
    tmp_path: Path, landscape_clip: Path
) -> None:
    # An HLS playlist pointing at a local file: without the demuxer whitelist FFmpeg would
    # happily read (and republish) whatever it references.
    src = tmp_path / "lesson.mp4"
    src.write_text(
        f"#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:8,\n{landscape_clip}\n#EXT-X-ENDLIST\n"
    )
    with pytest.raises(NotAVideo):
        transcode(src, tmp_path / "media")
    assert_nothing_published(tmp_path / "media")


def test_image_is_not_a_video(tmp_path: Path) -> None:
    src = tmp_path / "slide.png"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1",
         str(src)],
        check=True,
    )  # fmt: skip
    with pytest.raises(NotAVideo):
        transcode(src, tmp_path / "media")
    assert_nothing_published(tmp_path / "media")


def test_truncated_mp4_is_not_a_video_and_nothing_is_left(
    tmp_path: Path, landscape_clip: Path
) -> None:
    # Cut after 10 KB: the moov index (written at the end) is missing, so nothing can be read.
    src = tmp_path / "cut.mp4"
    src.write_bytes(landscape_clip.read_bytes()[:10_240])
    out = tmp_path / "media"
    with pytest.raises(NotAVideo):
        transcode(src, out)
    assert_nothing_published(out)


def test_truncated_faststart_mp4_fails_the_encode_and_nothing_is_left(
    tmp_path: Path, landscape_clip: Path
) -> None:
    # With the index at the front, the probe succeeds (8 s announced) but the media is missing.
    faststart = tmp_path / "faststart.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(landscape_clip), "-c", "copy",
         "-movflags", "+faststart", str(faststart)],
        check=True,
    )  # fmt: skip
    src = tmp_path / "cut.mp4"
    src.write_bytes(faststart.read_bytes()[:10_240])
    assert probe(src).duration_seconds == pytest.approx(8.0, abs=0.1)
    out = tmp_path / "media"
    with pytest.raises(TranscodeFailed) as caught:
        transcode(src, out)
    assert caught.value.retryable is False
    assert "damaged" in caught.value.public_message
    assert_nothing_published(out)


def test_tiny_budget_times_out_and_nothing_is_published(
    tmp_path: Path, landscape_clip: Path
) -> None:
    out = tmp_path / "media"
    with pytest.raises(TranscodeTimeout) as caught:
        transcode(landscape_clip, out, timeout_seconds=0.01)
    assert caught.value.retryable is False
    assert_nothing_published(out)


def test_budget_running_out_during_the_job_kills_ffmpeg_and_publishes_nothing(
    tmp_path: Path, landscape_clip: Path
) -> None:
    out = tmp_path / "media"
    progress: list[int] = []
    started = time.monotonic()
    with pytest.raises(TranscodeTimeout):
        transcode(landscape_clip, out, on_progress=progress.append, timeout_seconds=0.6)
    assert time.monotonic() - started < 3  # killed, not waited for (the encode takes longer)
    assert 100 not in progress
    assert_nothing_published(out)


def test_run_encode_kills_a_real_ffmpeg_on_timeout(tmp_path: Path, landscape_clip: Path) -> None:
    command = build_ladder_command(landscape_clip, plan_ladder(probe(landscape_clip)))
    started = time.monotonic()
    with pytest.raises(TranscodeTimeout):
        run_encode(command, cwd=tmp_path, duration_seconds=8.0, timeout_seconds=0.3)
    assert time.monotonic() - started < 2


def test_existing_output_is_never_overwritten(tmp_path: Path, landscape_clip: Path) -> None:
    out = tmp_path / "media"
    out.mkdir()
    (out / "master.m3u8").write_text("#EXTM3U\n")
    with pytest.raises(FileExistsError):
        transcode(landscape_clip, out)
    assert [p.name for p in out.iterdir()] == ["master.m3u8"]
    assert leftovers(tmp_path) == []

"""Where the chunks of a chunked ladder meet: continuous timestamps and durations, a keyframe at
every segment start, and picture and sound still together at each join.

The source changes picture (black/white) and sound (silence/tone) at the same instants, exactly
where the chunks join (every 6 s), so a drift or a shift at a join shows as a gap between the
two changes in the output.
"""

from __future__ import annotations

import struct
import subprocess
from pathlib import Path

import m3u8
import pytest

from tests.integration.transcode.media import ffprobe
from workers.transcode import TranscodeResult
from workers.transcode.pipeline import transcode_chunked

pytestmark = pytest.mark.xdist_group("transcode")

FPS = 30
FRAME = 1 / FPS
JOINS = (6.0, 12.0)
SAMPLE_RATE = 48000


def _flip_clip(path: Path, seconds: int = 18) -> Path:
    """320x180: black with silence, then white with a 440 Hz tone, switching every 6 s."""
    flip = "mod(floor(T/6),2)"
    picture = (
        f"color=c=black:s=320x180:r={FPS}:d={seconds},geq=lum='if({flip},235,16)':cb=128:cr=128"
    )
    tone = f"aevalsrc='if(mod(floor(t/6),2),0.8*sin(2*PI*440*t),0)':s={SAMPLE_RATE}:d={seconds}"
    subprocess.run(
        ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y",
         "-f", "lavfi", "-i", picture, "-f", "lavfi", "-i", tone,
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(FPS),
         "-c:a", "aac", "-b:a", "128k", "-t", str(seconds), str(path)],
        check=True,
    )  # fmt: skip
    return path


@pytest.fixture(scope="module")
def ladder(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, TranscodeResult]:
    out = tmp_path_factory.mktemp("joins") / "media"
    result = transcode_chunked(
        _flip_clip(clips / "flip.mp4"), out, chunk_workers=3, parallel=2, timeout_seconds=120
    )
    return out, result


def _packets(path: Path, kind: str) -> list[dict]:
    return ffprobe("-select_streams", kind, "-show_entries", "packet=pts_time,flags", path)[
        "packets"
    ]


def test_three_chunks_of_whole_segments(ladder: tuple[Path, TranscodeResult]) -> None:
    out, result = ladder
    [rendition] = result.renditions
    uris = [s.uri for s in m3u8.load(str(out / rendition.uri)).segments]
    assert uris == ["c0000_00000.ts", "c0001_00000.ts", "c0002_00000.ts"]


def test_segment_timestamps_continue_across_joins(ladder: tuple[Path, TranscodeResult]) -> None:
    out, result = ladder
    for name in [r.name for r in result.renditions] + ["audio"]:
        playlist = m3u8.load(str(out / name / "index.m3u8"))
        assert "#EXT-X-DISCONTINUITY" not in (out / name / "index.m3u8").read_text()
        kind = "a" if name == "audio" else "v"
        elapsed = 0.0
        for segment in playlist.segments:
            times = sorted(float(p["pts_time"]) for p in _packets(out / name / segment.uri, kind))
            # Each segment starts where the previous ones' durations add up to (within a frame),
            # and its own packets span its declared duration.
            assert times[0] == pytest.approx(elapsed, abs=FRAME + 1e-3), (name, segment.uri)
            assert times[-1] - times[0] == pytest.approx(segment.duration, abs=2 * FRAME)
            elapsed += segment.duration
        assert elapsed == pytest.approx(18.0, abs=FRAME)


def test_every_segment_starts_with_a_keyframe_at_a_join_too(
    ladder: tuple[Path, TranscodeResult],
) -> None:
    out, result = ladder
    for rendition in result.renditions:
        for segment in m3u8.load(str(out / rendition.uri)).segments:
            frames = ffprobe(
                "-select_streams", "v", "-show_frames", "-read_intervals", "%+#1",
                "-show_entries", "frame=key_frame,pict_type", out / rendition.name / segment.uri,
            )["frames"]  # fmt: skip
            assert (frames[0]["key_frame"], frames[0]["pict_type"]) == (1, "I"), segment.uri


def _picture_changes(variant: Path) -> list[float]:
    """Presentation times at which the picture turns from black to white or back."""
    times = [
        float(f["pts_time"])
        for f in ffprobe("-select_streams", "v", "-show_frames", "-show_entries", "frame=pts_time",
                         variant)["frames"]
    ]  # fmt: skip
    lumas = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(variant), "-vf", "scale=1:1,format=gray",
         "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    assert len(lumas) == len(times)
    bright = [luma > 128 for luma in lumas]
    return [times[i] for i in range(1, len(bright)) if bright[i] != bright[i - 1]]


def _sound_changes(audio: Path) -> list[float]:
    """Times at which the sound starts or stops (20 ms windows above/below a threshold)."""
    first = min(float(p["pts_time"]) for p in _packets(audio, "a"))
    pcm = subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(audio), "-ac", "1", "-f", "f32le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    samples = struct.unpack(f"<{len(pcm) // 4}f", pcm)
    window = SAMPLE_RATE // 1000  # 1 ms
    loud = [
        max(abs(x) for x in samples[i : i + window]) > 0.3
        for i in range(0, len(samples) - window, window)
    ]
    return [first + i / 1000 for i in range(1, len(loud)) if loud[i] != loud[i - 1]]


def test_picture_and_sound_change_together_at_each_join(
    ladder: tuple[Path, TranscodeResult],
) -> None:
    out, result = ladder
    [rendition] = result.renditions
    pictures = _picture_changes(out / rendition.uri)
    sounds = _sound_changes(out / "audio" / "index.m3u8")

    assert pictures == pytest.approx([join + FRAME for join in JOINS], abs=FRAME / 2)
    assert len(sounds) == len(JOINS)
    for picture, sound in zip(pictures, sounds, strict=True):
        assert abs(picture - sound) <= FRAME, (picture, sound)

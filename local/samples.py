"""Generate small synthetic video clips (tests, benchmarks, the local runner's demo course)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from workers.transcode.errors import TranscodeFailed
from workers.transcode.probe import probe
from workers.transcode.tools import FFMPEG, run_tool, stderr_tail

ROTATIONS = (90, 180, 270)


def make_test_clip(
    path: str | Path,
    seconds: float = 4,
    width: int = 1280,
    height: int = 720,
    fps: int = 30,
    audio: bool = True,
    rotate: int | None = None,
    *,
    timeout_seconds: float = 120.0,
) -> Path:
    """Write an H.264/AAC MP4 test clip (``testsrc2`` picture, 440 Hz ``sine`` tone).

    ``width``/``height`` are the coded size and must be even. With ``rotate`` (90/180/270) the
    file carries a rotation display matrix, like a phone recording: rotate=90 on 1280x720 is
    displayed as a 720x1280 portrait video. The rotation is verified with ffprobe.
    """
    if width % 2 or height % 2:
        raise ValueError(f"width and height must be even, got {width}x{height}")
    if rotate is not None and rotate not in ROTATIONS:
        raise ValueError(f"rotate must be one of {ROTATIONS}, got {rotate}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if rotate is None:
        _encode(path, seconds, width, height, fps, audio, timeout_seconds)
        return path
    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:
        upright = Path(tmp) / "upright.mp4"
        _encode(upright, seconds, width, height, fps, audio, timeout_seconds)
        _set_rotation(upright, path, rotate, timeout_seconds)
    _verify_rotation(path, width, height, rotate)
    return path


def _encode(
    path: Path, seconds: float, width: int, height: int, fps: int, audio: bool, timeout: float
) -> None:
    args = [FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    args += ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", str(fps)]
    if audio:
        args += ["-c:a", "aac", "-b:a", "96k"]
    args += ["-t", str(seconds), str(path)]
    _run(args, timeout)


def _set_rotation(src: Path, dest: Path, rotate: int, timeout: float) -> None:
    """Remux with a rotation tag. FFmpeg 5.1 has no ``-display_rotation``, and its mp4 muxer
    turns the ``rotate`` tag into a display matrix only when the stream is copied, not when
    encoding, hence the separate remux."""
    args = [FFMPEG, "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-i", str(src)]
    args += ["-map", "0", "-c", "copy", "-metadata:s:v:0", f"rotate={rotate}", str(dest)]
    _run(args, timeout)


def _verify_rotation(path: Path, width: int, height: int, rotate: int) -> None:
    info = probe(path)
    expected = (height, width) if rotate in (90, 270) else (width, height)
    if info.rotation == 0 or (info.width, info.height) != expected:
        raise TranscodeFailed(
            f"rotation {rotate} was not applied to {path.name}: ffprobe sees "
            f"{info.width}x{info.height} rotation {info.rotation}"
        )


def _run(args: list[str], timeout: float) -> None:
    result = run_tool(args, timeout_seconds=timeout, missing_error=TranscodeFailed)
    if result.returncode != 0:
        raise TranscodeFailed(f"test clip generation failed\n{stderr_tail(result.stderr)}")

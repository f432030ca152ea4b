"""Inspect an uploaded file with ffprobe and decide whether it is a video we can transcode."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from workers.transcode.errors import NotAVideo, ProbeFailed
from workers.transcode.tools import FFPROBE, SAFE_INPUT_OPTIONS, run_tool, stderr_tail

#: Below this a "video" is a tracking pixel or garbage, not a lesson.
MIN_DIMENSION = 16


@dataclass(frozen=True)
class SourceInfo:
    """What the pipeline needs to know about a source video.

    ``width``/``height`` are the *display* size: square pixels (sample aspect ratio applied) and
    rotation applied, so a phone video recorded as 1920x1080 with rotation 90 is 1080x1920.
    """

    duration_seconds: float
    width: int
    height: int
    rotation: int
    fps: float
    has_audio: bool
    video_codec: str
    format_name: str

    @property
    def short_side(self) -> int:
        return min(self.width, self.height)

    @property
    def is_portrait(self) -> bool:
        return self.height > self.width


def probe(path: str | Path, *, timeout_seconds: float = 60.0) -> SourceInfo:
    """Probe ``path``; raise ``NotAVideo`` for anything that is not a usable video."""
    path = Path(path)
    if not path.is_file():
        raise ProbeFailed(f"source file does not exist: {path}")
    result = run_tool(
        [
            FFPROBE,
            "-v",
            "error",
            *SAFE_INPUT_OPTIONS,
            "-print_format",
            "json",
            "-show_streams",
            "-show_format",
            str(path.resolve()),
        ],
        timeout_seconds=timeout_seconds,
        missing_error=ProbeFailed,
    )
    if result.returncode != 0:
        # The file exists and ffprobe runs: a non-zero exit means the demuxers rejected it
        # (text, truncated mp4 without moov, format not on the whitelist, ...).
        raise NotAVideo(f"ffprobe rejected {path.name}: {stderr_tail(result.stderr, 5)}")
    try:
        data = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        raise ProbeFailed(f"ffprobe printed invalid JSON for {path.name}") from exc
    return parse_probe_output(data)


def parse_probe_output(data: dict[str, Any]) -> SourceInfo:
    """Turn ffprobe's ``-show_streams -show_format`` JSON into a validated ``SourceInfo``."""
    streams: list[dict[str, Any]] = data.get("streams") or []
    fmt: dict[str, Any] = data.get("format") or {}
    video = _main_video_stream(streams)
    if video is None:
        raise NotAVideo("no video stream (audio-only, image or unknown file)")

    coded_width, coded_height = int(video.get("width") or 0), int(video.get("height") or 0)
    if coded_width < MIN_DIMENSION or coded_height < MIN_DIMENSION:
        raise NotAVideo(f"absurd picture size {coded_width}x{coded_height}")
    duration = _duration(fmt, video)
    if not duration > 0:
        raise NotAVideo(f"absurd duration {duration!r}")

    rotation = _rotation(video)
    width = max(round(coded_width * _sample_aspect_ratio(video)), MIN_DIMENSION)
    height = coded_height
    if rotation in (90, 270):
        width, height = height, width

    return SourceInfo(
        duration_seconds=duration,
        width=width,
        height=height,
        rotation=rotation,
        fps=_fps(video),
        has_audio=any(s.get("codec_type") == "audio" for s in streams),
        video_codec=str(video.get("codec_name") or "unknown"),
        format_name=str(fmt.get("format_name") or "unknown"),
    )


def _main_video_stream(streams: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first real video stream: cover art in audio files (``attached_pic``) does not count."""
    for stream in streams:
        if stream.get("codec_type") != "video":
            continue
        if (stream.get("disposition") or {}).get("attached_pic"):
            continue
        return stream
    return None


def _duration(fmt: dict[str, Any], video: dict[str, Any]) -> float:
    for raw in (fmt.get("duration"), video.get("duration")):
        value = _float(raw)
        if value is not None and math.isfinite(value):
            return value
    return 0.0


def _rotation(video: dict[str, Any]) -> int:
    """Rotation in degrees, normalised to 0/90/180/270.

    FFmpeg 5+ reports it as display-matrix side data (``rotation``, often negative); older
    files/tools use the ``rotate`` tag. Only the axis matters here because FFmpeg's autorotate
    uprights the frames itself.
    """
    raw: Any = None
    for side_data in video.get("side_data_list") or []:
        if "rotation" in side_data:
            raw = side_data["rotation"]
            break
    if raw is None:
        raw = (video.get("tags") or {}).get("rotate")
    value = _float(raw)
    if value is None or not math.isfinite(value):
        return 0
    return (round(value / 90) * 90) % 360


def _sample_aspect_ratio(video: dict[str, Any]) -> Fraction:
    """Pixel aspect ratio (anamorphic DV/broadcast files); 1 when absent or unknown (``0:1``)."""
    raw = str(video.get("sample_aspect_ratio") or "")
    num, _, den = raw.partition(":")
    try:
        ratio = Fraction(int(num), int(den))
    except (ValueError, ZeroDivisionError):
        return Fraction(1)
    return ratio if ratio > 0 else Fraction(1)


def _fps(video: dict[str, Any]) -> float:
    """Average frame rate, falling back to ``r_frame_rate``; 0.0 when neither is usable."""
    for key in ("avg_frame_rate", "r_frame_rate"):
        value = parse_rate(video.get(key))
        if value > 0:
            return value
    return 0.0


def parse_rate(raw: Any) -> float:
    """Parse an FFmpeg rational like ``30000/1001``; 0.0 for ``0/0``, missing or garbage."""
    num, _, den = str(raw or "").partition("/")
    try:
        value = float(num) / float(den or 1)
    except (ValueError, ZeroDivisionError):
        return 0.0
    return value if math.isfinite(value) and value > 0 else 0.0


def _float(raw: Any) -> float | None:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None

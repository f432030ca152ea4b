"""Plan the HLS bitrate ladder for a source video.

Rungs are named by the *short* side of the picture, so a portrait 1080x1920 phone video is
"1080p" with width 1080 and height 1920. A source is never upscaled: only rungs at or below its
short side are produced, and a source smaller than the lowest rung gets one rendition at its own
size.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from workers.transcode.probe import SourceInfo

SEGMENT_SECONDS = 6
GOP_SECONDS = 2
MAX_FPS = 60.0
DEFAULT_FPS = 30.0

#: Frame rates a measured average is snapped to (phones record variable frame rate, so ffprobe
#: reports e.g. 29.947; a constant, conventional output rate is friendlier to players).
STANDARD_FPS = (24000 / 1001, 24.0, 25.0, 30000 / 1001, 30.0, 48.0, 50.0, 60000 / 1001, 60.0)
SNAP_TOLERANCE = 0.015

# Peak and buffer relative to the target bitrate (capped VBR, in the spirit of Apple's HLS
# authoring spec: peak well under 200% of average).
MAXRATE_FACTOR = 1.07
BUFSIZE_FACTOR = 1.5


@dataclass(frozen=True)
class Rung:
    name: str
    short_side: int
    video_kbps: int
    audio_kbps: int
    profile: str


RUNGS: tuple[Rung, ...] = (
    Rung("1080p", 1080, 5000, 128, "high"),
    Rung("720p", 720, 2800, 128, "high"),
    Rung("480p", 480, 1400, 128, "high"),
    Rung("360p", 360, 800, 96, "main"),
)
LOWEST = RUNGS[-1]
MIN_VIDEO_KBPS = 200


@dataclass(frozen=True)
class Rendition:
    """One output variant. Dimensions are even (required by 4:2:0 H.264)."""

    name: str
    width: int
    height: int
    video_bitrate_kbps: int
    maxrate_kbps: int
    bufsize_kbps: int
    audio_bitrate_kbps: int
    profile: str


@dataclass(frozen=True)
class LadderPlan:
    """Everything the encoder needs: renditions (highest first) and shared timing."""

    renditions: tuple[Rendition, ...]
    fps: float
    has_audio: bool
    duration_seconds: float

    @property
    def keyframe_interval(self) -> int:
        """GOP length in frames: a keyframe every ``GOP_SECONDS`` (so segments can cut there)."""
        return max(1, round(self.fps * GOP_SECONDS))

    @property
    def fps_fraction(self) -> Fraction:
        """``fps`` as an exact rational for FFmpeg's fps filter (29.97 -> 30000/1001)."""
        return Fraction(self.fps).limit_denominator(1001)


def plan_ladder(source: SourceInfo) -> LadderPlan:
    """Plan the renditions for ``source`` (display dimensions, i.e. after rotation)."""
    return LadderPlan(
        renditions=plan_renditions(source.width, source.height),
        fps=output_fps(source.fps),
        has_audio=source.has_audio,
        duration_seconds=source.duration_seconds,
    )


def plan_renditions(width: int, height: int) -> tuple[Rendition, ...]:
    """Renditions for a ``width`` x ``height`` display picture, highest first, never upscaled."""
    if width <= 0 or height <= 0:
        raise ValueError(f"invalid source size {width}x{height}")
    short = min(width, height)
    fitting = [rung for rung in RUNGS if rung.short_side <= short]
    if fitting:
        return tuple(_scaled(rung, width, height) for rung in fitting)
    return (_native(width, height),)


def output_fps(source_fps: float) -> float:
    """Source frame rate, capped at 60, snapped to a standard rate when within 1.5%."""
    if not source_fps > 0:
        return DEFAULT_FPS
    fps = min(source_fps, MAX_FPS)
    nearest = min(STANDARD_FPS, key=lambda standard: abs(fps - standard))
    return nearest if abs(fps - nearest) <= nearest * SNAP_TOLERANCE else fps


def _scaled(rung: Rung, width: int, height: int) -> Rendition:
    """Scale so the short side equals the rung's, keeping the aspect ratio."""
    if width >= height:
        out_w, out_h = _even(rung.short_side * width / height, limit=width), rung.short_side
    else:
        out_w, out_h = rung.short_side, _even(rung.short_side * height / width, limit=height)
    return _rendition(rung.name, out_w, out_h, rung.video_kbps, rung.audio_kbps, rung.profile)


def _native(width: int, height: int) -> Rendition:
    """A single rendition at the source size (rounded *down* to even), for tiny sources."""
    out_w, out_h = max(2, width - width % 2), max(2, height - height % 2)
    lowest_pixels = LOWEST.short_side * _even(LOWEST.short_side * 16 / 9)
    kbps = max(MIN_VIDEO_KBPS, round(LOWEST.video_kbps * out_w * out_h / lowest_pixels))
    return _rendition(
        f"{min(out_w, out_h)}p", out_w, out_h, kbps, LOWEST.audio_kbps, LOWEST.profile
    )


def _rendition(
    name: str, width: int, height: int, video_kbps: int, audio_kbps: int, profile: str
) -> Rendition:
    return Rendition(
        name=name,
        width=width,
        height=height,
        video_bitrate_kbps=video_kbps,
        maxrate_kbps=round(video_kbps * MAXRATE_FACTOR),
        bufsize_kbps=round(video_kbps * BUFSIZE_FACTOR),
        audio_bitrate_kbps=audio_kbps,
        profile=profile,
    )


def _even(value: float, limit: int | None = None) -> int:
    """Nearest even integer (at least 2), not above ``limit`` (so rounding never upscales)."""
    even = max(2, 2 * round(value / 2))
    if limit is not None:
        even = min(even, max(2, limit - limit % 2))
    return even

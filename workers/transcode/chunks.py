"""Chunked transcoding of long sources: plan the chunks, encode one part, assemble the playlists.

A long source is cut into chunks of whole segments (a multiple of ``SEGMENT_SECONDS``' worth of
frames each), so every chunk yields complete HLS segments that start on keyframes; each chunk's
video ladder is encoded by its own FFmpeg process (on its own worker), the audio once for the
whole source as an HLS audio rendition (no clicks or drift at the joins). Chunk timestamps
continue the source's timeline (``ffmpeg.build_chunk_command``), so the assembled variant
playlists simply list the chunks' segments in order: no ``#EXT-X-DISCONTINUITY``.

The parts travel as plain JSON (``PartResult.to_json``): in AWS they are the outputs of the
workflow's ``Map`` iterations, handed to the task that assembles them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers.transcode.errors import TranscodeFailed
from workers.transcode.ladder import SEGMENT_SECONDS, LadderPlan
from workers.transcode.master import (
    MASTER_PLAYLIST,
    MeasuredRendition,
    StreamFacts,
    read_variant_playlist,
    render_master,
)

AUDIO_RENDITION = "audio"
VIDEO, AUDIO = "video", "audio"
#: What FFmpeg's HLS muxer declares for its playlists (``#EXT-X-VERSION``).
PLAYLIST_VERSION = 6


@dataclass(frozen=True)
class Chunk:
    index: int
    start_frame: int
    frames: int | None  # None: to the end of the source

    @property
    def name(self) -> str:
        return f"c{self.index:04d}"

    def to_json(self) -> dict[str, Any]:
        return {"kind": VIDEO, "index": self.index, "start_frame": self.start_frame,
                "frames": self.frames}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chunk:
        frames = data.get("frames")
        return cls(
            int(data["index"]), int(data["start_frame"]), None if frames is None else int(frames)
        )


def plan_chunks(plan: LadderPlan, workers: int) -> tuple[Chunk, ...]:
    """About one chunk per worker, each a whole number of segments (the last one takes the rest).

    A segment is ``ceil(SEGMENT_SECONDS * fps)`` frames: the first keyframe at or after 6 s,
    where the HLS muxer cuts (6 s exactly at 24/25/30/50/60 fps, 6.006 s at 29.97).
    """
    segment_frames = math.ceil(SEGMENT_SECONDS * plan.fps_fraction)
    total_frames = math.ceil(plan.duration_seconds * plan.fps_fraction)
    segments = max(1, math.ceil(total_frames / segment_frames))
    per_chunk = math.ceil(segments / max(1, workers))
    starts = range(0, segments, per_chunk)
    return tuple(
        Chunk(
            index=index,
            start_frame=first * segment_frames,
            frames=per_chunk * segment_frames if first + per_chunk < segments else None,
        )
        for index, first in enumerate(starts)
    )


@dataclass(frozen=True)
class Segment:
    uri: str
    duration: float
    size_bytes: int


@dataclass(frozen=True)
class PartRendition:
    """One rendition of one part: its facts (from its first segment) and its segments."""

    name: str
    width: int
    height: int
    frame_rate: float
    codecs: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class PartResult:
    """An encoded part: a video chunk (``index``) or the audio (``index`` -1)."""

    kind: str
    index: int
    renditions: tuple[PartRendition, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "index": self.index,
            "renditions": [
                {
                    "name": r.name,
                    "width": r.width,
                    "height": r.height,
                    "frame_rate": r.frame_rate,
                    "codecs": r.codecs,
                    "segments": [[s.uri, s.duration, s.size_bytes] for s in r.segments],
                }
                for r in self.renditions
            ],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PartResult:
        try:
            return cls(
                kind=str(data["kind"]),
                index=int(data["index"]),
                renditions=tuple(
                    PartRendition(
                        name=str(r["name"]),
                        width=int(r["width"]),
                        height=int(r["height"]),
                        frame_rate=float(r["frame_rate"]),
                        codecs=str(r["codecs"]),
                        segments=tuple(
                            Segment(str(uri), float(duration), int(size))
                            for uri, duration, size in r["segments"]
                        ),
                    )
                    for r in data["renditions"]
                ),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise TranscodeFailed(f"malformed part result: {exc!r}") from exc

    @property
    def files(self) -> tuple[str, ...]:
        """The part's segment files, relative to the output root."""
        return tuple(f"{r.name}/{s.uri}" for r in self.renditions for s in r.segments)


def measure_video_part(
    out_dir: Path, chunk: Chunk, names: Sequence[str], prober: Callable[[Path], StreamFacts]
) -> PartResult:
    """The chunk's renditions as encoded in ``out_dir`` (``{name}/{chunk}.m3u8`` + segments)."""

    def measure(name: str) -> PartRendition:
        playlist = read_variant_playlist(out_dir / name / f"{chunk.name}.m3u8")
        if not playlist.segments:
            raise TranscodeFailed(f"chunk {chunk.index} of {name} has no segments")
        facts = prober(out_dir / name / playlist.segments[0][0])
        return PartRendition(
            name=name,
            width=facts.width,
            height=facts.height,
            frame_rate=facts.frame_rate,
            codecs=facts.video_codec,
            segments=_segments(out_dir / name, playlist.segments),
        )

    with ThreadPoolExecutor(max_workers=max(1, len(names))) as pool:
        renditions = tuple(pool.map(measure, names))
    return PartResult(kind=VIDEO, index=chunk.index, renditions=renditions)


def measure_audio_part(out_dir: Path, prober: Callable[[Path], str]) -> PartResult:
    """The audio rendition as encoded in ``out_dir/audio``."""
    directory = out_dir / AUDIO_RENDITION
    playlist = read_variant_playlist(directory / "index.m3u8")
    if not playlist.segments:
        raise TranscodeFailed("the audio rendition has no segments")
    codec = prober(directory / playlist.segments[0][0])
    rendition = PartRendition(
        AUDIO_RENDITION, 0, 0, 0.0, codec, _segments(directory, playlist.segments)
    )
    return PartResult(kind=AUDIO, index=-1, renditions=(rendition,))


def _segments(directory: Path, segments: Iterable[tuple[str, float]]) -> tuple[Segment, ...]:
    return tuple(Segment(uri, d, (directory / uri).stat().st_size) for uri, d in segments)


@dataclass(frozen=True)
class Assembly:
    """The playlists of an assembled ladder (relative path → text) and its renditions."""

    playlists: dict[str, str]
    renditions: tuple[MeasuredRendition, ...]
    audio: bool

    @property
    def duration_seconds(self) -> float:
        return max(r.duration_seconds for r in self.renditions)


def assemble(parts: Iterable[PartResult], expected_chunks: int) -> Assembly:
    """Variant playlists listing every chunk's segments in order, the audio playlist, and the
    master playlist measured from them (video + audio bitrate, ``AUDIO`` group on every variant).

    Fails when a chunk is missing or a rendition lacks one (nothing to publish then).
    """
    parts = list(parts)
    video = sorted((p for p in parts if p.kind == VIDEO), key=lambda p: p.index)
    audio = next((p.renditions[0] for p in parts if p.kind == AUDIO), None)
    if [p.index for p in video] != list(range(expected_chunks)):
        raise TranscodeFailed(f"expected {expected_chunks} chunks, got {[p.index for p in video]}")
    names = [r.name for r in video[0].renditions]
    playlists: dict[str, str] = {}
    measured = []
    audio_peak, audio_average = _bandwidth(audio.segments) if audio else (0, 0)
    for name in names:
        per_chunk = [next((r for r in p.renditions if r.name == name), None) for p in video]
        if any(r is None for r in per_chunk):
            raise TranscodeFailed(f"rendition {name} is missing from a chunk")
        renditions = [r for r in per_chunk if r is not None]
        segments = tuple(s for r in renditions for s in r.segments)
        playlists[f"{name}/index.m3u8"] = render_variant(segments)
        peak, average = _bandwidth(segments)
        first = renditions[0]
        codecs = ",".join(c for c in (first.codecs, audio.codecs if audio else "") if c)
        measured.append(
            MeasuredRendition(
                name=name,
                width=first.width,
                height=first.height,
                bandwidth=peak + audio_peak,
                average_bandwidth=average + audio_average,
                codecs=codecs,
                frame_rate=first.frame_rate,
                duration_seconds=sum(s.duration for s in segments),
            )
        )
    if audio is not None:
        playlists[f"{AUDIO_RENDITION}/index.m3u8"] = render_variant(audio.segments)
    measured.sort(key=lambda r: (r.width * r.height, r.bandwidth), reverse=True)
    audio_uri = f"{AUDIO_RENDITION}/index.m3u8" if audio is not None else None
    playlists[MASTER_PLAYLIST] = render_master(measured, PLAYLIST_VERSION, audio_uri=audio_uri)
    return Assembly(playlists=playlists, renditions=tuple(measured), audio=audio is not None)


def render_variant(segments: Sequence[Segment]) -> str:
    """A VOD media playlist (the tags FFmpeg's HLS muxer writes for one)."""
    target = max(1, max(round(s.duration) for s in segments))
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{PLAYLIST_VERSION}",
        f"#EXT-X-TARGETDURATION:{target}",
        "#EXT-X-MEDIA-SEQUENCE:0",
        "#EXT-X-PLAYLIST-TYPE:VOD",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    for segment in segments:
        lines += [f"#EXTINF:{segment.duration:.6f},", segment.uri]
    lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _bandwidth(segments: Sequence[Segment]) -> tuple[int, int]:
    """(peak, average) bits per second, as ``master.measure_bandwidth`` computes them."""
    total_bits = sum(s.size_bytes * 8 for s in segments)
    total_seconds = sum(s.duration for s in segments)
    if total_seconds <= 0:
        raise TranscodeFailed("a rendition has zero duration")
    peak = max((s.size_bytes * 8 / s.duration for s in segments if s.duration > 0), default=0.0)
    return math.ceil(peak), math.ceil(total_bits / total_seconds)

"""Measure the encoded variants and write the HLS master playlist.

FFmpeg 5.1's own master playlist lacks AVERAGE-BANDWIDTH and FRAME-RATE and guesses BANDWIDTH
from the configured bitrates, so it is written here from what was actually produced:

* BANDWIDTH: the peak segment bitrate, max over segments of ``bytes * 8 / EXTINF`` (what
  RFC 8216 asks for: the highest rate of any segment).
* AVERAGE-BANDWIDTH: all segment bits divided by the total EXTINF duration.
* CODECS: ``avc1.PPCCLL`` from the H.264 SPS of the first segment (profile, constraint flags,
  level bytes), plus ``mp4a.40.2`` when the variant carries AAC-LC audio.
* RESOLUTION and FRAME-RATE: from ffprobe of the first segment.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workers.transcode.errors import TranscodeFailed
from workers.transcode.probe import parse_rate
from workers.transcode.tools import FFPROBE, run_tool, stderr_tail

MASTER_PLAYLIST = "master.m3u8"
MIN_VERSION = 3
AUDIO_GROUP = "audio"

# ISO/IEC 14496-15 / RFC 6381 names.
_AVC_PROFILE_IDC = {"baseline": 0x42, "constrained baseline": 0x42, "main": 0x4D, "high": 0x64}
_AAC_OBJECT_TYPE = {"LC": "mp4a.40.2", "HE-AAC": "mp4a.40.5", "HE-AACv2": "mp4a.40.29"}


@dataclass(frozen=True)
class StreamFacts:
    """What ffprobe tells about one segment of a variant."""

    width: int
    height: int
    frame_rate: float
    video_codec: str
    audio_codec: str | None

    @property
    def codecs(self) -> str:
        return ",".join(c for c in (self.video_codec, self.audio_codec) if c)


@dataclass(frozen=True)
class VariantPlaylist:
    version: int
    segments: tuple[tuple[str, float], ...]  # (uri, EXTINF duration)

    @property
    def duration_seconds(self) -> float:
        return sum(duration for _, duration in self.segments)


@dataclass(frozen=True)
class MeasuredRendition:
    """One ``#EXT-X-STREAM-INF`` entry, as measured from the files on disk."""

    name: str
    width: int
    height: int
    bandwidth: int
    average_bandwidth: int
    codecs: str
    frame_rate: float
    duration_seconds: float

    @property
    def uri(self) -> str:
        return f"{self.name}/index.m3u8"


SegmentProber = Callable[[Path], StreamFacts]


def write_master(
    out_dir: str | Path,
    names: Sequence[str],
    *,
    prober: SegmentProber | None = None,
) -> list[MeasuredRendition]:
    """Measure the variants ``{name}/index.m3u8`` in ``out_dir`` and write ``master.m3u8``.

    Returns the measured renditions, highest first. ``prober`` (ffprobe of a segment by
    default) is injectable so the arithmetic can be tested without media files.
    """
    out_dir = Path(out_dir)
    probe_fn = prober or probe_segment
    playlists = {name: read_variant_playlist(out_dir / name / "index.m3u8") for name in names}
    # One ffprobe per variant, mostly process start-up time: run them side by side.
    with ThreadPoolExecutor(max_workers=max(1, len(playlists))) as pool:
        measured = list(
            pool.map(
                lambda name: measure_rendition(out_dir / name, name, playlists[name], probe_fn),
                playlists,
            )
        )
    measured.sort(key=lambda r: (r.width * r.height, r.bandwidth), reverse=True)
    version = max([MIN_VERSION, *(p.version for p in playlists.values())])
    (out_dir / MASTER_PLAYLIST).write_text(render_master(measured, version))
    return measured


def render_master(
    renditions: Iterable[MeasuredRendition],
    version: int = MIN_VERSION,
    *,
    audio_uri: str | None = None,
) -> str:
    """The master playlist text, renditions in the order given.

    With ``audio_uri`` the sound is its own rendition (``#EXT-X-MEDIA:TYPE=AUDIO``), referenced
    by every variant through its ``AUDIO`` group; the variants' BANDWIDTH and CODECS then
    include it, as RFC 8216 asks.
    """
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{version}", "#EXT-X-INDEPENDENT-SEGMENTS"]
    group = ""
    if audio_uri is not None:
        lines.append(
            f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",NAME="Main",DEFAULT=YES,'
            f'AUTOSELECT=YES,CHANNELS="2",URI="{audio_uri}"'
        )
        group = f',AUDIO="{AUDIO_GROUP}"'
    for r in renditions:
        lines.append(
            f"#EXT-X-STREAM-INF:BANDWIDTH={r.bandwidth},AVERAGE-BANDWIDTH={r.average_bandwidth},"
            f'CODECS="{r.codecs}",RESOLUTION={r.width}x{r.height},FRAME-RATE={r.frame_rate:.3f}'
            f"{group}"
        )
        lines.append(r.uri)
    return "\n".join(lines) + "\n"


def measure_rendition(
    variant_dir: Path, name: str, playlist: VariantPlaylist, prober: SegmentProber
) -> MeasuredRendition:
    if not playlist.segments:
        raise TranscodeFailed(f"variant {name} has no segments")
    peak, average = measure_bandwidth(variant_dir, playlist)
    facts = prober(variant_dir / playlist.segments[0][0])
    return MeasuredRendition(
        name=name,
        width=facts.width,
        height=facts.height,
        bandwidth=peak,
        average_bandwidth=average,
        codecs=facts.codecs,
        frame_rate=facts.frame_rate,
        duration_seconds=playlist.duration_seconds,
    )


def measure_bandwidth(variant_dir: Path, playlist: VariantPlaylist) -> tuple[int, int]:
    """(peak, average) bits per second over the playlist's segments, rounded up."""
    total_bits, total_seconds, peak = 0, 0.0, 0.0
    for uri, duration in playlist.segments:
        bits = (variant_dir / uri).stat().st_size * 8
        total_bits += bits
        total_seconds += duration
        if duration > 0:
            peak = max(peak, bits / duration)
    if total_seconds <= 0:
        raise TranscodeFailed(f"variant in {variant_dir.name} has zero duration")
    return math.ceil(peak), math.ceil(total_bits / total_seconds)


def read_variant_playlist(path: Path) -> VariantPlaylist:
    try:
        text = path.read_text()
    except FileNotFoundError as exc:
        raise TranscodeFailed(f"missing variant playlist {path.parent.name}/{path.name}") from exc
    return parse_variant_playlist(text)


def parse_variant_playlist(text: str) -> VariantPlaylist:
    """Segments and version of a media playlist (only the tags FFmpeg's HLS muxer writes)."""
    version, segments, pending = 1, [], None
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#EXT-X-VERSION:"):
            version = int(line.partition(":")[2])
        elif line.startswith("#EXTINF:"):
            pending = float(line.partition(":")[2].split(",", 1)[0])
        elif line and not line.startswith("#") and pending is not None:
            segments.append((line, pending))
            pending = None
    return VariantPlaylist(version=version, segments=tuple(segments))


# --------------------------------------------------------------------------- segment probing


def probe_segment(path: Path, *, timeout_seconds: float = 60.0) -> StreamFacts:
    """ffprobe one produced segment (trusted output: no input whitelist needed)."""
    result = run_tool(
        [
            FFPROBE,
            "-v",
            "error",
            "-print_format",
            "json",
            "-show_streams",
            "-show_data",
            str(path),
        ],
        timeout_seconds=timeout_seconds,
        missing_error=TranscodeFailed,
    )
    if result.returncode != 0:
        raise TranscodeFailed(f"cannot probe {path.name}\n{stderr_tail(result.stderr)}")
    return stream_facts(json.loads(result.stdout))


def audio_codec_of(path: Path, *, timeout_seconds: float = 60.0) -> str:
    """The ``mp4a.*`` codec string of an audio-only segment."""
    result = run_tool(
        [FFPROBE, "-v", "error", "-print_format", "json", "-show_streams", str(path)],
        timeout_seconds=timeout_seconds,
        missing_error=TranscodeFailed,
    )
    if result.returncode != 0:
        raise TranscodeFailed(f"cannot probe {path.name}\n{stderr_tail(result.stderr)}")
    streams = json.loads(result.stdout).get("streams") or []
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    if audio is None:
        raise TranscodeFailed(f"{path.name} has no audio stream")
    return _audio_codec(audio)


def stream_facts(data: dict[str, Any]) -> StreamFacts:
    streams = data.get("streams") or []
    video = next((s for s in streams if s.get("codec_type") == "video"), None)
    if video is None or video.get("codec_name") != "h264":
        raise TranscodeFailed("segment has no H.264 video stream")
    audio = next((s for s in streams if s.get("codec_type") == "audio"), None)
    frame_rate = parse_rate(video.get("avg_frame_rate")) or parse_rate(video.get("r_frame_rate"))
    return StreamFacts(
        width=int(video["width"]),
        height=int(video["height"]),
        frame_rate=frame_rate,
        video_codec=avc1_codec(video),
        audio_codec=_audio_codec(audio) if audio else None,
    )


def avc1_codec(video: dict[str, Any]) -> str:
    """``avc1.PPCCLL`` for an ffprobe H.264 stream.

    Read from the SPS bytes in the stream's extradata when present: x264's Main profile sets a
    constraint flag (``avc1.4d401e``), which a profile/level-only guess (``4d001e``) would miss.
    """
    sps = sps_profile_bytes(hexdump_bytes(str(video.get("extradata") or "")))
    if sps is not None:
        return "avc1." + sps.hex()
    profile = _AVC_PROFILE_IDC.get(str(video.get("profile", "")).lower())
    level = int(video.get("level") or 0)
    if profile is None or level <= 0:
        raise TranscodeFailed(f"cannot derive avc1 codec string from {video.get('profile')!r}")
    return f"avc1.{profile:02x}00{level:02x}"


def sps_profile_bytes(extradata: bytes) -> bytes | None:
    """profile_idc, constraint flags and level_idc from avcC or Annex B extradata."""
    if len(extradata) >= 4 and extradata[0] == 1:  # avcC (MP4 style) record
        return extradata[1:4]
    start = 0
    while (start := extradata.find(b"\x00\x00\x01", start)) != -1:
        header = start + 3
        if header + 3 < len(extradata) and extradata[header] & 0x1F == 7:  # SPS NAL unit
            return extradata[header + 1 : header + 4]
        start = header
    return None


def hexdump_bytes(dump: str) -> bytes:
    """Bytes of an ffprobe ``-show_data`` dump (``00000000: 0000 0167 6400 ...  ascii``)."""
    data = bytearray()
    for line in dump.splitlines():
        if len(line) > 10 and line[8:10] == ": ":
            data += bytes.fromhex(line[10:50])
    return bytes(data)


def _audio_codec(audio: dict[str, Any]) -> str:
    if audio.get("codec_name") != "aac":
        raise TranscodeFailed(f"unexpected audio codec {audio.get('codec_name')!r}")
    return _AAC_OBJECT_TYPE.get(str(audio.get("profile")), "mp4a.40.2")

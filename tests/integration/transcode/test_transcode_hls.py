"""HLS conformance of real transcodes (FFmpeg): playlists, segments, keyframes, orientation.

The ``ladder`` checks run on both outputs: one FFmpeg process, and the chunked ladder of long
sources (two chunks here, audio in its own rendition: there the audio checks look at it)."""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from pathlib import Path

import m3u8
import pytest

from local.samples import make_test_clip
from tests.integration.transcode.media import ffprobe, leftovers, psnr
from workers.transcode import TranscodeResult, probe, transcode
from workers.transcode.ffmpeg import thumbnail
from workers.transcode.pipeline import transcode_chunked

# One xdist worker runs every real-FFmpeg test, so the session clips are generated once.
pytestmark = pytest.mark.xdist_group("transcode")

FPS = 30
FRAME = 1 / FPS


@dataclass(frozen=True)
class Ladder:
    result: TranscodeResult
    out: Path
    progress: list[int]

    def variant(self, name: str) -> m3u8.M3U8:
        return m3u8.load(str(self.out / name / "index.m3u8"))

    def segments(self, name: str) -> list[Path]:
        return [self.out / name / s.uri for s in self.variant(name).segments]

    @property
    def chunked(self) -> bool:
        return self.result.audio_rendition is not None

    def audio_segments(self) -> list[Path]:
        """Where the sound is: its own rendition, or muxed into every variant's segments."""
        if self.chunked:
            return self.segments("audio")
        return [s for r in self.result.renditions for s in self.segments(r.name)]


def run(src: Path, out: Path) -> Ladder:
    progress: list[int] = []
    result = transcode(src, out, on_progress=progress.append, timeout_seconds=120)
    return Ladder(result, out, progress)


@pytest.fixture(scope="module")
def one_process(landscape_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Ladder:
    return run(landscape_clip, tmp_path_factory.mktemp("landscape") / "media")


@pytest.fixture(scope="module")
def chunked(landscape_clip: Path, tmp_path_factory: pytest.TempPathFactory) -> Ladder:
    out = tmp_path_factory.mktemp("chunked") / "media"
    result = transcode_chunked(landscape_clip, out, chunk_workers=2, parallel=2)
    return Ladder(result, out, [])


@pytest.fixture(params=["one process", "chunked"])
def ladder(request: pytest.FixtureRequest) -> Ladder:
    return request.getfixturevalue("one_process" if request.param == "one process" else "chunked")


@pytest.fixture(scope="module")
def portrait(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> Ladder:
    # Coded 854x480 with a 90 degree display matrix, like a phone held upright.
    src = make_test_clip(clips / "phone.mp4", seconds=2, width=854, height=480, rotate=90)
    return run(src, tmp_path_factory.mktemp("portrait") / "media")


@pytest.fixture(scope="module")
def silent(clips: Path, tmp_path_factory: pytest.TempPathFactory) -> Ladder:
    src = make_test_clip(clips / "silent.mp4", seconds=2, width=640, height=360, audio=False)
    out = tmp_path_factory.mktemp("silent") / "media"
    out.mkdir()  # an existing empty directory is fine
    return run(src, out)


def stream(info: dict, kind: str) -> dict | None:
    return next((s for s in info["streams"] if s["codec_type"] == kind), None)


def keyframe_times(segment: Path) -> list[float]:
    packets = ffprobe("-select_streams", "v", "-show_entries", "packet=pts_time,flags", segment)[
        "packets"
    ]
    return sorted(float(p["pts_time"]) for p in packets if "K" in p["flags"])


# ---------------------------------------------------------------- playlists


def test_renditions_stop_at_the_source_size(ladder: Ladder) -> None:
    assert [r.name for r in ladder.result.renditions] == ["720p", "480p", "360p"]


def test_master_playlist_has_every_attribute_apple_requires(ladder: Ladder) -> None:
    text = (ladder.out / "master.m3u8").read_text()
    master = m3u8.loads(text)

    assert text.startswith("#EXTM3U\n")
    assert "#EXT-X-INDEPENDENT-SEGMENTS" in text.splitlines()
    assert master.is_variant and master.is_independent_segments
    assert [p.uri for p in master.playlists] == [
        "720p/index.m3u8",
        "480p/index.m3u8",
        "360p/index.m3u8",
    ]
    assert [p.stream_info.resolution for p in master.playlists] == [
        (1280, 720),
        (854, 480),
        (640, 360),
    ]
    for line in (line for line in text.splitlines() if line.startswith("#EXT-X-STREAM-INF:")):
        for attribute in ("BANDWIDTH=", "AVERAGE-BANDWIDTH=", "CODECS=", "RESOLUTION="):
            assert attribute in line
        assert "FRAME-RATE=30.000" in line
    for playlist in master.playlists:
        info = playlist.stream_info
        assert 0 < info.average_bandwidth <= info.bandwidth
        assert re.fullmatch(r"avc1\.(64|4d)[0-9a-f]{4},mp4a\.40\.2", info.codecs)
        assert info.frame_rate == FPS
    bandwidths = [p.stream_info.bandwidth for p in master.playlists]
    assert bandwidths == sorted(bandwidths, reverse=True)
    audio = [m for m in master.media if m.type == "AUDIO"]
    if ladder.chunked:
        [rendition] = audio
        assert (rendition.uri, rendition.default, rendition.autoselect) == (
            "audio/index.m3u8", "YES", "YES"
        )  # fmt: skip
        assert all(p.stream_info.audio == rendition.group_id for p in master.playlists)
    else:
        assert audio == []


def _measured(ladder: Ladder, name: str) -> tuple[int, int]:
    """(peak, average) bits per second of one rendition's segments on disk."""
    variant = ladder.variant(name)
    sizes = [(ladder.out / name / s.uri).stat().st_size * 8 for s in variant.segments]
    durations = [s.duration for s in variant.segments]
    peak = max(bits / d for bits, d in zip(sizes, durations, strict=True))
    return math.ceil(peak), math.ceil(sum(sizes) / sum(durations))


def test_master_bandwidths_are_measured_from_the_segments(ladder: Ladder) -> None:
    # A variant that refers to an audio rendition declares its rate with the audio's added.
    audio_peak, audio_average = _measured(ladder, "audio") if ladder.chunked else (0, 0)
    for rendition in ladder.result.renditions:
        peak, average = _measured(ladder, rendition.name)
        assert rendition.average_bandwidth == average + audio_average
        assert rendition.bandwidth == peak + audio_peak


def test_codecs_match_the_encoded_profiles(ladder: Ladder) -> None:
    codecs = {r.name: r.codecs for r in ladder.result.renditions}
    assert codecs["720p"].startswith("avc1.6400")  # High
    assert codecs["360p"].startswith("avc1.4d")  # Main
    for name, value in codecs.items():
        level = int(value.split(",")[0][-2:], 16)
        video = stream(ffprobe("-show_streams", ladder.segments(name)[0]), "video")
        assert video is not None and level == video["level"]


def test_variant_playlists_are_vod_with_six_second_segments(ladder: Ladder) -> None:
    for rendition in ladder.result.renditions:
        text = (ladder.out / rendition.uri).read_text()
        variant = m3u8.loads(text)
        assert "#EXT-X-PLAYLIST-TYPE:VOD" in text
        assert variant.playlist_type == "vod"
        assert variant.target_duration == 6
        assert variant.is_endlist
        assert [s.duration for s in variant.segments] == pytest.approx([6.0, 2.0], abs=FRAME)
        assert all(path.stat().st_size > 0 for path in ladder.segments(rendition.name))


def test_result_lists_every_published_file_and_nothing_else_is_left(ladder: Ladder) -> None:
    on_disk = sorted(p.relative_to(ladder.out).as_posix() for p in ladder.out.rglob("*"))
    files = [f for f in on_disk if (ladder.out / f).is_file()]
    assert list(ladder.result.files) == files
    if ladder.chunked:  # each chunk's segments, the audio rendition; no per-chunk playlists
        expected = {"720p/index.m3u8", "360p/c0000_00000.ts", "360p/c0001_00000.ts"}
        expected |= {"audio/index.m3u8", "audio/seg_00001.ts"}
        assert not [f for f in files if f.endswith(".m3u8") and "/c0" in f]
    else:
        expected = {"720p/index.m3u8", "360p/seg_00001.ts"}
    assert {"master.m3u8", "thumbnail.jpg"} | expected <= set(files)
    assert ladder.result.master_playlist == "master.m3u8"
    assert ladder.result.thumbnail == "thumbnail.jpg"
    assert ladder.result.duration_seconds == pytest.approx(8.0, abs=0.1)
    assert leftovers(ladder.out.parent) == []


# ---------------------------------------------------------------- segments


def test_every_segment_is_h264_with_stereo_48k_aac(ladder: Ladder) -> None:
    for rendition in ladder.result.renditions:
        for segment in ladder.segments(rendition.name):
            info = ffprobe("-show_streams", "-show_format", segment)
            video = stream(info, "video")
            assert info["format"]["format_name"] == "mpegts"
            assert video is not None and video["codec_name"] == "h264"
            assert (video["width"], video["height"]) == (rendition.width, rendition.height)
            # The chunked ladder's sound is in its audio rendition only (checked below).
            assert (stream(info, "audio") is None) == ladder.chunked
    assert ladder.audio_segments()
    for segment in ladder.audio_segments():
        info = ffprobe("-show_streams", "-show_format", segment)
        audio = stream(info, "audio")
        assert info["format"]["format_name"] == "mpegts"
        assert audio is not None and audio["codec_name"] == "aac"
        assert (audio["sample_rate"], audio["channels"]) == ("48000", 2)


def test_every_segment_starts_with_a_keyframe(ladder: Ladder) -> None:
    for rendition in ladder.result.renditions:
        for segment in ladder.segments(rendition.name):
            frames = ffprobe(
                "-select_streams", "v", "-show_frames", "-read_intervals", "%+#1",
                "-show_entries", "frame=key_frame,pict_type", segment,
            )["frames"]  # fmt: skip
            assert frames[0]["key_frame"] == 1, segment
            assert frames[0]["pict_type"] == "I", segment


def test_keyframes_every_two_seconds_at_the_same_times_in_every_rendition(ladder: Ladder) -> None:
    per_rendition = {}
    for rendition in ladder.result.renditions:
        segments = ladder.segments(rendition.name)
        full = keyframe_times(segments[0])  # the first segment is a full 6 s one
        offsets = [t - full[0] for t in full]
        assert offsets == pytest.approx([0.0, 2.0, 4.0], abs=FRAME)
        per_rendition[rendition.name] = [
            round(t, 3) for segment in segments for t in keyframe_times(segment)
        ]
    times = list(per_rendition.values())
    assert len(times[0]) == 4  # 0, 2, 4 and 6 s in an 8 s clip
    assert all(other == times[0] for other in times[1:])


def test_renditions_show_the_source_picture(ladder: Ladder, landscape_clip: Path) -> None:
    assert psnr(ladder.segments("360p")[0], landscape_clip, 640, 360) > 30


def test_thumbnail_is_a_640_wide_jpeg(ladder: Ladder) -> None:
    image = ffprobe("-show_streams", ladder.out / "thumbnail.jpg")["streams"][0]
    assert image["codec_name"] == "mjpeg"
    assert (image["width"], image["height"]) == (640, 360)


def test_progress_rises_in_steps_and_ends_at_100(one_process: Ladder) -> None:
    progress = one_process.progress
    assert progress[-1] == 100
    assert len(progress) >= 2  # at least one report arrived while FFmpeg was encoding
    assert progress == sorted(set(progress))
    # Throttled: steps of at least 5 points (the final jump to 100 may be smaller).
    assert all(b - a >= 5 for a, b in itertools.pairwise(progress[:-1]))


# ---------------------------------------------------------------- orientation and audio


def test_rotated_phone_video_becomes_an_upright_portrait_ladder(
    clips: Path, portrait: Ladder
) -> None:
    source = probe(clips / "phone.mp4")
    assert (source.width, source.height, source.rotation) == (480, 854, 90)

    sizes = [(r.name, r.width, r.height) for r in portrait.result.renditions]
    assert sizes == [("480p", 480, 854), ("360p", 360, 640)]
    for rendition in portrait.result.renditions:
        info = ffprobe("-show_streams", portrait.segments(rendition.name)[0])
        video = stream(info, "video")
        assert video is not None
        assert (video["width"], video["height"]) == (rendition.width, rendition.height)
        assert not video.get("side_data_list")  # upright pixels, no rotation left to apply
    # The pixels themselves are upright, not the landscape picture squeezed into portrait.
    assert psnr(portrait.segments("360p")[0], clips / "phone.mp4", 360, 640) > 30
    master = m3u8.load(str(portrait.out / "master.m3u8"))
    assert [p.stream_info.resolution for p in master.playlists] == [(480, 854), (360, 640)]
    thumb = ffprobe("-show_streams", portrait.out / "thumbnail.jpg")["streams"][0]
    assert thumb["height"] > thumb["width"]


def test_video_without_audio_has_no_audio_stream_and_no_mp4a(silent: Ladder) -> None:
    (rendition,) = silent.result.renditions
    assert (rendition.name, rendition.width, rendition.height) == ("360p", 640, 360)
    assert "mp4a" not in rendition.codecs
    assert rendition.codecs.startswith("avc1.")
    assert "mp4a" not in (silent.out / "master.m3u8").read_text()
    for segment in silent.segments("360p"):
        info = ffprobe("-show_streams", segment)
        assert stream(info, "audio") is None
        assert stream(info, "video") is not None
    assert silent.progress[-1] == 100


def test_paths_with_percent_signs_are_not_read_as_patterns(
    clips: Path, silent: Ladder, tmp_path: Path
) -> None:
    # FFmpeg's HLS and image muxers expand %v / %d in file names.
    out = tmp_path / "100%v %d" / "media"
    result = transcode(clips / "silent.mp4", out, timeout_seconds=60)
    assert (out / "360p" / "index.m3u8").is_file()
    assert (out / "thumbnail.jpg").is_file()
    assert set(result.files) == set(silent.result.files)


def test_thumbnail_past_the_end_falls_back_to_the_first_frame(
    landscape_clip: Path, tmp_path: Path
) -> None:
    dest = thumbnail(landscape_clip, tmp_path / "late.jpg", at_seconds=120)
    image = ffprobe("-show_streams", dest)["streams"][0]
    assert (image["codec_name"], image["width"], image["height"]) == ("mjpeg", 640, 360)


def first_pts(segment: Path, kind: str) -> float:
    packets = ffprobe("-select_streams", kind, "-show_entries", "packet=pts_time", segment)
    return min(float(p["pts_time"]) for p in packets["packets"])


def test_timestamps_start_at_zero_in_every_rendition(ladder: Ladder) -> None:
    """No hole before the first frame: a player starting at 0 finds picture and sound there."""
    for rendition in ladder.result.renditions:
        first = ladder.segments(rendition.name)[0]
        assert 0 <= first_pts(first, "v") <= FRAME + 1e-3, rendition.name
    assert 0 <= first_pts(ladder.audio_segments()[0], "a") <= FRAME + 1e-3

"""Master playlist writing from synthetic variant playlists and fake segment sizes."""

from __future__ import annotations

import math
from pathlib import Path

import m3u8
import pytest

from workers.transcode.errors import TranscodeFailed
from workers.transcode.master import (
    StreamFacts,
    avc1_codec,
    hexdump_bytes,
    parse_variant_playlist,
    render_master,
    sps_profile_bytes,
    stream_facts,
    write_master,
)

# What FFmpeg 5.1's HLS muxer writes for a 14.5 s vod variant.
VARIANT = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXTINF:6.000000,
seg_00000.ts
#EXTINF:6.000000,
seg_00001.ts
#EXTINF:2.500000,
seg_00002.ts
#EXT-X-ENDLIST
"""

# Segment sizes in bytes per variant: the 2.5 s tail segment of 720p has the highest rate.
SIZES = {
    "720p": [2_100_000, 1_950_000, 1_000_000],
    "360p": [600_000, 640_000, 200_000],
}

FACTS = {
    "720p": StreamFacts(1280, 720, 30.0, "avc1.64001f", "mp4a.40.2"),
    "360p": StreamFacts(640, 360, 30.0, "avc1.4d401e", "mp4a.40.2"),
}


def make_variants(root: Path, sizes: dict[str, list[int]]) -> None:
    for name, segment_sizes in sizes.items():
        (root / name).mkdir()
        (root / name / "index.m3u8").write_text(VARIANT)
        for i, size in enumerate(segment_sizes):
            (root / name / f"seg_{i:05d}.ts").write_bytes(b"\x47" * size)


def fake_prober(segment: Path) -> StreamFacts:
    assert segment.name == "seg_00000.ts"  # facts come from the first segment
    return FACTS[segment.parent.name]


def test_bandwidths_are_measured_from_segment_sizes_and_extinf(tmp_path: Path) -> None:
    make_variants(tmp_path, SIZES)
    # Given lowest first: the master must still list the highest first.
    measured = write_master(tmp_path, ["360p", "720p"], prober=fake_prober)

    assert [r.name for r in measured] == ["720p", "360p"]
    top = measured[0]
    assert top.bandwidth == math.ceil(1_000_000 * 8 / 2.5)  # peak: the short last segment
    assert top.average_bandwidth == math.ceil(sum(SIZES["720p"]) * 8 / 14.5)
    assert measured[1].bandwidth == math.ceil(640_000 * 8 / 6)
    assert measured[1].average_bandwidth == math.ceil(sum(SIZES["360p"]) * 8 / 14.5)
    assert top.duration_seconds == pytest.approx(14.5)
    assert (top.width, top.height, top.codecs, top.frame_rate) == (
        1280,
        720,
        "avc1.64001f,mp4a.40.2",
        30.0,
    )


def test_master_playlist_text(tmp_path: Path) -> None:
    make_variants(tmp_path, SIZES)
    write_master(tmp_path, ["720p", "360p"], prober=fake_prober)
    text = (tmp_path / "master.m3u8").read_text()
    lines = text.splitlines()

    assert lines[:3] == ["#EXTM3U", "#EXT-X-VERSION:6", "#EXT-X-INDEPENDENT-SEGMENTS"]
    average = math.ceil(5_050_000 * 8 / 14.5)
    assert lines[3] == (
        f"#EXT-X-STREAM-INF:BANDWIDTH=3200000,AVERAGE-BANDWIDTH={average},"
        'CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000'
    )
    assert lines[4] == "720p/index.m3u8"
    assert lines[6] == "360p/index.m3u8"
    assert text.endswith("\n")

    parsed = m3u8.loads(text)
    assert parsed.is_variant
    assert parsed.is_independent_segments
    info = parsed.playlists[1].stream_info
    assert info.resolution == (640, 360)
    assert info.codecs == "avc1.4d401e,mp4a.40.2"
    assert info.average_bandwidth == math.ceil(1_440_000 * 8 / 14.5)
    assert info.frame_rate == 30.0


def test_variant_without_audio_has_no_mp4a_and_ntsc_rate_has_three_decimals(
    tmp_path: Path,
) -> None:
    make_variants(tmp_path, {"360p": SIZES["360p"]})
    facts = StreamFacts(640, 360, 30000 / 1001, "avc1.4d401e", None)
    (only,) = write_master(tmp_path, ["360p"], prober=lambda _: facts)
    assert only.codecs == "avc1.4d401e"
    text = (tmp_path / "master.m3u8").read_text()
    assert 'CODECS="avc1.4d401e",' in text
    assert "FRAME-RATE=29.970" in text
    assert "mp4a" not in text


def test_master_version_is_at_least_3() -> None:
    assert render_master([]).splitlines()[1] == "#EXT-X-VERSION:3"


def test_missing_variant_or_segments_fail(tmp_path: Path) -> None:
    with pytest.raises(TranscodeFailed):
        write_master(tmp_path, ["720p"], prober=fake_prober)
    (tmp_path / "720p").mkdir()
    (tmp_path / "720p" / "index.m3u8").write_text("#EXTM3U\n#EXT-X-ENDLIST\n")
    with pytest.raises(TranscodeFailed):
        write_master(tmp_path, ["720p"], prober=fake_prober)


def test_parse_variant_playlist() -> None:
    playlist = parse_variant_playlist(VARIANT)
    assert playlist.version == 6
    assert playlist.segments == (
        ("seg_00000.ts", 6.0),
        ("seg_00001.ts", 6.0),
        ("seg_00002.ts", 2.5),
    )
    assert playlist.duration_seconds == pytest.approx(14.5)


# ---------------------------------------------------------------- CODECS from the SPS

# ffprobe -show_data of a real 360p segment made by x264 (Main profile, level 3.0).
MAIN_EXTRADATA = (
    "\n00000000: 0000 0167 4d40 1eec a050 17fc b808 8000  ...gM@...P......"
    "\n00000010: 0003 0080 0000 1e07 8b16 cb00 0000 0168  ...............h"
    "\n00000020: efbc 80                                  ...\n"
)


def test_hexdump_is_decoded_ignoring_the_ascii_column() -> None:
    data = hexdump_bytes(MAIN_EXTRADATA)
    assert len(data) == 35
    assert data[:8] == bytes.fromhex("000001674d401eec")
    assert data[-3:] == bytes.fromhex("efbc80")


def test_avc1_from_sps_keeps_constraint_flags() -> None:
    # x264 Main sets constraint_set1_flag: 4d40 1e, which a profile/level guess would miss.
    assert avc1_codec({"extradata": MAIN_EXTRADATA, "profile": "Main", "level": 30}) == (
        "avc1.4d401e"
    )


def test_sps_bytes_from_annex_b_and_avcc() -> None:
    annex_b = bytes.fromhex("00000001 09f0 00000001 6764001f acd9")
    assert sps_profile_bytes(annex_b) == bytes.fromhex("64001f")
    avcc = bytes.fromhex("01 64001f ffe1 0019 6764001f")
    assert sps_profile_bytes(avcc) == bytes.fromhex("64001f")
    assert sps_profile_bytes(b"") is None


@pytest.mark.parametrize(
    ("profile", "level", "expected"),
    [("High", 31, "avc1.64001f"), ("Main", 30, "avc1.4d001e"), ("Baseline", 21, "avc1.420015")],
)
def test_avc1_falls_back_to_profile_and_level(profile: str, level: int, expected: str) -> None:
    assert avc1_codec({"profile": profile, "level": level}) == expected


def test_stream_facts_from_ffprobe_json() -> None:
    facts = stream_facts(
        {
            "streams": [
                {
                    "codec_type": "video",
                    "codec_name": "h264",
                    "width": 854,
                    "height": 480,
                    "avg_frame_rate": "30000/1001",
                    "r_frame_rate": "30000/1001",
                    "profile": "High",
                    "level": 30,
                },
                {"codec_type": "audio", "codec_name": "aac", "profile": "LC"},
            ]
        }
    )
    assert facts == StreamFacts(854, 480, 30000 / 1001, "avc1.64001e", "mp4a.40.2")
    assert facts.codecs == "avc1.64001e,mp4a.40.2"


def test_stream_facts_reject_non_h264() -> None:
    with pytest.raises(TranscodeFailed):
        stream_facts({"streams": [{"codec_type": "video", "codec_name": "hevc"}]})

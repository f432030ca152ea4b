"""Playlist rewriting: every URI a player will follow carries its authorization."""

from __future__ import annotations

import pytest

from coursewave.errors import NotFound
from functions.media import playback

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=3100000,AVERAGE-BANDWIDTH=2900000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000
720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=850000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=30.000
360p/index.m3u8
"""

# The ladder with audio in its own rendition (chunked transcoding): the video variants name it
# through GROUP-ID, the player loads it from the #EXT-X-MEDIA tag's URI.
MASTER_WITH_AUDIO = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/index.m3u8"
#EXT-X-STREAM-INF:BANDWIDTH=3100000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,AUDIO="aac"
720p/index.m3u8
"""

VARIANT = """#EXTM3U
#EXT-X-VERSION:6
#EXT-X-TARGETDURATION:6
#EXT-X-MEDIA-SEQUENCE:0
#EXT-X-PLAYLIST-TYPE:VOD
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-MAP:URI="init.mp4"
#EXTINF:6.000000,
seg_00000.ts
#EXTINF:2.000000,
seg_00001.ts
#EXT-X-ENDLIST
"""
TOKEN = "abc.d+f/"
QUOTED = "abc.d%2Bf%2F"


def _uris(text: str) -> list[str]:
    return [line for line in text.splitlines() if line and not line.startswith("#")]


def test_the_master_playlist_carries_the_token_on_each_variant() -> None:
    rewritten = playback.rewrite_master(MASTER, TOKEN)

    assert _uris(rewritten) == [
        f"720p/index.m3u8?token={QUOTED}",
        f"360p/index.m3u8?token={QUOTED}",
    ]
    assert [line for line in rewritten.splitlines() if line.startswith("#")] == [
        line for line in MASTER.splitlines() if line.startswith("#")
    ]


def test_an_audio_rendition_uri_carries_the_token_like_a_variant() -> None:
    rewritten = playback.rewrite_master(MASTER_WITH_AUDIO, TOKEN)

    media = next(line for line in rewritten.splitlines() if line.startswith("#EXT-X-MEDIA:"))
    assert media == (
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aac",NAME="Audio",DEFAULT=YES,AUTOSELECT=YES,'
        f'CHANNELS="2",URI="audio/index.m3u8?token={QUOTED}"'
    )
    assert _uris(rewritten) == [f"720p/index.m3u8?token={QUOTED}"]


def test_each_segment_and_init_uri_of_a_variant_names_the_segment_path_with_the_token() -> None:
    rewritten = playback.rewrite_variant(VARIANT, TOKEN)

    assert _uris(rewritten) == [
        f"segments/seg_00000.ts?token={QUOTED}",
        f"segments/seg_00001.ts?token={QUOTED}",
    ]
    assert f'#EXT-X-MAP:URI="segments/init.mp4?token={QUOTED}"' in rewritten
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in rewritten
    assert rewritten.endswith("#EXT-X-ENDLIST\n")


def test_a_variant_naming_something_that_is_not_a_segment_is_refused() -> None:
    for uri in ("../other/seg.ts", "https://evil.example/x.ts", "index.m3u8", "x.ts?y=1"):
        with pytest.raises(NotFound):
            playback.rewrite_variant(VARIANT.replace("seg_00001.ts", uri), TOKEN)


@pytest.mark.parametrize("name", ["seg_00001.ts", "init.mp4", "seg-1.m4s", "audio_0.aac"])
def test_segment_names_a_rendition_publishes_are_accepted(name: str) -> None:
    assert playback.segment_name(name) == name


@pytest.mark.parametrize(
    "name",
    ["index.m3u8", ".hidden.ts", "a..ts", "source.mov", "seg.ts.json", "", "x" * 130 + ".ts"],
)
def test_other_names_are_not_segments(name: str) -> None:
    with pytest.raises(NotFound):
        playback.segment_name(name)


def test_uris_resolve_inside_the_rendition_prefix_only() -> None:
    prefix = "media/med_1/run/720p/"
    assert playback.object_key(prefix, "seg_00001.ts") == "media/med_1/run/720p/seg_00001.ts"

    for uri in ("../../other/secret.ts", "/etc/passwd", "https://evil.example/x.ts", "a.ts?x=1"):
        with pytest.raises(ValueError):
            playback.object_key(prefix, uri)

"""Playlist rewriting: every URI a player will follow carries its authorization."""

from __future__ import annotations

import pytest

from functions.media import playback

MASTER = """#EXTM3U
#EXT-X-VERSION:3
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=3100000,AVERAGE-BANDWIDTH=2900000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000
720p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=850000,CODECS="avc1.4d401e,mp4a.40.2",RESOLUTION=640x360,FRAME-RATE=30.000
360p/index.m3u8
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


def test_the_master_playlist_carries_the_token_on_each_variant() -> None:
    rewritten = playback.rewrite_master(MASTER, "abc.d+f/")

    uris = [line for line in rewritten.splitlines() if line and not line.startswith("#")]
    assert uris == ["720p/index.m3u8?token=abc.d%2Bf%2F", "360p/index.m3u8?token=abc.d%2Bf%2F"]
    assert [line for line in rewritten.splitlines() if line.startswith("#")] == [
        line for line in MASTER.splitlines() if line.startswith("#")
    ]


def test_each_segment_and_init_uri_of_a_variant_is_replaced_by_a_signed_url() -> None:
    def sign(uri: str) -> str:
        return f"https://cdn.example/media/v1/720p/{uri}?Signature=x"

    rewritten = playback.rewrite_variant(VARIANT, sign)

    uris = [line for line in rewritten.splitlines() if line and not line.startswith("#")]
    assert uris == [sign("seg_00000.ts"), sign("seg_00001.ts")]
    assert f'#EXT-X-MAP:URI="{sign("init.mp4")}"' in rewritten
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in rewritten
    assert rewritten.endswith("#EXT-X-ENDLIST\n")


def test_uris_resolve_inside_the_rendition_prefix_only() -> None:
    prefix = "media/med_1/run/720p/"
    assert playback.object_key(prefix, "seg_00001.ts") == "media/med_1/run/720p/seg_00001.ts"

    for uri in ("../../other/secret.ts", "/etc/passwd", "https://evil.example/x.ts", "a.ts?x=1"):
        with pytest.raises(ValueError):
            playback.object_key(prefix, uri)

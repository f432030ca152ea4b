from __future__ import annotations

import pytest

from functions.courses.video import UnsupportedVideoUrl, dailymotion_embed_url, youtube_embed_url

YT = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
DM = "https://www.dailymotion.com/embed/video/x7tgad0"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "http://youtube.com/watch?v=dQw4w9WgXcQ&list=PL1&t=10s",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ",
        "https://youtu.be/dQw4w9WgXcQ?t=42",
        "https://www.youtube.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
        "https://www.youtube.com/live/dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
        "  https://YOUTU.BE/dQw4w9WgXcQ  ",
    ],
)
def test_youtube_links_become_nocookie_embeds(url: str) -> None:
    assert youtube_embed_url(url) == YT


@pytest.mark.parametrize(
    "url",
    [
        "https://www.youtube.com/watch?v=tooshort",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ<script>",
        "https://www.youtube.com/channel/UC123",
        "https://www.youtube.com/watch",
        "https://youtu.be/",
        "https://evil.example/watch?v=dQw4w9WgXcQ",
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "ftp://youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)",
        "https://user:pass@youtube.com/watch?v=dQw4w9WgXcQ",
        "https://youtube.com:8443/watch?v=dQw4w9WgXcQ",
        "https://www.youtube-nocookie.com/shorts/dQw4w9WgXcQ",
        "https://www.youtube.com/watch?v=" + "a" * 3000,
    ],
)
def test_other_urls_are_not_youtube_videos(url: str) -> None:
    with pytest.raises(UnsupportedVideoUrl):
        youtube_embed_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://www.dailymotion.com/video/x7tgad0",
        "https://dailymotion.com/video/x7tgad0_some-title-slug",
        "https://dai.ly/x7tgad0",
        "https://www.dailymotion.com/embed/video/x7tgad0",
    ],
)
def test_dailymotion_links_become_embeds(url: str) -> None:
    assert dailymotion_embed_url(url) == DM


@pytest.mark.parametrize(
    "url",
    [
        "https://www.dailymotion.com/playlist/x6hynp",
        "https://www.dailymotion.com/video/",
        "https://www.dailymotion.com/video/x7t-gad0",
        "https://dai.ly/x7tgad0/extra",
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ],
)
def test_other_urls_are_not_dailymotion_videos(url: str) -> None:
    with pytest.raises(UnsupportedVideoUrl):
        dailymotion_embed_url(url)

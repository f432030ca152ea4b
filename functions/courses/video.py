"""Video references of lessons: uploaded media, or a YouTube / Dailymotion URL.

External URLs are accepted in the forms people paste (watch, short, embed and share links) and
normalized to the provider's privacy-friendly embed URL; anything else is rejected.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
DAILYMOTION_ID = re.compile(r"^[A-Za-z0-9]{5,16}$")
YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com"}
YOUTUBE_NOCOOKIE_HOSTS = {"youtube-nocookie.com", "www.youtube-nocookie.com"}
DAILYMOTION_HOSTS = {"dailymotion.com", "www.dailymotion.com"}
MAX_URL_LENGTH = 2048


class UnsupportedVideoUrl(ValueError):
    """The URL is not a recognised link to a video of the provider."""


def _parts(url: str) -> tuple[str, list[str], dict[str, list[str]]]:
    if len(url) > MAX_URL_LENGTH:
        raise UnsupportedVideoUrl("URL too long")
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or parts.username or parts.password or parts.port:
        raise UnsupportedVideoUrl("not a plain http(s) URL")
    segments = [segment for segment in parts.path.split("/") if segment]
    return (parts.hostname or "").lower(), segments, parse_qs(parts.query)


def youtube_embed_url(url: str) -> str:
    """``https://www.youtube-nocookie.com/embed/<id>`` for any usual YouTube video URL."""
    host, segments, query = _parts(url)
    video_id = None
    if host == "youtu.be" and len(segments) == 1:
        video_id = segments[0]
    elif host in YOUTUBE_HOSTS and segments == ["watch"]:
        video_id = (query.get("v") or [""])[0]
    elif (
        host in YOUTUBE_HOSTS | YOUTUBE_NOCOOKIE_HOSTS
        and len(segments) == 2
        and segments[0] in ("embed", "shorts", "live", "v")
        and (segments[0] == "embed" or host in YOUTUBE_HOSTS)
    ):
        video_id = segments[1]
    if not video_id or not YOUTUBE_ID.match(video_id):
        raise UnsupportedVideoUrl("not a YouTube video URL")
    return f"https://www.youtube-nocookie.com/embed/{video_id}"


def dailymotion_embed_url(url: str) -> str:
    """``https://www.dailymotion.com/embed/video/<id>`` for a Dailymotion video URL."""
    host, segments, _ = _parts(url)
    video_id = None
    if host == "dai.ly" and len(segments) == 1:
        video_id = segments[0]
    elif host in DAILYMOTION_HOSTS and len(segments) == 2 and segments[0] == "video":
        # Older share links append the title: /video/x7tgad0_my-title
        video_id = segments[1].split("_", 1)[0]
    elif host in DAILYMOTION_HOSTS and segments[:2] == ["embed", "video"] and len(segments) == 3:
        video_id = segments[2]
    if not video_id or not DAILYMOTION_ID.match(video_id):
        raise UnsupportedVideoUrl("not a Dailymotion video URL")
    return f"https://www.dailymotion.com/embed/video/{video_id}"


EMBEDDERS = {"youtube": youtube_embed_url, "dailymotion": dailymotion_embed_url}

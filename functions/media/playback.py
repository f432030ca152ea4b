"""Signed HLS playback: short-lived playback tokens and playlist rewriting.

An HLS player resolves every URI in a playlist relative to the playlist's own URL, and neither S3
presigned URLs nor CloudFront signed URLs carry their signature over to the files a playlist
names. A VOD player also reads each variant playlist once, so any URL written into it must work
for the whole lecture. Hence (docs/media.md, "Playback"; docs/decisions.md):

* the playback route hands out the URL of the master playlist served by the API, with a playback
  token (HMAC-SHA256, bound to the media id, the viewer and the lesson they opened, valid for at
  most ``TOKEN_TTL_SECONDS``);
* the master playlist is returned with the token on every URI it names (variants, audio
  renditions: relative, so the player asks the API for those playlists);
* each variant playlist is returned with every segment (and init) URI replaced by the API's
  segment path ``segments/<name>?token=…``; that path checks the token and redirects to a URL
  signed for the storage in front of the media bucket (S3 presigned locally, CloudFront in AWS)
  for at most ``REDIRECT_TTL_SECONDS``;
* before the token expires the player asks the refresh route for a new one (its user signed in,
  the lesson's access checked again) and sends that one on every later request.

No URL or token lives longer than ten minutes; a viewer who loses access stops at the latest when
their current token expires.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote

from coursewave.errors import Forbidden, NotFound, Unauthenticated

TOKEN_TTL_SECONDS = 10 * 60  # the ceiling; the deployment may configure a shorter lifetime
REDIRECT_TTL_SECONDS = 60  # a segment redirect is followed at once
SEGMENTS_DIR = "segments"
# What a published rendition holds besides its playlist: MPEG-TS and fMP4 media, WebVTT.
SEGMENT_NAME = re.compile(r"^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}\.(ts|m4s|mp4|m4a|aac|vtt)$")
_CONTEXT = b"coursewave-playback-v2."
_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')


@dataclass(frozen=True)
class PlaybackGrant:
    media_id: str
    user_id: str
    course_id: str
    lesson_id: str
    expires_at: int  # epoch seconds


def issue_token(key: bytes, grant: PlaybackGrant) -> str:
    """The signed token that carries ``grant``."""
    claims = {
        "m": grant.media_id,
        "u": grant.user_id,
        "c": grant.course_id,
        "l": grant.lesson_id,
        "e": grant.expires_at,
    }
    payload = _b64(json.dumps(claims, separators=(",", ":")).encode())
    return f"{payload}.{_signature(key, payload)}"


def grant_for(
    media_id: str, user_id: str, course_id: str, lesson_id: str, now: int, ttl_seconds: int
) -> PlaybackGrant:
    """A grant from ``now`` for ``ttl_seconds``, never more than ``TOKEN_TTL_SECONDS``."""
    lifetime = max(1, min(ttl_seconds, TOKEN_TTL_SECONDS))
    return PlaybackGrant(media_id, user_id, course_id, lesson_id, now + lifetime)


def verify_token(
    key: bytes, token: str, media_id: str, now: int, *, allow_expired: bool = False
) -> PlaybackGrant:
    """The grant a token carries: 401 if forged, malformed or expired (unless ``allow_expired``:
    the refresh route, where the viewer's sign-in is the credential); 403 for another media."""
    payload, _, signature = token.partition(".")
    expected = _signature(key, payload).encode()
    if not payload or not hmac.compare_digest(signature.encode(), expected):
        raise Unauthenticated("The playback token is not valid.")
    try:
        claims = json.loads(_unb64(payload))
        grant = PlaybackGrant(
            str(claims["m"]), str(claims["u"]), str(claims["c"]), str(claims["l"]), int(claims["e"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise Unauthenticated("The playback token is not valid.") from exc
    if grant.expires_at <= now and not allow_expired:
        raise Unauthenticated("The playback token has expired; refresh it.")
    if grant.media_id != media_id:
        raise Forbidden("This playback token is for another video.")
    return grant


def rewrite_master(text: str, token: str) -> str:
    """The master playlist with the token on every URI (variants, ``#EXT-X-MEDIA`` renditions,
    I-frame playlists), still relative."""
    return _rewrite_uris(text, lambda uri: _with_token(uri, token))


def rewrite_variant(text: str, token: str) -> str:
    """A variant playlist whose segment and init URIs name the API's segment path with the token
    (``seg_00001.ts`` → ``segments/seg_00001.ts?token=…``)."""

    def segment_path(uri: str) -> str:
        name = segment_name(uri)
        return _with_token(f"{SEGMENTS_DIR}/{name}", token)

    return _rewrite_uris(text, segment_path)


def segment_name(name: str) -> str:
    """A file name a rendition may publish beside its playlist (404 for anything else)."""
    if not SEGMENT_NAME.fullmatch(name) or ".." in name:
        raise NotFound("No such segment.")
    return name


def redirect_expiry(grant: PlaybackGrant, now: int) -> int:
    """When a segment redirect's signed URL expires: soon, and never after the token."""
    return min(grant.expires_at, now + REDIRECT_TTL_SECONDS)


def object_key(prefix: str, relative_uri: str) -> str:
    """The storage key of a URI named in a playlist under ``prefix``; never outside it."""
    if "://" in relative_uri or relative_uri.startswith("/") or "?" in relative_uri:
        raise ValueError(f"unexpected URI in a published playlist: {relative_uri!r}")
    resolved = posixpath.normpath(posixpath.join(prefix, relative_uri))
    if not resolved.startswith(prefix.rstrip("/") + "/"):
        raise ValueError(f"URI escapes the media prefix: {relative_uri!r}")
    return resolved


def _with_token(uri: str, token: str) -> str:
    return f"{uri}{'&' if '?' in uri else '?'}token={quote(token, safe='')}"


def _rewrite_uris(text: str, rewrite: Callable[[str], str]) -> str:
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            lines.append(line)
        elif stripped.startswith("#"):
            lines.append(_URI_ATTRIBUTE.sub(lambda m: f'URI="{rewrite(m.group(1))}"', line))
        else:
            lines.append(rewrite(stripped))
    return "\n".join(lines) + "\n"


def _signature(key: bytes, payload: str) -> str:
    return _b64(hmac.new(key, _CONTEXT + payload.encode(), hashlib.sha256).digest())


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

"""Signed HLS playback: short-lived playback tokens and playlist rewriting.

An HLS player resolves every URI in a playlist relative to the playlist's own URL, and neither S3
presigned URLs nor CloudFront signed URLs carry their signature over to the files a playlist
names. So a signed master playlist URL alone would leave variants and segments unplayable (or
public). Instead:

* the playback route hands out the URL of the master playlist served by the API, with a playback
  token (HMAC-SHA256, bound to the media id and the viewer, valid for ``TOKEN_TTL_SECONDS``);
* the master playlist is returned with the same token on every variant URI (relative URIs, so a
  player asks the API for the variant playlists);
* each variant playlist is returned with every segment URI replaced by a URL signed for the
  storage in front of the media bucket (S3 presigned locally, CloudFront in AWS) that expires
  with the token.

Everything reachable from one playback URL therefore stops working at the same ``expires_at``.
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

from coursewave.errors import Forbidden, Unauthenticated

TOKEN_TTL_SECONDS = 10 * 60
_CONTEXT = b"coursewave-playback-v1."
_URI_ATTRIBUTE = re.compile(r'URI="([^"]*)"')


@dataclass(frozen=True)
class PlaybackGrant:
    media_id: str
    user_id: str
    expires_at: int  # epoch seconds


def issue_token(key: bytes, media_id: str, user_id: str, now: int) -> tuple[str, PlaybackGrant]:
    """A token for ``media_id`` and ``user_id``, expiring ``TOKEN_TTL_SECONDS`` from ``now``."""
    grant = PlaybackGrant(media_id=media_id, user_id=user_id, expires_at=now + TOKEN_TTL_SECONDS)
    payload = _b64(
        json.dumps(
            {"m": grant.media_id, "u": grant.user_id, "e": grant.expires_at},
            separators=(",", ":"),
        ).encode()
    )
    return f"{payload}.{_signature(key, payload)}", grant


def verify_token(key: bytes, token: str, media_id: str, now: int) -> PlaybackGrant:
    """The grant a token carries: 401 if forged, malformed or expired; 403 for another media."""
    payload, _, signature = token.partition(".")
    expected = _signature(key, payload).encode()
    if not payload or not hmac.compare_digest(signature.encode(), expected):
        raise Unauthenticated("The playback token is not valid.")
    try:
        claims = json.loads(_unb64(payload))
        grant = PlaybackGrant(str(claims["m"]), str(claims["u"]), int(claims["e"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise Unauthenticated("The playback token is not valid.") from exc
    if grant.expires_at <= now:
        raise Unauthenticated("The playback token has expired; ask for a new playback URL.")
    if grant.media_id != media_id:
        raise Forbidden("This playback token is for another video.")
    return grant


def rewrite_master(text: str, token: str) -> str:
    """The master playlist with the token on every variant URI (still relative)."""
    suffix = f"token={quote(token, safe='')}"

    def with_token(uri: str) -> str:
        return f"{uri}{'&' if '?' in uri else '?'}{suffix}"

    return _rewrite_uris(text, with_token)


def rewrite_variant(text: str, sign: Callable[[str], str]) -> str:
    """A variant playlist with every segment (and init/key) URI replaced by ``sign(uri)``."""
    return _rewrite_uris(text, sign)


def object_key(prefix: str, relative_uri: str) -> str:
    """The storage key of a URI named in a playlist under ``prefix``; never outside it."""
    if "://" in relative_uri or relative_uri.startswith("/") or "?" in relative_uri:
        raise ValueError(f"unexpected URI in a published playlist: {relative_uri!r}")
    resolved = posixpath.normpath(posixpath.join(prefix, relative_uri))
    if not resolved.startswith(prefix.rstrip("/") + "/"):
        raise ValueError(f"URI escapes the media prefix: {relative_uri!r}")
    return resolved


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

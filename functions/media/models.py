"""Request and response models of the media routes (API.md, section Media)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel, StrictInt

from coursewave.models import Out, Strict

SAFE_ID = r"^[A-Za-z0-9._~-]{1,128}$"


class UploadRequest(Strict):
    course_id: str = Field(pattern=SAFE_ID)
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(min_length=1, max_length=100)
    size_bytes: StrictInt = Field(ge=1, description="The file's size; over the type's limit → 413.")


class PresignedPost(Out):
    url: str = Field(description="POST the form here (multipart/form-data).")
    fields: dict[str, str] = Field(description="Send these form fields first, then `file`.")
    expires_at: str


class UploadTicket(Out):
    media_id: str
    upload: PresignedPost
    max_size_bytes: int


class RenditionOut(Out):
    name: str
    width: int
    height: int
    bandwidth: int


class MediaOut(Out):
    id: str
    course_id: str
    kind: Literal["video", "image", "document"]
    status: Literal["awaiting_upload", "processing", "ready", "failed"]
    progress_percent: int
    filename: str
    content_type: str
    size_bytes: int
    duration_seconds: float | None
    renditions: list[RenditionOut]
    thumbnail_url: str | None = Field(description="Signed, valid for 10 minutes.")
    error: str | None = Field(description="Why processing failed (status `failed` only).")
    created_at: str
    updated_at: str | None


class HlsPlayback(Out):
    type: Literal["hls"] = "hls"
    url: str = Field(description="The signed master playlist; variants and segments are signed.")
    expires_at: str = Field(description="When the token (and every URL it reaches) expires.")
    expires_in: int = Field(description="The same, in seconds from now (clock-skew proof).")
    thumbnail_url: str | None
    token: str = Field(
        description="The playback token in `url`. Before `expires_at`, POST it to `refresh_url` "
        "and send the new one as `token` on every later playlist and segment request."
    )
    refresh_url: str = Field(description="`POST {token}` here (signed in) for a new token.")


class EmbedPlayback(Out):
    type: Literal["youtube", "dailymotion"]
    embed_url: str


class Playback(RootModel[HlsPlayback | EmbedPlayback]):
    """HLS for uploaded videos, the provider's embed URL for YouTube and Dailymotion."""


class PlaylistQuery(Strict):
    token: str | None = Field(default=None, max_length=2048, description="The playback token.")


class RefreshRequest(Strict):
    token: str = Field(min_length=1, max_length=2048, description="The current playback token.")


class PlaybackToken(Out):
    token: str = Field(description="The new playback token; the old one stays valid until expiry.")
    expires_at: str
    expires_in: int = Field(description="Seconds until `expires_at`.")

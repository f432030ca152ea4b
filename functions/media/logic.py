"""Media use cases: start an upload, read a media item's status, play a video lesson, refresh
its playback token, serve its playlists and redirect to its segments.

Who may do what is asked of the lower domains' public faces (courses: who manages a course;
enrollment: who may open a lesson); records come from ``repository``; URLs are signed through
``storage`` (the port in front of the buckets) and ``playback`` (tokens, playlist rewriting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from coursewave.clock import epoch_seconds, iso, new_id, now, now_iso
from coursewave.config import settings
from coursewave.errors import Forbidden, NotFound, Unauthenticated
from coursewave.users import Principal
from functions.courses import public as courses
from functions.enrollment import public as enrollment
from functions.media import domain, playback, repository, storage
from functions.media.domain import MediaFile

MEDIA_ID_PREFIX = "med_"


@dataclass(frozen=True)
class UploadTicket:
    media_id: str
    url: str  # POST the form here
    fields: dict[str, str]  # the form fields to send before the file
    expires_at: str
    max_size_bytes: int


@dataclass(frozen=True)
class MediaStatus:
    media: MediaFile
    thumbnail_url: str | None  # signed, once ready
    error: str | None  # why processing failed (failed only)


@dataclass(frozen=True)
class HlsPlayback:
    url: str
    expires_at: str
    expires_in: int  # seconds
    thumbnail_url: str | None
    token: str  # the token in ``url``, for the player to refresh
    refresh_url: str  # POST {token} here before ``expires_at`` for a new token


@dataclass(frozen=True)
class PlaybackRefresh:
    token: str
    expires_at: str
    expires_in: int  # seconds


@dataclass(frozen=True)
class EmbedPlayback:
    type: str  # youtube | dailymotion
    embed_url: str


def create_upload(
    principal: Principal,
    course_id: str,
    filename: str,
    content_type: str,
    size_bytes: int,
    correlation_id: str | None = None,
) -> UploadTicket:
    """A presigned POST for one file of a course the caller manages (404/403 otherwise; 415 or
    413 for a file that is not accepted); the course tracks the media as processing."""
    course_id = courses.managed_course_id(course_id, principal)
    media_id = new_id(MEDIA_ID_PREFIX)
    plan = domain.plan_upload(course_id, media_id, filename, content_type, size_bytes)
    repository.create_media(
        media_id=media_id,
        course_id=course_id,
        owner_id=principal.user_id,
        kind=plan.kind,
        filename=filename,
        content_type=plan.content_type,
        size_bytes=size_bytes,
        upload_key=plan.key,
        correlation_id=correlation_id or media_id,
        created_at=now_iso(),
    )
    courses.track_media(course_id, media_id, plan.kind)
    expires_at = now() + timedelta(seconds=domain.UPLOAD_TTL_SECONDS)
    url, fields = storage.presigned_post(
        plan.key, plan.content_type, plan.max_size_bytes, domain.UPLOAD_TTL_SECONDS
    )
    return UploadTicket(
        media_id=media_id,
        url=url,
        fields=fields,
        expires_at=iso(expires_at),
        max_size_bytes=plan.max_size_bytes,
    )


def media_status(media_id: str, principal: Principal) -> MediaStatus:
    """The media item, for admins, its uploader and its course's owner (404 for anyone else)."""
    media = repository.find_media(media_id)
    if media is None or not _may_manage(media, principal):
        raise NotFound("No such media.")
    thumbnail_url = None
    if media.ready and media.thumbnail:
        thumbnail_url = storage.url_signer().url(
            media.thumbnail, epoch_seconds() + settings().playback_url_ttl_seconds
        )
    return MediaStatus(
        media=media,
        thumbnail_url=thumbnail_url,
        error=media.error if media.status == domain.FAILED else None,
    )


def lesson_playback(
    course_ref: str, lesson_id: str, principal: Principal, api_base: str
) -> HlsPlayback | EmbedPlayback:
    """Play a video lesson the caller may open: the embed URL of a YouTube or Dailymotion video,
    or the master playlist URL (under ``api_base``) with a fresh playback token."""
    lesson = enrollment.viewable_lesson(course_ref, lesson_id, principal)
    video = lesson.video
    if video is None:
        raise NotFound("This lesson has no video.")
    if video["source"] != "upload":
        return EmbedPlayback(type=video["source"], embed_url=video["embed_url"])
    media = _lesson_media(lesson, video["media_id"])
    issued_at = epoch_seconds()
    token, grant = _issue(media.media_id, principal, lesson, issued_at)
    base = f"{api_base}/v1/media/{media.media_id}"
    return HlsPlayback(
        url=f"{base}/hls/master.m3u8?token={token}",
        expires_at=_iso_epoch(grant.expires_at),
        expires_in=grant.expires_at - issued_at,
        thumbnail_url=storage.url_signer().url(media.thumbnail_key, grant.expires_at)
        if media.thumbnail_key
        else None,
        token=token,
        refresh_url=f"{base}/playback/refresh",
    )


def refresh_playback(media_id: str, token: str, principal: Principal) -> PlaybackRefresh:
    """A new token for the viewer of ``token`` (expired or not), if they may still open the
    lesson it was issued for: 401 forged, 403 someone else's token, another video's, or a lesson
    the viewer may no longer open (a revoked or refunded enrollment), 404 a video that is gone."""
    grant = playback.verify_token(
        storage.playback_key(), token, media_id, epoch_seconds(), allow_expired=True
    )
    if grant.user_id != principal.user_id:
        raise Forbidden("This playback token belongs to someone else.")
    lesson = enrollment.viewable_lesson(grant.course_id, grant.lesson_id, principal)
    video = lesson.video
    if video is None or video.get("media_id") != media_id:
        raise NotFound("This lesson no longer plays this video.")
    media = _lesson_media(lesson, media_id)
    issued_at = epoch_seconds()
    fresh, renewed = _issue(media.media_id, principal, lesson, issued_at)
    return PlaybackRefresh(
        token=fresh,
        expires_at=_iso_epoch(renewed.expires_at),
        expires_in=renewed.expires_at - issued_at,
    )


def master_playlist(media_id: str, token: str | None) -> str:
    """The master playlist, with the token on every URI."""
    token = _required(token)
    playback.verify_token(storage.playback_key(), token, media_id, epoch_seconds())
    media = _playable(media_id)
    text = storage.read_published_text(media.published_key or "")
    return playback.rewrite_master(text, token)


def variant_playlist(media_id: str, rendition: str, token: str | None) -> str:
    """A variant playlist whose segment URIs name the API's segment path with the token."""
    token = _required(token)
    playback.verify_token(storage.playback_key(), token, media_id, epoch_seconds())
    prefix = _rendition_prefix(_playable(media_id), rendition)
    return playback.rewrite_variant(storage.read_published_text(prefix + "index.m3u8"), token)


def segment_url(media_id: str, rendition: str, segment: str, token: str | None) -> str:
    """Where a segment of a valid token's video is: a storage URL signed for a minute at most."""
    now_s = epoch_seconds()
    grant = playback.verify_token(storage.playback_key(), _required(token), media_id, now_s)
    name = playback.segment_name(segment)
    prefix = _rendition_prefix(_playable(media_id), rendition)
    key = playback.object_key(prefix, name)
    return storage.url_signer().url(key, playback.redirect_expiry(grant, now_s))


def _may_manage(media: MediaFile, principal: Principal) -> bool:
    if domain.manages_directly(media, principal):
        return True
    return courses.manages_course(media.course_id, principal)


def _lesson_media(lesson: enrollment.ViewableLesson, media_id: str) -> MediaFile:
    media = repository.find_media(media_id)
    if media is None or media.course_id != lesson.course_id:
        raise NotFound("This lesson's video no longer exists.")
    domain.require_playable(media.status, media.kind)
    return media


def _issue(
    media_id: str, principal: Principal, lesson: enrollment.ViewableLesson, issued_at: int
) -> tuple[str, playback.PlaybackGrant]:
    grant = playback.grant_for(
        media_id,
        principal.user_id,
        lesson.course_id,
        lesson.lesson_id,
        issued_at,
        settings().playback_url_ttl_seconds,
    )
    return playback.issue_token(storage.playback_key(), grant), grant


def _rendition_prefix(media: MediaFile, rendition: str) -> str:
    if not media.has_rendition(rendition):
        raise NotFound("No such rendition.")
    return f"{media.output_prefix}{rendition}/"


def _playable(media_id: str) -> MediaFile:
    media = repository.find_media(media_id)
    if media is None or not media.ready or not media.published_key:
        raise NotFound("No such video.")
    return media


def _required(token: str | None) -> str:
    if not token:
        raise Unauthenticated("A playback token is required: ask for a playback URL.")
    return token


def _iso_epoch(seconds: int) -> str:
    return iso(datetime.fromtimestamp(seconds, UTC))

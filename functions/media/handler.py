"""Media routes (API.md, section Media): uploads, media status, signed HLS playback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aws_lambda_powertools.event_handler import Response

from coursewave.api import Access, Api, Request, roles, signed_in
from coursewave.clock import epoch_seconds, iso, new_id, now, now_iso
from coursewave.config import settings
from coursewave.errors import NotFound, Unauthenticated
from coursewave.observability import correlation_id
from coursewave.users import Principal
from functions.media import courses as course_access
from functions.media import logic, playback, storage
from functions.media.models import (
    EmbedPlayback,
    HlsPlayback,
    MediaOut,
    Playback,
    PlaylistQuery,
    PresignedPost,
    RenditionOut,
    UploadRequest,
    UploadTicket,
)
from functions.media.repository import READY, Media

app = Api("media")
lambda_handler = app.lambda_handler

MEDIA_ID_PREFIX = "med_"
PLAYLIST_CONTENT_TYPE = "application/vnd.apple.mpegurl"
# Players fetch playlists without headers: the playback token in the URL is the credential.
TOKEN_HOLDERS = Access(public=True, who="the holder of a playback token (see the playback route)")


@app.route(
    "POST",
    "/v1/media/uploads",
    access=roles("instructor", "admin", who="the owner of course_id, admin"),
    summary="Start an upload: a presigned S3 POST for one file of a course",
    status=201,
    body=UploadRequest,
    response=UploadTicket,
    errors=(403, 404, 413, 415, 422),
)
def create_upload(body: UploadRequest, principal: Principal) -> UploadTicket:
    course_id = course_access.managed_course_id(body.course_id, principal)
    media_id = new_id(MEDIA_ID_PREFIX)
    plan = logic.plan_upload(course_id, media_id, body.filename, body.content_type, body.size_bytes)
    Media(
        media_id=media_id,
        course_id=course_id,
        owner_id=principal.user_id,
        kind=plan.kind,
        filename=body.filename,
        content_type=plan.content_type,
        size_bytes=body.size_bytes,
        upload_key=plan.key,
        correlation_id=correlation_id() or media_id,
        created_at=now_iso(),
    ).create()
    expires_at = now() + timedelta(seconds=logic.UPLOAD_TTL_SECONDS)
    url, fields = storage.presigned_post(
        plan.key, plan.content_type, plan.max_size_bytes, logic.UPLOAD_TTL_SECONDS
    )
    return UploadTicket(
        media_id=media_id,
        upload=PresignedPost(url=url, fields=fields, expires_at=iso(expires_at)),
        max_size_bytes=plan.max_size_bytes,
    )


@app.route(
    "GET",
    "/v1/media/{media_id}",
    access=roles("instructor", "admin", who="the course's owner, the uploader, admin"),
    summary="A media item: processing status and progress, renditions, thumbnail, error",
    response=MediaOut,
    errors=(403, 404),
)
def get_media(media_id: str, principal: Principal) -> MediaOut:
    media = Media.find(media_id)
    if media is None or not _may_manage(media, principal):
        raise NotFound("No such media.")
    return _media_out(media)


@app.route(
    "GET",
    "/v1/courses/{id}/lessons/{lesson_id}/playback",
    access=signed_in(
        who="as the lesson itself: enrolled learners (once drip opens it), anyone signed in for "
        "a preview lesson of a published course, the owner, admin"
    ),
    summary="Play a video lesson (course by id or slug): a signed HLS URL, or the embed URL",
    response=Playback,
    errors=(403, 404, 409),
)
def lesson_playback(id: str, lesson_id: str, principal: Principal, request: Request) -> Playback:
    lesson = course_access.viewable_lesson(id, lesson_id, principal)
    video = lesson.video
    if video is None:
        raise NotFound("This lesson has no video.")
    if video["source"] != "upload":
        return Playback(EmbedPlayback(type=video["source"], embed_url=video["embed_url"]))
    media = Media.find(video["media_id"])
    if media is None or media.course_id != lesson.course_id:
        raise NotFound("This lesson's video no longer exists.")
    logic.require_playable(media.status, media.kind)
    token, grant = playback.issue_token(
        storage.playback_key(), media.media_id, principal.user_id, epoch_seconds()
    )
    signer = storage.url_signer()
    return Playback(
        HlsPlayback(
            url=f"{_api_base(request)}/v1/media/{media.media_id}/hls/master.m3u8?token={token}",
            expires_at=_iso_epoch(grant.expires_at),
            thumbnail_url=signer.url(media.thumbnail_key, grant.expires_at)
            if media.thumbnail_key
            else None,
        )
    )


@app.route(
    "GET",
    "/v1/media/{media_id}/hls/master.m3u8",
    access=TOKEN_HOLDERS,
    summary="The master playlist of a playback URL (application/vnd.apple.mpegurl)",
    query=PlaylistQuery,
    errors=(401, 403, 404),
)
def master_playlist(media_id: str, query: PlaylistQuery) -> Response:
    token = _token(query)
    playback.verify_token(storage.playback_key(), token, media_id, epoch_seconds())
    media = _playable(media_id)
    text = storage.read_published_text(media.published_key or "")
    return _playlist(playback.rewrite_master(text, token))


@app.route(
    "GET",
    "/v1/media/{media_id}/hls/{rendition}/index.m3u8",
    access=TOKEN_HOLDERS,
    summary="A variant playlist whose segment URLs are signed (application/vnd.apple.mpegurl)",
    query=PlaylistQuery,
    errors=(401, 403, 404),
)
def variant_playlist(media_id: str, rendition: str, query: PlaylistQuery) -> Response:
    grant = playback.verify_token(storage.playback_key(), _token(query), media_id, epoch_seconds())
    media = _playable(media_id)
    if rendition not in {r.name for r in media.renditions}:
        raise NotFound("No such rendition.")
    prefix = f"{media.output_prefix}{rendition}/"
    text = storage.read_published_text(prefix + "index.m3u8")
    signer = storage.url_signer()
    return _playlist(
        playback.rewrite_variant(
            text, lambda uri: signer.url(playback.object_key(prefix, uri), grant.expires_at)
        )
    )


# -- helpers -----------------------------------------------------------------------------------


def _may_manage(media: Media, principal: Principal) -> bool:
    if principal.is_admin or media.owner_id == principal.user_id:
        return True
    return course_access.manages_course(media.course_id, principal)


def _media_out(media: Media) -> MediaOut:
    ready = media.status == READY
    thumbnail = media.thumbnail_key or (media.published_key if media.kind == logic.IMAGE else None)
    thumbnail_url = None
    if ready and thumbnail:
        thumbnail_url = storage.url_signer().url(
            thumbnail, epoch_seconds() + playback.TOKEN_TTL_SECONDS
        )
    return MediaOut(
        id=media.media_id,
        course_id=media.course_id,
        kind=media.kind,  # type: ignore[arg-type]
        status=media.status,  # type: ignore[arg-type]
        progress_percent=int(media.progress_percent or 0),
        filename=media.filename,
        content_type=media.content_type,
        size_bytes=int(media.size_bytes),
        duration_seconds=media.duration_seconds,
        renditions=[
            RenditionOut(
                name=r.name, width=int(r.width), height=int(r.height), bandwidth=int(r.bandwidth)
            )
            for r in media.renditions
        ],
        thumbnail_url=thumbnail_url,
        error=media.error if media.status == "failed" else None,
        created_at=media.created_at,
        updated_at=media.updated_at,
    )


def _playable(media_id: str) -> Media:
    media = Media.find(media_id)
    if media is None or media.status != READY or not media.published_key:
        raise NotFound("No such video.")
    return media


def _token(query: PlaylistQuery) -> str:
    if not query.token:
        raise Unauthenticated("A playback token is required: ask for a playback URL.")
    return query.token


def _playlist(text: str) -> Response:
    # Per viewer and short-lived: never cached by a shared cache.
    return Response(
        status_code=200,
        content_type=PLAYLIST_CONTENT_TYPE,
        body=text,
        headers={"Cache-Control": "private, no-store"},
    )


def _api_base(request: Request) -> str:
    """Where clients reach this API: PUBLIC_BASE_URL, else the domain API Gateway served."""
    configured = settings().public_base_url
    if configured:
        return configured.rstrip("/")
    domain = request.event.get("requestContext", {}).get("domainName") or "localhost"
    return f"https://{domain}"


def _iso_epoch(seconds: int) -> str:
    return iso(datetime.fromtimestamp(seconds, UTC))

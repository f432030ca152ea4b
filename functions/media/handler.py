"""Media routes (API.md, section Media): uploads, media status, signed HLS playback."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import Response

from coursewave.api import Access, Api, Reply, Request, roles, signed_in
from coursewave.config import settings
from coursewave.observability import correlation_id
from coursewave.users import Principal
from functions.media import logic
from functions.media.models import (
    EmbedPlayback,
    HlsPlayback,
    MediaOut,
    Playback,
    PlaybackToken,
    PlaylistQuery,
    PresignedPost,
    RefreshRequest,
    RenditionOut,
    UploadRequest,
    UploadTicket,
)

app = Api("media")
lambda_handler = app.lambda_handler

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
    ticket = logic.create_upload(
        principal,
        body.course_id,
        body.filename,
        body.content_type,
        body.size_bytes,
        correlation_id=correlation_id(),
    )
    return UploadTicket(
        media_id=ticket.media_id,
        upload=PresignedPost(url=ticket.url, fields=ticket.fields, expires_at=ticket.expires_at),
        max_size_bytes=ticket.max_size_bytes,
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
    return _media_out(logic.media_status(media_id, principal))


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
    played = logic.lesson_playback(id, lesson_id, principal, _api_base(request))
    if isinstance(played, logic.EmbedPlayback):
        embed = EmbedPlayback(type=played.type, embed_url=played.embed_url)  # type: ignore[arg-type]
        return Playback(embed)
    return Playback(
        HlsPlayback(
            url=played.url,
            expires_at=played.expires_at,
            expires_in=played.expires_in,
            thumbnail_url=played.thumbnail_url,
            token=played.token,
            refresh_url=played.refresh_url,
        )
    )


@app.route(
    "POST",
    "/v1/media/{media_id}/playback/refresh",
    access=signed_in(
        who="the viewer the token was issued to, while they may still open its lesson"
    ),
    summary="A new playback token for a playing video (the lesson's access checked again)",
    body=RefreshRequest,
    response=PlaybackToken,
    errors=(401, 403, 404, 409, 422),
)
def refresh_playback(media_id: str, body: RefreshRequest, principal: Principal) -> PlaybackToken:
    refreshed = logic.refresh_playback(media_id, body.token, principal)
    return PlaybackToken(
        token=refreshed.token, expires_at=refreshed.expires_at, expires_in=refreshed.expires_in
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
    return _playlist(logic.master_playlist(media_id, query.token))


@app.route(
    "GET",
    "/v1/media/{media_id}/hls/{rendition}/index.m3u8",
    access=TOKEN_HOLDERS,
    summary="A variant playlist naming the segment path (application/vnd.apple.mpegurl)",
    query=PlaylistQuery,
    errors=(401, 403, 404),
)
def variant_playlist(media_id: str, rendition: str, query: PlaylistQuery) -> Response:
    return _playlist(logic.variant_playlist(media_id, rendition, query.token))


@app.route(
    "GET",
    "/v1/media/{media_id}/hls/{rendition}/segments/{segment}",
    access=TOKEN_HOLDERS,
    summary="A segment of a variant playlist: a redirect to its storage URL, signed for ≤ 1 min",
    status=302,
    query=PlaylistQuery,
    errors=(401, 403, 404),
)
def segment(media_id: str, rendition: str, segment: str, query: PlaylistQuery) -> Reply:
    location = logic.segment_url(media_id, rendition, segment, query.token)
    # Per viewer and short-lived, like the playlists: never cached by a shared cache.
    return Reply(302, None, {"Location": location, "Cache-Control": "private, no-store"})


# -- helpers -----------------------------------------------------------------------------------


def _media_out(status: logic.MediaStatus) -> MediaOut:
    media = status.media
    return MediaOut(
        id=media.media_id,
        course_id=media.course_id,
        kind=media.kind,  # type: ignore[arg-type]
        status=media.status,  # type: ignore[arg-type]
        progress_percent=media.progress_percent,
        filename=media.filename,
        content_type=media.content_type,
        size_bytes=media.size_bytes,
        duration_seconds=media.duration_seconds,
        renditions=[
            RenditionOut(name=r.name, width=r.width, height=r.height, bandwidth=r.bandwidth)
            for r in media.renditions
        ],
        thumbnail_url=status.thumbnail_url,
        error=status.error,
        created_at=media.created_at,
        updated_at=media.updated_at,
    )


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

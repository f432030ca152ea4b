"""Media records: one per upload, from presigned POST to published HLS (or failure).

The transcode workflow (statemachines/transcode.asl.json) and its worker (workers/transcode)
update these items directly (status, progress_percent, renditions, …): every attribute name comes
from ``coursewave.media_record``, which all three share.
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from coursewave import media_record as record
from coursewave.db import Item, key
from functions.media.domain import MediaFile, Rendition

AWAITING_UPLOAD = record.AWAITING_UPLOAD
PROCESSING = record.PROCESSING
READY = record.READY
FAILED = record.FAILED


class RenditionItem(MapAttribute):
    name = UnicodeAttribute(attr_name=record.RENDITION_NAME)
    width = NumberAttribute(attr_name=record.RENDITION_WIDTH)
    height = NumberAttribute(attr_name=record.RENDITION_HEIGHT)
    bandwidth = NumberAttribute(attr_name=record.RENDITION_BANDWIDTH)
    average_bandwidth = NumberAttribute(attr_name=record.RENDITION_AVERAGE_BANDWIDTH, null=True)
    codecs = UnicodeAttribute(attr_name=record.RENDITION_CODECS, null=True)
    frame_rate = NumberAttribute(attr_name=record.RENDITION_FRAME_RATE, null=True)


class Media(Item, discriminator=record.ENTITY):
    """``PK=MEDIA#<id>, SK=MEDIA``; listed per course on GSI1 (``COURSE#<id>#MEDIA``)."""

    media_id = UnicodeAttribute(attr_name=record.MEDIA_ID)
    course_id = UnicodeAttribute(attr_name=record.COURSE_ID)
    owner_id = UnicodeAttribute(attr_name=record.OWNER_ID)
    kind = UnicodeAttribute(attr_name=record.KIND)  # video | image | document
    status = UnicodeAttribute(attr_name=record.STATUS, default=AWAITING_UPLOAD)
    filename = UnicodeAttribute(attr_name=record.FILENAME)
    content_type = UnicodeAttribute(attr_name=record.CONTENT_TYPE)
    size_bytes = NumberAttribute(attr_name=record.SIZE_BYTES)
    upload_key = UnicodeAttribute(attr_name=record.UPLOAD_KEY)
    progress_percent = NumberAttribute(attr_name=record.PROGRESS_PERCENT, default=0)
    duration_seconds = NumberAttribute(attr_name=record.DURATION_SECONDS, null=True)
    renditions = ListAttribute(attr_name=record.RENDITIONS, of=RenditionItem, default=list)
    output_prefix = UnicodeAttribute(attr_name=record.OUTPUT_PREFIX, null=True)
    published_key = UnicodeAttribute(attr_name=record.PUBLISHED_KEY, null=True)
    thumbnail_key = UnicodeAttribute(attr_name=record.THUMBNAIL_KEY, null=True)
    audio_rendition = UnicodeAttribute(attr_name=record.AUDIO_RENDITION, null=True)
    error = UnicodeAttribute(attr_name=record.ERROR, null=True)
    error_code = UnicodeAttribute(attr_name=record.ERROR_CODE, null=True)
    attempt = UnicodeAttribute(attr_name=record.ATTEMPT, null=True)
    correlation_id = UnicodeAttribute(attr_name=record.CORRELATION_ID, null=True)
    created_at = UnicodeAttribute(attr_name=record.CREATED_AT)
    updated_at = UnicodeAttribute(attr_name=record.UPDATED_AT, null=True)

    @staticmethod
    def pk(media_id: str) -> str:
        return record.pk(media_id)

    def keys(self) -> dict[str, str | None]:
        return {
            "PK": self.pk(self.media_id),
            "SK": record.SK,
            "GSI1PK": key("COURSE", self.course_id, "MEDIA"),
            "GSI1SK": self.created_at,
        }

    @classmethod
    def find(cls, media_id: str) -> Media | None:
        try:
            return cls.get(cls.pk(media_id), record.SK, consistent_read=True)
        except cls.DoesNotExist:
            return None

    def create(self) -> None:
        """Write a new record; media ids are fresh, so an existing item is a bug, not a retry."""
        self.save(condition=Media.PK.does_not_exist())


def create_media(
    *,
    media_id: str,
    course_id: str,
    owner_id: str,
    kind: str,
    filename: str,
    content_type: str,
    size_bytes: int,
    upload_key: str,
    correlation_id: str,
    created_at: str,
) -> None:
    """A new media item, awaiting its upload."""
    Media(
        media_id=media_id,
        course_id=course_id,
        owner_id=owner_id,
        kind=kind,
        filename=filename,
        content_type=content_type,
        size_bytes=size_bytes,
        upload_key=upload_key,
        correlation_id=correlation_id,
        created_at=created_at,
    ).create()


def find_media(media_id: str) -> MediaFile | None:
    """The media item (strongly consistent read), or None."""
    item = Media.find(media_id)
    return None if item is None else _media_file(item)


def _media_file(item: Media) -> MediaFile:
    return MediaFile(
        media_id=item.media_id,
        course_id=item.course_id,
        owner_id=item.owner_id,
        kind=item.kind,
        status=item.status,
        filename=item.filename,
        content_type=item.content_type,
        size_bytes=int(item.size_bytes),
        progress_percent=int(item.progress_percent or 0),
        duration_seconds=item.duration_seconds,
        renditions=tuple(
            Rendition(
                name=r.name, width=int(r.width), height=int(r.height), bandwidth=int(r.bandwidth)
            )
            for r in item.renditions
        ),
        output_prefix=item.output_prefix,
        published_key=item.published_key,
        thumbnail_key=item.thumbnail_key,
        audio_rendition=item.audio_rendition or None,
        error=item.error,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )

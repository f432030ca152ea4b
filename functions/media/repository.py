"""Media records: one per upload, from presigned POST to published HLS (or failure).

The transcode workflow (statemachines/transcode.asl.json) and its worker update these items
directly (status, progress_percent, renditions, …): keep attribute names in step with them.
"""

from __future__ import annotations

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
)

from coursewave.db import Item, key

AWAITING_UPLOAD = "awaiting_upload"
PROCESSING = "processing"
READY = "ready"
FAILED = "failed"


class Rendition(MapAttribute):
    name = UnicodeAttribute()
    width = NumberAttribute()
    height = NumberAttribute()
    bandwidth = NumberAttribute()
    average_bandwidth = NumberAttribute(null=True)
    codecs = UnicodeAttribute(null=True)
    frame_rate = NumberAttribute(null=True)


class Media(Item, discriminator="Media"):
    """``PK=MEDIA#<id>, SK=MEDIA``; listed per course on GSI1 (``COURSE#<id>#MEDIA``)."""

    media_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # video | image | document
    status = UnicodeAttribute(default=AWAITING_UPLOAD)
    filename = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size_bytes = NumberAttribute()
    upload_key = UnicodeAttribute()
    progress_percent = NumberAttribute(default=0)
    duration_seconds = NumberAttribute(null=True)
    renditions = ListAttribute(of=Rendition, default=list)
    output_prefix = UnicodeAttribute(null=True)  # media bucket prefix of the published files
    published_key = UnicodeAttribute(null=True)  # master.m3u8 of a video; the file otherwise
    thumbnail_key = UnicodeAttribute(null=True)
    error = UnicodeAttribute(null=True)  # for the instructor, when failed
    error_code = UnicodeAttribute(null=True)  # e.g. Transcode.NotAVideo, States.Timeout
    attempt = UnicodeAttribute(null=True)  # the workflow execution processing the upload
    correlation_id = UnicodeAttribute(null=True)  # of the upload request, carried by its events
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute(null=True)

    @staticmethod
    def pk(media_id: str) -> str:
        return key("MEDIA", media_id)

    def keys(self) -> dict[str, str | None]:
        return {
            "PK": self.pk(self.media_id),
            "SK": "MEDIA",
            "GSI1PK": key("COURSE", self.course_id, "MEDIA"),
            "GSI1SK": self.created_at,
        }

    @classmethod
    def find(cls, media_id: str) -> Media | None:
        try:
            return cls.get(cls.pk(media_id), "MEDIA", consistent_read=True)
        except cls.DoesNotExist:
            return None

    def create(self) -> None:
        """Write a new record; media ids are fresh, so an existing item is a bug, not a retry."""
        self.save(condition=Media.PK.does_not_exist())

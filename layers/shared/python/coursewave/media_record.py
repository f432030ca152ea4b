"""The Media item as stored: its key, statuses and every attribute name, in one place.

Three writers share one item: the media API (``functions/media/repository.py``), the transcode
workflow (``statemachines/transcode.asl.json``, checked against this module by
``tests/unit/media/test_media_record.py``) and the transcode worker (``workers/transcode``).
Standard library only, no other ``coursewave`` import: the worker's container image copies this
file alone.
"""

from __future__ import annotations

ENTITY = "Media"  # the item's discriminator (``entity``)
PK_PREFIX = "MEDIA"
SK = "MEDIA"
#: The table's own key attributes (``coursewave.db.Item``).
KEY_ATTRIBUTES = frozenset({"PK", "SK", "GSI1PK", "GSI1SK", "entity"})

# -- statuses --------------------------------------------------------------------------------

AWAITING_UPLOAD = "awaiting_upload"
PROCESSING = "processing"
READY = "ready"
FAILED = "failed"

# -- attributes ------------------------------------------------------------------------------

MEDIA_ID = "media_id"
COURSE_ID = "course_id"
OWNER_ID = "owner_id"
KIND = "kind"  # video | image | document
STATUS = "status"
FILENAME = "filename"
CONTENT_TYPE = "content_type"
SIZE_BYTES = "size_bytes"
UPLOAD_KEY = "upload_key"
PROGRESS_PERCENT = "progress_percent"
DURATION_SECONDS = "duration_seconds"
RENDITIONS = "renditions"
OUTPUT_PREFIX = "output_prefix"  # media bucket prefix of the published files
PUBLISHED_KEY = "published_key"  # master.m3u8 of a video; the file otherwise
THUMBNAIL_KEY = "thumbnail_key"
#: The sound's own HLS rendition of a chunked ladder (``audio``); empty when every variant
#: carries its sound.
AUDIO_RENDITION = "audio_rendition"
ERROR = "error"  # for the instructor, when failed
ERROR_CODE = "error_code"  # e.g. Transcode.NotAVideo, States.Timeout
ATTEMPT = "attempt"  # the workflow execution processing the upload
CORRELATION_ID = "correlation_id"  # of the upload request, carried by its events
CREATED_AT = "created_at"
UPDATED_AT = "updated_at"

ATTRIBUTES = frozenset(
    {
        MEDIA_ID,
        COURSE_ID,
        OWNER_ID,
        KIND,
        STATUS,
        FILENAME,
        CONTENT_TYPE,
        SIZE_BYTES,
        UPLOAD_KEY,
        PROGRESS_PERCENT,
        DURATION_SECONDS,
        RENDITIONS,
        OUTPUT_PREFIX,
        PUBLISHED_KEY,
        THUMBNAIL_KEY,
        AUDIO_RENDITION,
        ERROR,
        ERROR_CODE,
        ATTEMPT,
        CORRELATION_ID,
        CREATED_AT,
        UPDATED_AT,
    }
)

# -- one entry of ``renditions`` (a map) --------------------------------------------------------

RENDITION_NAME = "name"
RENDITION_WIDTH = "width"
RENDITION_HEIGHT = "height"
RENDITION_BANDWIDTH = "bandwidth"
RENDITION_AVERAGE_BANDWIDTH = "average_bandwidth"
RENDITION_CODECS = "codecs"
RENDITION_FRAME_RATE = "frame_rate"

RENDITION_ATTRIBUTES = frozenset(
    {
        RENDITION_NAME,
        RENDITION_WIDTH,
        RENDITION_HEIGHT,
        RENDITION_BANDWIDTH,
        RENDITION_AVERAGE_BANDWIDTH,
        RENDITION_CODECS,
        RENDITION_FRAME_RATE,
    }
)


def pk(media_id: str) -> str:
    """``PK`` of the media item ``media_id`` (its ``SK`` is ``SK``)."""
    return f"{PK_PREFIX}#{media_id}"

"""Media rules and types: what may be uploaded, where it goes, and when it can be played.

Pure: no I/O. The use cases (``logic.py``) load records and call these functions.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from coursewave.errors import Conflict, PayloadTooLarge, UnsupportedMediaType
from coursewave.media_record import AWAITING_UPLOAD, FAILED, PROCESSING, READY
from coursewave.users import Principal

__all__ = ["AWAITING_UPLOAD", "FAILED", "PROCESSING", "READY"]

VIDEO, IMAGE, DOCUMENT = "video", "image", "document"

GIB, MIB = 1024**3, 1024**2
MAX_SIZE_BYTES = {VIDEO: 5 * GIB, IMAGE: 10 * MIB, DOCUMENT: 50 * MIB}

#: Presigned POSTs live at most this long (API.md: ≤ 15 minutes).
UPLOAD_TTL_SECONDS = 15 * 60


@dataclass(frozen=True)
class FileType:
    content_type: str
    kind: str
    extension: str  # of the stored object: source.<extension>
    accepted_extensions: frozenset[str]


FILE_TYPES: dict[str, FileType] = {
    t.content_type: t
    for t in (
        FileType("video/mp4", VIDEO, "mp4", frozenset({"mp4", "m4v"})),
        FileType("video/quicktime", VIDEO, "mov", frozenset({"mov", "qt"})),
        FileType("video/x-matroska", VIDEO, "mkv", frozenset({"mkv"})),
        FileType("video/webm", VIDEO, "webm", frozenset({"webm"})),
        FileType("image/jpeg", IMAGE, "jpg", frozenset({"jpg", "jpeg"})),
        FileType("image/png", IMAGE, "png", frozenset({"png"})),
        FileType("application/pdf", DOCUMENT, "pdf", frozenset({"pdf"})),
    )
}
# Spellings browsers send for the same formats.
CONTENT_TYPE_ALIASES = {"video/matroska": "video/x-matroska", "image/jpg": "image/jpeg"}


@dataclass(frozen=True)
class UploadPlan:
    file_type: FileType
    key: str
    max_size_bytes: int

    @property
    def kind(self) -> str:
        return self.file_type.kind

    @property
    def content_type(self) -> str:
        return self.file_type.content_type


def file_type_for(filename: str, content_type: str) -> FileType:
    """The accepted type of an upload, or 415: unknown type, or a name that says otherwise."""
    declared = content_type.split(";")[0].strip().lower()
    declared = CONTENT_TYPE_ALIASES.get(declared, declared)
    file_type = FILE_TYPES.get(declared)
    if file_type is None:
        raise UnsupportedMediaType(
            f"{content_type!r} is not accepted. Upload MP4, MOV, MKV or WebM video, "
            "JPEG or PNG images, or PDF documents.",
            details={"accepted": sorted(FILE_TYPES)},
        )
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower().lstrip(".")
    if extension not in file_type.accepted_extensions:
        raise UnsupportedMediaType(
            f"The file name {filename!r} does not match the content type {file_type.content_type}.",
            details={"expected_extensions": sorted(file_type.accepted_extensions)},
        )
    return file_type


def plan_upload(
    course_id: str, media_id: str, filename: str, content_type: str, size_bytes: int
) -> UploadPlan:
    """Check an upload request; the key binds the object to the course and the media id."""
    file_type = file_type_for(filename, content_type)
    limit = MAX_SIZE_BYTES[file_type.kind]
    if size_bytes > limit:
        raise PayloadTooLarge(
            f"{file_type.kind.capitalize()} uploads are limited to {_size(limit)}.",
            details={"max_size_bytes": limit},
        )
    return UploadPlan(file_type, upload_key(course_id, media_id, file_type.extension), limit)


def upload_key(course_id: str, media_id: str, extension: str) -> str:
    """``uploads/<course_id>/<media_id>/source.<ext>``: the workflow reads the media id here."""
    return f"uploads/{course_id}/{media_id}/source.{extension}"


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int
    height: int
    bandwidth: int


@dataclass(frozen=True)
class MediaFile:
    """One upload, from presigned POST to published HLS (or failure)."""

    media_id: str
    course_id: str
    owner_id: str
    kind: str
    status: str
    filename: str
    content_type: str
    size_bytes: int
    progress_percent: int
    duration_seconds: float | None
    renditions: tuple[Rendition, ...]
    output_prefix: str | None
    published_key: str | None
    thumbnail_key: str | None
    error: str | None
    created_at: str
    updated_at: str | None
    audio_rendition: str | None = None  # a chunked ladder's sound, its own HLS rendition

    @property
    def ready(self) -> bool:
        return self.status == READY

    @property
    def thumbnail(self) -> str | None:
        """The picture that stands for the file: a video's thumbnail, an image itself."""
        return self.thumbnail_key or (self.published_key if self.kind == IMAGE else None)

    def has_rendition(self, name: str) -> bool:
        """A variant, or the audio rendition every variant refers to (``#EXT-X-MEDIA``)."""
        return name in {r.name for r in self.renditions} or (
            self.audio_rendition is not None and name == self.audio_rendition
        )


def manages_directly(media: MediaFile, principal: Principal) -> bool:
    """Admins and the uploader manage a media item (so does the course's owner: ``logic``)."""
    return principal.is_admin or media.owner_id == principal.user_id


def require_playable(status: str, kind: str) -> None:
    """409 unless the media is a ready video."""
    if kind != VIDEO:
        raise Conflict("This lesson's media is not a video.", details={"kind": kind})
    if status != "ready":
        raise Conflict("This video is not ready to play yet.", details={"status": status})


def _size(limit: int) -> str:
    return f"{limit // GIB} GiB" if limit >= GIB else f"{limit // MIB} MiB"

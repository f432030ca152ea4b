"""What other domains may ask about media (the courses domain, for video lessons)."""

from __future__ import annotations

from dataclasses import dataclass

from functions.media.repository import Media


@dataclass(frozen=True)
class LessonMedia:
    media_id: str
    course_id: str
    kind: str
    status: str
    duration_seconds: float | None

    @property
    def ready(self) -> bool:
        return self.status == "ready"


def media_for_course(media_id: str, course_id: str) -> LessonMedia | None:
    """The media item if it exists and belongs to ``course_id``; None otherwise."""
    media = Media.find(media_id)
    if media is None or media.course_id != course_id:
        return None
    return LessonMedia(
        media_id=media.media_id,
        course_id=media.course_id,
        kind=media.kind,
        status=media.status,
        duration_seconds=media.duration_seconds,
    )

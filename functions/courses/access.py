"""Who may open a lesson: the one rule shared by the lesson route and the playback route.

``viewable_lesson`` answers with the lesson (content and video reference included) or raises:
``NotFound`` (no such course or lesson, or a course the caller may not see), ``Forbidden`` (not
enrolled, not a preview lesson, not the owner or an admin) or ``Forbidden`` with code
``LESSON_LOCKED`` and ``details.locked_until`` while drip keeps the lesson closed.
It costs one BatchGetItem (course, lesson, the caller's enrollment), two when addressed by slug.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coursewave.clock import now
from coursewave.users import Principal
from functions.courses import domain, repository
from functions.courses.repository import Key, LessonItem
from functions.enrollment.repository import EnrollmentItem, in_bundle


@dataclass(frozen=True)
class ViewableLesson:
    course_id: str
    lesson_id: str
    section_id: str
    title: str
    type: str
    position: int
    preview: bool
    duration_seconds: int
    unlock_after_days: int | None
    content: str | None
    # {"source": "upload", "media_id"} or {"source": "youtube"|"dailymotion", "url", "embed_url"}
    video: dict[str, Any] | None


def viewable_lesson(
    course_id_or_slug: str, lesson_id: str, principal: Principal | None
) -> ViewableLesson:
    def alongside(course_id: str) -> list[Key]:
        keys = [LessonItem.key_of(course_id, lesson_id)]
        if principal is not None:
            keys.append(EnrollmentItem.key_of(principal.user_id, course_id))
        return keys

    bundle = repository.load_bundle(course_id_or_slug, alongside)
    enrollment = in_bundle(bundle, principal.user_id if principal else None)
    course = domain.visible(bundle.course, principal, enrolled=enrollment is not None)
    placed = domain.existing_lesson(course, lesson_id)
    enrolled_at = enrollment.enrolled_at_time if enrollment is not None else None
    domain.check_lesson_access(course, placed.lesson, principal, enrolled_at, now())
    body = repository.lesson_body(bundle, lesson_id)
    return ViewableLesson(
        course_id=course.id,
        lesson_id=placed.lesson.id,
        section_id=placed.section.id,
        title=placed.lesson.title,
        type=placed.lesson.type,
        position=placed.position,
        preview=placed.lesson.preview,
        duration_seconds=placed.lesson.duration_seconds,
        unlock_after_days=placed.lesson.unlock_after_days,
        content=body.content,
        video=body.video.as_dict() if body.video is not None else None,
    )

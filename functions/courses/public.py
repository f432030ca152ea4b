"""What other domains may use of the courses domain: plain functions and plain types.

Upper domains (enrollment, media, …) import this module only, never courses' repository, models
or logic. Reads that an upper domain completes with its own items (the caller's enrollment) go
through ``read_course``: the course and those items come back from one BatchGetItem, the extra
items raw, for the caller's own repository to decode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coursewave.db import Key
from coursewave.users import Principal
from functions.courses import domain
from functions.courses.domain import (
    ARCHIVED,
    DRAFT,
    PUBLISHED,
    Course,
    LessonBody,
    LessonMedia,
    Money,
    OutlineLesson,
    PlacedLesson,
    Section,
    Summary,
    VideoRef,
    check_lesson_access,
    existing_lesson,
    is_manager,
    locked_until,
    managed,
    progress_percent,
    visible,
)
from functions.courses.money import CURRENCY_EXPONENTS

if TYPE_CHECKING:
    from pynamodb.transactions import TransactWrite

__all__ = [
    "ARCHIVED",
    "DRAFT",
    "PUBLISHED",
    "Course",
    "CourseRead",
    "LessonBody",
    "LessonMedia",
    "Money",
    "OutlineLesson",
    "PlacedLesson",
    "Section",
    "Summary",
    "VideoRef",
    "check_lesson_access",
    "count_enrollment",
    "count_rating",
    "course",
    "courses_by_id",
    "currency_exponent",
    "existing_lesson",
    "is_course_id",
    "is_manager",
    "lesson_media",
    "locked_until",
    "managed",
    "managed_course_id",
    "manages_course",
    "progress_percent",
    "read_course",
    "track_media",
    "visible",
]


@dataclass(frozen=True)
class CourseRead:
    """A course (None when there is no such course) with the lesson bodies asked for and the
    caller's extra items, raw (``{attribute: {type: value}}``), by key."""

    course_id: str | None
    course: Course | None
    bodies: dict[str, LessonBody] = field(default_factory=dict)
    extra: dict[Key, dict[str, Any]] = field(default_factory=dict)


def is_course_id(ref: str) -> bool:
    """Whether ``ref`` is a course id (not a slug)."""
    from functions.courses import repository

    return repository.is_course_id(ref)


def read_course(
    ref: str,
    extra_keys: Callable[[str], list[Key]] = lambda _course_id: [],
    *,
    lessons: Iterable[str] = (),
    first: Iterable[Key] = (),
) -> CourseRead:
    """The course ``ref`` (id or slug), the bodies of ``lessons`` and the items
    ``extra_keys(course_id)`` names, plus ``first`` (items that do not depend on the course,
    read with the first round): one BatchGetItem, two for a slug new to this instance."""
    from functions.courses import repository

    lesson_ids = list(lessons)

    def alongside(course_id: str) -> list[Key]:
        own = [repository.lesson_key(course_id, lesson_id) for lesson_id in lesson_ids]
        return [*own, *extra_keys(course_id)]

    first = list(first)
    bundle = repository.load_bundle(ref, alongside, first=first)
    bodies: dict[str, LessonBody] = {}
    extra_wanted: set[Key] = set(first)
    if bundle.course_id is not None:
        bodies = {lesson_id: repository.lesson_body(bundle, lesson_id) for lesson_id in lesson_ids}
        extra_wanted |= set(extra_keys(bundle.course_id))
    extra = {k: raw for k, raw in bundle.items.items() if k in extra_wanted}
    return CourseRead(course_id=bundle.course_id, course=bundle.course, bodies=bodies, extra=extra)


def currency_exponent(currency: str) -> int:
    """The ISO 4217 minor-unit exponent of ``currency`` (RWF 0, USD 2, KWD 3; unknown: 2)."""
    return CURRENCY_EXPONENTS.get(currency.upper(), 2)


def course(course_id: str) -> Course | None:
    """The course by id (one GetItem); None if there is none."""
    from functions.courses import repository

    return repository.get_course(course_id)


def courses_by_id(course_ids: Iterable[str]) -> dict[str, Course]:
    """Several courses in one BatchGetItem (≤ 100), by id; missing ones are left out."""
    from functions.courses import repository

    return repository.courses_by_id(course_ids)[0]


def courses_with(
    course_ids: Iterable[str], alongside: Iterable[Key]
) -> tuple[dict[str, Course], dict[Key, dict[str, Any]]]:
    """``courses_by_id`` plus the raw items of the caller's own keys ``alongside``, read in the
    same BatchGetItem (the caller decodes them)."""
    from functions.courses import repository

    return repository.courses_by_id(course_ids, alongside)


def count_enrollment(
    tx: TransactWrite, course_id: str, delta: int, *, require_published: bool = True
) -> None:
    """Add the course's side of an enrollment to ``tx``: ``delta`` on its enrollment count (a
    new enrollment requires the course to be published unless ``require_published`` is False —
    a paid one stands even if the course was unpublished while the learner paid — the
    transaction fails on that condition otherwise) and a catalog refresh."""
    from functions.courses import repository

    repository.count_enrollment(tx, course_id, delta, require_published=require_published)


def count_rating(tx: TransactWrite, course_id: str, sum_delta: int, count_delta: int) -> None:
    """Add a change of the course's rating to ``tx``: ``sum_delta`` on the sum of its visible
    reviews' ratings and ``count_delta`` on their number (atomic ADDs on the course item, which
    must exist, else the transaction fails), and the catalog refresh that re-sorts it. A new
    review is ``(rating, 1)``, an edit ``(new - old, 0)``, a removal ``(-rating, -1)``."""
    from functions.courses import repository

    repository.count_rating(tx, course_id, sum_delta, count_delta)


# -- for the media domain ----------------------------------------------------------------------


def managed_course_id(course_id: str, principal: Principal) -> str:
    """The course's id if ``principal`` may change it: 404 if they cannot see it, else 403."""
    from functions.courses import repository

    return domain.managed(repository.get_course(course_id), principal).id


def manages_course(course_id: str, principal: Principal) -> bool:
    """Whether ``principal`` owns the course or is an admin (False when there is no course)."""
    from functions.courses import repository

    found = repository.get_course(course_id)
    return found is not None and domain.is_manager(found, principal)


def track_media(course_id: str, media_id: str, kind: str) -> None:
    """An upload was created for the course: record it as processing (idempotent; a state an
    event already told is kept)."""
    from functions.courses import repository

    repository.track_media(course_id, media_id, kind)


def lesson_media(course_id: str, media_id: str) -> LessonMedia | None:
    """What the course knows of its media ``media_id``; None if it is not the course's."""
    from functions.courses import repository

    if not repository.is_course_id(course_id):
        return None
    return repository.get_media(course_id, media_id)

"""The course response shapes more than one domain returns (the courses domain's authoring
routes, the enrollment domain's course page, lesson and dashboard), with their builders.

The shared layer imports no domain: builders take anything shaped like the courses domain's
plain types (the Protocols below).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from coursewave.models import Out


class MoneyLike(Protocol):
    @property
    def amount(self) -> int: ...
    @property
    def currency(self) -> str: ...


class SummaryLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def slug(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def subtitle(self) -> str | None: ...
    @property
    def category(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def price(self) -> MoneyLike: ...
    @property
    def instructor_id(self) -> str: ...
    @property
    def instructor_name(self) -> str: ...
    @property
    def thumbnail_url(self) -> str | None: ...
    @property
    def rating_average(self) -> float: ...
    @property
    def rating_count(self) -> int: ...
    @property
    def enrollment_count(self) -> int: ...
    @property
    def lesson_count(self) -> int: ...
    @property
    def duration_seconds(self) -> int: ...
    @property
    def published_at(self) -> str | None: ...


class OutlineLessonLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def duration_seconds(self) -> int: ...
    @property
    def preview(self) -> bool: ...
    @property
    def unlock_after_days(self) -> int | None: ...


class SectionLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def lessons(self) -> Sequence[OutlineLessonLike]: ...


class CourseLike(Protocol):
    @property
    def description(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def sections(self) -> Sequence[SectionLike]: ...
    @property
    def created_at(self) -> str: ...
    @property
    def updated_at(self) -> str: ...
    @property
    def prices(self) -> Sequence[MoneyLike]: ...
    def summary(self) -> SummaryLike: ...


# When a lesson opens for the caller (None: open), per outline lesson.
Lock = Callable[[Any], datetime | None]


def _open(_lesson: Any) -> datetime | None:
    return None


class PriceOut(Out):
    amount: int
    currency: str

    @classmethod
    def of(cls, price: MoneyLike) -> PriceOut:
        return cls(amount=price.amount, currency=price.currency)


class InstructorOut(Out):
    id: str
    name: str


class RatingOut(Out):
    average: float
    count: int


class CourseSummaryOut(Out):
    id: str
    slug: str
    title: str
    subtitle: str | None
    category: str
    level: str
    tags: list[str]
    price: PriceOut
    instructor: InstructorOut
    thumbnail_url: str | None
    rating: RatingOut
    enrollment_count: int
    lesson_count: int
    duration_seconds: int
    published_at: str | None

    @classmethod
    def of(cls, summary: SummaryLike) -> CourseSummaryOut:
        return cls(**summary_fields(summary))


def summary_fields(summary: SummaryLike) -> dict[str, Any]:
    return {
        "id": summary.id,
        "slug": summary.slug,
        "title": summary.title,
        "subtitle": summary.subtitle,
        "category": summary.category,
        "level": summary.level,
        "tags": summary.tags,
        "price": PriceOut.of(summary.price),
        "instructor": InstructorOut(id=summary.instructor_id, name=summary.instructor_name),
        "thumbnail_url": summary.thumbnail_url,
        "rating": RatingOut(average=summary.rating_average, count=summary.rating_count),
        "enrollment_count": summary.enrollment_count,
        "lesson_count": summary.lesson_count,
        "duration_seconds": summary.duration_seconds,
        "published_at": summary.published_at,
    }


class OutlineLessonOut(Out):
    id: str
    title: str
    type: str
    position: int
    duration_seconds: int
    preview: bool
    unlock_after_days: int | None
    locked_until: str | None


class SectionOut(Out):
    id: str
    title: str
    position: int
    lessons: list[OutlineLessonOut]


class CourseOut(CourseSummaryOut):
    # Extra prices in other currencies (one per currency) beside ``price``: checkout takes the
    # one in the currency asked for; no conversion happens anywhere.
    prices: list[PriceOut] = []
    description: str
    status: str
    sections: list[SectionOut]
    created_at: str
    updated_at: str


def outline_lesson(
    lesson: OutlineLessonLike, position: int, locked_until: datetime | None
) -> OutlineLessonOut:
    return OutlineLessonOut(
        id=lesson.id,
        title=lesson.title,
        type=lesson.type,
        position=position,
        duration_seconds=lesson.duration_seconds,
        preview=lesson.preview,
        unlock_after_days=lesson.unlock_after_days,
        locked_until=locked_until.strftime("%Y-%m-%dT%H:%M:%SZ") if locked_until else None,
    )


def section_out(section: SectionLike, position: int, lock: Lock = _open) -> SectionOut:
    return SectionOut(
        id=section.id,
        title=section.title,
        position=position,
        lessons=[
            outline_lesson(lesson, index, lock(lesson))
            for index, lesson in enumerate(section.lessons, 1)
        ],
    )


def course_out(course: CourseLike, lock: Lock = _open) -> CourseOut:
    """The course page; ``lock(lesson)`` gives a lesson's ``locked_until`` for this caller."""
    return CourseOut(
        **summary_fields(course.summary()),
        prices=[PriceOut.of(price) for price in course.prices],
        description=course.description,
        status=course.status,
        sections=[
            section_out(section, position, lock)
            for position, section in enumerate(course.sections, 1)
        ],
        created_at=course.created_at,
        updated_at=course.updated_at,
    )


class VideoOut(Out):
    source: str
    media_id: str | None = None
    url: str | None = None
    embed_url: str | None = None


class LessonOut(Out):
    id: str
    course_id: str
    section_id: str
    title: str
    type: str
    position: int
    duration_seconds: int
    preview: bool
    unlock_after_days: int | None
    content: str | None
    video: VideoOut | None

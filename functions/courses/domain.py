"""The course as the domain sees it, and the rules that need no storage.

A course holds its outline (sections → lessons, without content) so that one read answers the
course page, the learner's progress and every access decision. Positions are 1-based and always
contiguous: inserting or moving renumbers the neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from coursewave.errors import Conflict, Forbidden, NotFound, ValidationFailed
from coursewave.users import Principal

DRAFT = "draft"
PUBLISHED = "published"
ARCHIVED = "archived"
DELETED = "deleted"  # a tombstone until the catalog projector purges the course's items

TEXT = "text"
UPLOAD = "upload"

MAX_SECTIONS = 50
MAX_LESSONS_PER_SECTION = 50
MAX_LESSONS = 500


@dataclass(frozen=True)
class Money:
    amount: int
    currency: str

    @property
    def is_free(self) -> bool:
        return self.amount == 0


@dataclass
class OutlineLesson:
    """A lesson as the outline shows it: everything but its content."""

    id: str
    title: str
    type: str
    duration_seconds: int = 0
    preview: bool = False
    unlock_after_days: int | None = None


@dataclass
class Section:
    id: str
    title: str
    lessons: list[OutlineLesson] = field(default_factory=list)


@dataclass(frozen=True)
class VideoRef:
    """``{"source": "upload", "media_id"}`` or ``{"source": "youtube"|"dailymotion", "url",
    "embed_url"}``."""

    source: str
    media_id: str | None = None
    url: str | None = None
    embed_url: str | None = None

    def as_dict(self) -> dict[str, str]:
        fields = {"media_id": self.media_id, "url": self.url, "embed_url": self.embed_url}
        return {"source": self.source, **{k: v for k, v in fields.items() if v is not None}}


@dataclass
class LessonBody:
    """What only viewers of a lesson see: the Markdown content and the video reference."""

    content: str | None = None
    video: VideoRef | None = None


MEDIA_PROCESSING = "processing"
MEDIA_READY = "ready"
MEDIA_FAILED = "failed"


@dataclass(frozen=True)
class LessonMedia:
    """What the course knows of an uploaded file (from the media domain's events)."""

    media_id: str
    course_id: str
    kind: str
    status: str
    duration_seconds: float | None

    @property
    def ready(self) -> bool:
        return self.status == MEDIA_READY


@dataclass(frozen=True)
class PlacedLesson:
    section: Section
    lesson: OutlineLesson
    position: int


@dataclass(frozen=True)
class Summary:
    """A course as lists show it (the catalog, the dashboard)."""

    id: str
    slug: str
    title: str
    subtitle: str | None
    category: str
    level: str
    tags: list[str]
    price: Money
    instructor_id: str
    instructor_name: str
    thumbnail_url: str | None
    rating_average: float
    rating_count: int
    enrollment_count: int
    lesson_count: int
    duration_seconds: int
    published_at: str | None


@dataclass
class Course:
    id: str
    slug: str
    title: str
    subtitle: str | None
    description: str
    category: str
    level: str
    tags: list[str]
    price: Money
    instructor_id: str
    instructor_name: str
    created_at: str
    updated_at: str
    status: str = DRAFT
    thumbnail_url: str | None = None
    rating_sum: int = 0  # of the visible reviews' ratings (the reviews domain keeps it)
    rating_count: int = 0
    enrollment_count: int = 0
    sections: list[Section] = field(default_factory=list)
    version: int = 0
    published_at: str | None = None
    archived_at: str | None = None
    # Extra prices, one per currency other than ``price``'s (checkout: the price in a currency).
    prices: list[Money] = field(default_factory=list)

    # -- derived -------------------------------------------------------------------------------

    @property
    def lessons(self) -> list[OutlineLesson]:
        return [lesson for section in self.sections for lesson in section.lessons]

    @property
    def lesson_ids(self) -> list[str]:
        return [lesson.id for lesson in self.lessons]

    @property
    def lesson_count(self) -> int:
        return len(self.lessons)

    @property
    def duration_seconds(self) -> int:
        return sum(lesson.duration_seconds for lesson in self.lessons)

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED

    @property
    def rating_average(self) -> float:
        """The mean of the visible reviews' ratings, to two decimals (0 without reviews)."""
        return round(self.rating_sum / self.rating_count, 2) if self.rating_count > 0 else 0.0

    def price_in(self, currency: str | None) -> Money | None:
        """The course's price in ``currency`` (None: its main price); None if it has none."""
        if currency is None or currency == self.price.currency:
            return self.price
        return next((price for price in self.prices if price.currency == currency), None)

    def summary(self) -> Summary:
        return Summary(
            id=self.id,
            slug=self.slug,
            title=self.title,
            subtitle=self.subtitle,
            category=self.category,
            level=self.level,
            tags=list(self.tags),
            price=self.price,
            instructor_id=self.instructor_id,
            instructor_name=self.instructor_name,
            thumbnail_url=self.thumbnail_url,
            rating_average=self.rating_average,
            rating_count=self.rating_count,
            enrollment_count=self.enrollment_count,
            lesson_count=self.lesson_count,
            duration_seconds=self.duration_seconds,
            published_at=self.published_at,
        )

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def section_position(self, section_id: str) -> int:
        return next(i for i, s in enumerate(self.sections, 1) if s.id == section_id)

    def placed(self, lesson_id: str) -> PlacedLesson | None:
        for section in self.sections:
            for position, lesson in enumerate(section.lessons, 1):
                if lesson.id == lesson_id:
                    return PlacedLesson(section, lesson, position)
        return None


# -- who may do what ---------------------------------------------------------------------------


def is_manager(course: Course, principal: Principal | None) -> bool:
    """The owner or an admin: may see every state of the course and change it."""
    return principal is not None and (
        principal.is_admin or principal.user_id == course.instructor_id
    )


def can_see(course: Course, principal: Principal | None, enrolled: bool) -> bool:
    """Published courses are public; drafts and archived courses are seen by their managers and
    (archived or unpublished later) by the learners already enrolled."""
    if course.status == DELETED:
        return False
    return course.is_published or enrolled or is_manager(course, principal)


def visible(course: Course | None, principal: Principal | None, enrolled: bool) -> Course:
    if course is None or not can_see(course, principal, enrolled):
        raise NotFound("No such course.")
    return course


def managed(course: Course | None, principal: Principal) -> Course:
    """The course if ``principal`` may change it: 404 when they cannot even see it (someone
    else's draft), 403 when they can see it but it is not theirs."""
    course = visible(course, principal, enrolled=False)
    if not is_manager(course, principal):
        raise Forbidden("Only the course's instructor or an admin may change it.")
    return course


def locked_until(
    lesson: OutlineLesson, enrolled_at: datetime | None, now: datetime
) -> datetime | None:
    """When a drip-fed lesson opens for a learner enrolled at ``enrolled_at``; None if open."""
    if lesson.preview or not lesson.unlock_after_days or enrolled_at is None:
        return None
    opens = enrolled_at + timedelta(days=lesson.unlock_after_days)
    return opens if opens > now else None


def check_lesson_access(
    course: Course,
    lesson: OutlineLesson,
    principal: Principal | None,
    enrolled_at: datetime | None,
    now: datetime,
) -> None:
    """Managers see every lesson; anyone sees a preview lesson of a published course; enrolled
    learners see the rest once drip has opened it."""
    if is_manager(course, principal):
        return
    if lesson.preview and course.is_published:
        return
    if enrolled_at is None:
        raise Forbidden("Enroll in the course to open this lesson.")
    opens = locked_until(lesson, enrolled_at, now)
    if opens is not None:
        raise Forbidden(
            "This lesson is not open yet.",
            code="LESSON_LOCKED",
            details={"locked_until": opens.strftime("%Y-%m-%dT%H:%M:%SZ")},
        )


def progress_percent(completed_lesson_ids: set[str], course: Course) -> int:
    """Completed lessons that still exist, over the lessons that exist now (0 to 100, floored)."""
    current = set(course.lesson_ids)
    if not current:
        return 0
    return len(completed_lesson_ids & current) * 100 // len(current)


def category_deltas(before: Course | None, after: Course | None) -> dict[str, int]:
    """How a change moves the per-category counts of published courses."""
    deltas: dict[str, int] = {}
    if before is not None and before.is_published:
        deltas[before.category] = deltas.get(before.category, 0) - 1
    if after is not None and after.is_published:
        deltas[after.category] = deltas.get(after.category, 0) + 1
    return {category: delta for category, delta in deltas.items() if delta}


# -- lifecycle ---------------------------------------------------------------------------------


def publish(course: Course, now_iso: str) -> bool:
    """Publish ``course``; False when it already was (nothing to do)."""
    if course.is_published:
        return False
    if course.status != DRAFT:
        raise Conflict("An archived course cannot be published again.")
    if course.lesson_count == 0:
        raise Conflict("A course needs at least one lesson to be published.")
    course.status = PUBLISHED
    course.published_at = course.published_at or now_iso
    return True


def unpublish(course: Course) -> bool:
    """Back to draft; False when it was a draft already."""
    if course.status == DRAFT:
        return False
    if course.status != PUBLISHED:
        raise Conflict("An archived course cannot be unpublished.")
    course.status = DRAFT
    return True


def archive(course: Course, now_iso: str) -> None:
    course.status = ARCHIVED
    course.archived_at = now_iso


# -- outline editing ---------------------------------------------------------------------------


def _insert_at(items: list[Any], item: Any, position: int | None, field_name: str) -> int:
    if position is None:
        items.append(item)
        return len(items)
    if not 1 <= position <= len(items) + 1:
        raise ValidationFailed.for_field(field_name, f"must be between 1 and {len(items) + 1}")
    items.insert(position - 1, item)
    return position


def add_section(course: Course, section: Section, position: int | None) -> int:
    if len(course.sections) >= MAX_SECTIONS:
        raise Conflict(f"A course holds at most {MAX_SECTIONS} sections.")
    return _insert_at(course.sections, section, position, "position")


def existing_section(course: Course, section_id: str) -> Section:
    section = course.section(section_id)
    if section is None:
        raise NotFound("No such section.")
    return section


def move_section(course: Course, section: Section, position: int) -> None:
    if not 1 <= position <= len(course.sections):
        last = len(course.sections)
        raise ValidationFailed.for_field("position", f"must be between 1 and {last}")
    course.sections.remove(section)
    course.sections.insert(position - 1, section)


def remove_section(course: Course, section: Section) -> list[str]:
    """Remove a section and its lessons; returns the removed lesson ids."""
    course.sections.remove(section)
    return [lesson.id for lesson in section.lessons]


def target_section(course: Course, section_id: str) -> Section:
    """A section named in a request body (unknown → 422 on ``section_id``)."""
    section = course.section(section_id)
    if section is None:
        raise ValidationFailed.for_field("section_id", "no such section in this course")
    return section


def add_lesson(
    course: Course, section: Section, lesson: OutlineLesson, position: int | None
) -> int:
    if course.lesson_count >= MAX_LESSONS:
        raise Conflict(f"A course holds at most {MAX_LESSONS} lessons.")
    if len(section.lessons) >= MAX_LESSONS_PER_SECTION:
        raise Conflict(f"A section holds at most {MAX_LESSONS_PER_SECTION} lessons.")
    return _insert_at(section.lessons, lesson, position, "position")


def existing_lesson(course: Course, lesson_id: str) -> PlacedLesson:
    placed = course.placed(lesson_id)
    if placed is None:
        raise NotFound("No such lesson.")
    return placed


def move_lesson(
    course: Course, placed: PlacedLesson, section: Section, position: int | None
) -> int:
    """Move a lesson to ``position`` in ``section`` (its own or another; default: the end)."""
    same_section = section is placed.section
    if not same_section and len(section.lessons) >= MAX_LESSONS_PER_SECTION:
        raise Conflict(f"A section holds at most {MAX_LESSONS_PER_SECTION} lessons.")
    last = len(section.lessons) if same_section else len(section.lessons) + 1
    position = last if position is None else position
    if not 1 <= position <= last:
        raise ValidationFailed.for_field("position", f"must be between 1 and {last}")
    placed.section.lessons.remove(placed.lesson)
    section.lessons.insert(position - 1, placed.lesson)
    return position


def remove_lesson(course: Course, placed: PlacedLesson) -> None:
    placed.section.lessons.remove(placed.lesson)


def check_prices(price: Money, prices: list[Money]) -> None:
    """Extra prices: one per currency, none in the main price's currency, none free, and only
    on a paid course (a free course is free in every currency)."""
    currencies = [extra.currency for extra in prices]
    if price.is_free and prices:
        raise ValidationFailed.for_field("prices", "a free course has no other prices")
    if len(set(currencies)) != len(currencies):
        raise ValidationFailed.for_field("prices", "one price per currency")
    if price.currency in currencies:
        raise ValidationFailed.for_field("prices", f"{price.currency} is the main price's currency")
    if any(extra.is_free for extra in prices):
        raise ValidationFailed.for_field("prices", "extra prices must be above zero")


# What the audit log records of a course's change (coursewave.audit): its own fields, the
# outline's size, never lesson content.
AUDITED_FIELDS = (
    "title",
    "subtitle",
    "description",
    "category",
    "level",
    "tags",
    "price",
    "prices",
    "status",
    "thumbnail_url",
    "lesson_count",
)
MONEY_FIELDS = frozenset({"price", "prices"})


def _audit_value(value: Any) -> Any:
    if isinstance(value, Money):
        return {"amount": value.amount, "currency": value.currency}
    if isinstance(value, list):
        return [_audit_value(item) for item in value]
    return value


def audited_changes(before: Course, after: Course) -> tuple[dict[str, Any], dict[str, Any]]:
    """The audited fields that differ, as ``(before, after)`` values."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for name in AUDITED_FIELDS:
        was, now = _audit_value(getattr(before, name)), _audit_value(getattr(after, name))
        if was != now:
            old[name], new[name] = was, now
    return old, new


def needs_audit(before: Course, changed: dict[str, Any], principal: Principal) -> bool:
    """Admin and money actions are audited: an admin changing someone else's course, anyone
    changing a price."""
    return principal.user_id != before.instructor_id or bool(MONEY_FIELDS & set(changed))

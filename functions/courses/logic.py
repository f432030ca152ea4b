"""Course use cases: what each course route does, in domain terms.

Edits follow one pattern: read the course (one BatchGetItem), check the caller may change it,
apply the change in memory, write it with a condition on the version read (one transaction,
with the lesson bodies, category counters and events it implies). A concurrent edit makes the
condition fail; the edit is then re-applied to a fresh read, a few times at most.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coursewave.audit import audit_entry
from coursewave.clock import new_id, now_iso
from coursewave.errors import Conflict, NotFound, ValidationFailed
from coursewave.events import OutboxEvent, domain_event
from coursewave.pagination import decode_cursor, encode_cursor
from coursewave.users import Principal
from functions.courses import catalog, domain, repository
from functions.courses.categories import Category
from functions.courses.domain import (
    DELETED,
    MEDIA_FAILED,
    MEDIA_READY,
    TEXT,
    UPLOAD,
    Course,
    LessonBody,
    LessonMedia,
    Money,
    OutlineLesson,
    Section,
    Summary,
    VideoRef,
)
from functions.courses.repository import COURSE_ID_PREFIX, Bundle, CourseChange
from functions.courses.text import slug_candidates, slugify
from functions.courses.video import EMBEDDERS, UnsupportedVideoUrl
from functions.users import public as users

MAX_EDIT_ATTEMPTS = 4
SLUG_CANDIDATES = 25
SLUG_ATTEMPTS = 3


def course_event(name: str, course: Course) -> OutboxEvent:
    return domain_event(
        "courses",
        name,
        {
            "course_id": course.id,
            "slug": course.slug,
            "title": course.title,
            "instructor_id": course.instructor_id,
            "category": course.category,
            "level": course.level,
            "price": {"amount": course.price.amount, "currency": course.price.currency},
            "status": course.status,
            "lesson_count": course.lesson_count,
            "published_at": course.published_at,
        },
    )


# -- reading -----------------------------------------------------------------------------------


def categories() -> list[Category]:
    """Every category, archived ones included (courses still show them), with its count of
    published courses."""
    return repository.categories()


def check_category(category_id: str, found: Category | None) -> None:
    """A course may be filed under ``category_id`` only if it exists and is not archived."""
    if found is None:
        raise ValidationFailed.for_field("category", "unknown category (see GET /v1/categories)")
    if not found.takes_courses:
        raise ValidationFailed.for_field(
            "category", f"the category {category_id!r} is archived and takes no new courses"
        )


# -- categories (admin) ------------------------------------------------------------------------


def create_category(principal: Principal, category_id: str, name: str) -> Category:
    category = Category(category_id, name)
    audit = audit_entry(
        actor_id=principal.user_id,
        action="category.created",
        target_type="category",
        target_id=category_id,
        before={},
        after={"name": name, "archived": False},
    )
    try:
        repository.insert_category(category, now_iso(), audit)
    except repository.CategoryExists as exc:
        raise Conflict(f"A category with id {category_id!r} exists already.") from exc
    return category


def update_category(principal: Principal, category_id: str, changes: dict[str, Any]) -> Category:
    """Rename and/or (un)archive a category: a conditional write on what was read, retried when
    another admin's edit came in between. Archiving never touches the courses filed under it."""
    for _ in range(MAX_EDIT_ATTEMPTS):
        before = repository.get_category(category_id)
        if before is None:
            raise NotFound("No such category.")
        after = Category(
            before.id,
            changes.get("name", before.name),
            changes.get("archived", before.archived),
            before.course_count,
        )
        moved = [f for f in ("name", "archived") if getattr(before, f) != getattr(after, f)]
        audit = audit_entry(
            actor_id=principal.user_id,
            action="category.updated",
            target_type="category",
            target_id=category_id,
            before={f: getattr(before, f) for f in moved},
            after={f: getattr(after, f) for f in moved},
        )
        try:
            repository.update_category(before, after, now_iso(), audit)
            return after
        except repository.ConcurrentChange:
            continue
    raise Conflict("The category kept changing while this edit was applied; try again.")


# A filtered read evaluates more entries per Query than it returns (the filter drops some).
FILTERED_PAGE_SIZE = 200


def catalog_page(
    filters: catalog.Filters, sort: str, limit: int, cursor: str | None
) -> tuple[list[Summary], str | None]:
    """One page of published courses: at most two Queries on one catalog partition.

    The cursor is the position after the last course returned (or the Query's own
    ``LastEvaluatedKey`` when the page ends where the Query did), pinned to the partition.
    """
    plan = catalog.plan(filters)
    names = repository.catalog_key_names(sort)
    pinned = {name: plan.partition for name in names if name.endswith("PK")}
    start = decode_cursor(cursor, key_names=names, fixed=pinned)
    page_size = max(limit + 1, FILTERED_PAGE_SIZE) if plan.filtered else limit + 1
    summaries: list[Summary] = []
    positions: list[dict[str, str]] = []
    for _ in range(2):
        page = repository.catalog_page(sort, plan, limit=page_size, start=start)
        summaries += page.summaries
        positions += page.keys
        if len(summaries) > limit:
            return summaries[:limit], encode_cursor(positions[limit - 1])
        start = page.last_key
        if start is None or len(summaries) == limit:
            break
    return summaries, encode_cursor(start)


# -- creating ----------------------------------------------------------------------------------


def create_course(
    principal: Principal,
    *,
    title: str,
    subtitle: str | None,
    description: str,
    category: str,
    level: str,
    tags: list[str],
    price: Money,
    prices: list[Money] | None = None,
) -> Course:
    domain.check_prices(price, prices or [])
    moment = now_iso()
    course = Course(
        id=new_id(COURSE_ID_PREFIX),
        slug="",
        title=title,
        subtitle=subtitle or None,
        description=description,
        category=category,
        level=level,
        tags=tags,
        price=price,
        prices=list(prices or []),
        instructor_id=principal.user_id,
        instructor_name=principal.name,
        created_at=moment,
        updated_at=moment,
    )
    candidates = slug_candidates(slugify(title), SLUG_CANDIDATES)
    for _ in range(SLUG_ATTEMPTS):
        free, found = repository.free_slug(candidates, category)
        check_category(category, found)
        # Past the numbered candidates, a slice of the (random) id makes the slug unique.
        course.slug = free or f"{candidates[0]}-{course.id[-6:]}"
        try:
            repository.insert_course(course, [course_event("CourseCreated", course)])
            return course
        except repository.SlugTaken:
            # The slug went, or the category was archived meanwhile: the next read tells.
            continue
    raise Conflict("Could not reserve a unique slug for this title; try again.")


# -- editing -----------------------------------------------------------------------------------

Edit = Callable[[Course, Bundle], CourseChange]


def _edit(
    principal: Principal,
    course_id: str,
    apply: Edit,
    *,
    lesson_ids: tuple[str, ...] = (),
    media_ids: tuple[str, ...] = (),
    category_ids: tuple[str, ...] = (),
    action: str = "course.outline_changed",
) -> Course:
    """Read the course (with the bodies of ``lesson_ids``, the course's media ``media_ids`` and
    the categories ``category_ids``), apply the edit and write it; re-applied on a concurrent
    change. An admin's edit of someone else's course, and any price change, carries its audit
    entry (``action``) in the same transaction."""
    if not repository.is_course_id(course_id):
        raise NotFound("No such course.")
    for _ in range(MAX_EDIT_ATTEMPTS):
        bundle = repository.read_for_edit(
            course_id, lesson_ids=lesson_ids, media_ids=media_ids, category_ids=category_ids
        )
        course = domain.managed(bundle.course, principal)
        before = copy.deepcopy(course)
        change = apply(course, bundle)
        course.updated_at = now_iso()
        change.category_deltas = domain.category_deltas(before, course)
        old, new = domain.audited_changes(before, course)
        if domain.needs_audit(before, new, principal):
            money_only = principal.user_id == before.instructor_id
            change.audit.append(
                audit_entry(
                    actor_id=principal.user_id,
                    action="course.price_changed" if money_only else action,
                    target_type="course",
                    target_id=course.id,
                    before=old,
                    after=new,
                )
            )
        # Drafts are not in the catalog; a deleted course's items are purged by the projector.
        change.refresh_catalog = (
            before.is_published or course.is_published or course.status == DELETED
        )
        try:
            repository.save_course(course, change)
            return course
        except repository.ConcurrentChange:
            continue
    raise Conflict("The course kept changing while this edit was applied; try again.")


def update_course(principal: Principal, course_id: str, changes: dict[str, Any]) -> Course:
    """Apply PATCH fields; the slug stays as it was (links keep working)."""

    new_category = changes.get("category")

    def apply(course: Course, bundle: Bundle) -> CourseChange:
        moves = new_category is not None and new_category != course.category
        for name, value in changes.items():
            setattr(course, name, value)
        if "price" in changes or "prices" in changes:
            domain.check_prices(course.price, course.prices)
        if not moves:
            return CourseChange()
        # Only a move is checked: a course stays in its category when that is archived.
        check_category(new_category, repository.category_in(bundle, new_category))
        return CourseChange(new_category=new_category)

    categories = (new_category,) if new_category is not None else ()
    return _edit(principal, course_id, apply, category_ids=categories, action="course.updated")


def publish_course(principal: Principal, course_id: str) -> Course:
    def apply(course: Course, _: Bundle) -> CourseChange:
        moment = now_iso()
        if domain.publish(course, moment):
            return CourseChange(events=[course_event("CoursePublished", course)])
        return CourseChange()

    return _edit(principal, course_id, apply, action="course.published")


def unpublish_course(principal: Principal, course_id: str) -> Course:
    def apply(course: Course, _: Bundle) -> CourseChange:
        domain.unpublish(course)
        return CourseChange()

    return _edit(principal, course_id, apply, action="course.unpublished")


def delete_course(principal: Principal, course_id: str) -> None:
    """Delete a course nobody enrolled in; archive one that has learners (they keep access)."""

    def apply(course: Course, _: Bundle) -> CourseChange:
        if course.enrollment_count > 0:
            domain.archive(course, now_iso())
            return CourseChange()
        course.status = DELETED
        return CourseChange(delete_slug=True, require_no_enrollments=True)

    _edit(principal, course_id, apply, action="course.deleted")


def add_section(
    principal: Principal, course_id: str, title: str, position: int | None
) -> tuple[Section, int]:
    section = Section(id=new_id("sec_"), title=title)

    def apply(course: Course, _: Bundle) -> CourseChange:
        domain.add_section(course, section, position)
        return CourseChange()

    course = _edit(principal, course_id, apply)
    return section, course.section_position(section.id)


def update_section(
    principal: Principal, course_id: str, section_id: str, changes: dict[str, Any]
) -> tuple[Section, int]:
    def apply(course: Course, _: Bundle) -> CourseChange:
        section = domain.existing_section(course, section_id)
        if "title" in changes:
            section.title = changes["title"]
        if "position" in changes:
            domain.move_section(course, section, changes["position"])
        return CourseChange()

    course = _edit(principal, course_id, apply)
    section = domain.existing_section(course, section_id)
    return section, course.section_position(section_id)


def delete_section(principal: Principal, course_id: str, section_id: str) -> None:
    """Remove a section with its lessons (their bodies go in the same transaction)."""

    def apply(course: Course, _: Bundle) -> CourseChange:
        removed = domain.remove_section(course, domain.existing_section(course, section_id))
        return CourseChange(lesson_deletes=removed)

    _edit(principal, course_id, apply)


# -- lessons -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class VideoSpec:
    source: str
    media_id: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class LessonSpec:
    section_id: str
    title: str
    type: str
    content: str | None = None
    video: VideoSpec | None = None
    preview: bool = False
    duration_seconds: int | None = None
    unlock_after_days: int | None = None
    position: int | None = None


@dataclass(frozen=True)
class SavedLesson:
    course: Course
    section: Section
    lesson: OutlineLesson
    position: int
    body: LessonBody


def _uploads(spec: VideoSpec | None) -> tuple[str, ...]:
    """The media a video spec points at, to read with the course."""
    if spec is not None and spec.source == UPLOAD and spec.media_id is not None:
        return (spec.media_id,)
    return ()


def _resolve_video(bundle: Bundle, spec: VideoSpec) -> tuple[VideoRef, int | None]:
    """A stored video reference and, for uploads, the media's duration (the course's record of
    the media was read with the course)."""
    if spec.source == UPLOAD:
        assert spec.media_id is not None
        media: LessonMedia | None = repository.media_in(bundle, spec.media_id)
        if media is None or media.kind != "video":
            raise ValidationFailed.for_field("video.media_id", "no such video in this course")
        if not media.ready:
            raise Conflict("The video is still being processed; try again when it is ready.")
        return VideoRef(source=UPLOAD, media_id=media.media_id), round(media.duration_seconds or 0)
    assert spec.url is not None
    try:
        embed_url = EMBEDDERS[spec.source](spec.url)
    except UnsupportedVideoUrl as exc:
        raise ValidationFailed.for_field("video.url", f"not a {spec.source} video URL") from exc
    return VideoRef(source=spec.source, url=spec.url, embed_url=embed_url), None


def _check_kind(lesson_type: str, content: str | None, video: VideoRef | None) -> None:
    """A text lesson has content and no video; a video lesson has a video."""
    if lesson_type == TEXT:
        if content is None:
            raise ValidationFailed.for_field("content", "a text lesson needs content")
        if video is not None:
            raise ValidationFailed.for_field("video", "a text lesson has no video (send null)")
    elif video is None:
        raise ValidationFailed.for_field("video", "a video lesson needs a video")


def _is_upload(video: VideoRef | None) -> bool:
    return video is not None and video.source == UPLOAD


def _no_duration_for_uploads(video: VideoRef | None, duration_seconds: int | None) -> None:
    if _is_upload(video) and duration_seconds is not None:
        raise ValidationFailed.for_field(
            "duration_seconds", "set from the uploaded video; leave it out"
        )


def add_lesson(principal: Principal, course_id: str, spec: LessonSpec) -> SavedLesson:
    lesson_id = new_id("les_")
    saved: dict[str, Any] = {}

    def apply(course: Course, bundle: Bundle) -> CourseChange:
        section = domain.target_section(course, spec.section_id)
        video, media_duration = _resolve_video(bundle, spec.video) if spec.video else (None, None)
        _check_kind(spec.type, spec.content, video)
        _no_duration_for_uploads(video, spec.duration_seconds)
        lesson = OutlineLesson(
            id=lesson_id,
            title=spec.title,
            type=spec.type,
            duration_seconds=media_duration if _is_upload(video) else spec.duration_seconds or 0,
            preview=spec.preview,
            unlock_after_days=spec.unlock_after_days or None,
        )
        position = domain.add_lesson(course, section, lesson, spec.position)
        body = LessonBody(content=spec.content, video=video)
        saved.update(section=section, lesson=lesson, position=position, body=body)
        return CourseChange(lesson_puts={lesson_id: body})

    course = _edit(principal, course_id, apply, media_ids=_uploads(spec.video))
    return SavedLesson(course=course, **saved)


def update_lesson(
    principal: Principal, course_id: str, lesson_id: str, changes: dict[str, Any]
) -> SavedLesson:
    """Apply PATCH fields; the result must still be a valid lesson of its type."""
    saved: dict[str, Any] = {}

    def apply(course: Course, bundle: Bundle) -> CourseChange:
        placed = domain.existing_lesson(course, lesson_id)
        lesson, current = placed.lesson, repository.lesson_body(bundle, lesson_id)
        lesson_type = changes.get("type", lesson.type)
        content = changes.get("content", current.content)
        video = current.video
        if "video" in changes:
            video, media_duration = (
                _resolve_video(bundle, changes["video"]) if changes["video"] else (None, None)
            )
            if _is_upload(video):
                lesson.duration_seconds = media_duration or 0
        _check_kind(lesson_type, content, video)
        _no_duration_for_uploads(video, changes.get("duration_seconds"))
        if "duration_seconds" in changes and not _is_upload(video):
            lesson.duration_seconds = changes["duration_seconds"] or 0
        lesson.type = lesson_type
        lesson.title = changes.get("title", lesson.title)
        lesson.preview = changes.get("preview", lesson.preview)
        if "unlock_after_days" in changes:
            lesson.unlock_after_days = changes["unlock_after_days"] or None
        position = placed.position
        if "section_id" in changes or "position" in changes:
            target = placed.section
            if "section_id" in changes:
                target = domain.target_section(course, changes["section_id"])
            position = domain.move_lesson(course, placed, target, changes.get("position"))
        body = LessonBody(content=content, video=video)
        section = domain.existing_lesson(course, lesson_id).section
        saved.update(section=section, lesson=lesson, position=position, body=body)
        return CourseChange(lesson_puts={lesson_id: body})

    course = _edit(
        principal,
        course_id,
        apply,
        lesson_ids=(lesson_id,),
        media_ids=_uploads(changes.get("video")),
    )
    return SavedLesson(course=course, **saved)


def delete_lesson(principal: Principal, course_id: str, lesson_id: str) -> None:
    def apply(course: Course, _: Bundle) -> CourseChange:
        domain.remove_lesson(course, domain.existing_lesson(course, lesson_id))
        return CourseChange(lesson_deletes=[lesson_id])

    _edit(principal, course_id, apply)


# -- the course's media (the media domain's events) --------------------------------------------

MEDIA_OUTCOMES = {"MediaReady": MEDIA_READY, "MediaFailed": MEDIA_FAILED}


def record_media_outcome(
    name: str, data: dict[str, Any], *, event_id: str, occurred_at: str
) -> bool:
    """Keep what ``MediaReady`` / ``MediaFailed`` tell of a course's media on the course's own
    item; False when the event is a repeat or older than the state already kept."""
    return repository.record_media_state(
        str(data["course_id"]),
        str(data["media_id"]),
        str(data["kind"]),
        status=MEDIA_OUTCOMES[name],
        duration_seconds=data.get("duration_seconds") if name == "MediaReady" else None,
        event_id=event_id,
        occurred_at=occurred_at,
    )


def erase_instructor(user_id: str) -> int:
    """``UserDeleted``: every course the account owns (any status) shows the erased account's
    name as its instructor, on the course and in the catalog. The courses themselves stay: their
    learners keep what they enrolled in (docs/privacy.md). Returns how many courses changed: 0
    when the event is a repeat (idempotent)."""
    return sum(
        repository.rename_instructor(course, users.ERASED_NAME)
        for course in repository.instructor_courses(user_id)
        if course.instructor_name != users.ERASED_NAME
    )

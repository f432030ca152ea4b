"""Course data access: the course item (with its outline), lesson bodies, slugs, category counts
and the catalog projection. Every function maps to one DynamoDB round trip unless it says so.

Items (see docs/data-model.md):

- ``COURSE#<id> / COURSE`` — the course and its outline (sections → lessons, no content).
  GSI1: ``INSTRUCTOR#<instructor_id>#COURSES`` / ``<created_at>#<id>`` (an instructor's courses).
- ``COURSE#<id> / LESSON#<lesson_id>`` — a lesson's Markdown content and video reference.
- ``COURSE#<id> / CATALOG`` — which catalog partitions currently hold this course.
- ``COURSE#<id> / MEDIA#<media_id>`` — an upload of the course and its processing state, as the
  media domain's events tell it (``track_media``, then ``MediaReady`` / ``MediaFailed``).
- ``SLUG#<slug> / SLUG`` — the slug's owner; a conditional put keeps slugs unique.
- ``CATEGORIES / CATEGORY#<id>`` — a category (name, archived, set by admins) and its number of
  published courses (a maintained counter); ``functions/courses/categories.py``.
- ``CATALOG#<facet> / COURSE#<id>`` — a published course's summary in one catalog partition,
  sorted on GSI1 (popular), GSI2 (rating) and GSI3 (newest).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from coursewave.audit import AuditEntry
from coursewave.clock import new_id, now
from coursewave.db import (
    Item,
    Key,
    condition_failed,
    connection,
    decode,
    key,
    keyed,
    transaction,
)
from coursewave.events import OutboxEvent
from functions.courses import catalog
from functions.courses.catalog import Plan
from functions.courses.categories import SEED, Category, resolve
from functions.courses.domain import (
    DELETED,
    MEDIA_PROCESSING,
    PUBLISHED,
    Course,
    LessonBody,
    LessonMedia,
    Money,
    OutlineLesson,
    Section,
    Summary,
    VideoRef,
)

COURSE_ID_PREFIX = "crs_"
CATALOG_REFRESH_RETENTION = timedelta(days=1)
MAX_TRANSACTION_ITEMS = 100


class ConcurrentChange(Exception):
    """The course changed between our read and our conditional write: read again and retry."""


class SlugTaken(Exception):
    """Another course claimed the slug between our check and our write."""


def is_course_id(ref: str) -> bool:
    """Course ids carry a prefix no slug can contain (slugs are ``[a-z0-9-]``)."""
    return ref.startswith(COURSE_ID_PREFIX)


# -- entities ----------------------------------------------------------------------------------


class OutlineLessonMap(MapAttribute):
    lesson_id = UnicodeAttribute()
    title = UnicodeAttribute()
    type = UnicodeAttribute()
    duration_seconds = NumberAttribute(default=0)
    preview = BooleanAttribute(default=False)
    unlock_after_days = NumberAttribute(null=True)


class PriceMap(MapAttribute):
    amount = NumberAttribute()
    currency = UnicodeAttribute()


class SectionMap(MapAttribute):
    section_id = UnicodeAttribute()
    title = UnicodeAttribute()
    lessons = ListAttribute(of=OutlineLessonMap, default=list)


class CourseItem(Item, discriminator="Course"):
    course_id = UnicodeAttribute()
    slug = UnicodeAttribute()
    title = UnicodeAttribute()
    subtitle = UnicodeAttribute(null=True)
    description = UnicodeAttribute()
    category = UnicodeAttribute()
    level = UnicodeAttribute()
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    price_amount = NumberAttribute()
    price_currency = UnicodeAttribute()
    # Extra prices: [{"amount": n, "currency": "RWF"}, …] (one per currency).
    prices = ListAttribute(of=PriceMap, null=True)
    instructor_id = UnicodeAttribute()
    instructor_name = UnicodeAttribute()
    thumbnail_url = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    sections = ListAttribute(of=SectionMap, default=list)
    # Counters are only ever ADDed (enrollment, reviews): editors never write them. The rating
    # is kept as a sum and a count (ADD is atomic on both; an average could not be).
    enrollment_count = NumberAttribute(default=0)
    rating_sum = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    version = NumberAttribute(default=0)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    published_at = UnicodeAttribute(null=True)
    archived_at = UnicodeAttribute(null=True)

    @staticmethod
    def key_of(course_id: str) -> Key:
        return key("COURSE", course_id), "COURSE"

    @staticmethod
    def instructor_partition(instructor_id: str) -> str:
        return key("INSTRUCTOR", instructor_id, "COURSES")

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.course_id)
        # GSI1: the instructor's courses, whatever their status (instructor and creation time
        # never change, so no edit has to move these keys).
        # A key-only instance (for an update) has neither, and needs neither.
        whole = self.instructor_id is not None and self.created_at is not None
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": self.instructor_partition(self.instructor_id) if whole else None,
            "GSI1SK": f"{self.created_at}#{self.course_id}" if whole else None,
        }


class VideoMap(MapAttribute):
    source = UnicodeAttribute()
    media_id = UnicodeAttribute(null=True)
    url = UnicodeAttribute(null=True)
    embed_url = UnicodeAttribute(null=True)


class LessonItem(Item, discriminator="Lesson"):
    course_id = UnicodeAttribute()
    lesson_id = UnicodeAttribute()
    content = UnicodeAttribute(null=True)
    video = VideoMap(null=True)
    updated_at = UnicodeAttribute()

    @staticmethod
    def key_of(course_id: str, lesson_id: str) -> Key:
        return key("COURSE", course_id), key("LESSON", lesson_id)

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.course_id, self.lesson_id)
        return {"PK": pk, "SK": sk}


class CourseSlug(Item, discriminator="CourseSlug"):
    slug = UnicodeAttribute()
    course_id = UnicodeAttribute()

    @staticmethod
    def key_of(slug: str) -> Key:
        return key("SLUG", slug), "SLUG"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.slug)
        return {"PK": pk, "SK": sk}


class CategoryItem(Item, discriminator="CategoryCount"):
    """A category: ``name`` and ``archived`` are an admin's (absent on a seed nobody edited, and
    on a counter row the first publication created); ``course_count`` is only ever ADDed. The
    stored entity name is the counter's, from before categories had names: rows already in a
    table read as they are, with no migration."""

    category = UnicodeAttribute()
    name = UnicodeAttribute(null=True)
    archived = BooleanAttribute(null=True)
    course_count = NumberAttribute(default=0)
    created_at = UnicodeAttribute(null=True)
    updated_at = UnicodeAttribute(null=True)

    PARTITION = "CATEGORIES"

    @classmethod
    def key_of(cls, category_id: str) -> Key:
        return cls.PARTITION, key("CATEGORY", category_id)

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.category)
        return {"PK": pk, "SK": sk}


class CatalogEntry(Item, discriminator="CatalogEntry"):
    """One published course in one catalog partition (a facet value or a search prefix)."""

    partition = UnicodeAttribute()
    course_id = UnicodeAttribute()
    slug = UnicodeAttribute()
    title = UnicodeAttribute()
    subtitle = UnicodeAttribute(null=True)
    category = UnicodeAttribute()
    level = UnicodeAttribute()
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    price_amount = NumberAttribute()
    price_currency = UnicodeAttribute()
    price_kind = UnicodeAttribute()  # free | paid
    instructor_id = UnicodeAttribute()
    instructor_name = UnicodeAttribute()
    thumbnail_url = UnicodeAttribute(null=True)
    rating_average = NumberAttribute(default=0)
    rating_count = NumberAttribute(default=0)
    enrollment_count = NumberAttribute(default=0)
    lesson_count = NumberAttribute(default=0)
    duration_seconds = NumberAttribute(default=0)
    published_at = UnicodeAttribute()
    # " word1 word2 … " (folded, sorted): ``contains(terms, " pyth")`` is a word-prefix test.
    terms = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        tail = f"{self.published_at}#{self.course_id}"
        rating = catalog.rating_rank(float(self.rating_average), int(self.rating_count))
        return {
            "PK": self.partition,
            "SK": key("COURSE", self.course_id),
            "GSI1PK": self.partition,
            "GSI1SK": f"{int(self.enrollment_count):010d}#{tail}",
            "GSI2PK": self.partition,
            "GSI2SK": f"{rating}#{int(self.rating_count):010d}#{tail}",
            "GSI3PK": self.partition,
            "GSI3SK": tail,
        }


class CatalogRefresh(Item, discriminator="CatalogRefresh"):
    """A request to re-project a course into the catalog, written in the transaction that
    changed it. The catalog projector consumes these inserts from the table stream; they expire
    after a day. Any domain that changes what the catalog shows of a course (the reviews domain:
    its rating) writes one with its change (``catalog_refresh``)."""

    request_id = UnicodeAttribute()
    course_id = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("CATALOG_REFRESH", self.course_id), "SK": self.request_id}


def catalog_refresh(course_id: str) -> CatalogRefresh:
    """A refresh request for ``course_id``: save it in the transaction that changes the course."""
    return CatalogRefresh(
        request_id=new_id(),
        course_id=course_id,
        expires_at=now() + CATALOG_REFRESH_RETENTION,
    )


class CatalogRegistry(Item, discriminator="CatalogRegistry"):
    """The catalog partitions that hold a course, so the projector can remove stale entries."""

    course_id = UnicodeAttribute()
    partitions = UnicodeSetAttribute(null=True)

    @staticmethod
    def key_of(course_id: str) -> Key:
        return key("COURSE", course_id), "CATALOG"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.course_id)
        return {"PK": pk, "SK": sk}


class CourseMediaItem(Item, discriminator="CourseMedia"):
    """An upload of the course, as the media domain's events tell it: recorded as processing
    when the upload is created, then ready or failed. ``event_at`` is when the event applied
    last happened (an older event never overwrites a newer state); ``event_id`` is that event's
    id."""

    course_id = UnicodeAttribute()
    media_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    duration_seconds = NumberAttribute(null=True)
    event_at = UnicodeAttribute(null=True)
    event_id = UnicodeAttribute(null=True)

    @staticmethod
    def key_of(course_id: str, media_id: str) -> Key:
        return key("COURSE", course_id), key("MEDIA", media_id)

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.course_id, self.media_id)
        return {"PK": pk, "SK": sk}


# -- mapping -----------------------------------------------------------------------------------


def to_course(item: CourseItem) -> Course:
    return Course(
        id=item.course_id,
        slug=item.slug,
        title=item.title,
        subtitle=item.subtitle,
        description=item.description,
        category=item.category,
        level=item.level,
        tags=list(item.tags or []),
        price=Money(int(item.price_amount), item.price_currency),
        prices=[Money(int(p.amount), p.currency) for p in item.prices or []],
        instructor_id=item.instructor_id,
        instructor_name=item.instructor_name,
        thumbnail_url=item.thumbnail_url,
        status=item.status,
        rating_sum=int(item.rating_sum or 0),
        rating_count=int(item.rating_count or 0),
        enrollment_count=int(item.enrollment_count or 0),
        sections=[
            Section(
                id=section.section_id,
                title=section.title,
                lessons=[
                    OutlineLesson(
                        id=lesson.lesson_id,
                        title=lesson.title,
                        type=lesson.type,
                        duration_seconds=int(lesson.duration_seconds or 0),
                        preview=bool(lesson.preview),
                        unlock_after_days=(
                            None
                            if lesson.unlock_after_days is None
                            else int(lesson.unlock_after_days)
                        ),
                    )
                    for lesson in section.lessons or []
                ],
            )
            for section in item.sections or []
        ],
        version=int(item.version or 0),
        created_at=item.created_at,
        updated_at=item.updated_at,
        published_at=item.published_at,
        archived_at=item.archived_at,
    )


def _section_maps(course: Course) -> list[SectionMap]:
    return [
        SectionMap(
            section_id=section.id,
            title=section.title,
            lessons=[
                OutlineLessonMap(
                    lesson_id=lesson.id,
                    title=lesson.title,
                    type=lesson.type,
                    duration_seconds=lesson.duration_seconds,
                    preview=lesson.preview,
                    unlock_after_days=lesson.unlock_after_days,
                )
                for lesson in section.lessons
            ],
        )
        for section in course.sections
    ]


def _course_item(course: Course) -> CourseItem:
    return keyed(
        CourseItem(
            course_id=course.id,
            slug=course.slug,
            title=course.title,
            subtitle=course.subtitle,
            description=course.description,
            category=course.category,
            level=course.level,
            tags=list(course.tags),
            price_amount=course.price.amount,
            price_currency=course.price.currency,
            prices=_price_maps(course) or None,
            instructor_id=course.instructor_id,
            instructor_name=course.instructor_name,
            thumbnail_url=course.thumbnail_url,
            status=course.status,
            sections=_section_maps(course),
            enrollment_count=course.enrollment_count,
            rating_sum=course.rating_sum,
            rating_count=course.rating_count,
            version=course.version,
            created_at=course.created_at,
            updated_at=course.updated_at,
            published_at=course.published_at,
            archived_at=course.archived_at,
        )
    )


def to_body(item: LessonItem | None) -> LessonBody:
    if item is None:
        return LessonBody()
    video = None
    if item.video is not None:
        video = VideoRef(
            source=item.video.source,
            media_id=item.video.media_id,
            url=item.video.url,
            embed_url=item.video.embed_url,
        )
    return LessonBody(content=item.content, video=video)


def _lesson_item(course_id: str, lesson_id: str, body: LessonBody, now_iso: str) -> LessonItem:
    video = None
    if body.video is not None:
        video = VideoMap(**body.video.as_dict())
    return keyed(
        LessonItem(
            course_id=course_id,
            lesson_id=lesson_id,
            content=body.content,
            video=video,
            updated_at=now_iso,
        )
    )


# -- reads -------------------------------------------------------------------------------------

Raw = dict[str, Any]  # one item as DynamoDB returns it (attribute name → typed value)


def fetch(keys: Iterable[Key]) -> dict[Key, Raw]:
    """One consistent BatchGetItem (≤ 100 keys, unprocessed keys retried) for items of any
    entity, as raw attribute maps: each domain's repository decodes its own."""
    wanted = list(dict.fromkeys(keys))
    found: dict[Key, Raw] = {}
    table = CourseItem.Meta.table_name
    pending = [{"PK": {"S": pk}, "SK": {"S": sk}} for pk, sk in wanted]
    while pending:
        data = connection().batch_get_item(table, pending, consistent_read=True)
        for raw in data.get("Responses", {}).get(table, []):
            found[(raw["PK"]["S"], raw["SK"]["S"])] = raw
        pending = data.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
    return found


@dataclass
class Bundle:
    """A course (by id or slug) and the items read alongside it, raw (``get``)."""

    course_id: str | None
    course: Course | None
    items: dict[Key, Raw] = field(default_factory=dict)

    def get(self, item_key: Key) -> Raw | None:
        return self.items.get(item_key)


# slug → course id, per instance. A course never changes its slug, so an entry stays right
# until its course is deleted and the slug is claimed again: every hit is checked against the
# course read (same slug, not deleted) and resolved afresh when it no longer matches.
_slug_ids: dict[str, str] = {}
SLUG_CACHE_SIZE = 10_000


def load_bundle(
    ref: str,
    alongside: Callable[[str], list[Key]] = lambda _course_id: [],
    first: Iterable[Key] = (),
) -> Bundle:
    """The course ``ref`` (an id or a slug), the items ``alongside(course_id)`` names and the
    ``first`` items (the caller's user record), which ride along with the first round.

    One BatchGetItem by id or by an already-resolved slug; two for a slug seen the first time.
    """
    first = list(first)
    course_id = ref if is_course_id(ref) else _slug_ids.get(ref)
    if course_id is not None:
        bundle = _bundle(course_id, [*first, *alongside(course_id)])
        if is_course_id(ref) or _still_slug_of(bundle.course, ref):
            return bundle
        _slug_ids.pop(ref, None)
        first = []  # already read
    items = fetch([*first, CourseSlug.key_of(ref)])
    claim = decode(CourseSlug, items.get(CourseSlug.key_of(ref)))
    if claim is None:
        return Bundle(course_id=None, course=None, items=items)
    if len(_slug_ids) >= SLUG_CACHE_SIZE:
        _slug_ids.clear()
    _slug_ids[ref] = claim.course_id
    bundle = _bundle(claim.course_id, alongside(claim.course_id))
    bundle.items = items | bundle.items
    return bundle


def _still_slug_of(course: Course | None, slug: str) -> bool:
    return course is not None and course.slug == slug and course.status != DELETED


def _bundle(course_id: str, keys: list[Key]) -> Bundle:
    items = fetch([CourseItem.key_of(course_id), *keys])
    course_item = decode(CourseItem, items.get(CourseItem.key_of(course_id)))
    course = to_course(course_item) if course_item is not None else None
    return Bundle(course_id=course_id, course=course, items=items)


def read_for_edit(
    course_id: str,
    *,
    lesson_ids: Iterable[str] = (),
    media_ids: Iterable[str] = (),
    category_ids: Iterable[str] = (),
) -> Bundle:
    """The course with the bodies of ``lesson_ids``, its media ``media_ids`` and the categories
    ``category_ids``: one BatchGetItem."""
    keys = [lesson_key(course_id, lesson_id) for lesson_id in lesson_ids]
    keys += [media_key(course_id, media_id) for media_id in media_ids]
    keys += [category_key(category_id) for category_id in category_ids]
    return _bundle(course_id, keys)


def courses_by_id(
    course_ids: Iterable[str], alongside: Iterable[Key] = ()
) -> tuple[dict[str, Course], dict[Key, Raw]]:
    """Several courses by id (missing ones left out) and the raw items of ``alongside`` (other
    domains' keys), in one BatchGetItem (≤ 100 keys)."""
    wanted = [CourseItem.key_of(course_id) for course_id in course_ids]
    extra = list(alongside)
    items = fetch([*wanted, *extra])
    decoded = (decode(CourseItem, items.get(k)) for k in wanted)
    courses = [to_course(item) for item in decoded if item is not None]
    return {course.id: course for course in courses}, {k: items[k] for k in extra if k in items}


def get_course(course_id: str) -> Course | None:
    if not is_course_id(course_id):
        return None
    try:
        return to_course(CourseItem.get(*CourseItem.key_of(course_id), consistent_read=True))
    except CourseItem.DoesNotExist:
        return None


def lesson_key(course_id: str, lesson_id: str) -> Key:
    return LessonItem.key_of(course_id, lesson_id)


def lesson_body(bundle: Bundle, lesson_id: str) -> LessonBody:
    assert bundle.course_id is not None
    return to_body(decode(LessonItem, bundle.get(lesson_key(bundle.course_id, lesson_id))))


def free_slug(candidates: list[str], category_id: str) -> tuple[str | None, Category | None]:
    """The first candidate no course holds, and the category a new course names (one
    BatchGetItem)."""
    category_key = CategoryItem.key_of(category_id)
    items = fetch([*(CourseSlug.key_of(slug) for slug in candidates), category_key])
    claims = (decode(CourseSlug, raw) for key_, raw in items.items() if key_ != category_key)
    taken = {claim.slug for claim in claims if claim}
    free = next((slug for slug in candidates if slug not in taken), None)
    return free, _category(category_id, decode(CategoryItem, items.get(category_key)))


def _category(category_id: str, item: CategoryItem | None) -> Category | None:
    if item is None:
        return resolve(category_id, None, None, 0)
    return resolve(category_id, item.name, item.archived, int(item.course_count or 0))


def category_key(category_id: str) -> Key:
    return CategoryItem.key_of(category_id)


def category_in(bundle: Bundle, category_id: str) -> Category | None:
    """The category ``category_id``, if it was read along with the course."""
    return _category(category_id, decode(CategoryItem, bundle.get(category_key(category_id))))


def get_category(category_id: str) -> Category | None:
    try:
        item = CategoryItem.get(*CategoryItem.key_of(category_id), consistent_read=True)
    except CategoryItem.DoesNotExist:
        item = None
    return _category(category_id, item)


def categories() -> list[Category]:
    """Every category (seeds first, in their order, then the others by id), with its count of
    published courses: one Query on the categories' partition."""
    rows = {
        item.category: item
        for item in CategoryItem.query(
            CategoryItem.PARTITION, CategoryItem.SK.startswith("CATEGORY#")
        )
        if isinstance(item, CategoryItem)
    }
    ordered = [*SEED, *sorted(set(rows) - set(SEED))]
    found = (_category(category_id, rows.get(category_id)) for category_id in ordered)
    return [category for category in found if category is not None]


def _usable(category_id: str) -> Condition:
    """The category exists (a seed always does) and is not archived."""
    open_ = CategoryItem.archived.does_not_exist() | (CategoryItem.archived == False)  # noqa: E712
    if category_id in SEED:
        return open_
    return CategoryItem.name.exists() & open_


def _check_category(tx: TransactWrite, category_id: str) -> None:
    pk, sk = CategoryItem.key_of(category_id)
    tx.condition_check(CategoryItem, pk, sk, condition=_usable(category_id))


class CategoryExists(Exception):
    """A category with that id exists already."""


class NoSuchCategory(Exception):
    """No category has that id."""


def insert_category(category: Category, moment: str, audit: Item) -> None:
    """Name a new category (its row may already hold a counter: never for a new id, but an
    update keeps it intact either way), with the admin's audit entry; ``CategoryExists`` if the
    id is taken (a seed's id is always taken)."""
    if category.id in SEED:
        raise CategoryExists(category.id)
    item = keyed(CategoryItem(category=category.id))
    try:
        with transaction() as tx:
            tx.update(
                item,
                actions=[
                    CategoryItem.entity.set(CategoryItem),
                    CategoryItem.category.set(category.id),
                    CategoryItem.name.set(category.name),
                    CategoryItem.archived.set(category.archived),
                    CategoryItem.created_at.set(moment),
                    CategoryItem.updated_at.set(moment),
                ],
                condition=CategoryItem.name.does_not_exist(),
            )
            tx.save(audit)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise CategoryExists(category.id) from exc
        raise


def update_category(before: Category, after: Category, moment: str, audit: Item) -> None:
    """Write an admin's edit of ``before`` (as read) with its audit entry; ``NoSuchCategory``
    if it went away, ``ConcurrentChange`` if someone else edited it since it was read."""
    item = keyed(CategoryItem(category=before.id))
    if before.id in SEED:
        unchanged = CategoryItem.name.does_not_exist() | (CategoryItem.name == before.name)
    else:
        unchanged = CategoryItem.name == before.name
    same_state = (
        (CategoryItem.archived == True)  # noqa: E712
        if before.archived
        else (CategoryItem.archived.does_not_exist() | (CategoryItem.archived == False))  # noqa: E712
    )
    try:
        with transaction() as tx:
            tx.update(
                item,
                actions=[
                    CategoryItem.entity.set(CategoryItem),
                    CategoryItem.category.set(after.id),
                    CategoryItem.name.set(after.name),
                    CategoryItem.archived.set(after.archived),
                    CategoryItem.created_at.set(CategoryItem.created_at | moment),
                    CategoryItem.updated_at.set(moment),
                ],
                condition=unchanged & same_state,
            )
            tx.save(audit)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConcurrentChange(before.id) from exc
        raise


# -- writes ------------------------------------------------------------------------------------


def _add_category_deltas(
    tx: TransactWrite, deltas: dict[str, int], usable: str | None = None
) -> None:
    """The counters' ADDs; the category ``usable`` must take courses (a transaction may hold
    one operation per item: the check rides on that category's ADD when it has one)."""
    for category, delta in deltas.items():
        counter = keyed(CategoryItem(category=category))
        tx.update(
            counter,
            actions=[
                CategoryItem.course_count.add(delta),
                # The first ADD creates the counter: it needs its entity and category too.
                CategoryItem.entity.set(CategoryItem),
                CategoryItem.category.set(category),
            ],
            condition=_usable(category) if category == usable else None,
        )
    if usable is not None and usable not in deltas:
        _check_category(tx, usable)


def insert_course(course: Course, events: list[OutboxEvent]) -> None:
    """Create the course and claim its slug atomically, if its category still takes courses;
    ``SlugTaken`` if a condition failed (the caller tells which by reading the category)."""
    slug = keyed(CourseSlug(slug=course.slug, course_id=course.id))
    try:
        with transaction() as tx:
            _check_category(tx, course.category)
            tx.save(_course_item(course), condition=CourseItem.PK.does_not_exist())
            tx.save(slug, condition=CourseSlug.PK.does_not_exist())
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise SlugTaken(course.slug) from exc
        raise


def _price_maps(course: Course) -> list[PriceMap]:
    return [PriceMap(amount=price.amount, currency=price.currency) for price in course.prices]


def _editable_actions(course: Course) -> list[Any]:
    """SET every attribute an editor owns (never the counters), REMOVE the ones now empty."""
    values: list[tuple[Any, Any]] = [
        (CourseItem.title, course.title),
        (CourseItem.subtitle, course.subtitle),
        (CourseItem.description, course.description),
        (CourseItem.category, course.category),
        (CourseItem.level, course.level),
        (CourseItem.tags, list(course.tags)),
        (CourseItem.price_amount, course.price.amount),
        (CourseItem.price_currency, course.price.currency),
        (CourseItem.prices, _price_maps(course) or None),
        (CourseItem.thumbnail_url, course.thumbnail_url),
        (CourseItem.status, course.status),
        (CourseItem.sections, _section_maps(course)),
        (CourseItem.updated_at, course.updated_at),
        (CourseItem.published_at, course.published_at),
        (CourseItem.archived_at, course.archived_at),
    ]
    actions = [
        attribute.set(value) if value is not None else attribute.remove()
        for attribute, value in values
    ]
    actions.append(CourseItem.version.set(course.version + 1))
    return actions


@dataclass
class CourseChange:
    """Everything one edit writes, atomically, besides the course item itself."""

    lesson_puts: dict[str, LessonBody] = field(default_factory=dict)
    lesson_deletes: list[str] = field(default_factory=list)
    category_deltas: dict[str, int] = field(default_factory=dict)
    events: list[OutboxEvent] = field(default_factory=list)
    delete_slug: bool = False
    require_no_enrollments: bool = False
    refresh_catalog: bool = False
    # The category the course moves to: it must still take courses when the edit is written.
    new_category: str | None = None
    audit: list[AuditEntry] = field(default_factory=list)  # admin and money actions


def save_course(course: Course, change: CourseChange) -> None:
    """Write an edited course if nobody changed it since it was read (``course.version``).

    Raises ``ConcurrentChange`` when the version (or ``require_no_enrollments``) no longer
    holds; the caller reads again and re-applies its edit.
    """
    size = 1 + len(change.lesson_puts) + len(change.lesson_deletes)
    size += len(change.category_deltas) + len(change.events)
    size += int(change.delete_slug) + int(change.refresh_catalog) + int(bool(change.new_category))
    size += len(change.audit)
    assert size <= MAX_TRANSACTION_ITEMS, "outline limits keep every edit in one transaction"
    condition: Condition = CourseItem.version == course.version
    if change.require_no_enrollments:
        condition &= CourseItem.enrollment_count == 0
    try:
        with transaction() as tx:
            tx.update(_course_item(course), actions=_editable_actions(course), condition=condition)
            for lesson_id, body in change.lesson_puts.items():
                tx.save(_lesson_item(course.id, lesson_id, body, course.updated_at))
            for lesson_id in change.lesson_deletes:
                tx.delete(keyed(LessonItem(course_id=course.id, lesson_id=lesson_id)))
            if change.delete_slug:
                tx.delete(keyed(CourseSlug(slug=course.slug, course_id=course.id)))
            _add_category_deltas(tx, change.category_deltas, change.new_category)
            if change.refresh_catalog:
                tx.save(catalog_refresh(course.id))
            for record in (*change.events, *change.audit):
                tx.save(record)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConcurrentChange(course.id) from exc
        raise
    course.version += 1


def count_enrollment(
    tx: TransactWrite, course_id: str, delta: int, *, require_published: bool = True
) -> None:
    """Add ``delta`` to the course's enrollment count inside ``tx`` (a new enrollment: the
    course must still be published unless ``require_published`` is False, else the transaction
    fails on its condition), with the catalog refresh that popularity moved."""
    course = keyed(CourseItem(course_id=course_id))
    condition = CourseItem.status == PUBLISHED if delta > 0 and require_published else None
    tx.update(course, actions=[CourseItem.enrollment_count.add(delta)], condition=condition)
    tx.save(catalog_refresh(course_id))


def count_rating(tx: TransactWrite, course_id: str, sum_delta: int, count_delta: int) -> None:
    """Move the course's rating sum and count inside ``tx`` (atomic ADDs on the course item;
    the transaction fails if the course is gone), with the catalog refresh the rating moved."""
    course = keyed(CourseItem(course_id=course_id))
    tx.update(
        course,
        actions=[CourseItem.rating_sum.add(sum_delta), CourseItem.rating_count.add(count_delta)],
        condition=CourseItem.PK.exists(),
    )
    tx.save(catalog_refresh(course_id))


# -- the course's media ------------------------------------------------------------------------


def media_key(course_id: str, media_id: str) -> Key:
    return CourseMediaItem.key_of(course_id, media_id)


def _to_media(item: CourseMediaItem) -> LessonMedia:
    return LessonMedia(
        media_id=item.media_id,
        course_id=item.course_id,
        kind=item.kind,
        status=item.status,
        duration_seconds=None if item.duration_seconds is None else float(item.duration_seconds),
    )


def media_in(bundle: Bundle, media_id: str) -> LessonMedia | None:
    """The course's media ``media_id``, if it was read along with the course."""
    assert bundle.course_id is not None
    item = decode(CourseMediaItem, bundle.get(media_key(bundle.course_id, media_id)))
    return _to_media(item) if item is not None else None


def get_media(course_id: str, media_id: str) -> LessonMedia | None:
    try:
        item = CourseMediaItem.get(*media_key(course_id, media_id), consistent_read=True)
    except CourseMediaItem.DoesNotExist:
        return None
    return _to_media(item)


def _media_identity(course_id: str, media_id: str, kind: str) -> list[Any]:
    return [
        CourseMediaItem.entity.set(CourseMediaItem),
        CourseMediaItem.course_id.set(course_id),
        CourseMediaItem.media_id.set(media_id),
        CourseMediaItem.kind.set(kind),
    ]


def track_media(course_id: str, media_id: str, kind: str) -> None:
    """Record an upload as processing, unless an event already told its state (idempotent)."""
    item = keyed(CourseMediaItem(course_id=course_id, media_id=media_id))
    item.update(
        actions=[
            *_media_identity(course_id, media_id, kind),
            CourseMediaItem.status.set(CourseMediaItem.status | MEDIA_PROCESSING),
        ]
    )


def record_media_state(
    course_id: str,
    media_id: str,
    kind: str,
    *,
    status: str,
    duration_seconds: float | None,
    event_id: str,
    occurred_at: str,
) -> bool:
    """Upsert the media's state from an event, unless a newer (or this very) event already
    applied: False then. Timestamps are ISO 8601 UTC in one format, so they compare as
    strings."""
    item = keyed(CourseMediaItem(course_id=course_id, media_id=media_id))
    actions = [
        *_media_identity(course_id, media_id, kind),
        CourseMediaItem.status.set(status),
        CourseMediaItem.event_at.set(occurred_at),
        CourseMediaItem.event_id.set(event_id),
        CourseMediaItem.duration_seconds.set(duration_seconds)
        if duration_seconds is not None
        else CourseMediaItem.duration_seconds.remove(),
    ]
    # Events carry their time to the second: of two in the same second (failed, then the
    # re-upload's ready), the later to arrive wins; the same event again changes nothing.
    newer = (
        CourseMediaItem.event_at.does_not_exist()
        | (CourseMediaItem.event_at < occurred_at)
        | ((CourseMediaItem.event_at == occurred_at) & (CourseMediaItem.event_id != event_id))
    )
    try:
        item.update(actions=actions, condition=newer)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True


# -- the catalog projection --------------------------------------------------------------------


def catalog_entry(partition: str, summary: Summary, terms: str) -> CatalogEntry:
    assert summary.published_at is not None, "only published courses are in the catalog"
    return CatalogEntry(
        partition=partition,
        course_id=summary.id,
        slug=summary.slug,
        title=summary.title,
        subtitle=summary.subtitle,
        category=summary.category,
        level=summary.level,
        tags=list(summary.tags),
        price_amount=summary.price.amount,
        price_currency=summary.price.currency,
        price_kind="free" if summary.price.is_free else "paid",
        instructor_id=summary.instructor_id,
        instructor_name=summary.instructor_name,
        thumbnail_url=summary.thumbnail_url,
        rating_average=summary.rating_average,
        rating_count=summary.rating_count,
        enrollment_count=summary.enrollment_count,
        lesson_count=summary.lesson_count,
        duration_seconds=summary.duration_seconds,
        published_at=summary.published_at,
        terms=terms,
    )


def entry_summary(entry: CatalogEntry) -> Summary:
    return Summary(
        id=entry.course_id,
        slug=entry.slug,
        title=entry.title,
        subtitle=entry.subtitle,
        category=entry.category,
        level=entry.level,
        tags=list(entry.tags or []),
        price=Money(int(entry.price_amount), entry.price_currency),
        instructor_id=entry.instructor_id,
        instructor_name=entry.instructor_name,
        thumbnail_url=entry.thumbnail_url,
        rating_average=float(entry.rating_average or 0),
        rating_count=int(entry.rating_count or 0),
        enrollment_count=int(entry.enrollment_count or 0),
        lesson_count=int(entry.lesson_count or 0),
        duration_seconds=int(entry.duration_seconds or 0),
        published_at=entry.published_at,
    )


def projection_state(course_id: str) -> tuple[Course | None, set[str]]:
    """The course as it is now and the catalog partitions that hold it (one BatchGetItem)."""
    items = fetch([CourseItem.key_of(course_id), CatalogRegistry.key_of(course_id)])
    course_item = decode(CourseItem, items.get(CourseItem.key_of(course_id)))
    registry = decode(CatalogRegistry, items.get(CatalogRegistry.key_of(course_id)))
    course = to_course(course_item) if course_item is not None else None
    held = set(registry.partitions or ()) if registry is not None else set()
    return course, held


def record_partitions(course_id: str, partitions: set[str]) -> None:
    keyed(CatalogRegistry(course_id=course_id, partitions=partitions or None)).save()


def write_entries(entries: list[CatalogEntry], stale: Iterable[tuple[str, str]]) -> None:
    """Upsert ``entries`` and delete the ``(partition, course_id)`` entries in ``stale``."""
    with CatalogEntry.batch_write() as batch:
        for entry in entries:
            batch.save(entry)
        for partition, course_id in stale:
            gone = CatalogEntry(partition=partition, course_id=course_id)
            gone.PK, gone.SK = partition, key("COURSE", course_id)
            batch.delete(gone)


def purge_course(course_id: str) -> None:
    """Delete every item of a deleted course's partition (course, lessons, registry)."""
    pk = CourseItem.key_of(course_id)[0]
    with Item.batch_write() as batch:
        for item in Item.query(pk):
            batch.delete(item)


# The index that sorts catalog partitions each way (descending): GSI1, GSI2, GSI3.
CATALOG_SORT_INDEX = {"popular": 1, "rating": 2, "newest": 3}


def catalog_key_names(sort: str) -> set[str]:
    """The key attributes of a catalog Query's ``LastEvaluatedKey`` (what a cursor holds)."""
    number = CATALOG_SORT_INDEX[sort]
    return {"PK", "SK", f"GSI{number}PK", f"GSI{number}SK"}


@dataclass
class CatalogPage:
    summaries: list[Summary]
    keys: list[dict[str, str]]  # each summary's position in the Query, to resume after it
    last_key: dict[str, Any] | None


def catalog_page(sort: str, plan: Plan, *, limit: int, start: dict[str, Any] | None) -> CatalogPage:
    """Exactly one Query on the plan's catalog partition, newest/most popular/best rated first,
    evaluating at most ``limit`` entries."""
    index = (CatalogEntry.gsi1, CatalogEntry.gsi2, CatalogEntry.gsi3)[CATALOG_SORT_INDEX[sort] - 1]
    results = index.query(
        plan.partition,
        scan_index_forward=False,
        filter_condition=catalog_condition(plan),
        last_evaluated_key=start,
        page_size=limit,
    )
    page = next(results.page_iter, None) or {}
    entries = [CatalogEntry.from_raw_data(raw) for raw in page.get("Items", [])]
    names = catalog_key_names(sort)
    return CatalogPage(
        summaries=[entry_summary(entry) for entry in entries],
        keys=[{name: getattr(entry, name) for name in names} for entry in entries],
        last_key=results.page_iter.last_evaluated_key,
    )


def catalog_condition(plan: Plan) -> Condition | None:
    """The filter expression for what the plan's partition does not already guarantee."""
    conditions: list[Condition] = [
        getattr(CatalogEntry, name) == value for name, value in plan.equals.items()
    ]
    conditions += [CatalogEntry.terms.contains(f" {word} ") for word in plan.exact_words]
    if plan.prefix_word is not None:
        conditions.append(CatalogEntry.terms.contains(f" {plan.prefix_word}"))
    combined: Condition | None = None
    for condition in conditions:
        combined = condition if combined is None else combined & condition
    return combined


# -- erasure -----------------------------------------------------------------------------------


def instructor_courses(instructor_id: str) -> list[Course]:
    """Every course the instructor owns, any status: Queries on GSI1, all pages (eventually
    consistent, like every index read)."""
    return [
        to_course(item)
        for item in CourseItem.gsi1.query(CourseItem.instructor_partition(instructor_id))
        if isinstance(item, CourseItem)
    ]


def rename_instructor(course: Course, name: str) -> bool:
    """Show ``name`` as the course's instructor, on the course and (through a catalog refresh in
    the same transaction) in the catalog. Editors never write this attribute, so no version
    check is needed and none is taken from them. False when the course already shows ``name``,
    is gone, or changed owner."""
    item = keyed(CourseItem(course_id=course.id))
    condition = (CourseItem.instructor_id == course.instructor_id) & (
        CourseItem.instructor_name != name
    )
    try:
        with transaction() as tx:
            tx.update(item, actions=[CourseItem.instructor_name.set(name)], condition=condition)
            tx.save(catalog_refresh(course.id))
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True

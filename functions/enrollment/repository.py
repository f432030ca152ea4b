"""Enrollment data access. An enrollment lives in the learner's partition (``USER#<id>``), so
everything personal about a learner is one Query away; the course roster is an index on it.

- ``USER#<user_id> / ENROLLMENT#<course_id>`` — the enrollment and its progress.
  GSI1: ``COURSE#<course_id>#STUDENTS`` / ``<enrolled_at>#<user_id>`` (the roster).
  GSI2: ``USER#<user_id>#LEARNING`` / ``<last_activity_at>#<course_id>`` (the dashboard).
- ``USER#<user_id> / DASHBOARD`` — the dashboard's tiles that domains above enrollment keep (the
  unread notification count, a card per certificate held), read with the dashboard's courses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
)
from pynamodb.exceptions import TransactWriteError, UpdateError

from coursewave import db
from coursewave.db import Item, Key, condition_failed, key, keyed, transaction
from coursewave.events import OutboxEvent
from coursewave.users import PROFILE, User
from functions.courses import public as courses
from functions.courses.public import Course, LessonBody
from functions.enrollment.domain import Enrollment


class AlreadyEnrolled(Exception):
    def __init__(self, existing: Enrollment) -> None:
        super().__init__(existing.id)
        self.existing = existing


class NotEnrollable(Exception):
    """The course stopped being published (or went away) before the enrollment was written."""


class ConcurrentProgress(Exception):
    """The enrollment changed since it was read; read again and retry."""


class EnrollmentItem(Item, discriminator="Enrollment"):
    enrollment_id = UnicodeAttribute()
    user_id = UnicodeAttribute()
    course_id = UnicodeAttribute()
    user_name = UnicodeAttribute()
    user_email = UnicodeAttribute()
    status = UnicodeAttribute()
    source = UnicodeAttribute()
    enrolled_at = UnicodeAttribute()
    completed_at = UnicodeAttribute(null=True)
    completed_lesson_ids = UnicodeSetAttribute(null=True)
    last_lesson_id = UnicodeAttribute(null=True)
    last_position_seconds = NumberAttribute(null=True)
    last_activity_at = UnicodeAttribute()
    version = NumberAttribute(default=0)
    payment_id = UnicodeAttribute(null=True)  # the payment of a paid enrollment

    @staticmethod
    def key_of(user_id: str, course_id: str) -> Key:
        return key("USER", user_id), key("ENROLLMENT", course_id)

    @staticmethod
    def roster_partition(course_id: str) -> str:
        return key("COURSE", course_id, "STUDENTS")

    @staticmethod
    def learning_partition(user_id: str) -> str:
        return key("USER", user_id, "LEARNING")

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.user_id, self.course_id)
        return {
            "PK": pk,
            "SK": sk,
            "GSI1PK": self.roster_partition(self.course_id),
            "GSI1SK": f"{self.enrolled_at}#{self.user_id}",
            "GSI2PK": self.learning_partition(self.user_id),
            "GSI2SK": f"{self.last_activity_at}#{self.course_id}",
        }


def to_enrollment(item: EnrollmentItem) -> Enrollment:
    return Enrollment(
        id=item.enrollment_id,
        user_id=item.user_id,
        course_id=item.course_id,
        user_name=item.user_name,
        user_email=item.user_email,
        status=item.status,
        source=item.source,
        enrolled_at=item.enrolled_at,
        completed_at=item.completed_at,
        completed_lesson_ids=set(item.completed_lesson_ids or ()),
        last_lesson_id=item.last_lesson_id,
        last_position_seconds=(
            None if item.last_position_seconds is None else int(item.last_position_seconds)
        ),
        last_activity_at=item.last_activity_at,
        version=int(item.version or 0),
        payment_id=item.payment_id,
    )


def _item(enrollment: Enrollment) -> EnrollmentItem:
    return keyed(
        EnrollmentItem(
            enrollment_id=enrollment.id,
            user_id=enrollment.user_id,
            course_id=enrollment.course_id,
            user_name=enrollment.user_name,
            user_email=enrollment.user_email,
            status=enrollment.status,
            source=enrollment.source,
            enrolled_at=enrollment.enrolled_at,
            completed_at=enrollment.completed_at,
            completed_lesson_ids=set(enrollment.completed_lesson_ids) or None,
            last_lesson_id=enrollment.last_lesson_id,
            last_position_seconds=enrollment.last_position_seconds,
            last_activity_at=enrollment.last_activity_at,
            version=enrollment.version,
            payment_id=enrollment.payment_id,
        )
    )


@dataclass(frozen=True)
class Seen:
    """A course with what one caller brings to it, read together."""

    course_id: str | None
    course: Course | None
    enrollment: Enrollment | None
    body: LessonBody | None  # the lesson asked for
    user: User | None  # the caller's user record, when asked for


def read(
    ref: str,
    user_id: str | None,
    *,
    lesson_id: str | None = None,
    with_user: bool = False,
) -> Seen:
    """The course ``ref`` (id or slug), the caller's enrollment in it, the body of
    ``lesson_id`` and the caller's user record (``with_user``): one BatchGetItem (two for a
    slug new to this instance)."""
    user_key: Key = (User.pk(user_id or ""), PROFILE)
    extra = (lambda cid: [EnrollmentItem.key_of(user_id, cid)]) if user_id else (lambda _: [])
    found = courses.read_course(
        ref,
        extra,
        lessons=[lesson_id] if lesson_id is not None else [],
        first=[user_key] if with_user and user_id else [],
    )
    enrollment = None
    if user_id is not None and found.course_id is not None:
        item = db.decode(
            EnrollmentItem, found.extra.get(EnrollmentItem.key_of(user_id, found.course_id))
        )
        enrollment = to_enrollment(item) if item is not None else None
        if enrollment is not None and enrollment.is_revoked:
            enrollment = None  # a refunded enrollment opens nothing: as if there were none
    return Seen(
        course_id=found.course_id,
        course=found.course,
        enrollment=enrollment,
        body=found.bodies.get(lesson_id) if lesson_id is not None else None,
        user=db.decode(User, found.extra.get(user_key)) if with_user and user_id else None,
    )


def enrollments_partition(user_id: str) -> str:
    """The learner's partition, where their enrollments are (a cursor is pinned to it)."""
    return key("USER", user_id)


def roster_partition(course_id: str) -> str:
    """The roster index partition of a course (a cursor is pinned to it)."""
    return EnrollmentItem.roster_partition(course_id)


def insert(enrollment: Enrollment, event: OutboxEvent) -> None:
    """Enroll exactly once: the enrollment, +1 on the course's count and the event, atomically.

    ``AlreadyEnrolled`` carries the existing enrollment (returned by the failed condition, so
    no extra read); ``NotEnrollable`` when the course is no longer published.
    """
    try:
        with transaction() as tx:
            tx.save(
                _item(enrollment),
                condition=EnrollmentItem.PK.does_not_exist(),
                return_values="ALL_OLD",
            )
            courses.count_enrollment(tx, enrollment.course_id, 1)
            tx.save(event)
    except TransactWriteError as exc:
        for reason in exc.cancellation_reasons or ():
            if reason is not None and reason.code == "ConditionalCheckFailed" and reason.raw_item:
                existing = EnrollmentItem.from_raw_data(reason.raw_item)
                raise AlreadyEnrolled(to_enrollment(existing)) from exc
        if condition_failed(exc):
            raise NotEnrollable(enrollment.course_id) from exc
        raise


def save_progress(enrollment: Enrollment, events: list[OutboxEvent]) -> None:
    """Write progress if the enrollment is as it was read (``version``), with its events."""
    item = _item(enrollment)
    item.version = enrollment.version + 1
    try:
        with transaction() as tx:
            tx.save(item, condition=EnrollmentItem.version == enrollment.version)
            for event in events:
                tx.save(event)
    except TransactWriteError as exc:
        if condition_failed(exc):
            raise ConcurrentProgress(enrollment.id) from exc
        raise
    enrollment.version += 1


def roster_page(
    course_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[Enrollment], dict[str, Any] | None]:
    """One Query on the roster index, in enrollment order."""
    results = EnrollmentItem.gsi1.query(
        EnrollmentItem.roster_partition(course_id),
        last_evaluated_key=start,
        page_size=limit,
    )
    page = next(results.page_iter, None) or {}
    found = [to_enrollment(EnrollmentItem.from_raw_data(raw)) for raw in page.get("Items", [])]
    return found, results.page_iter.last_evaluated_key


def learner_page(
    user_id: str, limit: int, start: dict[str, Any] | None
) -> tuple[list[Enrollment], dict[str, Any] | None]:
    """One consistent Query on the learner's partition (enrollments by course id)."""
    results = EnrollmentItem.query(
        enrollments_partition(user_id),
        EnrollmentItem.SK.startswith("ENROLLMENT#"),
        consistent_read=True,
        last_evaluated_key=start,
        page_size=limit,
    )
    page = next(results.page_iter, None) or {}
    found = [to_enrollment(EnrollmentItem.from_raw_data(raw)) for raw in page.get("Items", [])]
    return found, results.page_iter.last_evaluated_key


def recently_active(user_id: str, limit: int) -> list[Enrollment]:
    """The learner's enrollments, most recently active first (one Query on GSI2)."""
    results = EnrollmentItem.gsi2.query(
        EnrollmentItem.learning_partition(user_id), scan_index_forward=False, page_size=limit
    )
    page = next(results.page_iter, None) or {}
    return [to_enrollment(EnrollmentItem.from_raw_data(raw)) for raw in page.get("Items", [])]


# -- erasure -----------------------------------------------------------------------------------


def learner_enrollments(user_id: str) -> list[Enrollment]:
    """Every enrollment of the learner: consistent Queries on their partition, all pages."""
    return [
        to_enrollment(item)
        for item in EnrollmentItem.query(
            enrollments_partition(user_id),
            EnrollmentItem.SK.startswith("ENROLLMENT#"),
            consistent_read=True,
        )
        if isinstance(item, EnrollmentItem)
    ]


def anonymise(enrollment: Enrollment, name: str, email: str) -> None:
    """Replace the learner's name and email on one enrollment; progress stays.

    ``version`` moves on, so a progress write that read the enrollment before (a full put guarded
    by the version it read) fails and retries on the anonymised copy instead of restoring the
    old name. An enrollment deleted meanwhile is not recreated.
    """
    try:
        _item(enrollment).update(
            actions=[
                EnrollmentItem.user_name.set(name),
                EnrollmentItem.user_email.set(email),
                EnrollmentItem.version.add(1),
            ],
            condition=EnrollmentItem.PK.exists(),
        )
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


# -- paid enrollments (called by the payments domain through ``public``) ------------------------


def enrollment_key(user_id: str, course_id: str) -> Key:
    return EnrollmentItem.key_of(user_id, course_id)


def decode(raw: dict[str, Any] | None) -> Enrollment | None:
    item = db.decode(EnrollmentItem, raw)
    return to_enrollment(item) if item is not None else None


def add_paid(tx: Any, enrollment: Enrollment, event: OutboxEvent) -> None:
    """Add a paid enrollment to ``tx``: written if the learner has none or only a revoked one
    (the natural key makes it exactly once), +1 on the course's count, and its event."""
    tx.save(
        _item(enrollment),
        condition=EnrollmentItem.PK.does_not_exist() | (EnrollmentItem.status == "revoked"),
    )
    courses.count_enrollment(tx, enrollment.course_id, 1, require_published=False)
    tx.save(event)


def add_revocation(
    tx: Any, user_id: str, course_id: str, payment_id: str, event: OutboxEvent
) -> None:
    """Add to ``tx``: the enrollment bought by ``payment_id`` becomes revoked, -1 on the count."""
    item = keyed(EnrollmentItem(user_id=user_id, course_id=course_id))
    tx.update(
        item,
        actions=[EnrollmentItem.status.set("revoked"), EnrollmentItem.version.add(1)],
        condition=EnrollmentItem.payment_id == payment_id,
    )
    courses.count_enrollment(tx, course_id, -1)
    tx.save(event)


# -- dashboard tiles (kept by the domains above through ``public``) -----------------------------


class TilesItem(Item, discriminator="DashboardTiles"):
    """What domains above enrollment show on the learner's dashboard: the unread notification
    count and a card per certificate held, in one item the dashboard reads in the same
    BatchGetItem as its courses."""

    user_id = UnicodeAttribute()
    unread = NumberAttribute(default=0)
    certificates = MapAttribute(default=dict)  # certificate id → card (JSON object)

    @staticmethod
    def key_of(user_id: str) -> Key:
        return key("USER", user_id), "DASHBOARD"

    def keys(self) -> dict[str, str | None]:
        pk, sk = self.key_of(self.user_id)
        return {"PK": pk, "SK": sk}


@dataclass(frozen=True)
class Tiles:
    notifications_unread: int
    certificates: list[dict[str, Any]]


def dashboard_courses(user_id: str, course_ids: list[str]) -> tuple[dict[str, Course], Tiles]:
    """The courses by id and the learner's tiles: one BatchGetItem."""
    tile_key = TilesItem.key_of(user_id)
    by_id, extra = courses.courses_with(course_ids, [tile_key])
    item = db.decode(TilesItem, extra.get(tile_key))
    if item is None:
        return by_id, Tiles(notifications_unread=0, certificates=[])
    cards = sorted(
        item.certificates.as_dict().values(),
        key=lambda card: (str(card.get("issued_at", "")), str(card.get("id", ""))),
        reverse=True,
    )
    return by_id, Tiles(notifications_unread=max(0, int(item.unread or 0)), certificates=cards)


def _tile_actions(user_id: str) -> list[Any]:
    """Every tile write creates the item whole: the discriminator, the owner, an empty map."""
    return [
        TilesItem.user_id.set(user_id),
        TilesItem.entity.set(TilesItem),  # an update writes no discriminator itself
        TilesItem.certificates.set(TilesItem.certificates | {}),
    ]


def _tiles(user_id: str) -> TilesItem:
    return keyed(TilesItem(user_id=user_id))


def add_unread_change(tx: Any, user_id: str, delta: int) -> None:
    tx.update(_tiles(user_id), actions=[*_tile_actions(user_id), TilesItem.unread.add(delta)])


def add_unread_reset(tx: Any, user_id: str) -> None:
    tx.update(_tiles(user_id), actions=[*_tile_actions(user_id), TilesItem.unread.set(0)])


def ensure_tiles(user_id: str) -> None:
    """Create the tiles item if it is missing (a nested map path needs its map to exist)."""
    _tiles(user_id).update(actions=_tile_actions(user_id))


def add_certificate_card(tx: Any, user_id: str, certificate_id: str, card: dict[str, Any]) -> None:
    tx.update(_tiles(user_id), actions=[TilesItem.certificates[certificate_id].set(card)])


def add_certificate_card_removal(tx: Any, user_id: str, certificate_id: str) -> None:
    tx.update(_tiles(user_id), actions=[TilesItem.certificates[certificate_id].remove()])

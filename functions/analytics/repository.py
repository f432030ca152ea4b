"""Storage of the analytics counters (docs/data-model.md, "Analytics").

- ``STATS#PLATFORM`` / ``DAY#<day>``: the platform's counters of one day.
- ``STATS#COURSE#<course_id>`` / ``DAY#<day>``: one course's counters of one day, also on GSI1
  (``STATS#COURSE-DAYS`` / ``<day>#<course_id>``) so every course's days in a range are one Query.
- ``STATS#COURSE#<course_id>`` / ``LESSON#<lesson_id>``: a lesson's completions and watch time.
- ``STATS#COUNTED#<event_id>`` / ``COUNTED``: the marker that an event was counted, written in
  the same transaction as its counters (so a redelivery counts nothing), expiring after 30 days
  (longer than any redelivery: SQS keeps a message 14 days at most).

Counters change only by ``ADD`` in an update: concurrent events never overwrite each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import TransactWriteError

from coursewave.clock import now
from coursewave.db import Item, condition_failed, key, keyed, transaction
from functions.analytics.domain import COUNTERS, LESSON_COUNTERS, DateRange, Increment

PLATFORM = "PLATFORM"
COURSE_DAYS = "STATS#COURSE-DAYS"
COUNTED_RETENTION = timedelta(days=30)


def _partition(course_id: str | None) -> str:
    return key("STATS", PLATFORM) if course_id is None else key("STATS", "COURSE", course_id)


class _Counters(Item):
    new_users = NumberAttribute(null=True)
    enrollments = NumberAttribute(null=True)
    revocations = NumberAttribute(null=True)
    completions = NumberAttribute(null=True)
    lesson_completions = NumberAttribute(null=True)
    watch_seconds = NumberAttribute(null=True)

    def counts(self, names: tuple[str, ...] = COUNTERS) -> dict[str, int]:
        return {name: int(getattr(self, name) or 0) for name in names}


class DayCounterItem(_Counters, discriminator="StatsDay"):
    day = UnicodeAttribute()
    course_id = UnicodeAttribute(null=True)  # None: the platform's

    def keys(self) -> dict[str, str | None]:
        found = {"PK": _partition(self.course_id), "SK": key("DAY", self.day)}
        if self.course_id is not None:
            found |= {"GSI1PK": COURSE_DAYS, "GSI1SK": f"{self.day}#{self.course_id}"}
        return found


class LessonCounterItem(_Counters, discriminator="StatsLesson"):
    course_id = UnicodeAttribute()
    lesson_id = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": _partition(self.course_id), "SK": key("LESSON", self.lesson_id)}


class CountedItem(Item, discriminator="StatsCounted"):
    event_id = UnicodeAttribute()

    def keys(self) -> dict[str, str | None]:
        return {"PK": key("STATS", "COUNTED", self.event_id), "SK": "COUNTED"}


def _add(model: type[_Counters], counter: str, amount: int) -> Any:
    return getattr(model, counter).add(amount)


def count(event_id: str, change: Increment) -> bool:
    """Apply one event's increment exactly once; False when the event was counted before."""
    marker = CountedItem(event_id=event_id, expires_at=now() + COUNTED_RETENTION)
    try:
        with transaction() as tx:
            tx.save(marker, condition=CountedItem.PK.does_not_exist())
            for course_id in (None, change.course_id) if change.course_id else (None,):
                item = keyed(DayCounterItem(day=change.day, course_id=course_id))
                actions = [
                    _add(DayCounterItem, change.counter, change.amount),
                    DayCounterItem.day.set(change.day),
                    DayCounterItem.entity.set(DayCounterItem),
                ]
                if course_id is not None:
                    actions += [
                        DayCounterItem.course_id.set(course_id),
                        DayCounterItem.GSI1PK.set(item.GSI1PK),
                        DayCounterItem.GSI1SK.set(item.GSI1SK),
                    ]
                tx.update(item, actions=actions)
            if change.course_id and change.lesson_id and change.counter in LESSON_COUNTERS:
                lesson = keyed(
                    LessonCounterItem(course_id=change.course_id, lesson_id=change.lesson_id)
                )
                tx.update(
                    lesson,
                    actions=[
                        _add(LessonCounterItem, change.counter, change.amount),
                        LessonCounterItem.course_id.set(change.course_id),
                        LessonCounterItem.lesson_id.set(change.lesson_id),
                        LessonCounterItem.entity.set(LessonCounterItem),
                    ],
                )
    except TransactWriteError as exc:
        if condition_failed(exc):
            return False
        raise
    return True


def _days(partition: str, span: DateRange) -> dict[str, dict[str, int]]:
    found = DayCounterItem.query(
        partition, DayCounterItem.SK.between(key("DAY", span.first), key("DAY", span.last))
    )
    return {item.day: item.counts() for item in found if isinstance(item, DayCounterItem)}


def platform_days(span: DateRange) -> dict[str, dict[str, int]]:
    """The platform's counters by day within ``span``: one Query."""
    return _days(_partition(None), span)


def course_counters(
    course_id: str, span: DateRange
) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]]:
    """One course's counters by day within ``span`` and each lesson's since the course began,
    in one Query: ``DAY#`` sorts before ``LESSON#`` in the course's partition, so the range from
    the first day to the last lesson holds both (days after ``span`` are read and left out)."""
    days: dict[str, dict[str, int]] = {}
    lessons: dict[str, dict[str, int]] = {}
    found = Item.query(
        _partition(course_id),
        Item.SK.between(key("DAY", span.first), key("LESSON", "\uffff")),
    )
    last = span.last.isoformat()
    for item in found:
        if isinstance(item, DayCounterItem) and item.day <= last:
            days[item.day] = item.counts()
        elif isinstance(item, LessonCounterItem):
            lessons[item.lesson_id] = item.counts(LESSON_COUNTERS)
    return days, lessons


def every_course_day(span: DateRange) -> Iterator[tuple[str, str, dict[str, int]]]:
    """``(course_id, day, counters)`` of every course with activity within ``span``: one Query
    on GSI1 (paged by DynamoDB)."""
    found = DayCounterItem.gsi1.query(
        COURSE_DAYS,
        DayCounterItem.GSI1SK.between(f"{span.first}#", f"{span.last}$"),  # "$" sorts after "#"
    )
    for item in found:
        if isinstance(item, DayCounterItem) and item.course_id:
            yield item.course_id, item.day, item.counts()

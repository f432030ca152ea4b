"""Pure rules of the analytics domain: which event moves which counter, date ranges, and the
shapes the statistics are aggregated into. No I/O here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

MAX_RANGE_DAYS = 366
DEFAULT_RANGE_DAYS = 30

# Every counter kept per day (platform-wide and per course) and, for the lesson ones, per lesson.
NEW_USERS = "new_users"
ENROLLMENTS = "enrollments"
REVOCATIONS = "revocations"
COMPLETIONS = "completions"
LESSON_COMPLETIONS = "lesson_completions"
WATCH_SECONDS = "watch_seconds"
COUNTERS = (NEW_USERS, ENROLLMENTS, REVOCATIONS, COMPLETIONS, LESSON_COMPLETIONS, WATCH_SECONDS)
LESSON_COUNTERS = (LESSON_COMPLETIONS, WATCH_SECONDS)


@dataclass(frozen=True)
class CounterRule:
    """How one event moves one counter: on the day of its ``at`` field, by 1 or by the value of
    ``amount`` in its data."""

    counter: str
    at: str
    amount: str | None = None


# The events the counters consumer listens to (functions/registry.py lists the same names).
RULES: Mapping[str, CounterRule] = {
    "UserRegistered": CounterRule(NEW_USERS, at="registered_at"),
    "EnrollmentCreated": CounterRule(ENROLLMENTS, at="enrolled_at"),
    "EnrollmentRevoked": CounterRule(REVOCATIONS, at="revoked_at"),
    "CourseCompleted": CounterRule(COMPLETIONS, at="completed_at"),
    "LessonCompleted": CounterRule(LESSON_COMPLETIONS, at="completed_at"),
    "WatchTimeRecorded": CounterRule(WATCH_SECONDS, at="recorded_at", amount="seconds"),
}


@dataclass(frozen=True)
class Increment:
    """What one event adds: ``amount`` to ``counter`` on ``day`` for the platform, and for the
    course (and its lesson) when the event names one."""

    counter: str
    amount: int
    day: str
    course_id: str | None
    lesson_id: str | None


class NotCounted(ValueError):
    """An event no counter rule applies to, or whose data lacks what its rule needs."""


def increment(detail_type: str, data: Mapping[str, object]) -> Increment:
    rule = RULES.get(detail_type)
    if rule is None:
        raise NotCounted(f"no counter rule for {detail_type!r}")
    at = data.get(rule.at)
    if not isinstance(at, str) or len(at) < 10:
        raise NotCounted(f"{detail_type} has no {rule.at}")
    amount = data.get(rule.amount) if rule.amount else 1
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise NotCounted(f"{detail_type} has no whole {rule.amount}")
    course_id = data.get("course_id")
    lesson_id = data.get("lesson_id") if rule.counter in LESSON_COUNTERS else None
    return Increment(
        counter=rule.counter,
        amount=amount,
        day=day_of(at),
        course_id=str(course_id) if course_id else None,
        lesson_id=str(lesson_id) if lesson_id else None,
    )


def day_of(timestamp: str) -> str:
    """The UTC day (``YYYY-MM-DD``) of an ISO 8601 UTC timestamp."""
    return date.fromisoformat(timestamp[:10]).isoformat()


# -- date ranges -------------------------------------------------------------------------------


class BadRange(ValueError):
    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(message)
        self.field = field_name
        self.message = message


@dataclass(frozen=True)
class DateRange:
    """Whole UTC days, both ends included."""

    first: date
    last: date

    @property
    def days(self) -> list[str]:
        count = (self.last - self.first).days + 1
        return [(self.first + timedelta(days=n)).isoformat() for n in range(count)]

    @property
    def start(self) -> str:
        """The first instant of the range (ISO 8601 UTC)."""
        return f"{self.first.isoformat()}T00:00:00Z"

    @property
    def end(self) -> str:
        """The first instant after the range (exclusive)."""
        return f"{(self.last + timedelta(days=1)).isoformat()}T00:00:00Z"


def _parse_day(field_name: str, value: str) -> date:
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise BadRange(field_name, "must be a date (YYYY-MM-DD) or an ISO 8601 timestamp") from None


def date_range(from_: str | None, to: str | None, today: date) -> DateRange:
    """``from``/``to`` as days (a timestamp counts as its day); defaults: the last 30 days to
    today. At most ``MAX_RANGE_DAYS`` days, ``from`` not after ``to``."""
    last = _parse_day("to", to) if to else today
    first = _parse_day("from", from_) if from_ else last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if first > last:
        raise BadRange("from", "must not be after to")
    if (last - first).days + 1 > MAX_RANGE_DAYS:
        raise BadRange("to", f"the range may span at most {MAX_RANGE_DAYS} days")
    return DateRange(first, last)


# -- aggregation -------------------------------------------------------------------------------


def zero() -> dict[str, int]:
    return dict.fromkeys(COUNTERS, 0)


def by_day(rows: Mapping[str, Mapping[str, int]], span: DateRange) -> list[dict[str, object]]:
    """One entry per day of the range (days without activity are zeros), oldest first."""
    return [{"day": day, **zero(), **dict(rows.get(day, {}))} for day in span.days]


def totals(rows: Iterable[Mapping[str, int]]) -> dict[str, int]:
    summed = zero()
    for row in rows:
        for name in COUNTERS:
            summed[name] += int(row.get(name, 0))
    return summed


@dataclass
class Money:
    """Sums over ledger entries in one currency (minor units)."""

    currency: str
    gross: int = 0
    fees: int = 0
    commission: int = 0
    net: int = 0
    count: int = 0
    refunded_count: int = 0
    refunded_gross: int = 0

    def add(self, entry: LedgerLine) -> None:
        if entry.refunded:
            self.refunded_count += 1
            self.refunded_gross += entry.gross
            return
        self.gross += entry.gross
        self.fees += entry.provider_fee
        self.commission += entry.commission
        self.net += entry.instructor_net
        self.count += 1


@dataclass(frozen=True)
class LedgerLine:
    """What the revenue statistics read of a ledger entry (payments' ``LedgerEntry``)."""

    course_id: str
    provider: str
    currency: str
    gross: int
    provider_fee: int
    commission: int
    instructor_net: int
    succeeded_at: str
    refunded: bool


@dataclass
class Revenue:
    """Revenue grouped four ways; a refunded payment counts only in the ``refunded_*`` sums (of
    the day it succeeded on)."""

    by_day: dict[tuple[str, str], Money] = field(default_factory=dict)
    by_course: dict[tuple[str, str], Money] = field(default_factory=dict)
    by_provider: dict[tuple[str, str], Money] = field(default_factory=dict)
    by_currency: dict[str, Money] = field(default_factory=dict)

    @classmethod
    def of(cls, entries: Iterable[LedgerLine]) -> Revenue:
        revenue = cls()
        for entry in entries:
            currency = entry.currency
            for group, group_key in (
                (revenue.by_day, (day_of(entry.succeeded_at), currency)),
                (revenue.by_course, (entry.course_id, currency)),
                (revenue.by_provider, (entry.provider, currency)),
            ):
                group.setdefault(group_key, Money(currency)).add(entry)  # type: ignore[attr-defined]
            revenue.by_currency.setdefault(currency, Money(currency)).add(entry)
        return revenue


def completion_percent(completions: int, enrollments: int) -> int:
    """Share of the course's learners who completed a lesson (0 without learners, ≤ 100)."""
    if enrollments <= 0:
        return 0
    return min(100, round(100 * completions / enrollments))


# -- the event lake ----------------------------------------------------------------------------

# Personal data never enters the lake (S3 objects cannot be edited per person): fields of
# these names, or ending in one of the suffixes, are left out of every record.
REDACTED_FIELDS = frozenset({"email", "name", "phone"})
REDACTED_SUFFIXES = ("_email", "_name", "_phone")


def _redacted(value: object) -> object:
    if isinstance(value, dict):
        return {
            k: _redacted(v)
            for k, v in value.items()
            if k not in REDACTED_FIELDS and not k.endswith(REDACTED_SUFFIXES)
        }
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value


class NotAnEvent(ValueError):
    """A message that is not a platform event in its envelope."""


def lake_record(event: Mapping[str, object]) -> dict[str, object]:
    """One line of the lake: the envelope flattened (the Glue table's columns), ``data`` as
    the event carried it minus personal fields."""
    detail = event.get("detail")
    if not isinstance(detail, dict) or not isinstance(detail.get("metadata"), dict):
        raise NotAnEvent("no detail.metadata")
    metadata = detail["metadata"]
    event_id, occurred_at = metadata.get("event_id"), metadata.get("occurred_at")
    if not isinstance(event_id, str) or not event_id or not isinstance(occurred_at, str):
        raise NotAnEvent("no event_id or occurred_at")
    return {
        "event_id": event_id,
        "source": str(event.get("source", "")),
        "detail_type": str(event.get("detail-type", "")),
        "version": metadata.get("version"),
        "occurred_at": occurred_at,
        "correlation_id": metadata.get("correlation_id"),
        "data": _redacted(detail.get("data") or {}),
    }

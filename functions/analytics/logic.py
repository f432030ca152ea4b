"""Analytics use cases: counting events once, and the statistics read from the counters and,
for money, from the payments ledger (``functions.payments.public``): revenue is never counted
here, so it cannot disagree with the ledger."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from coursewave.clock import now
from coursewave.errors import NotFound, ValidationFailed
from coursewave.observability import logger, metrics
from coursewave.users import Principal
from functions.analytics import domain, repository
from functions.analytics.domain import DateRange, LedgerLine, Money, Revenue
from functions.courses import public as courses
from functions.payments import public as payments

COURSE_RANKING_LIMIT = 100


def count(detail_type: str, event_id: str, data: dict[str, Any]) -> bool:
    """Move the event's counter once; False for a repeat (already counted). Raises
    ``domain.NotCounted`` for an event no rule can count (a poison message)."""
    change = domain.increment(detail_type, data)
    counted = repository.count(event_id, change)
    if counted:
        metrics.add_metric(name="StatsEventCounted", unit="Count", value=1)
    else:
        logger.info("event already counted", extra={"event_id": event_id})
    return counted


def span(from_: str | None, to: str | None) -> DateRange:
    try:
        return domain.date_range(from_, to, now().date())
    except domain.BadRange as exc:
        raise ValidationFailed.for_field(exc.field, exc.message) from exc


def _ledger(period: DateRange) -> list[LedgerLine]:
    return [
        LedgerLine(
            course_id=entry.course_id,
            provider=entry.provider,
            currency=entry.currency,
            gross=entry.gross,
            provider_fee=entry.provider_fee,
            commission=entry.commission,
            instructor_net=entry.instructor_net,
            succeeded_at=entry.succeeded_at,
            refunded=entry.refunded,
        )
        for entry in payments.ledger_entries(period.start, period.end)
    ]


def _money(group: dict[Any, Money], *labels: str) -> list[dict[str, Any]]:
    """Each group's sums, with its key spelled out under ``labels`` (the last is the currency,
    which ``Money`` carries itself)."""
    rows = []
    for group_key, sums in sorted(group.items()):
        parts = group_key if isinstance(group_key, tuple) else (group_key,)
        rows.append({**dict(zip(labels, parts, strict=True)), **asdict(sums)})
    return rows


def overview(period: DateRange) -> dict[str, Any]:
    """The platform by day: counters and revenue per currency (two Queries)."""
    days = repository.platform_days(period)
    revenue = Revenue.of(_ledger(period))
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "totals": domain.totals(days.values()),
        "revenue": _money(revenue.by_currency, "currency"),
        "days": domain.by_day(days, period),
        "revenue_by_day": _money(revenue.by_day, "day", "currency"),
    }


def revenue(period: DateRange) -> dict[str, Any]:
    """Revenue from the ledger grouped by day, course, provider and currency (one Query)."""
    found = Revenue.of(_ledger(period))
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "totals": _money(found.by_currency, "currency"),
        "by_day": _money(found.by_day, "day", "currency"),
        "by_course": _money(found.by_course, "course_id", "currency"),
        "by_provider": _money(found.by_provider, "provider", "currency"),
    }


def course_ranking(period: DateRange, limit: int) -> dict[str, Any]:
    """Courses with activity in the range, most enrollments first, with their counters (a GSI
    Query and one BatchGet for the titles; revenue per course is ``revenue``'s ``by_course``)."""
    per_course: dict[str, list[dict[str, int]]] = {}
    for course_id, _, counts in repository.every_course_day(period):
        per_course.setdefault(course_id, []).append(counts)
    totals = {course_id: domain.totals(rows) for course_id, rows in per_course.items()}
    ranked = sorted(totals, key=lambda c: (-totals[c][domain.ENROLLMENTS], c))[:limit]
    titles = courses.courses_by_id(ranked)
    return {
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "course_count": len(totals),
        "items": [
            {
                "course_id": course_id,
                "title": titles[course_id].title if course_id in titles else None,
                **totals[course_id],
            }
            for course_id in ranked
        ],
    }


def course_stats(principal: Principal, course_id: str, period: DateRange) -> dict[str, Any]:
    """One course for its owner or an admin: enrollments and completions by day, each lesson's
    completions (drop-off along the outline) and watch time, and the rating (a GetItem and one
    Query)."""
    if not courses.is_course_id(course_id):
        raise NotFound("No such course.")
    course = courses.managed(courses.course(course_id), principal)
    days, lessons = repository.course_counters(course.id, period)
    learners = course.enrollment_count
    outline = []
    for position, lesson in enumerate(course.lessons, 1):
        counts = lessons.get(lesson.id, {})
        completed = counts.get(domain.LESSON_COMPLETIONS, 0)
        outline.append(
            {
                "lesson_id": lesson.id,
                "title": lesson.title,
                "position": position,
                "completions": completed,
                "completion_percent": domain.completion_percent(completed, learners),
                "watch_seconds": counts.get(domain.WATCH_SECONDS, 0),
            }
        )
    return {
        "course_id": course.id,
        "from": period.first.isoformat(),
        "to": period.last.isoformat(),
        "enrollment_count": learners,
        "totals": domain.totals(days.values()),
        "days": domain.by_day(days, period),
        "lessons": outline,
        "rating": (
            {"average": course.rating_average, "count": course.rating_count}
            if course.rating_count
            else None
        ),
    }

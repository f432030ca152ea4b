"""Query and response models of the statistics routes (API.md "Admin")."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from coursewave.models import Out, Strict

RANGE_HELP = "a day (YYYY-MM-DD) or an ISO 8601 UTC timestamp (its day); at most 366 days"


class RangeQuery(Strict):
    from_: str | None = Field(
        default=None, alias="from", max_length=40, description=f"first day, {RANGE_HELP}"
    )
    to: str | None = Field(default=None, max_length=40, description=f"last day, {RANGE_HELP}")


class CourseRankingQuery(RangeQuery):
    limit: int = Field(default=20, ge=1, le=100)


class Counters(Out):
    new_users: int
    enrollments: int
    revocations: int
    completions: int
    lesson_completions: int
    watch_seconds: int


class Day(Counters):
    day: str


class MoneySums(Out):
    """Sums in one currency, in minor units; refunded payments count only in ``refunded_*``."""

    currency: str
    gross: int
    fees: int
    commission: int
    net: int
    count: int
    refunded_count: int
    refunded_gross: int


class DayMoney(MoneySums):
    day: str


class CourseMoney(MoneySums):
    course_id: str


class ProviderMoney(MoneySums):
    provider: str


class _Range(Out):
    model_config = ConfigDict(defer_build=True, serialize_by_alias=True)

    from_: str = Field(alias="from", description="first day of the range (YYYY-MM-DD)")
    to: str = Field(description="last day of the range, included")


class Overview(_Range):
    totals: Counters
    revenue: list[MoneySums]
    days: list[Day]
    revenue_by_day: list[DayMoney]


class PaymentStats(_Range):
    totals: list[MoneySums]
    by_day: list[DayMoney]
    by_course: list[CourseMoney]
    by_provider: list[ProviderMoney]


class RankedCourse(Counters):
    course_id: str
    title: str | None = Field(description="null for a course that no longer exists")


class CourseRanking(_Range):
    course_count: int = Field(description="courses with activity in the range")
    items: list[RankedCourse] = Field(description="most enrollments first, up to `limit`")


class LessonStats(Out):
    lesson_id: str
    title: str
    position: int
    completions: int = Field(description="learners who completed it (since the course began)")
    completion_percent: int = Field(description="of the course's learners: the drop-off curve")
    watch_seconds: int


class Rating(Out):
    average: float
    count: int


class CourseStats(_Range):
    course_id: str
    enrollment_count: int
    totals: Counters
    days: list[Day]
    lessons: list[LessonStats]
    rating: Rating | None

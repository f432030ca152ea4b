"""Statistics routes (API.md "Admin"): the platform's, every course's and the revenue's, for
admins; one course's for its owner (and admins)."""

from __future__ import annotations

from coursewave.api import Api, roles, signed_in
from coursewave.users import Principal
from functions.analytics import logic
from functions.analytics.models import (
    CourseRanking,
    CourseRankingQuery,
    CourseStats,
    Overview,
    PaymentStats,
    RangeQuery,
)

app = Api("analytics")
lambda_handler = app.lambda_handler

ADMIN = roles("admin")


@app.route(
    "GET",
    "/v1/admin/stats/overview",
    access=ADMIN,
    summary="The platform by day: new users, enrollments, completions, watch time, revenue",
    query=RangeQuery,
    response=Overview,
)
def overview(query: RangeQuery) -> Overview:
    return Overview.model_validate(logic.overview(logic.span(query.from_, query.to)))


@app.route(
    "GET",
    "/v1/admin/stats/courses",
    access=ADMIN,
    summary="Courses with activity in the range, most enrollments first, with their revenue",
    query=CourseRankingQuery,
    response=CourseRanking,
)
def courses(query: CourseRankingQuery) -> CourseRanking:
    period = logic.span(query.from_, query.to)
    return CourseRanking.model_validate(logic.course_ranking(period, query.limit))


@app.route(
    "GET",
    "/v1/admin/stats/payments",
    access=ADMIN,
    summary="Revenue from the ledger by day, course, provider and currency",
    query=RangeQuery,
    response=PaymentStats,
)
def payments(query: RangeQuery) -> PaymentStats:
    return PaymentStats.model_validate(logic.revenue(logic.span(query.from_, query.to)))


@app.route(
    "GET",
    "/v1/courses/{id}/stats",
    access=signed_in("the course's instructor, admins"),
    summary="One course: enrollments and completions by day, drop-off per lesson, watch time",
    query=RangeQuery,
    response=CourseStats,
    errors=(403, 404),
)
def course_stats(id: str, query: RangeQuery, principal: Principal) -> CourseStats:
    period = logic.span(query.from_, query.to)
    return CourseStats.model_validate(logic.course_stats(principal, id, period))

"""The authorization matrix of every analytics route, for every persona; a refusal writes
nothing (tests/support/matrix.py)."""

from __future__ import annotations

import pytest

from tests.integration.courses.builders import build_course
from tests.support.cloud import Platform
from tests.support.matrix import Case, run
from tests.support.personas import Personas

ADMIN_ONLY = [
    Case("anonymous", 401),
    Case("student", 403, "FORBIDDEN"),
    Case("other_student", 403, "FORBIDDEN"),
    Case("instructor", 403, "FORBIDDEN"),
    Case("owner", 403, "FORBIDDEN"),
    Case("banned", 403),
    Case("admin", 200),
]


@pytest.mark.authz("GET /v1/admin/stats/overview")
def test_overview_is_for_admins(platform: Platform, personas: Personas) -> None:
    run(platform, personas, "GET", "/v1/admin/stats/overview", ADMIN_ONLY)


@pytest.mark.authz("GET /v1/admin/stats/courses")
def test_course_ranking_is_for_admins(platform: Platform, personas: Personas) -> None:
    run(platform, personas, "GET", "/v1/admin/stats/courses?limit=5", ADMIN_ONLY)


@pytest.mark.authz("GET /v1/admin/stats/payments")
def test_payment_stats_are_for_admins(platform: Platform, personas: Personas) -> None:
    run(platform, personas, "GET", "/v1/admin/stats/payments?from=2026-01-01", ADMIN_ONLY)


@pytest.mark.authz("GET /v1/courses/{id}/stats")
def test_course_stats_are_for_the_owner_and_admins(platform: Platform, personas: Personas) -> None:
    published = build_course(platform, personas.owner, lessons=1)
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    path = f"/v1/courses/{published.id}/stats"

    run(
        platform,
        personas,
        "GET",
        path,
        [
            Case("anonymous", 401),
            Case("student", 403, "FORBIDDEN"),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("banned", 403),
            Case("owner", 200),
            Case("admin", 200),
            # someone else's draft is not even known to exist
            Case("instructor", 404, "NOT_FOUND", path=f"/v1/courses/{draft.id}/stats"),
            Case("owner", 200, path=f"/v1/courses/{draft.id}/stats"),
            Case("admin", 404, "NOT_FOUND", path="/v1/courses/crs_nosuchcourse/stats"),
            Case("owner", 422, "VALIDATION_ERROR", path=f"{path}?from=2020-01-01&to=2026-01-01"),
        ],
    )

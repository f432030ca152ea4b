"""Earning a certificate: exactly once per (learner, course), whatever the events do."""

from __future__ import annotations

from tests.integration.certificates.conftest import School


def test_completing_every_lesson_issues_one_certificate(school: School) -> None:
    learner = school.personas.student
    school.complete(learner)
    school.platform.drain()
    cert = school.only(learner)
    assert cert["status"] == "issued"
    assert cert["course"]["id"] == school.course.id

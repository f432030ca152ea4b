"""The authorization matrix of every assessments route, for every persona: anonymous, the
enrolled learner (student), another enrolled learner (other_student: someone else's attempt is
404 to them), an instructor who owns nothing (not enrolled), the course's owner, an admin and a
banned account. Every refused request leaves the table exactly as it was (tests/support/matrix)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.assessments.conftest import School
from tests.integration.courses.builders import ok
from tests.support.matrix import Case, run

STRANGERS = [Case("anonymous", 401), Case("banned", 403)]


def managers_only(ok_status: int, *, paths: tuple[str, str] | None = None) -> list[Case]:
    """Owner and admin may; learners and other instructors get 403."""
    owner_path, admin_path = paths or (None, None)
    return [
        *STRANGERS,
        Case("student", 403, "FORBIDDEN"),
        Case("other_student", 403, "FORBIDDEN"),
        Case("instructor", 403, "FORBIDDEN"),
        Case("owner", ok_status, path=owner_path),
        Case("admin", ok_status, path=admin_path),
    ]


@dataclass
class Setup:
    school: School
    exam: dict[str, Any]
    attempt: dict[str, Any]

    @property
    def exam_path(self) -> str:
        return f"/v1/exams/{self.exam['id']}"

    @property
    def attempt_path(self) -> str:
        return f"{self.exam_path}/attempts/{self.attempt['attempt_id']}"

    def run(self, method: str, path: str, cases: list[Case], **kwargs: Any) -> Any:
        return run(self.school.platform, self.school.personas, method, path, cases, **kwargs)


@pytest.fixture
def setup(school: School) -> Setup:
    school.enroll(school.personas.other_student)
    exam = school.create_exam(time_limit_seconds=600, max_attempts=5)
    attempt = ok(school.start(exam["id"], school.personas.student), 201)
    return Setup(school, exam, attempt)


@pytest.mark.authz("POST /v1/courses/{id}/exams")
def test_exams_are_created_by_the_owner_and_admins(setup: Setup) -> None:
    path = f"/v1/courses/{setup.school.course.id}/exams"
    body = {
        "title": "Quiz",
        "pass_percent": 50,
        "questions": [{"type": "true_false", "prompt": "?", "answer": True}],
    }
    setup.run("POST", path, managers_only(201), json_body=body)


@pytest.mark.authz("GET /v1/courses/{id}/exams", "GET /v1/exams/{exam_id}")
def test_exams_are_seen_by_enrolled_learners_without_keys_and_by_managers_with_them(
    setup: Setup,
) -> None:
    cases = [
        *STRANGERS,
        Case("student", 200),
        Case("other_student", 200),
        Case("instructor", 403, "NOT_ENROLLED"),
        Case("owner", 200),
        Case("admin", 200),
    ]
    listed = setup.run("GET", f"/v1/courses/{setup.school.course.id}/exams", cases)
    one = setup.run("GET", setup.exam_path, cases)
    assert listed["student"].json()["items"][0]["my_standing"]["attempts_used"] == 1
    assert one["student"].json()["questions"] is None
    assert one["owner"].json()["questions"] and one["admin"].json()["questions"]


@pytest.mark.authz("PATCH /v1/exams/{exam_id}", "PATCH /v1/exams/{exam_id}/questions/{question_id}")
def test_exams_and_answer_keys_are_changed_by_managers(setup: Setup) -> None:
    setup.run("PATCH", setup.exam_path, managers_only(200), json_body={"title": "Renamed"})
    question = setup.school.owner_view(setup.exam["id"])["questions"][0]
    path = f"{setup.exam_path}/questions/{question['id']}"
    setup.run("PATCH", path, managers_only(200), json_body={"answer": question["answer"]})


@pytest.mark.authz("DELETE /v1/exams/{exam_id}")
def test_exams_are_deleted_by_managers(setup: Setup) -> None:
    spare = setup.school.create_exam(title="Spare")
    cases = managers_only(204, paths=(setup.exam_path, f"/v1/exams/{spare['id']}"))
    setup.run("DELETE", setup.exam_path, cases)


@pytest.mark.authz("POST /v1/exams/{exam_id}/regrade", "POST /v1/exams/{exam_id}/extensions")
def test_regrades_and_extensions_are_for_managers(setup: Setup) -> None:
    setup.run("POST", f"{setup.exam_path}/regrade", managers_only(202))
    body = {"user_id": setup.school.personas.student.user_id, "extra_seconds": 60}
    setup.run("POST", f"{setup.exam_path}/extensions", managers_only(201), json_body=body)


@pytest.mark.authz("POST /v1/exams/{exam_id}/attempts")
def test_attempts_are_started_by_enrolled_learners_only(setup: Setup) -> None:
    ok(
        setup.school.submit(
            setup.exam["id"], setup.attempt["attempt_id"], setup.school.personas.student, {}
        )
    )
    cases = [
        *STRANGERS,
        Case("instructor", 403, "NOT_ENROLLED"),
        Case("owner", 403, "NOT_ENROLLED"),
        Case("admin", 403, "NOT_ENROLLED"),
        Case("student", 201),
        Case("other_student", 201),
    ]
    started = setup.run("POST", f"{setup.exam_path}/attempts", cases)
    assert started["student"].json()["attempt_id"] != started["other_student"].json()["attempt_id"]


@pytest.mark.authz(
    "GET /v1/exams/{exam_id}/attempts", "GET /v1/exams/{exam_id}/attempts/{attempt_id}"
)
def test_attempts_are_seen_by_their_learner_and_managers(setup: Setup) -> None:
    listing = [
        *STRANGERS,
        Case("instructor", 403, "NOT_ENROLLED"),
        Case("student", 200),
        Case("other_student", 200),
        Case("owner", 200),
        Case("admin", 200),
    ]
    listed = setup.run("GET", f"{setup.exam_path}/attempts", listing)
    assert listed["other_student"].json()["items"] == []
    assert len(listed["owner"].json()["items"]) == 1
    one = [
        *STRANGERS,
        Case("instructor", 403, "NOT_ENROLLED"),
        Case("other_student", 404, "NOT_FOUND"),
        Case("student", 200),
        Case("owner", 200),
        Case("admin", 200),
    ]
    setup.run("GET", setup.attempt_path, one)


@pytest.mark.authz(
    "PUT /v1/exams/{exam_id}/attempts/{attempt_id}/answers",
    "POST /v1/exams/{exam_id}/attempts/{attempt_id}/submit",
)
def test_only_the_attempts_learner_saves_and_submits_it(setup: Setup) -> None:
    learner_only = [
        *STRANGERS,
        Case("instructor", 403, "NOT_ENROLLED"),
        Case("owner", 403, "NOT_ENROLLED"),
        Case("admin", 403, "NOT_ENROLLED"),
        Case("other_student", 404, "NOT_FOUND"),
    ]
    question = setup.attempt["questions"][0]["id"]
    body = {"answers": {question: None}}
    setup.run(
        "PUT",
        f"{setup.attempt_path}/answers",
        [*learner_only, Case("student", 204)],
        json_body=body,
    )
    setup.run(
        "POST",
        f"{setup.attempt_path}/submit",
        [*learner_only, Case("student", 200)],
        json_body=body,
    )


@pytest.mark.authz(
    "GET /v1/courses/{id}/gradebook",
    "POST /v1/courses/{id}/gradebook/export",
    "GET /v1/exports/{export_id}",
)
def test_the_gradebook_and_its_exports_are_for_managers_and_who_asked(setup: Setup) -> None:
    course_id = setup.school.course.id
    book = setup.run("GET", f"/v1/courses/{course_id}/gradebook", managers_only(200))
    rows = {row["user"]["id"]: row for row in book["owner"].json()["items"]}
    assert rows[setup.school.personas.student.user_id]["exams"][0]["attempts"] == 1
    exported = setup.run("POST", f"/v1/courses/{course_id}/gradebook/export", managers_only(202))
    export_id = exported["owner"].json()["export_id"]
    cases = [
        *STRANGERS,
        Case("student", 404, "NOT_FOUND"),
        Case("other_student", 404, "NOT_FOUND"),
        Case("instructor", 404, "NOT_FOUND"),
        Case("owner", 200),
        Case("admin", 200),
    ]
    setup.run("GET", f"/v1/exports/{export_id}", cases)

"""An exam over HTTP against the local runner: an attempt its learner abandons is graded at its
deadline by the server-side timer (ExamDeadlineSet → the exam-timer state machine's Wait →
the exam-deadlines queue → the grader), with the answers saved before the deadline."""

from __future__ import annotations

import time
from typing import Any

from functions.courses.text import slugify
from local.demo_course import DEMO_INSTRUCTOR, TITLE
from tests.e2e.conftest import DEMO_PASSWORD, LocalStack
from tests.e2e.test_courses import _new_student

TIME_LIMIT_SECONDS = 3  # the timer's wait: a few seconds, so the test stays short


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else None


def test_an_abandoned_attempt_is_graded_by_the_timer_at_its_deadline(stack: LocalStack) -> None:
    login = {"email": DEMO_INSTRUCTOR, "password": DEMO_PASSWORD}
    instructor = _ok(stack.api("POST", "/v1/auth/login", json=login))["access_token"]
    course = _ok(stack.api("GET", f"/v1/courses/{slugify(TITLE)}"))
    questions = [
        {"type": "true_false", "prompt": "Python is a snake and a language.", "answer": True},
        {"type": "short_text", "prompt": "print(1 + 1) shows?", "answer": "2"},
    ]
    exam = _ok(
        stack.api(
            "POST",
            f"/v1/courses/{course['id']}/exams",
            instructor,
            json={
                "title": "Timed check",
                "pass_percent": 50,
                "time_limit_seconds": TIME_LIMIT_SECONDS,
                "questions": questions,
            },
        ),
        201,
    )
    learner = _new_student(stack)
    _ok(stack.api("POST", f"/v1/courses/{course['id']}/enroll", learner), 201)
    attempt = _ok(stack.api("POST", f"/v1/exams/{exam['id']}/attempts", learner), 201)
    true_false = next(q["id"] for q in attempt["questions"] if q["type"] == "true_false")
    path = f"/v1/exams/{exam['id']}/attempts/{attempt['attempt_id']}"
    saved = stack.api("PUT", f"{path}/answers", learner, json={"answers": {true_false: True}})
    assert saved.status_code == 204, saved.text

    # the learner walks away; nobody submits
    deadline = time.monotonic() + 60
    found = _ok(stack.api("GET", path, learner))
    while found["status"] != "graded" and time.monotonic() < deadline:
        time.sleep(0.5)
        found = _ok(stack.api("GET", path, learner))

    assert found["status"] == "graded", found
    assert found["auto_graded"] is True and found["late"] is False
    assert found["submitted_at"] == attempt["deadline"]
    assert found["score_percent"] == 50 and found["passed"] is True
    again = _ok(stack.api("POST", f"{path}/submit", learner, json={"answers": {}}))
    assert again["graded_at"] == found["graded_at"]  # the timer's result stands

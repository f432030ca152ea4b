"""A course with an exam, its owner and an enrolled learner, and the calls learners make."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.courses.builders import BuiltCourse, build_course, ok
from tests.support.cloud import Caller, Platform, Response
from tests.support.personas import Personas


def bank(size: int = 4) -> list[dict[str, Any]]:
    """Questions of every type, cycled: the right answer is known from the prompt."""
    kinds = [
        {
            "type": "single",
            "prompt": "Capital of Rwanda?",
            "options": ["Kigali", "Huye", "Musanze"],
            "answer": 0,
        },
        {
            "type": "multiple",
            "prompt": "Prime numbers?",
            "options": ["2", "3", "4", "9"],
            "answer": [0, 1],
        },
        {"type": "true_false", "prompt": "Water boils at 100 °C at sea level.", "answer": True},
        {
            "type": "short_text",
            "prompt": "Name the longest river.",
            "answer": "Nile",
            "accepted_answers": ["the Nile"],
        },
    ]
    return [
        {**kinds[i % 4], "prompt": f"{kinds[i % 4]['prompt']} #{i}", "explanation": f"Because {i}."}
        for i in range(size)
    ]


def exam_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"title": "Final exam", "pass_percent": 70, "questions": bank()}
    body.update(overrides)
    return body


def right_answers(attempt: dict[str, Any], exam: dict[str, Any]) -> dict[str, Any]:
    """The correct answer of every drawn question, from the owner's view of the exam."""
    keys = {q["id"]: q for q in exam["questions"]}
    answers: dict[str, Any] = {}
    for shown in attempt["questions"]:
        question = keys[shown["id"]]
        ids = [o["id"] for o in question["options"]]
        if question["type"] == "single":
            answers[shown["id"]] = ids[question["answer"]]
        elif question["type"] == "multiple":
            answers[shown["id"]] = [ids[i] for i in question["answer"]]
        else:
            answers[shown["id"]] = question["answer"]
    return answers


@dataclass
class School:
    platform: Platform
    personas: Personas
    course: BuiltCourse

    @property
    def owner(self) -> Caller:
        return self.personas.owner

    def enroll(self, caller: Caller) -> None:
        ok(self.platform.call("POST", f"/v1/courses/{self.course.id}/enroll", caller=caller), 201)

    def create_exam(self, **overrides: Any) -> dict[str, Any]:
        path = f"/v1/courses/{self.course.id}/exams"
        return ok(
            self.platform.call("POST", path, caller=self.owner, json_body=exam_body(**overrides)),
            201,
        )

    def start(self, exam_id: str, caller: Caller) -> Response:
        return self.platform.call("POST", f"/v1/exams/{exam_id}/attempts", caller=caller)

    def submit(
        self, exam_id: str, attempt_id: str, caller: Caller, answers: dict[str, Any]
    ) -> Response:
        path = f"/v1/exams/{exam_id}/attempts/{attempt_id}/submit"
        return self.platform.call("POST", path, caller=caller, json_body={"answers": answers})

    def save(
        self, exam_id: str, attempt_id: str, caller: Caller, answers: dict[str, Any]
    ) -> Response:
        path = f"/v1/exams/{exam_id}/attempts/{attempt_id}/answers"
        return self.platform.call("PUT", path, caller=caller, json_body={"answers": answers})

    def owner_view(self, exam_id: str) -> dict[str, Any]:
        return ok(self.platform.call("GET", f"/v1/exams/{exam_id}", caller=self.owner))


@pytest.fixture
def school(platform: Platform, personas: Personas) -> School:
    built = build_course(platform, personas.owner)
    found = School(platform, personas, built)
    found.enroll(personas.student)
    return found

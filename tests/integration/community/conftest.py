"""A course with a discussion: the owner's published course, the student enrolled in it (the
other student is not), and helpers to post through the API."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.courses.builders import BuiltCourse, build_course, enroll, ok
from tests.support.cloud import Caller, Platform, Response
from tests.support.personas import Personas


@dataclass
class Classroom:
    platform: Platform
    personas: Personas
    course: BuiltCourse

    @property
    def comments(self) -> str:
        return f"/v1/courses/{self.course.id}/comments"

    @property
    def reviews(self) -> str:
        return f"/v1/courses/{self.course.id}/reviews"

    @property
    def announcements(self) -> str:
        return f"/v1/courses/{self.course.id}/announcements"

    def post(self, caller: Caller, body: str = "A question", **extra: Any) -> Response:
        return self.platform.call(
            "POST", self.comments, caller=caller, json_body={"body": body, **extra}
        )

    def comment(self, caller: Caller, body: str = "A question", **extra: Any) -> dict[str, Any]:
        return ok(self.post(caller, body, **extra), 201)

    def review(self, caller: Caller, rating: int = 4, **extra: Any) -> Response:
        return self.platform.call(
            "POST", self.reviews, caller=caller, json_body={"rating": rating, **extra}
        )

    def thread_list(self, query: str = "") -> dict[str, Any]:
        return ok(self.platform.call("GET", f"{self.comments}{query}"))

    def rating(self) -> dict[str, Any]:
        return ok(self.platform.call("GET", f"/v1/courses/{self.course.id}"))["rating"]

    def learner(self) -> Caller:
        """A new student, enrolled in the course."""
        caller = self.platform.user("student")
        enroll(self.platform, self.course.id, caller)
        return caller


@pytest.fixture
def classroom(platform: Platform, personas: Personas) -> Classroom:
    course = build_course(platform, personas.owner, lessons=1)
    enroll(platform, course.id, personas.student)
    return Classroom(platform, personas, course)

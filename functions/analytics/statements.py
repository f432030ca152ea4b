"""xAPI 1.0.3 statements from learning events: a table of rows, one per event (pure).

Each row says which ADL verb the event is, which activity it is about and what result it
carries; ``statement`` turns an event into one statement. Ids are deterministic (UUID v5 of the
event id), so a redelivered event becomes the same statement and the LRS keeps one copy.

Actors are accounts on the platform (``homePage`` = the API's base URL, ``name`` = the user id):
no name or email leaves the platform. Activity ids are the API's own URLs of the course, lesson
or exam (IRIs under the platform's base URL).

Exam results (``ExamPassed``/``ExamFailed``, source ``coursewave.assessments``) are "passed" /
"failed" statements about the exam with the scored result.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

XAPI_VERSION = "1.0.3"
# The namespace of every UUID v5 this module derives (statement ids, registrations).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://coursewave.dev/xapi")
VERBS_BASE = "http://adlnet.gov/expapi/verbs/"
ACTIVITY_TYPES_BASE = "http://adlnet.gov/expapi/activities/"
LANGUAGE = "en-US"

Data = Mapping[str, Any]


@dataclass(frozen=True)
class Verb:
    name: str  # the ADL registry's verb, e.g. "registered"

    @property
    def id(self) -> str:
        return VERBS_BASE + self.name

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "display": {LANGUAGE: self.name}}


REGISTERED = Verb("registered")
EXPERIENCED = Verb("experienced")
COMPLETED = Verb("completed")
PASSED = Verb("passed")
FAILED = Verb("failed")


@dataclass(frozen=True)
class Activity:
    """An activity's IRI (below the platform's base URL), its ADL type and its parent."""

    path: str
    kind: str  # an ADL activity type: course, lesson, assessment
    parent_path: str | None = None


def course_activity(data: Data) -> Activity:
    return Activity(f"/v1/courses/{data['course_id']}", "course")


def lesson_activity(data: Data) -> Activity:
    course = f"/v1/courses/{data['course_id']}"
    return Activity(f"{course}/lessons/{data['lesson_id']}", "lesson", parent_path=course)


def exam_activity(data: Data) -> Activity:
    return Activity(
        f"/v1/exams/{data['exam_id']}", "assessment", parent_path=f"/v1/courses/{data['course_id']}"
    )


def no_result(_: Data) -> dict[str, Any] | None:
    return None


def completion_result(_: Data) -> dict[str, Any]:
    return {"completion": True}


def duration_result(data: Data) -> dict[str, Any]:
    """Time spent, as an ISO 8601 duration (``PT30S``)."""
    return {"duration": f"PT{int(data['seconds'])}S"}


def scored_result(data: Data) -> dict[str, Any]:
    """An exam's grade: the score as a percentage (raw, 0 to 100) and scaled to [0, 1]."""
    percent = max(0.0, min(100.0, float(data["score_percent"])))
    return {
        "score": {"scaled": round(percent / 100, 4), "raw": percent, "min": 0, "max": 100},
        "success": bool(data["passed"]),
        "completion": True,
    }


@dataclass(frozen=True)
class Row:
    verb: Verb
    activity: Callable[[Data], Activity]
    at: str  # the data field holding when it happened
    result: Callable[[Data], dict[str, Any] | None] = no_result


# The learning events that become statements (functions/registry.py routes the same names to
# the xAPI queue; tests/unit/analytics checks the two lists agree).
ROWS: Mapping[str, Row] = {
    "EnrollmentCreated": Row(REGISTERED, course_activity, "enrolled_at"),
    "WatchTimeRecorded": Row(EXPERIENCED, lesson_activity, "recorded_at", duration_result),
    "LessonCompleted": Row(COMPLETED, lesson_activity, "completed_at", completion_result),
    "CourseCompleted": Row(COMPLETED, course_activity, "completed_at", completion_result),
    "ExamPassed": Row(PASSED, exam_activity, "graded_at", scored_result),
    "ExamFailed": Row(FAILED, exam_activity, "graded_at", scored_result),
}


def statement_id(event_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, event_id))


def registration(user_id: str, course_id: str) -> str:
    """One registration per learner and course: every statement of that enrollment shares it."""
    return str(uuid.uuid5(NAMESPACE, f"registration/{user_id}/{course_id}"))


def statement(
    detail_type: str, event_id: str, data: Data, base_url: str, rows: Mapping[str, Row] = ROWS
) -> dict[str, Any] | None:
    """The statement for one event; None when no row maps the event."""
    row = rows.get(detail_type)
    if row is None:
        return None
    base = base_url.rstrip("/")
    activity = row.activity(data)
    body: dict[str, Any] = {
        "id": statement_id(event_id),
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": base, "name": str(data["user_id"])},
        },
        "verb": row.verb.as_dict(),
        "object": {
            "objectType": "Activity",
            "id": base + activity.path,
            "definition": {"type": ACTIVITY_TYPES_BASE + activity.kind},
        },
        "context": {
            "registration": registration(str(data["user_id"]), str(data["course_id"])),
            "platform": "Coursewave",
            "language": LANGUAGE,
        },
        "timestamp": str(data[row.at]),
    }
    if activity.parent_path:
        body["context"]["contextActivities"] = {
            "parent": [{"objectType": "Activity", "id": base + activity.parent_path}]
        }
    result = row.result(data)
    if result is not None:
        body["result"] = result
    return body

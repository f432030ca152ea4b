"""An account that takes part in every domain: the data the export shows and deletion erases."""

from __future__ import annotations

from dataclasses import dataclass

from tests.integration.courses.builders import BuiltCourse, build_course, enroll, ok
from tests.integration.identity.conftest import Identity, Session
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas


def caller_of(session: Session, *roles: str) -> Caller:
    return Caller(session.user_id, session.email, session.access_token, roles)


def registered_instructor(
    platform: Platform, personas: Personas, name: str
) -> tuple[Identity, Session]:
    """A registered account (its UserRegistered event carries name and email) that teaches."""
    identity = Identity(platform)
    session = identity.signed_up(name=name, email=identity.email("leaver"))
    promoted = platform.call(
        "PATCH",
        f"/v1/admin/users/{session.user_id}",
        caller=personas.admin,
        json_body={"roles": ["instructor"]},
    )
    assert promoted.status == 200, promoted.body
    return identity, session


@dataclass(frozen=True)
class Footprint:
    taught: BuiltCourse  # published, with another learner
    draft: BuiltCourse
    course: BuiltCourse  # learnt: progress, a comment, a review, an exam attempt
    earned: BuiltCourse  # completed: a certificate
    exam_id: str
    attempt_id: str


def take_part_everywhere(
    platform: Platform, personas: Personas, leaver: Caller, name: str
) -> Footprint:
    """Teach, learn, discuss, review, take an exam (a written answer that names ``name``) and
    earn a certificate as ``leaver``; the events are left undrained."""
    # teaches: a published course (with a learner) and a draft
    taught = build_course(platform, leaver, lessons=1)
    draft = build_course(platform, leaver, lessons=1, publish=False)
    enroll(platform, taught.id, personas.other_student)
    # learns: an enrollment with progress and a resume point
    course = build_course(platform, personas.instructor, lessons=2)
    enroll(platform, course.id, leaver)
    lesson = course.lesson_ids[0]
    ok(platform.call("POST", f"/v1/courses/{course.id}/lessons/{lesson}/complete", caller=leaver))
    position = platform.call(
        "PUT",
        f"/v1/courses/{course.id}/lessons/{course.lesson_ids[1]}/position",
        caller=leaver,
        json_body={"position_seconds": 42},
    )
    assert position.status in (200, 204), position.body
    # takes part: a comment in the course's discussion and a review of it
    comments, reviews = f"/v1/courses/{course.id}/comments", f"/v1/courses/{course.id}/reviews"
    ok(platform.call("POST", comments, caller=leaver, json_body={"body": "A question"}), 201)
    ok(platform.call("POST", reviews, caller=leaver, json_body={"rating": 4}), 201)
    # takes an exam: a written answer that names the learner
    question = {"type": "short_text", "prompt": "Who are you?", "answer": "a learner"}
    exam = ok(
        platform.call(
            "POST",
            f"/v1/courses/{course.id}/exams",
            caller=personas.instructor,
            json_body={"title": "Check", "pass_percent": 50, "questions": [question]},
        ),
        201,
    )
    attempt = ok(platform.call("POST", f"/v1/exams/{exam['id']}/attempts", caller=leaver), 201)
    saved = platform.call(
        "PUT",
        f"/v1/exams/{exam['id']}/attempts/{attempt['attempt_id']}/answers",
        caller=leaver,
        json_body={"answers": {attempt["questions"][0]["id"]: f"I am {name}"}},
    )
    assert saved.status == 204, saved.body
    # earns a certificate: a course completed
    earned = build_course(platform, personas.instructor, lessons=1)
    enroll(platform, earned.id, leaver)
    done = f"/v1/courses/{earned.id}/lessons/{earned.lesson_ids[0]}/complete"
    ok(platform.call("POST", done, caller=leaver))
    return Footprint(taught, draft, course, earned, exam["id"], attempt["attempt_id"])

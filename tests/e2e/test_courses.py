"""The course journey over HTTP against the local runner: the demo instructor builds and
publishes a course; a brand-new student registers, finds it by search, enrolls, reads and
completes every lesson and sees 100 % and the completion on the dashboard."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from tests.e2e.conftest import LocalStack

INSTRUCTOR = "instructor@demo.coursewave.dev"
PASSWORD = "Course-journey-2026"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (response.status_code, response.text)
    return response.json() if response.content else None


def _new_student(stack: LocalStack) -> str:
    """Register through the identity routes, confirm with the mailed code, log in."""
    email = f"learner-{uuid.uuid4().hex[:8]}@example.test"
    _ok(
        stack.api(
            "POST",
            "/v1/auth/register",
            json={"email": email, "password": PASSWORD, "name": "Jo Learner"},
        ),
        201,
    )
    deadline = time.monotonic() + 15
    code = None
    while code is None and time.monotonic() < deadline:
        for mail in stack.mailbox(email):
            found = re.search(r"code is (\d{6})\b", mail["text"])
            code = found.group(1) if found else None
        time.sleep(0.2)
    assert code, f"no confirmation code reached {email}"
    assert stack.api("POST", "/v1/auth/confirm", json={"email": email, "code": code}).ok
    login = _ok(stack.api("POST", "/v1/auth/login", json={"email": email, "password": PASSWORD}))
    return login["access_token"]


def _until(check: Any, timeout: float = 15.0) -> Any:
    """The catalog is a projection kept in step off the request path: wait for it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.2)


def test_build_publish_find_enroll_learn_and_complete(stack: LocalStack) -> None:
    teacher = stack.cognito_token(INSTRUCTOR)["AccessToken"]
    word = f"zebra{uuid.uuid4().hex[:6]}"

    # The demo instructor builds a course: two sections, text and video lessons, a preview.
    course = _ok(
        stack.api(
            "POST",
            "/v1/courses",
            token=teacher,
            json={
                "title": f"Savanna Photography {word}",
                "subtitle": "Light, patience and long lenses",
                "description": "Photograph wildlife at dawn.",
                "category": "photography-and-video",
                "level": "intermediate",
                "tags": ["wildlife", "photo"],
                "price": {"amount": 0, "currency": "RWF"},
            },
        ),
        201,
    )
    course_id = course["id"]
    assert course["status"] == "draft"
    assert _ok(stack.api("POST", f"/v1/courses/{course_id}/publish", token=teacher), 409)
    lessons: list[str] = []
    for title, bodies in (
        (
            "Before you go",
            [{"title": "Gear", "type": "text", "content": "# Gear", "preview": True}],
        ),
        (
            "In the field",
            [
                {
                    "title": "Dawn light",
                    "type": "video",
                    "video": {"source": "youtube", "url": "https://youtu.be/dQw4w9WgXcQ"},
                    "duration_seconds": 212,
                },
                {"title": "Patience", "type": "text", "content": "Wait. *Then wait more.*"},
            ],
        ),
    ):
        section = _ok(
            stack.api(
                "POST", f"/v1/courses/{course_id}/sections", token=teacher, json={"title": title}
            ),
            201,
        )
        for body in bodies:
            lesson = _ok(
                stack.api(
                    "POST",
                    f"/v1/courses/{course_id}/lessons",
                    token=teacher,
                    json={"section_id": section["id"], **body},
                ),
                201,
            )
            lessons.append(lesson["id"])
    published = _ok(stack.api("POST", f"/v1/courses/{course_id}/publish", token=teacher))
    assert published["status"] == "published" and published["lesson_count"] == 3

    # A new student finds it by searching (accent- and case-insensitive, last word a prefix).
    student = _new_student(stack)
    found = _until(
        lambda: _ok(stack.api("GET", "/v1/courses", params={"q": f"SAVANNA {word[:7]}"}))["items"]
    )
    assert [item["id"] for item in found] == [course_id]
    page = _ok(stack.api("GET", f"/v1/courses/{found[0]['slug']}"))
    assert [len(s["lessons"]) for s in page["sections"]] == [1, 2]
    assert "content" not in page["sections"][0]["lessons"][0]

    # Before enrolling only the preview opens; then everything does.
    assert _ok(stack.api("GET", f"/v1/courses/{course_id}/lessons/{lessons[0]}", token=student))
    closed = stack.api("GET", f"/v1/courses/{course_id}/lessons/{lessons[2]}", token=student)
    assert closed.status_code == 403
    enrollment = _ok(stack.api("POST", f"/v1/courses/{course_id}/enroll", token=student), 201)
    assert enrollment["progress_percent"] == 0
    again = stack.api(
        "POST",
        f"/v1/courses/{course_id}/enroll",
        token=student,
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert _ok(again)["id"] == enrollment["id"]

    video = _ok(stack.api("GET", f"/v1/courses/{course_id}/lessons/{lessons[1]}", token=student))
    assert video["video"]["embed_url"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    text = _ok(stack.api("GET", f"/v1/courses/{course_id}/lessons/{lessons[2]}", token=student))
    assert text["content"] == "Wait. *Then wait more.*"
    position = stack.api(
        "PUT",
        f"/v1/courses/{course_id}/lessons/{lessons[1]}/position",
        token=student,
        json={"position_seconds": 95},
    )
    assert position.status_code == 204

    percents = [
        _ok(stack.api("POST", f"/v1/courses/{course_id}/lessons/{lesson}/complete", token=student))[
            "percent"
        ]
        for lesson in lessons
    ]
    assert percents == [33, 66, 100]

    progress = _ok(stack.api("GET", f"/v1/courses/{course_id}/progress", token=student))
    assert progress["percent"] == 100 and progress["completed_at"]
    dashboard = _ok(stack.api("GET", "/v1/me/dashboard", token=student))
    entry = next(e for e in dashboard["enrollments"] if e["course"]["id"] == course_id)
    assert entry["progress_percent"] == 100 and entry["status"] == "completed"
    assert entry["completed_at"] == progress["completed_at"]

    # The instructor sees the learner on the roster.
    roster = _ok(stack.api("GET", f"/v1/courses/{course_id}/students", token=teacher))
    assert [s["progress_percent"] for s in roster["items"]] == [100]


def test_the_demo_course_is_in_the_catalog(stack: LocalStack) -> None:
    found = _until(
        lambda: _ok(stack.api("GET", "/v1/courses", params={"q": "python everyone"}))["items"]
    )
    assert found and found[0]["instructor"]["name"] == "Ines Instructor"
    page = _ok(stack.api("GET", f"/v1/courses/{found[0]['slug']}"))
    lessons = [lesson for section in page["sections"] for lesson in section["lessons"]]
    assert page["status"] == "published" and len(page["sections"]) >= 3
    assert any(lesson["preview"] for lesson in lessons)
    assert any(lesson["type"] == "video" for lesson in lessons)

"""Notifications over HTTP against the local runner: a new learner enrolls in the free demo
course; the notification shows up in-app and on the dashboard, its email (text and HTML) in the
local mailbox with a signed one-click unsubscribe link that works over HTTP."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlsplit

from functions.courses.text import slugify
from local.demo_course import TITLE
from tests.e2e.conftest import LocalStack
from tests.e2e.test_courses import _new_student


def _until(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


def test_an_enrollment_notifies_in_app_and_by_email_and_one_click_unsubscribes(
    stack: LocalStack,
) -> None:
    token = _new_student(stack)
    me = stack.api("GET", "/v1/me", token).json()
    course = stack.api("GET", f"/v1/courses/{slugify(TITLE)}").json()
    assert stack.api("POST", f"/v1/courses/{course['id']}/enroll", token).status_code in (200, 201)

    def enrolled_note() -> list[dict[str, Any]]:
        items = stack.api("GET", "/v1/me/notifications?unread=true", token).json()["items"]
        return [n for n in items if n["type"] == "enrollment"]

    [note] = _until(enrolled_note)
    board = stack.api("GET", "/v1/me/dashboard", token).json()
    assert board["notifications_unread"] >= 1
    [mail] = _until(
        lambda: [m for m in stack.mailbox(me["email"]) if m["subject"] == note["title"]]
    )
    assert mail["html"] and "<p>" in mail["html"] and "enrolled" in mail["text"]
    link = mail["headers"]["list-unsubscribe"].strip("<>")
    assert link.startswith(stack.url) and mail["headers"]["list-unsubscribe-post"]
    path = urlsplit(link).path + "?" + urlsplit(link).query

    assert stack.api("GET", path).json()["email_enabled"] is True
    done = stack.api(
        "POST",
        path,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert done.status_code == 200, done.text
    prefs = stack.api("GET", "/v1/me", token).json()["preferences"]
    assert prefs["notifications"]["enrollment"]["email"] is False
    read = stack.api("POST", f"/v1/me/notifications/{note['id']}/read", token)
    assert read.status_code == 204
    assert enrolled_note() == []

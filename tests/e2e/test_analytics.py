"""Analytics over HTTP against the local runner: a new learner's sign-up, enrollment, watching
and a completed lesson reach the counters (the course's and the admin's statistics), the fake
LRS (valid xAPI statements) and the event lake in the local S3."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import requests

from functions.courses.text import slugify
from local.demo_course import TITLE
from tests.e2e.conftest import DEMO_PASSWORD, LocalStack
from tests.e2e.test_courses import _new_student
from tests.support import xapi as rules

DOMAIN = "demo.coursewave.dev"


def _login(stack: LocalStack, email: str) -> str:
    answer = stack.api("POST", "/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _until(check: Callable[[], Any], what: str, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _statements(stack: LocalStack) -> list[dict[str, Any]]:
    secret = stack.aws("secretsmanager").get_secret_value(SecretId=stack.env["XAPI_LRS_SECRET_ID"])
    value = json.loads(secret["SecretString"])
    answer = requests.get(
        f"{stack.state['fake_lrs_endpoint']}/statements",
        auth=(value["username"], value["password"]),
        headers={"X-Experience-API-Version": "1.0.3"},
        timeout=10,
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json()["statements"])


def _lake(stack: LocalStack) -> list[dict[str, Any]]:
    s3 = stack.aws("s3")
    bucket = stack.state["event_lake_bucket"]
    lines = []
    for item in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        body = s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read().decode()
        lines += [json.loads(line) for line in body.splitlines() if line]
    return lines


def test_learning_reaches_the_statistics_the_lrs_and_the_lake(stack: LocalStack) -> None:
    learner = _new_student(stack)
    me = stack.api("GET", "/v1/me", learner).json()
    course = stack.api("GET", f"/v1/courses/{slugify(TITLE)}").json()
    lesson = course["sections"][0]["lessons"][0]["id"]
    path = f"/v1/courses/{course['id']}"
    assert stack.api("POST", f"{path}/enroll", learner).status_code in (200, 201)
    time.sleep(2.5)  # watch time is bounded by the wall clock since the last activity
    saved = stack.api(
        "PUT", f"{path}/lessons/{lesson}/position", learner, json={"position_seconds": 2}
    )
    assert saved.status_code == 204, saved.text
    assert stack.api("POST", f"{path}/lessons/{lesson}/complete", learner).status_code == 200

    instructor = _login(stack, f"instructor@{DOMAIN}")

    def course_stats() -> dict[str, Any] | None:
        body = stack.api("GET", f"{path}/stats", instructor).json()
        first = body["lessons"][0]
        return body if first["completions"] >= 1 and first["watch_seconds"] >= 2 else None

    stats = _until(course_stats, "the course's counters")
    assert stats["totals"]["enrollments"] >= 1 and stats["totals"]["lesson_completions"] >= 1

    admin = _login(stack, f"admin@{DOMAIN}")
    overview = stack.api("GET", "/v1/admin/stats/overview", admin).json()
    assert overview["totals"]["new_users"] >= 1 and overview["totals"]["enrollments"] >= 1
    assert stack.api("GET", f"{path}/stats", learner).status_code == 403

    def statements_of_learner() -> list[dict[str, Any]] | None:
        found = [s for s in _statements(stack) if s["actor"]["account"]["name"] == me["id"]]
        return found if len(found) >= 3 else None

    mine = _until(statements_of_learner, "the learner's xAPI statements")
    assert {s["verb"]["id"].rsplit("/", 1)[1] for s in mine} >= {
        "registered",
        "experienced",
        "completed",
    }
    for statement in mine:
        assert rules.problems(statement) == [], statement

    def signed_up() -> list[dict[str, Any]]:
        return [
            line
            for line in _lake(stack)
            if line["detail_type"] == "UserRegistered" and line["data"]["user_id"] == me["id"]
        ]

    [line] = _until(signed_up, "the sign-up in the event lake")
    assert "email" not in line["data"] and "name" not in line["data"]

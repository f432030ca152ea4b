"""Buying the paid demo course over HTTP against the local runner: by card through the local
Stripe checkout page (GET the page, POST its Pay form, the signed webhook enrolls), and by MTN
MoMo with a callback that never arrives (the runner's reconcile timer settles it)."""

from __future__ import annotations

import html
import re
import time
import uuid
from typing import Any
from urllib.parse import urljoin

import requests

from functions.courses.text import slugify
from local.demo_paid_course import TITLE
from tests.e2e.conftest import DEMO_PASSWORD, LocalStack
from tests.e2e.test_courses import _new_student

DEMO_STUDENT = "student@demo.coursewave.dev"
FORM = re.compile(
    r"<form method='post' action='([^']+)'[^>]*>"
    r"<input type='hidden' name='action' value='([^']+)'>"
)


def _login(stack: LocalStack, email: str) -> str:
    answer = stack.api("POST", "/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _paid_course(stack: LocalStack) -> dict[str, Any]:
    found = stack.api("GET", f"/v1/courses/{slugify(TITLE)}")
    assert found.status_code == 200, found.text
    return found.json()


def _checkout(stack: LocalStack, token: str, course_id: str, **body: Any) -> dict[str, Any]:
    answer = stack.api(
        "POST",
        "/v1/payments/checkout",
        token,
        json={"course_id": course_id, **body},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def _until(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.25)


def _enrolled(stack: LocalStack, token: str, course_id: str) -> bool:
    found = stack.api("GET", f"/v1/courses/{course_id}/enrollment", token)
    return found.status_code == 200 and found.json()["status"] == "active"


def test_the_demo_student_buys_the_paid_demo_course_on_the_local_checkout_page(
    stack: LocalStack,
) -> None:
    token = _login(stack, DEMO_STUDENT)
    course = _paid_course(stack)
    assert course["price"]["amount"] > 0
    enroll = stack.api("POST", f"/v1/courses/{course['id']}/enroll", token)
    assert enroll.status_code == 402, "a paid course is not enrolled in without paying"

    started = _checkout(stack, token, course["id"], provider="stripe")
    assert started["status"] == "pending" and started["checkout_url"]
    page = requests.get(started["checkout_url"], timeout=10)
    assert page.status_code == 200 and "text/html" in page.headers["Content-Type"]
    forms = {value: html.unescape(action) for action, value in FORM.findall(page.text)}
    assert set(forms) == {"pay", "cancel"}, page.text
    paid = requests.post(
        urljoin(started["checkout_url"], forms["pay"]),
        data={"action": "pay"},
        allow_redirects=False,
        timeout=10,
    )
    assert paid.status_code == 303, paid.text
    assert paid.headers["Location"].startswith(stack.env["WEB_APP_URL"])

    assert _until(lambda: _enrolled(stack, token, course["id"])), stack.log_path.read_text()[-3000:]
    payment = stack.api("GET", f"/v1/payments/{started['payment_id']}", token).json()
    assert payment["status"] == "succeeded"
    receipts = _until(lambda: stack.mailbox(DEMO_STUDENT))
    assert receipts, "a receipt reached the local mailbox"


def test_a_momo_payment_whose_callback_never_arrives_is_settled_by_the_timer(
    stack: LocalStack,
) -> None:
    token = _new_student(stack)
    course = _paid_course(stack)
    started = _checkout(
        stack, token, course["id"], provider="mtn_momo", currency="RWF", phone="250788123456"
    )
    assert started["amount"] == {"amount": 25000, "currency": "RWF"}

    completed = stack.api(
        "POST",
        f"/_local/payments/{started['payment_id']}/complete",
        json={"outcome": "succeeded", "notify": False},
    )
    assert completed.status_code == 202, completed.text

    assert _until(lambda: _enrolled(stack, token, course["id"])), stack.log_path.read_text()[-3000:]
    assert stack.api("GET", f"/v1/payments/{started['payment_id']}", token).json()["status"] == (
        "succeeded"
    )
    redelivered = stack.api("POST", f"/_local/payments/{started['payment_id']}/redeliver")
    assert redelivered.status_code == 202

"""An admin in a real browser bans a learner, whose very next action in their own browser is
refused; the admin's screens for coupons, payments and the audit log show the platform."""

from __future__ import annotations

import time
import uuid
from typing import Any

from functions.courses.text import slugify
from local.demo_paid_course import TITLE as PAID_COURSE
from tests.e2e.browser.conftest import signed_up_learner
from tests.e2e.conftest import DEMO_PASSWORD, LocalStack

ADMIN = "admin@demo.coursewave.dev"


def test_an_admin_bans_a_learner_whose_next_action_is_refused(
    stack: LocalStack, person: Any
) -> None:
    # Given a learner signed in in their own browser
    email = signed_up_learner(stack, name="Soon Banned")
    learner = person()
    learner.log_in(email)
    learner.page.get_by_role("heading", name="Welcome, Soon Banned").wait_for()

    # When an admin finds them and bans them
    admin = person()
    admin.log_in(ADMIN)
    page = admin.page
    page.get_by_role("link", name="Users").click()
    page.get_by_label("Name or email starts with").fill(email)
    page.get_by_role("button", name="Find users").click()
    page.get_by_role("button", name=f"Ban {email}").click()
    page.get_by_role("button", name=f"Unban {email}").wait_for()
    admin.shot("admin-users")

    # Then the learner's next action is refused and their session ends (the next screen asks for
    # the header's unread count with the learner's token)
    learner.page.get_by_role("link", name="Catalog", exact=True).click()
    learner.page.get_by_text("This account is disabled.").first.wait_for()
    learner.page.get_by_role("link", name="Log in").wait_for()
    assert learner.page.evaluate("sessionStorage.getItem('coursewave.refresh')") is None

    # ...and the audit log shows the ban
    page.get_by_role("link", name="Audit log").click()
    page.get_by_role("table").get_by_text("banned").first.wait_for()


def test_an_admin_creates_a_coupon_and_sees_the_payments(stack: LocalStack, person: Any) -> None:
    admin = person()
    admin.log_in(ADMIN)
    page = admin.page
    code = f"WELCOME{time.time_ns() % 10**8}"

    page.get_by_role("link", name="Coupons").click()
    page.get_by_label("Code").fill(code)
    page.get_by_label("Percent off").fill("150")
    page.get_by_role("button", name="Create coupon").click()
    page.locator(".form-error").wait_for()  # 422: the API's message is shown on the form

    page.get_by_label("Percent off").fill("20")
    page.get_by_role("button", name="Create coupon").click()
    page.get_by_role("button", name=f"Deactivate {code}").click()
    page.get_by_role("button", name=f"Activate {code}").wait_for()

    page.get_by_role("link", name="Payments").click()
    page.get_by_role("heading", name="Payments and refunds").wait_for()
    assert not admin.errors, admin.errors


def test_an_admin_refunds_a_payment_and_the_learner_loses_access(
    stack: LocalStack, person: Any
) -> None:
    # Given a learner who bought the paid demo course (by card, settled by the local Stripe)
    email = signed_up_learner(stack, name="Refund Learner")
    token = stack.api(
        "POST", "/v1/auth/login", json={"email": email, "password": DEMO_PASSWORD}
    ).json()["access_token"]
    course = stack.api("GET", f"/v1/courses/{slugify(PAID_COURSE)}").json()
    checkout = stack.api(
        "POST",
        "/v1/payments/checkout",
        token,
        json={"course_id": course["id"], "provider": "stripe"},
        headers={"Idempotency-Key": str(uuid.uuid4())},
    ).json()
    payment_id = checkout["payment_id"]
    paid = stack.api(
        "POST", f"/_local/payments/{payment_id}/complete", json={"outcome": "succeeded"}
    )
    assert paid.status_code == 202, paid.text
    deadline = time.monotonic() + 30
    while stack.api("GET", f"/v1/payments/{payment_id}", token).json()["status"] != "succeeded":
        assert time.monotonic() < deadline, "the payment never settled"
        time.sleep(0.25)

    # When an admin refunds it from the payments screen (confirming the dialog)
    admin = person()
    admin.log_in(ADMIN)
    page = admin.page
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("link", name="Payments").click()
    page.get_by_label("Status").select_option("succeeded")
    page.get_by_role("button", name="Filter").click()
    page.get_by_role("button", name=f"Refund {payment_id}").click()
    page.get_by_text(f"Payment {payment_id} refunded.").wait_for()

    # Then the learner is no longer enrolled: the course page offers to buy it again
    learner = person()
    learner.log_in(email)
    learner.open(f"/courses/{slugify(PAID_COURSE)}")
    learner.page.get_by_role("button", name="Buy for $19.00").wait_for()
    assert learner.page.get_by_text("You are enrolled.").count() == 0
    assert stack.api("GET", f"/v1/payments/{payment_id}", token).json()["status"] == "refunded"

"""An admin in a real browser bans a learner, whose very next action in their own browser is
refused; the admin's screens for coupons, payments and the audit log show the platform."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.browser.conftest import signed_up_learner
from tests.e2e.conftest import LocalStack

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

    # Then the learner's next action is refused and their session ends
    learner.page.get_by_role("link", name="Catalog", exact=True).click()
    learner.page.get_by_role("link", name="My learning").click()
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

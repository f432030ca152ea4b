"""Buying the paid demo course in a real browser: by card on the local Stripe checkout page, and
by MTN MoMo approved on the fake's "phone" page (another browser: the payer's phone)."""

from __future__ import annotations

from typing import Any

from functions.courses.text import slugify
from local.demo_paid_course import TITLE as PAID_COURSE
from tests.e2e.browser.conftest import signed_up_learner
from tests.e2e.conftest import LocalStack


def test_a_learner_buys_the_paid_demo_course_on_the_stripe_checkout_page(
    stack: LocalStack, person: Any
) -> None:
    # Given a signed-in learner on the paid course's page
    learner = person()
    learner.log_in(signed_up_learner(stack))
    page = learner.open(f"/courses/{slugify(PAID_COURSE)}")
    page.get_by_role("heading", name=PAID_COURSE).wait_for()
    assert page.get_by_text("You are enrolled.").count() == 0

    # When they pay by card on the checkout page
    page.get_by_label("Pay with").select_option("stripe")
    page.get_by_role("button", name="Buy for $19.00").click()
    page.get_by_role("button", name="Pay").click()

    # Then they come back to the app, the payment is confirmed and they are enrolled
    page.get_by_text("Payment received. You are enrolled.").wait_for()
    assert "/payments/" in page.url and "result=success" in page.url
    learner.shot("payment-succeeded")
    page.get_by_role("link", name="Go to the course").click()
    page.get_by_text("You are enrolled.").wait_for()
    assert not learner.errors, learner.errors


def test_a_learner_buys_with_mtn_momo_approved_on_the_phone(stack: LocalStack, person: Any) -> None:
    # Given a signed-in learner paying with MTN MoMo in RWF
    learner = person()
    learner.log_in(signed_up_learner(stack))
    page = learner.open(f"/courses/{slugify(PAID_COURSE)}")
    page.get_by_label("Pay with").select_option("mtn_momo")
    page.get_by_label("Currency").select_option("RWF")
    page.get_by_label("Phone number (mobile money)").fill("+250 788 123 456")
    page.get_by_role("button", name="Buy for").click()

    # When the app waits for the approval...
    page.get_by_text("Approve the payment request on your phone").wait_for()
    payment_id = page.url.rsplit("/", 1)[-1].split("?")[0]
    approval = stack.api("GET", f"/_local/payments/{payment_id}/approval").json()["approval_url"]
    phone_link = page.get_by_role("link", name="open the phone's approval page")
    assert phone_link.get_attribute("href") == approval

    # ...and the payer approves on their phone (the fake's page, another device)
    phone = person(width=390, height=800).page
    phone.goto(approval)
    phone.get_by_text("RWF").first.wait_for()
    phone.get_by_role("button", name="Approve").click()
    phone.get_by_text("Done").wait_for()

    # Then the app sees the payment succeed by itself and the learner is enrolled
    page.get_by_text("Payment received. You are enrolled.").wait_for(timeout=60_000)
    page.get_by_role("link", name="Go to the course").click()
    page.get_by_text("You are enrolled.").wait_for()
    assert not learner.errors, learner.errors

"""A certificate in a real browser: a learner completes a course (its lesson and its exam),
waits on the certificates screen while it is issued, downloads the PDF, and the public
verification page (what the certificate's QR code leads to) shows it valid to a visitor."""

from __future__ import annotations

import time
from typing import Any

import requests

from tests.e2e.browser.test_exams import INSTRUCTOR, enrolled_learner, published_course, token
from tests.e2e.conftest import LocalStack

# Issuing is asynchronous (events, a worker renders the PDF and signs the credential).
ISSUING_MS = 120_000


def test_a_learner_completes_a_course_and_a_visitor_verifies_the_certificate(
    stack: LocalStack, person: Any
) -> None:
    # Given a course with a lesson and a required exam, and an enrolled learner
    course = published_course(stack, f"Ocean knots {time.time_ns()}")
    created = stack.api(
        "POST",
        f"/v1/courses/{course['id']}/exams",
        token(stack, INSTRUCTOR),
        json={
            "title": "Final knots exam",
            "pass_percent": 50,
            "questions": [{"type": "true_false", "prompt": "A bowline slips.", "answer": False}],
        },
    )
    assert created.status_code == 201, created.text
    learner = person(390, 844)  # a phone
    learner.log_in(enrolled_learner(stack, course["id"], "Ada Certified"))
    page = learner.page

    # When they complete the lesson and pass the exam
    learner.open(f"/learn/{course['id']}/{course['lesson_id']}")
    page.get_by_role("button", name="Mark lesson as complete").click()
    page.get_by_text("100%").first.wait_for()
    learner.open(f"/courses/{course['slug']}")
    page.get_by_role("link", name="Final knots exam").click()
    page.get_by_role("button", name="Start the exam").click()
    page.get_by_label("False", exact=True).check()
    page.get_by_role("button", name="Submit answers").click()
    page.get_by_text("Passed: 100%").wait_for()

    # Then the certificates screen waits for the certificate and shows it
    page.get_by_role("link", name="Get my certificate").click()
    page.get_by_role("heading", name="My certificates").wait_for()
    download = page.get_by_role(
        "link", name=f"Download the certificate for {course['title']} (PDF)"
    )
    download.wait_for(timeout=ISSUING_MS)
    page.get_by_text("Your certificate is ready.").wait_for()
    learner.shot("certificates")
    pdf = requests.get(download.get_attribute("href") or "", timeout=30)  # presigned, 5 min
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), pdf.status_code

    # ...and the dashboard lists it
    page.get_by_role("link", name="My learning").click()
    page.get_by_role("heading", name="Welcome, Ada Certified").wait_for()
    card = page.get_by_role("list", name="My certificates").get_by_role(
        "link", name=course["title"], exact=True
    )
    verify_path = card.get_attribute("href")

    # When a visitor (an employer, not logged in) opens the verification page
    visitor = person()
    public = visitor.open(verify_path or "")
    public.get_by_role("heading", name="Certificate verification").wait_for()

    # Then it shows the certificate valid, with the learner, the course and the issuer
    public.get_by_text("Valid certificate").wait_for()
    facts = public.locator("dl.facts")
    assert "Ada Certified" in facts.inner_text()
    assert course["title"] in facts.inner_text()
    assert "Coursewave" in facts.inner_text()
    visitor.shot("verification")

    # ...and an unknown id says so
    visitor.open("/verify/crt_does_not_exist")
    visitor.page.get_by_role("heading", name="Certificate not found").wait_for()
    assert not learner.errors and not visitor.errors

"""Exams in a real browser: an instructor writes an exam for their course, a learner takes it
(answers saved as they go and kept over a reload), submits and passes; an attempt whose timer
runs out is submitted by the page and shows the graded attempt."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.browser.conftest import signed_up_learner
from tests.e2e.conftest import LocalStack

INSTRUCTOR = "instructor@demo.coursewave.dev"
# Generous: grading and the page's round trips on a crowded 2-core machine.
SLOW_MS = 60_000


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def token(stack: LocalStack, email: str) -> str:
    return stack.cognito_token(email)["AccessToken"]


def published_course(stack: LocalStack, title: str) -> dict[str, Any]:
    """A free course of the demo instructor with one text lesson, published (over the API)."""
    teacher = token(stack, INSTRUCTOR)
    course = _ok(
        stack.api(
            "POST",
            "/v1/courses",
            teacher,
            json={
                "title": title,
                "description": "Knots every sailor should know.",
                "category": "personal-development",
                "level": "beginner",
                "price": {"amount": 0, "currency": "USD"},
            },
        ),
        201,
    )
    section = _ok(
        stack.api("POST", f"/v1/courses/{course['id']}/sections", teacher, json={"title": "Knots"}),
        201,
    )
    lesson = _ok(
        stack.api(
            "POST",
            f"/v1/courses/{course['id']}/lessons",
            teacher,
            json={
                "section_id": section["id"],
                "title": "The bowline",
                "type": "text",
                "content": "The rabbit comes out of the hole.",
            },
        ),
        201,
    )
    _ok(stack.api("POST", f"/v1/courses/{course['id']}/publish", teacher))
    return {**course, "lesson_id": lesson["id"]}


def enrolled_learner(stack: LocalStack, course_id: str, name: str) -> str:
    email = signed_up_learner(stack, name)
    _ok(stack.api("POST", f"/v1/courses/{course_id}/enroll", token(stack, email)), 201)
    return email


def test_an_instructor_writes_an_exam_and_a_learner_passes_it(
    stack: LocalStack, person: Any
) -> None:
    # Given a published course of the demo instructor
    course = published_course(stack, f"Sailing knots {time.time_ns()}")
    instructor = person()
    instructor.log_in(INSTRUCTOR)
    page = instructor.page

    # When the instructor writes an exam, a question without its answer is refused in place...
    instructor.open(f"/teach/courses/{course['id']}")
    page.get_by_role("link", name="Create an exam").click()
    page.get_by_label("Exam title").fill("Knots quiz")
    page.get_by_label("Pass mark (%)").fill("60")
    page.get_by_label("Time limit (minutes)").fill("10")
    page.get_by_label("Question 1 type").select_option("single")
    page.get_by_label("Question 1 prompt").fill("Which knot makes a fixed loop?")
    page.get_by_label("Question 1 options").fill("Bowline\nReef knot\nClove hitch")
    page.get_by_role("button", name="Create exam").click()
    page.locator('[data-error-for="questions.0"]:not(:empty)').wait_for()

    # ...then adds the answer and two more questions
    page.get_by_label("Question 1 correct answer").fill("1")
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question 2 type").select_option("true_false")
    page.get_by_label("Question 2 prompt").fill("A reef knot joins two ropes of equal size.")
    page.get_by_label("Question 2 correct answer").fill("true")
    page.get_by_role("button", name="Add a question").click()
    page.get_by_label("Question 3 type").select_option("short_text")
    page.get_by_label("Question 3 prompt").fill("What comes out of the hole?")
    page.get_by_label("Question 3 correct answer").fill("the rabbit")
    page.get_by_role("button", name="Create exam").click()
    page.get_by_role("heading", name=course["title"]).wait_for()
    page.get_by_text("Exam “Knots quiz” created with 3 questions.").wait_for()
    page.get_by_role("link", name="Knots quiz").wait_for()

    # And a learner enrolled in the course takes it
    learner = person(390, 844)  # a phone
    learner.log_in(enrolled_learner(stack, course["id"], "Exam Taker"))
    page = learner.page
    learner.open(f"/courses/{course['slug']}")
    page.get_by_role("link", name="Knots quiz").click()
    page.get_by_role("heading", name="Knots quiz").wait_for()
    page.get_by_role("button", name="Start the exam").click()
    timer = page.get_by_role("timer", name="Time left")
    timer.wait_for()
    first = timer.inner_text()
    page.wait_for_function(
        "(first) => document.querySelector('[role=timer]').innerText !== first", arg=first
    )
    page.get_by_label("Bowline").check()
    page.get_by_label("True", exact=True).check()
    page.get_by_label("Your answer").fill("The Rabbit")
    page.get_by_text("All answers saved").wait_for(timeout=SLOW_MS)
    learner.shot("exam")

    # ...the answers survive a reload (saved as they went), and submitting grades them
    page.reload()
    page.get_by_role("timer", name="Time left").wait_for(timeout=SLOW_MS)
    assert page.get_by_label("Bowline").is_checked()
    assert page.get_by_label("True", exact=True).is_checked()
    assert page.get_by_label("Your answer").input_value() == "The Rabbit"
    page.get_by_role("button", name="Submit answers").click()

    # Then the result shows the pass and the review the policy allows
    page.get_by_text("Passed: 100%").wait_for(timeout=SLOW_MS)
    review = page.get_by_role("list", name="Review of your answers")
    assert review.get_by_text("Correct", exact=True).count() == 3
    learner.shot("exam-result")
    page.get_by_role("link", name="Back to the course").click()
    page.get_by_text("Passed · best 100%").wait_for()
    assert not learner.errors and not instructor.errors


def test_the_page_submits_an_attempt_when_its_timer_runs_out(
    stack: LocalStack, person: Any
) -> None:
    # Given a 4-second exam and an enrolled learner
    course = published_course(stack, f"Speed knots {time.time_ns()}")
    exam = _ok(
        stack.api(
            "POST",
            f"/v1/courses/{course['id']}/exams",
            token(stack, INSTRUCTOR),
            json={
                "title": "Lightning round",
                "pass_percent": 50,
                "time_limit_seconds": 4,
                "questions": [
                    {"type": "true_false", "prompt": "A bowline slips.", "answer": False},
                ],
            },
        ),
        201,
    )
    email = enrolled_learner(stack, course["id"], "Slow Taker")
    learner = person()
    learner.log_in(email)
    page = learner.page

    # When they start it and never press submit
    learner.open(f"/exams/{exam['id']}")
    page.get_by_role("button", name="Start the exam").click()

    # Then the page submits at the deadline and shows the graded attempt
    page.get_by_text("Time is up: your answers were submitted.").wait_for(timeout=SLOW_MS)
    page.get_by_role("heading", name="Your result").wait_for(timeout=SLOW_MS)
    assert page.get_by_role("timer").count() == 0
    attempts = _ok(stack.api("GET", f"/v1/exams/{exam['id']}/attempts", token(stack, email)))
    assert [a["status"] for a in attempts["items"]] == ["graded"]
    assert not learner.errors

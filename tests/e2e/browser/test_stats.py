"""Dashboards with charts in a real browser: the admin's platform stats (enrollments and revenue
per day, top courses, providers) and an instructor's course stats (per day, lesson drop-off),
drawn by Chart.js under the app's strict Content Security Policy."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.browser.test_admin import ADMIN
from tests.e2e.browser.test_exams import INSTRUCTOR, enrolled_learner, published_course, token
from tests.e2e.conftest import LocalStack

# A chart is drawn when its canvas has painted pixels (Chart.js draws on a 2D context).
PAINTED = """(id) => {
  const canvas = document.querySelector(`figure[data-chart="${id}"] canvas`);
  if (!canvas || !canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) return true;
  return false;
}"""


def _wait_for_course_stats(stack: LocalStack, course_id: str, learners: int) -> None:
    """Analytics counts from events, asynchronously."""
    teacher = token(stack, INSTRUCTOR)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = stack.api("GET", f"/v1/courses/{course_id}/stats", teacher)
        if found.status_code == 200 and found.json()["totals"]["enrollments"] >= learners:
            return
        time.sleep(0.5)
    raise AssertionError(f"the stats of {course_id} never counted {learners} enrollments")


def test_the_admin_and_an_instructor_see_their_dashboards_drawn(
    stack: LocalStack, person: Any
) -> None:
    # Given a course with a learner, counted by analytics
    course = published_course(stack, f"Harbour knots {time.time_ns()}")
    enrolled_learner(stack, course["id"], "Counted Learner")
    _wait_for_course_stats(stack, course["id"], 1)

    # When the admin opens the platform stats
    admin = person()
    admin.log_in(ADMIN)
    page = admin.page
    page.get_by_role("link", name="Stats", exact=True).click()
    page.get_by_role("heading", name="Platform stats").wait_for()

    # Then the charts are drawn, named, with their numbers beside them
    for chart in ("enrollments-per-day", "top-courses"):
        page.wait_for_function(PAINTED, arg=chart)
    page.get_by_role(
        "img", name="Enrollments per day (chart; the numbers are in the table below it)"
    ).wait_for()
    top = page.locator('figure[data-chart="top-courses"]')
    top.get_by_text("Top courses by enrollments: the numbers").click()
    top.get_by_role("cell", name=course["title"]).wait_for()
    assert int(page.get_by_role("list", name="Totals").locator(".figure").first.inner_text()) >= 1
    admin.shot("admin-stats")

    # ...and a bad range is refused on the form, from the API's envelope
    page.get_by_label("From", exact=True).fill("2020-01-01")
    page.get_by_label("To", exact=True).fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    range_form = page.get_by_role("form", name="Date range")
    range_form.locator(".form-error").wait_for()
    refused = range_form.locator(".field-error:not(:empty)")
    assert "366" in refused.inner_text()
    assert range_form.locator("[aria-invalid=true]").count() == 1

    # When the instructor opens the course's stats from the course editor
    instructor = person(390, 844)  # a phone
    instructor.log_in(INSTRUCTOR)
    teacher = instructor.page
    instructor.open(f"/teach/courses/{course['id']}")
    teacher.get_by_role("link", name="Course stats").click()
    teacher.get_by_role("heading", name=f"Stats: {course['title']}").wait_for()

    # Then they see the learner, the per-day chart and the lesson drop-off, and reach the reviews
    totals = teacher.get_by_role("list", name="Totals")
    assert totals.locator(".figure").first.inner_text() == "1"
    for chart in ("course-per-day", "lesson-drop-off"):
        teacher.wait_for_function(PAINTED, arg=chart)
    instructor.shot("course-stats")
    teacher.get_by_role("link", name="Read and answer the reviews").click()
    teacher.get_by_role("heading", name="Reviews").wait_for()
    assert not admin.errors and not instructor.errors

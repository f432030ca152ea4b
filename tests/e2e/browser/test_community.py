"""Community and notifications in a real browser: the instructor posts an announcement on the
course page, a learner reads it there, reviews the course and comments, the instructor replies to
the comment and to the review; the learner's header shows the unread count, the list marks one
and then all read."""

from __future__ import annotations

import time
from typing import Any

from tests.e2e.browser.test_exams import INSTRUCTOR, enrolled_learner, published_course, token
from tests.e2e.conftest import LocalStack


def _wait_for_notifications(stack: LocalStack, email: str, count: int) -> int:
    """In-app notifications are made asynchronously (events, then the notifications consumer)."""
    access = token(stack, email)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        found = stack.api("GET", "/v1/me/notifications", access, params={"unread": "true"})
        if found.status_code == 200 and len(found.json()["items"]) >= count:
            return len(found.json()["items"])
        time.sleep(0.5)
    raise AssertionError(f"{email} never had {count} unread notifications")


def test_announcements_reviews_comments_and_the_unread_badge(
    stack: LocalStack, person: Any
) -> None:
    # Given a published course, an enrolled learner and the instructor in their own browsers
    course = published_course(stack, f"River knots {time.time_ns()}")
    email = enrolled_learner(stack, course["id"], "Community Learner")
    instructor = person()
    instructor.log_in(INSTRUCTOR)
    teacher = instructor.page

    # When the instructor posts an announcement from the course page (a blank one is refused)
    instructor.open(f"/courses/{course['slug']}")
    teacher.get_by_role("button", name="Post announcement").click()
    teacher.locator('[data-error-for="title"]:not(:empty)').wait_for()
    teacher.get_by_label("Announcement title").fill("Live session on Friday")
    teacher.get_by_label("Announcement", exact=True).fill("We tie knots together at 18:00 UTC.")
    teacher.get_by_role("button", name="Post announcement").click()
    teacher.get_by_role("list", name="Announcements").get_by_text(
        "Live session on Friday"
    ).wait_for()

    # Then the learner's header counts the welcome, the enrollment and the announcement as unread
    unread = _wait_for_notifications(stack, email, 3)
    learner = person(390, 844)  # a phone
    learner.log_in(email)
    page = learner.page
    learner.open(f"/courses/{course['slug']}")
    page.get_by_role("link", name=f"Notifications {unread} unread").wait_for()
    page.get_by_role("list", name="Announcements").get_by_text("Live session on Friday").wait_for()

    # When the learner reviews the course and comments on it
    page.get_by_label("Rating").select_option("4")
    page.get_by_label("Your review").fill("Clear and patient.")
    page.get_by_role("button", name="Post review").click()
    reviews = page.get_by_role("list", name="Reviews")
    reviews.get_by_role("img", name="Rated 4 out of 5").wait_for()
    assert page.get_by_role("button", name="Post review").count() == 0  # one review per learner
    page.get_by_label("Comment", exact=True).fill("Is the figure eight a stopper knot?")
    page.get_by_role("button", name="Post comment").click()
    page.get_by_role("list", name="Comments").get_by_text("Is the figure eight").wait_for()
    learner.shot("course-community")

    # And the instructor replies to both
    teacher.reload()
    teacher.get_by_text("Reply to Community Learner's comment").click()
    comment_reply = teacher.get_by_role("form", name="Reply to Community Learner's comment")
    comment_reply.get_by_label("Reply").fill("Yes, it is.")
    comment_reply.get_by_role("button", name="Post reply").click()
    replies = teacher.get_by_role("list", name="Replies to Community Learner")
    replies.get_by_text("Yes, it is.").wait_for()
    teacher.get_by_text("Reply to Community Learner's review").click()
    review_reply = teacher.get_by_role("form", name="Reply to Community Learner's review")
    review_reply.get_by_label("Your reply").fill("Thank you!")
    review_reply.get_by_role("button", name="Post reply").click()
    teacher.get_by_text("The instructor replied:").wait_for()
    # (the reply to the learner's comment notifies them, asynchronously: the badge below must not
    # count it halfway through)
    unread = _wait_for_notifications(stack, email, unread + 1)

    # Then the learner sees the replies and, in the notifications list, marks one and then all read
    page.reload()
    page.get_by_role("list", name="Replies to Community Learner").get_by_text(
        "Yes, it is."
    ).wait_for()
    page.get_by_role("list", name="Reviews").get_by_text("Thank you!").wait_for()
    page.get_by_role("link", name="Notifications", exact=False).click()
    page.get_by_role("heading", name="Notifications").wait_for()
    items = page.get_by_role("list", name="Notifications")
    announced = f"{course['title']}: Live session on Friday"
    items.get_by_role("link", name=announced).wait_for()
    page.get_by_role("link", name=f"Notifications {unread} unread").wait_for()
    page.get_by_role("button", name=f"Mark “{announced}” as read").click()
    page.get_by_role("link", name=f"Notifications {unread - 1} unread").wait_for()
    learner.shot("notifications")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_function("() => document.getElementById('unread-badge').hidden")
    assert items.get_by_text("Unread", exact=True).count() == 0
    assert not learner.errors and not instructor.errors

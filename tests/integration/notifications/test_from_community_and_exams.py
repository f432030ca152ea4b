"""The rows for the domains built beside notifications, through their real routes: a comment,
a reply, a review and an announcement reach the people they concern (never their author), and
an exam result reaches the learner."""

from __future__ import annotations

from typing import Any

from tests.integration.notifications.conftest import Inbox
from tests.support.cloud import Caller


def _post(inbox: Inbox, caller: Caller, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = inbox.platform.call("POST", path, caller=caller, json_body=body)
    assert response.status == 201, response.body
    inbox.platform.drain()
    return dict(response.json())


def _types(inbox: Inbox, caller: Caller) -> list[str]:
    return sorted(n["type"] for n in inbox.notifications(caller) if n["type"] != "enrollment")


def test_comments_replies_reviews_and_announcements_notify_who_they_concern(
    inbox: Inbox,
) -> None:
    owner, learner, other = (
        inbox.personas.owner,
        inbox.personas.student,
        inbox.personas.other_student,
    )
    course = f"/v1/courses/{inbox.course.id}"
    inbox.enrolled(learner)
    inbox.enrolled(other)

    thread = _post(inbox, learner, f"{course}/comments", {"body": "How do I start?"})
    _post(inbox, other, f"{course}/comments", {"body": "Like this.", "parent_id": thread["id"]})
    _post(inbox, learner, f"{course}/reviews", {"rating": 5, "body": "Great"})
    _post(inbox, owner, f"{course}/announcements", {"title": "Live session", "body": "Friday."})

    assert _types(inbox, owner) == [
        "comment_on_my_course",
        "comment_on_my_course",
        "review_on_my_course",
    ]
    assert _types(inbox, learner) == ["announcement", "reply_to_me"]
    assert _types(inbox, other) == ["announcement"]  # not told of their own reply
    [announced] = [n for n in inbox.notifications(other) if n["type"] == "announcement"]
    assert announced["title"].endswith("Live session") and announced["body"] == "Friday."
    assert [m["subject"] for m in inbox.mails(other) if "Live session" in m["subject"]]


def test_an_exam_result_reaches_the_learner(inbox: Inbox) -> None:
    owner, learner = inbox.personas.owner, inbox.personas.student
    inbox.enrolled(learner)
    question = {"type": "true_false", "prompt": "Is water wet?", "answer": True}
    exam = _post(
        inbox,
        owner,
        f"/v1/courses/{inbox.course.id}/exams",
        {"title": "Quiz", "pass_percent": 50, "questions": [question]},
    )
    attempt = _post(inbox, learner, f"/v1/exams/{exam['id']}/attempts", {})
    submitted = inbox.platform.call(
        "POST",
        f"/v1/exams/{exam['id']}/attempts/{attempt['attempt_id']}/submit",
        caller=learner,
        json_body={"answers": {attempt["questions"][0]["id"]: True}},
    )
    assert submitted.status == 200 and submitted.json()["passed"], submitted.body
    inbox.platform.drain()

    [result] = [n for n in inbox.notifications(learner) if n["type"] == "exam_result"]
    assert result["title"].startswith("You passed") and "100" in result["body"]
    assert _types(inbox, owner) == []

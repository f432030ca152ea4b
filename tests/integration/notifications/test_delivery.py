"""Events to notifications and email: what arrives, once, per the person's preferences."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import pytest

from functions.notifications import logic, rules
from functions.notifications.domain import ENROLLED_LEARNERS, Recipients, Rule
from tests.integration.courses.builders import build_course
from tests.integration.identity.conftest import CODE, Identity
from tests.integration.notifications.conftest import (
    EVENTS_QUEUE,
    FEEDBACK_QUEUE,
    Inbox,
    envelope,
    ses_event,
)
from tests.support.snapshot import TableSnapshot, assert_unchanged

ENROLLED = "You are enrolled in"


def test_an_enrollment_is_one_notification_and_one_mime_email_with_both_parts(
    inbox: Inbox,
) -> None:
    student = inbox.personas.student

    inbox.enrolled(student)

    [notification] = inbox.notifications(student)
    assert notification["type"] == "enrollment" and notification["read_at"] is None
    assert notification["title"].startswith(ENROLLED) and notification["link"].endswith(
        inbox.course.id
    )
    assert inbox.unread(student) == 1
    [mail] = inbox.mails(student)
    assert mail["subject"] == notification["title"]
    assert "you are now enrolled" in mail["text"] and "<p>" in mail["html"]
    assert "Student" in mail["headers"]["to"] and student.email in mail["headers"]["to"]
    unsubscribe = mail["headers"]["list-unsubscribe"].strip("<>")
    assert unsubscribe.startswith("https://api.coursewave.test/v1/unsubscribe?token=")
    assert mail["headers"]["list-unsubscribe-post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in mail["text"] and "Unsubscribe" in mail["html"]
    assert inbox.notifications(inbox.personas.other_student) == []


def test_a_duplicate_delivery_makes_one_notification_and_one_email(inbox: Inbox) -> None:
    student = inbox.personas.student
    event = envelope(
        "coursewave.enrollment",
        "EnrollmentCreated",
        {
            "enrollment_id": "enr_1",
            "course_id": inbox.course.id,
            "user_id": student.user_id,
            "source": "free",
            "enrolled_at": "2026-11-24T09:00:00Z",
            "price": {"amount": 0, "currency": "USD"},
        },
        event_id="evt-dup",
    )

    inbox.send(event)
    inbox.send(event)
    inbox.platform.drain()
    inbox.deliver(event)  # and once more, later

    assert len(inbox.notifications(student)) == 1
    assert inbox.unread(student) == 1
    assert len(inbox.mails(student)) == 1


def test_a_poison_event_reaches_the_dead_letter_queue_and_the_rest_of_the_batch_goes_through(
    inbox: Inbox,
) -> None:
    student = inbox.personas.student
    sqs = boto3.client("sqs")
    queue = inbox.platform.provisioned.consumer_queues[EVENTS_QUEUE]
    sqs.set_queue_attributes(QueueUrl=queue, Attributes={"VisibilityTimeout": "0"})
    good = envelope(
        "coursewave.media",
        "MediaReady",
        {
            "media_id": "med_1",
            "course_id": inbox.course.id,
            "owner_id": inbox.personas.owner.user_id,
            "kind": "video",
            "duration_seconds": 12.5,
            "renditions": ["720p"],
        },
        event_id="evt-good",
    )
    poisons = ["{not json", json.dumps({"source": "coursewave.media", "detail": {}})]

    for body in (poisons[0], json.dumps(good), poisons[1]):
        inbox.send(body)
    for _ in range(8):  # every receive of a poison counts; the fifth sends it to the DLQ
        inbox.platform.drain()

    [ready] = inbox.notifications(inbox.personas.owner)
    assert ready["type"] == "media" and "is ready" in ready["title"]
    dead = sqs.receive_message(
        QueueUrl=inbox.platform.provisioned.dead_letter_queues[EVENTS_QUEUE],
        MaxNumberOfMessages=10,
    ).get("Messages", [])
    assert sorted(m["Body"] for m in dead) == sorted(poisons)
    left = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert left["ApproximateNumberOfMessages"] == "0"
    assert inbox.notifications(student) == []


def test_preferences_are_honoured_for_email_and_in_app(inbox: Inbox) -> None:
    student, other = inbox.personas.student, inbox.personas.other_student
    inbox.prefer(student, {"enrollment": {"email": False}})
    inbox.prefer(other, {"enrollment": {"in_app": False}})

    inbox.enrolled(student)
    inbox.enrolled(other)

    assert len(inbox.notifications(student)) == 1 and inbox.mails(student) == []
    assert inbox.notifications(other) == [] and inbox.unread(other) == 0
    assert len(inbox.mails(other)) == 1  # in-app off, email still on
    # another type stays on, and turning the channel back on works
    inbox.prefer(student, {"enrollment": None})
    second = build_course(inbox.platform, inbox.personas.owner, lessons=1)
    inbox.enrolled(student, second)
    assert len(inbox.mails(student)) == 1


def test_the_unsubscribe_link_is_signed_get_changes_nothing_and_post_turns_the_type_off(
    inbox: Inbox,
) -> None:
    platform, student = inbox.platform, inbox.personas.student
    inbox.enrolled(student)
    [mail] = inbox.mails(student)
    url = mail["headers"]["list-unsubscribe"].strip("<>")
    path = url.removeprefix("https://api.coursewave.test")
    token = parse_qs(urlsplit(url).query)["token"][0]
    payload, signature = token.split(".")
    forged = f"/v1/unsubscribe?token={payload[:-2]}AA.{signature}"
    form = {"content-type": "application/x-www-form-urlencoded"}
    one_click = b"List-Unsubscribe=One-Click"

    before = TableSnapshot.take(platform)
    page = platform.call("GET", path)
    assert page.status == 200, page.body
    assert page.json()["notification_type"] == "enrollment" and page.json()["email_enabled"]
    assert student.email not in page.body.decode() and "***@example.test" in page.json()["email"]
    assert platform.call("GET", forged).status == 400
    assert platform.call("POST", forged, body=one_click, headers=form).status == 400
    assert platform.call("POST", path, json_body={"List-Unsubscribe": "One-Click"}).status == 415
    assert platform.call("POST", path, body=b"List-Unsubscribe=Yes", headers=form).status == 422
    assert platform.call("GET", "/v1/unsubscribe").status == 422
    assert_unchanged(platform, before, "GET and refused POSTs")

    done = platform.call("POST", path, body=one_click, headers=form)
    again = platform.call("POST", path, body=one_click, headers=form)

    assert done.status == again.status == 200, done.body
    assert done.json()["email_enabled"] is False
    me = platform.call("GET", "/v1/me", caller=student).json()
    assert me["preferences"]["notifications"] == {"enrollment": {"email": False}}
    assert platform.call("GET", path).json()["email_enabled"] is False


def test_a_person_who_opens_the_link_in_a_browser_gets_a_page_whose_button_unsubscribes(
    inbox: Inbox,
) -> None:
    platform, student = inbox.platform, inbox.personas.student
    inbox.enrolled(student)
    [mail] = inbox.mails(student)
    path = (
        mail["headers"]["list-unsubscribe"].strip("<>").removeprefix("https://api.coursewave.test")
    )
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}

    before = TableSnapshot.take(platform)
    page = platform.call("GET", path, headers=browser)
    assert_unchanged(platform, before, "opening the page")

    assert page.status == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "no-referrer"
    text = page.body.decode()
    assert "Stop emails about your enrollments" in text and student.email not in text
    # the page's form is the RFC 8058 one-click form, posted back to the link itself
    action = re.search(r'<form method="post" action="([^"]+)"', text)
    assert action is not None
    query = html.unescape(action.group(1))
    assert query.startswith("?token=") and f"/v1/unsubscribe{query}" == path
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]+)"', text))
    assert fields == {"List-Unsubscribe": "One-Click"}

    form = {**browser, "content-type": "application/x-www-form-urlencoded"}
    done = platform.call("POST", path, body=urlencode(fields).encode(), headers=form)

    assert done.status == 200 and "Unsubscribed" in done.body.decode()
    assert "<form" not in done.body.decode()
    me = platform.call("GET", "/v1/me", caller=student).json()
    assert me["preferences"]["notifications"] == {"enrollment": {"email": False}}
    again = platform.call("GET", path, headers=browser).body.decode()
    assert "Already unsubscribed" in again and "<form" not in again


def test_a_permanent_bounce_or_a_complaint_stops_email_to_that_address(inbox: Inbox) -> None:
    student, other = inbox.personas.student, inbox.personas.other_student
    inbox.deliver(ses_event("Bounce", student.email.upper()), FEEDBACK_QUEUE)
    inbox.deliver(ses_event("Complaint", other.email), FEEDBACK_QUEUE)
    owner = inbox.personas.owner
    inbox.deliver(ses_event("Bounce", owner.email, bounce_type="Transient"), FEEDBACK_QUEUE)

    inbox.enrolled(student)
    inbox.enrolled(other)
    inbox.enrolled(owner, build_course(inbox.platform, inbox.personas.other_instructor))

    assert len(inbox.notifications(student)) == 1 and inbox.mails(student) == []
    assert len(inbox.notifications(other)) == 1 and inbox.mails(other) == []
    assert len(inbox.mails(owner)) == 1  # a transient bounce stops nothing


def test_reading_one_and_all_moves_the_unread_count_in_step(inbox: Inbox) -> None:
    platform, student = inbox.platform, inbox.personas.student
    for course in (inbox.course, *(build_course(platform, inbox.personas.owner) for _ in "ab")):
        inbox.enrolled(student, course)
    newest, *rest = inbox.notifications(student)
    assert len(rest) == 2 and inbox.unread(student) == 3

    read = platform.call("POST", f"/v1/me/notifications/{newest['id']}/read", caller=student)
    repeat = platform.call("POST", f"/v1/me/notifications/{newest['id']}/read", caller=student)

    assert read.status == repeat.status == 204
    assert inbox.unread(student) == 2
    assert [n["id"] for n in inbox.notifications(student, "?unread=true")] == [
        n["id"] for n in rest
    ]
    page = platform.call("GET", "/v1/me/notifications?limit=2", caller=student).json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    tail = platform.call(
        "GET", f"/v1/me/notifications?limit=2&cursor={page['next_cursor']}", caller=student
    ).json()
    assert [n["id"] for n in tail["items"]] == [rest[-1]["id"]]

    everything = platform.call("POST", "/v1/me/notifications/read-all", caller=student)

    assert everything.status == 204
    assert inbox.unread(student) == 0
    assert inbox.notifications(student, "?unread=true") == []
    assert all(n["read_at"] for n in inbox.notifications(student))


def test_an_announcement_like_row_fans_out_to_every_enrolled_learner_page_by_page(
    inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row of kind ENROLLED_LEARNERS, as the community's AnnouncementPosted will add: every
    active learner once (the author excluded), two per page here, the pages continuing on the
    consumer's own queue; a repeat of the event adds nothing."""
    owner = inbox.personas.owner
    learners = [inbox.personas.student, inbox.personas.other_student, inbox.personas.admin]
    for learner in [*learners, inbox.personas.owner]:
        inbox.enrolled(learner)  # the owner enrolled in their own course is the author here
    inbox.prefer(inbox.personas.admin, {"announcement": {"email": False}})
    row = Rule(
        name="announcement",
        source="coursewave.community",
        detail_type="AnnouncementPosted",
        type="announcement",
        recipients=Recipients(ENROLLED_LEARNERS, "course_id"),
        exclude=("author_id",),
        title="{course_title}: {title}",
        body="{body}",
        link="/courses/{course_id}/announcements",
    )
    monkeypatch.setattr(rules, "RULES", (*rules.RULES, row))
    monkeypatch.setattr(logic, "FANOUT_PAGE", 2)
    event = envelope(
        "coursewave.community",
        "AnnouncementPosted",
        {
            "announcement_id": "ann_1",
            "course_id": inbox.course.id,
            "author_id": owner.user_id,
            "title": "Live session on Friday",
            "body": "Join us at 10:00.",
        },
        event_id="evt-ann",
    )

    inbox.deliver(event)
    inbox.deliver(event)

    for learner in learners:
        announced = [n for n in inbox.notifications(learner) if n["type"] == "announcement"]
        assert len(announced) == 1, learner.email
        assert announced[0]["title"].endswith(": Live session on Friday")
    assert not [n for n in inbox.notifications(owner) if n["type"] == "announcement"]
    subject = next(n for n in inbox.notifications(learners[0]) if n["type"] == "announcement")
    assert len(inbox.mails(learners[0], subject["title"])) == 1
    assert inbox.mails(inbox.personas.admin, subject["title"]) == []  # email off, in-app on


def test_codes_are_issued_when_their_email_is_written_and_never_travel_in_an_event(
    inbox: Inbox,
) -> None:
    identity = Identity(inbox.platform)
    email = identity.email("code")
    assert identity.register(email).status == 201

    [mail] = identity.mails(email)

    code = CODE.search(mail["text"])
    assert code and mail["subject"] == "Confirm your Coursewave email address"
    assert "list-unsubscribe" not in mail["headers"]  # transactional
    [requested] = inbox.platform.events("CodeRequested")
    assert code.group(1) not in json.dumps(requested)
    assert identity.confirm(email, code.group(1)).status == 204

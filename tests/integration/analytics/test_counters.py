"""The counters: fed from the bus through the analytics queue, atomic, exactly once per event.

Replaying every event (a duplicate delivery of the whole history) changes nothing, and what the
statistics say equals a recount of the events themselves."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import boto3

from functions.analytics import consumer
from tests.integration.analytics.conftest import Classroom, context, queue_messages, sqs_event
from tests.support.cloud import Platform


def _learning(classroom: Classroom) -> None:
    """Three learners: one finishes the course, one completes a lesson, one only enrolls; two
    of them watch video."""
    first, second, third = (
        classroom.personas.student,
        classroom.personas.other_student,
        classroom.platform.user("student"),
    )
    lessons = classroom.course.lesson_ids
    for learner in (first, second, third):
        classroom.enroll(learner)
    classroom.watch(first, lessons[0], 60, after=90)  # 60 s watched in 90 s: 60
    classroom.watch(first, lessons[0], 600, after=30)  # seeks ahead: only 30 s passed
    classroom.watch(second, lessons[0], 20, after=25)  # 20
    classroom.watch(second, lessons[0], 10, after=25)  # went back: nothing
    for lesson in lessons:
        classroom.complete(first, lesson)
    classroom.complete(second, lessons[0])
    classroom.platform.drain()


def _recount(platform: Platform, course_id: str) -> dict[str, int]:
    """The counters, recomputed from the events in the outbox."""
    found: Counter[str] = Counter()
    for event in platform.events():
        data = event["detail"]["data"]
        if data.get("course_id") != course_id:
            continue
        name = event["detail-type"]
        if name == "EnrollmentCreated":
            found["enrollments"] += 1
        elif name == "CourseCompleted":
            found["completions"] += 1
        elif name == "LessonCompleted":
            found["lesson_completions"] += 1
        elif name == "WatchTimeRecorded":
            found["watch_seconds"] += data["seconds"]
    return dict(found)


def _course_totals(classroom: Classroom) -> dict[str, int]:
    totals = classroom.stats()["totals"]
    return {k: v for k, v in totals.items() if v and k != "new_users"}


def test_counters_equal_a_recount_of_the_events(classroom: Classroom) -> None:
    _learning(classroom)

    totals = _course_totals(classroom)

    assert totals == _recount(classroom.platform, classroom.course.id)
    assert totals == {
        "enrollments": 3,
        "completions": 1,
        "lesson_completions": 4,
        "watch_seconds": 60 + 30 + 20,
    }
    watch = [e["detail"]["data"]["seconds"] for e in classroom.platform.events("WatchTimeRecorded")]
    assert sorted(watch) == [20, 30, 60]  # the backward save emitted nothing


def test_replaying_every_event_twice_counts_nothing_more(classroom: Classroom) -> None:
    _learning(classroom)
    before = classroom.stats()
    platform = classroom.platform
    sqs = boto3.client("sqs")
    url = platform.provisioned.consumer_queues["analytics-counters"]

    # Given every event of the history delivered again, twice (as EventBridge/SQS may)
    events = platform.events()
    for _ in range(2):
        for event in events:
            sqs.send_message(QueueUrl=url, MessageBody=json.dumps(event))
    platform.drain()

    # Then nothing moved, and nothing is left on the queue or in its DLQ
    assert classroom.stats() == before
    assert queue_messages(platform, "analytics-counters") == []
    dlq = platform.provisioned.dead_letter_queues["analytics-counters"]
    assert sqs.receive_message(QueueUrl=dlq).get("Messages", []) == []


def test_a_duplicate_inside_one_batch_is_counted_once(classroom: Classroom) -> None:
    classroom.enroll(classroom.personas.student)
    created = classroom.platform.events("EnrollmentCreated")[0]

    answer = consumer.lambda_handler(sqs_event([created, created, created]), context())

    assert answer == {"batchItemFailures": []}
    assert classroom.stats()["totals"]["enrollments"] == 1


def test_a_poison_event_fails_alone_and_reaches_the_dlq(classroom: Classroom) -> None:
    platform = classroom.platform
    classroom.enroll(classroom.personas.student)
    created = platform.events("EnrollmentCreated")[0]
    broken: dict[str, Any] = json.loads(json.dumps(created))
    del broken["detail"]["data"]["enrolled_at"]
    broken["detail"]["metadata"]["event_id"] = "poison-1"

    # A batch with the poison message between two good ones: only it fails
    answer = consumer.lambda_handler(sqs_event([broken, created]), context())
    assert answer == {"batchItemFailures": [{"itemIdentifier": "m0"}]}

    # Through the queue: redelivered until max_receive_count, then in the DLQ; the rest counted
    sqs = boto3.client("sqs")
    url = platform.provisioned.consumer_queues["analytics-counters"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
    sqs.send_message(QueueUrl=url, MessageBody=json.dumps(broken))
    platform.drain()
    dlq = platform.provisioned.dead_letter_queues["analytics-counters"]
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"])["detail"]["metadata"]["event_id"] for m in dead] == ["poison-1"]
    assert classroom.stats()["totals"]["enrollments"] == 1


def test_new_users_are_counted_per_day_for_the_platform(
    platform: Platform, classroom: Classroom
) -> None:
    registered = {
        "source": "coursewave.auth",
        "detail-type": "UserRegistered",
        "detail": {
            "metadata": {
                "event_id": "reg-1",
                "version": 1,
                "occurred_at": "2026-11-20T08:00:00Z",
                "correlation_id": "c",
            },
            "data": {
                "user_id": "u-1",
                "email": "new@example.test",
                "name": "New Person",
                "roles": ["student"],
                "provider": "password",
                "email_verified": False,
                "registered_at": "2026-11-20T08:00:00Z",
            },
        },
    }
    consumer.lambda_handler(sqs_event([registered, registered]), context())

    response = platform.call(
        "GET",
        "/v1/admin/stats/overview?from=2026-11-19&to=2026-11-21",
        caller=classroom.personas.admin,
    )

    assert response.status == 200, response.json()
    days = {d["day"]: d["new_users"] for d in response.json()["days"]}
    assert days == {"2026-11-19": 0, "2026-11-20": 1, "2026-11-21": 0}

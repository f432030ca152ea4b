"""xAPI statements from learning events, through the xAPI queue to the (fake) LRS: valid
xAPI 1.0.3, one per event however often it is delivered, retried, dead-lettered, and none at
all when no LRS is configured."""

from __future__ import annotations

import json

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from functions.analytics import statements, xapi
from local.fake_lrs import FakeLrs
from tests.integration.analytics.conftest import BASE_URL, Classroom, context, sqs_event
from tests.support import xapi as rules


def _learn(classroom: Classroom) -> None:
    learner = classroom.personas.student
    lessons = classroom.course.lesson_ids
    classroom.enroll(learner)
    classroom.watch(learner, lessons[0], 40, after=60)
    for lesson in lessons:
        classroom.complete(learner, lesson)
    classroom.platform.drain()


def test_learning_becomes_valid_statements_in_the_lrs(classroom: Classroom, lrs: FakeLrs) -> None:
    _learn(classroom)

    stored = list(lrs.store.statements.values())

    assert stored, "no statement reached the LRS"
    for statement in stored:
        assert rules.problems(statement) == [], statement
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in stored)
    assert verbs == ["completed"] * 4 + ["experienced", "registered"]
    learner = classroom.personas.student.user_id
    assert {s["actor"]["account"]["name"] for s in stored} == {learner}
    assert {s["actor"]["account"]["homePage"] for s in stored} == {BASE_URL}
    course_iri = f"{BASE_URL}/v1/courses/{classroom.course.id}"
    registered = next(s for s in stored if s["verb"]["id"].endswith("/registered"))
    assert registered["object"]["id"] == course_iri
    experienced = next(s for s in stored if s["verb"]["id"].endswith("/experienced"))
    assert experienced["result"] == {"duration": "PT40S"}
    assert experienced["context"]["contextActivities"]["parent"][0]["id"] == course_iri
    assert len({s["context"]["registration"] for s in stored}) == 1
    # the ids are the UUID v5 of the events' ids
    event_ids = {e["detail"]["metadata"]["event_id"] for e in classroom.platform.events()}
    assert set(lrs.store.statements) <= {statements.statement_id(e) for e in event_ids}


def test_a_redelivered_event_is_the_same_statement(classroom: Classroom, lrs: FakeLrs) -> None:
    _learn(classroom)
    before = dict(lrs.store.statements)
    events = [e for e in classroom.platform.events() if e["detail-type"] in statements.ROWS]

    answer = xapi.lambda_handler(sqs_event(events + events), context())

    assert answer == {"batchItemFailures": []}
    assert lrs.store.statements == before


def test_a_short_outage_is_retried_at_once(classroom: Classroom, lrs: FakeLrs) -> None:
    classroom.enroll(classroom.personas.student)
    created = classroom.platform.events("EnrollmentCreated")
    lrs.store.fail_next(2, 503)

    answer = xapi.lambda_handler(sqs_event(created), context())

    assert answer == {"batchItemFailures": []}
    assert len(lrs.store.statements) == 1


def test_an_lrs_that_keeps_failing_sends_the_message_to_the_dlq(
    classroom: Classroom, lrs: FakeLrs
) -> None:
    platform = classroom.platform
    sqs = boto3.client("sqs")
    url = platform.provisioned.consumer_queues["analytics-xapi"]
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"VisibilityTimeout": "0"})
    lrs.store.fail_next(1000, 500)

    classroom.enroll(classroom.personas.student)
    platform.drain(rounds=40)

    dlq = platform.provisioned.dead_letter_queues["analytics-xapi"]
    dead = sqs.receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"])["detail-type"] for m in dead] == ["EnrollmentCreated"]
    assert lrs.store.statements == {}


def test_wrong_credentials_are_refused_by_the_lrs_and_nothing_is_stored(
    classroom: Classroom, lrs: FakeLrs
) -> None:
    classroom.enroll(classroom.personas.student)
    created = classroom.platform.events("EnrollmentCreated")
    lrs.store.password = "not-the-secret"

    # A batch whose every record fails is reported as a failure of the whole invocation
    with pytest.raises(BatchProcessingError, match="HTTP 401"):
        xapi.lambda_handler(sqs_event(created), context())

    assert lrs.store.statements == {}


def test_without_an_lrs_nothing_is_sent_and_nothing_is_left_over(classroom: Classroom) -> None:
    _learn(classroom)  # no ``lrs`` fixture: XAPI_LRS_ENDPOINT is unset

    platform = classroom.platform
    sqs = boto3.client("sqs")
    for queue in (platform.provisioned.consumer_queues, platform.provisioned.dead_letter_queues):
        left = sqs.receive_message(QueueUrl=queue["analytics-xapi"]).get("Messages", [])
        assert left == []


def test_another_statement_under_the_same_id_is_left_alone(
    classroom: Classroom, lrs: FakeLrs
) -> None:
    classroom.enroll(classroom.personas.student)
    [created] = classroom.platform.events("EnrollmentCreated")
    taken = statements.statement_id(created["detail"]["metadata"]["event_id"])
    lrs.store.statements[taken] = {"id": taken, "note": "stored earlier by someone else"}

    answer = xapi.lambda_handler(sqs_event([created]), context())

    assert answer == {"batchItemFailures": []}  # 409: logged, not retried forever
    assert lrs.store.statements[taken]["note"] == "stored earlier by someone else"

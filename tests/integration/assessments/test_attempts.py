"""Attempts through the API: draws, grading, double and late submits, the timer, extensions,
the attempt-limit race, versions, regrades, and answers that never leak."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest

from functions.assessments import logic
from functions.assessments import public as assessments
from tests.integration.assessments.conftest import School, bank, right_answers
from tests.integration.courses.builders import ok
from tests.support.snapshot import table_unchanged

ANSWER_KEYS = ("answer", "accepted_answers", "explanation", "correct_answer")


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def assert_no_answer_key(body: Any, where: str) -> None:
    leaked = _keys(body) & set(ANSWER_KEYS)
    assert not leaked, (where, leaked)
    assert "Because" not in json.dumps(body), (where, "an explanation leaked")


def _later(monkeypatch: pytest.MonkeyPatch, seconds: int) -> None:
    moment = datetime.now(UTC) + timedelta(seconds=seconds)
    monkeypatch.setattr(logic, "now", lambda: moment)


def test_an_attempt_draws_from_the_bank_shows_no_answers_and_stays_stable(school: School) -> None:
    exam = school.create_exam(questions=bank(12), questions_per_attempt=5)
    student = school.personas.student

    started = ok(school.start(exam["id"], student), 201)

    ids = {q["id"] for q in school.owner_view(exam["id"])["questions"]}
    drawn = [q["id"] for q in started["questions"]]
    assert len(drawn) == 5 and len(set(drawn)) == 5 and set(drawn) <= ids
    assert started["deadline"] is None
    assert_no_answer_key(started, "start")
    path = f"/v1/exams/{exam['id']}/attempts/{started['attempt_id']}"
    again = ok(school.platform.call("GET", path, caller=student))
    assert again["questions"] == started["questions"]  # same draw, same option order


def test_submit_grades_at_once_and_a_second_submit_returns_the_first_result(
    school: School,
) -> None:
    exam = school.create_exam()
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    answers = right_answers(attempt, school.owner_view(exam["id"]))

    first = ok(school.submit(exam["id"], attempt["attempt_id"], student, answers))
    second = ok(school.submit(exam["id"], attempt["attempt_id"], student, {}))

    assert first["score_percent"] == 100 and first["passed"] is True
    assert second == first
    assert [e["detail"]["data"]["attempt_id"] for e in school.platform.events("ExamSubmitted")] == [
        attempt["attempt_id"]
    ]
    (passed,) = school.platform.events("ExamPassed")
    data = passed["detail"]["data"]
    assert passed["source"] == "coursewave.assessments"
    assert data["user_id"] == student.user_id and data["course_id"] == school.course.id
    assert (data["exam_version"], data["required"], data["regraded"]) == (1, True, False)
    assert assessments.required_exams_outstanding(school.course.id, student.user_id) == []


def test_answers_to_questions_not_drawn_are_refused_and_change_nothing(school: School) -> None:
    exam = school.create_exam(questions=bank(8), questions_per_attempt=2)
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    drawn = {q["id"] for q in attempt["questions"]}
    other = next(
        q["id"] for q in school.owner_view(exam["id"])["questions"] if q["id"] not in drawn
    )

    for call in (school.submit, school.save):
        with table_unchanged(school.platform, call.__name__):
            refused = call(exam["id"], attempt["attempt_id"], student, {other: True})
        assert refused.status == 422, refused.body
        assert refused.json()["error"]["details"]["fields"][0]["field"] == f"answers.{other}"


def test_a_late_submit_is_graded_at_the_deadline_with_the_saved_answers(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    exam = school.create_exam(time_limit_seconds=600, grace_seconds=30)
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    right = right_answers(attempt, school.owner_view(exam["id"]))
    first_two = dict(list(right.items())[:2])
    assert school.save(exam["id"], attempt["attempt_id"], student, first_two).status == 204

    _later(monkeypatch, 700)  # past the deadline and its grace
    closed = school.save(exam["id"], attempt["attempt_id"], student, right)
    graded = ok(school.submit(exam["id"], attempt["attempt_id"], student, right))

    assert closed.status == 409 and closed.error_code == "ATTEMPT_CLOSED"
    assert graded["submitted_at"] == attempt["deadline"] and graded["late"] is True
    assert graded["score_percent"] == 50 and graded["passed"] is False


def test_a_submit_within_the_grace_period_counts(
    school: School, monkeypatch: pytest.MonkeyPatch
) -> None:
    exam = school.create_exam(time_limit_seconds=600, grace_seconds=120)
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    right = right_answers(attempt, school.owner_view(exam["id"]))

    _later(monkeypatch, 660)
    graded = ok(school.submit(exam["id"], attempt["attempt_id"], student, right))

    assert graded["score_percent"] == 100 and graded["late"] is False


def _timer_message(platform: Any, attempt_id: str, fires_at: str) -> None:
    url = platform.provisioned.consumer_queues["exam-deadlines"]
    body = {"attempt_id": attempt_id, "exam_id": "ignored", "fires_at": fires_at}
    boto3.client("sqs").send_message(QueueUrl=url, MessageBody=json.dumps(body))


def test_the_timer_grades_an_abandoned_attempt_once_and_ignores_a_superseded_timer(
    school: School,
) -> None:
    exam = school.create_exam(time_limit_seconds=600)
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    right = right_answers(attempt, school.owner_view(exam["id"]))
    school.save(exam["id"], attempt["attempt_id"], student, dict(list(right.items())[:3]))
    (timer,) = school.platform.events("ExamDeadlineSet")
    assert timer["detail"]["data"]["fires_at"] == attempt["deadline"]  # no grace period

    _timer_message(school.platform, attempt["attempt_id"], "2000-01-01T00:00:00Z")  # stale
    school.platform.drain()
    path = f"/v1/exams/{exam['id']}/attempts/{attempt['attempt_id']}"
    assert ok(school.platform.call("GET", path, caller=student))["status"] == "in_progress"

    for _ in range(2):  # delivered twice: graded once
        _timer_message(school.platform, attempt["attempt_id"], attempt["deadline"])
    school.platform.drain()

    graded = ok(school.platform.call("GET", path, caller=student))
    assert graded["status"] == "graded" and graded["auto_graded"] is True
    assert graded["submitted_at"] == attempt["deadline"] and graded["score_percent"] == 75
    assert len(school.platform.events("ExamSubmitted")) == 1
    # the learner's late submit now returns that result
    assert (
        ok(school.submit(exam["id"], attempt["attempt_id"], student, right))["score_percent"] == 75
    )


def test_an_extension_moves_the_open_deadline_and_adds_attempts(school: School) -> None:
    exam = school.create_exam(time_limit_seconds=600, max_attempts=1)
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    path = f"/v1/exams/{exam['id']}/extensions"
    body = {"user_id": student.user_id, "extra_seconds": 300, "extra_attempts": 1}

    granted = ok(school.platform.call("POST", path, caller=school.owner, json_body=body), 201)

    deadline = datetime.fromisoformat(attempt["deadline"].replace("Z", "+00:00"))
    moved = (deadline + timedelta(seconds=300)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert granted["open_attempt_deadline"] == moved and granted["attempts_left"] == 1
    timers = school.platform.events("ExamDeadlineSet")
    assert [t["detail"]["data"]["fires_at"] for t in timers] == [attempt["deadline"], moved]
    # the old timer no longer grades it
    _timer_message(school.platform, attempt["attempt_id"], attempt["deadline"])
    school.platform.drain()
    assert school.platform.events("ExamSubmitted") == []
    ok(school.submit(exam["id"], attempt["attempt_id"], student, {}))
    assert school.start(exam["id"], student).status == 201  # the extra attempt
    again = ok(school.platform.call("POST", path, caller=school.owner, json_body=body), 201)
    assert again["extra_attempts"] == 1  # set, not added: a retried grant changes nothing
    refused = school.platform.call(
        "POST",
        path,
        caller=school.owner,
        json_body={"user_id": school.personas.other_student.user_id, "extra_seconds": 60},
    )
    assert refused.status == 422  # not enrolled


def test_five_concurrent_starts_with_one_attempt_left_make_one_attempt(school: School) -> None:
    exam = school.create_exam(max_attempts=2)
    student = school.personas.student
    first = ok(school.start(exam["id"], student), 201)
    ok(school.submit(exam["id"], first["attempt_id"], student, {}))

    with ThreadPoolExecutor(max_workers=5) as pool:
        results = list(pool.map(lambda _: school.start(exam["id"], student), range(5)))

    assert sorted(r.status for r in results) == [201, 409, 409, 409, 409]
    listed = ok(school.platform.call("GET", f"/v1/exams/{exam['id']}/attempts", caller=student))
    assert len(listed["items"]) == 2
    winner = next(r for r in results if r.status == 201).json()
    ok(school.submit(exam["id"], winner["attempt_id"], student, {}))
    out = school.start(exam["id"], student)
    assert out.status == 409 and out.error_code == "NO_ATTEMPTS_LEFT"


def test_editing_an_exam_with_attempts_makes_a_new_version_and_old_attempts_keep_theirs(
    school: School,
) -> None:
    exam = school.create_exam(questions=bank(4))
    student = school.personas.student
    old = ok(school.start(exam["id"], student), 201)
    v1 = school.owner_view(exam["id"])
    path = f"/v1/exams/{exam['id']}"

    edited = ok(
        school.platform.call(
            "PATCH", path, caller=school.owner, json_body={"questions": bank(2), "pass_percent": 90}
        )
    )

    assert edited["version"] == 2 and edited["question_count"] == 2
    graded = ok(school.submit(exam["id"], old["attempt_id"], student, right_answers(old, v1)))
    assert graded["exam_version"] == 1 and graded["score_percent"] == 100
    assert len(graded["results"]) == 4
    new = ok(school.start(exam["id"], student), 201)
    assert new["exam_version"] == 2 and len(new["questions"]) == 2


def test_editing_an_exam_without_attempts_rewrites_its_version(school: School) -> None:
    exam = school.create_exam()
    path = f"/v1/exams/{exam['id']}"
    edited = ok(
        school.platform.call("PATCH", path, caller=school.owner, json_body={"title": "New"})
    )
    assert (edited["version"], edited["title"]) == (1, "New")
    too_many = school.platform.call(
        "PATCH", path, caller=school.owner, json_body={"questions_per_attempt": 9}
    )
    assert too_many.status == 422


def test_a_regrade_after_a_corrected_key_changes_results_and_emits_events(school: School) -> None:
    exam = school.create_exam(questions=bank(1), pass_percent=100)  # one single-choice question
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    (question,) = school.owner_view(exam["id"])["questions"]
    chosen = question["options"][2]["id"]  # not the key (index 0)
    failed = ok(school.submit(exam["id"], attempt["attempt_id"], student, {question["id"]: chosen}))
    assert failed["passed"] is False
    qpath = f"/v1/exams/{exam['id']}/questions/{question['id']}"

    fixed = ok(school.platform.call("PATCH", qpath, caller=school.owner, json_body={"answer": 2}))
    queued = ok(
        school.platform.call("POST", f"/v1/exams/{exam['id']}/regrade", caller=school.owner), 202
    )
    school.platform.drain()

    assert fixed["answer"] == 2 and queued["exam_version"] == 1
    assert school.owner_view(exam["id"])["version"] == 1  # corrected in place
    path = f"/v1/exams/{exam['id']}/attempts/{attempt['attempt_id']}"
    regraded = ok(school.platform.call("GET", path, caller=student))
    assert regraded["score_percent"] == 100 and regraded["passed"] is True
    (passed,) = school.platform.events("ExamPassed")
    assert passed["detail"]["data"]["regraded"] is True
    assert assessments.required_exams_outstanding(school.course.id, student.user_id) == []
    # a second regrade changes nothing and emits nothing
    school.platform.call("POST", f"/v1/exams/{exam['id']}/regrade", caller=school.owner)
    school.platform.drain()
    assert len(school.platform.events("ExamPassed")) == 1
    bad = school.platform.call("PATCH", qpath, caller=school.owner, json_body={"answer": 7})
    assert bad.status == 422


@pytest.mark.parametrize("policy", ["never", "after_pass", "after_last_attempt"])
def test_answers_never_leak_before_the_review_policy_allows(school: School, policy: str) -> None:
    exam = school.create_exam(review_policy=policy, max_attempts=2, time_limit_seconds=600)
    student, call = school.personas.student, school.platform.call
    exam_path = f"/v1/exams/{exam['id']}"
    attempt = ok(school.start(exam["id"], student), 201)
    apath = f"{exam_path}/attempts/{attempt['attempt_id']}"
    responses = {
        "start": attempt,
        "exam": ok(call("GET", exam_path, caller=student)),
        "exams": ok(call("GET", f"/v1/courses/{school.course.id}/exams", caller=student)),
        "attempt": ok(call("GET", apath, caller=student)),
        "attempts": ok(call("GET", f"{exam_path}/attempts", caller=student)),
    }
    wrong = {q["id"]: None for q in attempt["questions"]}
    responses["submit"] = ok(school.submit(exam["id"], attempt["attempt_id"], student, wrong))
    responses["graded attempt"] = ok(call("GET", apath, caller=student))
    responses["double submit"] = ok(school.submit(exam["id"], attempt["attempt_id"], student, {}))

    for where, body in responses.items():
        assert_no_answer_key(body, f"{policy}: {where}")
    assert responses["submit"]["review_available"] is False
    assert ok(call("GET", apath, caller=school.owner))["review_available"] is True
    if policy == "after_last_attempt":  # the last attempt opens the review of both
        second = ok(school.start(exam["id"], student), 201)
        graded = ok(school.submit(exam["id"], second["attempt_id"], student, {}))
        assert graded["review_available"] is True and graded["results"]
        assert ok(call("GET", apath, caller=student))["results"][0]["correct_answer"] is not None


def test_after_pass_reviews_open_once_the_learner_passes(school: School) -> None:
    exam = school.create_exam(review_policy="after_pass")
    student = school.personas.student
    attempt = ok(school.start(exam["id"], student), 201)
    graded = ok(
        school.submit(
            exam["id"],
            attempt["attempt_id"],
            student,
            right_answers(attempt, school.owner_view(exam["id"])),
        )
    )
    assert graded["review_available"] is True and len(graded["results"]) == 4


def test_learners_see_their_own_attempts_only(school: School) -> None:
    exam = school.create_exam()
    other = school.personas.other_student
    school.enroll(other)
    mine = ok(school.start(exam["id"], school.personas.student), 201)
    theirs = ok(school.start(exam["id"], other), 201)
    path = f"/v1/exams/{exam['id']}/attempts"

    listed = ok(school.platform.call("GET", path, caller=other))
    everyone = ok(school.platform.call("GET", path, caller=school.owner))
    hidden = school.platform.call("GET", f"{path}/{mine['attempt_id']}", caller=other)

    assert [a["id"] for a in listed["items"]] == [theirs["attempt_id"]]
    assert {a["id"] for a in everyone["items"]} == {mine["attempt_id"], theirs["attempt_id"]}
    assert hidden.status == 404
    one = school.platform.call("GET", f"{path}?user_id={other.user_id}", caller=school.owner)
    assert [a["id"] for a in ok(one)["items"]] == [theirs["attempt_id"]]


def test_deleting_an_exam_with_attempts_retires_it(school: School) -> None:
    exam = school.create_exam()
    untouched = school.create_exam(title="Quiz")
    student = school.personas.student
    ok(school.start(exam["id"], student), 201)
    outstanding = assessments.required_exams_outstanding(school.course.id, student.user_id)
    assert outstanding == [exam["id"], untouched["id"]]

    for found in (exam, untouched):
        deleted = school.platform.call("DELETE", f"/v1/exams/{found['id']}", caller=school.owner)
        assert deleted.status == 204
        assert (
            school.platform.call("GET", f"/v1/exams/{found['id']}", caller=school.owner).status
            == 404
        )
    assert assessments.required_exams_outstanding(school.course.id, student.user_id) == []


def test_optional_exams_do_not_count_toward_completion(school: School) -> None:
    required = school.create_exam()
    school.create_exam(required=False, title="Practice")
    student = school.personas.student
    assert assessments.required_exams_outstanding(school.course.id, student.user_id) == [
        required["id"]
    ]


def test_bad_exam_bodies_are_refused(school: School) -> None:
    path = f"/v1/courses/{school.course.id}/exams"
    bodies = [
        {"title": "T", "pass_percent": 50, "questions": []},
        {"title": "T", "pass_percent": 150, "questions": bank(1)},
        {
            "title": "T",
            "pass_percent": 50,
            "questions": [{"type": "single", "prompt": "?", "options": ["a", "b"], "answer": 5}],
        },
        {
            "title": "T",
            "pass_percent": 50,
            "questions": [{"type": "single", "prompt": "?", "options": ["a", "b"], "answer": True}],
        },
        {
            "title": "T",
            "pass_percent": 50,
            "questions": [{"type": "true_false", "prompt": "?", "answer": "yes"}],
        },
        {
            "title": "T",
            "pass_percent": 50,
            "questions": [
                {"type": "true_false", "prompt": "?", "options": ["a", "b"], "answer": True}
            ],
        },
        {"title": "T", "pass_percent": 50, "questions_per_attempt": 3, "questions": bank(2)},
        {"title": "T", "pass_percent": 50, "questions": bank(1), "surprise": 1},
    ]
    for body in bodies:
        with table_unchanged(school.platform, json.dumps(body)[:60]):
            refused = school.platform.call("POST", path, caller=school.owner, json_body=body)
        assert refused.status == 422, (body, refused.body)

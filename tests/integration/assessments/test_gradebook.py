"""The gradebook: every learner by exam, and its CSV export to S3 behind a short-lived URL."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, urlsplit

import boto3

from tests.integration.assessments.conftest import School, right_answers
from tests.integration.courses.builders import ok


def test_the_gradebook_shows_each_learners_best_and_exports_it_as_csv(school: School) -> None:
    platform, student = school.platform, school.personas.student
    tricky = platform.user("student", name="=HYPERLINK(evil)")
    school.enroll(tricky)
    exam = school.create_exam()
    quiz = school.create_exam(title="Quiz", required=False)
    keys = school.owner_view(exam["id"])
    for answers in ({}, None):  # a failed attempt, then a passed one: the best counts
        attempt = ok(school.start(exam["id"], student), 201)
        chosen = right_answers(attempt, keys) if answers is None else answers
        ok(school.submit(exam["id"], attempt["attempt_id"], student, chosen))
    course = school.course.id

    book = ok(platform.call("GET", f"/v1/courses/{course}/gradebook", caller=school.owner))

    rows = {row["user"]["id"]: row for row in book["items"]}
    mine = {cell["exam_id"]: cell for cell in rows[student.user_id]["exams"]}
    assert mine[exam["id"]] == {
        "exam_id": exam["id"],
        "title": "Final exam",
        "required": True,
        "best_score_percent": 100.0,
        "passed": True,
        "attempts": 2,
    }
    assert mine[quiz["id"]]["attempts"] == 0 and mine[quiz["id"]]["passed"] is False
    assert rows[tricky.user_id]["exams"][0]["best_score_percent"] is None

    export = ok(
        platform.call("POST", f"/v1/courses/{course}/gradebook/export", caller=school.owner), 202
    )
    path = f"/v1/exports/{export['export_id']}"
    assert ok(platform.call("GET", path, caller=school.owner))["status"] == "pending"
    platform.drain()
    ready = ok(platform.call("GET", path, caller=school.owner))

    assert ready["status"] == "ready"
    url = urlsplit(ready["download_url"])
    query = parse_qs(url.query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"] and query["X-Amz-Expires"] == ["300"]
    bucket = platform.provisioned.env["EXPORTS_BUCKET"]
    key = url.path.split(f"/{bucket}/", 1)[-1].lstrip("/")
    body = boto3.client("s3").get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(body)))
    assert table[0][:4] == ["user_id", "name", "email", "progress_percent"]
    by_id = {row[0]: row for row in table[1:]}
    assert by_id[student.user_id][4:7] == ["100", "yes", "2"]
    assert by_id[tricky.user_id][1] == "'=HYPERLINK(evil)"  # never a live formula

"""Every assessments request stays within the DynamoDB budget of DESIGN.md §4 (≤ 3 round
trips, the caller's record included), measured by the local guards on the request path."""

from __future__ import annotations

from collections.abc import Callable

from local import guards
from tests.integration.assessments.conftest import School, right_answers
from tests.integration.courses.builders import ok
from tests.support.cloud import Response


def trips(call: Callable[[], Response], status: int = 200) -> int:
    response = call()
    assert response.status == status, response.body
    stats = guards.last_request.get()
    assert stats is not None
    return stats.dynamodb_round_trips


def test_every_route_stays_within_three_round_trips(school: School) -> None:
    call, owner, student = school.platform.call, school.owner, school.personas.student
    course = school.course.id
    exam = school.create_exam(time_limit_seconds=600)
    e = f"/v1/exams/{exam['id']}"
    measured = {
        "create": trips(
            lambda: call(
                "POST",
                f"/v1/courses/{course}/exams",
                caller=owner,
                json_body={
                    "title": "Q",
                    "pass_percent": 1,
                    "questions": [{"type": "true_false", "prompt": "?", "answer": True}],
                },
            ),
            201,
        ),
        "list (learner)": trips(lambda: call("GET", f"/v1/courses/{course}/exams", caller=student)),
        "list (owner)": trips(lambda: call("GET", f"/v1/courses/{course}/exams", caller=owner)),
        "get (learner)": trips(lambda: call("GET", e, caller=student)),
        "start": trips(lambda: call("POST", f"{e}/attempts", caller=student), 201),
    }
    (attempt,) = ok(call("GET", f"{e}/attempts", caller=student))["items"]
    a = f"{e}/attempts/{attempt['id']}"
    shown = ok(call("GET", a, caller=student))
    answers = right_answers(shown, school.owner_view(exam["id"]))
    measured |= {
        "save": trips(
            lambda: call("PUT", f"{a}/answers", caller=student, json_body={"answers": answers}), 204
        ),
        "get attempt": trips(lambda: call("GET", a, caller=student)),
        "get attempt (owner)": trips(lambda: call("GET", a, caller=owner)),
        "list attempts": trips(lambda: call("GET", f"{e}/attempts", caller=owner)),
        "extension": trips(
            lambda: call(
                "POST",
                f"{e}/extensions",
                caller=owner,
                json_body={"user_id": student.user_id, "extra_seconds": 60},
            ),
            201,
        ),
        "submit": trips(
            lambda: call("POST", f"{a}/submit", caller=student, json_body={"answers": {}})
        ),
        "patch": trips(lambda: call("PATCH", e, caller=owner, json_body={"title": "T2"})),
        "regrade": trips(lambda: call("POST", f"{e}/regrade", caller=owner), 202),
        "gradebook": trips(lambda: call("GET", f"/v1/courses/{course}/gradebook", caller=owner)),
        "export": trips(
            lambda: call("POST", f"/v1/courses/{course}/gradebook/export", caller=owner), 202
        ),
    }
    assert {name: n for name, n in measured.items() if n > 3} == {}, measured

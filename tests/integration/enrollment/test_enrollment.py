"""Enrolling: exactly once (even 50 requests at a time), paid courses refused with 402, the event
written with the enrollment, bad input refused without writing anything."""

from __future__ import annotations

import threading

from coursewave.db import key
from functions.courses.repository import CourseItem
from tests.integration.courses.builders import build_course, ok, table_snapshot
from tests.support.cloud import Platform, Response
from tests.support.personas import Personas


def _enrollment_items(platform: Platform, course_id: str) -> list[dict]:
    return [
        item for item in table_snapshot(platform) if item["SK"]["S"] == key("ENROLLMENT", course_id)
    ]


def test_enrolling_in_a_free_course_creates_one_enrollment_and_counts_it(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.instructor, lessons=2)
    learner = personas.student

    first = platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=learner)
    again = platform.call(
        "POST",
        f"/v1/courses/{course.id}/enroll",
        caller=learner,
        headers={"Idempotency-Key": "retry-1"},
    )

    assert first.status == 201 and again.status == 200
    enrollment = first.json()
    assert again.json() == enrollment
    assert enrollment["course_id"] == course.id and enrollment["user_id"] == learner.user_id
    assert enrollment["status"] == "active" and enrollment["progress_percent"] == 0
    assert enrollment["id"].startswith("enr_") and enrollment["completed_at"] is None
    assert ok(platform.call("GET", f"/v1/courses/{course.id}/enrollment", caller=learner)) == (
        enrollment
    )
    assert ok(platform.call("GET", f"/v1/courses/{course.id}"))["enrollment_count"] == 1
    events = platform.events("EnrollmentCreated")
    assert len(events) == 1 and events[0]["source"] == "coursewave.enrollment"
    data = events[0]["detail"]["data"]
    assert data["enrollment_id"] == enrollment["id"] and data["user_id"] == learner.user_id
    items = _enrollment_items(platform, course.id)
    assert len(items) == 1 and items[0]["PK"]["S"] == f"USER#{learner.user_id}"


def test_fifty_concurrent_enrollments_by_one_learner_make_one(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    learner = personas.student
    responses: list[Response] = []
    lock = threading.Lock()
    start = threading.Barrier(50)

    def attempt() -> None:
        start.wait()
        response = platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=learner)
        with lock:
            responses.append(response)

    threads = [threading.Thread(target=attempt) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(r.status for r in responses)
    assert statuses.count(201) == 1 and statuses.count(200) == 49, statuses
    assert len({r.json()["id"] for r in responses}) == 1
    assert len(_enrollment_items(platform, course.id)) == 1
    stored = CourseItem.get(*CourseItem.key_of(course.id), consistent_read=True)
    assert stored.enrollment_count == 1
    assert len(platform.events("EnrollmentCreated")) == 1


def test_paid_courses_need_a_payment(platform: Platform, personas: Personas) -> None:
    course = build_course(
        platform, personas.instructor, lessons=1, price={"amount": 15000, "currency": "UGX"}
    )
    learner = personas.student
    before = table_snapshot(platform)

    response = platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=learner)

    assert response.status == 402 and response.error_code == "PAYMENT_REQUIRED"
    assert table_snapshot(platform) == before
    assert platform.call("GET", f"/v1/courses/{course.id}/enrollment", caller=learner).status == 404


def test_enrollment_bad_input_writes_nothing(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=1)
    learner, newcomer = personas.student, personas.other_student
    ok(platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=learner), 201)
    position = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}/position"
    before = table_snapshot(platform)
    for method, path, body, status in [
        ("PUT", position, {"position_seconds": -1}, 422),
        ("PUT", position, {"position_seconds": "12"}, 422),
        ("PUT", position, {"position_seconds": 12.5}, 422),
        ("PUT", position, {"position_seconds": 90000}, 422),
        ("PUT", position, {}, 422),
        ("PUT", position, {"position_seconds": 1, "lesson": "x"}, 422),
        (
            "PUT",
            f"/v1/courses/{course.id}/lessons/les_missing/position",
            {"position_seconds": 1},
            404,
        ),
        ("POST", f"/v1/courses/{course.id}/lessons/les_missing/complete", None, 404),
        ("POST", "/v1/courses/crs_00000000000000000000000000/enroll", None, 404),
        ("POST", "/v1/courses/not$an$id/enroll", None, 404),
        ("GET", "/v1/me/enrollments?limit=0", None, 422),
        ("GET", "/v1/me/enrollments?cursor=garbage", None, 400),
    ]:
        response = platform.call(method, path, caller=learner, json_body=body)
        assert response.status == status, (method, path, body, response.json())
        assert response.json()["error"]["request_id"]
    oversized_key = platform.call(
        "POST",
        f"/v1/courses/{course.id}/enroll",
        caller=newcomer,
        headers={"Idempotency-Key": "k" * 256},
    )
    assert oversized_key.status == 400
    assert table_snapshot(platform) == before

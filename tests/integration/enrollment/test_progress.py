"""Progress: completing lessons, percent over the lessons that exist now, completion once, drip,
resume points, the roster, my enrollments and the dashboard."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from coursewave.db import keyed, transaction
from functions.enrollment import public as enrollment
from functions.enrollment.repository import EnrollmentItem
from tests.integration.courses.builders import build_course, enroll, ok, text_lesson
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas


def complete(platform: Platform, learner: Caller, course_id: str, lesson_id: str) -> dict[str, Any]:
    return ok(
        platform.call(
            "POST", f"/v1/courses/{course_id}/lessons/{lesson_id}/complete", caller=learner
        )
    )


def progress(platform: Platform, learner: Caller, course_id: str) -> dict[str, Any]:
    return ok(platform.call("GET", f"/v1/courses/{course_id}/progress", caller=learner))


def test_completing_every_lesson_completes_the_course_once(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.instructor, lessons=3)
    learner = personas.student
    enroll(platform, course.id, learner)

    steps = [complete(platform, learner, course.id, lesson) for lesson in course.lesson_ids]
    repeat = complete(platform, learner, course.id, course.lesson_ids[0])

    assert [s["percent"] for s in steps] == [33, 66, 100]
    assert steps[0]["completed_at"] is None and steps[-1]["completed_at"]
    assert repeat["completed_at"] == steps[-1]["completed_at"]
    assert repeat["completed_lesson_ids"] == course.lesson_ids
    assert repeat["total_lessons"] == 3 and repeat["last_lesson_id"] == course.lesson_ids[0]
    enrollment = ok(platform.call("GET", f"/v1/courses/{course.id}/enrollment", caller=learner))
    assert enrollment["status"] == "completed" and enrollment["progress_percent"] == 100
    lesson_events = platform.events("LessonCompleted")
    assert [e["detail"]["data"]["lesson_id"] for e in lesson_events] == course.lesson_ids
    assert [e["detail"]["data"]["progress_percent"] for e in lesson_events] == [33, 66, 100]
    completed = platform.events("CourseCompleted")
    assert len(completed) == 1
    assert completed[0]["detail"]["data"]["completed_at"] == steps[-1]["completed_at"]
    assert completed[0]["detail"]["data"]["user_id"] == learner.user_id


def test_percent_follows_the_lessons_that_exist_now(platform: Platform, personas: Personas) -> None:
    owner, learner = personas.instructor, personas.student
    course = build_course(platform, owner, lessons=4)
    enroll(platform, course.id, learner)
    complete(platform, learner, course.id, course.lesson_ids[0])
    complete(platform, learner, course.id, course.lesson_ids[1])
    assert progress(platform, learner, course.id)["percent"] == 50

    added = [
        ok(
            platform.call(
                "POST",
                f"/v1/courses/{course.id}/lessons",
                caller=owner,
                json_body=text_lesson(course.section_ids[0], title=f"Extra {n}"),
            ),
            201,
        )["id"]
        for n in range(4)
    ]
    assert progress(platform, learner, course.id)["percent"] == 25

    for lesson in [*added, course.lesson_ids[2]]:
        assert (
            platform.call(
                "DELETE", f"/v1/courses/{course.id}/lessons/{lesson}", caller=owner
            ).status
            == 204
        )
    state = progress(platform, learner, course.id)
    assert (state["percent"], state["total_lessons"]) == (66, 3)

    assert (
        platform.call(
            "DELETE", f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}", caller=owner
        ).status
        == 204
    )
    state = progress(platform, learner, course.id)
    assert (state["percent"], state["completed_lesson_ids"]) == (50, [course.lesson_ids[1]])
    final = complete(platform, learner, course.id, course.lesson_ids[3])
    assert final["percent"] == 100 and final["completed_at"]

    ok(
        platform.call(
            "POST",
            f"/v1/courses/{course.id}/lessons",
            caller=owner,
            json_body=text_lesson(course.section_ids[0], title="After completion"),
        ),
        201,
    )
    after = progress(platform, learner, course.id)
    assert after["percent"] == 66 and after["completed_at"] == final["completed_at"]
    assert len(platform.events("CourseCompleted")) == 1


def test_the_last_two_lessons_completed_at_once_complete_the_course_once(
    platform: Platform, personas: Personas
) -> None:
    course = build_course(platform, personas.instructor, lessons=2)
    learner = personas.student
    enroll(platform, course.id, learner)
    barrier = threading.Barrier(2)

    def finish(lesson: str) -> None:
        barrier.wait()
        complete(platform, learner, course.id, lesson)

    threads = [threading.Thread(target=finish, args=(lesson,)) for lesson in course.lesson_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert progress(platform, learner, course.id)["percent"] == 100
    assert len(platform.events("CourseCompleted")) == 1
    assert len(platform.events("LessonCompleted")) == 2


def test_drip_fed_lessons_open_days_after_enrollment(
    platform: Platform, personas: Personas
) -> None:
    owner, learner = personas.instructor, personas.student
    course = build_course(
        platform, owner, lessons=2, lesson_overrides=[{}, {"unlock_after_days": 3}]
    )
    enrolled = enroll(platform, course.id, learner)
    opens = datetime.fromisoformat(enrolled["enrolled_at"]) + timedelta(days=3)
    dripped = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[1]}"

    locked = platform.call("GET", dripped, caller=learner)
    refused = platform.call("POST", f"{dripped}/complete", caller=learner)

    expected = opens.strftime("%Y-%m-%dT%H:%M:%SZ")
    for response in (locked, refused):
        assert response.status == 403 and response.error_code == "LESSON_LOCKED"
        assert response.json()["error"]["details"] == {"locked_until": expected}
    outline = ok(platform.call("GET", f"/v1/courses/{course.id}", caller=learner))
    assert [x["locked_until"] for x in outline["sections"][0]["lessons"]] == [None, expected]
    anonymous = ok(platform.call("GET", f"/v1/courses/{course.id}"))
    assert anonymous["sections"][0]["lessons"][1]["locked_until"] is None
    assert anonymous["sections"][0]["lessons"][1]["unlock_after_days"] == 3
    assert platform.call("GET", dripped, caller=owner).status == 200

    earlier = (datetime.now(UTC) - timedelta(days=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    keyed(EnrollmentItem(user_id=learner.user_id, course_id=course.id)).update(
        actions=[EnrollmentItem.enrolled_at.set(earlier)]
    )
    assert ok(platform.call("GET", dripped, caller=learner))["content"]
    assert complete(platform, learner, course.id, course.lesson_ids[1])["percent"] == 50


def test_the_resume_point_is_saved(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, lessons=2)
    learner = personas.student
    enroll(platform, course.id, learner)
    path = f"/v1/courses/{course.id}/lessons/{course.lesson_ids[1]}/position"

    response = platform.call("PUT", path, caller=learner, json_body={"position_seconds": 754})

    assert response.status == 204 and response.body == b""
    state = progress(platform, learner, course.id)
    assert state["last_lesson_id"] == course.lesson_ids[1]
    assert state["last_position_seconds"] == 754 and state["percent"] == 0


def test_roster_my_enrollments_and_dashboard(platform: Platform, personas: Personas) -> None:
    owner, learner = personas.instructor, personas.student
    first = build_course(platform, owner, lessons=1, title="First Course")
    second = build_course(platform, owner, lessons=2, title="Second Course")
    third = build_course(platform, owner, lessons=1, title="Third Course")
    for course in (first, second, third):
        enroll(platform, course.id, learner)
    enroll(platform, second.id, personas.other_student)
    complete(platform, learner, first.id, first.lesson_ids[0])
    complete(platform, learner, second.id, second.lesson_ids[0])

    dashboard = ok(platform.call("GET", "/v1/me/dashboard", caller=learner))
    assert [e["course"]["id"] for e in dashboard["enrollments"]] == [
        second.id,
        first.id,
        third.id,
    ]
    assert [e["progress_percent"] for e in dashboard["enrollments"]] == [50, 100, 0]
    assert [e["status"] for e in dashboard["enrollments"]] == ["active", "completed", "active"]
    assert dashboard["enrollments"][1]["completed_at"]
    assert dashboard["enrollments"][0]["last_lesson_id"] == second.lesson_ids[0]
    assert dashboard["certificates"] == [] and dashboard["notifications_unread"] == 0

    seen: list[str] = []
    cursor = None
    while True:
        page = ok(
            platform.call(
                "GET",
                f"/v1/me/enrollments?limit=2{'&cursor=' + cursor if cursor else ''}",
                caller=learner,
            )
        )
        seen += [item["course"]["id"] for item in page["items"]]
        assert all(item["user_id"] == learner.user_id for item in page["items"])
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted([first.id, second.id, third.id])
    other_cursor = ok(
        platform.call("GET", "/v1/me/enrollments?limit=1", caller=personas.other_student)
    )["next_cursor"]
    assert other_cursor is not None
    stolen = platform.call("GET", f"/v1/me/enrollments?cursor={other_cursor}", caller=learner)
    assert stolen.status == 400

    roster = ok(platform.call("GET", f"/v1/courses/{second.id}/students?limit=1", caller=owner))
    rest = ok(
        platform.call(
            "GET",
            f"/v1/courses/{second.id}/students?cursor={roster['next_cursor']}",
            caller=owner,
        )
    )
    students = {s["user"]["id"]: s for s in roster["items"] + rest["items"]}
    assert set(students) == {learner.user_id, personas.other_student.user_id}
    assert students[learner.user_id]["progress_percent"] == 50
    assert students[learner.user_id]["user"]["email"] == learner.email
    assert students[personas.other_student.user_id]["progress_percent"] == 0


def test_dashboard_shows_the_tiles_higher_domains_keep(
    platform: Platform, personas: Personas
) -> None:
    learner, other = personas.student, personas.other_student
    card = {"id": "cert_1", "course_id": "c1", "course_title": "Course", "issued_at": "2026-12-01"}
    for write in (
        lambda tx: enrollment.add_unread_change(tx, learner.user_id, 3),
        lambda tx: enrollment.add_certificate_card(tx, learner.user_id, "cert_1", card),
        lambda tx: enrollment.add_unread_change(tx, learner.user_id, -1),
    ):
        with transaction() as tx:  # one tile write per transaction: they share one item
            write(tx)

    board = ok(platform.call("GET", "/v1/me/dashboard", caller=learner))
    assert board["notifications_unread"] == 2 and board["certificates"] == [card]
    stranger = ok(platform.call("GET", "/v1/me/dashboard", caller=other))
    assert stranger["notifications_unread"] == 0 and stranger["certificates"] == []

    with transaction() as tx:
        enrollment.add_unread_reset(tx, learner.user_id)
    with transaction() as tx:
        enrollment.add_certificate_card_removal(tx, learner.user_id, "cert_1")
    board = ok(platform.call("GET", "/v1/me/dashboard", caller=learner))
    assert board["notifications_unread"] == 0 and board["certificates"] == []

"""Reviews: one per enrolled learner (also under a race), the course's rating kept atomically
with every create, edit, delete and hide (the sum and count on the course item, never a
recount), the owner's one reply, the admin's audit-logged hide, and the catalog's rating sort."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from coursewave.audit import AuditEntry
from functions.courses.repository import CourseItem
from tests.integration.community.conftest import Classroom
from tests.integration.courses.builders import build_course, enroll, ok
from tests.support.cloud import Response
from tests.support.snapshot import table_unchanged


def _stored_rating(classroom: Classroom) -> tuple[int, int]:
    item = CourseItem.get(*CourseItem.key_of(classroom.course.id), consistent_read=True)
    return int(item.rating_sum), int(item.rating_count)


def test_the_rating_follows_every_create_edit_delete_and_hide(classroom: Classroom) -> None:
    platform, personas = classroom.platform, classroom.personas
    assert classroom.rating() == {"average": 0, "count": 0}

    mine = ok(classroom.review(personas.student, 5, body="Great"), 201)
    other = ok(classroom.review(classroom.learner(), 2), 201)
    third = ok(classroom.review(classroom.learner(), 4), 201)
    assert classroom.rating() == {"average": 3.67, "count": 3}
    assert _stored_rating(classroom) == (11, 3)

    edited = platform.call(
        "PATCH", f"/v1/reviews/{mine['id']}", caller=personas.student, json_body={"rating": 3}
    )
    assert ok(edited)["rating"] == 3 and ok(edited)["body"] == "Great"
    assert classroom.rating() == {"average": 3.0, "count": 3}

    hidden = platform.call(
        "POST", f"/v1/admin/reviews/{other['id']}/hide", caller=personas.admin, json_body={}
    )
    assert ok(hidden)["hidden"] is True
    assert classroom.rating() == {"average": 3.5, "count": 2}
    again = platform.call(
        "POST", f"/v1/admin/reviews/{other['id']}/hide", caller=personas.admin, json_body={}
    )
    assert again.status == 200 and _stored_rating(classroom) == (7, 2)  # counted out once

    assert (
        platform.call("DELETE", f"/v1/reviews/{third['id']}", caller=personas.admin).status == 204
    )
    assert classroom.rating() == {"average": 3.0, "count": 1}
    listed = ok(platform.call("GET", classroom.reviews))["items"]
    assert [r["id"] for r in listed] == [mine["id"]]  # hidden and deleted ones are gone
    actions = {
        (entry.action, entry.target_id)
        for entry in AuditEntry.query("AUDIT")
        if isinstance(entry, AuditEntry)
    }
    assert {("review.hidden", other["id"]), ("review.deleted", third["id"])} <= actions
    events = [e["detail"]["data"] for e in platform.events("ReviewPosted")]
    assert {(e["review_id"], e["rating"]) for e in events} == {
        (mine["id"], 5),
        (other["id"], 2),
        (third["id"], 4),
    }


def test_a_deleted_hidden_review_leaves_the_rating_as_it_was(classroom: Classroom) -> None:
    platform, personas = classroom.platform, classroom.personas
    review = ok(classroom.review(personas.student, 1), 201)
    ok(platform.call("POST", f"/v1/admin/reviews/{review['id']}/hide", caller=personas.admin))
    assert _stored_rating(classroom) == (0, 0)

    deleted = platform.call("DELETE", f"/v1/reviews/{review['id']}", caller=personas.student)

    assert deleted.status == 204 and _stored_rating(classroom) == (0, 0)
    assert classroom.review(personas.student, 4).status == 201  # may review again afterwards
    assert classroom.rating() == {"average": 4.0, "count": 1}


def test_concurrent_first_reviews_by_one_learner_make_one(classroom: Classroom) -> None:
    student = classroom.personas.student

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers: list[Response] = list(
            pool.map(lambda n: classroom.review(student, 1 + n % 5), range(6))
        )

    assert sorted(a.status for a in answers) == [201] + [409] * 5, [a.body for a in answers]
    assert {a.error_code for a in answers if a.status == 409} == {"CONFLICT"}
    winner = next(a.json() for a in answers if a.status == 201)
    assert _stored_rating(classroom) == (winner["rating"], 1)
    assert len(classroom.platform.events("ReviewPosted")) == 1


def test_bad_reviews_are_refused_and_change_nothing(classroom: Classroom) -> None:
    student = classroom.personas.student
    review = ok(classroom.review(student, 4), 201)
    path = f"/v1/reviews/{review['id']}"
    with table_unchanged(classroom.platform):
        for body in ({"rating": 0}, {"rating": 6}, {"rating": "5"}, {"rating": 4.5}, {}):
            assert (
                classroom.platform.call(
                    "POST", classroom.reviews, caller=student, json_body=body
                ).status
                == 422
            )
        for patch in ({}, {"rating": None}, {"rating": 9}, {"course_id": "x"}):
            assert (
                classroom.platform.call("PATCH", path, caller=student, json_body=patch).status
                == 422
            )


def test_the_owner_replies_once_and_the_reply_is_shown(classroom: Classroom) -> None:
    platform, personas = classroom.platform, classroom.personas
    review = ok(classroom.review(personas.student, 2, body="Too fast"), 201)

    replied = ok(
        platform.call(
            "POST",
            f"/v1/reviews/{review['id']}/reply",
            caller=personas.owner,
            json_body={"body": "Section 2 now has a slower walkthrough."},
        ),
        201,
    )

    assert replied["reply"]["body"].startswith("Section 2")
    (listed,) = ok(platform.call("GET", classroom.reviews))["items"]
    assert (
        listed["reply"] == replied["reply"] and listed["author"]["id"] == personas.student.user_id
    )


def test_the_catalog_shows_the_rating_and_sorts_by_it(classroom: Classroom) -> None:
    platform, personas = classroom.platform, classroom.personas
    other = build_course(platform, personas.owner, lessons=1, title="Another course entirely")
    enroll(platform, other.id, personas.student)
    ok(classroom.review(personas.student, 3), 201)
    fan = platform.user("student")
    enroll(platform, other.id, fan)
    for learner in (personas.student, fan):
        ok(
            platform.call(
                "POST", f"/v1/courses/{other.id}/reviews", caller=learner, json_body={"rating": 5}
            ),
            201,
        )
    platform.drain()

    rated = ok(platform.call("GET", "/v1/courses?sort=rating"))["items"]

    assert [c["id"] for c in rated][:2] == [other.id, classroom.course.id]
    assert rated[0]["rating"] == {"average": 5.0, "count": 2}
    assert rated[1]["rating"] == {"average": 3.0, "count": 1}

"""The authorization matrix of every community route, for every persona: anonymous, the
enrolled learner (student), a learner not enrolled (other_student), an instructor who owns
nothing here, the course's owner, an admin and a banned account. Every refusal leaves the table
exactly as it was (``tests/support/matrix.py``)."""

from __future__ import annotations

import pytest

from tests.integration.community.conftest import Classroom
from tests.integration.courses.builders import build_course, ok
from tests.support.matrix import Case, run, same_for_everyone


@pytest.mark.authz("GET /v1/courses/{id}/comments")
def test_comments_are_public_for_published_courses_only(classroom: Classroom) -> None:
    platform, personas = classroom.platform, classroom.personas
    classroom.comment(personas.student)
    run(platform, personas, "GET", classroom.comments, same_for_everyone(200, owner=True))
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    path = f"/v1/courses/{draft.id}/comments"
    run(platform, personas, "GET", path, same_for_everyone(404, owner=True))


@pytest.mark.authz("POST /v1/courses/{id}/comments")
def test_enrolled_learners_and_the_owner_post_comments(classroom: Classroom) -> None:
    run(
        classroom.platform,
        classroom.personas,
        "POST",
        classroom.comments,
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, "FORBIDDEN", label="not enrolled"),
            Case("instructor", 403, "FORBIDDEN", label="not the owner"),
            Case("admin", 403, "FORBIDDEN", label="not enrolled"),
            Case("student", 201, label="enrolled"),
            Case("owner", 201),
        ],
        json_body={"body": "Hello"},
    )


@pytest.mark.authz("PATCH /v1/comments/{comment_id}")
def test_only_the_author_edits_a_comment(classroom: Classroom) -> None:
    comment = classroom.comment(classroom.personas.student)
    run(
        classroom.platform,
        classroom.personas,
        "PATCH",
        f"/v1/comments/{comment['id']}",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("owner", 403, "FORBIDDEN", label="the course's owner may delete, not edit"),
            Case("admin", 403, "FORBIDDEN"),
            Case("student", 200, label="the author"),
        ],
        json_body={"body": "Edited"},
    )


@pytest.mark.authz("DELETE /v1/comments/{comment_id}")
def test_the_author_the_owner_and_admins_delete_a_comment(classroom: Classroom) -> None:
    personas = classroom.personas
    mine, owners, admins = (classroom.comment(personas.student) for _ in range(3))
    run(
        classroom.platform,
        personas,
        "DELETE",
        f"/v1/comments/{mine['id']}",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN", label="owns another course"),
            Case("student", 204, label="the author"),
            Case("owner", 204, path=f"/v1/comments/{owners['id']}"),
            Case("admin", 204, path=f"/v1/comments/{admins['id']}"),
        ],
    )


@pytest.mark.authz("GET /v1/courses/{id}/reviews")
def test_reviews_are_public_for_published_courses(classroom: Classroom) -> None:
    assert classroom.review(classroom.personas.student, 5).status == 201
    listed = run(
        classroom.platform,
        classroom.personas,
        "GET",
        classroom.reviews,
        same_for_everyone(200, owner=True),
    )
    assert [r["rating"] for r in listed["anonymous"].json()["items"]] == [5]


@pytest.mark.authz("POST /v1/courses/{id}/reviews")
def test_only_enrolled_learners_review(classroom: Classroom) -> None:
    run(
        classroom.platform,
        classroom.personas,
        "POST",
        classroom.reviews,
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, "FORBIDDEN", label="not enrolled"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("owner", 403, "FORBIDDEN", label="no review of one's own course"),
            Case("admin", 403, "FORBIDDEN"),
            Case("student", 201),
            Case("student", 409, "CONFLICT", label="a second review"),
        ],
        json_body={"rating": 4, "body": "Good"},
    )


def _review(classroom: Classroom) -> str:
    return ok(classroom.review(classroom.personas.student, 3), 201)["id"]


@pytest.mark.authz("PATCH /v1/reviews/{review_id}")
def test_only_the_author_edits_a_review(classroom: Classroom) -> None:
    run(
        classroom.platform,
        classroom.personas,
        "PATCH",
        f"/v1/reviews/{_review(classroom)}",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("admin", 403, "FORBIDDEN", label="admins hide or delete, never rewrite"),
            Case("student", 200),
        ],
        json_body={"rating": 5},
    )


@pytest.mark.authz("DELETE /v1/reviews/{review_id}")
def test_the_author_and_admins_delete_a_review(classroom: Classroom) -> None:
    review = _review(classroom)
    other = ok(classroom.review(classroom.learner(), 2), 201)["id"]
    run(
        classroom.platform,
        classroom.personas,
        "DELETE",
        f"/v1/reviews/{review}",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("student", 204),
            Case("admin", 204, path=f"/v1/reviews/{other}"),
            Case("student", 404, label="gone", path=f"/v1/reviews/{other}"),
        ],
    )


@pytest.mark.authz("POST /v1/reviews/{review_id}/reply")
def test_the_owner_replies_to_a_review_once(classroom: Classroom) -> None:
    run(
        classroom.platform,
        classroom.personas,
        "POST",
        f"/v1/reviews/{_review(classroom)}/reply",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 403, "FORBIDDEN", label="the author"),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN", label="owns another course"),
            Case("admin", 403, "FORBIDDEN"),
            Case("owner", 201),
            Case("owner", 409, "CONFLICT", label="twice"),
        ],
        json_body={"body": "Thank you!"},
    )


@pytest.mark.authz("POST /v1/admin/reviews/{review_id}/hide")
def test_only_admins_hide_reviews(classroom: Classroom) -> None:
    run(
        classroom.platform,
        classroom.personas,
        "POST",
        f"/v1/admin/reviews/{_review(classroom)}/hide",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 403, "FORBIDDEN"),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("admin", 200),
            Case("admin", 404, path="/v1/admin/reviews/rev_nosuchreview/hide", label="unknown"),
        ],
        json_body={"reason": "spam"},
    )


@pytest.mark.authz("POST /v1/courses/{id}/announcements")
def test_the_owner_and_admins_announce(classroom: Classroom) -> None:
    run(
        classroom.platform,
        classroom.personas,
        "POST",
        classroom.announcements,
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 403, "FORBIDDEN", label="enrolled"),
            Case("other_student", 403, "FORBIDDEN"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("owner", 201),
            Case("admin", 201),
        ],
        json_body={"title": "Welcome", "body": "Glad you are here."},
    )


@pytest.mark.authz("GET /v1/courses/{id}/announcements")
def test_learners_the_owner_and_admins_read_announcements(classroom: Classroom) -> None:
    platform, personas = classroom.platform, classroom.personas
    ok(
        platform.call(
            "POST",
            classroom.announcements,
            caller=personas.owner,
            json_body={"title": "Welcome", "body": "Glad you are here."},
        ),
        201,
    )
    draft = build_course(platform, personas.owner, lessons=1, publish=False)
    run(
        platform,
        personas,
        "GET",
        classroom.announcements,
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("other_student", 403, "FORBIDDEN", label="not enrolled"),
            Case("instructor", 403, "FORBIDDEN"),
            Case("student", 200),
            Case("owner", 200),
            Case("admin", 200),
            Case("student", 404, label="a draft", path=f"/v1/courses/{draft.id}/announcements"),
        ],
    )

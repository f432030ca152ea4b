"""Announcements: the owner's messages to the course's learners, newest first, each published as
AnnouncementPosted for the notifications domain to deliver."""

from __future__ import annotations

from tests.integration.community.conftest import Classroom
from tests.integration.courses.builders import ok
from tests.support.snapshot import table_unchanged


def test_announcements_are_listed_newest_first_and_published_as_events(
    classroom: Classroom,
) -> None:
    platform, owner = classroom.platform, classroom.personas.owner
    made = [
        ok(
            platform.call(
                "POST",
                classroom.announcements,
                caller=owner,
                json_body={"title": f"Week {n}", "body": f"What happens in week {n}."},
            ),
            201,
        )
        for n in (1, 2, 3)
    ]

    first = ok(
        platform.call(
            "GET", f"{classroom.announcements}?limit=2", caller=classroom.personas.student
        )
    )
    rest = ok(
        platform.call(
            "GET",
            f"{classroom.announcements}?limit=2&cursor={first['next_cursor']}",
            caller=classroom.personas.student,
        )
    )

    assert [a["title"] for a in first["items"] + rest["items"]] == ["Week 3", "Week 2", "Week 1"]
    events = [e for e in platform.events("AnnouncementPosted")]
    assert {e["source"] for e in events} == {"coursewave.community"}
    assert [e["detail"]["data"] for e in events] == [
        {
            "announcement_id": a["id"],
            "course_id": classroom.course.id,
            "author_id": owner.user_id,
            "title": a["title"],
            "body": a["body"],
        }
        for a in made
    ]


def test_bad_announcements_are_refused(classroom: Classroom) -> None:
    owner = classroom.personas.owner
    with table_unchanged(classroom.platform):
        for body in (
            {"title": "", "body": "x"},
            {"title": "x" * 201, "body": "x"},
            {"title": "T"},
            {"title": "T", "body": "b", "to": "all"},
        ):
            response = classroom.platform.call(
                "POST", classroom.announcements, caller=owner, json_body=body
            )
            assert response.status == 422, body
        missing = classroom.platform.call(
            "POST",
            "/v1/courses/crs_nosuchcourse/announcements",
            caller=owner,
            json_body={"title": "T", "body": "b"},
        )
        assert missing.status == 404

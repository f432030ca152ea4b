"""Categories are data an admin manages: the seed ids stay valid, new ones are added, names
change, and an archived category takes no new courses but stays on the courses that use it.
Every admin change is in the audit log."""

from __future__ import annotations

import pytest

from coursewave.audit import AuditEntry
from functions.courses.categories import SEED
from tests.integration.courses.builders import build_course, course_body, ok
from tests.support.cloud import Platform
from tests.support.matrix import Case, run
from tests.support.personas import Personas
from tests.support.snapshot import table_unchanged


def _categories(platform: Platform) -> dict[str, dict[str, object]]:
    return {c["id"]: c for c in ok(platform.call("GET", "/v1/categories"))["items"]}


def _audited(action: str, target: str) -> bool:
    return any(
        entry.action == action and entry.target_id == target
        for entry in AuditEntry.query("AUDIT")
        if isinstance(entry, AuditEntry)
    )


@pytest.mark.authz("POST /v1/admin/categories")
def test_only_admins_add_categories(platform: Platform, personas: Personas) -> None:
    body = {"id": "robotics", "name": "Robotics"}
    run(
        platform,
        personas,
        "POST",
        "/v1/admin/categories",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 403),
            Case("other_student", 403),
            Case("instructor", 403),
            Case("admin", 201),
            Case("admin", 409, "CONFLICT", label="the same id again"),
            Case(
                "admin", 409, "CONFLICT", label="a seed id", json_body={"id": "music", "name": "M"}
            ),
            Case("admin", 422, label="a bad id", json_body={"id": "Robo Tics", "name": "R"}),
        ],
        json_body=body,
    )
    assert _categories(platform)["robotics"] == {
        "id": "robotics",
        "name": "Robotics",
        "course_count": 0,
        "archived": False,
    }
    assert _audited("category.created", "robotics")


@pytest.mark.authz("PATCH /v1/admin/categories/{id}")
def test_only_admins_rename_or_archive_categories(platform: Platform, personas: Personas) -> None:
    run(
        platform,
        personas,
        "PATCH",
        "/v1/admin/categories/music",
        [
            Case("anonymous", 401),
            Case("banned", 403),
            Case("student", 403),
            Case("other_student", 403),
            Case("instructor", 403),
            Case("admin", 200),
            Case("admin", 404, label="unknown", path="/v1/admin/categories/astrology"),
            Case("admin", 422, label="empty", json_body={}),
            Case("admin", 422, label="null name", json_body={"name": None}),
        ],
        json_body={"name": "Music and audio"},
    )
    assert _categories(platform)["music"]["name"] == "Music and audio"
    assert _audited("category.updated", "music")


def test_seed_ids_are_listed_and_valid_from_the_start(
    platform: Platform, personas: Personas
) -> None:
    listed = _categories(platform)

    assert list(listed)[: len(SEED)] == list(SEED)
    assert all(
        listed[cid]["name"] == name and not listed[cid]["archived"] for cid, name in SEED.items()
    )
    build_course(platform, personas.instructor, lessons=1, category="agriculture")
    assert _categories(platform)["agriculture"]["course_count"] == 1


def test_an_archived_category_takes_no_new_courses_and_stays_on_its_courses(
    platform: Platform, personas: Personas
) -> None:
    owner, admin = personas.instructor, personas.admin
    ok(
        platform.call(
            "POST",
            "/v1/admin/categories",
            caller=admin,
            json_body={"id": "robotics", "name": "Robotics"},
        ),
        201,
    )
    kept = build_course(platform, owner, lessons=1, category="robotics")
    elsewhere = build_course(platform, owner, lessons=1, category="design")

    archived = platform.call(
        "PATCH", "/v1/admin/categories/robotics", caller=admin, json_body={"archived": True}
    )
    assert ok(archived)["archived"] is True and ok(archived)["course_count"] == 1

    with table_unchanged(platform):
        created = platform.call(
            "POST", "/v1/courses", caller=owner, json_body=course_body(category="robotics")
        )
        moved = platform.call(
            "PATCH", f"/v1/courses/{elsewhere.id}", caller=owner, json_body={"category": "robotics"}
        )
        unknown = platform.call(
            "POST", "/v1/courses", caller=owner, json_body=course_body(category="astrology")
        )
    for refused in (created, moved, unknown):
        assert refused.status == 422, refused.body
        assert refused.json()["error"]["details"]["fields"][0]["field"] == "category"
    # the course already there keeps it, and may still be edited
    edited = platform.call(
        "PATCH", f"/v1/courses/{kept.id}", caller=owner, json_body={"title": "Robots, revised"}
    )
    assert ok(edited)["category"] == "robotics"
    assert _categories(platform)["robotics"]["archived"] is True
    platform.drain()
    listed = ok(platform.call("GET", "/v1/courses?category=robotics"))["items"]
    assert [c["id"] for c in listed] == [kept.id]

    reopened = platform.call(
        "PATCH", "/v1/admin/categories/robotics", caller=admin, json_body={"archived": False}
    )
    assert ok(reopened)["archived"] is False
    moved = platform.call(
        "PATCH", f"/v1/courses/{elsewhere.id}", caller=owner, json_body={"category": "robotics"}
    )
    assert ok(moved)["category"] == "robotics"
    assert _categories(platform)["robotics"]["course_count"] == 2

"""The public catalog: filters, word search, sorts, cursor pagination and category counts, all
answered from the catalog projection with Queries (the gateway fails any request that Scans)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from pynamodb.transactions import TransactWrite

from coursewave.db import connection
from functions.courses import public as courses_public
from local import guards
from tests.integration.courses.builders import BuiltCourse, build_course, enroll, ok
from tests.support.cloud import Platform
from tests.support.personas import Personas


def catalog(platform: Platform, query: str = "") -> dict[str, Any]:
    response = ok(platform.call("GET", f"/v1/courses{'?' + query if query else ''}"))
    stats = guards.last_request.get()
    assert stats is not None and stats.dynamodb_round_trips <= 2, stats.calls
    assert ("dynamodb", "Scan") not in stats.calls
    return response


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


@pytest.fixture
def shelf(platform: Platform, personas: Personas) -> dict[str, BuiltCourse]:
    """Five published courses (and one draft) with distinct facets and words."""
    ines, other = personas.instructor, personas.other_instructor
    courses = {
        "python": build_course(
            platform,
            ines,
            title="Python pour débutants",
            subtitle="Programmer pas à pas",
            tags=["python", "coding"],
            lessons=1,
        ),
        "data": build_course(
            platform,
            ines,
            title="Data Science with Python",
            category="data-science",
            level="intermediate",
            price={"amount": 4900, "currency": "USD"},
            lessons=1,
        ),
        "design": build_course(
            platform,
            other,
            title="Design Systems",
            subtitle="Typography, colour and ÉCOLE-grade layout",
            category="design",
            level="advanced",
            lessons=1,
        ),
        "cooking": build_course(
            platform,
            other,
            title="Cooking for Programmers",
            category="personal-development",
            price={"amount": 20000, "currency": "RWF"},
            tags=["food"],
            lessons=1,
        ),
        "pythonic": build_course(
            platform, other, title="Pythonic Patterns", level="advanced", lessons=1
        ),
        "draft": build_course(platform, ines, title="Python draft", publish=False, lessons=1),
    }
    platform.drain()
    return courses


def test_filters_select_exactly_the_matching_published_courses(
    platform: Platform, personas: Personas, shelf: dict[str, BuiltCourse]
) -> None:
    def names(query: str) -> set[str]:
        found = set(ids(catalog(platform, query)))
        return {name for name, course in shelf.items() if course.id in found}

    assert names("") == {"python", "data", "design", "cooking", "pythonic"}
    assert names("category=design") == {"design"}
    assert names("level=advanced") == {"design", "pythonic"}
    assert names("price=free") == {"python", "design", "pythonic"}
    assert names("price=paid") == {"data", "cooking"}
    assert names(f"instructor_id={personas.instructor.user_id}") == {"python", "data"}
    assert names(f"instructor_id={personas.other_instructor.user_id}&level=advanced") == {
        "design",
        "pythonic",
    }
    assert names("level=advanced&price=free&category=development") == {"pythonic"}
    assert names("category=design&level=beginner") == set()


def test_search_is_case_and_accent_insensitive_with_a_prefix_last_word(
    platform: Platform, shelf: dict[str, BuiltCourse]
) -> None:
    def names(q: str, extra: str = "") -> set[str]:
        found = set(ids(catalog(platform, f"q={q}{extra}")))
        return {name for name, course in shelf.items() if course.id in found}

    assert names("python") == {"python", "data", "pythonic"}
    assert names("PYTH") == {"python", "data", "pythonic"}
    assert names("debutants") == {"python"}
    assert names("Débutant") == {"python"}
    assert names("ecole") == {"design"}
    assert names("coding") == {"python"}
    assert names("python%20pour") == {"python"}
    assert names("pour%20python") == {"python"}
    assert names("pythonic%20pat") == {"pythonic"}
    assert names("science%20pyth") == {"data"}
    assert names("pyth%20science") == set()  # only the last word is a prefix
    assert names("python", "&price=paid") == {"data"}
    assert names("p", "&category=personal-development") == {"cooking"}
    assert names("nothing-like-this") == set()
    assert names("draft") == set()
    response = platform.call("GET", "/v1/courses?q=%21%21%21")
    assert response.status == 422 and response.error_code == "VALIDATION_ERROR"


def test_sorts_newest_popular_and_best_rated(
    platform: Platform, shelf: dict[str, BuiltCourse]
) -> None:
    published_order = ["python", "data", "design", "cooking", "pythonic"]
    newest = ids(catalog(platform, "sort=newest"))
    assert newest == [shelf[n].id for n in reversed(published_order)]
    assert ids(catalog(platform)) == newest
    learners = [platform.user("student") for _ in range(3)]
    for course, count in (("design", 3), ("python", 1), ("pythonic", 2)):
        for learner in learners[:count]:
            enroll(platform, shelf[course].id, learner)
    for name, total, count in (("cooking", 48, 10), ("design", 24, 5), ("python", 140, 40)):
        # What the reviews domain does (tests/integration/community: through the API).
        with TransactWrite(connection=connection()) as tx:
            courses_public.count_rating(tx, shelf[name].id, total, count)
    platform.drain()

    popular = catalog(platform, "sort=popular")
    assert ids(popular)[:3] == [shelf[n].id for n in ("design", "pythonic", "python")]
    assert [i["enrollment_count"] for i in popular["items"]][:3] == [3, 2, 1]
    rated = catalog(platform, "sort=rating")
    assert ids(rated)[:3] == [shelf[n].id for n in ("cooking", "design", "python")]
    assert rated["items"][0]["rating"] == {"average": 4.8, "count": 10}
    free_popular = catalog(platform, "sort=popular&price=free")
    assert ids(free_popular) == [shelf[n].id for n in ("design", "pythonic", "python")]
    paid = catalog(platform, "sort=popular&price=paid")
    assert [i["enrollment_count"] for i in paid["items"]] == [0, 0]


def test_pages_follow_cursors_and_are_stable_under_concurrent_writes(
    platform: Platform, personas: Personas, shelf: dict[str, BuiltCourse]
) -> None:
    everything = ids(catalog(platform))
    first = catalog(platform, "limit=2")
    assert ids(first) == everything[:2] and first["next_cursor"]
    # A course published between two pages lands at the top, not in the pages still to read.
    newcomer = build_course(platform, personas.instructor, title="Brand new", lessons=1)
    platform.drain()
    seen = ids(first)
    cursor = first["next_cursor"]
    while cursor:
        page = catalog(platform, f"limit=2&cursor={cursor}")
        seen += ids(page)
        cursor = page["next_cursor"]
    assert seen == everything
    assert ids(catalog(platform, "limit=1"))[0] == newcomer.id
    searched = catalog(platform, "q=python&limit=1")
    second = catalog(platform, f"q=python&limit=1&cursor={searched['next_cursor']}")
    third = catalog(platform, f"q=python&limit=1&cursor={second['next_cursor']}")
    assert len(set(ids(searched) + ids(second) + ids(third))) == 3


def _cursor(data: dict[str, str]) -> str:
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_tampered_or_foreign_cursors_are_400(
    platform: Platform, shelf: dict[str, BuiltCourse]
) -> None:
    cursor = catalog(platform, "limit=1")["next_cursor"]
    decoded = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    moved = _cursor(
        {**decoded, "PK": "CATALOG#category=design", "GSI3PK": "CATALOG#category=design"}
    )
    bad = [
        "garbage!",
        "bm90IGpzb24",
        _cursor({**decoded, "PK": "USER#someone"}),
        _cursor({"PK": decoded["PK"], "SK": decoded["SK"]}),
        _cursor({**decoded, "extra": "x"}),
    ]
    for value in bad:
        response = platform.call("GET", f"/v1/courses?limit=1&cursor={value}")
        assert response.status == 400 and response.error_code == "BAD_REQUEST", value
    for query in (f"cursor={cursor}&sort=popular", f"cursor={cursor}&category=design"):
        assert platform.call("GET", f"/v1/courses?{query}").status == 400, query
    assert platform.call("GET", f"/v1/courses?category=design&cursor={moved}").status == 200
    for query in ("limit=0", "limit=101", "sort=cheapest", "level=expert", "price=cheap"):
        assert platform.call("GET", f"/v1/courses?{query}").status == 422, query
    assert platform.call("GET", "/v1/courses?colour=red").status == 400


def test_the_catalog_follows_edits_unpublishing_and_archiving(
    platform: Platform, personas: Personas, shelf: dict[str, BuiltCourse]
) -> None:
    owner = personas.instructor
    python = shelf["python"]
    ok(
        platform.call(
            "PATCH",
            f"/v1/courses/{python.id}",
            caller=owner,
            json_body={"title": "Rust pour débutants", "tags": ["rust"]},
        )
    )
    ok(platform.call("POST", f"/v1/courses/{shelf['data'].id}/unpublish", caller=owner))
    platform.drain()

    assert python.id in ids(catalog(platform, "q=rust"))
    assert python.id not in ids(catalog(platform, "q=python"))
    assert shelf["data"].id not in ids(catalog(platform))
    assert shelf["data"].id not in ids(catalog(platform, "category=data-science"))
    summary = next(i for i in catalog(platform)["items"] if i["id"] == python.id)
    assert summary["title"] == "Rust pour débutants" and summary["lesson_count"] == 1


def test_categories_count_published_courses(
    platform: Platform, personas: Personas, shelf: dict[str, BuiltCourse]
) -> None:
    def counts() -> dict[str, int]:
        response = ok(platform.call("GET", "/v1/categories"))
        stats = guards.last_request.get()
        assert stats is not None and stats.dynamodb_round_trips == 1
        return {c["id"]: c["course_count"] for c in response["items"]}

    before = counts()
    assert before["development"] == 2 and before["design"] == 1 and before["music"] == 0
    assert len(before) == 14
    owner, other = personas.instructor, personas.other_instructor
    ok(platform.call("POST", f"/v1/courses/{shelf['python'].id}/unpublish", caller=owner))
    ok(
        platform.call(
            "PATCH",
            f"/v1/courses/{shelf['pythonic'].id}",
            caller=other,
            json_body={"category": "music"},
        )
    )
    assert platform.call("DELETE", f"/v1/courses/{shelf['design'].id}", caller=other).status == 204
    after = counts()
    assert (after["development"], after["music"], after["design"]) == (0, 1, 0)
    names = ok(platform.call("GET", "/v1/categories"))["items"]
    assert {"id": "music", "name": "Music", "course_count": 1, "archived": False} in names

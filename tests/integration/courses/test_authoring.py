"""Building courses: slugs, the draft → published → archived life, sections and lessons, video
references, and the events written with each change."""

from __future__ import annotations

import threading
from typing import Any

from tests.integration.courses.builders import (
    build_course,
    course_body,
    course_media,
    enroll,
    ok,
    table_snapshot,
    text_lesson,
)
from tests.support.cloud import Caller, Platform
from tests.support.personas import Personas


def _media(platform: Platform, course_id: str, owner: Caller, status: str, media_id: str) -> None:
    duration = 93.6 if status == "ready" else None
    course_media(platform, course_id, owner.user_id, media_id, status, duration)


def _course_page(platform: Platform, ref: str, caller: Caller | None = None) -> dict[str, Any]:
    return ok(platform.call("GET", f"/v1/courses/{ref}", caller=caller))


def test_a_new_course_is_a_draft_owned_by_its_creator_with_a_unique_slug(
    platform: Platform, personas: Personas
) -> None:
    owner = personas.instructor
    bodies = [course_body(title="Éducation Numérique: les Bases!") for _ in range(3)]
    created = [
        ok(platform.call("POST", "/v1/courses", caller=owner, json_body=b), 201) for b in bodies
    ]

    assert [c["slug"] for c in created] == [
        "education-numerique-les-bases",
        "education-numerique-les-bases-2",
        "education-numerique-les-bases-3",
    ]
    first = created[0]
    assert first["status"] == "draft"
    assert first["instructor"] == {"id": owner.user_id, "name": "Instructor 1"}
    assert first["sections"] == [] and first["lesson_count"] == 0
    assert first["published_at"] is None
    assert _course_page(platform, first["slug"], owner)["id"] == first["id"]
    events = platform.events("CourseCreated")
    assert [e["detail"]["data"]["course_id"] for e in events] == [c["id"] for c in created]
    assert events[0]["source"] == "coursewave.courses"
    assert events[0]["detail"]["data"]["slug"] == "education-numerique-les-bases"


def test_patch_changes_details_but_keeps_the_slug(platform: Platform, personas: Personas) -> None:
    course = build_course(platform, personas.instructor, publish=False)

    patched = ok(
        platform.call(
            "PATCH",
            f"/v1/courses/{course.id}",
            caller=personas.instructor,
            json_body={
                "title": "A Brand New Title",
                "subtitle": "Now with a subtitle",
                "price": {"amount": 5000, "currency": "RWF"},
                "thumbnail_url": "https://cdn.example/thumb.png",
            },
        )
    )

    assert patched["title"] == "A Brand New Title"
    assert patched["slug"] == course.slug
    assert patched["price"] == {"amount": 5000, "currency": "RWF"}
    assert patched["thumbnail_url"] == "https://cdn.example/thumb.png"
    cleared = ok(
        platform.call(
            "PATCH",
            f"/v1/courses/{course.id}",
            caller=personas.admin,
            json_body={"subtitle": None},
        )
    )
    assert cleared["subtitle"] is None
    assert _course_page(platform, course.slug, personas.admin)["title"] == "A Brand New Title"


def test_publishing_needs_a_lesson_and_emits_course_published_once(
    platform: Platform, personas: Personas
) -> None:
    owner = personas.instructor
    empty = build_course(platform, owner, lessons=0, publish=False)
    before = table_snapshot(platform)

    refused = platform.call("POST", f"/v1/courses/{empty.id}/publish", caller=owner)

    assert refused.status == 409 and refused.error_code == "CONFLICT"
    assert table_snapshot(platform) == before
    course = build_course(platform, owner, lessons=1, publish=False)
    published = ok(platform.call("POST", f"/v1/courses/{course.id}/publish", caller=owner))
    assert published["status"] == "published" and published["published_at"]
    again = ok(platform.call("POST", f"/v1/courses/{course.id}/publish", caller=owner))
    assert again["status"] == "published"
    events = platform.events("CoursePublished")
    assert [e["detail"]["data"]["course_id"] for e in events] == [course.id]
    assert events[0]["detail"]["data"]["lesson_count"] == 1
    back = ok(platform.call("POST", f"/v1/courses/{course.id}/unpublish", caller=owner))
    assert back["status"] == "draft"
    assert platform.call("GET", f"/v1/courses/{course.id}").status == 404


def test_deleting_a_course_without_learners_removes_it_and_frees_its_slug(
    platform: Platform, personas: Personas
) -> None:
    owner = personas.instructor
    course = build_course(platform, owner, lessons=2, title="Short Lived Course")

    response = platform.call("DELETE", f"/v1/courses/{course.id}", caller=owner)
    platform.drain()

    assert response.status == 204 and response.body == b""
    assert platform.call("GET", f"/v1/courses/{course.id}", caller=owner).status == 404
    assert platform.call("DELETE", f"/v1/courses/{course.id}", caller=owner).status == 404
    left = [
        item["entity"]["S"]
        for item in table_snapshot(platform)
        if course.id in item["PK"]["S"] + item["SK"]["S"]
    ]
    assert set(left) == {"CatalogRefresh"}  # the projector's requests, which expire (TTL)
    again = ok(
        platform.call(
            "POST", "/v1/courses", caller=owner, json_body=course_body(title="Short Lived Course")
        ),
        201,
    )
    assert again["slug"] == course.slug


def test_deleting_a_course_with_learners_archives_it(
    platform: Platform, personas: Personas
) -> None:
    owner, learner = personas.instructor, personas.student
    course = build_course(platform, owner, lessons=1)
    enroll(platform, course.id, learner)

    response = platform.call("DELETE", f"/v1/courses/{course.id}", caller=owner)
    platform.drain()

    assert response.status == 204
    assert _course_page(platform, course.id, owner)["status"] == "archived"
    assert _course_page(platform, course.id, learner)["status"] == "archived"
    assert platform.call("GET", f"/v1/courses/{course.id}").status == 404
    assert (
        platform.call("GET", f"/v1/courses/{course.id}", caller=personas.other_student).status
        == 404
    )
    listed = ok(platform.call("GET", f"/v1/courses?instructor_id={owner.user_id}"))
    assert listed["items"] == []
    lesson = platform.call(
        "GET", f"/v1/courses/{course.id}/lessons/{course.lesson_ids[0]}", caller=learner
    )
    assert lesson.status == 200
    assert platform.call("POST", f"/v1/courses/{course.id}/publish", caller=owner).status == 409
    late = platform.call("POST", f"/v1/courses/{course.id}/enroll", caller=personas.other_student)
    assert late.status == 404


def test_sections_keep_contiguous_positions(platform: Platform, personas: Personas) -> None:
    owner = personas.instructor
    course = build_course(platform, owner, lessons=2, publish=False)
    base = f"/v1/courses/{course.id}/sections"

    second = ok(platform.call("POST", base, caller=owner, json_body={"title": "Second"}), 201)
    first = ok(
        platform.call("POST", base, caller=owner, json_body={"title": "First", "position": 1}),
        201,
    )
    assert (second["position"], first["position"]) == (2, 1)
    moved = ok(
        platform.call(
            "PATCH",
            f"{base}/{first['id']}",
            caller=owner,
            json_body={"title": "Last", "position": 3},
        )
    )
    assert moved == {"id": first["id"], "title": "Last", "position": 3, "lessons": []}
    page = _course_page(platform, course.id, owner)
    assert [(s["title"], s["position"]) for s in page["sections"]] == [
        ("Part 1", 1),
        ("Second", 2),
        ("Last", 3),
    ]
    response = platform.call("DELETE", f"{base}/{course.section_ids[0]}", caller=owner)
    assert response.status == 204
    page = _course_page(platform, course.id, owner)
    assert [(s["title"], s["position"]) for s in page["sections"]] == [("Second", 1), ("Last", 2)]
    assert page["lesson_count"] == 0
    keys = {item["SK"]["S"] for item in table_snapshot(platform)}
    assert not {f"LESSON#{lesson_id}" for lesson_id in course.lesson_ids} & keys


def test_lessons_are_ordered_moved_and_their_content_kept_out_of_the_outline(
    platform: Platform, personas: Personas
) -> None:
    owner = personas.instructor
    course = build_course(platform, owner, lessons=3, publish=False)
    lessons = f"/v1/courses/{course.id}/lessons"
    other = ok(
        platform.call(
            "POST", f"/v1/courses/{course.id}/sections", caller=owner, json_body={"title": "B"}
        ),
        201,
    )

    inserted = ok(
        platform.call(
            "POST",
            lessons,
            caller=owner,
            json_body=text_lesson(course.section_ids[0], title="Intro", position=1),
        ),
        201,
    )
    moved = ok(
        platform.call(
            "PATCH",
            f"{lessons}/{course.lesson_ids[2]}",
            caller=owner,
            json_body={"section_id": other["id"], "duration_seconds": 300},
        )
    )

    assert inserted["position"] == 1
    assert moved["section_id"] == other["id"] and moved["position"] == 1
    page = _course_page(platform, course.id, owner)
    assert [[(x["title"], x["position"]) for x in s["lessons"]] for s in page["sections"]] == [
        [("Intro", 1), ("Lesson 1", 2), ("Lesson 2", 3)],
        [("Lesson 3", 1)],
    ]
    assert page["lesson_count"] == 4 and page["duration_seconds"] == 300
    assert "content" not in str(page["sections"]) and "Markdown" not in str(page)
    lesson = ok(platform.call("GET", f"{lessons}/{inserted['id']}", caller=owner))
    assert lesson["content"].startswith("# Hello")
    by_slug = f"/v1/courses/{course.slug}/lessons/{inserted['id']}"
    assert ok(platform.call("GET", by_slug, caller=owner)) == lesson
    assert platform.call("DELETE", f"{lessons}/{inserted['id']}", caller=owner).status == 204
    assert _course_page(platform, course.id, owner)["lesson_count"] == 3
    assert platform.call("GET", f"{lessons}/{inserted['id']}", caller=owner).status == 404


def test_external_videos_are_normalised_to_privacy_friendly_embeds(
    platform: Platform, personas: Personas
) -> None:
    owner = personas.instructor
    course = build_course(platform, owner, lessons=0, publish=False)
    section = course.section_ids[0]
    cases = {
        ("youtube", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42"): (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        ),
        ("youtube", "https://youtu.be/dQw4w9WgXcQ"): (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        ),
        ("youtube", "https://m.youtube.com/shorts/dQw4w9WgXcQ"): (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        ),
        ("youtube", "https://www.youtube.com/embed/dQw4w9WgXcQ"): (
            "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
        ),
        ("dailymotion", "https://www.dailymotion.com/video/x7tgad0"): (
            "https://www.dailymotion.com/embed/video/x7tgad0"
        ),
        (
            "dailymotion",
            "https://dai.ly/x7tgad0",
        ): "https://www.dailymotion.com/embed/video/x7tgad0",
    }
    for (source, url), embed in cases.items():
        body = {
            "section_id": section,
            "title": "Watch",
            "type": "video",
            "video": {"source": source, "url": url},
            "duration_seconds": 60,
        }
        lesson = ok(
            platform.call("POST", f"/v1/courses/{course.id}/lessons", caller=owner, json_body=body),
            201,
        )
        assert lesson["video"] == {
            "source": source,
            "media_id": None,
            "url": url,
            "embed_url": embed,
        }
        assert lesson["duration_seconds"] == 60


def test_uploaded_videos_must_be_ready_and_give_their_duration(
    platform: Platform, personas: Personas
) -> None:
    owner = personas.instructor
    course = build_course(platform, owner, lessons=0, publish=False)
    _media(platform, course.id, owner, "processing", "med_processing")
    _media(platform, course.id, owner, "ready", "med_ready")

    def add(media_id: str) -> Any:
        return platform.call(
            "POST",
            f"/v1/courses/{course.id}/lessons",
            caller=owner,
            json_body={
                "section_id": course.section_ids[0],
                "title": "Uploaded",
                "type": "video",
                "video": {"source": "upload", "media_id": media_id},
            },
        )

    before = table_snapshot(platform)
    busy = add("med_processing")
    assert busy.status == 409 and busy.error_code == "CONFLICT"
    assert table_snapshot(platform) == before
    lesson = ok(add("med_ready"), 201)
    assert lesson["video"]["source"] == "upload" and lesson["video"]["media_id"] == "med_ready"
    assert lesson["duration_seconds"] == 94
    patched = ok(
        platform.call(
            "PATCH",
            f"/v1/courses/{course.id}/lessons/{lesson['id']}",
            caller=owner,
            json_body={"title": "Uploaded, renamed", "preview": True},
        )
    )
    assert patched["duration_seconds"] == 94 and patched["video"]["media_id"] == "med_ready"
    refused = platform.call(
        "PATCH",
        f"/v1/courses/{course.id}/lessons/{lesson['id']}",
        caller=owner,
        json_body={"duration_seconds": 10},
    )
    assert refused.status == 422


def test_concurrent_edits_are_all_kept(platform: Platform, personas: Personas) -> None:
    owner = personas.instructor
    course = build_course(platform, owner, lessons=0, publish=False)
    statuses: list[int] = []

    def add(n: int) -> None:
        response = platform.call(
            "POST",
            f"/v1/courses/{course.id}/sections",
            caller=owner,
            json_body={"title": f"Section {n}"},
        )
        statuses.append(response.status)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    page = _course_page(platform, course.id, owner)
    created = statuses.count(201)
    assert created + statuses.count(409) == 6 and created >= 4
    assert len(page["sections"]) == 1 + created
    assert [s["position"] for s in page["sections"]] == list(range(1, created + 2))

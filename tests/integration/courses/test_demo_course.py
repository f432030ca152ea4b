"""The local runner's demo course, built by the seeder through the course use cases."""

from __future__ import annotations

from dataclasses import dataclass, field

from local.demo_course import DEMO_INSTRUCTOR, seed_demo_course
from tests.integration.courses.builders import ok
from tests.support.cloud import Platform


@dataclass
class RunnerStandIn:
    """What a seeder sees of the local runner: the demo users, a log, and attributes to set."""

    demo: dict[str, str]
    lines: list[str] = field(default_factory=list)
    demo_course_id: str | None = None

    def log(self, line: str) -> None:
        self.lines.append(line)


def test_the_demo_course_is_published_with_sections_a_preview_and_a_youtube_lesson(
    platform: Platform,
) -> None:
    instructor = platform.user("instructor", name="Ines Instructor")
    runner = RunnerStandIn(demo={DEMO_INSTRUCTOR: instructor.user_id})

    seed_demo_course(runner)
    first_id = runner.demo_course_id
    seed_demo_course(runner)
    platform.drain()

    assert first_id and runner.demo_course_id == first_id
    course = ok(platform.call("GET", f"/v1/courses/{first_id}"))
    assert course["status"] == "published"
    assert course["instructor"] == {"id": instructor.user_id, "name": "Ines Instructor"}
    assert len(course["sections"]) == 3 and course["lesson_count"] == 6
    lessons = [lesson for section in course["sections"] for lesson in section["lessons"]]
    assert [lesson["title"] for lesson in lessons if lesson["preview"]] == ["Welcome to the course"]
    assert [lesson["unlock_after_days"] for lesson in lessons][-1] == 3
    video = next(lesson for lesson in lessons if lesson["type"] == "video")
    detail = ok(
        platform.call("GET", f"/v1/courses/{first_id}/lessons/{video['id']}", caller=instructor)
    )
    assert detail["video"]["embed_url"].startswith("https://www.youtube-nocookie.com/embed/")
    text = next(lesson for lesson in lessons if lesson["type"] == "text")
    body = ok(
        platform.call("GET", f"/v1/courses/{first_id}/lessons/{text['id']}", caller=instructor)
    )
    assert body["content"].startswith("# Welcome")
    found = ok(platform.call("GET", "/v1/courses?q=python%20every"))
    assert [item["id"] for item in found["items"]] == [first_id]
    assert any(first_id in line for line in runner.lines)

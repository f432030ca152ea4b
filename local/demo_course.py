"""The local runner's demo course, built through the same use cases the API runs.

A published, free course owned by the demo instructor: three sections of Markdown lessons, a
preview lesson anyone signed in may open, a YouTube lesson and a drip-fed final project. The
course id is left on the platform (``platform.demo_course_id``) for seeders that run later (the
media domain adds a transcoded video lesson to it).
"""

from __future__ import annotations

from typing import Any

from coursewave.users import Principal, User
from functions.courses import logic, public
from functions.courses.domain import Money
from functions.courses.logic import LessonSpec, VideoSpec
from functions.courses.text import slugify

DEMO_INSTRUCTOR = "instructor@demo.coursewave.dev"
TITLE = "Python for Everyone: A Friendly Start"

OUTLINE: list[tuple[str, list[dict[str, Any]]]] = [
    (
        "Getting started",
        [
            {
                "title": "Welcome to the course",
                "preview": True,
                "content": "# Welcome\n\nIn this course you write your first **Python** programs, "
                "one small step at a time.\n\n- No experience needed\n- About 10 minutes a day\n",
            },
            {
                "title": "Installing Python",
                "content": "# Installing Python\n\nDownload Python 3 from "
                "[python.org](https://www.python.org/downloads/), then check it works:\n\n"
                "```\npython3 --version\n```\n",
            },
            {
                "title": "Python in 100 seconds",
                "video": VideoSpec(
                    source="youtube", url="https://www.youtube.com/watch?v=x7X9w_GIm1s"
                ),
                "duration_seconds": 139,
            },
        ],
    ),
    (
        "Core ideas",
        [
            {
                "title": "Variables and types",
                "content": "# Variables\n\nA variable is a name for a value:\n\n"
                "```python\ngreeting = 'Muraho'\nyear = 2026\n```\n",
            },
            {
                "title": "Lists and loops",
                "content": "# Lists and loops\n\n```python\nfor fruit in ['mango', 'banana']:\n"
                "    print(fruit)\n```\n",
            },
        ],
    ),
    (
        "Putting it together",
        [
            {
                "title": "Project: a quiz game",
                "unlock_after_days": 3,
                "content": "# Project\n\nWrite a quiz that asks three questions and counts the "
                "right answers. It opens three days after you enroll: practise first!\n",
            },
        ],
    ),
]


def build_demo_course(instructor: Principal) -> str:
    """Create and publish the demo course (once: an existing one is reused); returns its id."""
    slug = slugify(TITLE)
    existing = public.read_course(slug)
    if existing.course is not None:
        return existing.course.id
    course = logic.create_course(
        instructor,
        title=TITLE,
        subtitle="Learn to program from zero with short lessons and a small project",
        description="A gentle introduction to programming with Python: install it, learn "
        "variables, lists and loops, and finish with a quiz game of your own.",
        category="development",
        level="beginner",
        tags=["python", "programming", "beginners"],
        price=Money(0, "USD"),
    )
    for section_title, lessons in OUTLINE:
        section, _ = logic.add_section(instructor, course.id, section_title, None)
        for lesson in lessons:
            video = lesson.get("video")
            spec = LessonSpec(
                section_id=section.id,
                title=lesson["title"],
                type="video" if video else "text",
                content=lesson.get("content"),
                video=video,
                preview=lesson.get("preview", False),
                duration_seconds=lesson.get("duration_seconds"),
                unlock_after_days=lesson.get("unlock_after_days"),
            )
            logic.add_lesson(instructor, course.id, spec)
    logic.publish_course(instructor, course.id)
    return course.id


def seed_demo_course(platform: Any) -> None:
    """A seeder for ``local.seed.SEEDERS``."""
    user = User.find(platform.demo[DEMO_INSTRUCTOR])
    assert user is not None, "the demo users are seeded first"
    platform.demo_course_id = build_demo_course(Principal.from_user(user))
    platform.log(f"demo course: {TITLE} ({platform.demo_course_id})")

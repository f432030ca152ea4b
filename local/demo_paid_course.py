"""The local runner's paid demo course: the demo student buys it through the local Stripe
checkout page (or with MTN MoMo in RWF / Airtel Money in UGX, approved on the fakes' pages).

Priced in USD with extra prices in RWF and UGX (API.md "Payments": no currency conversion
happens in our code), built through the same use cases the API runs, like the free demo course.
"""

from __future__ import annotations

from typing import Any

from coursewave.users import Principal, User
from functions.courses import logic, public
from functions.courses.domain import Money
from functions.courses.logic import LessonSpec
from functions.courses.text import slugify
from local.demo_course import DEMO_INSTRUCTOR

TITLE = "Data Analysis with Python: From Spreadsheet to Insight"
PRICE = Money(1900, "USD")
PRICES = [Money(25000, "RWF"), Money(70000, "UGX")]
LESSONS: list[dict[str, Any]] = [
    {
        "title": "What you will build",
        "preview": True,
        "content": "# What you will build\n\nA small report on market prices, from a CSV file "
        "to a chart, with **pandas**.\n",
    },
    {
        "title": "Loading a CSV",
        "content": "# Loading a CSV\n\n```python\nimport pandas as pd\n"
        "prices = pd.read_csv('prices.csv')\n```\n",
    },
    {
        "title": "Grouping and summarising",
        "content": "# Grouping\n\n```python\nprices.groupby('market')['price'].mean()\n```\n",
    },
]


def build_demo_paid_course(instructor: Principal) -> str:
    """Create and publish the paid demo course (once: an existing one is reused)."""
    existing = public.read_course(slugify(TITLE))
    if existing.course is not None:
        return existing.course.id
    course = logic.create_course(
        instructor,
        title=TITLE,
        subtitle="A paid demo course: buy it on the local checkout page",
        description="Load, clean, group and chart real data with pandas, in three short "
        "lessons. Paid, so the local payment providers can be tried end to end.",
        category="development",
        level="intermediate",
        tags=["python", "data", "pandas"],
        price=PRICE,
        prices=PRICES,
    )
    section, _ = logic.add_section(instructor, course.id, "Data analysis", None)
    for lesson in LESSONS:
        logic.add_lesson(
            instructor,
            course.id,
            LessonSpec(
                section_id=section.id,
                title=lesson["title"],
                type="text",
                content=lesson["content"],
                preview=lesson.get("preview", False),
            ),
        )
    logic.publish_course(instructor, course.id)
    return course.id


def seed_demo_paid_course(platform: Any) -> None:
    """A seeder for ``local.seed.SEEDERS``."""
    user = User.find(platform.demo[DEMO_INSTRUCTOR])
    assert user is not None, "the demo users are seeded first"
    platform.demo_paid_course_id = build_demo_paid_course(Principal.from_user(user))
    platform.log(f"paid demo course: {TITLE} ({platform.demo_paid_course_id})")

"""The catalog's categories: data an admin manages (``POST/PATCH /v1/admin/categories``).

A category is a row of the ``CATEGORIES`` partition (``functions/courses/repository.py``): its id
(part of the API, never renamed), its display name, whether it is archived, and the number of
published courses in it. The taxonomy the platform started with (``SEED``) is valid everywhere
without being written anywhere: a seed id whose row holds no name shows its seed name, and the
first admin edit writes the row. So every deployment, local or in AWS, knows the same ids from
its first request, with no seeding step to forget, and an admin's edit of a seed is kept like
any other.

An archived category takes no new courses (creating one in it, or moving one to it, is a 422)
and stays on the courses that already use it, listed with ``archived: true``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SEED: dict[str, str] = {
    "development": "Development",
    "data-science": "Data science",
    "it-and-software": "IT and software",
    "business": "Business",
    "finance": "Finance and accounting",
    "marketing": "Marketing",
    "design": "Design",
    "photography-and-video": "Photography and video",
    "music": "Music",
    "languages": "Languages",
    "teaching-and-academics": "Teaching and academics",
    "personal-development": "Personal development",
    "health-and-fitness": "Health and fitness",
    "agriculture": "Agriculture",
}

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
MAX_ID_LENGTH = 50
_ID = re.compile(ID_PATTERN)


def is_category_id(value: str) -> bool:
    return len(value) <= MAX_ID_LENGTH and bool(_ID.match(value))


@dataclass(frozen=True)
class Category:
    id: str
    name: str
    archived: bool = False
    course_count: int = 0

    @property
    def takes_courses(self) -> bool:
        return not self.archived


def resolve(
    category_id: str, name: str | None, archived: bool | None, course_count: int
) -> Category | None:
    """A category from its stored row's fields (``name`` None: no row, or a counter-only row):
    a seed keeps its seed name until an admin names it; any other id without a name is none."""
    if name is None:
        if category_id not in SEED:
            return None
        name = SEED[category_id]
    return Category(category_id, name, bool(archived), max(0, course_count))

"""The catalog's categories: a fixed taxonomy (ids are part of the API; names are for display)."""

from __future__ import annotations

CATEGORIES: dict[str, str] = {
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

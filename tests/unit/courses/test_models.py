"""Request validation of course bodies (the 422s clients see)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from functions.courses.models import CourseIn, CoursePatch, LessonPatch, PriceIn


def valid(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Good title",
        "description": "About",
        "category": "design",
        "level": "beginner",
        "price": {"amount": 0, "currency": "RWF"},
    }
    return {**body, **overrides}


@pytest.mark.parametrize(
    ("amount", "currency"),
    [(0, "USD"), (1999, "EUR"), (5000, "RWF"), (15000, "UGX"), (2500, "XAF"), (1250, "KWD")],
)
def test_prices_are_integer_minor_units_in_iso_currencies(amount: int, currency: str) -> None:
    assert PriceIn(amount=amount, currency=currency).to_money().amount == amount


@pytest.mark.parametrize(
    "price",
    [
        {"amount": -1, "currency": "USD"},
        {"amount": 1.5, "currency": "USD"},
        {"amount": True, "currency": "USD"},
        {"amount": 100, "currency": "ABC"},
        {"amount": 100, "currency": "XAU"},
        {"amount": 100, "currency": "eur"},
        {"amount": 10**9, "currency": "RWF"},
        {"amount": 100, "currency": "USD", "tax": 0},
    ],
)
def test_bad_prices_are_rejected(price: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CourseIn.model_validate(valid(price=price))


def test_course_bodies() -> None:
    course = CourseIn.model_validate(valid(title="  Padded  ", tags=["ui", "ux design"]))
    assert course.title == "Padded" and course.tags == ["ui", "ux design"]
    for bad in (valid(category="Cooking"), valid(level="pro"), valid(title="ab")):
        with pytest.raises(ValidationError):
            CourseIn.model_validate(bad)


def test_patches_need_a_field_and_null_only_clears_what_may_be_empty() -> None:
    assert CoursePatch.model_validate({"subtitle": None}).changes() == {"subtitle": None}
    assert LessonPatch.model_validate({"video": None}).changes() == {"video": None}
    for bad in ({}, {"title": None}, {"price": None}, {"status": "published"}):
        with pytest.raises(ValidationError):
            CoursePatch.model_validate(bad)
    for bad in ({}, {"title": None}, {"type": None}, {"preview": None}):
        with pytest.raises(ValidationError):
            LessonPatch.model_validate(bad)

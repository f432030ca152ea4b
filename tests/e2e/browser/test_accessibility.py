"""Accessibility in a real browser: every control of the main screens has an accessible name,
a person logs in with the keyboard alone, and the catalog fits a phone's width."""

from __future__ import annotations

from typing import Any

from functions.courses.text import slugify
from local.demo_course import TITLE as DEMO_COURSE
from tests.e2e.conftest import DEMO_PASSWORD, LocalStack

# Controls without a name: what a screen reader would announce as just "button" or "edit".
UNNAMED_CONTROLS = """() => {
  const named = (el) => {
    if ((el.getAttribute('aria-label') || '').trim()) return true;
    if (el.labels && Array.from(el.labels).some((l) => l.textContent.trim())) return true;
    if (el.getAttribute('aria-labelledby')) return true;
    if (el.tagName === 'INPUT' && ['submit', 'button'].includes(el.type)) return !!el.value;
    return !['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName) && !!el.textContent.trim();
  };
  return Array.from(document.querySelectorAll('a[href], button, input, select, textarea, video'))
    .filter((el) => el.type !== 'hidden' && !named(el))
    .map((el) => el.outerHTML.slice(0, 120));
}"""

SCREENS = {
    None: [
        "/",
        "/login",
        "/signup",
        "/confirm",
        "/forgot-password",
        "/reset-password",
        f"/courses/{slugify(DEMO_COURSE)}",
    ],
    "student@demo.coursewave.dev": [
        "/dashboard",
        f"/courses/{slugify(DEMO_COURSE)}",
        "/notifications",
        "/certificates",
    ],
    "instructor@demo.coursewave.dev": [
        "/teach",
        "/teach/new",
        "/teach/earnings",
        f"/courses/{slugify(DEMO_COURSE)}",
        f"/teach/courses/{slugify(DEMO_COURSE)}/stats",
        f"/teach/courses/{slugify(DEMO_COURSE)}/exams/new",
    ],
    "admin@demo.coursewave.dev": [
        "/admin/users",
        "/admin/coupons",
        "/admin/payments",
        "/admin/audit-log",
        "/admin/stats",
    ],
}


def test_every_control_of_the_main_screens_has_an_accessible_name(
    stack: LocalStack, person: Any
) -> None:
    for who, paths in SCREENS.items():
        visitor = person()
        if who:
            visitor.log_in(who)
        for path in paths:
            page = visitor.open(path)
            page.locator("main h1").first.wait_for()
            page.wait_for_function("() => !document.querySelector('main [role=status].loading')")
            assert page.evaluate(UNNAMED_CONTROLS) == [], f"{who or 'visitor'} on {path}"
            assert not visitor.errors, (path, visitor.errors)


def test_a_person_logs_in_with_the_keyboard_only(stack: LocalStack, person: Any) -> None:
    visitor = person()
    page = visitor.open("/login")
    page.get_by_role("heading", name="Log in").wait_for()
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('name')") == "email"
    page.keyboard.type("student@demo.coursewave.dev")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('name')") == "password"
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Log out").wait_for()
    assert page.url.endswith("/dashboard")


def test_the_catalog_fits_a_phone(stack: LocalStack, person: Any) -> None:
    phone = person(width=375, height=740)
    page = phone.open("/")
    page.get_by_role("link", name=DEMO_COURSE).wait_for()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    phone.shot("catalog-phone")

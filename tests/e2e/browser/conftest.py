"""Browser tests: Debian's Chromium driven by Playwright (no browser download), headless, against
the e2e suite's one local runner (``stack``). One browser per session, one context per person."""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.e2e.conftest import DEMO_PASSWORD, REPO_ROOT, LocalStack

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Screenshots of the main screens, kept as CI artifacts (not committed: /build/ is ignored).
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
TIMEOUT_MS = 30_000


def chromium_path() -> str:
    for path in CHROMIUM_PATHS:
        if Path(path).exists():
            return path
    found = shutil.which("chromium")
    if found is None:
        raise RuntimeError("Chromium is not installed: run `make setup` (apt-get install chromium)")
    return found


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright: Playwright, stack: LocalStack) -> Iterator[Browser]:
    if not (REPO_ROOT / "web" / "dist" / "index.html").exists():
        raise RuntimeError(
            "web/dist is not built: run `make setup` (it runs npm run build in web/)"
        )
    launched = playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        # Unmuted autoplay is refused by default (GOTCHAS): the tests start the video themselves.
        args=["--autoplay-policy=no-user-gesture-required"],
    )
    yield launched
    launched.close()


class Person:
    """One person's own browser (a context of its own: storage, session, tabs)."""

    def __init__(self, stack: LocalStack, context: BrowserContext) -> None:
        self.stack = stack
        self.context = context
        self.page = context.new_page()
        # Uncaught exceptions and console errors (CSP violations among them). A refused
        # request the app expects (a 404 "not enrolled") is logged by the browser as "Failed to
        # load resource" and is not an error of the app.
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def open(self, path: str) -> Page:
        self.page.goto(self.stack.url + path)
        return self.page

    def log_in(self, email: str, password: str = DEMO_PASSWORD) -> None:
        page = self.open("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("button", name="Log out").wait_for()

    def shot(self, name: str) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def person(browser: Browser, stack: LocalStack) -> Iterator[Any]:
    """``person()`` opens a new person's browser; all are closed after the test."""
    contexts: list[BrowserContext] = []

    def make(width: int = 1280, height: int = 900) -> Person:
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return Person(stack, context)

    yield make
    for context in contexts:
        context.close()


def signed_up_learner(stack: LocalStack, name: str = "Browser Learner") -> str:
    """A confirmed learner made over the API (for tests about something other than signing up)."""
    email = f"learner-{time.time_ns()}@example.com"
    registered = stack.api(
        "POST", "/v1/auth/register", json={"email": email, "password": DEMO_PASSWORD, "name": name}
    )
    assert registered.status_code == 201, registered.text
    code = confirmation_code(stack, email)
    confirmed = stack.api("POST", "/v1/auth/confirm", json={"email": email, "code": code})
    assert confirmed.status_code == 204, confirmed.text
    return email


VERIFY_SUBJECT = "Confirm your Coursewave email address"
RESET_SUBJECT = "Reset your Coursewave password"


def confirmation_code(stack: LocalStack, email: str, subject: str = VERIFY_SUBJECT) -> str:
    """The newest code mailed to ``email`` under ``subject`` (the local mailbox, newest first)."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        for mail in stack.mailbox(email):
            found = re.search(r"code is (\d{6})\b", mail["text"])
            if mail["subject"] == subject and found:
                return found.group(1)
        time.sleep(0.2)
    raise AssertionError(f"no confirmation code for {email}")

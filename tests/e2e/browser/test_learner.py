"""A learner in a real browser: signs up with the code from the local mailbox, enrolls in the
demo course, plays its HLS video through hls.js, resumes after a reload, completes a lesson,
sees progress; logging out revokes the refresh token the tab kept."""

from __future__ import annotations

import time
from typing import Any

from functions.courses.text import slugify
from local.demo_course import TITLE as DEMO_COURSE
from local.demo_video import LESSON_TITLE as DEMO_VIDEO
from tests.e2e.browser.conftest import (
    DEMO_PASSWORD,
    RESET_SUBJECT,
    confirmation_code,
    signed_up_learner,
)
from tests.e2e.conftest import LocalStack


def _wait_for_demo_video(stack: LocalStack) -> None:
    """The demo video is transcoded in the background after the runner starts."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        course = stack.api("GET", f"/v1/courses/{slugify(DEMO_COURSE)}").json()
        titles = [lesson["title"] for s in course["sections"] for lesson in s["lessons"]]
        if DEMO_VIDEO in titles:
            return
        time.sleep(0.5)
    raise AssertionError("the demo video lesson never appeared")


def test_a_learner_signs_up_plays_the_demo_video_resumes_and_completes_a_lesson(
    stack: LocalStack, person: Any
) -> None:
    # Given a new visitor on the sign-up page
    learner = person()
    page = learner.open("/signup")
    email = f"browser-{time.time_ns()}@example.com"

    # When they sign up, a bad password is refused next to its field...
    page.get_by_label("Name").fill("Browser Learner")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    password_error = page.locator('[data-error-for="password"]')
    password_error.wait_for()
    assert password_error.inner_text().strip()
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"

    # ...then they sign up properly and confirm with the mailed code
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.get_by_role("heading", name="Confirm your email").wait_for()
    page.get_by_label("Confirmation code").fill(confirmation_code(stack, email))
    page.get_by_role("button", name="Confirm").click()
    page.get_by_role("heading", name="Log in").wait_for()
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Welcome, Browser Learner").wait_for()

    # ...find the demo course by searching the catalog and enroll
    _wait_for_demo_video(stack)
    page.get_by_role("link", name="Catalog", exact=True).click()
    page.get_by_label("Search").fill("Python friendly")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=DEMO_COURSE).click()
    page.get_by_role("heading", name=DEMO_COURSE).wait_for()
    learner.shot("course-page")
    page.get_by_role("button", name="Enroll for free").click()
    page.get_by_text("You are enrolled.").wait_for()

    # ...and play the demo video, watching the network
    media_requests: list[str] = []
    page.on("requestfinished", lambda request: media_requests.append(request.url))
    page.get_by_role("link", name=f"{DEMO_VIDEO} (video)").click()
    video = page.locator("video")
    video.wait_for()
    page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function("() => document.querySelector('video').currentTime > 3")
    learner.shot("video-lesson")

    # Then it played without a media error, through signed playlist and segment URLs
    assert page.evaluate("document.querySelector('video').error") is None
    assert page.locator(".media-error").inner_text() == ""
    playlists = [url for url in media_requests if ".m3u8" in url.split("?")[0]]
    segments = [url for url in media_requests if url.split("?")[0].endswith(".ts")]
    assert len(playlists) >= 2, playlists  # the master and at least one variant
    # (each through the API's segment path, redirected to the presigned file)
    redirected = [url for url in segments if "/segments/" in url and "token=" in url]
    signed = [url for url in segments if "X-Amz-Signature=" in url]
    assert len(signed) >= 2 and len(redirected) == len(signed), segments
    assert len(redirected) + len(signed) == len(segments), segments

    # When they pause, the position is saved; after a reload the player resumes there
    with page.expect_response(lambda r: r.url.endswith("/position") and r.status == 204):
        page.evaluate("document.querySelector('video').pause()")
    saved = page.evaluate("Math.floor(document.querySelector('video').currentTime)")
    assert saved >= 3
    page.reload()
    page.wait_for_function(f"() => document.querySelector('video')?.currentTime >= {saved}")
    assert page.get_by_role("button", name="Log out").is_visible()  # the session survived

    # When they mark the lesson complete, progress moves
    page.get_by_role("button", name="Mark lesson as complete").click()
    page.get_by_text("Lesson completed.").wait_for()
    progress = page.locator("#course-progress").inner_text()
    assert "Course progress: 0%" not in progress
    page.get_by_role("link", name="My learning").click()
    card = page.get_by_role("list", name="My courses")
    card.get_by_role("link", name=DEMO_COURSE, exact=True).wait_for()
    assert "0% complete" not in card.inner_text()
    learner.shot("dashboard")

    # When they log out, the refresh token the tab kept no longer works
    refresh = page.evaluate("sessionStorage.getItem('coursewave.refresh')")
    assert refresh
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("link", name="Log in").wait_for()
    assert page.evaluate("sessionStorage.getItem('coursewave.refresh')") is None
    refused = stack.api("POST", "/v1/auth/refresh", json={"refresh_token": refresh})
    assert refused.status_code in (400, 401), refused.text
    assert not learner.errors, learner.errors


def test_a_learner_who_forgot_their_password_resets_it_with_the_mailed_code(
    stack: LocalStack, person: Any
) -> None:
    # Given a confirmed learner who forgot their password
    email = signed_up_learner(stack, name="Forgetful Learner")
    learner = person()
    page = learner.open("/login")

    # When they ask for a reset code and set a new password with it
    page.get_by_role("link", name="Forgot your password?").click()
    # (in the form: until the screen has rendered, "Email" is still the login form's field)
    forgot = page.get_by_role("form", name="Forgot your password")
    forgot.get_by_label("Email").fill(email)
    forgot.get_by_role("button", name="Send a reset code").click()
    page.get_by_role("heading", name="Choose a new password").wait_for()
    page.get_by_label("Reset code").fill(confirmation_code(stack, email, RESET_SUBJECT))
    page.get_by_label("New password", exact=True).fill("Brand-New-Password-42")
    page.get_by_role("button", name="Set new password").click()

    # Then they log in with the new password
    page.get_by_role("heading", name="Log in").wait_for()
    page.get_by_label("Password").fill("Brand-New-Password-42")
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Welcome, Forgetful Learner").wait_for()
    assert not learner.errors, learner.errors

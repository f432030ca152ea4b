"""A learner watches a lecture longer than a playback token lives (docs/media.md, "Playback").

A local runner of its own, whose tokens (and so every playlist and segment URL) live
``TTL_SECONDS``: the web app's player refreshes the token before it expires and sends the newest
one on every request, so the video plays on long past the first token's expiry — until the
enrollment is revoked: the next refresh is refused and the player stops."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Browser, Playwright, Response

from local.samples import make_test_clip
from tests.e2e.browser.conftest import DEMO_PASSWORD, TIMEOUT_MS, Person, chromium_path
from tests.e2e.conftest import LocalStack, local_runner
from tests.e2e.test_media import (
    INSTRUCTOR,
    STUDENT,
    _new_course,
    _ok,
    _token,
    _upload,
    _video_lesson,
    _wait_for,
)

TTL_SECONDS = 6  # the player refreshes at 60 %: 2.4 s of margin for a refresh on a loaded machine
CLIP_SECONDS = 60
PLAYBACK_RATE = 2  # hls.js keeps 30 s buffered: at 2x it fetches a 6 s segment every 3 s
WATCH_UNTIL_SECONDS = 46  # of the video: ~23 s of wall time, several token lifetimes


@pytest.fixture(scope="module")
def short_lived_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    env = {"PLAYBACK_URL_TTL_SECONDS": str(TTL_SECONDS)}
    with local_runner(tmp_path_factory.mktemp("short-lived-runner"), env) as running:
        yield running


@pytest.fixture(scope="module")
def own_browser(playwright: Playwright, short_lived_stack: LocalStack) -> Iterator[Browser]:
    launched = playwright.chromium.launch(
        executable_path=chromium_path(),
        headless=True,
        args=["--autoplay-policy=no-user-gesture-required"],
    )
    yield launched
    launched.close()


@dataclass
class Lecture:
    course_id: str
    lesson_id: str


@pytest.fixture(scope="module")
def lecture(short_lived_stack: LocalStack, tmp_path_factory: pytest.TempPathFactory) -> Lecture:
    """A published course with a minute-long video lesson, the demo student enrolled."""
    stack = short_lived_stack
    clip = make_test_clip(
        tmp_path_factory.mktemp("lecture") / "lecture.mp4",
        seconds=CLIP_SECONDS,
        width=640,
        height=360,
        fps=24,
    ).read_bytes()
    instructor = _token(stack, INSTRUCTOR)
    course_id = _new_course(stack, instructor)
    ticket = _upload(stack, instructor, course_id, clip)
    _wait_for(stack, instructor, ticket["media_id"], "ready")
    lesson = _video_lesson(stack, instructor, course_id, ticket["media_id"], "The whole lecture")
    _ok(stack.api("POST", f"/v1/courses/{course_id}/publish", instructor))
    _ok(stack.api("POST", f"/v1/courses/{course_id}/enroll", _token(stack, STUDENT)), 201)
    return Lecture(course_id=course_id, lesson_id=lesson["id"])


@dataclass
class Network:
    """The player's requests as the page saw them: (wall time, status, URL)."""

    started: float = field(default_factory=time.time)
    seen: list[tuple[float, int, str]] = field(default_factory=list)

    def record(self, response: Response) -> None:
        self.seen.append((time.time(), response.status, response.url))

    def segments_after(self, moment: float) -> list[tuple[float, int, str]]:
        return [s for s in self.seen if s[0] > moment and "/segments/" in s[2]]

    def refreshes(self) -> list[int]:
        return [status for _, status, url in self.seen if url.endswith("/playback/refresh")]


def test_the_player_plays_past_the_token_lifetime(
    short_lived_stack: LocalStack, own_browser: Browser, lecture: Lecture
) -> None:
    # Given the enrolled student on the lesson page
    context = own_browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    learner = Person(short_lived_stack, context)
    learner.log_in(STUDENT, DEMO_PASSWORD)
    page = learner.page
    network = Network()
    page.on("response", network.record)
    played: list[dict[str, Any]] = []
    page.on(
        "response",
        lambda r: played.append(r.json()) if r.url.endswith("/playback") and r.ok else None,
    )
    learner.open(f"/learn/{lecture.course_id}/{lecture.lesson_id}")
    page.wait_for_function("() => document.querySelector('video')?.readyState >= 1")
    assert played and played[0]["expires_in"] == TTL_SECONDS
    first_expiry = time.time() + TTL_SECONDS

    # When they watch (at double speed) well past the first token's expiry
    page.evaluate(f"document.querySelector('video').playbackRate = {PLAYBACK_RATE}")
    page.evaluate("document.querySelector('video').play()")
    page.wait_for_function(
        f"() => document.querySelector('video').currentTime > {WATCH_UNTIL_SECONDS}",
        timeout=90_000,
    )

    # Then the video kept playing, with no error, on refreshed tokens
    video = page.evaluate(
        "(() => { const v = document.querySelector('video');"
        " return {error: v.error, paused: v.paused, time: v.currentTime}; })()"
    )
    assert video["error"] is None and not video["paused"], video
    assert time.time() > first_expiry + 2 * TTL_SECONDS
    refreshes = network.refreshes()
    assert len(refreshes) >= 3 and set(refreshes) == {200}, refreshes
    # ...fetching segments long after the first token expired: each path redirected (302) to
    # storage, which served it (200); none refused
    late = network.segments_after(first_expiry + TTL_SECONDS)
    assert late, network.seen
    assert {status for _, status, _ in late} == {302}, late
    tokens = {parse_qs(urlsplit(url).query)["token"][0] for _, _, url in late}
    assert played[0]["token"] not in tokens  # the player sent refreshed tokens
    served = [s for s in network.seen if s[0] > first_expiry and "X-Amz-Signature=" in s[2]]
    assert served and {status for _, status, _ in served} == {200}, served
    assert not [s for s in network.seen if s[1] in (401, 403)], network.seen
    assert page.locator(".media-error").inner_text() == ""

    # When the enrollment is revoked (a refund) while they watch
    _revoke(short_lived_stack, STUDENT, lecture.course_id)

    # Then the next refresh is refused and the player stops, saying why
    page.get_by_text("You can no longer watch this video.").wait_for()
    assert network.refreshes()[-1] == 403
    assert not learner.errors, learner.errors
    context.close()


def _revoke(stack: LocalStack, email: str, course_id: str) -> None:
    """What a refund does to the enrollment (no payment to refund: the course is free)."""
    user_id = _ok(stack.api("GET", "/v1/me", _token(stack, email)))["id"]
    stack.aws("dynamodb").update_item(
        TableName=stack.env["TABLE_NAME"],
        Key={"PK": {"S": f"USER#{user_id}"}, "SK": {"S": f"ENROLLMENT#{course_id}"}},
        UpdateExpression="SET #status = :revoked",
        ConditionExpression="attribute_exists(PK)",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":revoked": {"S": "revoked"}},
    )

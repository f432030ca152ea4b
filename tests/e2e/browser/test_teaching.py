"""An instructor in a real browser: creates a course, a section and a video lesson from an
uploaded clip (upload progress, then the transcode's own progress to ready), and publishes it."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from local.samples import make_test_clip
from tests.e2e.conftest import LocalStack

INSTRUCTOR = "instructor@demo.coursewave.dev"
# Run in the page (through the DevTools protocol, not subject to the page's CSP): every value the
# progress bars and the upload status line take, in order.
RECORD_PROGRESS = """() => {
  window.__progress = {"Upload progress": [], "Transcode progress": [], status: []};
  new MutationObserver((changes) => {
    for (const change of changes) {
      const el = change.target.nodeType === 1 ? change.target : change.target.parentElement;
      const seen = window.__progress;
      if (el.tagName === "PROGRESS") seen[el.getAttribute("aria-label")].push(el.value);
      if (el.classList.contains("upload-status")) seen.status.push(el.textContent);
    }
  }).observe(document.body, {subtree: true, attributes: true, childList: true,
                             characterData: true});
}"""


def test_an_instructor_creates_and_publishes_a_course_with_an_uploaded_video(
    stack: LocalStack, person: Any, tmp_path: Path
) -> None:
    # Given the demo instructor and a clip on their disk
    clip = make_test_clip(tmp_path / "welcome.mp4", seconds=3, width=640, height=360)
    instructor = person()
    instructor.log_in(INSTRUCTOR)
    page = instructor.page
    title = f"Filming lessons at home {time.time_ns()}"

    # When they create a course, a bad title is shown next to its field...
    page.get_by_role("link", name="Teach", exact=True).click()
    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Description").fill("Light, sound and framing with a phone.")
    page.get_by_role("button", name="Create course").click()
    page.locator('[data-error-for="title"]').wait_for()
    assert page.locator('[data-error-for="title"]').inner_text().strip()

    # ...then create it properly, with a section
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Category").select_option("photography-and-video")
    page.get_by_role("button", name="Create course").click()
    page.get_by_role("heading", name=title).wait_for()
    assert page.locator("#course-status").inner_text() == "draft"
    page.get_by_label("Section title").fill("Getting set up")
    page.get_by_role("button", name="Add section").click()
    page.get_by_role("heading", name="Getting set up").wait_for()

    # ...and upload a video lesson
    page.get_by_text("Add a lesson to Getting set up").click()
    lesson_form = page.get_by_role("form", name="Add a lesson to Getting set up")
    lesson_form.get_by_label("Lesson title").fill("Your camera and you")
    lesson_form.get_by_label("Lesson type").select_option("video")
    lesson_form.get_by_label("Video file").set_input_files(str(clip))
    lesson_form.get_by_role("button", name="Add lesson").click()

    # Then the upload and the transcode progress to ready and the lesson is in the outline
    page.get_by_role("link", name="Your camera and you").wait_for(timeout=120_000)
    instructor.shot("course-editor")
    # Then it can be published
    page.get_by_role("button", name="Publish course").click()
    page.get_by_role("button", name="Unpublish").wait_for()
    assert page.locator("#course-status").inner_text() == "published"
    assert not instructor.errors, instructor.errors


def test_the_upload_form_reports_upload_and_transcode_progress(
    stack: LocalStack, person: Any, tmp_path: Path
) -> None:
    # Given an instructor's draft course with a section, made over the API
    token = stack.cognito_token(INSTRUCTOR)["AccessToken"]
    course = stack.api(
        "POST",
        "/v1/courses",
        token,
        json={
            "title": f"Progress bars {time.time_ns()}",
            "description": "Watching an upload.",
            "category": "photography-and-video",
            "level": "beginner",
            "price": {"amount": 0, "currency": "USD"},
        },
    ).json()
    stack.api("POST", f"/v1/courses/{course['id']}/sections", token, json={"title": "One"})
    # Long enough that the page's once-a-second poll sees it processing: a tiny clip is ready
    # within a second of its upload now that segments are published during the encode.
    clip = make_test_clip(tmp_path / "clip.mp4", seconds=16, width=1280, height=720)
    instructor = person()
    instructor.log_in(INSTRUCTOR)
    page = instructor.open(f"/teach/courses/{course['id']}")

    # When they upload a clip, with every value the two progress bars take recorded
    page.evaluate(RECORD_PROGRESS)
    page.get_by_text("Add a lesson to One").click()
    form = page.get_by_role("form", name="Add a lesson to One")
    form.get_by_label("Lesson title").fill("Clip")
    form.get_by_label("Lesson type").select_option("video")
    form.get_by_label("Video file").set_input_files(str(clip))
    form.get_by_role("button", name="Add lesson").click()
    page.get_by_role("link", name="Clip").wait_for(timeout=120_000)

    # Then the upload bar filled up, and the transcode bar followed the media's progress_percent
    # from the processing state to 100 before the lesson was added
    seen = page.evaluate("() => window.__progress")
    assert seen["Upload progress"][-1] == 100
    transcode = seen["Transcode progress"]
    assert transcode[-1] == 100 and transcode == sorted(transcode), transcode
    assert any(status.startswith("Video processing") for status in seen["status"]), seen
    assert "Video ready" in seen["status"]
